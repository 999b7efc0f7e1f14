"""Numbers the volunteer ledger hands out: volunteers (``CSV-00123``, for good) and redemption
receipts (``DH2026-0001``, counting again each year), the way ``wills.registry.next_number``
makes ``YZ2026-0007``: the highest number with the prefix, plus one."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

VOLUNTEER_PREFIX = "CSV-"
REDEMPTION_PREFIX = "DH"


def next_serial(session: Session, column: InstrumentedAttribute, prefix: str, width: int) -> str:
    """``prefix`` + the next serial after the highest stored ``prefix…`` number, ``width`` digits."""
    last = session.scalar(select(func.max(column)).where(column.like(f"{prefix}%"), func.length(column) ==
                                                         len(prefix) + width))
    wider = session.scalar(select(func.max(column)).where(column.like(f"{prefix}%"),
                                                          func.length(column) > len(prefix) + width))
    last = wider or last  # past 9999 the numbers grow a digit (and sort after the shorter ones)
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:0{width}d}"


def yearly_number(session: Session, column: InstrumentedAttribute, letters: str, year: int, width: int = 4) -> str:
    """'DH2026-0008': the year's next number (``letters`` + year + '-' + serial)."""
    return next_serial(session, column, f"{letters}{year}-", width)
