"""A report's PDF as pictures: its pages rendered with pypdfium2 (PDFium), for the preview and for
the system printer (PySide6-Essentials has no Qt PDF module).

PDFium may not be used from two threads at once. Every call here runs on the operations' one
worker thread (the dialog submits them through ``Operations.run``), so calls never overlap; a
document is opened, used and closed within one call. A ``QImage`` (not a pixmap, not a widget)
is what crosses back to the GUI thread.

Printing renders each page at the printer's resolution (at most ``MAX_PRINT_DPI``: a 1200-dpi
A4 page in colour would take 400 MB) and paints it onto the ``QPrinter``, the page's proportions
kept, centred on the sheet.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from chang_shan.errors import DomainError
from chang_shan.progress import Progress
from chang_shan.ui.widgets.page_preview import paint_pages

POINTS_PER_INCH = 72.0
MM_PER_POINT = 25.4 / POINTS_PER_INCH
MAX_PRINT_DPI = 600
MAX_PREVIEW_DPI = 600


@dataclass(frozen=True)
class PdfPages:
    """What the preview needs to know of a PDF: where it is and each page's size in points."""

    path: Path
    sizes: tuple[tuple[float, float], ...]

    @property
    def count(self) -> int:
        return len(self.sizes)


def _open(path: Path):  # noqa: ANN202 - a pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise DomainError(f"无法读取报表文件 {path.name}：{exc}") from exc


def _size(pdf, index: int) -> tuple[float, float]:  # noqa: ANN001 - a pypdfium2.PdfDocument
    page = pdf[index]
    try:
        width, height = page.get_size()
    finally:
        page.close()
    return float(width), float(height)


def read_pages(path: Path) -> PdfPages:
    """The page sizes of the PDF at ``path`` (on the worker)."""
    with closing(_open(path)) as pdf:
        return PdfPages(path, tuple(_size(pdf, index) for index in range(len(pdf))))


def _render(pdf, index: int, dpi: float) -> QImage:  # noqa: ANN001 - a pypdfium2.PdfDocument
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True,
                             optimize_mode="print")
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888)
        image = image.copy()  # the pixels are PDFium's until the bitmap is closed
        bitmap.close()
    finally:
        page.close()
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def page_image(path: Path, index: int, dpi: float) -> QImage:
    """Page ``index`` (from 0) of the PDF at ``path`` as an image at ``dpi`` (on the worker)."""
    with closing(_open(path)) as pdf:
        return _render(pdf, index, max(10.0, min(dpi, MAX_PREVIEW_DPI)))


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """The paper of a page (A4, A4 landscape, A5 …) with no margins: the rendered page carries its
    own margins, so it is placed edge to edge as in the PDF."""
    short, long = sorted((width_pt, height_pt))
    size = QPageSize(QSizeF(short, long), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width_pt > height_pt else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def fitted(page: QSizeF, target: QRectF) -> QRectF:
    """``page`` scaled to fit ``target`` with its proportions kept, centred."""
    scale = min(target.width() / page.width(), target.height() / page.height())
    width, height = page.width() * scale, page.height() * scale
    return QRectF(target.x() + (target.width() - width) / 2, target.y() + (target.height() - height) / 2,
                  width, height)


def print_pages(printer: QPrinter, path: Path, progress: Progress) -> int:
    """Every page of the PDF at ``path`` onto ``printer`` (on the worker), one sheet each, rendered
    at the printer's resolution; the number of pages sent. 取消: ``page_preview.PrintCancelled``."""
    dpi = min(float(printer.resolution()), MAX_PRINT_DPI)
    with closing(_open(path)) as pdf:
        def paint(painter: QPainter, index: int, target: QRectF) -> None:
            painter.drawImage(fitted(QSizeF(*_size(pdf, index)), target), _render(pdf, index, dpi))

        return paint_pages(printer, len(pdf), paint, progress)
