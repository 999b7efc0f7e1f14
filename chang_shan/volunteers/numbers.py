"""Numbers the volunteer ledger hands out: volunteers (``CSV-00123``, for good) and redemption
receipts (``DH2026-0001``, counting again each year), made by ``chang_shan.db.numbering``."""

from __future__ import annotations

VOLUNTEER_PREFIX = "CSV-"
REDEMPTION_PREFIX = "DH"
