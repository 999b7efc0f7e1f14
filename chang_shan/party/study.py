"""The monthly study day (主题党日, on the day of the month in the setting ``party.study_day``,
the 15th by default): recorded per organisation with attendance per member, absences followed up.

A study day is held by a 党支部 (its members and those of its 党小组) or by the 党委 (everyone);
one per organisation per day, never in the future. Every member 在册 of the organisation who had
joined by that day is marked present or absent (with a reason: 外出, 生病 …); an absence is
followed up later (谈心谈话, 补学) with a date and a note.

Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 records and follows up only members
living in their grids, and sees only their attendance lines.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import PartyMember, PartyOrg, PartyStudyAttendance, PartyStudyDay, Resident
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.party.queries import IN_GOOD_STANDING, get_org, subtree_ids
from chang_shan.party.shapes import AttendanceRow, StudyDayRow
from chang_shan.population import access
from chang_shan.population.pinyin import sort_key
from chang_shan.population.text import clean_note, clean_text
from chang_shan.settings import get_setting

HOLDING_LEVELS = ("党委", "党支部")
MAX_TEXT = 100


def study_day_of_month(session: Session) -> int:
    return int(get_setting(session, "party.study_day"))  # type: ignore[arg-type]


def next_study_day(session: Session, today: date) -> date:
    """The next study day on or after ``today`` (the setting's day of this month or the next)."""
    day = study_day_of_month(session)
    this_month = date(today.year, today.month, day)
    if this_month >= today:
        return this_month
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)


def _eligible(session: Session, org_id: int, held_on: date) -> dict[int, PartyMember]:
    """Members who belong on the day's list: of the organisation or under it, joined by that day,
    在册 then (still, or left later)."""
    query = select(PartyMember).where(
        PartyMember.org_id.in_(subtree_ids(session, org_id)), PartyMember.joined_on <= held_on,
        or_(PartyMember.status == IN_GOOD_STANDING, PartyMember.status_on > held_on))
    return {m.id: m for m in session.scalars(query)}


def expected_members(session: Session, org_id: int, held_on: date) -> list[int]:
    """The member ids to mark for a study day of ``org_id`` on ``held_on`` (those 在册 now)."""
    require(session, Perm.VIEW)
    get_org(session, org_id)
    return sorted(m.id for m in _eligible(session, org_id, held_on).values() if m.status == IN_GOOD_STANDING)


