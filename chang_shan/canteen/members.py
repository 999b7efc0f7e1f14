"""Who eats at the 乐龄食堂: in the hall (堂食) or delivered home on a route (送餐), which meals.

A membership runs from ``start_on``; 停餐 sets ``end_on``, the first day without meals (so it is in
force on ``on`` when ``start_on <= on < end_on``). A resident has at most one membership at a
time: a new one may start only when the last has stopped, on its ``end_on`` or later. Stopped
memberships stay as history; the meals served keep their own mode, route and price.

Only residents 在册 sign up; 送餐 needs a route; at least one of 午餐 and 晚餐. A start or stop
may be planned up to a year ahead. Access: reading needs ``Perm.VIEW``, writing ``Perm.EDIT``;
a 网格员 reaches the residents of their grids. A phone is shown in full only to someone who may
edit the resident.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.canteen.queries import in_scope, present_on, route_key, shown_phone
from chang_shan.canteen.shapes import MemberInput, MemberRow
from chang_shan.care.queries import Whereabouts, is_lone
from chang_shan.db.models import CanteenMember, Resident
from chang_shan.db.models.canteen import MODES
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population import access
from chang_shan.population.residents import ACTIVE, age_on
from chang_shan.population.text import clean_text

AHEAD = timedelta(days=366)  # a start or stop planned further ahead is a typing mistake
_ROUTE_LIMIT = column_limit(CanteenMember, "route")
_NOTE_LIMIT = column_limit(CanteenMember, "note")


# --- writing ---------------------------------------------------------------------------------


def add_member(session: Session, data: MemberInput, *, today: date | None = None) -> MemberRow:
    """Sign ``data.resident_id`` up from ``data.start_on`` (default ``today``)."""
    today = today or date.today()
    if data.resident_id is None:
        require(session, Perm.EDIT)
        raise ValidationError({"resident_id": "请选择居民。"})
    access.require_resident(session, Perm.EDIT, data.resident_id)
    resident = session.get(Resident, data.resident_id)
    if resident is None:
        raise NotFound("该居民不存在。")
    errors: dict[str, str] = {}
    if resident.status != ACTIVE:
        errors["resident_id"] = f"{resident.name}{resident.status}，不能登记用餐。"
    start_on = data.start_on or today
    values = _checked(errors, data, start_on, resident, today=today)
    _check_overlap(session, errors, resident, start_on, None, member_id=None)
    if errors:
        raise ValidationError(errors)
    member = CanteenMember(resident_id=resident.id, start_on=start_on, **values)
    session.add(member)
    session.flush()
    return _rows(session, CanteenMember.id == member.id, on=today)[0]


def update_member(session: Session, member_id: int, data: MemberInput, *, today: date | None = None) -> MemberRow:
    """Change the way, meals, route, start date or note of a membership (not whose it is)."""
    today = today or date.today()
    member, resident = _member_to_write(session, member_id)
    errors: dict[str, str] = {}
    if data.resident_id is not None and data.resident_id != member.resident_id:
        errors["resident_id"] = "不能更换居民；请为该居民另行登记。"
    start_on = data.start_on or member.start_on
    values = _checked(errors, data, start_on, resident, today=today)
    if member.end_on is not None and start_on > member.end_on and "start_on" not in errors:
        errors["start_on"] = f"开始日期不能晚于停餐日期（{member.end_on:%Y-%m-%d}）。"
    _check_overlap(session, errors, resident, start_on, member.end_on, member_id=member.id)
    if errors:
        raise ValidationError(errors)
    member.start_on = start_on
    for key, value in values.items():
        if getattr(member, key) != value:
            setattr(member, key, value)
    session.flush()
    return _rows(session, CanteenMember.id == member.id, on=today)[0]


def end_membership(session: Session, member_id: int, end_on: date, *, today: date | None = None) -> MemberRow:
    """停餐 from ``end_on`` (no meals that day or after; meals already recorded stay)."""
    today = today or date.today()
    member, _resident = _member_to_write(session, member_id, ending=True)
    if member.end_on is not None:
        raise DomainError(f"该用餐人员已于 {member.end_on:%Y-%m-%d} 停餐。")
    if end_on < member.start_on:
        raise ValidationError({"end_on": f"停餐日期不能早于开始日期（{member.start_on:%Y-%m-%d}）。"})
    if end_on > today + AHEAD:
        raise ValidationError({"end_on": "停餐日期不能晚于一年以后。"})
    member.end_on = end_on
    session.flush()
    return _rows(session, CanteenMember.id == member.id, on=today)[0]


def _member_to_write(session: Session, member_id: int, *, ending: bool = False) -> tuple[CanteenMember, Resident]:
    actor = require(session, Perm.EDIT)
    member = session.get(CanteenMember, member_id)
    if member is None:
        raise NotFound("该用餐登记不存在。")
    if access.scoped(actor):
        access.check_grid(actor, access.grid_of_resident(session, member.resident_id))
    resident = session.get(Resident, member.resident_id)
    assert resident is not None  # a foreign key
    if resident.status != ACTIVE and not ending:  # a stop is still recorded for people who left
        raise DomainError(f"{resident.status}的居民不能修改用餐登记。")
    return member, resident


def _checked(errors: dict[str, str], data: MemberInput, start_on: date, resident: Resident, *,
             today: date) -> dict[str, Any]:
    """The membership's columns from ``data`` (cleaned); problems into ``errors``."""
    if data.mode not in MODES:
        errors["mode"] = "用餐方式应为堂食或送餐。"
    if not (data.lunch or data.dinner):
        errors["lunch"] = "请至少选择一餐（午餐或晚餐）。"
    route = clean_field(errors, "route", "送餐线路", data.route, _ROUTE_LIMIT) if data.mode == "送餐" else ""
    if data.mode == "送餐" and not route and "route" not in errors:
        errors["route"] = "送餐须填写送餐线路，如“一号线”。"
    note = clean_field(errors, "note", "备注", data.note, _NOTE_LIMIT, clean_text)
    if start_on > today + AHEAD:
        errors["start_on"] = "开始日期不能晚于一年以后。"
    elif resident.birth_date is not None and start_on < resident.birth_date:
        errors["start_on"] = f"开始日期不能早于出生日期（{resident.birth_date:%Y-%m-%d}）。"
    return {"mode": data.mode, "lunch": bool(data.lunch), "dinner": bool(data.dinner), "route": route, "note": note}


