"""Where each thing goes on a badge, for the three layouts, as drawing items (``drawing.py``).

* ``sheet`` — A4 portrait, 2 × 5 badges of ID-1 size (85.6 × 54 mm) with cut marks at every
  corner, for an office printer and scissors or a paper cutter;
* ``card`` — one ID-1 badge per 85.6 × 54 mm page, for a card printer;
* ``label`` — one 50 × 30 mm badge per page, for a label printer (no photo: too small).

An ID-1 badge: a dark band across the top with "防走失联系卡" and the community's name; the photo
(3:4) at the left when there is one; the name large (an elder is found by their name); the badge
number; "请扫码联系家属" and the community hotline in large, bold type a finder reads without
glasses; the QR code on the right. The QR is printed at ``qr_side`` mm, quiet zone included, and
``max_version`` is the largest version whose modules then stay at least ``MIN_MODULE_MM``.

Text sizes are in points; a name or number too wide for its room carries ``max_width`` and the
renderer shrinks it. Nothing here knows a font: the PDF (``reports/badges.py``) and Qt
(``ui/badges/painter.py``) renderers draw these items alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from dataclasses import dataclass

from chang_shan.badges.content import MIN_MODULE_MM, TITLE
from chang_shan.badges.drawing import (
    HEI, RIGHT, ImageItem, Item, LineItem, PageDrawing, QrItem, RectItem, TextItem,
)
from chang_shan.badges.qr import QrCode, largest_version
from chang_shan.badges.shapes import BadgeData, FittedText
from chang_shan.errors import DomainError

Entry = tuple[BadgeData, FittedText, QrCode]

ID1_WIDTH, ID1_HEIGHT = 85.6, 54.0  # ISO/IEC 7810 ID-1, a bank card
A4_WIDTH, A4_HEIGHT = 210.0, 297.0
SCAN_HINT = "请扫码联系家属"
HOTLINE_LABEL = "社区电话"


@dataclass(frozen=True)
class Layout:
    name: str  # 'sheet' | 'card' | 'label' (BADGE_LAYOUTS)
    label: str  # what the user chooses from
    page_width: float  # mm
    page_height: float
    badge_width: float
    badge_height: float
    qr_side: float  # mm, quiet zone included
    columns: int = 1
    rows: int = 1
    gap_x: float = 0.0  # between badges on a sheet
    gap_y: float = 0.0
    cut_marks: bool = False
    photo: bool = True

    @property
    def max_version(self) -> int:
        """The largest QR version that keeps modules of at least ``MIN_MODULE_MM`` at ``qr_side``."""
        return largest_version(self.qr_side, MIN_MODULE_MM)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def module_mm(self) -> float:
        """The printed size of one module of the largest allowed code."""
        return self.qr_side / (17 + 4 * self.max_version + 8)

    def page_count(self, badges: int) -> int:
        return -(-badges // self.per_page)

    def origins(self) -> list[tuple[float, float]]:
        """The top-left corner of each badge place on a page, row by row."""
        width = self.columns * self.badge_width + (self.columns - 1) * self.gap_x
        height = self.rows * self.badge_height + (self.rows - 1) * self.gap_y
        left = (self.page_width - width) / 2
        top = (self.page_height - height) / 2
        return [(left + c * (self.badge_width + self.gap_x), top + r * (self.badge_height + self.gap_y))
                for r in range(self.rows) for c in range(self.columns)]


LAYOUTS: dict[str, Layout] = {
    "sheet": Layout("sheet", "多枚A4（带裁切线）", A4_WIDTH, A4_HEIGHT, ID1_WIDTH, ID1_HEIGHT, qr_side=34.0,
                    columns=2, rows=5, gap_x=8.0, gap_y=3.0, cut_marks=True),
    "card": Layout("card", "证卡 85.6×54 mm", ID1_WIDTH, ID1_HEIGHT, ID1_WIDTH, ID1_HEIGHT, qr_side=34.0),
    "label": Layout("label", "标签 50×30 mm", 50.0, 30.0, 50.0, 30.0, qr_side=28.0, photo=False),
}


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        names = "、".join(f"{key}（{layout.label}）" for key, layout in LAYOUTS.items())
        raise DomainError(f"没有名为 {name} 的版式；可用的版式：{names}。") from None


def pages(layout: Layout, entries: Iterable[Entry]) -> Iterator[PageDrawing]:
    """The pages of ``entries`` in order, ``layout.per_page`` badges a page (``entries`` may be
    a stream: a page is made as soon as its badges are there)."""
    places = layout.origins()
    stream = iter(entries)
    while chunk := list(islice(stream, layout.per_page)):
        page = PageDrawing(layout.page_width, layout.page_height,
                           badges=tuple(data.resident_id for data, _fitted, _code in chunk))
        marks: dict[LineItem, None] = {}
        for (x, y), entry in zip(places, chunk, strict=False):
            page.items.extend(badge_items(layout, entry, x, y))
            if layout.cut_marks:
                marks.update(dict.fromkeys(cut_marks(x, y, layout.badge_width, layout.badge_height)))
        page.items.extend(marks)  # marks shared by neighbours drawn once
        yield page


def badge_items(layout: Layout, entry: Entry, x: float, y: float) -> list[Item]:
    """One badge with its top-left corner at (x, y)."""
    if layout.badge_width < 60:
        return _label_items(layout, entry, x, y)
    return _id1_items(layout, entry, x, y)


def _id1_items(layout: Layout, entry: Entry, x: float, y: float) -> list[Item]:
    data, _fitted, code = entry
    w, h = layout.badge_width, layout.badge_height
    band, foot = 10.0, 8.0  # the dark title band at the top, the hotline strip at the bottom
    hotline = data.hotline.strip()
    items: list[Item] = []
    if layout.cut_marks:  # a faint edge, for scissors (the cut marks are for a cutter)
        items.append(RectItem(x, y, w, h, line_width=0.1, grey=0.8))
    items.append(RectItem(x, y, w, band, line_width=0, fill_grey=0.15))
    items.append(TextItem(x + 3.5, y + 7.3, TITLE, 15, HEI, grey=1.0))
    if data.community.strip():
        items.append(TextItem(x + w - 3.0, y + 6.9, data.community.strip(), 9, HEI, RIGHT, max_width=38.0,
                              grey=1.0))
    qr_x, qr_y = x + w - layout.qr_side - 0.8, y + band + 0.6
    items.append(QrItem(qr_x, qr_y, layout.qr_side, code))
    left = x + 3.5
    text_x = left
    if layout.photo and data.photo_path:
        items.append(ImageItem(left, y + band + 3.0, 18.0, 24.0, data.photo_path))
        items.append(RectItem(left, y + band + 3.0, 18.0, 24.0, line_width=0.15, grey=0.55))
        text_x = left + 21.0
    name_room = qr_x - 0.3 - text_x  # 1.9 mm of white before the code
    items.append(TextItem(text_x, y + band + 13.5, data.name.strip(), 26, HEI, max_width=name_room))
    items.append(TextItem(text_x, y + band + 20.5, f"编号 {data.number_text}", 9.5, HEI, grey=0.35,
                          max_width=name_room))
    if hotline:
        items.append(TextItem(left, y + h - foot - 3.2, SCAN_HINT, 14, HEI, max_width=qr_x - 0.3 - left))
        items.append(RectItem(x, y + h - foot, w, foot, line_width=0, fill_grey=0.88))
        items.append(TextItem(left, y + h - 2.3, HOTLINE_LABEL, 11, HEI, grey=0.1))
        items.append(TextItem(left + 17.0, y + h - 2.0, hotline, 18, HEI, max_width=w - 17.0 - 7.0))
    else:  # no hotline set: the hint takes the strip
        items.append(RectItem(x, y + h - foot, w, foot, line_width=0, fill_grey=0.88))
        items.append(TextItem(left, y + h - 2.2, SCAN_HINT, 16, HEI, max_width=w - 7.0))
    return items


def _label_items(layout: Layout, entry: Entry, x: float, y: float) -> list[Item]:
    data, _fitted, code = entry
    w, h = layout.badge_width, layout.badge_height
    side = layout.qr_side
    qr_x, qr_y = x + w - side - 0.5, y + (h - side) / 2
    left = x + 1.8
    room = qr_x - left
    items: list[Item] = [
        QrItem(qr_x, qr_y, side, code),
        TextItem(left, y + 7.0, data.name.strip(), 15, HEI, max_width=room),
        TextItem(left, y + 11.2, data.number_text, 7, HEI, grey=0.35, max_width=room),
        TextItem(left, y + 17.2, SCAN_HINT, 7.5, HEI, max_width=room),
    ]
    if data.hotline.strip():
        items.append(TextItem(left, y + 21.8, HOTLINE_LABEL, 6.5, HEI, grey=0.2))
        items.append(TextItem(left, y + 26.3, data.hotline.strip(), 8, HEI, max_width=room))
    return items


def cut_marks(x: float, y: float, width: float, height: float, *, offset: float = 0.5,
              length: float = 2.0) -> list[LineItem]:
    """Short lines continuing each edge past each corner, outside the badge (never on it)."""
    marks: list[LineItem] = []
    for cx, sx in ((x, -1), (x + width, 1)):
        for cy, sy in ((y, -1), (y + height, 1)):
            marks.append(_mark(cx + sx * offset, cy, cx + sx * (offset + length), cy))
            marks.append(_mark(cx, cy + sy * offset, cx, cy + sy * (offset + length)))
    return marks


def _mark(x1: float, y1: float, x2: float, y2: float) -> LineItem:
    """A cut mark with its ends in a fixed order, so the same mark of two neighbours is equal."""
    (x1, y1), (x2, y2) = sorted([(round(x1, 3), round(y1, 3)), (round(x2, 3), round(y2, 3))])
    return LineItem(x1, y1, x2, y2, width=0.15)

