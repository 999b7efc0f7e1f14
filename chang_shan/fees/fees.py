"""自管物业费: the year's rate, a household's fee (area × rate, half up to the fen), payments with
their receipt numbers, and voiding a payment entered by mistake.

The fee of a year is the household's registered area (m²) × the year's rate (元/平方米·年: the
year's own rate in ``property_fee_rate``, else the setting ``fees.default_rate``, 0.30), rounded
half up to the fen: 52 m² × 0.30 = 15.60 元; 52.35 m² × 0.30 = 15.705 → 15.71 元. A household
without a registered area has no fee to work out: it is listed as 面积未登记 and a payment is
refused until the area is entered in the 万家数据库. A payment never exceeds what is still owed
for the year; each gets the next receipt number of the year it is made in (WY2026-00001), and a
voided payment keeps its number (never reused) and stops counting.

Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the households of their grids
only, and may not set a rate (it is the whole community's). The lists are in ``fees.queries``
(re-exported here).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.canteen.money import to_fen, yuan
from chang_shan.db.models import Household, Resident
from chang_shan.db.models.fees import PropertyFeePayment, PropertyFeeRate
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.db.numbering import yearly_number
from chang_shan.fees.amounts import amount_into, fee_due
from chang_shan.fees.queries import (
    arrears,
    filter_fees,
    household_fees,
    paid_fen,
    payment_detail,
    payments,
    rate_for,
    rates,
    year_summary,
)
from chang_shan.fees.shapes import METHODS, PaymentResult
from chang_shan.population import access
from chang_shan.population.text import clean_name, clean_text

__all__ = [
    "arrears", "fee_due", "filter_fees", "household_fees", "payment_detail", "payments", "rate_for", "rates", "record_payment",
    "set_rate", "void_payment", "year_summary",
]

RATE_PLACES = Decimal("0.0001")
MAX_RATE = Decimal("100")
FIRST_YEAR = 2000
NO_AREA_MESSAGE = "该户未登记面积，无法计算物业费：请先在万家数据库中填写这一户的面积（平方米）。"


def _who(session: Session) -> str:
    actor = actor_of(session)
    return (actor.display_name or actor.username)[:50] if actor else ""


def _year_problem(year: object, latest: int) -> str | None:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        return f"年度应在 {FIRST_YEAR}–{latest} 年之间。"
    return None


# --- rates ----------------------------------------------------------------------------------


def _parse_rate(raw: Decimal | str | int) -> Decimal:
    problem = f"单价应为 0–{MAX_RATE} 元之间的数，最多四位小数，如 0.30。"
    try:
        value = Decimal(raw.strip()) if isinstance(raw, str) else raw
    except InvalidOperation:
        raise ValidationError({"rate": problem}) from None
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= MAX_RATE \
            or value != value.quantize(RATE_PLACES):
        raise ValidationError({"rate": problem})
    return value.quantize(RATE_PLACES)


def set_rate(session: Session, year: int, rate: Decimal | str, note: str = "", *, today: date | None = None) -> None:
    """The rate of ``year`` (元/平方米·年), replacing the default for that year. Refused when a
    household has already paid more for the year than the new rate would charge it."""
    access.require_all_grids(session, Perm.EDIT, what="设定物业费单价")
    today = today or date.today()
    errors = {}
    if (problem := _year_problem(year, today.year + 1)) is not None:
        errors["year"] = problem
    try:
        value = _parse_rate(rate)
    except ValidationError as exc:
        errors.update(exc.errors)
    note = clean_text(note or "")
    if len(note) > 200:
        errors["note"] = "说明最多 200 个字。"
    if errors:
        raise ValidationError(errors)
    over = 0
    paid = session.execute(
        select(PropertyFeePayment.household_id, func.sum(PropertyFeePayment.amount_fen))
        .where(PropertyFeePayment.year == year, PropertyFeePayment.voided_on.is_(None))
        .group_by(PropertyFeePayment.household_id)
    ).all()
    areas = dict(session.execute(select(Household.id, Household.area_m2)
                                 .where(Household.id.in_([h for h, _ in paid]))).all()) if paid else {}
    for household_id, fen in paid:
        area = areas.get(household_id)
        if area is not None and to_fen(fee_due(area, value)) < fen:
            over += 1
    if over:
        raise DomainError(f"已有 {over} 户按原单价缴纳的 {year} 年物业费超过新单价的应缴金额，不能改为 {value.normalize()} 元。"
                          "请先作废多缴的收据。")
    row = session.get(PropertyFeeRate, year)
    if row is None:
        session.add(PropertyFeeRate(year=year, rate=value, note=note))
    else:
        row.rate, row.note = value, note
    session.flush()


# --- payments -------------------------------------------------------------------------------


def record_payment(
    session: Session, household_id: int, year: int, amount: Decimal | str, *, paid_on: date | None = None,
    payer: str = "", method: str = "现金", note: str = "", today: date | None = None,
) -> PaymentResult:
    """A payment of ``household_id``'s fee for ``year``: the next receipt number of the year it is
    paid in, and what is still owed after it. Refused above the amount owed, for a household
    without an area, in the future."""
    access.require_household(session, Perm.EDIT, household_id)
    # Locked on a server database, so two clerks cannot both take the same amount owed (SQLite
    # has one writer at a time, and a stale reader cannot commit its write).
    household = session.get(Household, household_id, with_for_update=True)
    if household is None:
        raise NotFound("没有这一户。")
    today = today or date.today()
    paid_on = paid_on or today
    errors: dict[str, str] = {}
    value = amount_into(errors, amount, "amount", "缴费金额")
    if (problem := _year_problem(year, today.year + 1)) is not None:
        errors["year"] = problem
    if paid_on > today:
        errors["paid_on"] = "缴费日期不能晚于今天。"
    if method not in METHODS:
        errors["method"] = f"缴费方式应为{'、'.join(METHODS)}之一。"
    payer = clean_name(payer)
    note = clean_text(note or "")
    if len(payer) > 50:
        errors["payer"] = "缴费人最多 50 个字。"
    if len(note) > 200:
        errors["note"] = "备注最多 200 个字。"
    if errors:
        raise ValidationError(errors)
    assert value is not None
    if household.area_m2 is None:
        raise DomainError(NO_AREA_MESSAGE)
    rate = rate_for(session, year)
    due = fee_due(household.area_m2, rate)
    owed = due - yuan(paid_fen(session, household_id, year))
    if owed <= 0:
        raise DomainError(f"这一户 {year} 年的物业费（{due} 元）已经缴清。")
    if value > owed:
        raise ValidationError({"amount": f"缴费金额 {value} 元超过这一户 {year} 年尚欠的 {owed} 元。"})
    if not payer and household.head_id is not None:
        payer = session.scalar(select(Resident.name).where(Resident.id == household.head_id)) or ""
    number = yearly_number(session, PropertyFeePayment.receipt_number, "WY", paid_on.year, width=5)
    payment = PropertyFeePayment(
        household_id=household_id, year=year, amount_fen=to_fen(value), paid_on=paid_on, receipt_number=number,
        payer=payer, method=method, area_m2=household.area_m2, rate=rate, recorded_by=_who(session), note=note,
    )
    session.add(payment)
    session.flush()
    return PaymentResult(payment.id, number, owed - value)


def void_payment(session: Session, payment_id: int, reason: str, *, today: date | None = None) -> None:
    """Void a payment entered by mistake: it stays (with its receipt number) but no longer counts."""
    require(session, Perm.VIEW)
    payment = session.get(PropertyFeePayment, payment_id)
    if payment is None:
        raise NotFound("没有这笔缴费记录。")
    access.require_household(session, Perm.EDIT, payment.household_id)
    reason = clean_text(reason or "")
    if not reason:
        raise ValidationError({"reason": "请写明作废原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "作废原因最多 200 个字。"})
    if payment.voided_on is not None:
        raise DomainError(f"收据 {payment.receipt_number} 已于 {payment.voided_on:%Y-%m-%d} 作废。")
    payment.voided_on = today or date.today()
    payment.void_reason = reason
    session.flush()
