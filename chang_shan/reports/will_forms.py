"""遗嘱库 prints: the registration form (遗嘱登记表), the receipt the elder keeps (登记回执) and the
registry book kept with the cabinet (遗嘱库登记簿).

Each is a ruled office form in the framework of ``pdf_base`` (embedded fonts, "第 N 页 共 M 页"),
headed with the community's name (setting ``office.community_name``), written through
``audited_pdf`` (a "print" event naming the will) and needing ``Perm.WILLS`` (a 网格员 only for the
testators of their grids). The data comes from the will services (``wills.queries``) read once,
before the two drawing passes; ID numbers and phones are masked as they come out of them. The
form records the facts of a will, never its content.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.population import idnumber
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import (
    CENTER, LANDSCAPE, LEFT, PORTRAIT, RIGHT, Column, PageSetup, PdfDocument, Table, render_pdf,
)
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.settings import get_setting
from chang_shan.wills.queries import list_wills, load_detail
from chang_shan.wills.shapes import WillDetail, WillRow

FORM_NAME, FORM_TITLE = "will_form", "遗嘱登记表"
RECEIPT_NAME, RECEIPT_TITLE = "will_receipt", "遗嘱登记回执"
BOOK_NAME, BOOK_TITLE = "will_book", "遗嘱库登记簿"
UNIT = "份"

# A4 portrait with a little less margin than the lists: a form for a will with two witnesses fits one page.
FORM_PAGE = replace(PORTRAIT, top=15 * mm, bottom=14 * mm)
# Half an A4 sheet: the receipt is cut off and handed over.
RECEIPT_PAGE = PageSetup(size=landscape(A5), left=14 * mm, right=14 * mm, top=11 * mm, bottom=12 * mm, footer_size=8)

WITNESSED = ("代书", "打印", "录音录像", "口头")
# What each form of will requires (民法典), as the registrar checks it.
FORM_RULES = {
    "自书": "由立遗嘱人亲笔书写、签名，注明年、月、日",
    "代书": "两个以上见证人在场，一人代书，遗嘱人、代书人和其他见证人签名，注明年月日",
    "打印": "两个以上见证人在场，遗嘱人和见证人在遗嘱每一页签名，注明年、月、日",
    "录音录像": "两个以上见证人在场，录音录像记录遗嘱人、见证人的姓名或肖像及年月日",
    "口头": "在危急情况下所立，两个以上见证人在场见证",
    "公证": "经公证机构办理，公证书编号已登记",
}
BRING = (
    "1. 本回执；",
    "2. 立遗嘱人本人查看、撤回或变更遗嘱的，带本人居民身份证；",
    "3. 立遗嘱人去世后由查看人、提取人办理的，带死亡证明、办理人本人身份证及与立遗嘱人关系的证明。",
)
TICK, BOX = "已确认", "未确认"

LINE = 0.6  # ruling of the form's boxes
PAD = 4.0
LABEL = 66.0  # width of a label box (5 characters at 10.5 pt)


def day(on: date | None) -> str:
    """2024年3月1日 ('' for none)."""
    return f"{on.year}年{on.month}月{on.day}日" if on else ""


def headed(community: str, title: str) -> str:
    return f"{community}{title}" if community else title


# --- boxes: one ruled row of label and value cells --------------------------------------------------


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    weight: float = 1.0  # share of the row's value width
    label_width: float = LABEL


class Sheet:
    """A form drawn from the top of the page down: section bands, rows of boxed fields, tables and
    free lines, a new page (with ``running_head``) whenever the next piece does not fit."""

    def __init__(self, doc: PdfDocument, running_head: Callable[[PdfDocument], float], *, size: float = 10.5) -> None:
        self.doc = doc
        self.running_head = running_head
        self.size = size
        self.y = doc.top

    def room(self, height: float) -> None:
        if self.y - height < self.doc.bottom:
            self.doc.new_page()
            self.y = self.running_head(self.doc)

    def band(self, text: str, *, height: float = 18, keep: float = 24) -> None:
        """A section heading across the form, kept with what follows it (``keep`` points)."""
        self.room(height + keep)
        doc = self.doc
        doc.rect(doc.left, self.y - height, doc.frame_width, height, fill_gray=0.86, stroke_width=LINE)
        doc.text(doc.left + PAD, self.y - height / 2 - self.size * 0.35, text, size=self.size, style=HEI)
        self.y -= height

    def fields(self, cells: Sequence[Field], *, height: float = 20, lines: int = 1) -> None:
        """One row of boxes: each label shaded, its value beside it; long values shrink or wrap."""
        self.room(height)
        doc = self.doc
        free = doc.frame_width - sum(c.label_width for c in cells)
        total = sum(c.weight for c in cells)
        x, top = doc.left, self.y
        for cell in cells:
            doc.rect(x, top - height, cell.label_width, height, fill_gray=0.94, stroke_width=LINE)
            self._lines(x, top, cell.label_width, height, cell.label, HEI, CENTER, 1)
            x += cell.label_width
            width = free * cell.weight / total
            doc.rect(x, top - height, width, height, stroke_width=LINE)
            self._lines(x, top, width, height, cell.value, SONG, LEFT, lines)
            x += width
        self.y -= height

    def _lines(self, x: float, top: float, width: float, height: float, text: str, style: str, align: str,
               lines: int) -> None:
        doc = self.doc
        size, parts = doc.fit_lines(text, width - 2 * PAD, size=self.size, min_size=7.5, max_lines=lines,
                                    style=style)
        leading = size * 1.25
        first = top - height / 2 + (len(parts) - 1) * leading / 2 - size * 0.35
        tx = x + width / 2 if align == CENTER else x + PAD
        for i, part in enumerate(parts):
            doc.text(tx, first - i * leading, part, size=size, style=style, align=align)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, empty: str, row_height: float = 20,
              after_row: Callable[[Table, float], None] | None = None) -> None:
        doc = self.doc
        self.room(2 * row_height)
        table = Table(doc, columns, size=self.size - 0.5, min_size=7, row_height=row_height, header_height=18,
                      style=SONG, header_style=HEI, on_new_page=self.running_head)
        y = table.header(self.y)
        if not rows:
            y = table.ensure_room(y)
            doc.rect(doc.left, y - row_height, doc.frame_width, row_height, stroke_width=LINE)
            doc.text(doc.page_width / 2, y - row_height / 2 - 3.5, empty, size=self.size - 0.5, align=CENTER)
            y -= row_height
        for values in rows:
            y = table.row(y, values)
            if after_row is not None:
                after_row(table, y + row_height)
        self.y = y

    def paragraph(self, text: str, *, size: float, leading: float | None = None, indent: float = 0.0) -> None:
        """``text`` wrapped to the frame (at ``size``, never shrunk), its first baseline at ``self.y``."""
        doc = self.doc
        _size, lines = doc.fit_lines(text, doc.frame_width - indent, size=size, min_size=size, max_lines=4)
        for i, line in enumerate(lines):
            if i:
                self.y -= leading or size * 1.5
            doc.text(doc.left + indent, self.y, line, size=size)

    def signature(self, label: str, *, name: str = "", x: float | None = None, line_width: float = 110,
                  dated: bool = True, indent: float = 0.0) -> None:
        """'立遗嘱人（签名）：________　　年　　月　　日' on the current line (``x``: where it starts;
        ``indent``: where the line starts at the earliest, to align lines under each other)."""
        doc = self.doc
        x = doc.left if x is None else x
        size = self.size
        doc.text(x, self.y, label, size=size)
        start = x + max(doc.width(label, size) + 2, indent)
        doc.line(start, self.y - 3, start + line_width, self.y - 3, width=0.6)
        if name:
            doc.text(start + line_width / 2, self.y - 13, f"（{name}）", size=8, align=CENTER)
        if dated:
            doc.text(start + line_width + 12, self.y, "年　　月　　日", size=size)


def _tick_box(doc: PdfDocument, x: float, y: float, ticked: bool, side: float = 8.5) -> None:
    """A square whose bottom left is (x, y), with a tick drawn in it when ``ticked`` (drawn, not a
    glyph: not every office font has ☑)."""
    doc.rect(x, y, side, side, stroke_width=0.7)
    if ticked:
        doc.line(x + side * 0.18, y + side * 0.5, x + side * 0.42, y + side * 0.2, width=1.1)
        doc.line(x + side * 0.42, y + side * 0.2, x + side * 0.85, y + side * 0.85, width=1.1)


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WillPrint:
    detail: WillDetail
    community: str
    testator_id_number: str  # masked
    registrar: str  # the display name, else the user name
    printed_by: str


def _read(session: Session, will_id: int, title: str, today: date) -> WillPrint:
    actor = require(session, Perm.WILLS, what=f"打印{title}")
    detail = load_detail(session, will_id, today=today)
    testator = session.get(Resident, detail.row.testator_id)
    community = str(get_setting(session, "office.community_name") or "")
    return WillPrint(detail, community, idnumber.mask(testator.id_number if testator else ""),
                     detail.registered_by_name or detail.registered_by, actor.display_name or actor.username)


def checks(detail: WillDetail) -> list[tuple[str, str, bool]]:
    """(what was checked, its article, confirmed) for the form's 登记核对 section."""
    form, article = detail.form, detail.row.article
    witnesses = detail.witnesses
    found = [(f"{form}遗嘱：{FORM_RULES[form]}", f"第{article}条", detail.checks_confirmed)]
    if form in WITNESSED:
        found.append((f"见证人两个以上（本次登记 {len(witnesses)} 人）", f"第{article}条", len(witnesses) >= 2))
    if witnesses:
        found += [
            ("见证人不是继承人、受遗赠人", "第1140条", all(w.not_heir_confirmed for w in witnesses)),
            ("见证人与继承人、受遗赠人没有利害关系", "第1140条", all(w.no_interest_confirmed for w in witnesses)),
            ("见证人具有完全民事行为能力", "第1140条", all(w.capacity_confirmed for w in witnesses)),
        ]
    if form == "口头":
        found.append(("危急情况已说明", "第1138条", bool(detail.emergency_note)))
    if form == "公证":
        found.append(("公证机构和公证书编号已登记", "第1139条", bool(detail.notary_certificate)))
    found.append(("立遗嘱人具有完全民事行为能力，遗嘱是其真实意思表示", "第1143条", detail.checks_confirmed))
    return found


