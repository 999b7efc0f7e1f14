"""乐龄食堂 prints: the day's delivery lists (送餐单) and a person's monthly statement (结算单).

Delivery lists: for each meal, one page (or more) per route — the date and meal, then each person
by address with the phone masked and a box to tick on delivery, and a line for the deliverer to
sign — and the eat-in list (堂食) on a page of its own. A statement: the community, the person, the
month, one line per meal at its own price, the count and the total in yuan and in capitals.

The data is read once (through the canteen services, with their permissions and grid scope)
before the two drawing passes. Phones are always masked: anyone who may view may print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.canteen import meals, statements
from chang_shan.canteen.money import in_capitals
from chang_shan.canteen.shapes import DayLine, MealList, Statement
from chang_shan.db.database import Database
from chang_shan.db.models.canteen import MEALS
from chang_shan.population import idnumber
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, PORTRAIT, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.settings import get_setting

DELIVERY_NAME = "canteen_delivery"
DELIVERY_TITLE = "乐龄食堂送餐单"
EAT_IN_TITLE = "乐龄食堂堂食名单"
STATEMENT_NAME = "canteen_statement"
STATEMENT_TITLE = "乐龄食堂用餐结算单"
WEEKDAYS = "一二三四五六日"
NO_ROUTE = "未分线路"
BOX = 9.0  # side of the tick box, points

DELIVERY_COLUMNS = (
    Column("序号", 5, CENTER), Column("姓名", 13), Column("住址", 27), Column("联系电话", 14, CENTER),
    Column("送达", 7, CENTER), Column("备注", 14),
)
EAT_IN_COLUMNS = (
    Column("序号", 5, CENTER), Column("姓名", 13), Column("住址", 27), Column("联系电话", 14, CENTER),
    Column("到餐", 7, CENTER), Column("备注", 14),
)
STATEMENT_COLUMNS = (
    Column("序号", 6, CENTER), Column("日期", 16, CENTER), Column("星期", 8, CENTER), Column("餐次", 10, CENTER),
    Column("方式", 10, CENTER), Column("金额（元）", 14, RIGHT),
)


def day_text(on: date) -> str:
    """2025年3月3日（星期一）"""
    return f"{on.year}年{on.month}月{on.day}日（星期{WEEKDAYS[on.weekday()]}）"


# --- delivery lists ----------------------------------------------------------------------------------


def _tick_box(doc: PdfDocument, table: Table, column: int, row_top: float) -> None:
    """An empty square in the middle of ``column`` of the row whose top is ``row_top``."""
    x = doc.left + sum(table.widths[:column]) + table.widths[column] / 2 - BOX / 2
    doc.rect(x, row_top - table.row_height / 2 - BOX / 2, BOX, BOX, stroke_width=0.7)


def _list_page(doc: PdfDocument, heading: str, listing: MealList, label: str, lines: tuple[DayLine, ...],
               *, delivery: bool) -> None:
    """One route's (or the eat-in) list from the top of a fresh page, its signature lines last."""
    when = f"{day_text(listing.on_date)}　{listing.meal}"

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{heading}　{label}（续）", size=9, style=HEI)
        d.text(d.right, y, when, size=9, align=RIGHT)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, heading, size=18, style=HEI, align=CENTER)
    y -= 28
    doc.text(doc.left, y, f"日期：{day_text(listing.on_date)}　　餐次：{listing.meal}", size=12, style=HEI)
    doc.text(doc.right, y, f"共 {len(lines)} 份", size=12, style=HEI, align=RIGHT)
    if delivery:  # a route's name can be long: a line of its own, never run into the date
        y -= 18
        doc.text(doc.left, y, f"线路：{label}", size=12, style=HEI)
    y -= 12
    columns = DELIVERY_COLUMNS if delivery else EAT_IN_COLUMNS
    table = Table(doc, columns, size=10.5, min_size=7.5, row_height=26, header_height=20, style=SONG,
                  header_style=HEI, on_new_page=running_head)
    y = table.header(y)
    if not lines:
        doc.text(doc.page_width / 2, y - 24, "（无）", size=11, align=CENTER)
        y -= 36
    for number, line in enumerate(lines, start=1):
        y = table.row(y, [str(number), line.name, line.address, idnumber.mask_phone(line.phone), "", ""])
        _tick_box(doc, table, 4, y + table.row_height)
    signature = "送餐员签名：" if delivery else "经办人签名："
    y = table.ensure_room(y, 60) - 34
    doc.text(doc.left, y, signature, size=11)
    start = doc.left + doc.width(signature, 11) + 4
    doc.line(start, y - 3, start + 150, y - 3, width=0.6)
    times = "出发时间：" if delivery else "核对时间："
    x = doc.right - 150 - doc.width(times, 11) - 4
    doc.text(x, y, times, size=11)
    doc.line(doc.right - 150, y - 3, doc.right, y - 3, width=0.6)


