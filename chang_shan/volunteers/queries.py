"""Reading the volunteer ledger: teams, volunteers, service records, each volunteer's points
ledger, the catalogue, the rules, redemptions and the year's top volunteers. ``Perm.VIEW``.

A 网格员 sees the volunteers who live in their grids and those from outside (students, 驻区单位
staff: they are nobody's residents), and only the records of those. ID numbers and phones come
out masked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.codes import sex
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerPointRule,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
    VolunteerService,
    VolunteerTeam,
    VolunteerTeamMember,
)
from chang_shan.errors import NotFound
from chang_shan.population import access, search
from chang_shan.population.addresses import household_address
from chang_shan.population.idnumber import mask, mask_phone
from chang_shan.population.query import age_on
from chang_shan.volunteers.shapes import (
    EntryRow,
    ItemRow,
    MembershipRow,
    RedemptionLine,
    RedemptionResult,
    RuleRow,
    ServiceRow,
    TeamRow,
    TopVolunteer,
    VolunteerDetail,
    VolunteerRow,
)

CONFIRMED = "已确认"
LEADER_ROLES = ("队长", "副队长")
ZERO_HOURS = Decimal("0.0")

# A volunteer's name, sex and phone: the resident's for a resident, the row's own otherwise.
NAME = case((Volunteer.resident_id.is_not(None), Resident.name), else_=Volunteer.name)
SEX = case((Volunteer.resident_id.is_not(None), Resident.sex_code), else_=Volunteer.sex_code)
PHONE = case((Volunteer.resident_id.is_not(None), Resident.phone), else_=Volunteer.phone)
ID_NUMBER = case((Volunteer.resident_id.is_not(None), Resident.id_number), else_=Volunteer.id_number)


def in_scope(session: Session) -> ColumnElement[bool] | None:
    """The WHERE condition on ``Volunteer`` for a 网格员 (residents of their grids and everyone
    from outside); None when the actor sees all."""
    actor = actor_of(session)
    if not access.scoped(actor):
        return None
    assert actor is not None
    residents_in = (select(Resident.id).where(Resident.household_id.in_(access.households_in_scope(actor)))
                    .correlate(None))
    return or_(Volunteer.resident_id.is_(None), Volunteer.resident_id.in_(residents_in))


def _scoped(session: Session, query: Any) -> Any:
    condition = in_scope(session)
    return query if condition is None else query.where(condition)


def require_volunteer(session: Session, perm: Perm, volunteer_id: int) -> Volunteer:
    """The volunteer, if the actor has ``perm`` and (a 网格员) the resident lives in their grids."""
    require(session, perm)
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound("该志愿者不存在。")
    if volunteer.resident_id is not None:
        access.require_resident(session, perm, volunteer.resident_id)
    return volunteer


def _birth(id_number: str | None) -> date | None:
    digits = (id_number or "")[6:14]
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


# --- volunteers ----------------------------------------------------------------------------------


def _hours_by_volunteer(session: Session, ids: list[int] | None = None) -> dict[int, Decimal]:
    query = (select(VolunteerService.volunteer_id, func.sum(VolunteerService.hours))
             .where(VolunteerService.status == CONFIRMED).group_by(VolunteerService.volunteer_id))
    if ids is not None:
        query = query.where(VolunteerService.volunteer_id.in_(ids))
    return {vid: Decimal(str(total or 0)).quantize(ZERO_HOURS) for vid, total in session.execute(query)}


def _teams_by_volunteer(session: Session, ids: list[int] | None = None) -> dict[int, list[str]]:
    query = (select(VolunteerTeamMember.volunteer_id, VolunteerTeam.name)
             .join(VolunteerTeam, VolunteerTeam.id == VolunteerTeamMember.team_id)
             .where(VolunteerTeamMember.left_on.is_(None))
             .order_by(VolunteerTeamMember.volunteer_id, VolunteerTeam.sort_key, VolunteerTeam.id))
    if ids is not None:
        query = query.where(VolunteerTeamMember.volunteer_id.in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for vid, name in session.execute(query):
        found[vid].append(name)
    return found


def _volunteer_query() -> Any:
    return (
        select(Volunteer.id, Volunteer.number, Volunteer.kind, Volunteer.resident_id, NAME.label("name"),
               SEX.label("sex_code"), PHONE.label("phone"), ID_NUMBER.label("id_number"), Resident.birth_date,
               Volunteer.organisation, Volunteer.school, Volunteer.points_balance, Volunteer.registered_on,
               Volunteer.left_on, Volunteer.version)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
    )


def _rows(session: Session, query: Any, *, today: date | None = None, all_rows: bool = True) -> list[VolunteerRow]:
    today = today or date.today()
    found = session.execute(query).all()
    ids = None if all_rows else [r.id for r in found]
    hours = _hours_by_volunteer(session, ids)
    teams = _teams_by_volunteer(session, ids)
    sexes = sex()
    return [
        VolunteerRow(
            r.id, r.number, r.name or "", r.kind, sexes.label(r.sex_code), age_on(r.birth_date or _birth(r.id_number), today),
            mask_phone(r.phone), r.school if r.kind == "大学生" and r.school else r.organisation,
            "、".join(teams.get(r.id, [])), hours.get(r.id, ZERO_HOURS), r.points_balance, r.resident_id,
            r.registered_on, r.left_on, r.version,
        )
        for r in found
    ]


def volunteers(session: Session, *, team_id: int | None = None, kind: str | None = None, text: str = "",
               active: bool | None = True, today: date | None = None) -> list[VolunteerRow]:
    """Registered volunteers by number. ``active``: True those who have not left, False those who
    have, None everyone; ``text`` matches name, pinyin, number, phone, unit or school."""
    require(session, Perm.VIEW)
    query = _scoped(session, _volunteer_query())
    if active is True:
        query = query.where(Volunteer.left_on.is_(None))
    elif active is False:
        query = query.where(Volunteer.left_on.is_not(None))
    if kind:
        query = query.where(Volunteer.kind == kind)
    if team_id is not None:
        query = query.where(Volunteer.id.in_(select(VolunteerTeamMember.volunteer_id).where(
            VolunteerTeamMember.team_id == team_id, VolunteerTeamMember.left_on.is_(None))))
    text = (text or "").strip()
    if text:
        like = f"%{text}%"
        found = search.compile_text(session, text)  # resident volunteers: 拼音首字母 (zlj), full pinyin …
        query = query.where(or_(NAME.like(like), Resident.name_pinyin.like(like.lower()), Volunteer.number.like(like),
                                PHONE.like(like), Volunteer.organisation.like(like), Volunteer.school.like(like),
                                *([found.condition(Resident.id)] if found is not None else [])))
    narrow = bool(text) or team_id is not None or kind is not None
    return _rows(session, query.order_by(Volunteer.number), today=today, all_rows=not narrow)


def volunteer_detail(session: Session, volunteer_id: int, *, today: date | None = None) -> VolunteerDetail:
    volunteer = require_volunteer(session, Perm.VIEW, volunteer_id)
    [row] = _rows(session, _volunteer_query().where(Volunteer.id == volunteer_id), today=today, all_rows=False)
    id_number, address = volunteer.id_number, ""
    if volunteer.resident_id is not None:
        place = session.execute(
            select(Resident.id_number, Building.name, Unit.name, Household.room, Building.kind)
            .outerjoin(Household, Household.id == Resident.household_id)
            .outerjoin(Building, Building.id == Household.building_id)
            .outerjoin(Unit, Unit.id == Household.unit_id)
            .where(Resident.id == volunteer.resident_id)).one()
        id_number = place[0] or ""
        address = household_address(place[1], place[2], place[3], place[4]) if place[1] else ""
    memberships = tuple(
        MembershipRow(m.id, m.team_id, name, m.role, m.joined_on, m.left_on)
        for m, name in session.execute(
            select(VolunteerTeamMember, VolunteerTeam.name)
            .join(VolunteerTeam, VolunteerTeam.id == VolunteerTeamMember.team_id)
            .where(VolunteerTeamMember.volunteer_id == volunteer_id)
            .order_by(VolunteerTeamMember.left_on.is_not(None), VolunteerTeamMember.joined_on, VolunteerTeamMember.id))
    )
    pending = session.scalar(select(func.count()).where(VolunteerService.volunteer_id == volunteer_id,
                                                        VolunteerService.status == "待确认")) or 0
    redeemed = session.scalar(select(func.coalesce(func.sum(VolunteerRedemption.total_points), 0))
                              .where(VolunteerRedemption.volunteer_id == volunteer_id)) or 0
    return VolunteerDetail(row, mask(id_number), address, volunteer.organisation, volunteer.school, volunteer.major,
                           volunteer.student_number, volunteer.enrolment_year, volunteer.skills, volunteer.note,
                           memberships, int(pending), int(redeemed))


def volunteer_by_number(session: Session, number: str) -> VolunteerRow:
    """The volunteer numbered ``number`` ('CSV-00123'); NotFound with the number in the message."""
    require(session, Perm.VIEW)
    volunteer_id = session.scalar(select(Volunteer.id).where(Volunteer.number == (number or "").strip().upper()))
    if volunteer_id is None:
        raise NotFound(f"没有编号为 {number} 的志愿者。")
    require_volunteer(session, Perm.VIEW, volunteer_id)
    [row] = _rows(session, _volunteer_query().where(Volunteer.id == volunteer_id), all_rows=False)
    return row


def volunteer_choices(session: Session) -> list[tuple[str, str]]:
    """Volunteers who have not left: ('CSV-00123', 'CSV-00123 张立春')."""
    require(session, Perm.VIEW)
    query = _scoped(session, select(Volunteer.number, NAME).outerjoin(Resident, Resident.id == Volunteer.resident_id)
                    .where(Volunteer.left_on.is_(None)).order_by(Volunteer.number))
    return [(number, f"{number} {name}") for number, name in session.execute(query)]


# --- teams ---------------------------------------------------------------------------------------


def teams(session: Session, *, include_dissolved: bool = False, today: date | None = None) -> list[TeamRow]:
    """The teams in their order, with leaders, members (who have not left) and this year's
    confirmed hours."""
    require(session, Perm.VIEW)
    today = today or date.today()
    query = select(VolunteerTeam).order_by(VolunteerTeam.sort_key, VolunteerTeam.id)
    if not include_dissolved:
        query = query.where(VolunteerTeam.dissolved_on.is_(None))
    members = dict(session.execute(
        select(VolunteerTeamMember.team_id, func.count())
        .join(Volunteer, Volunteer.id == VolunteerTeamMember.volunteer_id)
        .where(VolunteerTeamMember.left_on.is_(None), Volunteer.left_on.is_(None))
        .group_by(VolunteerTeamMember.team_id)).all())
    hours = dict(session.execute(
        select(VolunteerService.team_id, func.sum(VolunteerService.hours))
        .where(VolunteerService.status == CONFIRMED, VolunteerService.served_on >= date(today.year, 1, 1),
               VolunteerService.served_on <= date(today.year, 12, 31))
        .group_by(VolunteerService.team_id)).all())
    leaders: dict[int, list[str]] = defaultdict(list)
    for team_id, role, name in session.execute(
        select(VolunteerTeamMember.team_id, VolunteerTeamMember.role, NAME)
        .join(Volunteer, Volunteer.id == VolunteerTeamMember.volunteer_id)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
        .where(VolunteerTeamMember.left_on.is_(None), VolunteerTeamMember.role.in_(LEADER_ROLES))
        .order_by(VolunteerTeamMember.team_id, VolunteerTeamMember.role.desc(), VolunteerTeamMember.joined_on)
    ):
        leaders[team_id].append(f"{name}（{role}）")
    return [
        TeamRow(t.id, t.name, t.service, "、".join(leaders.get(t.id, [])), int(members.get(t.id, 0)),
                Decimal(str(hours.get(t.id) or 0)).quantize(ZERO_HOURS), t.founded_on, t.dissolved_on, t.note, t.version)
        for t in session.scalars(query)
    ]


def team_choices(session: Session) -> list[tuple[int, str]]:
    """Teams not dissolved: (id, name)."""
    require(session, Perm.VIEW)
    return [(i, n) for i, n in session.execute(
        select(VolunteerTeam.id, VolunteerTeam.name).where(VolunteerTeam.dissolved_on.is_(None))
        .order_by(VolunteerTeam.sort_key, VolunteerTeam.id))]


def team_names(session: Session) -> list[str]:
    """The names of the teams not dissolved (the 便民服务 request's 办理人（服务队） list)."""
    return [name for _id, name in team_choices(session)]


# --- service records -------------------------------------------------------------------------------


def services(session: Session, *, status: str | None = None, team_id: int | None = None,
             volunteer_id: int | None = None, start: date | None = None, end: date | None = None,
             kind: str | None = None, limit: int | None = None) -> list[ServiceRow]:
    """Service records, the latest served first (``start``/``end``: served on, both included)."""
    require(session, Perm.VIEW)
    query = _scoped(session, (
        select(VolunteerService, Volunteer.number, NAME.label("name"), VolunteerTeam.name.label("team"),
               VolunteerPointEntry.points)
        .join(Volunteer, Volunteer.id == VolunteerService.volunteer_id)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == VolunteerService.team_id)
        .outerjoin(VolunteerPointEntry, VolunteerPointEntry.service_id == VolunteerService.id)
    ))
    if status is not None:
        query = query.where(VolunteerService.status == status)
    if team_id is not None:
        query = query.where(VolunteerService.team_id == team_id)
    if volunteer_id is not None:
        query = query.where(VolunteerService.volunteer_id == volunteer_id)
    if start is not None:
        query = query.where(VolunteerService.served_on >= start)
    if end is not None:
        query = query.where(VolunteerService.served_on <= end)
    if kind is not None:
        query = query.where(VolunteerService.kind == kind)
    query = query.order_by(VolunteerService.served_on.desc(), VolunteerService.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_service_row(s, number, name, team, points) for s, number, name, team, points in session.execute(query)]