def _status_text(d: WillDetail) -> str:
    if d.status == "已撤回":
        return f"已撤回（{day(d.revoked_on)}）" if d.revoked_on else "已撤回"
    if d.status == "被新遗嘱取代":
        return f"被新遗嘱取代（{d.row.superseded_by_number}）" if d.row.superseded_by_number else d.status
    if d.status == "已启用":
        return f"已启用（{day(d.activated_on)}）" if d.activated_on else d.status
    return d.status


def _chain_text(d: WillDetail) -> str:
    """The testator's other wills, oldest made first (第1142条: the one made last prevails)."""
    others = [f"{r.number}（{day(r.made_on)}立，{r.status}）" for r in d.chain if r.id != d.id]
    return "；".join(others) if others else "无"


# --- 遗嘱登记表 ------------------------------------------------------------------------------------------


WITNESS_COLUMNS = (
    Column("序号", 5, CENTER), Column("姓名", 11), Column("身份证号", 20, CENTER), Column("与立遗嘱人关系", 12, CENTER),
    Column("联系电话", 13, CENTER), Column("见证人签名", 14, CENTER),
)
PERSON_COLUMNS = (
    Column("身份", 9, CENTER), Column("姓名", 12), Column("与立遗嘱人关系", 13, CENTER), Column("身份证号", 20, CENTER),
    Column("联系电话", 14, CENTER),
)
CHECK_COLUMNS = (Column("序号", 5, CENTER), Column("核对事项", 64), Column("依据", 10, CENTER), Column("结果", 12, CENTER))