def draw_delivery(doc: PdfDocument, listings: list[MealList]) -> None:
    """Every listing's routes, each from a new page, then its eat-in list on a page of its own."""
    first = True
    for listing in listings:
        pages = [(DELIVERY_TITLE, route or NO_ROUTE, lines, True) for route, lines in listing.routes]
        pages.append((EAT_IN_TITLE, "堂食", listing.eat_in, False))
        for heading, label, lines, delivery in pages:
            if not first:
                doc.new_page()
            first = False
            _list_page(doc, heading, listing, label, lines, delivery=delivery)


def build_delivery(
    db: Database, out: str | Path, *, on_date: date | None = None, meal: str | None = None,
    progress: Progress = no_progress,
) -> ReportResult:
    """The delivery and eat-in lists of ``meal`` (default: 午餐 and 晚餐) on ``on_date`` (default today)."""
    on = on_date or date.today()
    wanted = MEALS if meal is None else (meal,)

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{DELIVERY_TITLE}")
        listings = [meals.meal_list(session, on, m) for m in wanted]
        people = sum(listing.count for listing in listings)
        scope = f"{on:%Y-%m-%d} {'、'.join(wanted)}"
        info = render_pdf(target, lambda doc: draw_delivery(doc, listings), title=f"{DELIVERY_TITLE}（{scope}）",
                          author=actor.display_name or actor.username, setup=PORTRAIT, progress=progress)
        routes = sum(len(listing.routes) for listing in listings)
        result = ReportResult(DELIVERY_NAME, Path(target), info.pages, people, info.missing_characters, scope)
        return result, {"date": on.isoformat(), "meals": list(wanted), "routes": routes}

    return audited_pdf(db, out, DELIVERY_TITLE, make)


def build(db: Database, out: str | Path, *, on_date: date | None = None, progress: Progress = no_progress
          ) -> ReportResult:
    """``chang-shan report canteen_delivery``: today's lists, both meals."""
    return build_delivery(db, out, on_date=on_date, progress=progress)


# --- the monthly statement -----------------------------------------------------------------------------


def draw_statement(doc: PdfDocument, st: Statement, *, community: str, on: date) -> None:
    title = f"{community}{STATEMENT_TITLE}"
    month = f"{st.year}年{st.month}月"

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}　{st.name}　{month}（续）", size=9, style=HEI)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, title, size=18, style=HEI, align=CENTER)
    y -= 30
    for left, right in ((f"姓名：{st.name}", f"结算月份：{month}"), (f"住址：{st.address}", "单价：按用餐当日价格")):
        doc.text(doc.left, y, left, size=11)
        doc.text(doc.right, y, right, size=11, align=RIGHT)
        y -= 18
    y -= 2
    table = Table(doc, STATEMENT_COLUMNS, size=10, min_size=8, row_height=17, header_height=19, style=SONG,
                  header_style=HEI, on_new_page=running_head)
    y = table.header(y)
    for number, line in enumerate(st.lines, start=1):
        y = table.row(y, [str(number), f"{line.on_date:%Y-%m-%d}", f"星期{WEEKDAYS[line.on_date.weekday()]}",
                          line.meal, line.mode, f"{line.price:.2f}"])
    if not st.lines:
        doc.text(doc.page_width / 2, y - 18, "（本月无用餐记录）", size=11, align=CENTER)
        y -= 26
    delivered = sum(1 for line in st.lines if line.mode == "送餐")
    y = table.ensure_room(y, 110) - 22
    doc.text(doc.left, y, f"用餐 {st.meals} 次（其中送餐 {delivered} 次）", size=11, style=HEI)
    doc.text(doc.right, y, f"合计金额：{st.total:.2f} 元", size=11, style=HEI, align=RIGHT)
    y -= 22
    doc.text(doc.left, y, f"合计金额（大写）：人民币{in_capitals(st.total)}", size=11, style=HEI)
    y -= 40
    for label, x in (("经办人：", doc.left), ("用餐人（家属）签字：", doc.left + doc.frame_width * 0.45)):
        doc.text(x, y, label, size=11)
        start = x + doc.width(label, 11) + 4
        doc.line(start, y - 3, start + 90, y - 3, width=0.6)
    y -= 24
    doc.text(doc.right, y, f"制表日期：{on.year}年{on.month}月{on.day}日", size=10, align=RIGHT)


def build_statement(
    db: Database, out: str | Path, *, resident_id: int, year: int, month: int, on_date: date | None = None,
    progress: Progress = no_progress,
) -> ReportResult:
    """One person's statement of ``year``-``month``."""
    on = on_date or date.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{STATEMENT_TITLE}")
        st = statements.statement(session, resident_id, year, month)
        community = str(get_setting(session, "office.community_name"))
        info = render_pdf(target, lambda doc: draw_statement(doc, st, community=community, on=on),
                          title=f"{STATEMENT_TITLE}（{year}年{month}月）", author=actor.display_name or actor.username,
                          setup=PORTRAIT, progress=progress)
        result = ReportResult(STATEMENT_NAME, Path(target), info.pages, 1, info.missing_characters,
                              f"{st.name} {year}年{month}月")
        return result, {"year": year, "month": month, "meals": st.meals}

    return audited_pdf(db, out, STATEMENT_TITLE, make)
