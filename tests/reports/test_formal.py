"""The GB/T 9704-2012 layout and the 人口统计情况报告: page and text block geometry measured from the
drawn text (pdftotext -bbox), 22 lines of at most 28 characters, page numbers "— N —" on
alternating sides 7 mm below the block, the 落款, fonts embedded, rare characters, permissions."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.population import places
from chang_shan.reports import fonts, formal, registry
from chang_shan.reports.pdf_base import PdfDocument
from chang_shan.settings import set_setting
from tests.exports.people import RARE_NAME, Town, as_user, build_town, events
from tests.reports.test_roster import pdffonts, pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)
LEFT, RIGHT = 28 * mm, 184 * mm  # the text block: 28 mm from the left edge, 156 mm wide
TOP, BOTTOM = 37 * mm, 262 * mm  # 37 mm from the top, 225 mm high (pdftotext measures from the top)
TOLERANCE = 0.6  # points


@pytest.fixture
def town(db: Database) -> Town:
    town = build_town(db)
    with db.transaction("社区名称") as s:
        set_setting(s, "office.community_name", "长山社区")
    return town


def words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each word of ``page``, y from the page's top."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pattern, out)]


def ems(text: str) -> float:
    return sum(0.5 if ord(char) < 0x2000 else 1.0 for char in text)


def many_grids(db: Database, count: int = 14) -> None:
    """Enough grids (each with a building) for the report to run over two pages (one paragraph each)."""
    with db.transaction("网格") as s:
        for i in range(count):
            grid = places.create_grid(s, code=f"9{i:02d}", name=f"第{i + 3}网格")
            places.create_building(s, grid_id=grid, name=f"{i + 20}")


def test_text_block_is_where_the_standard_puts_it(db: Database, town: Town, tmp_path: Path) -> None:
    many_grids(db)
    out = tmp_path / "report.pdf"
    result = formal.build(db, out, date=ON)
    assert result.pages >= 2
    info = pdfinfo(out)
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (595, 842)  # A4
    page = [w for w in words(out, 1) if formal.DASH not in w[4] and not w[4].isdigit()]
    assert min(w[0] for w in page) == pytest.approx(LEFT, abs=TOLERANCE)
    assert max(w[2] for w in page) == pytest.approx(RIGHT, abs=TOLERANCE)  # full lines are spread to the edge
    assert min(w[1] for w in page) == pytest.approx(TOP, abs=TOLERANCE)  # the title's top
    assert max(w[3] for w in page) == pytest.approx(BOTTOM, abs=TOLERANCE)  # the 22nd line's bottom
    body = {w[1] for w in page if w[3] - w[1] == pytest.approx(formal.BODY_SIZE, abs=0.5)}
    grid = {round((top - TOP) / formal.PITCH, 2) for top in body}
    assert grid == {float(k) for k in range(2, formal.LINES)}  # the title, a blank line, then 20 lines on the grid
    next_page = {round((w[1] - TOP) / formal.PITCH, 2) for w in words(out, 2) if w[1] < BOTTOM}
    assert next_page == {float(k) for k in range(formal.LINES)}  # a full page: 22 lines from the block's top
    for w in page:  # no line holds more than 28 characters (a half-width digit is half of one)
        assert ems(w[4]) <= formal.CHARS, w[4]
    every = [w for n in range(1, result.pages + 1) for w in words(out, n) if w[1] < BOTTOM]
    closing = next(w for w in every if w[4] == "特此报告。")
    assert closing[0] == pytest.approx(LEFT + 2 * formal.CHAR_PITCH, abs=TOLERANCE)  # paragraphs: two characters in
    assert closing[2] - closing[0] == pytest.approx(5 * formal.CHAR_PITCH, abs=1)  # 28 characters to a line


def test_page_numbers_alternate_sides_below_the_block(db: Database, town: Town, tmp_path: Path) -> None:
    many_grids(db)
    out = tmp_path / "report.pdf"
    formal.build(db, out, date=ON)
    text = pdftotext(out)
    assert "— 1 —" in text and "— 2 —" in text and "第 1 页" not in text
    for number in (1, 2):
        marks = [w for w in words(out, number) if w[4] in (formal.DASH, str(number)) and w[1] > BOTTOM]
        assert len(marks) == 3, marks
        assert all(w[3] - w[1] == pytest.approx(formal.PAGE_NUMBER_SIZE, abs=0.5) for w in marks)  # 4号
        middle = (marks[0][1] + marks[0][3]) / 2
        assert middle == pytest.approx(BOTTOM + 7 * mm, abs=2)  # the 一字线 7 mm below the block
        if number % 2:
            assert max(w[2] for w in marks) == pytest.approx(RIGHT - formal.PAGE_NUMBER_SIZE, abs=1)
        else:
            assert min(w[0] for w in marks) == pytest.approx(LEFT + formal.PAGE_NUMBER_SIZE, abs=1)


def test_report_says_the_figures_and_closes_with_the_community_and_date(db: Database, town: Town,
                                                                        tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = formal.build(db, out, date=ON)
    text = pdftotext(out)
    flat = "".join(text.split())
    assert "长山社区关于人口统计情况的报告" in flat
    assert "街道办事处：" in flat
    assert "共有在册居民5人，3户，分布在2个网格" in flat
    assert "60至79岁3人，占60.0%" in flat and "80岁及以上1人，占20.0%" in flat
    assert "60岁及以上老年人共4人，占在册居民的80.0%" in flat
    assert "第一网格：在册居民4人，2户" in flat and "独居1人" in flat and "特此报告。" in flat
    last = words(out, result.pages)
    signer = next(w for w in last if w[4] == "长山社区")
    day = next(w for w in last if w[4] == "2026年5月1日")
    assert day[1] > signer[1]  # the date on the line below the signer
    assert day[0] == pytest.approx(signer[0] + 2 * formal.CHAR_PITCH, abs=TOLERANCE)  # two characters right
    assert signer[2] <= RIGHT - 2 * formal.CHAR_PITCH + TOLERANCE
    assert flat.index("特此报告。") < flat.index("2026年5月1日", flat.index("特此报告。"))
    info = pdfinfo(out)
    assert info["Title"].strip() == "长山社区人口统计情况报告（全部网格）" and info["Author"].strip() == "系统"
    for row in pdffonts(out):
        assert row[-5] == "yes", row  # embedded


def test_rare_characters_in_the_community_name_print(db: Database, town: Town, tmp_path: Path) -> None:
    with db.transaction("社区名称") as s:
        set_setting(s, "office.community_name", f"长山{RARE_NAME}社区")
    out = tmp_path / "report.pdf"
    result = formal.build(db, out, date=ON)
    assert result.missing_characters == ""
    assert f"长山{RARE_NAME}社区" in pdftotext(out)


def test_lines_never_start_with_closing_punctuation() -> None:
    chains = {style: fonts.chain(style) for style in (fonts.FANGSONG, fonts.HEI, fonts.SONG)}
    writer = formal.Writer(PdfDocument(None, formal.FORMAL, chains, total_pages=None))
    lines = writer.wrap("一" * 26 + "（二十）" + "三" * 30 + "。", size=formal.BODY_SIZE, style=fonts.FANGSONG,
                        first_indent=2 * formal.CHAR_PITCH, width=formal.BLOCK_WIDTH)
    assert "".join(lines) == "一" * 26 + "（二十）" + "三" * 30 + "。"
    assert len(lines[0]) == 26  # 28 less the indent of two; the "（" goes down with its word
    assert not lines[0].endswith("（")
    assert all(line[0] not in "，。）" for line in lines[1:])
    assert all(len(line) <= formal.CHARS for line in lines)
    assert [len(line) for line in writer.wrap("一" * 60, size=formal.BODY_SIZE, style=fonts.FANGSONG, first_indent=0,
                                              width=formal.BLOCK_WIDTH)] == [28, 28, 4]
    numbers = writer.wrap("人" * 25 + "12345.6", size=formal.BODY_SIZE, style=fonts.FANGSONG, first_indent=0,
                          width=formal.BLOCK_WIDTH)
    assert numbers[1] == "12345.6"  # a number is never split


def test_grid_scope_and_permissions(db: Database, town: Town, tmp_path: Path) -> None:
    result = registry.run(db, "population_report", tmp_path / "g2.pdf", options={"grid": "02", "date": ON})
    assert result.scope == "第二网格" and result.rows == 1
    assert "在册居民1人" in "".join(pdftotext(tmp_path / "g2.pdf").split())
    as_user(db, "gridder")
    mine = formal.build(db, tmp_path / "mine.pdf", date=ON)
    assert mine.rows == 4 and mine.scope == "第一网格"
    with pytest.raises(PermissionDenied):
        formal.build(db, tmp_path / "theirs.pdf", grid="02", date=ON)
    assert not (tmp_path / "theirs.pdf").exists()
    [*_, event] = events(db, "print")
    assert event.user_name == "gridder" and event.detail["report"] == "population_report"


def test_letter_spacing_of_one_line_does_not_carry_into_the_next(tmp_path: Path) -> None:
    """Tc (character spacing) is page state in PDF: a spaced title must not spread the lines after it."""
    from chang_shan.reports.pdf_base import PORTRAIT, render_pdf

    def draw(doc) -> None:  # noqa: ANN001
        doc.text(100, 700, "志愿服务证明", size=16, char_space=12)
        doc.text(100, 600, "服务时长合计", size=16)

    target = tmp_path / "spacing.pdf"
    render_pdf(target, draw, title="t", author="t", setup=PORTRAIT)
    lines: dict[int, list[tuple[float, float, str]]] = {}
    for x0, y0, x1, _y1, text in words(target, 1):
        lines.setdefault(round(y0 / 10), []).append((x0, x1, text))
    extent = {"".join(t for *_x, t in sorted(ws)): (min(w[0] for w in ws), max(w[1] for w in ws))
              for ws in lines.values()}
    spaced, plain = extent["志愿服务证明"], extent["服务时长合计"]
    assert spaced[1] - spaced[0] > 6 * 16 + 5 * 12 - 1  # the title is spread
    assert abs((plain[1] - plain[0]) - 6 * 16) < 1.0  # the next line is not
