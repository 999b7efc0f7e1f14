"""党员名册: the members in good standing (在册) of one party organisation and the organisations
under it (a 党支部 with its 党小组), or of the whole network, organisation by organisation.

Each line: the member's name, sex, age, masked ID number, 入党日期 (政治生日), 党员类别 and 转正日期, where the organisation relationship
is (在本社区 / 在社区外 with the place / 口袋党员), posts held on the day, masked phone and address.
A 网格员 gets the members living in their grids only. A4 landscape.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date as Day
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.db.models.party import PartyMember, PartyOrg, PartyPost
from chang_shan.errors import NotFound
from chang_shan.population import access, idnumber
from chang_shan.population.addresses import household_address
from chang_shan.population.query import age_on
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import day, headed
from chang_shan.settings import get_setting

NAME = "party_roster"
TITLE = "党员名册"
ACTIVE = "在册"
ALL = "全部党组织"

COLUMNS = (
    Column("序号", 4, CENTER), Column("姓名", 10), Column("性别", 4, CENTER), Column("年龄", 4, CENTER),
    Column("身份证号", 15, CENTER), Column("入党日期", 9, CENTER), Column("党员类别", 8, CENTER),
    Column("转正日期", 9, CENTER), Column("组织关系", 14, CENTER), Column("党内职务", 8, CENTER),
    Column("联系电话", 10, CENTER), Column("住址", 14),
)


@dataclass(frozen=True)
class Org:
    id: int
    parent_id: int | None
    level: str
    name: str
    sort_key: int


@dataclass(frozen=True)
class Roster:
    community: str
    scope: str  # the organisation's name, or 全部党组织
    groups: list[tuple[str, list[list[str]]]]  # (organisation path, lines)
    full: int  # 正式党员
    probationary: int  # 预备党员
    printed_by: str
    on: Day

    @property
    def total(self) -> int:
        return self.full + self.probationary


def _orgs(session: Session) -> dict[int, Org]:
    return {o.id: Org(o.id, o.parent_id, o.level, o.name, o.sort_key) for o in session.execute(
        select(PartyOrg.id, PartyOrg.parent_id, PartyOrg.level, PartyOrg.name, PartyOrg.sort_key))}


def _subtree(orgs: dict[int, Org], root: int | None) -> list[int]:
    """``root`` and every organisation under it (all when None), in the tree's order: each
    organisation followed by its children by sort key and name."""
    children: dict[int | None, list[Org]] = defaultdict(list)
    for org in orgs.values():
        children[org.parent_id].append(org)
    order: list[int] = []

    def walk(org_id: int) -> None:
        order.append(org_id)
        for child in sorted(children[org_id], key=lambda o: (o.sort_key, o.name, o.id)):
            walk(child.id)

    starts = [root] if root is not None else [o.id for o in sorted(children[None], key=lambda o: (o.sort_key, o.id))]
    for start in starts:
        walk(start)
    return order


def _path(orgs: dict[int, Org], org_id: int, root: int | None) -> str:
    """第三网格党支部 · 3号楼1单元党小组: the organisation under the one printed (the 党委 left out)."""
    names: list[str] = []
    current: int | None = org_id
    while current is not None:
        org = orgs[current]
        if org.level != "党委" or current == org_id:
            names.append(org.name)
        if current == root:
            break
        current = org.parent_id
    return " · ".join(reversed(names))


def _relation(m: PartyMember) -> str:
    if m.org_relation == "在社区外" and m.relation_place:
        return f"在社区外（{m.relation_place}）"
    return m.org_relation


def read(session: Session, branch: int | None, on: Day) -> Roster:
    actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
    orgs = _orgs(session)
    if branch is not None and int(branch) not in orgs:
        raise NotFound(f"没有编号为 {branch} 的党组织。")
    root = int(branch) if branch is not None else None
    order = _subtree(orgs, root)
    position = {org_id: i for i, org_id in enumerate(order)}
    query = (
        select(PartyMember, Resident, Household.room, Building.name.label("building"), Building.kind,
               Unit.name.label("unit"))
        .join(Resident, Resident.id == PartyMember.resident_id)
        .outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(PartyMember.status == ACTIVE, PartyMember.org_id.in_(order))
    )
    limit = access.resident_scope(session)
    if limit is not None:
        query = query.where(limit)
    rows = sorted(session.execute(query), key=lambda r: (position[r[0].org_id], r[0].joined_on, r[0].id))
    own_org = {r[0].id: r[0].org_id for r in rows}
    posts: dict[int, list[str]] = defaultdict(list)
    if own_org:
        for member_id, post, org_id in session.execute(
            select(PartyPost.member_id, PartyPost.post, PartyPost.org_id)
            .where(PartyPost.member_id.in_(own_org), PartyPost.start_on <= on,
                   or_(PartyPost.end_on.is_(None), PartyPost.end_on >= on))
            .order_by(PartyPost.start_on, PartyPost.id)
        ):  # a post in another organisation (the 党支部 over the member's 党小组) names its level
            other = org_id != own_org[member_id] and org_id in orgs
            posts[member_id].append(f"{orgs[org_id].level}{post}" if other else post)
    sex = codes.sex()
    groups: dict[int, list[list[str]]] = {}
    full = probationary = 0
    for number, (m, r, room, building, kind, unit) in enumerate(rows, start=1):
        age = age_on(r.birth_date, on)
        address = household_address(building, unit, room, kind) if building else ""
        groups.setdefault(m.org_id, []).append([
            str(number), r.name, sex.label(r.sex_code), "" if age is None else str(age), idnumber.mask(r.id_number),
            f"{m.joined_on:%Y-%m-%d}", m.kind, f"{m.full_on:%Y-%m-%d}" if m.full_on else "", _relation(m), "、".join(posts[m.id]),
            idnumber.mask_phone(m.phone or r.phone), address,
        ])
        if m.kind == "预备党员":
            probationary += 1
        else:
            full += 1
    scope = orgs[root].name if root is not None else ALL
    return Roster(
        community=str(get_setting(session, "office.community_name") or ""), scope=scope,
        groups=[(_path(orgs, org_id, root), lines) for org_id, lines in groups.items()],
        full=full, probationary=probationary, printed_by=actor.display_name or actor.username, on=on,
    )


def draw_roster(doc: PdfDocument, roster: Roster) -> None:
    title = headed(roster.community, TITLE)

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}（{roster.scope}）（续）", size=9, style=HEI)
        d.text(d.right, y, f"制表日期：{roster.on:%Y-%m-%d}", size=9, align=RIGHT)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, title, size=20, style=HEI, align=CENTER)
    y -= 22
    counts = f"在册党员 {roster.total} 人（正式党员 {roster.full} 人，预备党员 {roster.probationary} 人）"
    doc.text(doc.page_width / 2, y, f"党组织：{roster.scope}　　{counts}　　制表日期：{day(roster.on)}", size=10,
             align=CENTER)
    y -= 12
    current: list[str] = []

    def continued(top: float) -> float:
        return table.band(top, f"{current[0]}（续）", height=17) if current else top

    table = Table(doc, COLUMNS, size=9.5, min_size=7, row_height=20, style=SONG, header_style=HEI,
                  on_new_page=running_head, after_header=continued)
    y = table.header(y)
    if not roster.groups:
        doc.text(doc.page_width / 2, y - 30, "（没有在册党员）", size=11, align=CENTER)
        return
    drawn = 0
    for label, lines in roster.groups:
        current.clear()
        y = table.band(y, f"{label}（{len(lines)} 人）", height=17)
        current.append(label)
        for i, values in enumerate(lines):
            y = table.row(y, values, shade=i % 2 == 1)
            drawn += 1
            if drawn % 100 == 0:
                doc.progress(drawn, roster.total, TITLE)
    y = table.ensure_room(y, 40) - 28
    doc.text(doc.left, y, f"制表人：{roster.printed_by}", size=10.5)
    doc.text(doc.left + doc.frame_width * 0.35, y, "审核人（党组织书记）：", size=10.5)
    doc.text(doc.right, y, "年　　月　　日", size=10.5, align=RIGHT)
    doc.text(doc.left, y - 18, "身份证号、电话已遮盖；入党日期即政治生日；党内职务为制表日期在任的职务。", size=8)


def build(db: Database, out: str | Path, *, branch: int | None = None, date: Day | None = None,  # noqa: A002
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report party_roster [--branch ID] [--date D]``: one organisation (with the
    organisations under it) or all."""
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        roster = read(session, branch, on)
        info = render_pdf(target, lambda doc: draw_roster(doc, roster), title=f"{TITLE}（{roster.scope}）",
                          author=roster.printed_by, subject=headed(roster.community, TITLE), setup=LANDSCAPE,
                          progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, roster.total, info.missing_characters, roster.scope)
        return result, {"branch": branch, "scope": roster.scope}

    return audited_pdf(db, out, TITLE, make)
