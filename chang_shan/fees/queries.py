"""Reading the property fees and the 诚信借款 loans: the year's rate, households with due / paid /
owed, the arrears, payments and a receipt's detail, the year's summary; loans with their balance,
a loan's repayments, overdue loans.

Everything needs ``Perm.VIEW``; a 网格员 sees the households (and borrowers) of their grids only.
Phones come out masked. A household is listed for a year unless it was dissolved before the year
began; its fee uses its registered area today and the year's rate (``fees.fee_due``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan.accounts.permissions import Perm, require
from chang_shan.canteen.money import yuan
from chang_shan.db.models import Building, Grid, Household, Resident, Unit
from chang_shan.db.models.fees import Loan, LoanRepayment, PropertyFeePayment, PropertyFeeRate
from chang_shan.errors import NotFound
from chang_shan.fees.amounts import fee_due
from chang_shan.fees.shapes import (
    NO_AREA,
    OWING,
    PAID_UP,
    FeeRow,
    LoanDetail,
    LoanRow,
    PaymentDetail,
    PaymentRow,
    RepaymentRow,
    YearSummary,
)
from chang_shan.population import access
from chang_shan.population.addresses import household_address
from chang_shan.population.idnumber import mask_phone
from chang_shan.settings import get_setting

ZERO = Decimal("0.00")


def _plain_rate(rate: Decimal) -> Decimal:
    """0.3000 → 0.30 (a rate with more places keeps them: 0.3250 → 0.325)."""
    short = rate.quantize(Decimal("0.01"))
    return short if short == rate else rate.normalize()


def rate_for(session: Session, year: int) -> Decimal:
    """The year's rate (元/平方米·年): its own, else the setting ``fees.default_rate``."""
    require(session, Perm.VIEW)
    own = session.scalar(select(PropertyFeeRate.rate).where(PropertyFeeRate.year == year))
    rate = own if own is not None else get_setting(session, "fees.default_rate")
    assert isinstance(rate, Decimal)
    return _plain_rate(rate)


def rates(session: Session) -> list[tuple[int, Decimal, str]]:
    """(year, rate, note) of the years that have their own rate, newest first."""
    require(session, Perm.VIEW)
    rows = session.execute(select(PropertyFeeRate.year, PropertyFeeRate.rate, PropertyFeeRate.note)
                           .order_by(PropertyFeeRate.year.desc())).all()
    return [(r.year, _plain_rate(r.rate), r.note) for r in rows]


def paid_fen(session: Session, household_id: int, year: int) -> int:
    """What the household has paid for ``year`` (voided payments left out), in fen."""
    return session.scalar(
        select(func.coalesce(func.sum(PropertyFeePayment.amount_fen), 0))
        .where(PropertyFeePayment.household_id == household_id, PropertyFeePayment.year == year,
               PropertyFeePayment.voided_on.is_(None))
    ) or 0


# --- households and their fees ---------------------------------------------------------------


