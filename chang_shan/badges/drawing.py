"""A badge page as plain drawing items, in millimetres from the page's top-left corner (y grows
downwards). The layouts (``layouts.py``) produce these; the PDF renderer
(``chang_shan/reports/badges.py``, reportlab) and the Qt renderer (``chang_shan/ui/badges/painter.py``:
preview and the system print dialog) both draw exactly these items, so the preview, the printer
and the PDF agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chang_shan.badges.qr import QrCode

LEFT, CENTER, RIGHT = "left", "center", "right"
SONG, HEI = "song", "hei"  # the font styles of chang_shan.reports.fonts


@dataclass(frozen=True)
class TextItem:
    """One line of text; ``y`` is its baseline. ``max_width`` (mm): shrink the size until it fits."""

    x: float
    y: float
    text: str
    size: float  # points
    style: str = HEI
    align: str = LEFT
    max_width: float | None = None
    grey: float = 0.0  # 0 black … 1 white


@dataclass(frozen=True)
class ImageItem:
    """A photo file drawn into the box (already cropped to the box's proportions)."""

    x: float
    y: float
    width: float
    height: float
    path: str


@dataclass(frozen=True)
class QrItem:
    """A QR code drawn ``side`` mm wide, quiet zone included (``code.side_modules`` modules)."""

    x: float
    y: float
    side: float
    code: QrCode


@dataclass(frozen=True)
class LineItem:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.2  # mm
    grey: float = 0.0
    dashed: bool = False


@dataclass(frozen=True)
class RectItem:
    x: float
    y: float
    width: float
    height: float
    line_width: float = 0.2  # mm; 0: no outline
    grey: float = 0.6
    radius: float = 0.0  # mm, rounded corners
    fill_grey: float | None = None  # None: not filled


Item = TextItem | ImageItem | QrItem | LineItem | RectItem


@dataclass
class PageDrawing:
    width: float  # mm
    height: float  # mm
    items: list[Item] = field(default_factory=list)
    badges: tuple[int, ...] = ()  # resident ids of the badges on this page, in order