def _service_row(s: VolunteerService, number: str, name: str | None, team: str | None, points: int | None) -> ServiceRow:
    return ServiceRow(s.id, s.volunteer_id, number, name or "", s.team_id, team or "", s.served_on, s.place, s.kind,
                      s.content, Decimal(s.hours).quantize(ZERO_HOURS), s.status, s.entered_by, s.reported_by,
                      s.confirmed_by, s.confirmed_on, s.return_reason, points, s.service_request_id, s.version)


def service(session: Session, service_id: int) -> ServiceRow:
    require(session, Perm.VIEW)
    record = session.get(VolunteerService, service_id)
    if record is None:
        raise NotFound("该服务记录不存在。")
    require_volunteer(session, Perm.VIEW, record.volunteer_id)
    found = services(session, volunteer_id=record.volunteer_id, start=record.served_on, end=record.served_on)
    return next(r for r in found if r.id == service_id)


# --- points ---------------------------------------------------------------------------------------


def ledger(session: Session, volunteer_id: int) -> list[EntryRow]:
    """The volunteer's points ledger in the order it was written (each entry's running balance)."""
    require_volunteer(session, Perm.VIEW, volunteer_id)
    return [
        EntryRow(e.id, e.on_date, e.kind, e.points, e.balance_after, e.note, e.service_id, e.redemption_id,
                 e.recorded_by)
        for e in session.scalars(select(VolunteerPointEntry).where(VolunteerPointEntry.volunteer_id == volunteer_id)
                                 .order_by(VolunteerPointEntry.id))
    ]


