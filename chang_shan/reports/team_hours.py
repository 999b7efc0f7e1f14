"""服务队月度服务时长表: a team's month on one sheet — a row per volunteer (the team's members that
month, and anyone with confirmed hours for the team), a column per day, the volunteer's total,
the day totals and the month's total at the bottom.

Only confirmed records count (已确认); records still 待确认 are named below the table as not
counted. Without a team: every team not dissolved before the month, one after the other, each
starting on a new page. A 网格员 sees the volunteers of their grids and those from outside.
A4 landscape.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.db.models.volunteers import Volunteer, VolunteerService, VolunteerTeam, VolunteerTeamMember
from chang_shan.errors import DomainError, NotFound
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.volunteer_certificate import hours_text
from chang_shan.reports.will_forms import headed
from chang_shan.settings import get_setting
from chang_shan.volunteers.queries import NAME as VOLUNTEER_NAME
from chang_shan.volunteers.queries import in_scope

NAME = "team_hours"
TITLE = "服务队月度服务时长表"
CONFIRMED, PENDING = "已确认", "待确认"
ROLE_ORDER = {"队长": 0, "副队长": 1, "队员": 2}
ZERO = Decimal("0.0")


@dataclass(frozen=True)
class Line:
    number: str
    name: str
    role: str
    days: dict[int, Decimal]
    total: Decimal


@dataclass(frozen=True)
class TeamMonth:
    name: str
    service: str
    leaders: str
    lines: tuple[Line, ...]
    pending: int  # records 待确认 (not counted)
    pending_hours: Decimal

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)


def month_of(text: str | None, today: date) -> date:
    """The first day of ``YYYY-MM``; without one, last month."""
    if not text:
        return date(today.year - (today.month == 1), 12 if today.month == 1 else today.month - 1, 1)
    try:
        return date.fromisoformat(str(text).strip()[:7] + "-01")
    except ValueError:
        raise DomainError(f"月份应写作 YYYY-MM（如 2026-10）：{text}") from None


def _team_month(session: Session, team: VolunteerTeam, first: date, last: date) -> TeamMonth:
    scope = in_scope(session)
    conditions = [scope] if scope is not None else []
    memberships = session.execute(
        select(Volunteer.id, Volunteer.number, VOLUNTEER_NAME, VolunteerTeamMember.role)
        .join(Volunteer, Volunteer.id == VolunteerTeamMember.volunteer_id)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
        .where(VolunteerTeamMember.team_id == team.id, VolunteerTeamMember.joined_on <= last,
               or_(VolunteerTeamMember.left_on.is_(None), VolunteerTeamMember.left_on >= first), *conditions)
        .order_by(VolunteerTeamMember.joined_on, VolunteerTeamMember.id)
    )
    people: dict[int, tuple[str, str, str]] = {}
    for vid, number, name, role in memberships:
        people[vid] = (number, name or "", role)  # the latest membership of the month names the role
    hours: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    pending = 0
    pending_hours = ZERO
    for vid, number, name, served_on, status, value in session.execute(
        select(Volunteer.id, Volunteer.number, VOLUNTEER_NAME, VolunteerService.served_on, VolunteerService.status,
               VolunteerService.hours)
        .join(Volunteer, Volunteer.id == VolunteerService.volunteer_id)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
        .where(VolunteerService.team_id == team.id, VolunteerService.served_on >= first,
               VolunteerService.served_on <= last, VolunteerService.status.in_((CONFIRMED, PENDING)), *conditions)
    ):
        if status == PENDING:
            pending += 1
            pending_hours += Decimal(value)
            continue
        people.setdefault(vid, (number, name or "", "（已离队）"))
        hours[vid][served_on.day] += Decimal(value)
    lines = [Line(number, name, role, dict(hours[vid]), sum(hours[vid].values(), ZERO))
             for vid, (number, name, role) in people.items()]
    lines.sort(key=lambda line: (ROLE_ORDER.get(line.role, 3), line.number))
    leaders = "、".join(f"{line.name}（{line.role}）" for line in lines if line.role in ("队长", "副队长"))
    return TeamMonth(team.name, team.service, leaders, tuple(lines), pending, pending_hours)


def read(session: Session, team: int | None, first: date) -> list[TeamMonth]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if team is not None:
        row = session.get(VolunteerTeam, int(team))
        if row is None:
            raise NotFound(f"没有编号为 {team} 的志愿服务队。")
        chosen = [row]
    else:
        chosen = list(session.scalars(
            select(VolunteerTeam).where(or_(VolunteerTeam.dissolved_on.is_(None), VolunteerTeam.dissolved_on >= first),
                                        or_(VolunteerTeam.founded_on.is_(None), VolunteerTeam.founded_on <= last))
            .order_by(VolunteerTeam.sort_key, VolunteerTeam.id)))
    return [_team_month(session, t, first, last) for t in chosen]


def _cell(value: Decimal | None) -> str:
    return hours_text(value) if value else ""


def draw_sheets(doc: PdfDocument, months: list[TeamMonth], *, community: str, first: date, printed_by: str) -> None:
    days = calendar.monthrange(first.year, first.month)[1]
    columns = (Column("序号", 3.2, CENTER), Column("编号", 7.5, CENTER), Column("姓名", 7.5), Column("职务", 4.6, CENTER),
               *(Column(str(d), 2.55, CENTER) for d in range(1, days + 1)), Column("合计", 5, CENTER))
    title = headed(community, TITLE)
    month_text = f"{first.year}年{first.month}月"
    if not months:
        doc.text(doc.page_width / 2, doc.top - 18, title, size=18, style=HEI, align=CENTER)
        doc.text(doc.page_width / 2, doc.top - 60, f"（{month_text}没有志愿服务队）", size=12, align=CENTER)
        return
    for n, team in enumerate(months):
        if n:
            doc.new_page()

        def running_head(d: PdfDocument, team: TeamMonth = team) -> float:
            y = d.top - 9
            d.text(d.left, y, f"{title}　{team.name}　{month_text}（续）", size=9, style=HEI)
            return y - 8

        y = doc.top - 16
        doc.text(doc.page_width / 2, y, title, size=18, style=HEI, align=CENTER)
        y -= 22
        doc.text(doc.left, y, f"服务队：{team.name}", size=11, style=HEI)
        doc.text(doc.page_width / 2, y, f"月份：{month_text}", size=11, style=HEI, align=CENTER)
        doc.text(doc.right, y, f"本月服务时长合计：{hours_text(team.total)} 小时（{len(team.lines)} 人）", size=11,
                 style=HEI, align=RIGHT)
        y -= 16
        if team.service:
            doc.text(doc.left, y, f"服务内容：{team.service}", size=9)
            y -= 6
        table = Table(doc, columns, size=8, min_size=5.5, row_height=17, header_height=17, style=SONG,
                      header_style=HEI, on_new_page=running_head)
        y = table.header(y - 4)
        if not team.lines:
            y = table.row(y, ["", "", "（本月没有队员）", *[""] * (days + 2)])
        for i, line in enumerate(team.lines, start=1):
            y = table.row(y, [str(i), line.number, line.name, line.role,
                              *(_cell(line.days.get(d)) for d in range(1, days + 1)), _cell(line.total) or "0.0"],
                          shade=i % 2 == 0)
        day_totals = [sum((line.days.get(d, ZERO) for line in team.lines), ZERO) for d in range(1, days + 1)]
        y = table.row(y, ["", "", "每日合计", "", *(_cell(v) for v in day_totals), hours_text(team.total)], shade=True)
        y = table.ensure_room(y, 64) - 16
        note = "只计已确认的服务记录（小时，不含往返路途时间）。"
        if team.pending:
            note += f"另有待确认记录 {team.pending} 条、{hours_text(team.pending_hours)} 小时未计入，确认后计入。"
        doc.text(doc.left, y, note, size=9)
        y -= 30
        doc.text(doc.left, y, "队长（签字）：", size=10.5)
        doc.line(doc.left + 70, y - 3, doc.left + 190, y - 3, width=0.6)
        doc.text(doc.left + doc.frame_width * 0.38, y, f"制表人：{printed_by}", size=10.5)
        doc.text(doc.left + doc.frame_width * 0.62, y, "审核人：", size=10.5)
        doc.text(doc.right, y, "年　　月　　日", size=10.5, align=RIGHT)
        doc.progress(n + 1, len(months), TITLE)


def build(db: Database, out: str | Path, *, team: int | None = None, month: str | None = None,
          progress: Progress = no_progress, today: date | None = None) -> ReportResult:
    """``chang-shan report team_hours [--team ID] [--month YYYY-MM]`` (default: every team, last month)."""
    first = month_of(month, today or date.today())

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        months = read(session, team, first)
        community = str(get_setting(session, "office.community_name") or "")
        printed_by = actor.display_name or actor.username
        info = render_pdf(target, lambda doc: draw_sheets(doc, months, community=community, first=first,
                                                          printed_by=printed_by),
                          title=f"{TITLE}（{months[0].name if team is not None else '全部服务队'} {first:%Y-%m}）",
                          author=printed_by, subject=headed(community, TITLE), setup=LANDSCAPE, progress=progress)
        scope = f"{months[0].name if team is not None else '全部服务队'} {first.year}年{first.month}月"
        rows = sum(len(m.lines) for m in months)
        result = ReportResult(NAME, Path(target), info.pages, rows, info.missing_characters, scope)
        total = sum((m.total for m in months), ZERO)
        return result, {"team": team, "month": f"{first:%Y-%m}", "hours": hours_text(total)}

    return audited_pdf(db, out, TITLE, make)