def _placed_households(session: Session) -> Select:
    head = aliased(Resident)
    query = (
        select(Household.id, Household.area_m2, Household.room, Building.name.label("building"),
               Building.kind.label("kind"), Unit.name.label("unit"), Grid.name.label("grid"),
               head.name.label("head"))
        .join(Building, Building.id == Household.building_id)
        .join(Grid, Grid.id == Building.grid_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(head, head.id == Household.head_id)
    )
    actor = require(session, Perm.VIEW)
    if access.scoped(actor):
        query = query.where(Building.grid_id.in_(sorted(actor.grid_ids or ())))
    return query.order_by(Grid.code, Building.sort_key, Building.id, Unit.sort_key, Unit.id,
                          func.length(Household.room), Household.room, Household.id)


@dataclass(frozen=True)
class _Paid:
    fen: int
    count: int
    last: date | None


def _paid_by_household(session: Session, year: int) -> dict[int, _Paid]:
    rows = session.execute(
        select(PropertyFeePayment.household_id, func.sum(PropertyFeePayment.amount_fen), func.count(),
               func.max(PropertyFeePayment.paid_on))
        .where(PropertyFeePayment.year == year, PropertyFeePayment.voided_on.is_(None))
        .group_by(PropertyFeePayment.household_id)
    ).all()
    return {hid: _Paid(fen, count, last) for hid, fen, count, last in rows}


def household_fees(
    session: Session, year: int, *, grid: int | None = None, building: int | None = None,
    status: str | None = None, text: str = "",
) -> list[FeeRow]:
    """Every household of ``year`` with area, rate, due, paid and owed, in address order.
    ``status``: 欠费 / 已缴清 / 面积未登记; ``text``: part of the address or the head's name."""
    rate = rate_for(session, year)
    query = _placed_households(session).where(
        or_(Household.dissolved_on.is_(None), Household.dissolved_on >= date(year, 1, 1)))
    if grid is not None:
        query = query.where(Building.grid_id == grid)
    if building is not None:
        query = query.where(Household.building_id == building)
    paid = _paid_by_household(session, year)
    needle = (text or "").strip()
    rows = []
    for r in session.execute(query):
        address = household_address(r.building, r.unit, r.room, r.kind)
        if needle and not _matches(needle, address, r.head or ""):
            continue
        p = paid.get(r.id, _Paid(0, 0, None))
        amount = yuan(p.fen)
        if r.area_m2 is None:
            due = owed = None
            row_status = NO_AREA
        else:
            due = fee_due(r.area_m2, rate)
            owed = due - amount
            row_status = OWING if owed > 0 else PAID_UP
        if status is not None and row_status != status:
            continue
        rows.append(FeeRow(r.id, address, r.grid, r.head or "", r.area_m2, rate, due, amount, owed, row_status,
                           p.count, p.last))
    return rows


def arrears(session: Session, year: int, *, grid: int | None = None, building: int | None = None,
            text: str = "") -> list[FeeRow]:
    """The households that still owe part or all of ``year``'s fee, in address order."""
    return household_fees(session, year, grid=grid, building=building, status=OWING, text=text)


def _matches(needle: str, address: str, head: str) -> bool:
    return needle in address or needle in head


def filter_fees(rows: list[FeeRow], *, status: str | None = None, text: str = "") -> list[FeeRow]:
    """``household_fees``'s own filters applied to rows already made (the 物业费 tab makes the
    year's rows once for the list and the totals)."""
    needle = (text or "").strip()
    return [r for r in rows if (status is None or r.status == status)
            and (not needle or _matches(needle, r.address, r.head_name))]


def year_summary(session: Session, year: int, *, rows: list[FeeRow] | None = None) -> YearSummary:
    """The year's totals over every household (``rows``: ``household_fees(session, year)`` if
    the caller has made them already)."""
    rows = household_fees(session, year) if rows is None else rows
    billed = [r for r in rows if r.due is not None]
    counts = dict(session.execute(
        select(PropertyFeePayment.voided_on.is_(None), func.count()).where(PropertyFeePayment.year == year)
        .where(*_payment_scope(session)).group_by(PropertyFeePayment.voided_on.is_(None))
    ).all())
    return YearSummary(
        year=year, rate=rate_for(session, year), households=len(rows), billed=len(billed),
        no_area=len(rows) - len(billed),
        due=sum((r.due for r in billed if r.due is not None), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        owed=sum((r.owed for r in billed if r.owed is not None and r.owed > 0), ZERO),
        paid_up=sum(1 for r in billed if r.status == PAID_UP),
        partly_paid=sum(1 for r in billed if r.status == OWING and r.paid > 0),
        unpaid=sum(1 for r in billed if r.status == OWING and r.paid == 0),
        payments=counts.get(True, 0), voided=counts.get(False, 0),
    )


# --- payments ---------------------------------------------------------------------------------


def _payment_scope(session: Session) -> tuple[ColumnElement[bool], ...]:
    actor = require(session, Perm.VIEW)
    if access.scoped(actor):
        return (PropertyFeePayment.household_id.in_(access.households_in_scope(actor)),)
    return ()


def _address_of(session: Session, household_ids: set[int]) -> dict[int, tuple[str, str]]:
    """household id → (address, head's name)."""
    if not household_ids:
        return {}
    rows = session.execute(_placed_households(session).where(Household.id.in_(sorted(household_ids))))
    return {r.id: (household_address(r.building, r.unit, r.room, r.kind), r.head or "") for r in rows}


def payments(session: Session, *, year: int | None = None, household_id: int | None = None,
             include_voided: bool = True) -> list[PaymentRow]:
    """Payments (newest first), of a fee year and/or a household."""
    query = select(PropertyFeePayment).where(*_payment_scope(session))
    if year is not None:
        query = query.where(PropertyFeePayment.year == year)
    if household_id is not None:
        query = query.where(PropertyFeePayment.household_id == household_id)
    if not include_voided:
        query = query.where(PropertyFeePayment.voided_on.is_(None))
    found = session.scalars(query.order_by(PropertyFeePayment.paid_on.desc(), PropertyFeePayment.id.desc())).all()
    places = _address_of(session, {p.household_id for p in found})
    return [PaymentRow(p.id, p.receipt_number, p.household_id, places.get(p.household_id, ("", ""))[0], p.year,
                       yuan(p.amount_fen), p.paid_on, p.payer, p.method, p.recorded_by, p.voided_on, p.void_reason)
            for p in found]


def payment_detail(session: Session, receipt_number: str) -> PaymentDetail:
    """A payment by its receipt number (WY2026-00001), as its receipt prints it."""
    require(session, Perm.VIEW)
    number = (receipt_number or "").strip().upper()
    p = session.scalar(select(PropertyFeePayment).where(PropertyFeePayment.receipt_number == number))
    if p is None:
        raise NotFound(f"没有编号为 {number or '（空）'} 的物业费收据。")
    access.require_household(session, Perm.VIEW, p.household_id)
    before = session.scalar(
        select(func.coalesce(func.sum(PropertyFeePayment.amount_fen), 0)).where(
            PropertyFeePayment.household_id == p.household_id, PropertyFeePayment.year == p.year,
            PropertyFeePayment.voided_on.is_(None), PropertyFeePayment.id != p.id,
            or_(PropertyFeePayment.paid_on < p.paid_on,
                (PropertyFeePayment.paid_on == p.paid_on) & (PropertyFeePayment.id < p.id)))
    ) or 0
    due = fee_due(p.area_m2, p.rate) if p.area_m2 is not None and p.rate is not None else None
    amount, paid_before = yuan(p.amount_fen), yuan(before)
    address, head = _address_of(session, {p.household_id}).get(p.household_id, ("", ""))
    return PaymentDetail(
        p.id, p.receipt_number, p.household_id, address, head, p.year, p.area_m2,
        _plain_rate(p.rate) if p.rate is not None else None, due, amount, paid_before,
        due - paid_before - amount if due is not None and p.voided_on is None else None, p.paid_on, p.payer, p.method, p.recorded_by,
        p.voided_on, p.void_reason, p.note,
    )


# --- loans ------------------------------------------------------------------------------------


def _loan_query(session: Session) -> Select:
    actor = require(session, Perm.VIEW)
    query = (
        select(Loan, Resident.name, Resident.phone, Household.room, Building.name.label("building"),
               Building.kind.label("kind"), Unit.name.label("unit"))
        .join(Resident, Resident.id == Loan.borrower_id)
        .outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
    )
    if access.scoped(actor):
        query = query.where(Resident.household_id.in_(access.households_in_scope(actor)))
    return query


def _loan_row(r, on: date) -> LoanRow:  # noqa: ANN001 - a row of _loan_query
    loan: Loan = r.Loan
    address = household_address(r.building, r.unit, r.room, r.kind) if r.building is not None else ""
    late = (on - loan.due_on).days if loan.status == "还款中" and on > loan.due_on else 0
    return LoanRow(loan.id, loan.number, loan.borrower_id, r.name, address, mask_phone(r.phone),
                   yuan(loan.amount_fen), yuan(loan.repaid_fen), yuan(loan.amount_fen - loan.repaid_fen),
                   loan.purpose, loan.lent_on, loan.due_on, loan.status, loan.closed_on, late, loan.version)


def loans(session: Session, *, status: str | None = None, text: str = "", on: date | None = None) -> list[LoanRow]:
    """Loans, newest first; ``status`` 还款中 / 已还清 / 已核销, or 逾期 (还款中 past its due date on
    ``on``); ``text``: part of the number, the borrower's name or the purpose."""
    on = on or date.today()
    query = _loan_query(session)
    if status == "逾期":
        query = query.where(Loan.status == "还款中", Loan.due_on < on)
    elif status is not None:
        query = query.where(Loan.status == status)
    needle = (text or "").strip()
    if needle:
        query = query.where(or_(Loan.number.contains(needle, autoescape=True),
                                Resident.name.contains(needle, autoescape=True),
                                Loan.purpose.contains(needle, autoescape=True)))
    return [_loan_row(r, on) for r in session.execute(query.order_by(Loan.lent_on.desc(), Loan.id.desc()))]


def overdue(session: Session, on: date) -> list[LoanRow]:
    """Loans still being repaid whose due date has passed on ``on``: the longest overdue first."""
    rows = loans(session, status="逾期", on=on)
    return sorted(rows, key=lambda r: (-r.days_overdue, r.number))


def loan_detail(session: Session, loan_id: int, *, on: date | None = None) -> LoanDetail:
    require(session, Perm.VIEW)
    r = session.execute(_loan_query(session).where(Loan.id == loan_id)).first()
    if r is None:
        loan = session.get(Loan, loan_id)
        if loan is not None:  # out of a 网格员's grids: PermissionDenied, not NotFound
            access.require_resident(session, Perm.VIEW, loan.borrower_id)
        raise NotFound("没有这笔诚信借款。")
    repayments = session.scalars(select(LoanRepayment).where(LoanRepayment.loan_id == loan_id)
                                 .order_by(LoanRepayment.paid_on, LoanRepayment.id)).all()
    return LoanDetail(
        _loan_row(r, on or date.today()), r.Loan.guarantor, r.Loan.approved_by, r.Loan.note,
        tuple(RepaymentRow(p.id, p.paid_on, yuan(p.amount_fen), p.receipt_number, p.recorded_by, p.note)
              for p in repayments),
    )


def loan_id_of(session: Session, number: str) -> int:
    """A loan's id from its number (JK2026-01)."""
    require(session, Perm.VIEW)
    found = session.scalar(select(Loan.id).where(Loan.number == (number or "").strip().upper()))
    if found is None:
        raise NotFound(f"没有编号为 {number} 的诚信借款。")
    return found
