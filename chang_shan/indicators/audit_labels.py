"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module)."""

from __future__ import annotations
