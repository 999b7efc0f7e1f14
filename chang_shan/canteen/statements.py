"""Monthly statements (结算单): what each person ate in a month and what it cost.

Every meal keeps the price it was recorded at, so a price change in the middle of a month shows
as two prices on one statement. Amounts are added up in fen (integers) and handed out as
``Decimal`` yuan with two decimals: the total is exactly the sum of the lines.

Access: ``Perm.VIEW``; a 网格员 reads the people of their grids only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.canteen.money import yuan
from chang_shan.canteen.queries import in_scope
from chang_shan.canteen.shapes import Statement, StatementLine, StatementSummary
from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import CanteenMeal, Resident
from chang_shan.db.models.canteen import MEALS
from chang_shan.errors import NotFound, ValidationError
from chang_shan.population import access

FIRST_YEAR, LAST_YEAR = 2000, 2999


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first day of the next one."""
    errors: dict[str, str] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = f"年份应为 {FIRST_YEAR}–{LAST_YEAR} 之间的整数。"
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = "月份应为 1–12。"
    if errors:
        raise ValidationError(errors)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), after


def statement(session: Session, resident_id: int, year: int, month: int) -> Statement:
    """``resident``'s meals in ``year``-``month``, by day (午餐 before 晚餐), and their total."""
    access.require_resident(session, Perm.VIEW, resident_id)
    first, after = month_bounds(year, month)
    place = Whereabouts()
    person = session.execute(
        place.join(select(Resident.name, *place.columns())).where(Resident.id == resident_id)
    ).first()
    if person is None:
        raise NotFound("该居民不存在。")
    meal_order = case((CanteenMeal.meal == MEALS[0], 0), else_=1)
    rows = session.execute(
        select(CanteenMeal.on_date, CanteenMeal.meal, CanteenMeal.mode, CanteenMeal.price_fen)
        .where(CanteenMeal.resident_id == resident_id, CanteenMeal.on_date >= first, CanteenMeal.on_date < after)
        .order_by(CanteenMeal.on_date, meal_order)
    ).all()
    lines = tuple(StatementLine(r.on_date, r.meal, r.mode, yuan(r.price_fen)) for r in rows)
    return Statement(
        resident_id=resident_id, name=person.name, address=place.address(person), year=year, month=month,
        lines=lines, meals=len(lines), total=yuan(sum(r.price_fen for r in rows)),
    )


def month_statements(session: Session, year: int, month: int) -> list[StatementSummary]:
    """Everyone who had a meal in ``year``-``month`` (that the user may see), by name: meals,
    of which delivered, and the total."""
    require(session, Perm.VIEW)
    first, after = month_bounds(year, month)
    query = (
        select(Resident.id, Resident.name, func.count(CanteenMeal.id).label("meals"),
               func.sum(case((CanteenMeal.mode == "送餐", 1), else_=0)).label("delivered"),
               func.sum(CanteenMeal.price_fen).label("fen"))
        .join(Resident, Resident.id == CanteenMeal.resident_id)
        .where(CanteenMeal.on_date >= first, CanteenMeal.on_date < after)
        .group_by(Resident.id, Resident.name, Resident.name_pinyin)
        .order_by(Resident.name_pinyin, Resident.name, Resident.id)
    )
    return [
        StatementSummary(resident_id=r.id, name=r.name, meals=int(r.meals), delivered=int(r.delivered or 0),
                         total=yuan(int(r.fen or 0)))
        for r in session.execute(in_scope(session, query))
    ]
