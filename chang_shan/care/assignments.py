"""包保制: who looks after which lone or dependent elder, from when to when.

A *care target* on a day is a resident 在册, 60 or older that day, who lives alone (special group
独居) or whose latest self-care assessment totals ``DEPENDENT_FROM`` or more (shown as 需照护,
never with the score). An elder has at most one assignment in force: assigning a new caretaker
ends the current one on the new one's start day. An assignment is in force on ``on`` when it
started on or before ``on`` and has not ended on or before it. Ended assignments stay as history.

Access: reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the elders of their
grids (lists are filtered in SQL by the elder's grid; the caretaker may live anywhere). A
caretaker's phone is shown in full only to someone who may edit the caretaker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, join, or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan.accounts.permissions import Actor, Perm, actor_of, require
from chang_shan.care.queries import (
    DEPENDENT, LONE, Whereabouts, active_on, is_care_target, is_dependent, is_lone, last_visits, post_labels, posts,
)
from chang_shan.care.shapes import CareRow, CareTarget, CaretakerOption
from chang_shan.db.models import CareAssignment, Household, Resident, RoleAssignment
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import check_date, clean_field, column_limit
from chang_shan.population import access, idnumber
from chang_shan.population.residents import ACTIVE, age_on
from chang_shan.population.text import clean_note

_NOTE_LIMIT = column_limit(CareAssignment, "note")


# --- writing ---------------------------------------------------------------------------------


def assign_caretaker(
    session: Session, elder_id: int, caretaker_id: int, start_on: date, note: str = "", *,
    today: date | None = None,
) -> CareRow:
    """``caretaker`` looks after ``elder`` from ``start_on`` (not after ``today``). The elder's
    assignment in force ends that day first. Both must be 在册; nobody cares for themself."""
    access.require_resident(session, Perm.EDIT, elder_id)
    today = today or date.today()
    elder = session.get(Resident, elder_id)
    if elder is None:
        raise NotFound("该居民不存在。")
    if elder.status != ACTIVE:
        raise DomainError(f"{elder.name}已{elder.status[1:]}，不能再指定包保人。")
    errors: dict[str, str] = {}
    caretaker = session.get(Resident, caretaker_id)
    if caretaker_id == elder_id:
        errors["caretaker_id"] = "包保人不能是老人本人。"
    elif caretaker is None or caretaker.status != ACTIVE:
        errors["caretaker_id"] = "包保人须为在册居民。"
    check_date(errors, "start_on", "开始日期", start_on, today=today, birth=elder.birth_date)
    note = clean_field(errors, "note", "备注", note, _NOTE_LIMIT, clean_note)
    current = session.scalars(
        select(CareAssignment).where(CareAssignment.elder_id == elder_id, CareAssignment.end_on.is_(None))
        .order_by(CareAssignment.start_on.desc(), CareAssignment.id.desc())
    ).all()
    for previous in current:
        if previous.caretaker_id == caretaker_id and "caretaker_id" not in errors:
            errors["caretaker_id"] = f"{caretaker.name}已经是{elder.name}的包保人。"  # type: ignore[union-attr]
        elif start_on < previous.start_on and "start_on" not in errors:
            errors["start_on"] = f"开始日期不能早于现任包保人的开始日期（{previous.start_on:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)
    for previous in current:
        previous.end_on = start_on
    assignment = CareAssignment(elder_id=elder_id, caretaker_id=caretaker_id, start_on=start_on, note=note)
    session.add(assignment)
    session.flush()
    return _care_rows(session, CareAssignment.id == assignment.id, on=today)[0]


def end_assignment(session: Session, assignment_id: int, end_on: date, *, today: date | None = None) -> CareRow:
    """The assignment ends on ``end_on`` (not before it started, not after ``today``)."""
    actor = require(session, Perm.EDIT)
    assignment = session.get(CareAssignment, assignment_id)
    if assignment is None:
        raise NotFound("该包保记录不存在。")
    if access.scoped(actor):
        access.check_grid(actor, access.grid_of_resident(session, assignment.elder_id))
    today = today or date.today()
    if assignment.end_on is not None:
        raise DomainError(f"该包保已于 {assignment.end_on:%Y-%m-%d} 结束。")
    errors: dict[str, str] = {}
    check_date(errors, "end_on", "结束日期", end_on, today=today, birth=None)
    if "end_on" not in errors and end_on < assignment.start_on:
        errors["end_on"] = f"结束日期不能早于开始日期（{assignment.start_on:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)
    assignment.end_on = end_on
    session.flush()
    return _care_rows(session, CareAssignment.id == assignment_id, on=today)[0]


# --- reading assignments ---------------------------------------------------------------------


def caretaker_of(session: Session, elder_id: int, on: date | None = None) -> CareRow | None:
    """The assignment in force for ``elder`` on ``on`` (default today), or None."""
    access.require_resident(session, Perm.VIEW, elder_id)
    if session.get(Resident, elder_id) is None:
        raise NotFound("该居民不存在。")
    on = on or date.today()
    rows = _care_rows(session, CareAssignment.elder_id == elder_id, active_on(CareAssignment, on), on=on)
    return rows[-1] if rows else None


def elders_of(session: Session, caretaker_id: int, on: date | None = None) -> list[CareRow]:
    """The elders ``caretaker`` looks after on ``on`` (default today); a 网格员 sees those of
    their grids."""
    require(session, Perm.VIEW)
    if session.get(Resident, caretaker_id) is None:
        raise NotFound("该居民不存在。")
    on = on or date.today()
    return _care_rows(session, CareAssignment.caretaker_id == caretaker_id, active_on(CareAssignment, on), on=on)


def list_assignments(
    session: Session, *, on: date | None = None, grid_id: int | None = None, include_ended: bool = False
) -> list[CareRow]:
    """The assignments in force on ``on`` (default today) — with ``include_ended`` every
    assignment ever made — of elders in ``grid_id`` (default: every grid the user sees)."""
    require(session, Perm.VIEW)
    on = on or date.today()
    conditions = [] if include_ended else [active_on(CareAssignment, on)]
    return _care_rows(session, *conditions, on=on, grid_id=grid_id)


def _may_edit(actor: Actor | None, grid_id: int | None) -> bool:
    """``access.can_edit_resident`` for a resident whose grid is already known."""
    return actor is not None and actor.can(Perm.EDIT) and (not access.scoped(actor) or access.covers(actor, grid_id))


def _care_rows(session: Session, *conditions: Any, on: date, grid_id: int | None = None) -> list[CareRow]:
    """CareRows of the assignments meeting ``conditions`` whose elder the actor may see."""
    actor = actor_of(session)
    elder, carer = aliased(Resident), aliased(Resident)
    place = Whereabouts(elder)
    carer_place = Whereabouts(carer)
    query = (
        select(CareAssignment, elder.name.label("elder_name"), elder.birth_date, elder.name_pinyin,
               *place.columns(), carer.name.label("carer_name"), carer.phone.label("carer_phone"),
               carer_place.grid_id.label("carer_grid_id"))
        .join(elder, elder.id == CareAssignment.elder_id)
        .join(carer, carer.id == CareAssignment.caretaker_id)
    )
    query = carer_place.join(place.join(query)).where(*conditions)
    if access.scoped(actor):
        query = query.where(elder.household_id.in_(access.households_in_scope(actor)))  # type: ignore[arg-type]
    if grid_id is not None:
        query = query.where(place.grid_id == grid_id)
    rows = session.execute(
        query.order_by(elder.name_pinyin, elder.id, CareAssignment.start_on, CareAssignment.id)
    ).all()
    roles = post_labels(session, [r.CareAssignment.caretaker_id for r in rows], on)
    result = []
    for row in rows:
        a = row.CareAssignment
        phone = row.carer_phone or ""
        result.append(CareRow(
            id=a.id, elder_id=a.elder_id, elder_name=row.elder_name, elder_age=age_on(row.birth_date, on),
            elder_address=place.address(row), caretaker_id=a.caretaker_id, caretaker_name=row.carer_name,
            caretaker_roles=roles.get(a.caretaker_id, ""),
            caretaker_phone=phone if _may_edit(actor, row.carer_grid_id) else idnumber.mask_phone(phone),
            start_on=a.start_on, end_on=a.end_on, note=a.note,
        ))
    return result


# --- care targets ------------------------------------------------------------------------------


def care_targets(
    session: Session, on: date, *, grid_id: int | None = None, unvisited_since: date | None = None
) -> list[CareTarget]:
    """The elders who should have a caretaker on ``on`` (see the module), in name order, with
    their caretaker in force (one who moved out or died no longer counts) and their latest visit
    of any kind (on or before ``on``).
    ``unvisited_since``: only those not visited after that day (never visited included)."""
    require(session, Perm.VIEW)
    return _targets(session, on, grid_id, unvisited_since=unvisited_since)


def without_caretaker(session: Session, on: date, *, grid_id: int | None = None) -> list[CareTarget]:
    """The care targets with no caretaker in force on ``on`` (or only one who moved out or died)."""
    require(session, Perm.VIEW)
    return _targets(session, on, grid_id, without_caretaker=True)


def _targets(
    session: Session, on: date, grid_id: int | None, *, without_caretaker: bool = False,
    unvisited_since: date | None = None,
) -> list[CareTarget]:
    place = Whereabouts()
    carer = aliased(Resident)
    visits = last_visits(on)
    lone, dependent = is_lone(), is_dependent(on)
    query: Select = (
        select(Resident.id, Resident.name, Resident.birth_date, *place.columns(), lone.label("lone"),
               dependent.label("dependent"), CareAssignment.caretaker_id, carer.name.label("carer_name"),
               visits.c.last_on)
        .outerjoin(  # the assignment in force, when its caretaker still lives here
            join(CareAssignment, carer, and_(carer.id == CareAssignment.caretaker_id, carer.status == ACTIVE)),
            and_(CareAssignment.elder_id == Resident.id, active_on(CareAssignment, on)),
        )
        .outerjoin(visits, visits.c.resident_id == Resident.id)
        .where(is_care_target(on))
    )
    query = place.join(query)
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    if grid_id is not None:
        query = query.where(place.grid_id == grid_id)
    if without_caretaker:
        query = query.where(CareAssignment.id.is_(None))
    if unvisited_since is not None:
        query = query.where((visits.c.last_on.is_(None)) | (visits.c.last_on <= unvisited_since))
    result: dict[int, CareTarget] = {}
    for row in session.execute(query.order_by(Resident.name_pinyin, Resident.id, CareAssignment.start_on)):
        reasons = tuple(reason for reason, flag in ((LONE, row.lone), (DEPENDENT, row.dependent)) if flag)
        result[row.id] = CareTarget(  # (two assignments in force, from old data: the newest wins)
            resident_id=row.id, name=row.name, age=age_on(row.birth_date, on), address=place.address(row),
            grid_id=row.grid_id, reasons=reasons, caretaker_id=row.caretaker_id,
            caretaker_name=row.carer_name or "", last_visit_on=row.last_on,
        )
    return list(result.values())


def suggested_caretakers(session: Session, elder_id: int, on: date | None = None) -> list[CaretakerOption]:
    """Who could look after ``elder``: the 单元长 of their unit, the 楼栋长 of their building and
    the 网格长 of their grid in force on ``on`` (in that order, each person once, never the elder),
    with how many elders each already looks after."""
    access.require_resident(session, Perm.VIEW, elder_id)
    elder = session.get(Resident, elder_id)
    if elder is None:
        raise NotFound("该居民不存在。")
    on = on or date.today()
    household = session.get(Household, elder.household_id) if elder.household_id else None
    if household is None:
        return []
    scopes = [RoleAssignment.building_id == household.building_id, RoleAssignment.grid_id == household.building.grid_id]
    if household.unit_id is not None:
        scopes.append(RoleAssignment.unit_id == household.unit_id)
    held = posts(session, and_(RoleAssignment.resident_id != elder_id, or_(*scopes)), on)
    chosen: dict[int, str] = {}
    for post in held:
        chosen.setdefault(post.resident_id, post.label)
    if not chosen:
        return []
    people = dict(session.execute(
        select(Resident.id, Resident.name).where(Resident.id.in_(list(chosen)), Resident.status == ACTIVE)
    ).all())
    counts = dict(session.execute(
        select(CareAssignment.caretaker_id, func.count())
        .where(CareAssignment.caretaker_id.in_(list(people)), active_on(CareAssignment, on))
        .group_by(CareAssignment.caretaker_id)
    ).all())
    return [CaretakerOption(rid, people[rid], label, counts.get(rid, 0)) for rid, label in chosen.items() if rid in people]