def record_study_day(session: Session, org_id: int, held_on: date, *, topic: str, place: str = "",
                     present_ids: list[int] | tuple[int, ...] | set[int], absent: dict[int, str], note: str = "",
                     today: date | None = None) -> int:
    """Record a held study day with its attendance (see the module docstring). Returns its id."""
    require(session, Perm.EDIT)
    today = today or date.today()
    org = get_org(session, org_id)
    errors: dict[str, str] = {}
    if org.level not in HOLDING_LEVELS:
        errors["org_id"] = "主题党日由党支部（或社区党委）组织，请选择党支部。"
    elif org.dissolved_on is not None and org.dissolved_on <= held_on:
        errors["org_id"] = f"“{org.name}”已于 {org.dissolved_on:%Y-%m-%d} 撤销。"
    if held_on > today:
        errors["held_on"] = "主题党日还没有举行：日期不能晚于今天。"
    topic, place, note = clean_text(topic), clean_text(place), clean_note(note)
    if not topic:
        errors["topic"] = "请填写主题，如“学习贯彻党的二十届三中全会精神”。"
    elif len(topic) > MAX_TEXT:
        errors["topic"] = f"主题最多 {MAX_TEXT} 个字，现在是 {len(topic)} 个。"
    if len(place) > MAX_TEXT:
        errors["place"] = f"地点最多 {MAX_TEXT} 个字，现在是 {len(place)} 个。"
    if len(note) > 500:
        errors["note"] = f"备注最多 500 个字，现在是 {len(note)} 个。"
    present = set(present_ids)
    reasons = {member_id: clean_text(reason or "") for member_id, reason in absent.items()}
    eligible = _eligible(session, org_id, held_on)
    if not errors:
        both = present & set(reasons)
        strangers = (present | set(reasons)) - set(eligible)
        missing = {m for m, member in eligible.items() if member.status == IN_GOOD_STANDING} - present - set(reasons)
        long_reason = [m for m, reason in reasons.items() if len(reason) > MAX_TEXT]
        if both:
            errors["attendance"] = f"有 {len(both)} 名党员同时记为出席和缺席。"
        elif strangers:
            errors["attendance"] = f"有 {len(strangers)} 人不是“{org.name}”当天的党员。"
        elif missing:
            errors["attendance"] = f"还有 {len(missing)} 名党员没有记录出席或缺席。"
        elif long_reason:
            errors["attendance"] = f"缺席原因最多 {MAX_TEXT} 个字。"
        elif not present and not reasons:
            errors["attendance"] = f"“{org.name}”当天没有党员。"
    if not errors and session.scalar(select(PartyStudyDay.id).where(
            PartyStudyDay.org_id == org_id, PartyStudyDay.held_on == held_on)) is not None:
        errors["held_on"] = f"“{org.name}” {held_on:%Y-%m-%d} 的主题党日已经登记过了。"
    if errors:
        raise ValidationError(errors)
    for member_id in sorted(present | set(reasons)):
        access.require_resident(session, Perm.EDIT, eligible[member_id].resident_id)
    actor = actor_of(session)
    day = PartyStudyDay(org_id=org_id, held_on=held_on, topic=topic, place=place, note=note,
                        recorded_by=actor.username if actor else "")
    session.add(day)
    session.flush()
    for member_id in sorted(present | set(reasons)):
        session.add(PartyStudyAttendance(study_day_id=day.id, member_id=member_id, present=member_id in present,
                                         absence_reason=reasons.get(member_id, "")))
    session.flush()
    return day.id


def follow_up(session: Session, study_day_id: int, member_id: int, on_date: date, note: str, *,
              today: date | None = None) -> None:
    """An absence was followed up (谈心谈话, 补学 …) on ``on_date``."""
    require(session, Perm.EDIT)
    today = today or date.today()
    line = session.get(PartyStudyAttendance, (study_day_id, member_id))
    day = session.get(PartyStudyDay, study_day_id)
    if line is None or day is None:
        raise NotFound("没有这条主题党日出席记录。")
    member = session.get(PartyMember, member_id)
    assert member is not None
    access.require_resident(session, Perm.EDIT, member.resident_id)
    if line.present:
        raise DomainError("该党员出席了这次主题党日，不需要跟进。")
    if line.followed_up_on is not None:
        raise DomainError(f"已于 {line.followed_up_on:%Y-%m-%d} 跟进过。")
    note = clean_text(note)
    errors = {}
    if on_date > today:
        errors["on_date"] = "跟进日期不能晚于今天。"
    elif on_date < day.held_on:
        errors["on_date"] = f"跟进日期不能早于主题党日（{day.held_on:%Y-%m-%d}）。"
    if not note:
        errors["note"] = "请写明如何跟进，如“谈心谈话，已补学”。"
    elif len(note) > 200:
        errors["note"] = f"跟进说明最多 200 个字，现在是 {len(note)} 个。"
    if errors:
        raise ValidationError(errors)
    line.followed_up_on, line.follow_up_note = on_date, note
    session.flush()