def catalogue(session: Session, active_only: bool = True) -> list[ItemRow]:
    """The goods, cheapest first."""
    require(session, Perm.VIEW)
    query = select(VolunteerRewardItem).order_by(VolunteerRewardItem.points, VolunteerRewardItem.name)
    if active_only:
        query = query.where(VolunteerRewardItem.active.is_(True))
    return [ItemRow(i.id, i.name, i.unit, i.points, i.stock, i.active, i.note, i.version) for i in session.scalars(query)]


def in_force(on: date) -> ColumnElement[bool]:
    return and_(VolunteerPointRule.start_on <= on,
                or_(VolunteerPointRule.end_on.is_(None), VolunteerPointRule.end_on >= on))


def rule_on(session: Session, kind: str, on: date) -> VolunteerPointRule | None:
    """The rule for ``kind`` in force on ``on`` (the latest started, should two overlap)."""
    return session.scalars(select(VolunteerPointRule).where(VolunteerPointRule.kind == kind, in_force(on))
                           .order_by(VolunteerPointRule.start_on.desc(), VolunteerPointRule.id.desc())).first()


def rules(session: Session, on: date | None = None) -> list[RuleRow]:
    """The rules in force on ``on``; with no day, every rule, by kind and start."""
    require(session, Perm.VIEW)
    query = select(VolunteerPointRule).order_by(VolunteerPointRule.kind, VolunteerPointRule.start_on)
    if on is not None:
        query = query.where(in_force(on))
    return [RuleRow(r.id, r.kind, r.points_per_hour, r.points_per_service, r.start_on, r.end_on, r.note)
            for r in session.scalars(query)]


