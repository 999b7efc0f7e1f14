"""Formal documents (公文) laid out as GB/T 9704-2012 says, and the 人口统计情况报告 written with it.

The layout (``FORMAL``): A4; top margin (天头) 37 mm, binding margin (订口, left) 28 mm, a text
block (版心) of 156 × 225 mm; the body in 3号 (16 pt) 仿宋-style type on a grid of 22 lines of 28
characters that fills the block — the first line's em box touches its top, the 22nd's its bottom,
and a full line runs from its left edge to its right (characters set 0.2 pt tighter than 16 pt,
and a line with half-width digits spread to the edge). The title is 2号 (22 pt), 小标宋-style
(黑体 here: no free 小标宋 exists), centred; page numbers are 4号 (14 pt) half-width digits
between two 一字线, "— 1 —", 7 mm below the block, odd pages on the right and even pages on the
left, one character in. Fonts: the ``FANGSONG`` chain (Windows 仿宋 simfang.ttf; elsewhere the
first font of the chain that exists), always embedded.

A formal document is a list of blocks — ``Title``, ``Addressee``, ``Heading``, ``Paragraph``,
``Closing`` — drawn by ``draw_formal``; a new formal report is a function returning its blocks
(see ``statistics_report``) and a ``build`` calling ``render_formal``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import date as Day  # ``date`` is also the name of build()'s option
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import population_stats as stats
from chang_shan.reports.fonts import FANGSONG, HEI, SONG
from chang_shan.reports.pdf_base import PageSetup, PdfDocument, PdfInfo, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.settings import get_setting

# --- GB/T 9704-2012 ------------------------------------------------------------------------------

TOP, BINDING = 37 * mm, 28 * mm
BLOCK_WIDTH, BLOCK_HEIGHT = 156 * mm, 225 * mm
LINES, CHARS = 22, 28
BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE = 16.0, 22.0, 14.0  # 3号, 2号, 4号
PITCH = (BLOCK_HEIGHT - BODY_SIZE) / (LINES - 1)  # baseline to baseline: 29.6 pt (a 3号 character + 7/8 of one)
CHAR_PITCH = BLOCK_WIDTH / CHARS  # 15.79 pt
CHAR_SPACE = CHAR_PITCH - BODY_SIZE  # −0.21 pt
PAGE_NUMBER_DROP = 7 * mm  # from the block's bottom edge down to the 一字线
DASH = "—"  # 一字线 (U+2014, full width in CJK fonts)
CLOSING_LINES = 3  # a blank line, the 署名, the 成文日期
CLOSING_INDENT = 2  # characters: 署名 and 成文日期 right-indented (printed without a seal, 7.3.5.2)


def ascent(font_name: str | None) -> float:
    """The share of the em box above the baseline in a font (0.8 in most CJK fonts, 0.88 in UMing)."""
    try:
        face = pdfmetrics.getFont(font_name or "").face
        return face.ascent / (face.ascent - face.descent)
    except (KeyError, AttributeError, ZeroDivisionError):
        return 0.8


def page_number_text(number: int) -> str:
    return f"{DASH} {number} {DASH}"


def _page_number(doc: PdfDocument) -> None:
    """— N —: odd pages right, even pages left, one 4号 character in; the dash 7 mm below the block."""
    text = page_number_text(doc.page_number)
    y = doc.bottom - PAGE_NUMBER_DROP - PAGE_NUMBER_SIZE * 0.3  # the dash sits ~0.3 em above the baseline
    if doc.page_number % 2:
        doc.text(doc.right - PAGE_NUMBER_SIZE, y, text, size=PAGE_NUMBER_SIZE, style=SONG, align="right")
    else:
        doc.text(doc.left + PAGE_NUMBER_SIZE, y, text, size=PAGE_NUMBER_SIZE, style=SONG)


FORMAL = PageSetup(
    size=A4, left=BINDING, right=A4[0] - BINDING - BLOCK_WIDTH, top=TOP, bottom=A4[1] - TOP - BLOCK_HEIGHT,
    footer=_page_number,
)


# --- blocks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Addressee:
    """主送机关: flush left on the line below the title's blank line, ending in a full-width colon."""

    text: str