def study_days(session: Session, *, org_id: int | None = None, year: int | None = None) -> list[StudyDayRow]:
    """Study days (of ``org_id`` and those under it; of ``year``), newest first, with counts."""
    require(session, Perm.VIEW)
    absent = PartyStudyAttendance.present.is_(False)
    lines = func.count(PartyStudyAttendance.member_id)
    query = (
        select(PartyStudyDay, PartyOrg.name.label("org_name"),
               lines.filter(PartyStudyAttendance.present.is_(True)).label("present"),
               lines.filter(absent).label("absent"),
               lines.filter(absent, PartyStudyAttendance.followed_up_on.is_(None)).label("pending"))
        .join(PartyOrg, PartyOrg.id == PartyStudyDay.org_id)
        .outerjoin(PartyStudyAttendance, PartyStudyAttendance.study_day_id == PartyStudyDay.id)
        .group_by(PartyStudyDay.id, PartyOrg.name)
        .order_by(PartyStudyDay.held_on.desc(), PartyOrg.sort_key, PartyStudyDay.id)
    )
    if org_id is not None:
        get_org(session, org_id)
        query = query.where(PartyStudyDay.org_id.in_(subtree_ids(session, org_id)))
    if year is not None:
        query = query.where(PartyStudyDay.held_on >= date(year, 1, 1), PartyStudyDay.held_on <= date(year, 12, 31))
    return [StudyDayRow(r.PartyStudyDay.id, r.PartyStudyDay.org_id, r.org_name, r.PartyStudyDay.held_on,
                        r.PartyStudyDay.topic, r.PartyStudyDay.place, r.present, r.absent, r.pending,
                        r.PartyStudyDay.note)
            for r in session.execute(query)]


def attendance(session: Session, study_day_id: int) -> list[AttendanceRow]:
    """The day's lines: absent first, then by organisation and name (a 网格员: their grids)."""
    require(session, Perm.VIEW)
    if session.get(PartyStudyDay, study_day_id) is None:
        raise NotFound("没有这次主题党日。")
    query = (
        select(PartyStudyAttendance, PartyMember.resident_id, Resident.name, Resident.name_pinyin,
               PartyOrg.name.label("org_name"), PartyOrg.sort_key)
        .join(PartyMember, PartyMember.id == PartyStudyAttendance.member_id)
        .join(Resident, Resident.id == PartyMember.resident_id)
        .join(PartyOrg, PartyOrg.id == PartyMember.org_id)
        .where(PartyStudyAttendance.study_day_id == study_day_id)
    )
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    rows = sorted(session.execute(query), key=lambda r: (r.PartyStudyAttendance.present, r.sort_key,
                                                          r.name_pinyin or sort_key(r.name)))
    return [AttendanceRow(r.PartyStudyAttendance.member_id, r.resident_id, r.name, r.org_name,
                          r.PartyStudyAttendance.present, r.PartyStudyAttendance.absence_reason,
                          r.PartyStudyAttendance.followed_up_on, r.PartyStudyAttendance.follow_up_note)
            for r in rows]


def pending_follow_ups(session: Session, on: date) -> list:
    """Absences on study days held on or before ``on`` not yet followed up, of members still 在册:
    rows (study_day_id, held_on, org_name, member_id, resident_id, name, reason), the oldest first
    (a 网格员: their grids)."""
    require(session, Perm.VIEW)
    query = (
        select(PartyStudyDay.id.label("study_day_id"), PartyStudyDay.held_on, PartyOrg.name.label("org_name"),
               PartyMember.id.label("member_id"), PartyMember.resident_id, Resident.name,
               PartyStudyAttendance.absence_reason.label("reason"))
        .join(PartyStudyAttendance, PartyStudyAttendance.study_day_id == PartyStudyDay.id)
        .join(PartyOrg, PartyOrg.id == PartyStudyDay.org_id)
        .join(PartyMember, PartyMember.id == PartyStudyAttendance.member_id)
        .join(Resident, Resident.id == PartyMember.resident_id)
        .where(PartyStudyAttendance.present.is_(False), PartyStudyAttendance.followed_up_on.is_(None),
               PartyStudyDay.held_on <= on, PartyMember.status == IN_GOOD_STANDING)
        .order_by(PartyStudyDay.held_on, PartyOrg.sort_key, Resident.name_pinyin, PartyMember.id)
    )
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    return list(session.execute(query))


__all__ = ["attendance", "expected_members", "follow_up", "next_study_day", "pending_follow_ups", "record_study_day",
           "study_days"]
