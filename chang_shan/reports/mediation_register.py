"""人民调解案件登记簿: the cases received in one year, one line each in the order received — number,
date, kind, parties, source, mediators, outcome and its date, the agreement's performance (due
date, the last 回访) and remarks (矛盾升级, 口头协议, 移交) — with the year's counts by outcome.
A4 landscape; read through ``mediation.queries.cases`` (a 网格员: the cases of their grids).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models.mediation import CASE_STATUSES
from chang_shan.mediation.queries import cases
from chang_shan.mediation.shapes import CaseRow
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.governance_forms import actor_name, community_name, list_head, sign_off
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import day, headed

NAME = "mediation_register"
TITLE = "人民调解案件登记簿"
UNIT = "件"

COLUMNS = (
    Column("序号", 3.5, CENTER), Column("案件编号", 8.5, CENTER), Column("受理日期", 8, CENTER), Column("纠纷类型", 7, CENTER),
    Column("当事人", 16), Column("来源", 8, CENTER), Column("调解员", 10), Column("调解结果", 7.5, CENTER),
    Column("结案日期", 8, CENTER), Column("履行情况", 14), Column("备注", 8),
)


def performance_text(r: CaseRow) -> str:
    """'2026-04-30前；已履行' for an agreement; '' otherwise."""
    if r.status != "达成协议":
        return ""
    parts = [f"{r.performance_due:%Y-%m-%d}前"] if r.performance_due else []
    parts.append(r.performance or "未回访")
    return "；".join(parts)


def remarks(r: CaseRow) -> str:
    parts = []
    if r.escalated:
        parts.append("矛盾升级")
    if r.oral_agreement:
        parts.append("口头协议")
    return "；".join(parts)


def summary(rows: Sequence[CaseRow]) -> str:
    counts = Counter(r.status for r in rows)
    shown = "，".join(f"{status} {counts[status]} 件" for status in CASE_STATUSES if counts[status])
    escalated = sum(r.escalated for r in rows)
    return f"共受理 {len(rows)} 件" + (f"：{shown}" if shown else "") + (f"；矛盾升级 {escalated} 件" if escalated else "")


def draw_register(doc: PdfDocument, rows: Sequence[CaseRow], *, community: str, year: int, on: date) -> None:
    title = headed(f"{community}人民调解委员会" if community else "", TITLE)
    y = doc.top - 18
    doc.text(doc.page_width / 2, y, f"{title}（{year}年）", size=20, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.page_width / 2, y, f"{summary(rows)}　　制表日期：{day(on)}", size=10, align=CENTER)
    y -= 12
    table = Table(doc, COLUMNS, size=9.5, min_size=7, row_height=24, style=SONG, header_style=HEI,
                  on_new_page=list_head(f"{title}（{year}年）", on))
    y = table.header(y)
    if not rows:
        doc.text(doc.page_width / 2, y - 30, f"（{year}年没有受理调解案件）", size=11, align=CENTER)
        return
    for number, r in enumerate(rows, start=1):
        closed = f"{r.mediated_on:%Y-%m-%d}" if r.mediated_on else ""
        y = table.row(y, [str(number), r.number, f"{r.received_on:%Y-%m-%d}", r.kind, r.parties, r.source, r.mediators,
                          r.status, closed, performance_text(r), remarks(r)], shade=number % 2 == 0)
        if number % 50 == 0:
            doc.progress(number, len(rows), TITLE)
    sign_off(doc, table.ensure_room(y, 46) - 30, ("登记人：", "审核人："))


def build(db: Database, out: str | Path, *, year: int | None = None, on_date: date | None = None,
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report mediation_register [--year 2026]`` (default: this year; A4 landscape)."""
    on = on_date or date.today()
    wanted = int(year or on.year)

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        rows = sorted(cases(session, year=wanted), key=lambda r: (r.received_on, r.number))
        community = community_name(session)
        info = render_pdf(target, lambda doc: draw_register(doc, rows, community=community, year=wanted, on=on),
                          title=f"{TITLE}（{wanted}年）", author=actor_name(actor), subject=headed(community, TITLE),
                          setup=LANDSCAPE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(rows), info.missing_characters, f"{wanted}年",
                              unit=UNIT)
        return result, {"year": wanted}

    return audited_pdf(db, out, TITLE, make)
