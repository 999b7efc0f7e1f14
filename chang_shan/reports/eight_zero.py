"""“八零”指标统计表: the eight zero targets of a year and the two years before it side by side —
each count (0: the target met), whether it is met in the year asked for, and where each figure
comes from (counted from the program's records, or entered with its source; 未填报 when neither).
A4 landscape; read through ``indicators.dashboard`` (the rules of each figure live there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models.indicators import EIGHT_ZEROS
from chang_shan.indicators.indicators import dashboard
from chang_shan.indicators.shapes import NOT_ENTERED, IndicatorValue
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.governance_forms import actor_name, community_name, sign_off
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import day, headed

NAME = "eight_zero"
TITLE = "“八零”指标统计表"
YEARS = 3
DERIVED_MARK = "*"
NOTE = ("注：数字为当年发生的起数（户数），0 即达标。带 * 的数字由本系统的记录统计：零矛盾升级为当年受理、"
        "标记为矛盾升级的调解案件；零家庭暴力为当年受理的家庭暴力调解案件加上另行填报的起数；"
        "零就业家庭为有劳动年龄成员失业且无人就业的户（当年按制表日统计）。其余各项按填报数和来源。")


def count_text(v: IndicatorValue) -> str:
    if v.count is None:
        return NOT_ENTERED
    return f"{v.count}{DERIVED_MARK}" if v.derived else str(v.count)


def met_text(v: IndicatorValue) -> str:
    if v.met is None:
        return "—"
    return "达标" if v.met else "未达标"


def sources_text(values: Sequence[IndicatorValue]) -> str:
    """One source when the years agree, else '2024、2026年：派出所通报；2025年：…' (years with a figure)."""
    years: dict[str, list[str]] = {}
    for v in values:
        if v.count is not None:
            years.setdefault(v.source, []).append(str(v.year))
    if not years:
        return NOT_ENTERED
    if len(years) == 1:
        return next(iter(years))
    return "；".join(f"{'、'.join(found)}年：{source}" for source, found in years.items())


def rows(board: dict[int, list[IndicatorValue]], years: Sequence[int]) -> list[list[str]]:
    by_key = {key: [next(v for v in board[year] if v.key == key) for year in years] for key in EIGHT_ZEROS}
    return [[str(n), EIGHT_ZEROS[key], *(count_text(v) for v in values), met_text(values[-1]), sources_text(values)]
            for n, (key, values) in enumerate(by_key.items(), start=1)]


def draw_table(doc: PdfDocument, lines: list[list[str]], *, community: str, years: Sequence[int], on: date) -> None:
    columns = (Column("序号", 4, CENTER), Column("指标", 16), *(Column(f"{y}年", 8, CENTER) for y in years),
               Column(f"{years[-1]}年是否达标", 10, CENTER), Column("数据来源", 40))
    y = doc.top - 22
    doc.text(doc.page_width / 2, y, headed(community, TITLE), size=20, style=HEI, align=CENTER)
    y -= 24
    met = sum(1 for line in lines if line[-2] == "达标")
    doc.text(doc.page_width / 2, y, f"{years[0]}—{years[-1]}年　　{years[-1]}年达标 {met} 项（共 {len(lines)} 项）　　"
             f"制表日期：{day(on)}", size=10.5, align=CENTER)
    y -= 14
    table = Table(doc, columns, size=11, min_size=7.5, row_height=36, header_height=24, style=SONG, header_style=HEI)
    y = table.header(y)
    room = table.widths[-1] - 2 * table.padding
    long: list[str] = []  # sources too long for their cell: printed in full under the table
    for number, line in enumerate(lines, start=1):
        source = line[-1]
        _size, fitted = doc.fit_lines(source, room, size=table.size, min_size=table.min_size)
        if "".join(fitted) != " ".join(source.split()):
            long.append(f"（{number}）{line[1]}：{source}")
            line = [*line[:-1], f"见表下（{number}）"]
        y = table.row(y, line, shade=number % 2 == 0)
    y -= 16
    for text in (NOTE, *long):
        _size, notes = doc.fit_lines(text, doc.frame_width, size=9, min_size=9, max_lines=6)
        for part in notes:
            if y < doc.bottom + 4:  # many long sources: the notes go on on the next page
                doc.new_page()
                y = doc.top - 9
            doc.text(doc.left, y, part, size=9)
            y -= 13
    if y - 24 < doc.bottom:
        doc.new_page()
        y = doc.top
    sign_off(doc, y - 24, ("填报人：", "审核人："), f"{community or '社区'}（盖章）　　年　　月　　日")


def build(db: Database, out: str | Path, *, year: int | None = None, on_date: date | None = None,
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report eight_zero [--year 2026]``: that year and the two before it (A4 landscape)."""
    on = on_date or date.today()
    last = int(year or on.year)
    years = [last - YEARS + 1 + i for i in range(YEARS)]

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        board = dashboard(session, years, today=on)
        lines = rows(board, years)
        community = community_name(session)
        info = render_pdf(target, lambda doc: draw_table(doc, lines, community=community, years=years, on=on),
                          title=f"{TITLE}（{years[0]}—{years[-1]}年）", author=actor_name(actor),
                          subject=headed(community, TITLE), setup=LANDSCAPE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(lines), info.missing_characters,
                              f"{years[0]}—{years[-1]}年", unit="项")
        return result, {"years": years}

    return audited_pdf(db, out, TITLE, make)
