"""Drawing a badge page (``chang_shan.badges.drawing.PageDrawing``) with QPainter: the preview of
the print dialog (``page_image``) and the system print dialog's printer (``paint_page`` on a
QPrinter). The PDF renderer (``chang_shan/reports/badges.py``, reportlab) draws the same items, so
what the preview shows is what the PDF and the printer give.

- Millimetres from the page's top-left corner become device units of ``target`` (the page keeps
  its proportions, centred in ``target``).
- Text is drawn in the fonts the PDF uses (``chang_shan.reports.fonts.discover``: 黑体/宋体 first,
  then the fonts with CJK Extension B such as 花園明朝 B for 𠀀), registered with Qt once, and Qt
  falls back per character along that list. Sizes are exact (no rounding to whole pixels): the
  text is drawn at a 100-pixel font under a scale.
- A QR code is a 1-module-per-pixel QImage drawn into its square without smoothing, so its
  modules stay sharp-edged at any resolution (a blurred QR scans badly).
- A photo is drawn smoothly; a photo file that has gone missing leaves a light grey box.

Painting does not need the GUI thread (QPainter on a QImage or a QPrinter may run on the worker);
``register_fonts`` must have run on the GUI thread first (the dialog calls it).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QPainter, QPen

from chang_shan.badges.drawing import (
    CENTER,
    HEI,
    RIGHT,
    SONG,
    ImageItem,
    Item,
    LineItem,
    PageDrawing,
    QrItem,
    RectItem,
    TextItem,
)
from chang_shan.badges.qr import QrCode

MM_PER_POINT = 25.4 / 72
MM_PER_INCH = 25.4
_BASE_PIXELS = 100  # text is laid out at this pixel size, then scaled to the exact size
_MIN_SHRINK = 0.5  # a line with max_width is made at most this much smaller (then it is clipped)

# Generic families tried after the PDF's fonts (a machine without any of them still shows text).
_GENERIC = {HEI: ("Noto Sans CJK SC", "Microsoft YaHei", "SimHei"), SONG: ("Noto Serif CJK SC", "SimSun")}
_GROUP_ORDER = {HEI: ("hei", "song", "fangsong", "ext"), SONG: ("song", "hei", "fangsong", "ext")}

_lock = threading.Lock()
_families: dict[str, tuple[str, ...]] = {}


def register_fonts() -> dict[str, tuple[str, ...]]:
    """Make the PDF's fonts known to Qt (once; on the GUI thread) and return, per style, the
    families in fallback order."""
    with _lock:
        if _families:
            return _families
        from chang_shan.reports.fonts import discover

        by_group: dict[str, list[str]] = {}
        for found in discover():
            font_id = QFontDatabase.addApplicationFont(str(found.path))
            names = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if names:  # a .ttc lists every face: 'AR PL UMing CN' … — the plain name is the shortest
                family = min(names, key=len)
                if family not in by_group.setdefault(found.group, []):
                    by_group[found.group].append(family)
        for style, groups in _GROUP_ORDER.items():
            chain = [family for group in groups for family in by_group.get(group, [])]
            chain += [family for family in _GENERIC[style] if family not in chain]
            _families[style] = tuple(chain)
        return _families


@lru_cache(maxsize=8)
def _base_font(style: str) -> QFont:
    families = register_fonts()
    font = QFont()
    font.setFamilies(list(families.get(style, families[HEI])))
    font.setPixelSize(_BASE_PIXELS)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # hinted outlines scale unevenly
    font.setStyleStrategy(QFont.StyleStrategy.PreferOutline)
    return font


def text_width_mm(text: str, size: float, style: str = HEI) -> float:
    """How wide ``text`` is at ``size`` points, in mm, as this painter draws it."""
    advance = QFontMetricsF(_base_font(style)).horizontalAdvance(text)
    return advance / _BASE_PIXELS * size * MM_PER_POINT


def _grey(value: float) -> QColor:
    level = min(1.0, max(0.0, value))
    return QColor.fromRgbF(level, level, level)


def qr_image(code: QrCode) -> QImage:
    """The code with its quiet zone, one pixel a module (8-bit grey: 0 dark, 255 light)."""
    side = code.side_modules
    raw = code.image(quiet_zone=True).tobytes()
    return QImage(raw, side, side, side, QImage.Format.Format_Grayscale8).copy()  # copy: own the bytes


class _Page:
    """Millimetres → device units of the target rectangle (proportions kept, centred)."""

    def __init__(self, page: PageDrawing, target: QRectF) -> None:
        self.scale = min(target.width() / page.width, target.height() / page.height)
        self.left = target.x() + (target.width() - page.width * self.scale) / 2
        self.top = target.y() + (target.height() - page.height * self.scale) / 2

    def point(self, x: float, y: float) -> QPointF:
        return QPointF(self.left + x * self.scale, self.top + y * self.scale)

    def rect(self, x: float, y: float, width: float, height: float) -> QRectF:
        return QRectF(self.left + x * self.scale, self.top + y * self.scale, width * self.scale, height * self.scale)


def paint_page(painter: QPainter, page: PageDrawing, target: QRectF) -> None:
    """Draw ``page``'s items into ``target`` (device units of the painter's device)."""
    register_fonts()
    frame = _Page(page, target)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(frame.rect(0, 0, page.width, page.height), Qt.GlobalColor.white)
        for item in page.items:
            _draw(painter, frame, item)
    finally:
        painter.restore()


def _draw(painter: QPainter, frame: _Page, item: Item) -> None:
    if isinstance(item, TextItem):
        _draw_text(painter, frame, item)
    elif isinstance(item, QrItem):
        _draw_qr(painter, frame, item)
    elif isinstance(item, ImageItem):
        _draw_image(painter, frame, item)
    elif isinstance(item, LineItem):
        pen = QPen(_grey(item.grey), max(item.width * frame.scale, 0.5))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if item.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(frame.point(item.x1, item.y1), frame.point(item.x2, item.y2))
    elif isinstance(item, RectItem):
        _draw_rect(painter, frame, item)


def _draw_text(painter: QPainter, frame: _Page, item: TextItem) -> None:
    if not item.text:
        return
    font = _base_font(item.style if item.style in (HEI, SONG) else HEI)
    natural = QFontMetricsF(font).horizontalAdvance(item.text) / _BASE_PIXELS * item.size * MM_PER_POINT
    size = item.size
    if item.max_width is not None and natural > item.max_width > 0:
        size = max(item.size * _MIN_SHRINK, item.size * item.max_width / natural)
    width = natural * size / item.size
    x = item.x - width / 2 if item.align == CENTER else item.x - width if item.align == RIGHT else item.x
    pixels = size * MM_PER_POINT * frame.scale  # the font's size in device units
    painter.save()
    if item.max_width is not None:  # never past the room it was given, even at the smallest size
        left = item.x - item.max_width / 2 if item.align == CENTER else \
            item.x - item.max_width if item.align == RIGHT else item.x
        painter.setClipRect(frame.rect(left, item.y - size * MM_PER_POINT * 1.2, item.max_width,
                                       size * MM_PER_POINT * 1.6))
    painter.translate(frame.point(x, item.y))
    painter.scale(pixels / _BASE_PIXELS, pixels / _BASE_PIXELS)
    painter.setFont(font)
    painter.setPen(_grey(item.grey))
    painter.drawText(QPointF(0, 0), item.text)
    painter.restore()


def _draw_qr(painter: QPainter, frame: _Page, item: QrItem) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.drawImage(frame.rect(item.x, item.y, item.side, item.side), qr_image(item.code))
    painter.restore()


def _draw_image(painter: QPainter, frame: _Page, item: ImageItem) -> None:
    box = frame.rect(item.x, item.y, item.width, item.height)
    image = QImage(item.path)
    if image.isNull():  # the file went missing since the batch was prepared
        painter.fillRect(box, _grey(0.92))
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(box, image)
    painter.restore()


def _draw_rect(painter: QPainter, frame: _Page, item: RectItem) -> None:
    box = frame.rect(item.x, item.y, item.width, item.height)
    if item.line_width > 0:
        pen = QPen(_grey(item.grey), max(item.line_width * frame.scale, 0.5))
        painter.setPen(pen)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
    if item.fill_grey is not None:
        painter.setBrush(_grey(item.fill_grey))
    else:
        painter.setBrush(Qt.BrushStyle.NoBrush)
    if item.radius > 0:
        radius = item.radius * frame.scale
        painter.drawRoundedRect(box, radius, radius)
    else:
        painter.drawRect(box)


def page_image(page: PageDrawing, dpi: float) -> QImage:
    """``page`` as a white image at ``dpi`` (the print dialog's preview)."""
    width = max(1, round(page.width / MM_PER_INCH * dpi))
    height = max(1, round(page.height / MM_PER_INCH * dpi))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        paint_page(painter, page, QRectF(0, 0, width, height))
    finally:
        painter.end()
    return image