def service_kinds(session: Session, on: date | None = None) -> list[str]:
    """The kinds of service a record may name: those with a rule in force on ``on`` (today)."""
    return sorted({r.kind for r in rules(session, on or date.today())})


def _redemption_results(session: Session, query: Any) -> list[RedemptionResult]:
    found = session.execute(query).all()
    lines: dict[int, list[RedemptionLine]] = defaultdict(list)
    if found:
        for line, name, unit in session.execute(
            select(VolunteerRedemptionLine, VolunteerRewardItem.name, VolunteerRewardItem.unit)
            .join(VolunteerRewardItem, VolunteerRewardItem.id == VolunteerRedemptionLine.item_id)
            .where(VolunteerRedemptionLine.redemption_id.in_([r[0].id for r in found]))
            .order_by(VolunteerRedemptionLine.id)
        ):
            lines[line.redemption_id].append(RedemptionLine(line.item_id, name, unit, line.quantity, line.points_each))
    return [
        RedemptionResult(r.id, r.number, r.volunteer_id, number, name or "", r.on_date, r.total_points,
                         balance if balance is not None else 0, r.recorded_by, r.note, tuple(lines.get(r.id, [])))
        for r, number, name, balance in found
    ]


def _redemption_query() -> Any:
    return (select(VolunteerRedemption, Volunteer.number, NAME, VolunteerPointEntry.balance_after)
            .join(Volunteer, Volunteer.id == VolunteerRedemption.volunteer_id)
            .outerjoin(Resident, Resident.id == Volunteer.resident_id)
            .outerjoin(VolunteerPointEntry, VolunteerPointEntry.redemption_id == VolunteerRedemption.id))


