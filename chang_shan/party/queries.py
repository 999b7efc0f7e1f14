"""Reading the party ledger: the organisation tree, member lists and details, the 党员家庭户 of an
organisation, political birthdays, the choices of the roster print.

Everything needs ``Perm.VIEW``. A 网格员 sees the whole tree (its counts are totals) but only the
members living in their grids; a member outside them is ``PermissionDenied``. Phones come out
masked, ID numbers never.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import (
    PartyMember,
    PartyMemberEvent,
    PartyOrg,
    PartyPost,
    PartyStudyAttendance,
    PartyStudyDay,
    Resident,
)
from chang_shan.errors import NotFound
from chang_shan.party.shapes import (
    MemberAttendance,
    MemberDetail,
    MemberEventRow,
    MemberRow,
    OrgNode,
    PartyHousehold,
    PostRow,
)
from chang_shan.population import access, search
from chang_shan.population.idnumber import mask_phone
from chang_shan.population.pinyin import sort_key
from chang_shan.population.residents import age_on

IN_GOOD_STANDING = "在册"
HEAD_POSTS = {"党委": "书记", "党支部": "书记", "党小组": "组长"}
POST_ORDER = {"书记": 0, "副书记": 1, "委员": 2, "组长": 3}


# --- the organisations ------------------------------------------------------------------------


def _orgs(session: Session, *, live_only: bool = False) -> list[PartyOrg]:
    query = select(PartyOrg).order_by(PartyOrg.sort_key, PartyOrg.id)
    if live_only:
        query = query.where(PartyOrg.dissolved_on.is_(None))
    return list(session.scalars(query))


def subtree_ids(session: Session, org_id: int) -> list[int]:
    """The organisation and every organisation under it (dissolved ones too)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for oid, parent in session.execute(select(PartyOrg.id, PartyOrg.parent_id)):
        children[parent].append(oid)
    found, todo = [], [org_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def get_org(session: Session, org_id: int) -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None:
        raise NotFound("该党组织不存在。")
    return org


def open_posts(session: Session, *, on: date | None = None) -> list[PostRow]:
    """Posts not ended (or in force on ``on``), in the tree's order: 书记, 副书记, 委员, 组长."""
    query = (
        select(PartyPost, PartyOrg.name.label("org_name"), Resident.name.label("name"))
        .join(PartyOrg, PartyOrg.id == PartyPost.org_id)
        .join(PartyMember, PartyMember.id == PartyPost.member_id)
        .join(Resident, Resident.id == PartyMember.resident_id)
    )
    if on is None:
        query = query.where(PartyPost.end_on.is_(None))
    else:
        query = query.where(PartyPost.start_on <= on, or_(PartyPost.end_on.is_(None), PartyPost.end_on > on))
    rows = [_post_row(r.PartyPost, r.org_name, r.name) for r in session.execute(query)]
    return sorted(rows, key=lambda p: (p.org_id, POST_ORDER.get(p.post, 9), p.start_on, p.id))


def _post_row(post: PartyPost, org_name: str, name: str) -> PostRow:
    return PostRow(post.id, post.org_id, org_name, post.member_id, name, post.post, post.start_on, post.end_on)


def org_tree(session: Session, *, include_dissolved: bool = False) -> list[OrgNode]:
    """The network as a tree (roots: the 党委s), children in their order."""
    require(session, Perm.VIEW)
    orgs = _orgs(session, live_only=not include_dissolved)
    direct: dict[int, int] = defaultdict(int)
    homes: dict[int, set[int]] = defaultdict(set)
    for org_id, household_id, resident_status in session.execute(
        select(PartyMember.org_id, Resident.household_id, Resident.status)
        .join(Resident, Resident.id == PartyMember.resident_id).where(PartyMember.status == IN_GOOD_STANDING)
    ):
        direct[org_id] += 1
        if resident_status == IN_GOOD_STANDING and household_id is not None:
            homes[org_id].add(household_id)
    heads: dict[int, list[str]] = defaultdict(list)
    levels = {o.id: o.level for o in orgs}
    for post in open_posts(session):
        if HEAD_POSTS.get(levels.get(post.org_id, "")) == post.post:
            heads[post.org_id].append(post.name)
    children: dict[int | None, list[PartyOrg]] = defaultdict(list)
    known = {o.id for o in orgs}
    for org in orgs:
        children[org.parent_id if org.parent_id in known else None].append(org)

    def build(org: PartyOrg) -> tuple[OrgNode, set[int]]:
        built = [build(child) for child in children.get(org.id, [])]
        households = set(homes.get(org.id, set())).union(*(h for _, h in built))
        members = direct.get(org.id, 0) + sum(node.member_count for node, _ in built)
        node = OrgNode(
            id=org.id, level=org.level, name=org.name, parent_id=org.parent_id,
            secretary="、".join(heads.get(org.id, [])),
            member_count=members, household_count=len(households), children=tuple(n for n, _ in built),
            grid_id=org.grid_id, building_id=org.building_id, unit_id=org.unit_id, founded_on=org.founded_on,
            dissolved_on=org.dissolved_on, note=org.note, version=org.version,
        )
        return node, households

    return [build(root)[0] for root in children.get(None, [])]


def branch_choices(session: Session) -> list[tuple[int, str]]:
    """(org id, name) of every live organisation in tree order, indented by level, for the roster
    print's 党组织 option."""
    require(session, Perm.VIEW)
    found: list[tuple[int, str]] = []

    def walk(nodes: Iterable[OrgNode], depth: int) -> None:
        for node in nodes:
            found.append((node.id, "\u3000" * depth + node.name))
            walk(node.children, depth + 1)

    walk(org_tree(session), 0)
    return found


# --- members ----------------------------------------------------------------------------------


def _member_query(place: Whereabouts) -> Any:
    return place.join(
        select(PartyMember, Resident.name, Resident.name_pinyin, Resident.sex_code, Resident.birth_date,
               Resident.phone.label("resident_phone"), Resident.household_id, Resident.status.label("resident_status"),
               Resident.died_on, PartyOrg.name.label("org_name"), PartyOrg.sort_key.label("org_sort"), *place.columns())
        .join(Resident, Resident.id == PartyMember.resident_id)
        .join(PartyOrg, PartyOrg.id == PartyMember.org_id)
    )


def _posts_text(session: Session, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    texts: dict[int, list[str]] = defaultdict(list)
    wanted = set(member_ids)
    for post in open_posts(session):
        if post.member_id in wanted:
            texts[post.member_id].append(f"{post.post}（{post.org_name}）")
    return {k: "、".join(v) for k, v in texts.items()}


def _rows(session: Session, results: list[Any], today: date) -> list[MemberRow]:
    posts = _posts_text(session, [r.PartyMember.id for r in results])
    rows = []
    for r in results:
        m: PartyMember = r.PartyMember
        alive_on = r.died_on if r.died_on is not None else today
        rows.append(MemberRow(
            id=m.id, resident_id=m.resident_id, name=r.name, sex=codes.sex().label(r.sex_code),
            age=age_on(r.birth_date, alive_on), address=Whereabouts.address(r), org_id=m.org_id, org_name=r.org_name,
            joined_on=m.joined_on, kind=m.kind, org_relation=m.org_relation, status=m.status,
            posts=posts.get(m.id, ""), phone=mask_phone(m.phone or r.resident_phone), full_on=m.full_on,
            relation_place=m.relation_place, status_on=m.status_on, household_id=r.household_id,
            resident_status=r.resident_status,
        ))
    return rows


def members(session: Session, *, org_id: int | None = None, include_sub: bool = True, status: str | None = "在册",
            text: str = "", today: date | None = None) -> list[MemberRow]:
    """Members (of ``org_id`` and, with ``include_sub``, the organisations under it), by
    organisation and name. ``status`` None: every status. ``text``: part of the name or its
    pinyin (``wangshu``), of the room or of the organisation's name."""
    require(session, Perm.VIEW)
    today = today or date.today()
    place = Whereabouts()
    query = _member_query(place)
    if org_id is not None:
        get_org(session, org_id)
        query = query.where(PartyMember.org_id.in_(subtree_ids(session, org_id) if include_sub else [org_id]))
    if status:
        query = query.where(PartyMember.status == status)
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    text = (text or "").strip()
    if text:
        like = f"%{text}%"
        spelled = f"%{text.lower().replace(' ', '')}%"
        found = search.compile_text(session, text)  # the resident search: 拼音首字母 (qyg), full pinyin …
        query = query.where(or_(Resident.name.like(like), func.replace(Resident.name_pinyin, " ", "").like(spelled),
                                place.household.room.like(like), PartyOrg.name.like(like),
                                *([found.condition(Resident.id)] if found is not None else [])))
    results = list(session.execute(query))
    results.sort(key=lambda r: (r.org_sort, r.PartyMember.org_id, r.name_pinyin or sort_key(r.name), r.PartyMember.id))
    return _rows(session, results, today)


def member_to_read(session: Session, member_id: int, perm: Perm = Perm.VIEW) -> PartyMember:
    """The member, after ``perm`` (``Perm.EDIT`` to change it) and the 网格员's grids."""
    require(session, perm)
    member = session.get(PartyMember, member_id)
    if member is None:
        raise NotFound("该党员记录不存在。")
    access.require_resident(session, perm, member.resident_id)
    return member


def member_row(session: Session, member_id: int, *, today: date | None = None) -> MemberRow:
    member_to_read(session, member_id)
    place = Whereabouts()
    result = session.execute(_member_query(place).where(PartyMember.id == member_id)).one()
    return _rows(session, [result], today or date.today())[0]


def member_detail(session: Session, member_id: int, *, today: date | None = None) -> MemberDetail:
    """The member with their events (oldest first), posts (all, newest first) and study-day
    attendance (newest first)."""
    member = member_to_read(session, member_id)
    row = member_row(session, member_id, today=today)
    events = tuple(
        MemberEventRow(e.id, e.kind, e.on_date, e.note, e.recorded_by)
        for e in session.scalars(select(PartyMemberEvent).where(PartyMemberEvent.member_id == member_id)
                                 .order_by(PartyMemberEvent.on_date, PartyMemberEvent.id))
    )
    posts = tuple(
        _post_row(r.PartyPost, r.org_name, row.name)
        for r in session.execute(select(PartyPost, PartyOrg.name.label("org_name"))
                                 .join(PartyOrg, PartyOrg.id == PartyPost.org_id)
                                 .where(PartyPost.member_id == member_id)
                                 .order_by(PartyPost.start_on.desc(), PartyPost.id.desc()))
    )
    attendance = tuple(
        MemberAttendance(r.id, r.held_on, r.org_name, r.topic, r.present, r.absence_reason, r.followed_up_on,
                         r.follow_up_note)
        for r in session.execute(
            select(PartyStudyDay.id, PartyStudyDay.held_on, PartyStudyDay.topic, PartyOrg.name.label("org_name"),
                   PartyStudyAttendance.present, PartyStudyAttendance.absence_reason,
                   PartyStudyAttendance.followed_up_on, PartyStudyAttendance.follow_up_note)
            .join(PartyStudyDay, PartyStudyDay.id == PartyStudyAttendance.study_day_id)
            .join(PartyOrg, PartyOrg.id == PartyStudyDay.org_id)
            .where(PartyStudyAttendance.member_id == member_id)
            .order_by(PartyStudyDay.held_on.desc(), PartyStudyDay.id.desc()))
    )
    return MemberDetail(row, member.version, member.note, events, posts, attendance)


def member_of_resident(session: Session, resident_id: int) -> int | None:
    """The member id of a resident (any status), or None."""
    access.require_resident(session, Perm.VIEW, resident_id)
    return session.scalar(select(PartyMember.id).where(PartyMember.resident_id == resident_id))


def households_of(session: Session, org_id: int) -> list[PartyHousehold]:
    """The 党员家庭户 of the organisation and those under it: (household id, address, member
    names), by address. A 网格员 sees those of their grids."""
    require(session, Perm.VIEW)
    get_org(session, org_id)
    place = Whereabouts()
    query = place.join(
        select(Resident.household_id, Resident.name, Resident.name_pinyin, *place.columns())
        .join(PartyMember, PartyMember.resident_id == Resident.id)
        .where(PartyMember.org_id.in_(subtree_ids(session, org_id)), PartyMember.status == IN_GOOD_STANDING,
               Resident.status == IN_GOOD_STANDING, Resident.household_id.is_not(None))
    )
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    homes: dict[int, tuple[str, tuple, list[tuple[str, str]]]] = {}
    for r in session.execute(query):
        address = Whereabouts.address(r)
        entry = homes.setdefault(r.household_id, (address, (r.building, r.unit or "", r.room), []))
        entry[2].append((r.name_pinyin or "", r.name))
    ordered = sorted(homes.items(), key=lambda kv: (kv[1][1], kv[0]))
    return [PartyHousehold(hid, address, "、".join(n for _, n in sorted(names)))
            for hid, (address, _key, names) in ordered]


def birthdays_in_month(session: Session, year: int, month: int) -> list[MemberRow]:
    """Members 在册 (living in the community) whose 政治生日 falls in ``month`` and who joined
    before ``year``, by day of the month."""
    require(session, Perm.VIEW)
    place = Whereabouts()
    query = _member_query(place).where(
        PartyMember.status == IN_GOOD_STANDING, Resident.status == IN_GOOD_STANDING,
        extract("month", PartyMember.joined_on) == month, extract("year", PartyMember.joined_on) < year)
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    results = sorted(session.execute(query), key=lambda r: (r.PartyMember.joined_on.day, r.name_pinyin or "",
                                                             r.PartyMember.id))
    return _rows(session, results, date(year, month, 1))