def _running_head(title: str, number: str, right: str) -> Callable[[PdfDocument], float]:
    def head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}　{number}（续）", size=9, style=HEI)
        d.text(d.right, y, right, size=9, align=RIGHT)
        return y - 10
    return head


def _title(doc: PdfDocument, community: str, title: str, *, size: float = 20) -> float:
    y = doc.top - size
    if community:
        doc.text(doc.page_width / 2, y, community, size=size * 0.65, style=HEI, align=CENTER)
        y -= size * 1.25
    doc.text(doc.page_width / 2, y, title, size=size, style=HEI, align=CENTER)
    return y


def draw_registration_form(doc: PdfDocument, p: WillPrint, *, on: date) -> None:
    """One A4 page for a will with a few witnesses and named people; more run onto a second."""
    d, row = p.detail, p.detail.row
    sheet = Sheet(doc, _running_head(FORM_TITLE, d.number, p.community), size=10)
    y = _title(doc, p.community, FORM_TITLE) - 24
    doc.text(doc.left, y, f"登记号：{d.number}", size=11, style=HEI)
    doc.text(doc.right, y, f"登记日期：{day(row.registered_on)}", size=11, align=RIGHT)
    sheet.y = y - 7
    if d.status != "有效":
        doc.text(doc.left, sheet.y - 11, f"本遗嘱登记状态：{_status_text(d)}", size=10, style=HEI)
        sheet.y -= 17

    sheet.band("一、立遗嘱人")
    sheet.fields([Field("姓　　名", row.testator_name, 1.3), Field("性　别", d.testator_gender, 0.6, 50),
                  Field("年　龄", "" if row.testator_age is None else f"{row.testator_age}岁", 0.6, 50)])
    alive = "健在" if row.testator_alive else f"已故（{day(d.testator_died_on)}）" if d.testator_died_on else "已故"
    sheet.fields([Field("身份证号", p.testator_id_number, 1.4), Field("状　况", alive, 1.0, 50)])
    sheet.fields([Field("住　　址", d.testator_address)])

    sheet.band("二、遗嘱情况（只登记事实，不登记遗嘱内容）")
    sheet.fields([Field("遗嘱形式", f"{d.form}遗嘱（民法典第{row.article}条）", 1.3),
                  Field("立遗嘱日期", day(row.made_on), 1.0, 72)])
    sheet.fields([Field("遗嘱执行人", d.executor_name or "未指定", 1.3), Field("联系电话", d.executor_phone, 1.0, 72)])
    sheet.fields([Field("保管方式", row.custody, 1.3), Field("登记状态", _status_text(d), 1.0, 72)])
    if d.form == "公证" or d.notary_certificate:
        sheet.fields([Field("公证机构", d.notary_office, 1.3), Field("公证书编号", d.notary_certificate, 1.0, 72)])
    if d.form == "口头":
        over = f"；危急情况已于{day(d.emergency_over_on)}消除" if d.emergency_over_on else ""
        sheet.fields([Field("危急情况", d.emergency_note + over)], lines=2)
    sheet.fields([Field("行为能力情况", d.capacity_note or "—", label_width=LABEL + 12)], lines=2)
    sheet.fields([Field("同一立遗嘱人的其他遗嘱", _chain_text(d), label_width=LABEL + 56)], lines=2)
    if d.note:
        sheet.fields([Field("备　　注", d.note)], height=28, lines=2)

    sheet.band("三、见证人（民法典第1135–1138条、第1140条）")
    sheet.table(WITNESS_COLUMNS, [
        [str(i), w.name, w.id_number, w.relation, w.phone, ""] for i, w in enumerate(d.witnesses, start=1)
    ], empty=f"{d.form}遗嘱不需要见证人" if d.form not in WITNESSED else "（未登记见证人）", row_height=24)

    sheet.band("四、遗嘱查看人、提取人")
    named = [x for role in ("查看人", "提取人", "继承人", "受遗赠人") for x in d.persons_in(role)]
    sheet.table(PERSON_COLUMNS, [[x.role, x.name, x.relation, x.id_number, x.phone] for x in named],
                empty="（未指定）")

    sheet.band("五、登记核对（民法典继承编）")
    found = checks(d)

    def tick(table: Table, top: float) -> None:
        ok = found[table.rows_drawn - 1][2]
        middle = doc.left + sum(table.widths[:3]) + table.widths[3] / 2
        x = middle - doc.width(TICK, table.size) / 2 - 12
        _tick_box(doc, x, top - table.row_height / 2 - 4.2, ok)

    sheet.table(CHECK_COLUMNS, [[str(i), text, article, TICK if ok else BOX]
                                for i, (text, article, ok) in enumerate(found, start=1)],
                empty="", after_row=tick)

    sheet.band("六、签名", keep=120)  # the signatures are never split from their heading
    sheet.y -= 17
    doc.text(doc.left, sheet.y, "以上登记事项经立遗嘱人、见证人核对无误（见证人在上表签名）。", size=9.5)
    indent = doc.width("立遗嘱人（签名）：", sheet.size) + 2
    sheet.y -= 28
    sheet.signature("立遗嘱人（签名）：", line_width=150)
    sheet.y -= 30
    sheet.signature("登记人（签名）：", name=p.registrar, line_width=150, indent=indent)
    sheet.y -= 32
    doc.text(doc.right, sheet.y, f"登记单位（盖章）：{p.community or '　' * 10}", size=10.5, align=RIGHT)
    doc.text(doc.left, sheet.y, f"打印：{p.printed_by}　{day(on)}　本表一式两份，一份存遗嘱库，一份交立遗嘱人。",
             size=8)


