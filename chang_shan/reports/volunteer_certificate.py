"""志愿服务证明: the certificate a volunteer asks for (school, employer, a scholarship), laid out
as 志愿服务记录与证明出具办法 asks a certificate to be:

1. the volunteer: name, ID document and its number (part of it hidden), volunteer number;
2. the service: the period, the hours (confirmed records only, travel time excluded) and what
   was done — each record listed with its date, team, place, content and hours;
3. the issuer: its name, the person in charge and the clerk (both sign), a telephone number;
4. the certificate's number, the day it is issued, other things to say; the issuer's seal.

"谁记录谁证明": only records the office has confirmed count (待确认 and 已退回 never do), and a
period without any is refused. The number (ZM2026-0001) is given when the certificate is first
printed and kept in the print's audit entry: printing the same certificate again (same
volunteer, period and hours) gives the same number; anything else, the year's next number.
Read through the volunteer services (``Perm.VIEW``; a 网格员 only for volunteers of their grids
and those from outside). A4 portrait, the ruled ``Sheet`` of the will forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Day
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet
from chang_shan.errors import DomainError
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI
from chang_shan.reports.pdf_base import CENTER, RIGHT, Column, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import FORM_PAGE, Field, Sheet, _running_head, _title, day, headed
from chang_shan.settings import get_setting
from chang_shan.volunteers.queries import services, volunteer_by_number, volunteer_detail
from chang_shan.volunteers.shapes import ServiceRow

NAME = "volunteer_certificate"
TITLE = "志愿服务证明"
PREFIX = "ZM"
CONFIRMED = "已确认"
UNIT = "次"

SERVICE_COLUMNS = (
    Column("序号", 5, CENTER), Column("服务日期", 11, CENTER), Column("服务队", 14), Column("服务地点", 13),
    Column("服务内容", 33), Column("时长（小时）", 12, CENTER),
)
NOTES = (
    "1. 本证明依据本单位的志愿服务记录出具，只计已确认的服务记录；服务时长为实际服务时间，不含往返路途时间。",
    "2. 为保护个人信息，证件号码已部分隐去。",
    "3. 本证明须经负责人、经办人签字并加盖出具单位公章方为有效，涂改无效。",
)


def hours_text(hours: Decimal) -> str:
    """'12.5' (one decimal, as recorded)."""
    return f"{Decimal(hours).quantize(Decimal('0.1'))}"


@dataclass(frozen=True)
class Certificate:
    number: str  # ZM2026-0001
    community: str
    hotline: str
    name: str
    sex: str
    id_kind: str  # 居民身份证, or '' when none is registered
    id_number: str  # masked
    volunteer_number: str
    kind: str  # 居民 / 大学生 …
    affiliation: str  # the school (and major) of a student, the employer of others
    teams: str
    start: Day
    end: Day
    services: tuple[ServiceRow, ...]  # confirmed, oldest first
    clerk: str
    on: Day

    @property
    def hours(self) -> Decimal:
        return sum((s.hours for s in self.services), Decimal("0.0"))


def certificate_number(session: Session, volunteer: str, start: Day, end: Day, hours: Decimal, year: int) -> str:
    """The number this certificate was given when first printed, else the year's next one."""
    prefix = f"{PREFIX}{year}-"
    same = (volunteer, start.isoformat(), end.isoformat(), hours_text(hours))
    last = 0
    for detail in session.scalars(select(ChangeSet.detail).where(
            ChangeSet.kind == "print", func.json_extract(ChangeSet.detail, "$.report") == NAME)):
        number = str((detail or {}).get("certificate", ""))
        if (detail.get("volunteer"), detail.get("start"), detail.get("end"), detail.get("hours")) == same and number:
            return number
        if number.startswith(prefix) and number[len(prefix):].isdigit():
            last = max(last, int(number[len(prefix):]))
    return f"{prefix}{last + 1:04d}"


def read(session: Session, volunteer: str, start: Day | None, end: Day | None, on: Day) -> Certificate:
    actor = require(session, Perm.VIEW, what=f"出具{TITLE}")
    row = volunteer_by_number(session, volunteer)  # NotFound; a 网格员 only for their grids
    detail = volunteer_detail(session, row.id, today=on)
    start = start or row.registered_on
    end = end or on
    if start > end:
        raise DomainError(f"起始日期（{start:%Y-%m-%d}）不能晚于截止日期（{end:%Y-%m-%d}）。")
    if end > on:
        raise DomainError(f"截止日期（{end:%Y-%m-%d}）不能晚于出具日期（{on:%Y-%m-%d}）。")
    served = tuple(sorted(services(session, status=CONFIRMED, volunteer_id=row.id, start=start, end=end),
                          key=lambda s: (s.served_on, s.id)))
    if not served:
        raise DomainError(f"{row.name}（{row.number}）在 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 没有已确认的志愿服务记录，"
                          "不能出具证明。")
    if row.kind == "大学生":
        affiliation = "　".join(part for part in (detail.school, detail.major) if part)
    else:
        affiliation = detail.organisation
    total = sum((s.hours for s in served), Decimal("0.0"))
    return Certificate(
        number=certificate_number(session, row.number, start, end, total, on.year),
        community=str(get_setting(session, "office.community_name") or ""),
        hotline=str(get_setting(session, "office.hotline") or ""), name=row.name, sex=row.sex,
        id_kind="居民身份证" if detail.id_number else "", id_number=detail.id_number, volunteer_number=row.number,
        kind=row.kind, affiliation=affiliation, teams=row.teams, start=start, end=end, services=served,
        clerk=actor.display_name or actor.username, on=on,
    )


