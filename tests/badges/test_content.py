"""The QR text of a badge and its fitting to a layout's largest QR version: exact lines, rare
characters, the shortening order with its warnings, what is never left out, and the text a real
decoder (zbar) reads back from the code."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar import pyzbar

from chang_shan.badges.content import MIN_MODULE_MM, badge_text, contact_line, fit_code, fit_text, medical_items
from chang_shan.badges.layouts import LAYOUTS
from chang_shan.badges.qr import encode, version_of
from chang_shan.badges.shapes import BadgeContact
from tests.badges.samples import ADDRESS, COMMUNITY, HOTLINE, IN_LAW, NOTE, RARE, SON, badge

FULL = "\n".join([
    "防走失联系卡 长山花园社区",
    f"姓名：{RARE}",
    "家属：赵建国（儿子）13604310021",
    "家属：赵建华（女儿）13704310022",
    "家属：孙丽（儿媳）0431-85550023",
    "社区电话：0431-85551234",
    f"健康提示：{NOTE}",
    f"住址：{ADDRESS}",
    "编号：00123-2",
])


def decoded(text: str) -> str:
    """The text zbar reads from the code of ``text`` (4 pixels a module, quiet zone included)."""
    code = encode(text)
    image = code.image().resize((code.side_modules * 4,) * 2, Image.NEAREST)
    results = pyzbar.decode(image)
    assert len(results) == 1
    return results[0].data.decode("utf-8")


def test_full_text_line_by_line() -> None:
    assert badge_text(badge()) == FULL
    assert decoded(FULL) == FULL  # 𠀀 and 𪚥 survive the code


def test_text_without_the_optional_parts() -> None:
    data = badge(name="王淑芬", number=7, version=1, contacts=(BadgeContact("王强", "", "13904310099"),),
                 hotline="", community="", note="", address="")
    assert badge_text(data) == "防走失联系卡\n姓名：王淑芬\n家属：王强 13904310099\n编号：00007-1"
    assert badge_text(badge(), medical="", include_address=False, contacts=1) == "\n".join(
        [FULL.splitlines()[i] for i in (0, 1, 2, 5, 8)])
    assert contact_line("", "", "13904310099") == "家属：13904310099"


def test_medical_items_split_on_either_semicolon() -> None:
    assert medical_items("阿尔茨海默病；糖尿病;青霉素过敏；") == ["阿尔茨海默病", "糖尿病", "青霉素过敏"]


def test_a_text_that_fits_is_not_touched() -> None:
    fitted = fit_text(badge(), 40)
    assert fitted.text == FULL and fitted.fits and not fitted.shortened and fitted.warnings == ()
    assert fitted.version == version_of(FULL) and fitted.max_version == 40


def versions_of_steps() -> list[int]:
    data = badge()
    return [version_of(t) for t in (
        badge_text(data),
        badge_text(data, medical="走失风险；阿尔茨海默病；糖尿病；冠心病等"),
        badge_text(data, medical="走失风险等"),
        badge_text(data, medical=""),
        badge_text(data, medical="", include_address=False),
        badge_text(data, medical="", include_address=False, contacts=1),
    )]


def test_medical_items_go_first_from_the_end_keeping_deng() -> None:
    full = version_of(FULL)
    items = medical_items(NOTE)
    # the longest shortened note whose code is smaller than the full text's
    short = next(s for s in ("；".join(items[:k]) + "等" for k in range(len(items) - 1, 0, -1))
                 if version_of(badge_text(badge(), medical=s)) < full)
    assert short.endswith("等") and short != NOTE
    fitted = fit_text(badge(), version_of(badge_text(badge(), medical=short)))
    assert f"健康提示：{short}\n" in fitted.text
    assert fitted.warnings == (f"健康提示已缩短为“{short}”（二维码过大）",)
    assert fitted.fits and f"住址：{ADDRESS}" in fitted.text and "孙丽" in fitted.text


@pytest.mark.parametrize("step", [3, 4, 5])
def test_then_the_note_then_the_address_then_later_contacts(step: int) -> None:
    versions = versions_of_steps()
    limit = versions[step]
    if any(v <= limit for v in versions[:step]):
        pytest.skip("this step's code is no smaller than an earlier step's for the sample")
    fitted = fit_text(badge(), limit)
    assert fitted.fits and fitted.version <= limit
    expected = ["健康提示未印入二维码（二维码过大）", "住址未印入二维码（二维码过大）",
                "只印入第一位家属，其余 2 位未印入（二维码过大）"][: step - 2]
    assert list(fitted.warnings) == expected
    assert "健康提示" not in fitted.text
    assert ("住址" in fitted.text) == (step < 4)
    assert ("孙丽" in fitted.text) == (step < 5)


def test_name_hotline_number_and_first_contact_always_stay() -> None:
    fitted = fit_text(badge(), 1)
    assert not fitted.fits
    assert fitted.text == "\n".join([FULL.splitlines()[i] for i in (0, 1, 2, 5, 8)])
    assert fitted.warnings[-1].startswith("二维码仍然过大（版本")
    assert decoded(fitted.text) == fitted.text


def test_fit_code_gives_the_code_of_the_fitted_text() -> None:
    data = badge(contacts=(SON, IN_LAW))
    fitted, code = fit_code(data, 11)
    assert code is not None and code.text == fitted.text and code.version == fitted.version <= 11
    assert decoded(fitted.text) == fitted.text


def test_no_medical_note_no_address_skips_those_steps() -> None:
    data = badge(note="", address="", contacts=(SON,))
    fitted = fit_text(data, 1)
    assert list(fitted.warnings[:-1]) == []  # nothing to shorten: only the "still too big" warning


def test_every_layout_keeps_modules_at_least_the_minimum() -> None:
    for layout in LAYOUTS.values():
        modules = 17 + 4 * layout.max_version + 8
        assert layout.qr_side / modules >= MIN_MODULE_MM
        assert layout.qr_side / (modules + 4) < MIN_MODULE_MM  # one version more would not
    assert LAYOUTS["card"].max_version >= version_of(badge_text(badge(contacts=(SON, IN_LAW)), medical=""))
    assert HOTLINE in FULL and COMMUNITY in FULL


def test_many_codes_made_by_helper_processes_equal_the_codes_made_here() -> None:
    """qr.encode_all hands big batches to a helper process ("spawn"); its codes must be the very
    codes encode() makes, in order, with None for a text no version holds."""
    from chang_shan.badges import qr

    texts = [f"防走失联系卡 长山花园社区\n姓名：𠀀秀英{i}\n家属：张伟（儿子）139{i:08d}\n编号：{i:05d}-1"
             for i in range(qr.PARALLEL_MIN + 50)]
    texts.insert(7, "防走失联系卡\n" + "长" * 3000)  # too long for any version
    qr.clear_cache()
    made = list(qr.encode_all(texts, helpers=1))
    qr.clear_cache()
    for text, code in zip(texts, made, strict=True):
        if code is None:
            assert len(text) > 3000
            continue
        here = qr.encode(text)
        assert (code.text, code.version, code.modules) == (here.text, here.version, here.modules)
    assert made[7] is None and sum(code is None for code in made) == 1
