"""Yearly serial numbers (收据号 WY2026-00001, 借款编号 JK2026-01), amounts typed into a form, and
the fee arithmetic (area × rate, half up to the fen).

A serial is the prefix (kind and year) and the next sequence after the largest already used; voided
records keep theirs, so a number is never given twice. Sequences compare as numbers, so JK2026-100
follows JK2026-99 once a year outgrows the width.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from chang_shan.canteen.money import CENT
from chang_shan.errors import ValidationError

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


def next_serial(session: Session, column: InstrumentedAttribute, prefix: str, width: int) -> str:
    """``prefix`` + the next sequence of ``column`` among the values starting with ``prefix``."""
    last = session.scalar(
        select(column).where(column.startswith(prefix, autoescape=True))
        .order_by(func.length(column).desc(), column.desc()).limit(1)
    )
    tail = last[len(prefix):] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{seq:0{width}d}"


def parse_amount(raw: Decimal | str | int | None, field: str, label: str) -> Decimal:
    """Yuan with at most two decimals: a ``Decimal``, an int, or a form's text ('15.6', '１５．６',
    '15.60元'). Floats are refused (money is never a float); so are 0 and negative amounts."""
    problem = f"{label}应为大于 0 的金额（元），最多两位小数。"
    value: Decimal | None = None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().removesuffix("元").strip()
        if _AMOUNT.fullmatch(text):
            try:
                value = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only digits
                value = None
    if value is None or not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise ValidationError({field: problem})
    return value.quantize(CENT)


def fee_due(area_m2: Decimal, rate: Decimal) -> Decimal:
    """A year's fee: ``area_m2`` × ``rate``, half up to the fen (52 × 0.30 → 15.60, 52.35 × 0.30 =
    15.705 → 15.71)."""
    if not isinstance(area_m2, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("area and rate are Decimals, never floats")
    return (area_m2 * rate).quantize(CENT, rounding=ROUND_HALF_UP)
