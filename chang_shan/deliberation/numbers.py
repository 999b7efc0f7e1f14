"""Yearly record numbers like YS2026-003 or TJ2026-012: a prefix, the year, a sequence that starts
again at 1 each year (the same scheme as the will registry's YZ2026-0007)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def yearly_number(session: Session, column: Any, prefix: str, year: int, *, width: int = 3) -> str:
    """The next number of ``year`` in ``column`` (a string column holding numbers like
    ``{prefix}{year}-{seq}``): ``yearly_number(s, Matter.number, "YS", 2026)`` → 'YS2026-004'."""
    head = f"{prefix}{year}-"
    last = session.scalar(select(column).where(column.like(f"{head}%"))
                          .order_by(func.length(column).desc(), column.desc()).limit(1))
    seq = int(last[len(head):]) + 1 if last else 1
    return f"{head}{seq:0{width}d}"