def registration_form(db: Database, will_id: int, out: str | Path, *, on_date: date | None = None,
                      progress: Progress = no_progress) -> ReportResult:
    """遗嘱登记表 of one will (A4 portrait)."""
    on = on_date or date.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        p = _read(session, will_id, FORM_TITLE, on)
        info = render_pdf(target, lambda doc: draw_registration_form(doc, p, on=on),
                          title=f"{FORM_TITLE}（{p.detail.number}）", author=p.printed_by,
                          subject=headed(p.community, FORM_TITLE), setup=FORM_PAGE, progress=progress)
        return (ReportResult(FORM_NAME, Path(target), info.pages, 1, info.missing_characters, p.detail.number,
                             unit=UNIT), {"will": p.detail.number})

    return audited_pdf(db, out, FORM_TITLE, make)


# --- 登记回执 -------------------------------------------------------------------------------------------


def draw_receipt(doc: PdfDocument, p: WillPrint, *, on: date) -> None:
    d, row = p.detail, p.detail.row
    sheet = Sheet(doc, _running_head(RECEIPT_TITLE, d.number, p.community), size=11)
    y = doc.top - 18
    doc.text(doc.page_width / 2, y, headed(p.community, RECEIPT_TITLE), size=18, style=HEI, align=CENTER)
    y -= 28
    doc.text(doc.left, y, f"登记号：{d.number}", size=13, style=HEI)
    doc.text(doc.right, y, f"登记日期：{day(row.registered_on)}", size=11, align=RIGHT)
    sheet.y = y - 9
    label = 76.0
    sheet.fields([Field("立遗嘱人", row.testator_name, 1.0, label), Field("身份证号", p.testator_id_number, 1.2, label)],
                 height=25)
    sheet.fields([Field("遗嘱形式", f"{d.form}遗嘱（第{row.article}条）", 1.0, label),
                  Field("立遗嘱日期", day(row.made_on), 1.2, label)], height=25)
    sheet.fields([Field("保管方式", row.custody, 1.0, label)], height=25)
    people = "、".join(f"{x.name}（{x.role}）" for role in ("查看人", "提取人") for x in d.persons_in(role))
    sheet.fields([Field("查看、提取人", people or "未指定", 1.0, label)], height=28, lines=2)
    sheet.y -= 22
    doc.text(doc.left, sheet.y, "日后查看、撤回、变更或提取遗嘱时请携带：", size=10.5, style=HEI)
    for line in BRING:
        sheet.y -= 16
        sheet.paragraph(line, size=10, indent=12)
    sheet.y -= 20
    sheet.paragraph("本回执只证明遗嘱已在本社区登记，不证明遗嘱内容的效力；立有数份遗嘱的，以最后所立的为准"
                    "（民法典第1142条）。请妥善保管。", size=9)
    sheet.y -= 34
    sheet.signature("经办人：", name=p.registrar, line_width=100, dated=False)
    doc.text(doc.right, sheet.y, f"{p.community or '登记单位'}（盖章）　{day(on)}", size=11, align=RIGHT)


