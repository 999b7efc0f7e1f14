"""Font discovery and the per-character fallback: what reportlab can embed, and the ToUnicode fix
for characters above U+FFFF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chang_shan.reports import fonts

RARE = "\U00020000"  # 𠀀, CJK Extension B
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_a_chain_has_a_font_for_common_and_rare_characters() -> None:
    chain = fonts.chain(fonts.SONG)
    runs = chain.runs("王" + RARE + "芬")
    assert "".join(text for _, text in runs) == "王" + RARE + "芬"
    assert len(runs) == 3  # the rare character is drawn in another font
    assert runs[0][0] == runs[2][0] == chain.primary
    assert runs[1][0] != chain.primary
    assert chain.has_all("王淑芬" + RARE + "\U0002A6A5") and not chain.missing


def test_spaces_and_line_breaks_stay_in_the_run() -> None:
    chain = fonts.chain(fonts.HEI)
    assert chain.runs("3号楼 2单元\n301") == [(chain.primary, "3号楼 2单元 301")]


def test_no_font_at_all_is_a_clear_environment_problem(tmp_path: Path) -> None:
    with pytest.raises(fonts.FontsMissing, match="fonts-wqy-zenhei"):
        fonts.chain(fonts.SONG, dirs=[tmp_path])


@pytest.mark.skipif(not NOTO.exists(), reason="Noto CJK not installed")
def test_a_cff_font_under_a_known_name_is_passed_over(tmp_path: Path) -> None:
    """Noto CJK has CFF outlines: reportlab cannot embed it, so the chain skips it."""
    (tmp_path / "simsun.ttc").symlink_to(NOTO)
    with pytest.raises(fonts.FontsMissing):
        fonts.chain(fonts.SONG, dirs=[tmp_path])


def test_found_fonts_in_a_folder_are_used(tmp_path: Path) -> None:
    source = next((f for f in fonts.discover() if f.group != fonts.EXT), None)
    assert source is not None, "a common-text CJK TrueType font (fonts-wqy-zenhei) must be installed"
    shutil.copy(source.path, tmp_path / source.path.name)
    chain = fonts.chain(fonts.HEI, dirs=[tmp_path])
    assert chain.labels == [source.label]
    assert chain.runs("长山") == [(chain.primary, "长山")]


def test_characters_no_font_has_are_reported(tmp_path: Path) -> None:
    chain = fonts.chain(fonts.SONG)
    chain.runs("\U000F0000")  # private use, plane 15: no font has it
    assert "\U000F0000" in chain.missing


def test_to_unicode_cmap_writes_surrogate_pairs() -> None:
    cmap = fonts.to_unicode_cmap("AAAAAA+X", [0, 0x738B, 0x20000, 0x2A6A5])
    assert "<01> <738B>" in cmap
    assert "<02> <D840DC00>" in cmap
    assert "<03> <D869DEA5>" in cmap
    assert "<20000>" not in cmap


def test_windows_font_names_are_known() -> None:
    files = {name for source in fonts.KNOWN_FONTS for name in source.files}
    assert {"simsun.ttc", "simsunb.ttf", "simfang.ttf", "simhei.ttf"} <= files