def redemptions(session: Session, *, volunteer_id: int | None = None, year: int | None = None) -> list[RedemptionResult]:
    """Redemptions, the latest first."""
    require(session, Perm.VIEW)
    query = _scoped(session, _redemption_query())
    if volunteer_id is not None:
        query = query.where(VolunteerRedemption.volunteer_id == volunteer_id)
    if year is not None:
        query = query.where(VolunteerRedemption.on_date >= date(year, 1, 1), VolunteerRedemption.on_date <= date(year, 12, 31))
    return _redemption_results(session, query.order_by(VolunteerRedemption.on_date.desc(), VolunteerRedemption.id.desc()))


def redemption_detail(session: Session, number: str) -> RedemptionResult:
    """The redemption numbered ``number`` ('DH2026-0001'), for its receipt."""
    require(session, Perm.VIEW)
    found = _redemption_results(session, _scoped(session, _redemption_query()).where(
        VolunteerRedemption.number == (number or "").strip().upper()))
    if not found:
        raise NotFound(f"没有编号为 {number} 的兑换记录。")
    return found[0]


# --- the year's best ---------------------------------------------------------------------------------


def top_volunteers(session: Session, year: int, limit: int = 10) -> list[TopVolunteer]:
    """The volunteers with the most confirmed hours served in ``year`` (then points, then number);
    each as (row, hours, points earned by those services)."""
    require(session, Perm.VIEW)
    hours = func.sum(VolunteerService.hours)
    points = func.coalesce(func.sum(VolunteerPointEntry.points), 0)
    query = _scoped(session, (
        select(VolunteerService.volunteer_id, hours, points)
        .join(Volunteer, Volunteer.id == VolunteerService.volunteer_id)
        .outerjoin(VolunteerPointEntry, VolunteerPointEntry.service_id == VolunteerService.id)
        .where(VolunteerService.status == CONFIRMED, VolunteerService.served_on >= date(year, 1, 1),
               VolunteerService.served_on <= date(year, 12, 31))
        .group_by(VolunteerService.volunteer_id, Volunteer.number)
        .order_by(hours.desc(), points.desc(), Volunteer.number).limit(limit)
    ))
    best = session.execute(query).all()
    rows = {r.id: r for r in _rows(session, _volunteer_query().where(Volunteer.id.in_([b[0] for b in best])),
                                   all_rows=False)}
    return [TopVolunteer(rows[vid], Decimal(str(h)).quantize(ZERO_HOURS), int(p)) for vid, h, p in best]
