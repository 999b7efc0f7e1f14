"""The PDF framework every report uses: embedded fonts, metadata, "第 N 页 共 M 页", tables.

A report is a function ``draw(doc)`` that writes its pages through a ``PdfDocument``:
``doc.text(...)``, ``doc.table(...)``, ``doc.new_page()``. ``render_pdf`` calls it twice, first
to count the pages (nothing is drawn, only measured), then to draw them with the total known
for the footer. A report that reads the database must read the same rows both times: do both
passes in one session (one SQLite read transaction sees one snapshot), streaming its rows.

Text is drawn in runs of one font each (``fonts.FontChain``), so a name with 𠀀 (U+20000) prints
in a font that has it; every font is embedded (subset) and the text stays searchable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from chang_shan import __version__
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import fonts
from chang_shan.reports.fonts import HEI, SONG, FontChain

LEFT, CENTER, RIGHT = "left", "center", "right"
ELLIPSIS = "…"


@dataclass(frozen=True)
class PageSetup:
    size: tuple[float, float] = landscape(A4)
    left: float = 15 * mm
    right: float = 15 * mm
    top: float = 14 * mm
    bottom: float = 16 * mm  # the footer sits inside the bottom margin
    footer_size: float = 9
    # Draws a page's own footer instead of "第 N 页 共 M 页" (e.g. GB/T 9704 page numbers, formal.py).
    footer: Callable[[PdfDocument], None] | None = None


PORTRAIT = PageSetup(size=A4, left=20 * mm, right=20 * mm, top=18 * mm, bottom=18 * mm)
LANDSCAPE = PageSetup()


class PdfDocument:
    """The pages of one report (``counting``: the first pass, which only measures)."""

    def __init__(
        self, canvas: Canvas | None, setup: PageSetup, chains: dict[str, FontChain], *,
        total_pages: int | None, progress: Progress = no_progress,
    ) -> None:
        self._canvas = canvas
        self.setup = setup
        self.chains = chains
        self.total_pages = total_pages
        self.page_number = 1
        self._page_open = True
        self._progress = progress

    # --- geometry ---------------------------------------------------------------------------------

    @property
    def counting(self) -> bool:
        return self._canvas is None

    @property
    def page_width(self) -> float:
        return self.setup.size[0]

    @property
    def page_height(self) -> float:
        return self.setup.size[1]

    @property
    def left(self) -> float:
        return self.setup.left

    @property
    def right(self) -> float:
        return self.page_width - self.setup.right

    @property
    def top(self) -> float:
        return self.page_height - self.setup.top

    @property
    def bottom(self) -> float:
        return self.setup.bottom

    @property
    def frame_width(self) -> float:
        return self.right - self.left

    # --- pages ------------------------------------------------------------------------------------

    def new_page(self) -> None:
        self._finish_page()
        self.page_number += 1
        self._page_open = True

    def _finish_page(self) -> None:
        if not self._page_open:
            return
        if self._canvas is not None:
            if self.setup.footer is not None:
                self.setup.footer(self)
            else:
                footer = f"第 {self.page_number} 页 共 {self.total_pages} 页"
                self.text(self.page_width / 2, self.setup.bottom / 2, footer, size=self.setup.footer_size,
                          align=CENTER)
            self._canvas.showPage()
        self._page_open = False

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report progress of this pass; the two passes share one bar (counting is its first half)."""
        offset = 0 if self.counting else total
        self._progress(offset + done, 2 * total, text)

    # --- text -------------------------------------------------------------------------------------

    def chain(self, style: str) -> FontChain:
        return self.chains[style]

    def width(self, text: str, size: float, style: str = SONG, *, char_space: float = 0.0) -> float:
        return self.chains[style].width(text, size) + char_space * len(text)

    def text(self, x: float, y: float, text: str, *, size: float, style: str = SONG, align: str = LEFT,
             char_space: float = 0.0) -> float:
        """Draw one line with its baseline at ``y``; returns its width. ``char_space``: points added
        after every character (negative: set tighter, as a 28-character line of GB/T 9704 is)."""
        chain = self.chains[style]
        width = chain.width(text, size) + char_space * len(text)
        if self._canvas is None or not text:
            return width
        if align == CENTER:
            x -= width / 2
        elif align == RIGHT:
            x -= width
        out = self._canvas.beginText(x, y)
        if char_space:
            out.setCharSpace(char_space)
        for name, part in chain.runs(text):
            out.setFont(name, size)
            out.textOut(part)
        if char_space:  # Tc is page state in PDF: it would carry into every later line of the page
            out.setCharSpace(0)
        self._canvas.drawText(out)
        return width

    def fit_lines(
        self, text: str, max_width: float, *, size: float, min_size: float, max_lines: int = 2, style: str = SONG,
    ) -> tuple[float, list[str]]:
        """The largest size from ``size`` down to ``min_size`` at which ``text`` fits on one line;
        else wrapped (character by character: Chinese has no spaces) in up to ``max_lines`` lines
        at ``min_size``, the last cut with "…" when even that is too little."""
        chain = self.chains[style]
        text = " ".join(text.split())
        current = size
        while current >= min_size - 1e-6:
            if chain.width(text, current) <= max_width:
                return current, [text]
            current -= 0.5
        lines: list[str] = []
        rest = text
        while rest and len(lines) < max_lines:
            cut = _fitting_prefix(chain, rest, max_width, min_size)
            if len(lines) == max_lines - 1 and cut < len(rest):
                cut = _fitting_prefix(chain, rest, max_width - chain.width(ELLIPSIS, min_size), min_size)
                lines.append(rest[:cut].rstrip() + ELLIPSIS)
                rest = ""
                break
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        return min_size, lines

    # --- lines and shapes -------------------------------------------------------------------------

    def ellipse(self, x: float, y: float, w: float, h: float, *, stroke_width: float = 0.7) -> None:
        """An ellipse in the box whose bottom left is (x, y): a ticked answer circled, as on paper."""
        if self._canvas is not None:
            c = self._canvas
            c.saveState()
            c.setLineWidth(stroke_width)
            c.ellipse(x, y, x + w, y + h, stroke=1, fill=0)
            c.restoreState()

    def graphic(self, drawing: Drawing, x: float, y: float) -> None:
        """A reportlab.graphics ``Drawing`` (a chart) with its bottom left corner at (x, y)."""
        if self._canvas is not None:
            renderPDF.draw(drawing, self._canvas, x, y)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5, gray: float = 0.0) -> None:
        if self._canvas is None:
            return
        c = self._canvas
        c.saveState()
        c.setLineWidth(width)
        c.setStrokeGray(gray)
        c.line(x1, y1, x2, y2)
        c.restoreState()

    def rect(self, x: float, y: float, w: float, h: float, *, fill_gray: float | None = None,
             stroke_width: float = 0.0, stroke_gray: float = 0.0) -> None:
        if self._canvas is None:
            return
        c = self._canvas
        c.saveState()
        if fill_gray is not None:
            c.setFillGray(fill_gray)
        if stroke_width:
            c.setLineWidth(stroke_width)
            c.setStrokeGray(stroke_gray)
        c.rect(x, y, w, h, stroke=1 if stroke_width else 0, fill=1 if fill_gray is not None else 0)
        c.restoreState()


