"""The 居民花名册 PDF: masked values, rare characters printed and searchable, embedded fonts,
metadata, "第 N 页 共 M 页", scopes and permissions, the audit entry — read back with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.population import residents
from chang_shan.reports import registry, roster
from tests.exports.people import (
    FULL_IDS, FULL_PHONES, RARE_ID, RARE_NAME, ZHANG_PHONE, Town, as_user, build_town, events, masked_id,
    masked_phone,
)
from tests.population.community import KUANCHENG, WANG_ID, ZHANG_ID, id_number, person

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def pdftotext(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.decode("utf-8").splitlines() if ":" in line)


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_roster_masks_ids_and_phones(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "roster.pdf"
    result = roster.build(db, out, on_date=ON)
    assert result.rows == 5 and result.pages == 1 and result.path == out
    text = pdftotext(out)
    for number in FULL_IDS:
        assert masked_id(number) in text
        assert number not in text
    for phone in FULL_PHONES:
        assert masked_phone(phone) in text
        assert phone not in text
    assert "220103********0111" in text and "138****0001" in text
    for name in ("张立春", "李桂兰", "张伟", "王淑芬", "户主", "妻", "3号楼1单元101", "平房区 长山路12号"):
        assert name in text


def test_rare_characters_print_in_a_font_that_has_them_and_stay_searchable(db: Database, town: Town,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "roster.pdf"
    result = roster.build(db, out, on_date=ON)
    assert result.missing_characters == ""
    assert RARE_NAME in pdftotext(out)  # the ToUnicode fix: pdftotext returns U+20000 and U+2A6A5
    fonts = pdffonts(out)
    assert len(fonts) >= 2  # the common font and one for Extension B
    for row in fonts:
        name, emb = row[0], row[-5]
        assert row[1] == "TrueType" and emb == "yes", f"{name} not embedded"
        assert re.match(r"[A-Z]{6}\+", name), f"{name} not subset"


def test_metadata_page_size_and_footer(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "roster.pdf"
    roster.build(db, out, on_date=ON)
    info = pdfinfo(out)
    assert info["Title"].strip() == "居民花名册（全部网格）"
    assert info["Author"].strip() == "系统"
    assert info["Pages"].strip() == "1"
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    text = pdftotext(out)
    assert "第 1 页 共 1 页" in text
    assert "居民花名册" in text and "在册居民 5 人" in text and "制表日期：2026年5月1日" in text
    assert "55" in text  # 张立春's age on 2026-05-01 is 76; 𠀀𪚥 born 1948-02-03 is 78
    assert "76" in text and "78" in text


def test_many_pages_number_themselves(db: Database, town: Town, tmp_path: Path) -> None:
    digits = "零一二三四五六七八九"
    with db.transaction("多人") as s:
        for i in range(70):
            name = "赵" + digits[i // 10] + digits[i % 10]
            number = id_number(KUANCHENG, date(1960 + i % 40, 2, 3), 100 + i * 2)
            residents.register_resident(s, person(town.community.h102, name, number, "20"), on_date=date(2021, 1, 1))
    out = tmp_path / "many.pdf"
    result = roster.build(db, out, on_date=ON)
    pages = int(pdfinfo(out)["Pages"])
    assert result.pages == pages >= 3
    text = pdftotext(out)
    for n in range(1, pages + 1):
        assert f"第 {n} 页 共 {pages} 页" in text
    assert text.count("身份证号") == pages  # the header row repeats on every page
    assert text.count("3号楼1单元（续）") == pages - 1  # so does the group the rows belong to
    assert "赵六九" in text and result.rows == 75


def test_scope_by_grid_building_and_unit(db: Database, town: Town, tmp_path: Path) -> None:
    g2 = roster.build(db, tmp_path / "g2.pdf", grid="02", on_date=ON)
    text = pdftotext(tmp_path / "g2.pdf")
    assert g2.rows == 1 and RARE_NAME in text and "张立春" not in text and "第二网格" in text
    unit2 = roster.build(db, tmp_path / "u2.pdf", grid="01", building="3号楼", unit="2", on_date=ON)
    text = pdftotext(tmp_path / "u2.pdf")
    assert unit2.rows == 1 and "王淑芬" in text and "张立春" not in text
    assert unit2.scope == "第一网格 3号楼2单元"
    with pytest.raises(NotFound, match="没有单元 9"):
        roster.build(db, tmp_path / "x.pdf", grid="01", building="3", unit="9")
    with pytest.raises(DomainError, match="--building"):
        roster.build(db, tmp_path / "x.pdf", unit="2")
    assert not (tmp_path / "x.pdf").exists()


def test_read_only_user_may_print_the_masked_roster_and_it_is_audited(db: Database, town: Town,
                                                                    tmp_path: Path) -> None:
    as_user(db, "reader")
    out = tmp_path / "roster.pdf"
    roster.build(db, out, on_date=ON)
    assert masked_id(WANG_ID) in pdftotext(out)
    assert pdfinfo(out)["Author"].strip() == "reader"
    [event] = events(db, "print")
    assert event.user_name == "reader"
    assert event.detail == {"report": "roster", "rows": 5, "pages": 1, "file": str(out), "scope": "全部网格",
                            "grid": None}
    assert ZHANG_ID not in event.action and ZHANG_PHONE not in str(event.detail)


def test_grid_worker_prints_only_their_grid(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "gridder")
    result = roster.build(db, tmp_path / "mine.pdf", on_date=ON)
    text = pdftotext(tmp_path / "mine.pdf")
    assert result.rows == 4 and RARE_NAME not in text and "张立春" in text
    with pytest.raises(PermissionDenied):
        roster.build(db, tmp_path / "theirs.pdf", grid="02")
    assert not (tmp_path / "theirs.pdf").exists()


def test_an_empty_scope_still_makes_a_page(db: Database, town: Town, tmp_path: Path) -> None:
    result = roster.build(db, tmp_path / "empty.pdf", grid="01", building="3", unit="1", on_date=ON)
    assert result.rows == 3
    from chang_shan.population import places

    with db.transaction("空网格") as s:
        places.create_grid(s, code="03", name="第三网格")
    empty = roster.build(db, tmp_path / "none.pdf", grid="03", on_date=ON)
    assert empty.rows == 0 and empty.pages == 1
    assert "没有在册居民" in pdftotext(tmp_path / "none.pdf")


def test_registry_names_and_bad_input(db: Database, town: Town, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    assert registry.REPORTS["roster"].title == roster.TITLE
    assert any(line.startswith("roster\t居民花名册") for line in registry.listing())
    with pytest.raises(DomainError, match="没有名为 nope 的报表"):
        registry.run(db, "nope", tmp_path / "x.pdf")
    with pytest.raises(DomainError, match="不支持的文件类型 .xlsx"):
        registry.run(db, "roster", tmp_path / "x.xlsx")
    with pytest.raises(DomainError, match="不存在"):
        registry.run(db, "roster", tmp_path / "nowhere" / "x.pdf")
    with pytest.raises(DomainError, match="不接受选项 --reveal"):
        registry.run(db, "roster", tmp_path / "x.pdf", options={"reveal": True})
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert events(db, "print") == []


def test_the_page_renders(db: Database, town: Town, tmp_path: Path) -> None:
    """pdftoppm draws it: the page is mostly white with a ruled table (not an empty or black page)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    from PIL import Image

    out = tmp_path / "roster.pdf"
    roster.build(db, out, on_date=ON)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(out), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.size[0] == 702 and image.size[1] in (496, 497)  # A4 landscape at 60 dpi
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.size[0] * image.size[1])
    assert 0.01 < dark < 0.2
