"""The built-in sections of the today list: overdue visits, elders not visited for a while,
birthdays of the very old this month, elders with no caretaker.

Each provider turns a service's rows into ``TodayItem``s; the services check permissions and
limit a 网格员 to their grids. Only the birthdays query is here (no service lists birthdays).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.care.assignments import without_caretaker
from chang_shan.db.models import Resident
from chang_shan.health import due
from chang_shan.health.shapes import DueRow
from chang_shan.population.access import resident_scope
from chang_shan.population.residents import ACTIVE
from chang_shan.settings import get_setting
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem

NOT_VISITED_DAYS = "today.not_visited_days"
MILESTONES = (80, 90)  # and every birthday from 100 on
CENTENARIAN = 100


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日"


# --- 逾期随访 ---------------------------------------------------------------------------------


def _due_items(rows: list[DueRow], kind: str, describe: Callable[[DueRow], str]) -> list[TodayItem]:
    return [TodayItem(r.resident_id, r.name, describe(r), r.due_on, r.days_overdue, (kind, r.resident_id))
            for r in rows]


def _overdue_text(row: DueRow) -> str:
    if row.due_on is None:
        return f"{row.reason} 尚无随访记录"
    if row.days_overdue == 0:
        return f"{row.reason} 今天到期（{row.due_on.isoformat()}）"
    return f"{row.reason} 逾期 {row.days_overdue} 天（应于 {row.due_on.isoformat()}）"


def overdue_visits(session: Session, on: date) -> list[TodayItem]:
    return _due_items(due.overdue_visits(session, on), "health", _overdue_text)


# --- 久未走访 ---------------------------------------------------------------------------------


def _not_visited_text(row: DueRow) -> str:
    who = row.reason.removesuffix("走访")  # 独居老人 / 需照护老人
    if row.last_visit_on is None:
        return f"{who} 从未走访"
    return f"{who} 已 {row.days_overdue} 天未走访"  # days_overdue: the days since that visit


def not_visited(session: Session, on: date) -> list[TodayItem]:
    days = int(get_setting(session, NOT_VISITED_DAYS))
    return _due_items(due.not_visited(session, on, days), "resident", _not_visited_text)


def _not_visited_note(session: Session, _on: date) -> str:
    return f"超过 {get_setting(session, NOT_VISITED_DAYS)} 天未走访的独居或需照护老人"


# --- 本月高龄生日 -----------------------------------------------------------------------------


def birthday_in(birth: date, year: int) -> date:
    """The day a birthday is kept in ``year``: someone born on 29 February keeps it on 28
    February in a common year (it stays in February, the month it belongs to, so it shows in the
    same month's list every year)."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birth.replace(year=year)


def birthdays(session: Session, on: date) -> list[TodayItem]:
    """Residents 在册 turning 80, 90 or 100 and over in ``on``'s month, by day (in SQL:
    ``extract`` is ``strftime`` on SQLite, so the 7,000 residents are never loaded)."""
    require(session, Perm.VIEW)
    year = on.year
    born = extract("year", Resident.birth_date)
    query = (
        select(Resident.id, Resident.name, Resident.birth_date, Resident.name_pinyin)
        .where(
            Resident.status == ACTIVE,
            Resident.birth_date <= date(year - MILESTONES[0], 12, 31),  # the index narrows the scan
            extract("month", Resident.birth_date) == on.month,
            or_(born.in_([year - age for age in MILESTONES]), born <= year - CENTENARIAN),
        )
    )
    scope = resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    rows = []
    for resident_id, name, birth, pinyin in session.execute(query):
        day = birthday_in(birth, year)
        text = f"{_day(day)} {year - birth.year} 岁生日"
        if day.day != birth.day:
            text += "（2月29日出生）"
        rows.append((day, pinyin, TodayItem(resident_id, name, text, day, None, ("resident", resident_id))))
    rows.sort(key=lambda r: (r[0], r[1], r[2].resident_id))
    return [item for _day_, _pinyin, item in rows]


# --- 无包保人的老人 ---------------------------------------------------------------------------


def no_caretaker(session: Session, on: date) -> list[TodayItem]:
    items = []
    for target in without_caretaker(session, on):
        age = f"{target.age} 岁 " if target.age is not None else ""
        text = f"{age}{'、'.join(target.reasons)}，尚无包保人"
        # ('care', id): the elder on the 包保关怀 screen, where 指定包保人 is one key away
        items.append(TodayItem(target.resident_id, target.name, text, None, None, ("care", target.resident_id)))
    return items


register_section("overdue_visits", "逾期随访", overdue_visits, order=10, perm=Perm.HEALTH,
                 note="已过应随访日期，或慢病随访对象尚无随访记录")
register_section("not_visited", "久未走访", not_visited, order=20, perm=Perm.VIEW, note=_not_visited_note)
register_section("birthdays", "本月高龄生日", birthdays, order=30, perm=Perm.VIEW,
                 note=lambda _session, on: f"{on.month}月满 80、90、100 岁及百岁以上的老人")
register_section("no_caretaker", "无包保人的老人", no_caretaker, order=40, perm=Perm.VIEW,
                 note="独居或需照护、尚未安排包保人的老人")
