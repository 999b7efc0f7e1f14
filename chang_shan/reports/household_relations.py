"""居民社会关系信息档案 of one household: its address and facts, the members with their relation to
the head (GB/T 4761 code and label), their emergency contacts, the caretakers (包保人) of its
elders and the 三长 responsible for it (单元长, 楼栋长, 网格长).

Read through the population and care services (``Perm.VIEW``; a 网格员 only for their grids); ID
numbers and phones are always masked. A4 portrait, the ruled ``Sheet`` of the will forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Day
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, actor_of
from chang_shan.care.assignments import caretaker_of
from chang_shan.care.contacts import list_contacts
from chang_shan.db.database import Database
from chang_shan.errors import DomainError
from chang_shan.db.models import Resident
from chang_shan.population import access, idnumber, roles
from chang_shan.population.households import household_detail
from chang_shan.population.query import age_on
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI
from chang_shan.reports.pdf_base import CENTER, Column, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import FORM_PAGE, Field, Sheet, _running_head, day, headed
from chang_shan.settings import get_setting

NAME = "household_relations"
TITLE = "居民社会关系信息档案"
ACTIVE = "在册"

MEMBER_COLUMNS = (
    ("序号", 4, CENTER), ("姓名", 9, "left"), ("性别", 4, CENTER), ("出生日期", 9, CENTER), ("年龄", 4, CENTER),
    ("与户主关系", 10, CENTER), ("身份证号", 16, CENTER), ("联系电话", 11, CENTER), ("居住类型", 7, CENTER),
    ("特殊人群", 10, "left"),
)
CONTACT_COLUMNS = (("居民", 10, "left"), ("顺序", 5, CENTER), ("联系人", 10, "left"), ("关系", 8, CENTER),
                   ("联系电话", 13, CENTER), ("备注", 18, "left"))
CARE_COLUMNS = (("居民", 10, "left"), ("包保人", 10, "left"), ("包保人职务", 18, "left"), ("联系电话", 13, CENTER),
                ("起始日期", 11, CENTER))
POST_COLUMNS = (("职务", 10, CENTER), ("负责范围", 18, "left"), ("姓名", 12, "left"), ("联系电话", 13, CENTER),
                ("任职日期", 11, CENTER))


@dataclass(frozen=True)
class Archive:
    community: str
    address: str
    grid: str
    area: str
    phone: str  # masked
    tags: str
    head: str
    members: list[list[str]]
    contacts: list[list[str]]
    care: list[list[str]]
    posts: list[list[str]]
    printed_by: str
    on: Day


def _columns(spec: tuple[tuple[str, float, str], ...]) -> tuple[Column, ...]:
    return tuple(Column(title, weight, align) for title, weight, align in spec)


def read(session: Session, household_id: int, on: Day) -> Archive:
    detail = household_detail(session, household_id, today=on)  # Perm.VIEW and the grid; NotFound
    people = session.scalars(
        select(Resident).where(Resident.household_id == household_id, Resident.status == ACTIVE)
        .order_by(Resident.relation_code, Resident.birth_date, Resident.id)
    ).all()
    relation, sex = codes.relation(), codes.sex()
    head_first = sorted(people, key=lambda r: r.id != detail.head_id)
    members, contacts, care = [], [], []
    for n, r in enumerate(head_first, start=1):
        code = "02" if r.id == detail.head_id else r.relation_code
        age = age_on(r.birth_date, on)
        members.append([
            str(n), r.name, sex.label(r.sex_code), f"{r.birth_date:%Y-%m-%d}" if r.birth_date else "",
            "" if age is None else str(age), f"{code} {relation.label(code)}", idnumber.mask(r.id_number),
            idnumber.mask_phone(r.phone), r.residence_type, "、".join(r.group_names),
        ])
        for c in list_contacts(session, r.id):
            contacts.append([r.name, str(c.position), c.name, c.relation, c.phone_masked, c.note])
        row = caretaker_of(session, r.id, on)
        if row is not None:
            care.append([r.name, row.caretaker_name, row.caretaker_roles or "—", idnumber.mask_phone(row.caretaker_phone),
                         day(row.start_on)])
    posts = [[h.role, h.scope_name, h.name, h.phone_masked, day(h.start_on)]
             for h in roles.responsible_for(session, household_id, on_date=on)]
    head = next((m.name for m in detail.members if m.is_head), "")
    actor = actor_of(session)
    return Archive(
        community=str(get_setting(session, "office.community_name") or ""), address=detail.address,
        grid=detail.grid_name, area=f"{detail.area_m2} 平方米" if detail.area_m2 is not None else "",
        phone=idnumber.mask_phone(detail.phone), tags="、".join(detail.tags) or "—", head=head or "（未设户主）",
        members=members, contacts=contacts, care=care, posts=posts,
        printed_by=(actor.display_name or actor.username) if actor else "", on=on,
    )


def draw_archive(doc: PdfDocument, a: Archive) -> None:
    sheet = Sheet(doc, _running_head(TITLE, a.address, a.community), size=10)
    y = doc.top - 20
    if a.community:
        doc.text(doc.page_width / 2, y, a.community, size=13, style=HEI, align=CENTER)
        y -= 25
    doc.text(doc.page_width / 2, y, TITLE, size=20, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.right, y, f"建档（打印）日期：{day(a.on)}", size=10, align="right")
    sheet.y = y - 8

    sheet.band("一、户的基本情况")
    sheet.fields([Field("住　　址", a.address, 1.4), Field("所属网格", a.grid, 1.0)])
    sheet.fields([Field("户　　主", a.head, 1.4), Field("住房面积", a.area, 1.0)])
    sheet.fields([Field("户联系电话", a.phone, 1.4), Field("户标签", a.tags, 1.0)])
    sheet.band(f"二、家庭成员（在册 {len(a.members)} 人；与户主关系按 GB/T 4761 代码）")
    sheet.table(_columns(MEMBER_COLUMNS), a.members, empty="（该户没有在册成员）")
    sheet.band("三、紧急联系人")
    sheet.table(_columns(CONTACT_COLUMNS), a.contacts, empty="（未登记紧急联系人）")
    sheet.band("四、包保责任人")
    sheet.table(_columns(CARE_COLUMNS), a.care, empty="（本户没有包保对象）")
    sheet.band("五、三长（单元长、楼栋长、网格长）")
    sheet.table(_columns(POST_COLUMNS), a.posts, empty="（未设三长）")
    sheet.room(60)
    sheet.y -= 34
    sheet.signature("填表人：", name=a.printed_by, line_width=120, dated=False)
    doc.text(doc.right, sheet.y, "年　　月　　日", size=10.5, align="right")
    sheet.y -= 24
    doc.text(doc.left, sheet.y, "身份证号、电话已遮盖；与户主关系按 GB/T 4761 家庭关系代码。", size=8)


def build(db: Database, out: str | Path, *, household: int | None = None, date: Day | None = None,  # noqa: A002
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report household_relations --household ID`` (A4 portrait)."""
    if household is None:
        raise DomainError("请指定户（--household 编号）。")
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        access.require_household(session, Perm.VIEW, int(household), what=f"打印{TITLE}")
        a = read(session, int(household), on)
        info = render_pdf(target, lambda doc: draw_archive(doc, a), title=f"{TITLE}（{a.address}）",
                          author=a.printed_by, subject=headed(a.community, TITLE), setup=FORM_PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(a.members), info.missing_characters, a.address)
        return result, {"household": int(household)}

    return audited_pdf(db, out, TITLE, make)