def receipt(db: Database, will_id: int, out: str | Path, *, on_date: date | None = None,
            progress: Progress = no_progress) -> ReportResult:
    """登记回执 the elder keeps (half an A4 sheet: A5 landscape)."""
    on = on_date or date.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        p = _read(session, will_id, RECEIPT_TITLE, on)
        info = render_pdf(target, lambda doc: draw_receipt(doc, p, on=on),
                          title=f"{RECEIPT_TITLE}（{p.detail.number}）", author=p.printed_by,
                          subject=headed(p.community, RECEIPT_TITLE), setup=RECEIPT_PAGE, progress=progress)
        return (ReportResult(RECEIPT_NAME, Path(target), info.pages, 1, info.missing_characters, p.detail.number,
                             unit=UNIT), {"will": p.detail.number})

    return audited_pdf(db, out, RECEIPT_TITLE, make)


# --- 遗嘱库登记簿 ---------------------------------------------------------------------------------------


BOOK_COLUMNS = (
    Column("序号", 4, CENTER), Column("登记号", 9, CENTER), Column("立遗嘱人", 9), Column("年龄", 4, CENTER),
    Column("遗嘱形式", 11, CENTER), Column("立遗嘱日期", 8.5, CENTER), Column("登记日期", 8.5, CENTER),
    Column("保管", 15), Column("状态", 9, CENTER), Column("备注", 15), Column("查阅、提取签字", 12, CENTER),
)


