"""What the governance prints (议事, 调解, 物业费, 八零) share on top of ``will_forms.Sheet``: a boxed
text of any length (会议记录, 协议内容) that runs onto the next page, small Chinese numerals
(一式三份), the community's name and who prints, and finding a record by its number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor
from chang_shan.errors import NotFound
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, RIGHT, PdfDocument
from chang_shan.reports.will_forms import LABEL, LINE, PAD, Sheet
from chang_shan.settings import get_setting

_DIGITS = "零一二三四五六七八九"


def chinese_count(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 30 → 三十, 99 → 九十九 (copies, articles: 一式三份)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def community_name(session: Session) -> str:
    return str(get_setting(session, "office.community_name") or "")


def actor_name(actor: Actor | None) -> str:
    return (actor.display_name or actor.username) if actor is not None else ""


def by_number(session: Session, model: type, number: str | None, what: str, flag: str):  # noqa: ANN201 - a row
    """The ``model`` row whose ``number`` is ``number``; else NotFound "没有编号为 … 的{what}"."""
    wanted = (number or "").strip().upper()
    if not wanted:
        raise NotFound(f"请指定{what}编号（--{flag}）。")
    row = session.scalar(select(model).where(model.number == wanted))
    if row is None:
        raise NotFound(f"没有编号为 {number} 的{what}。")
    return row


def wrap(doc: PdfDocument, text: str, width: float, size: float, style: str = SONG) -> list[str]:
    """``text`` in lines at most ``width`` wide at ``size`` (its own line breaks kept)."""
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        if not paragraph.strip():
            continue
        _size, parts = doc.fit_lines(paragraph, width, size=size, min_size=size, max_lines=10_000, style=style)
        lines += parts
    return lines or [""]


@dataclass(frozen=True)
class Box:
    label: str
    text: str
    label_width: float = LABEL
    min_lines: int = 1  # room to write by hand when the text is short (签名, 意见)


def boxed_text(sheet: Sheet, box: Box, *, size: float | None = None, leading: float | None = None) -> None:
    """A shaded label box with ``box.text`` wrapped beside it, as tall as the text needs; a text
    longer than the page goes on in a box on the next page under "（续）"."""
    doc = sheet.doc
    size = size or sheet.size
    leading = leading or size * 1.55
    width = doc.frame_width - box.label_width
    lines = wrap(doc, box.text, width - 2 * PAD, size)
    lines += [""] * max(0, box.min_lines - len(lines))
    label = box.label
    while lines:
        sheet.room(leading + 2 * PAD)
        fit = max(1, int((sheet.y - doc.bottom - 2 * PAD) // leading))
        part, lines = lines[:fit], lines[fit:]
        height = len(part) * leading + 2 * PAD
        top = sheet.y
        doc.rect(doc.left, top - height, box.label_width, height, fill_gray=0.94, stroke_width=LINE)
        doc.rect(doc.left + box.label_width, top - height, width, height, stroke_width=LINE)
        _label(doc, label, doc.left, top, box.label_width, min(height, 3 * leading + 2 * PAD), size)
        for i, line in enumerate(part):
            doc.text(doc.left + box.label_width + PAD, top - PAD - i * leading - leading * 0.5 - size * 0.35, line,
                     size=size)
        sheet.y = top - height
        label = f"{box.label}（续）"


def _label(doc: PdfDocument, text: str, x: float, top: float, width: float, height: float, size: float) -> None:
    fitted, parts = doc.fit_lines(text, width - 2 * PAD, size=size, min_size=7.5, max_lines=3, style=HEI)
    step = fitted * 1.25
    first = top - height / 2 + (len(parts) - 1) * step / 2 - fitted * 0.35
    for i, part in enumerate(parts):
        doc.text(x + width / 2, first - i * step, part, size=fitted, style=HEI, align=CENTER)


def signature_line(doc: PdfDocument, x: float, y: float, label: str, *, width: float, size: float = 10.5,
                   name: str = "", indent: float = 0.0) -> float:
    """'label________' with the printed ``name`` small under the line; returns where the line ends.
    ``indent``: where the line starts at the earliest (lines of several labels aligned)."""
    doc.text(x, y, label, size=size)
    start = x + max(doc.width(label, size) + 2, indent)
    doc.line(start, y - 3, start + width, y - 3, width=0.6)
    if name:
        doc.text(start + width / 2, y - 13, f"（{name}）", size=8, align=CENTER)
    return start + width


def fingerprint_box(doc: PdfDocument, x: float, y: float, *, side: float = 34, size: float = 8) -> None:
    """A square to press the fingerprint (捺印) in, bottom left at (x, y), its caption inside."""
    doc.rect(x, y, side, side, stroke_width=0.6)
    doc.text(x + side / 2, y + side / 2 - size * 0.35, "捺印", size=size, align=CENTER)


def joined(names: Sequence[str], sep: str = "、") -> str:
    return sep.join(name for name in names if name)


def list_head(title: str, on: date):  # noqa: ANN201 - Callable[[PdfDocument], float]
    """The running head of a list's later pages: '<title>（续）' left, the table date right."""
    def head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}（续）", size=9, style=HEI)
        d.text(d.right, y, f"制表日期：{on:%Y-%m-%d}", size=9, align=RIGHT)
        return y - 8
    return head


def sign_off(doc: PdfDocument, y: float, labels: Sequence[str], right: str = "年　　月　　日") -> None:
    """'制表人：______　审核人：______ … 年　月　日' on the baseline ``y``."""
    for i, label in enumerate(labels):
        x = doc.left + doc.frame_width * 0.35 * i
        doc.text(x, y, label, size=10.5)
        start = x + doc.width(label, 10.5) + 2
        doc.line(start, y - 3, start + 110, y - 3, width=0.6)
    doc.text(doc.right, y, right, size=10.5, align=RIGHT)