def _fitting_prefix(chain: FontChain, text: str, max_width: float, size: float) -> int:
    """How many leading characters of ``text`` fit in ``max_width`` (at least one)."""
    width = 0.0
    for i, char in enumerate(text):
        width += chain.width(char, size)
        if width > max_width:
            return max(i, 1)
    return len(text)


# --- tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    weight: float  # share of the table's width
    align: str = LEFT


class Table:
    """A ruled table with fixed-height rows, its header repeated on every page it runs onto.

    ``row`` draws one row, starting a new page (and calling ``on_new_page``, then repeating the
    header) when it does not fit. Cell text shrinks, then wraps into two lines, never overflows.
    """

    def __init__(
        self, doc: PdfDocument, columns: Sequence[Column], *, size: float = 9, min_size: float = 6.5,
        row_height: float | None = None, header_height: float | None = None, style: str = SONG,
        header_style: str = HEI, on_new_page: Callable[[PdfDocument], float] | None = None,
        after_header: Callable[[float], float] | None = None,
    ) -> None:
        self.doc = doc
        self.columns = list(columns)
        total = sum(c.weight for c in self.columns)
        self.widths = [doc.frame_width * c.weight / total for c in self.columns]
        self.size = size
        self.min_size = min_size
        self.row_height = row_height or round(size * 2.1, 1)
        self.header_height = header_height or self.row_height
        self.style = style
        self.header_style = header_style
        self.on_new_page = on_new_page
        self.after_header = after_header
        self.padding = 2.2
        self.rows_drawn = 0

    def header(self, y: float) -> float:
        doc = self.doc
        doc.rect(doc.left, y - self.header_height, doc.frame_width, self.header_height, fill_gray=0.88)
        self._cells(y, self.header_height, [c.title for c in self.columns], style=self.header_style,
                    aligns=[CENTER] * len(self.columns))
        self._rules(y, self.header_height, width=0.8)
        return y - self.header_height

    def fits(self, y: float, height: float | None = None) -> bool:
        return y - (height or self.row_height) >= self.doc.bottom

    def ensure_room(self, y: float, height: float | None = None) -> float:
        """``y`` itself when ``height`` fits above the bottom margin; else the top of a new page
        (after ``on_new_page``, the repeated header and ``after_header``, e.g. a "（续）" band)."""
        if self.fits(y, height):
            return y
        self.doc.new_page()
        y = self.on_new_page(self.doc) if self.on_new_page else self.doc.top
        y = self.header(y)
        return self.after_header(y) if self.after_header else y

    def row(self, y: float, values: Sequence[str], *, shade: bool = False) -> float:
        y = self.ensure_room(y)
        doc = self.doc
        if shade:
            doc.rect(doc.left, y - self.row_height, doc.frame_width, self.row_height, fill_gray=0.96)
        self._cells(y, self.row_height, values, style=self.style, aligns=[c.align for c in self.columns])
        self._rules(y, self.row_height, width=0.4)
        self.rows_drawn += 1
        return y - self.row_height

    def band(self, y: float, text: str, *, height: float | None = None) -> float:
        """A full-width band (a group heading such as 3号楼2单元), kept with at least one row."""
        height = height or self.row_height
        y = self.ensure_room(y, height + self.row_height)
        doc = self.doc
        doc.rect(doc.left, y - height, doc.frame_width, height, fill_gray=0.93, stroke_width=0.4)
        size = self.size
        doc.text(doc.left + self.padding * 2, y - height / 2 - size * 0.35, text, size=size, style=self.header_style)
        return y - height

    def _cells(self, y: float, height: float, values: Sequence[str], *, style: str, aligns: Sequence[str]) -> None:
        doc = self.doc
        if doc.counting:
            return
        x = doc.left
        for value, width, align in zip(values, self.widths, aligns, strict=True):
            inner = width - 2 * self.padding
            size, lines = doc.fit_lines(str(value or ""), inner, size=self.size, min_size=self.min_size,
                                        style=style)
            leading = size * 1.15
            # vertically centred: the block of lines around the row's middle
            first = y - height / 2 + (len(lines) - 1) * leading / 2 - size * 0.35
            for i, line in enumerate(lines):
                tx = x + self.padding if align == LEFT else (x + width / 2 if align == CENTER else x + width - self.padding)
                doc.text(tx, first - i * leading, line, size=size, style=style, align=align)
            x += width

    def _rules(self, y: float, height: float, *, width: float) -> None:
        doc = self.doc
        if doc.counting:
            return
        doc.line(doc.left, y - height, doc.right, y - height, width=width)
        doc.line(doc.left, y, doc.right, y, width=width)
        x = doc.left
        for w in [0.0, *self.widths]:
            x += w
            doc.line(x, y, x, y - height, width=0.4)


