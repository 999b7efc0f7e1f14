"""Amounts typed into a form (yuan, Decimal) and the fee arithmetic (area × rate, half up to the
fen). Money itself (fen ↔ yuan, capitals) is ``canteen.money``."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chang_shan.canteen.money import CENT
from chang_shan.errors import ValidationError

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


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


def amount_into(errors: dict[str, str], raw: Decimal | str | int | None, field: str, label: str) -> Decimal | None:
    """``parse_amount``, its problem added to ``errors`` (None then), for forms checked whole."""
    try:
        return parse_amount(raw, field, label)
    except ValidationError as exc:
        errors.update(exc.errors)
        return None


def fee_due(area_m2: Decimal, rate: Decimal) -> Decimal:
    """A year's fee: ``area_m2`` × ``rate``, half up to the fen (52 × 0.30 → 15.60, 52.35 × 0.30 =
    15.705 → 15.71)."""
    if not isinstance(area_m2, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("area and rate are Decimals, never floats")
    return (area_m2 * rate).quantize(CENT, rounding=ROUND_HALF_UP)