@dataclass(frozen=True)
class Heading:
    """一级 "一、" (黑体) or 二级 "（一）" (楷体-style: the 仿宋 chain here), two characters in."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    keep: int = 0  # lines that must follow on the same page (特此报告 stays with the 落款)


@dataclass(frozen=True)
class Closing:
    """落款 of a document printed without a seal: one line free, the 署名, the 成文日期 below."""

    signer: str
    on: date


Block = Title | Addressee | Heading | Paragraph | Closing


def date_text(on: date) -> str:
    """成文日期 in Arabic numerals without padding: 2026年5月1日."""
    return f"{on.year}年{on.month}月{on.day}日"


# --- setting text on the grid ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[0-9A-Za-z.%+\-/:]+|.", re.S)  # a number or word stays on one line
_NO_LINE_START = set("，。、；：？！）》」』】”’%…·")
_NO_LINE_END = set("（《「『【“‘")


class Writer:
    """Sets blocks on the 22-line grid of ``doc``'s pages, a new page when the grid is full."""

    def __init__(self, doc: PdfDocument) -> None:
        self.doc = doc
        self.line = 0  # the next free line of the page

    def baseline(self, line: int, size: float = BODY_SIZE, style: str = FANGSONG) -> float:
        """The baseline of the grid line ``line`` (0–21) for text of ``size``: its em box's top on
        the line's top (a 2号 title stays inside the block and reaches into the space below)."""
        return self.doc.top - line * PITCH - size * ascent(self.doc.chain(style).primary)

    def next_line(self) -> int:
        if self.line >= LINES:
            self.doc.new_page()
            self.line = 0
        line = self.line
        self.line += 1
        return line

    def skip(self, lines: int = 1) -> None:
        """Blank lines — none at the top of a page."""
        if self.line:
            self.line = min(LINES, self.line + lines)

    def wrap(self, text: str, *, size: float, style: str, first_indent: float, width: float,
             space: float = CHAR_SPACE) -> list[str]:
        """Lines of ``text`` at most ``width`` wide (the first ``first_indent`` narrower), characters
        ``space`` apart, keeping numbers whole and closing punctuation off a line's start."""
        doc = self.doc
        lines: list[str] = []
        current: list[str] = []  # the tokens of the line being filled
        used, limit = 0.0, width - first_indent
        for token in _TOKEN.findall(" ".join(text.split())):
            w = doc.width(token, size, style, char_space=space)
            if current and used + w > limit + 0.01:
                carried = [token]
                # a line never starts with a closing mark nor ends with an opening one: carry tokens down
                while len(current) > 1 and (carried[0][0] in _NO_LINE_START or current[-1][-1] in _NO_LINE_END):
                    carried.insert(0, current.pop())
                lines.append("".join(current))
                current, limit = carried[:-1], width
                used = sum(doc.width(t, size, style, char_space=space) for t in current)
            current.append(token)
            used += w
        if current:
            lines.append("".join(current))
        return lines

    def set_lines(self, lines: Sequence[str], *, size: float, style: str, first_indent: float,
                  justify: bool) -> None:
        """Each line on the next grid line, all but the last of a paragraph spread to the right edge."""
        doc = self.doc
        for i, text in enumerate(lines):
            line = self.next_line()
            x = doc.left + (first_indent if i == 0 else 0)
            space = CHAR_SPACE
            if justify and i < len(lines) - 1 and len(text) > 1:  # the glyphs end on the block's right edge
                space = (doc.right - x - doc.width(text, size, style)) / (len(text) - 1)
            doc.text(x, self.baseline(line, size, style), text, size=size, style=style, char_space=space)

    def title(self, block: Title) -> None:
        lines = self.wrap(block.text, size=TITLE_SIZE, style=HEI, first_indent=0, width=BLOCK_WIDTH, space=0.0)
        for text in lines:
            line = self.next_line()
            self.doc.text((self.doc.left + self.doc.right) / 2, self.baseline(line, TITLE_SIZE, HEI), text,
                          size=TITLE_SIZE, style=HEI, align="center")
        self.skip()

    def paragraph(self, text: str, *, style: str = FANGSONG, indent: int = 2, keep: int = 0) -> None:
        first = indent * CHAR_PITCH
        lines = self.wrap(text, size=BODY_SIZE, style=style, first_indent=first, width=BLOCK_WIDTH)
        if keep and self.line + len(lines) + keep > LINES >= len(lines) + keep:
            self.line = LINES  # all of it on the next page, with what it keeps
        self.set_lines(lines, size=BODY_SIZE, style=style, first_indent=first, justify=True)

    def closing(self, block: Closing) -> None:
        doc = self.doc
        self.skip()
        signer, when = block.signer, date_text(block.on)
        w_signer = doc.width(signer, BODY_SIZE, FANGSONG, char_space=CHAR_SPACE) - CHAR_SPACE
        w_date = doc.width(when, BODY_SIZE, FANGSONG, char_space=CHAR_SPACE) - CHAR_SPACE
        end = doc.right - CLOSING_INDENT * CHAR_PITCH
        signer_x = end - w_signer
        date_x = signer_x + CLOSING_INDENT * CHAR_PITCH
        if date_x + w_date > end:  # the date is longer: it keeps its two characters, the signer moves left
            date_x = end - w_date
            signer_x = date_x - CLOSING_INDENT * CHAR_PITCH
        if self.line > LINES - 2:  # 署名 and 日期 stay together
            self.line = LINES
        for x, text in ((signer_x, signer), (date_x, when)):
            doc.text(x, self.baseline(self.next_line()), text, size=BODY_SIZE, style=FANGSONG, char_space=CHAR_SPACE)

    def block(self, block: Block) -> None:
        if isinstance(block, Title):
            self.title(block)
        elif isinstance(block, Addressee):
            text = block.text if block.text.endswith("：") else block.text + "："
            self.paragraph(text, indent=0)
        elif isinstance(block, Heading):
            self.paragraph(block.text, style=HEI if block.level == 1 else FANGSONG)
        elif isinstance(block, Paragraph):
            self.paragraph(block.text, keep=block.keep)
        elif isinstance(block, Closing):
            self.closing(block)
        else:  # pragma: no cover - a new block kind must be set here
            raise TypeError(f"unknown block {block!r}")