def numbered_title(doc: PdfDocument, community: str, title: str, number: str, dated: str, *, size: float) -> float:
    """The community and the title centred (will_forms' ``_title``), then the number on the left and
    the date on the right of one line; the baseline of that line."""
    y = _title(doc, community, title, size=size) - size
    doc.text(doc.left, y, number, size=11.5, style=HEI)
    doc.text(doc.right, y, dated, size=11, align=RIGHT)
    return y


def draw_certificate(doc: PdfDocument, c: Certificate) -> None:
    issuer = c.community or "（出具单位）"
    sheet = Sheet(doc, _running_head(TITLE, c.number, c.community), size=10.5)
    y = numbered_title(doc, c.community, TITLE, f"证明编号：{c.number}", f"出具日期：{day(c.on)}", size=26)
    sheet.y = y - 24
    sheet.paragraph(
        f"兹证明 {c.name}（志愿者编号 {c.volunteer_number}）于 {day(c.start)} 至 {day(c.end)} 期间参加{issuer}"
        f"组织的志愿服务活动 {len(c.services)} 次，经核实，累计志愿服务时长 {hours_text(c.hours)} 小时。"
        "服务情况如下。", size=12, leading=21)
    sheet.y -= 14

    sheet.band("一、志愿者身份信息")
    sheet.fields([Field("姓　　名", c.name, 1.3), Field("性　别", c.sex, 0.5, 50),
                  Field("志愿者编号", c.volunteer_number, 0.9, 72)])
    sheet.fields([Field("证件类型", c.id_kind or "—", 0.8), Field("证件号码", c.id_number or "—", 1.2)])
    label = "学校、院系" if c.kind == "大学生" else "工作单位"
    sheet.fields([Field("所属服务队", c.teams or "—", 1.2), Field(label, c.affiliation or "—", 1.0, 72)])

    sheet.band("二、志愿服务信息（只计已确认的记录，不含往返路途时间）")
    sheet.fields([Field("服务期间", f"{day(c.start)} 至 {day(c.end)}", 1.4),
                  Field("累计时长", f"{hours_text(c.hours)} 小时（{len(c.services)} 次）", 1.0, 60)])
    rows = [[str(i), f"{s.served_on:%Y-%m-%d}", s.team_name or "—", s.place, s.content, hours_text(s.hours)]
            for i, s in enumerate(c.services, start=1)]
    rows.append(["", "合计", "", "", f"共 {len(c.services)} 次", hours_text(c.hours)])
    sheet.table(SERVICE_COLUMNS, rows, empty="")

    sheet.band("三、出具单位信息")
    sheet.fields([Field("出具单位", issuer, 1.4), Field("联系电话", c.hotline or "—", 1.0, 60)])
    sheet.fields([Field("负责人（签字）", "", 1.0, 88), Field("经办人（签字）", "", 1.0, 88)], height=30)

    sheet.band("四、其他需要说明的事项", keep=150)
    for line in NOTES:
        sheet.y -= 16
        sheet.paragraph(line, size=9.5, indent=6)
    sheet.room(90)
    sheet.y -= 44
    doc.text(doc.right - 20, sheet.y, f"出具单位（盖章）：{issuer}", size=12, align=RIGHT)
    sheet.y -= 24
    doc.text(doc.right - 20, sheet.y, day(c.on), size=12, align=RIGHT)
    doc.text(doc.left, sheet.y, f"制证：{c.clerk}", size=9)


def build(db: Database, out: str | Path, *, volunteer: str | None = None, start: Day | None = None,
          end: Day | None = None, date: Day | None = None, progress: Progress = no_progress,  # noqa: A002
          ) -> ReportResult:
    """``chang-shan report volunteer_certificate --volunteer CSV-00123 [--start D] [--end D] [--date D]``
    (period: from the registration to the day of issue unless given)."""
    if not (volunteer or "").strip():
        raise DomainError("请指定志愿者（--volunteer 志愿者编号，如 CSV-00123）。")
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        c = read(session, str(volunteer), start, end, on)
        info = render_pdf(target, lambda doc: draw_certificate(doc, c), title=f"{TITLE}（{c.number} {c.name}）",
                          author=c.clerk, subject=headed(c.community, TITLE), setup=FORM_PAGE, progress=progress)
        scope = f"{c.volunteer_number} {c.name}，{c.start:%Y-%m-%d}至{c.end:%Y-%m-%d}，{hours_text(c.hours)} 小时"
        result = ReportResult(NAME, Path(target), info.pages, len(c.services), info.missing_characters, scope,
                              unit=UNIT)
        return result, {"volunteer": c.volunteer_number, "certificate": c.number, "start": c.start.isoformat(),
                        "end": c.end.isoformat(), "hours": hours_text(c.hours)}

    return audited_pdf(db, out, TITLE, make)
