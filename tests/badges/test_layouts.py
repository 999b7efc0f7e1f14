"""The three layouts as drawing items: badges a page, page and badge sizes, cut marks outside
every badge, photo only where there is room, the name the largest text, the hotline, and QR
modules never below the minimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from chang_shan.badges.content import MIN_MODULE_MM, fit_code
from chang_shan.badges.drawing import ImageItem, LineItem, QrItem, RectItem, TextItem
from chang_shan.badges.layouts import HOTLINE_LABEL, LAYOUTS, SCAN_HINT, Layout, get_layout, pages
from chang_shan.errors import DomainError
from tests.badges.samples import HOTLINE, badge, crowd, portrait


def entries(layout: Layout, people):  # noqa: ANN001, ANN201
    return [(data, *fit_code(data, layout.max_version)) for data in people]


def inside(x: float, y: float, box: tuple[float, float, float, float]) -> bool:
    bx, by, bw, bh = box
    return bx - 1e-6 <= x <= bx + bw + 1e-6 and by - 1e-6 <= y <= by + bh + 1e-6


def strictly_inside(x: float, y: float, box: tuple[float, float, float, float]) -> bool:
    bx, by, bw, bh = box
    return bx + 1e-6 < x < bx + bw - 1e-6 and by + 1e-6 < y < by + bh - 1e-6


def test_layout_sizes_and_names() -> None:
    assert [(k, v.label) for k, v in LAYOUTS.items()] == [
        ("sheet", "多枚A4（带裁切线）"), ("card", "证卡 85.6×54 mm"), ("label", "标签 50×30 mm")]
    sheet = get_layout("sheet")
    assert (sheet.page_width, sheet.page_height, sheet.per_page) == (210.0, 297.0, 10)
    assert (sheet.badge_width, sheet.badge_height) == (85.6, 54.0)
    assert (get_layout("card").page_width, get_layout("card").page_height) == (85.6, 54.0)
    assert (get_layout("label").page_width, get_layout("label").page_height) == (50.0, 30.0)
    with pytest.raises(DomainError, match="没有名为 poster 的版式"):
        get_layout("poster")


def test_sheet_pages_hold_ten_badges_in_order_with_cut_marks_outside(tmp_path: Path) -> None:
    layout = LAYOUTS["sheet"]
    people = crowd(23, portrait(tmp_path / "p.jpg"))
    drawn = list(pages(layout, entries(layout, people)))
    assert [len(p.badges) for p in drawn] == [10, 10, 3]
    assert [rid for p in drawn for rid in p.badges] == [d.resident_id for d in people]
    boxes = [(x, y, layout.badge_width, layout.badge_height) for x, y in layout.origins()]
    for bx, by, bw, bh in boxes:  # badges on the page, apart from each other
        assert 5 <= bx and bx + bw <= 205 and 5 <= by and by + bh <= 292
    page = drawn[0]
    marks = [item for item in page.items if isinstance(item, LineItem)]
    assert len(marks) == len(set(marks)) and len(marks) >= 10 * 8 - 4 * 4  # shared marks drawn once
    for mark in marks:
        for end in ((mark.x1, mark.y1), (mark.x2, mark.y2)):
            assert not any(strictly_inside(*end, box) for box in boxes)
    for corner_x, corner_y in [(bx + dx, by + dy) for bx, by, bw, bh in boxes for dx in (0, bw) for dy in (0, bh)]:
        assert any(min(abs(m.x1 - corner_x), abs(m.y1 - corner_y)) < 1e-6 and
                   min(abs(m.x1 - corner_x) + abs(m.y1 - corner_y), abs(m.x2 - corner_x) + abs(m.y2 - corner_y)) < 3
                   for m in marks)
    for item in page.items:  # everything else drawn inside a badge
        if isinstance(item, (QrItem, ImageItem, RectItem)):
            w = item.side if isinstance(item, QrItem) else item.width
            h = item.side if isinstance(item, QrItem) else item.height
            assert any(inside(item.x, item.y, b) and inside(item.x + w, item.y + h, b) for b in boxes)
        if isinstance(item, TextItem):
            assert any(inside(item.x, item.y, b) for b in boxes)
    last = drawn[-1]
    assert sum(isinstance(i, QrItem) for i in last.items) == 3


@pytest.mark.parametrize("name", ["card", "label"])
def test_one_badge_a_page(name: str, tmp_path: Path) -> None:
    layout = LAYOUTS[name]
    people = crowd(4, portrait(tmp_path / "p.jpg"))
    drawn = list(pages(layout, entries(layout, people)))
    assert len(drawn) == 4 and all((p.width, p.height) == (layout.page_width, layout.page_height) for p in drawn)
    assert not any(isinstance(i, LineItem) for p in drawn for i in p.items)  # no cut marks
    photos = [sum(isinstance(i, ImageItem) for i in p.items) for p in drawn]
    assert photos == ([1, 0, 1, 0] if name == "card" else [0, 0, 0, 0])  # a label has no room for one


@pytest.mark.parametrize("name", ["sheet", "card", "label"])
def test_name_largest_hint_and_hotline_and_qr_modules(name: str) -> None:
    layout = LAYOUTS[name]
    data = badge()
    (page,) = pages(layout, entries(layout, [data]))
    texts = [i for i in page.items if isinstance(i, TextItem)]
    by_text = {t.text: t for t in texts}
    assert by_text[data.name].size == max(t.size for t in texts)
    assert data.name in by_text and SCAN_HINT in by_text and HOTLINE_LABEL in by_text and HOTLINE in by_text
    assert by_text[HOTLINE].size >= 8
    assert any(data.number_text in t.text for t in texts)
    (qr,) = [i for i in page.items if isinstance(i, QrItem)]
    assert qr.side == layout.qr_side and qr.side / qr.code.side_modules >= MIN_MODULE_MM
    assert qr.code.version <= layout.max_version
    # the QR does not cover any text's start
    for t in texts:
        assert not strictly_inside(t.x, t.y, (qr.x, qr.y, qr.side, qr.side))


def test_without_hotline_the_hint_stays_and_no_hotline_label() -> None:
    layout = LAYOUTS["card"]
    (page,) = pages(layout, entries(layout, [badge(hotline="")]))
    texts = [i.text for i in page.items if isinstance(i, TextItem)]
    assert SCAN_HINT in texts and HOTLINE_LABEL not in texts