def draw_formal(doc: PdfDocument, blocks: Sequence[Block]) -> None:
    writer = Writer(doc)
    for block in blocks:
        writer.block(block)


def render_formal(target: Path, blocks: Sequence[Block], *, title: str, author: str, subject: str = "",
                  progress: Progress = no_progress) -> PdfInfo:
    """Write ``blocks`` as a GB/T 9704 document (fonts: 仿宋 chain, 黑体 for titles, 宋体 for page numbers)."""
    return render_pdf(target, lambda doc: draw_formal(doc, blocks), title=title, author=author, subject=subject,
                      setup=FORMAL, styles=(FANGSONG, HEI, SONG), progress=progress)


# --- 人口统计情况报告 -------------------------------------------------------------------------------------

NAME = "population_report"
TITLE = "人口统计情况报告"
DEFAULT_ADDRESSEE = "街道办事处"


def _share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "0%"


def statistics_report(s: stats.PopulationStats, *, community: str, addressee: str, on: date) -> list[Block]:
    """The report's blocks: the figures of ``s`` in sentences."""
    total = s.total
    who = community or "本社区"
    bands = total.bands
    blocks: list[Block] = [
        Title(f"{who}关于{s.scope_label if s.scope_label != '全部网格' else ''}人口统计情况的报告"),
        Addressee(addressee),
        Paragraph(f"根据居民信息数据库，截至{date_text(on)}，现将{who}{'' if s.scope_label == '全部网格' else s.scope_label}"
                  f"人口统计情况报告如下："),
        Heading("一、基本情况"),
        Paragraph(f"{who}共有在册居民{total.residents}人，{total.households}户，分布在{len(s.grids)}个网格、"
                  f"{s.building_count}个楼栋（片区）；其中党员家庭户{total.party_households}户，"
                  f"占{_share(total.party_households, total.households)}。"),
        Heading("二、年龄结构"),
        Paragraph(f"0至17岁{bands['0-17']}人，占{_share(bands['0-17'], total.residents)}；"
                  f"18至59岁{bands['18-59']}人，占{_share(bands['18-59'], total.residents)}；"
                  f"60至79岁{bands['60-79']}人，占{_share(bands['60-79'], total.residents)}；"
                  f"80岁及以上{bands['80+']}人，占{_share(bands['80+'], total.residents)}"
                  + (f"；出生日期不详{bands['?']}人" if bands.get("?") else "")
                  + f"。60岁及以上老年人共{total.aged_60}人，占在册居民的{_share(total.aged_60, total.residents)}，"
                  + ("已进入深度老龄化。" if total.residents and total.aged_60 * 5 >= total.residents else "需持续关注。")),
        Heading("三、各网格情况"),
    ]
    for grid in s.grids:
        blocks.append(Paragraph(
            f"{grid.grid}：在册居民{grid.residents}人，{grid.households}户，60岁及以上{grid.aged_60}人"
            f"（占{_share(grid.aged_60, grid.residents)}），80岁及以上{grid.bands['80+']}人，党员家庭户{grid.party_households}户。"))
    groups = "，".join(f"{name}{count}人" for name, count in total.groups.items() if count)
    blocks += [
        Heading("四、特殊人群"),
        Paragraph(f"登记在册的特殊人群：{groups}。" if groups else "目前没有登记在册的特殊人群。"),
        Paragraph("社区将继续做好居民信息的动态更新，重点关注独居、空巢和高龄老人，落实包保走访责任。"),
        Paragraph("特此报告。", keep=CLOSING_LINES),
        Closing(who, on),
    ]
    return blocks


def build(db: Database, out: str | Path, *, grid: str | None = None, date: Day | None = None,  # noqa: A002
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report population_report [--grid CODE] [--date YYYY-MM-DD]``: to the street office."""
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        s = stats.collect(session, grid=grid, on=on)
        community = str(get_setting(session, "office.community_name") or "")
        blocks = statistics_report(s, community=community, addressee=DEFAULT_ADDRESSEE, on=on)
        info = render_formal(target, blocks, title=f"{community}{TITLE}（{s.scope_label}）",
                             author=actor.display_name or actor.username, subject=TITLE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, s.total.residents, info.missing_characters, s.scope_label)
        return result, {"scope": s.scope_label, "date": on.isoformat()}

    return audited_pdf(db, out, TITLE, make)
