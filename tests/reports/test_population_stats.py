"""人口统计表: the figures by grid and building (age bands on a date, share 60+, special groups, party
households), the PDF's tables and reportlab charts (rendered to PNG: the band colours are there),
scopes and permissions."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.population import places
from chang_shan.reports import population_stats as stats
from chang_shan.reports import registry
from tests.exports.people import RARE_NAME, Town, as_user, build_town
from tests.reports.test_roster import pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def test_figures_by_grid_and_building(db: Database, town: Town) -> None:
    with db.reader() as s:
        s_ = stats.collect(s, on=ON)
    t = s_.total
    # 张立春 76, 李桂兰 73, 张伟 48, 王淑芬 85 (独居), 𠀀𪚥 78 on 2026-05-01
    assert (t.residents, t.households, t.party_households) == (5, 3, 1)
    assert t.bands == {"0-17": 0, "18-59": 1, "60-79": 3, "80+": 1, "?": 0}
    assert t.aged_60 == 4 and t.share_60 == "80.0%"
    assert t.groups["独居"] == 1 and sum(t.groups.values()) == 1
    first, second = s_.grids
    assert (first.grid, first.residents, first.households, first.party_households) == ("第一网格", 4, 2, 1)
    assert [(b.label, b.residents) for b in first.buildings] == [("3号楼", 4)]
    assert (second.grid, second.residents, second.bands["60-79"]) == ("第二网格", 1, 1)
    with db.reader() as s:
        earlier = stats.collect(s, on=date(1995, 1, 1))  # ages on another day: 张伟 16, 王淑芬 54
    assert earlier.total.bands["0-17"] == 1 and earlier.total.bands["18-59"] == 4 and earlier.total.aged_60 == 0


def test_pdf_has_tables_and_charts(db: Database, town: Town, tmp_path: Path) -> None:
    with db.transaction("楼栋") as s:
        places.create_building(s, grid_id=town.community.grid2, name=f"{RARE_NAME}楼")
    out = tmp_path / "stats.pdf"
    result = registry.run(db, "population_stats", out, options={"date": ON})
    assert result.rows == 5 and result.missing_characters == ""
    info = pdfinfo(out)
    assert info["Title"].strip() == "人口统计表（全部网格）" and info["Author"].strip() == "系统"
    assert info["Page size"].split()[:3] == ["841.89", "x", "595.276"]  # A4 landscape
    text = pdftotext(out)
    for expected in ("人口统计表", "统计日期：2026年5月1日", "各网格在册居民（按年龄段）", "年龄结构", "60岁及以上占比",
                     "党员家庭户", "特殊人群", "独居", "合计", "80.0%", "75.0%", "100.0%", f"{RARE_NAME}楼",
                     "60–79岁", "3人", "60.0%", "第 1 页 共"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page-1.png").convert("RGB")
    colours = {pixel for _count, pixel in image.getcolors(maxcolors=1 << 20)}
    for band_colour in (stats.BAND_COLOURS[1], stats.BAND_COLOURS[2], stats.BAND_COLOURS[3]):  # bars and slices
        rgb = tuple(round(v * 255) for v in band_colour.rgb())
        assert any(all(abs(a - b) <= 3 for a, b in zip(rgb, c, strict=True)) for c in colours), rgb


def test_scope_and_permissions(db: Database, town: Town, tmp_path: Path) -> None:
    building = stats.build(db, tmp_path / "b.pdf", grid="01", building="3", date=ON)
    assert building.rows == 4 and building.scope == "第一网格 3号楼"
    as_user(db, "gridder")
    mine = stats.build(db, tmp_path / "mine.pdf", date=ON)
    assert mine.rows == 4 and "第二网格" not in pdftotext(tmp_path / "mine.pdf")
    with pytest.raises(PermissionDenied):
        stats.build(db, tmp_path / "theirs.pdf", grid="02", date=ON)
    assert not (tmp_path / "theirs.pdf").exists()