# --- rendering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    missing_characters: str  # characters no installed font has (printed as boxes)
    fonts: tuple[str, ...]  # the fonts of the chains, in fallback order


def render_pdf(
    target: Path, draw: Callable[[PdfDocument], None], *, title: str, author: str, subject: str = "",
    setup: PageSetup = LANDSCAPE, styles: Sequence[str] = (SONG, HEI), progress: Progress = no_progress,
) -> PdfInfo:
    """Write the PDF to ``target`` (a path; the caller makes it atomic): ``draw`` runs twice."""
    chains = {style: fonts.chain(style) for style in styles}
    counter = PdfDocument(None, setup, chains, total_pages=None, progress=progress)
    draw(counter)
    counter._finish_page()
    total = counter.page_number

    first_chain = chains[styles[0]]
    canvas = Canvas(str(target), pagesize=setup.size, pageCompression=1, initialFontName=first_chain.primary,
                    initialFontSize=10)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject or title)
    canvas.setCreator(f"长山 chang-shan {__version__}")
    canvas.setProducer(f"长山 chang-shan {__version__} (reportlab)")
    doc = PdfDocument(canvas, setup, chains, total_pages=total, progress=progress)
    draw(doc)
    doc._finish_page()
    if doc.page_number != total:  # a report that reads different rows in its two passes
        raise RuntimeError(f"the report drew {doc.page_number} pages after counting {total}")
    canvas.save()
    missing = "".join(sorted(set().union(*(c.missing for c in chains.values()))))
    return PdfInfo(pages=doc.page_number, missing_characters=missing,
                   fonts=tuple(dict.fromkeys(label for c in chains.values() for label in c.labels)))
