"""The badge pages (``chang_shan.badges.drawing.PageDrawing``) as a PDF, with reportlab.

The same items the Qt painter draws for the preview and the printer, drawn here in points from the
bottom-left corner. Text is drawn in runs of one font each (``fonts.FontChain``: a name with 𠀀
prints in a font that has it), every font subset-embedded; a line wider than its ``max_width``
is set smaller until it fits. Photos are embedded as they are (JPEG, once per file however often
drawn). A QR code is embedded as a 1-bit image of one pixel per module, quiet zone included, and
scaled by the page without interpolation (PDF's default), so every module prints as a sharp
square at any resolution.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from chang_shan import __version__
from chang_shan.badges.drawing import (
    CENTER, LEFT, RIGHT, ImageItem, Item, LineItem, PageDrawing, QrItem, RectItem, TextItem,
)
from chang_shan.badges.qr import QrCode
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import fonts
from chang_shan.reports.fonts import HEI, SONG, FontChain

MIN_SHRINK = 0.45  # a text is never set below this share of its size (then it may run over)


@dataclass(frozen=True)
class BadgePdfInfo:
    pages: int
    missing_characters: str  # characters no installed font has: printed as boxes


class BadgeCanvas:
    """Draws PageDrawings onto one reportlab canvas."""

    def __init__(self, canvas: Canvas, chains: dict[str, FontChain]) -> None:
        self.canvas = canvas
        self.chains = chains
        self._height = 0.0

    def page(self, page: PageDrawing) -> None:
        c = self.canvas
        c.setPageSize((page.width * mm, page.height * mm))
        self._height = page.height
        lines: dict[tuple[float, float, bool], list[LineItem]] = {}
        for item in page.items:
            if isinstance(item, LineItem):  # cut marks: one path per style, not one per mark
                lines.setdefault((item.width, item.grey, item.dashed), []).append(item)
            else:
                self.item(item)
        for (width, grey, dashed), group in lines.items():
            self.lines(group, width=width, grey=grey, dashed=dashed)
        c.showPage()

    def item(self, item: Item) -> None:
        if isinstance(item, TextItem):
            self.text(item)
        elif isinstance(item, QrItem):
            self.qr(item)
        elif isinstance(item, ImageItem):
            self.canvas.drawImage(item.path, item.x * mm, self._y(item.y + item.height), item.width * mm,
                                  item.height * mm)
        elif isinstance(item, RectItem):
            self.rect(item)
        elif isinstance(item, LineItem):
            self.lines([item], width=item.width, grey=item.grey, dashed=item.dashed)
        else:  # pragma: no cover - a new item kind must be drawn here and in the Qt painter
            raise TypeError(f"unknown drawing item {item!r}")

    def _y(self, y_mm: float) -> float:
        return (self._height - y_mm) * mm

    def text(self, item: TextItem) -> None:
        if not item.text:
            return
        chain = self.chains[item.style if item.style in self.chains else HEI]
        size = item.size
        x = item.x * mm
        if item.max_width is not None or item.align != LEFT:  # measured only when it matters
            width = chain.width(item.text, size)
            if item.max_width is not None and width > item.max_width * mm:
                size = max(size * MIN_SHRINK, size * item.max_width * mm / width)
                width = chain.width(item.text, size)
            if item.align == CENTER:
                x -= width / 2
            elif item.align == RIGHT:
                x -= width
        c = self.canvas
        out = c.beginText(x, self._y(item.y))
        out.setFillGray(item.grey)
        for name, part in chain.runs(item.text):
            out.setFont(name, size)
            out.textOut(part)
        c.drawText(out)

    def qr(self, item: QrItem) -> None:
        c = self.canvas
        name = _qr_xobject(c, item.code)
        side = item.side * mm
        c.saveState()
        c.translate(item.x * mm, self._y(item.y + item.side))
        c.scale(side, side)
        c._code.append(f"/{name} Do")  # noqa: SLF001 - reportlab's way of placing a registered XObject
        c.restoreState()

    def rect(self, item: RectItem) -> None:
        c = self.canvas
        stroke = item.line_width > 0
        fill = item.fill_grey is not None
        if not (stroke or fill):
            return
        c.saveState()
        if stroke:
            c.setLineWidth(item.line_width * mm)
            c.setStrokeGray(item.grey)
        if fill:
            c.setFillGray(item.fill_grey)
        x, y, w, h = item.x * mm, self._y(item.y + item.height), item.width * mm, item.height * mm
        if item.radius > 0:
            c.roundRect(x, y, w, h, item.radius * mm, stroke=int(stroke), fill=int(fill))
        else:
            c.rect(x, y, w, h, stroke=int(stroke), fill=int(fill))
        c.restoreState()

    def lines(self, items: list[LineItem], *, width: float, grey: float, dashed: bool) -> None:
        c = self.canvas
        c.saveState()
        c.setLineWidth(width * mm)
        c.setStrokeGray(grey)
        if dashed:
            c.setDash(1.5 * mm, 1 * mm)
        c.lines([(i.x1 * mm, self._y(i.y1), i.x2 * mm, self._y(i.y2)) for i in items])
        c.restoreState()


def _qr_xobject(c: Canvas, code: QrCode) -> str:
    """The name of the code's image in this document, registered on first use: 1 bit a pixel,
    one pixel a module, the quiet zone included, Flate-compressed."""
    digest = hashlib.sha1(code.modules + code.size.to_bytes(2, "big")).hexdigest()  # noqa: S324 - a name, not security
    doc = c._doc  # noqa: SLF001
    reg_name = doc.getXObjectName(digest)
    if doc.idToObject.get(reg_name) is None:
        image = code.image(quiet_zone=True).convert("1", dither=None)
        obj = pdfdoc.PDFImageXObject(digest)
        obj.width, obj.height = image.size
        obj.bitsPerComponent = 1
        obj.colorSpace = "DeviceGray"
        obj.mask = None
        # PIL '1': rows packed to whole bytes, 1 = white. Binary (no ASCII85: a quarter smaller).
        obj.streamContent = zlib.compress(image.tobytes())
        obj._filters = ("FlateDecode",)  # noqa: SLF001
        c._setXObjects(obj)  # noqa: SLF001
        doc.Reference(obj, reg_name)
        doc.addForm(digest, obj)
    c._currentPageHasImages = 1  # noqa: SLF001
    c._formsinuse.append(digest)  # noqa: SLF001 - the page's resources list it
    return reg_name


@contextmanager
def binary_streams() -> Iterator[None]:
    """Page streams Flate-compressed without reportlab's ASCII85 layer (on by default): a fifth
    smaller and, for 440 pages, 1.8 s less of pure-Python encoding. Binary streams are plain PDF."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def render_badges(
    target: Path, pages: Iterable[PageDrawing], *, total: int, title: str, author: str, subject: str = "",
    progress: Progress = no_progress,
) -> BadgePdfInfo:
    """Write ``pages`` (``total`` of them, for the progress) as a PDF to ``target`` (a path; the
    caller makes it atomic)."""
    chains = {style: fonts.chain(style) for style in (HEI, SONG)}
    canvas = Canvas(str(target), pageCompression=1, initialFontName=chains[HEI].primary, initialFontSize=10)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject or title)
    canvas.setKeywords("防走失二维码")
    canvas.setCreator(f"长山 chang-shan {__version__}")
    canvas.setProducer(f"长山 chang-shan {__version__} (reportlab)")
    drawer = BadgeCanvas(canvas, chains)
    count = 0
    with binary_streams():
        for page in pages:
            drawer.page(page)
            count += 1
            progress(count, total, f"第 {count} 页")
        canvas.save()
    missing = "".join(sorted(set().union(*(chain.missing for chain in chains.values()))))
    return BadgePdfInfo(pages=count, missing_characters=missing)
