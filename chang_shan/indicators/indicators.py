"""The "八零" indicators of a year: derived from the records where the program keeps them, entered
with their source otherwise.

- 零矛盾升级 (``escalation``): the mediation cases received in the year that were marked as
  escalated (``MediationCase.escalated``). Derived only; nothing is entered.
- 零家庭暴力 (``domestic_violence``): the mediation cases of kind 家庭暴力 received in the year,
  plus the figure entered for cases the committee never saw (派出所、妇联 …): the two are added,
  so the entry must count only the cases that are not in the mediation records.
- 零就业家庭动态为零 (``zero_employment``): households with at least one member of working age
  (16–59) who is unemployed and looking for work (就业状况 失业 / 待业: registered as unemployed),
  and none of working age who works. A member with no employment recorded, a student, a retired
  member or one 无业 (not working, not looking: a homemaker …) is neither. Counted on 31 Dec (today
  for the current year) among the residents living here that day. Employment is kept only as it
  is now, so a past year's entry (the figure reported then) takes the place of the count; the
  current year is always counted live and cannot be entered.
- 零上访, 零吸毒, 零犯罪, 零辍学, 零治安案件: entered, each with its source (派出所通报, 学校 …).

Reading needs ``Perm.VIEW`` (the counts are the community's, also for a 网格员); entering needs
``Perm.EDIT`` over the whole community (not a 网格员).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.db.models.indicators import EIGHT_ZEROS, EightZeroEntry
from chang_shan.db.models.mediation import MediationCase
from chang_shan.errors import DomainError, ValidationError
from chang_shan.indicators.shapes import NOT_ENTERED, IndicatorValue, ZeroEmploymentHousehold
from chang_shan.population import access
from chang_shan.population.addresses import household_address
from chang_shan.population.query import years_before
from chang_shan.population.text import clean_text

__all__ = ["EIGHT_ZEROS", "clear", "dashboard", "enter", "year_indicators", "zero_employment_households"]

FIRST_YEAR = 2000
FROM_MEDIATION = "由人民调解记录统计"
FROM_RESIDENTS = "由居民就业状况统计"
DERIVED_ONLY = ("escalation",)
UNEMPLOYED = ("失业", "待业")
# Employment texts of people who are neither working nor looking for work.
NOT_IN_WORK = ("", "无业", "学生", "在校", "在校学生", "学龄前", "离退休", "退休", "离休", "丧失劳动能力")
WORKING_AGE = (16, 59)


def _cases(session: Session, year: int, condition: ColumnElement[bool]) -> int:
    """Mediation cases received in ``year`` that meet ``condition``."""
    return session.scalar(select(func.count()).select_from(MediationCase).where(
        condition, MediationCase.received_on.between(date(year, 1, 1), date(year, 12, 31)))) or 0


def counting_day(year: int, today: date) -> date:
    """The day a year's households are counted on: 31 Dec, or today in the current year."""
    return min(date(year, 12, 31), today)


def _zero_employment(session: Session, on: date) -> dict[int, list[tuple[str, str]]]:
    """household id → its working-age members (name, employment), for the zero-employment
    households on ``on``. Residents living here that day, in their (last) household."""
    oldest, youngest = years_before(on, WORKING_AGE[1] + 1), years_before(on, WORKING_AGE[0])
    rows = session.execute(
        select(Resident.household_id, Resident.name, Resident.employment)
        .where(Resident.household_id.is_not(None), Resident.birth_date > oldest, Resident.birth_date <= youngest,
               or_(Resident.moved_in_on.is_(None), Resident.moved_in_on <= on),
               or_(Resident.moved_out_on.is_(None), Resident.moved_out_on > on),
               or_(Resident.died_on.is_(None), Resident.died_on > on),
               or_(Resident.status == "在册", Resident.moved_out_on.is_not(None), Resident.died_on.is_not(None)))
        .order_by(Resident.household_id, Resident.birth_date, Resident.id)
    ).all()
    members: dict[int, list[tuple[str, str]]] = {}
    working: set[int] = set()
    for household_id, name, employment in rows:
        text = clean_text(employment)
        if text in UNEMPLOYED:
            members.setdefault(household_id, []).append((name, text))
        elif text not in NOT_IN_WORK:
            working.add(household_id)
    return {hid: people for hid, people in members.items() if hid not in working}


def zero_employment_households(session: Session, on: date) -> list[ZeroEmploymentHousehold]:
    """The zero-employment households on ``on`` (a 网格员: of their grids), in address order."""
    actor = require(session, Perm.VIEW)
    found = _zero_employment(session, on)
    if not found:
        return []
    query = (
        select(Household.id, Household.room, Building.name, Building.kind, Unit.name.label("unit"))
        .join(Building, Building.id == Household.building_id).outerjoin(Unit, Unit.id == Household.unit_id)
        .where(Household.id.in_(sorted(found)))
        .order_by(Building.sort_key, Building.id, Unit.sort_key, Unit.id, func.length(Household.room), Household.room)
    )
    if access.scoped(actor):
        query = query.where(Building.grid_id.in_(sorted(actor.grid_ids or ())))
    return [ZeroEmploymentHousehold(r.id, household_address(r.name, r.unit, r.room, r.kind),
                                    "、".join(f"{name}（{job}）" for name, job in found[r.id]))
            for r in session.execute(query)]