def _check_overlap(session: Session, errors: dict[str, str], resident: Resident, start_on: date,
                   end_on: date | None, *, member_id: int | None) -> None:
    """One membership at a time: [start_on, end_on) must not overlap the resident's others."""
    others = session.scalars(
        select(CanteenMember).where(CanteenMember.resident_id == resident.id, CanteenMember.id != (member_id or 0))
        .order_by(CanteenMember.start_on)
    ).all()
    for other in others:
        if (end_on is None or other.start_on < end_on) and (other.end_on is None or start_on < other.end_on):
            if other.end_on is None:
                errors.setdefault("resident_id", f"{resident.name}已是食堂用餐人员（{other.start_on:%Y-%m-%d} 起），"
                                                 "请修改原有登记。")
            else:
                errors.setdefault("start_on", f"与此前的用餐登记（{other.start_on:%Y-%m-%d} 至 "
                                              f"{other.end_on:%Y-%m-%d} 停餐）时间重叠。")
            return


# --- reading ---------------------------------------------------------------------------------


def list_members(
    session: Session, on: date, *, mode: str | None = None, route: str | None = None, include_ended: bool = False,
) -> list[MemberRow]:
    """The members on ``on`` (in force, or starting later; living here that day), by name; with
    ``include_ended`` every membership ever made. ``mode`` / ``route``: only those."""
    require(session, Perm.VIEW)
    conditions: list[Any] = []
    if mode is not None:
        if mode not in MODES:
            raise ValidationError({"mode": "用餐方式应为堂食或送餐。"})
        conditions.append(CanteenMember.mode == mode)
    if route is not None:
        conditions.append(CanteenMember.route == route)
    if not include_ended:
        conditions += [or_(CanteenMember.end_on.is_(None), CanteenMember.end_on > on), present_on(on)]
    return _rows(session, *conditions, on=on)


def routes(session: Session, *, today: date | None = None) -> list[str]:
    """The delivery routes of memberships not yet stopped (of people still living here), in their
    natural order (一号线, 二号线 …).
    Every route, whatever the user's grids: route names are not personal."""
    require(session, Perm.VIEW)
    today = today or date.today()
    names = session.scalars(
        select(CanteenMember.route).distinct().join(Resident, Resident.id == CanteenMember.resident_id)
        .where(CanteenMember.route != "", or_(CanteenMember.end_on.is_(None), CanteenMember.end_on > today),
               present_on(today))
    ).all()
    return sorted(names, key=route_key)


def _rows(session: Session, *conditions: Any, on: date) -> list[MemberRow]:
    actor = actor_of(session)
    place = Whereabouts()
    query = place.join(
        select(CanteenMember, Resident.name, Resident.birth_date, Resident.phone, is_lone().label("lone"),
               *place.columns())
        .join(Resident, Resident.id == CanteenMember.resident_id)
    ).where(*conditions)
    query = in_scope(session, query)
    rows = session.execute(query.order_by(Resident.name_pinyin, Resident.name, Resident.id, CanteenMember.start_on))
    return [
        MemberRow(
            id=(m := row.CanteenMember).id, resident_id=m.resident_id, name=row.name,
            age=age_on(row.birth_date, on), address=place.address(row),
            phone=shown_phone(actor, row.grid_id, row.phone), lone=bool(row.lone), mode=m.mode, lunch=m.lunch,
            dinner=m.dinner, route=m.route, start_on=m.start_on, end_on=m.end_on, note=m.note,
        )
        for row in rows
    ]