def book_note(r: WillRow) -> str:
    parts = [f"由{r.superseded_by_number}取代"] if r.superseded_by_number else []
    parts += [flag for flag in r.flags if flag != "登记核对未确认"]
    if not r.testator_alive and not any("已故" in part for part in parts):
        parts.append("立遗嘱人已故")
    return "；".join(parts)


def draw_registry_book(doc: PdfDocument, rows: Sequence[WillRow], *, community: str, scope: str, on: date) -> None:
    title = headed(community, BOOK_TITLE)

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}（{scope}）（续）", size=9, style=HEI)
        d.text(d.right, y, f"制表日期：{on:%Y-%m-%d}", size=9, align=RIGHT)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, title, size=20, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.page_width / 2, y, f"范围：{scope}　　共 {len(rows)} 份　　制表日期：{day(on)}", size=10, align=CENTER)
    y -= 12
    table = Table(doc, BOOK_COLUMNS, size=9.5, min_size=7, row_height=22, style=SONG, header_style=HEI,
                  on_new_page=running_head)
    y = table.header(y)
    if not rows:
        doc.text(doc.page_width / 2, y - 30, "（没有遗嘱登记）", size=11, align=CENTER)
        return
    for number, r in enumerate(rows, start=1):
        age = "" if r.testator_age is None else str(r.testator_age)
        y = table.row(y, [str(number), r.number, r.testator_name, age, r.form_text.replace("遗嘱", ""),
                          f"{r.made_on:%Y-%m-%d}", f"{r.registered_on:%Y-%m-%d}", r.custody, r.status,
                          book_note(r), ""], shade=number % 2 == 0)
        if number % 100 == 0:
            doc.progress(number, len(rows), BOOK_TITLE)
    y = table.ensure_room(y, 46) - 30
    for label, x in (("保管人：", doc.left), ("核对人：", doc.left + doc.frame_width * 0.35)):
        doc.text(x, y, label, size=10.5)
        start = x + doc.width(label, 10.5) + 2
        doc.line(start, y - 3, start + 110, y - 3, width=0.6)
    doc.text(doc.right, y, "年　　月　　日", size=10.5, align=RIGHT)


def registry_book(db: Database, out: str | Path, *, status: str | None = None, on_date: date | None = None,
                  progress: Progress = no_progress) -> ReportResult:
    """遗嘱库登记簿: every registration the user may see (or those of ``status``), in the order
    registered, one line each (A4 landscape)."""
    on = on_date or date.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.WILLS, what=f"打印{BOOK_TITLE}")
        rows = sorted(list_wills(session, status=status or None, today=on), key=lambda r: (r.registered_on, r.number))
        community = str(get_setting(session, "office.community_name") or "")
        scope = status or "全部"
        info = render_pdf(target, lambda doc: draw_registry_book(doc, rows, community=community, scope=scope, on=on),
                          title=f"{BOOK_TITLE}（{scope}）", author=actor.display_name or actor.username,
                          subject=headed(community, BOOK_TITLE), setup=LANDSCAPE, progress=progress)
        result = ReportResult(BOOK_NAME, Path(target), info.pages, len(rows), info.missing_characters, scope,
                              unit=UNIT)
        return result, {"status": scope}

    return audited_pdf(db, out, BOOK_TITLE, make)


def build(db: Database, out: str | Path, *, status: str | None = None, progress: Progress = no_progress
          ) -> ReportResult:
    """``chang-shan report will_book [--status 有效]``."""
    return registry_book(db, out, status=status, progress=progress)