def _value(key: str, year: int, count: int | None, source: str, derived: bool, entry: EightZeroEntry | None,
           may_enter: bool) -> IndicatorValue:
    return IndicatorValue(
        key, EIGHT_ZEROS[key], year, count, source, derived, None if count is None else count == 0,
        entry.count if entry is not None else None, entry.note if entry is not None else "",
        entry.entered_by if entry is not None else "", entry.entered_on if entry is not None else None, may_enter,
    )


def year_indicators(session: Session, year: int, *, today: date | None = None) -> list[IndicatorValue]:
    """The eight targets of ``year``, in the dashboard's order (``EIGHT_ZEROS``)."""
    require(session, Perm.VIEW)
    today = today or date.today()
    entries = {e.indicator: e for e in session.scalars(select(EightZeroEntry).where(EightZeroEntry.year == year))}
    values = []
    for key in EIGHT_ZEROS:
        entry = entries.get(key)
        if year > today.year:
            values.append(_value(key, year, None, NOT_ENTERED, False, None, False))
        elif key == "escalation":
            values.append(_value(key, year, _cases(session, year, MediationCase.escalated.is_(True)), FROM_MEDIATION, True, None, False))
        elif key == "domestic_violence":
            cases = _cases(session, year, MediationCase.kind == "家庭暴力")
            if entry is None:
                values.append(_value(key, year, cases, FROM_MEDIATION, True, None, True))
            else:
                source = f"人民调解记录 {cases} 起；{entry.source} {entry.count} 起"
                values.append(_value(key, year, cases + entry.count, source, True, entry, True))
        elif key == "zero_employment" and (year >= today.year or entry is None):
            on = counting_day(year, today)
            source = f"{FROM_RESIDENTS}（{on:%Y-%m-%d}）"
            values.append(_value(key, year, len(_zero_employment(session, on)), source, True, None,
                                 year < today.year))
        elif entry is not None:
            values.append(_value(key, year, entry.count, entry.source, False, entry, True))
        else:
            values.append(_value(key, year, None, NOT_ENTERED, False, None, True))
    return values


def dashboard(session: Session, years: Iterable[int], *, today: date | None = None) -> dict[int, list[IndicatorValue]]:
    """``year_indicators`` of each year, for the dashboard's columns side by side."""
    return {year: year_indicators(session, year, today=today) for year in years}


def _count(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        return int(text) if text.isascii() and text.isdigit() else None
    return raw if isinstance(raw, int) and raw >= 0 else None


def _check_key(key: str, year: int, today: date) -> None:
    if key not in EIGHT_ZEROS:
        raise ValidationError({"indicator": "请选择“八零”指标。"})
    if key in DERIVED_ONLY:
        raise DomainError(f"“{EIGHT_ZEROS[key]}”由人民调解记录（标记为矛盾升级的案件）统计，不需填报。")
    if key == "zero_employment" and year >= today.year:
        raise DomainError("本年的零就业家庭由居民就业状况随时统计，不需填报；年度结束后可填报当年上报的数字。")


def enter(session: Session, year: int, key: str, count: int | str, source: str, note: str = "", *,
          today: date | None = None) -> None:
    """Enter (or correct) the figure of indicator ``key`` for ``year`` with its source."""
    actor = access.require_all_grids(session, Perm.EDIT, what="填报“八零”指标")
    today = today or date.today()
    errors: dict[str, str] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        errors["year"] = f"年度应在 {FIRST_YEAR}–{today.year} 年之间。"
    value = _count(count)
    if value is None:
        errors["count"] = "数量应为 0 或正整数（0 即达标）。"
    source = clean_text(source)
    if not source:
        errors["source"] = "请写明数据来源，如“派出所通报”“学校统计”。"
    elif len(source) > 200:
        errors["source"] = "数据来源最多 200 个字。"
    note = clean_text(note)
    if len(note) > 300:
        errors["note"] = "备注最多 300 个字。"
    if key not in EIGHT_ZEROS:
        errors["indicator"] = "请选择“八零”指标。"
    if errors:
        raise ValidationError(errors)
    _check_key(key, year, today)
    assert value is not None
    who = (actor.display_name or actor.username)[:50]
    entry = session.get(EightZeroEntry, (year, key))
    if entry is None:
        session.add(EightZeroEntry(year=year, indicator=key, count=value, source=source, entered_by=who,
                                   entered_on=today, note=note))
    else:
        entry.count, entry.source, entry.note, entry.entered_by, entry.entered_on = value, source, note, who, today
    session.flush()


def clear(session: Session, year: int, key: str) -> None:
    """Remove the figure entered for ``key`` in ``year`` (entered by mistake)."""
    access.require_all_grids(session, Perm.EDIT, what="填报“八零”指标")
    entry = session.get(EightZeroEntry, (year, key))
    if entry is None:
        raise DomainError(f"{year} 年的“{EIGHT_ZEROS.get(key, key)}”没有填报的数字。")
    session.delete(entry)
    session.flush()


def entered_years(session: Session) -> list[int]:
    """The years that have entries, newest first (the dashboard's default columns add the current year)."""
    require(session, Perm.VIEW)
    return list(session.scalars(select(EightZeroEntry.year).distinct().order_by(EightZeroEntry.year.desc())))

