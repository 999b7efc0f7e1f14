"""物业费欠费清单: the households that have not paid a year's property fee in full — address, head,
area, rate, due, paid, owed, the last payment — grid by grid, with the totals; then the households
whose area is not registered (their fee cannot be worked out). A4 landscape; ``--grid`` and
``--building`` narrow it (a 网格员 sees only their grids); read through ``fees.queries``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.fees.queries import household_fees, rate_for
from chang_shan.fees.shapes import NO_AREA, OWING, FeeRow
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import scope as scopes
from chang_shan.reports.fee_receipt import money, rate_text
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.governance_forms import actor_name, community_name, list_head, sign_off
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import day, headed

NAME = "fee_arrears"
TITLE = "物业费欠费清单"
UNIT = "户"
ZERO = Decimal("0.00")

COLUMNS = (
    Column("序号", 4, CENTER), Column("住址", 17), Column("户主", 9), Column("面积（㎡）", 7, RIGHT),
    Column("单价（元）", 6.5, RIGHT), Column("应缴（元）", 7.5, RIGHT), Column("已缴（元）", 7.5, RIGHT),
    Column("欠缴（元）", 7.5, RIGHT), Column("最近缴费", 8, CENTER), Column("催缴记录", 16),
)


def totals(rows: Sequence[FeeRow]) -> tuple[Decimal, Decimal, Decimal]:
    """(due, paid, owed) of the rows that have an area."""
    billed = [r for r in rows if r.due is not None]
    return (sum((r.due for r in billed if r.due is not None), ZERO), sum((r.paid for r in billed), ZERO),
            sum((r.owed for r in billed if r.owed is not None), ZERO))


def draw_arrears(doc: PdfDocument, owing: Sequence[FeeRow], no_area: Sequence[FeeRow], *, community: str, year: int,
                 rate: Decimal, scope: str, on: date) -> None:
    title = f"{headed(community, TITLE)}（{year}年度）"
    due, paid, owed = totals(owing)

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, title, size=20, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.page_width / 2, y, f"范围：{scope}　　单价 {rate_text(rate)} 元/平方米·年　　欠费 {len(owing)} 户，"
             f"欠缴合计 {money(owed)} 元　　制表日期：{day(on)}", size=10, align=CENTER)
    y -= 12
    table = Table(doc, COLUMNS, size=9.5, min_size=7, row_height=20, style=SONG, header_style=HEI,
                  on_new_page=list_head(f"{title}（{scope}）", on))
    y = table.header(y)
    if not owing:
        y = table.band(y, f"（{year}年度没有欠费住户）")
    grid = None
    for number, r in enumerate(owing, start=1):
        if r.grid_name != grid:
            grid = r.grid_name
            y = table.band(y, grid, height=17)
        last = f"{r.last_paid_on:%Y-%m-%d}" if r.last_paid_on else "未缴"
        y = table.row(y, [str(number), r.address, r.head_name or "—", money(r.area), rate_text(r.rate), money(r.due),
                          money(r.paid), money(r.owed), last, ""], shade=number % 2 == 0)
        if number % 100 == 0:
            doc.progress(number, len(owing), TITLE)
    if owing:
        y = table.row(y, ["", f"合计 {len(owing)} 户", "", "", "", money(due), money(paid), money(owed), "", ""])
    if no_area:
        y = table.band(y, f"面积未登记、无法计算应缴的住户 {len(no_area)} 户（请到万家数据库补登住房面积）")
        for number, r in enumerate(no_area, start=1):
            y = table.row(y, [str(number), r.address, r.head_name or "—", NO_AREA, rate_text(r.rate), "—", money(r.paid), "—",
                              f"{r.last_paid_on:%Y-%m-%d}" if r.last_paid_on else "", ""])
    sign_off(doc, table.ensure_room(y, 40) - 28, ("制表人：", "审核人："))


def build(db: Database, out: str | Path, *, year: int | None = None, grid: str | None = None,
          building: str | None = None, on_date: date | None = None, progress: Progress = no_progress
          ) -> ReportResult:
    """``chang-shan report fee_arrears [--year 2026] [--grid CODE [--building NAME]]`` (A4 landscape)."""
    on = on_date or date.today()
    wanted = int(year or on.year)

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        scope = scopes.resolve(session, grid=grid, building=building)
        rows = household_fees(session, wanted, grid=scope.grid_ids[0] if grid and scope.grid_ids else None,
                              building=scope.building_id)
        owing = [r for r in rows if r.status == OWING]
        no_area = [r for r in rows if r.status == NO_AREA]
        community = community_name(session)
        rate = rate_for(session, wanted)
        info = render_pdf(target, lambda doc: draw_arrears(doc, owing, no_area, community=community, year=wanted,
                                                           rate=rate, scope=scope.label, on=on),
                          title=f"{TITLE}（{wanted}年度，{scope.label}）", author=actor_name(actor),
                          subject=headed(community, TITLE), setup=LANDSCAPE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(owing), info.missing_characters,
                              f"{wanted}年度 {scope.label}", unit=UNIT)
        return result, {"year": wanted, "scope": scope.label, "owed": str(totals(owing)[2])}

    return audited_pdf(db, out, TITLE, make)
