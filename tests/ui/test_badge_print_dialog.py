"""The 防走失卡 print flow in the window: the Qt painter (preview and system printing) and the
print dialog (choose people and layout, preview, print, save a PDF).

The QR codes are decoded from the painted pixels with zbar (pyzbar), rare characters included."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter
from pyzbar import pyzbar

from chang_shan.badges import qr, register
from chang_shan.badges.drawing import HEI, LEFT, PageDrawing, QrItem, RectItem, TextItem
from chang_shan.badges.job import NOBODY
from chang_shan.badges.shapes import BadgeChoice
from tests.badges.office import RARE_NAME, TODAY, badge_db, badge_office  # noqa: F401 - fixtures
from tests.ui.badge_desk import badge_ops, phone_changed, printed  # noqa: F401 - fixture

pytestmark = pytest.mark.gui

RARE_TEXT = "防走失联系卡 长山社区\n姓名：赵𠀀𪚥\n家属：赵建国（儿子）13604310021\n社区电话：0431-81234567\n编号：00007-2"


def decoded(image: QImage) -> list[str]:
    """Every QR zbar finds in ``image``, as text."""
    from PIL import Image

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = grey.width(), grey.height()
    raw = bytes(grey.constBits())[: grey.bytesPerLine() * height]
    pil = Image.frombytes("L", (width, height), raw, "raw", "L", grey.bytesPerLine())
    return [symbol.data.decode("utf-8") for symbol in pyzbar.decode(pil, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def pdf_codes(path: Path, tmp: Path) -> list[str]:
    """Every QR on every page of the PDF at ``path``, rasterised at 300 dpi (as a printer would)."""
    from PIL import Image

    prefix = tmp / f"{path.stem}-page"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(path), str(prefix)], check=True)
    codes: list[str] = []
    for page in sorted(tmp.glob(f"{prefix.name}*.png")):
        codes += [s.data.decode("utf-8") for s in pyzbar.decode(Image.open(page), symbols=[pyzbar.ZBarSymbol.QRCODE])]
    return codes


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def page_size_mm(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(v) for v in line.split(":")[1].split("pts")[0].split(" x "))
    return round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)


def dark_columns(image: QImage, top: int, bottom: int) -> list[int]:
    """The x of every column with a dark pixel between rows ``top`` and ``bottom``."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return [x for x in range(grey.width()) if any(grey.pixelColor(x, y).value() < 128 for y in range(top, bottom))]


def grey_levels(image: QImage, rect: tuple[int, int, int, int]) -> set[int]:
    x0, y0, x1, y1 = rect
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return {grey.pixelColor(x, y).value() for x in range(x0, x1) for y in range(y0, y1)}


# --- the painter -----------------------------------------------------------------------------------


def test_a_painted_qr_decodes_to_its_text_rare_characters_included(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import page_image

    code = qr.encode(RARE_TEXT)
    page = PageDrawing(85.6, 54.0, [RectItem(0, 0, 85.6, 54.0), TextItem(4, 20, "赵𠀀𪚥", 20),
                                    QrItem(50.0, 14.0, 34.0, code)])
    for dpi in (300, 150):  # the printer's resolution and a preview's
        assert decoded(page_image(page, dpi)) == [RARE_TEXT], dpi


def test_the_qr_is_drawn_without_smoothing(qapp) -> None:  # noqa: ANN001
    """At a resolution where a module is not a whole number of pixels, every pixel of the code is
    still black or white: a blurred (interpolated) code scans badly."""
    from chang_shan.ui.badges.painter import MM_PER_INCH, page_image

    code = qr.encode(RARE_TEXT)
    page = PageDrawing(60.0, 60.0, [QrItem(10.0, 10.0, 34.0, code)])
    dpi = 173  # 34 mm → 231.6 px for 57 modules: about 4.06 px a module
    image = page_image(page, dpi)
    px = dpi / MM_PER_INCH
    inside = (round(11 * px), round(11 * px), round(43 * px), round(43 * px))
    assert grey_levels(image, inside) == {0, 255}


def test_page_image_has_the_page_size_at_the_resolution(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import page_image

    image = page_image(PageDrawing(210.0, 297.0, []), 100)
    assert (image.width(), image.height()) == (827, 1169)
    assert round(image.dotsPerMeterX() * 0.0254) == 100


def test_a_name_too_wide_for_its_room_is_made_smaller(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import MM_PER_INCH, page_image, text_width_mm

    name = "欧阳诸葛长山春花秋月"
    assert text_width_mm(name, 26) > 40  # far wider than the room it gets
    page = PageDrawing(100.0, 30.0, [TextItem(10.0, 20.0, name, 26, HEI, LEFT, max_width=40.0)])
    dpi = 200
    image = page_image(page, dpi)
    columns = dark_columns(image, 0, image.height())
    px = dpi / MM_PER_INCH
    assert columns, "nothing drawn"
    assert columns[0] >= int(10 * px) - 1
    assert columns[-1] <= round(50 * px) + 1
    assert columns[-1] - columns[0] > 30 * px  # shrunk, not cut off after a few characters


def test_rare_characters_are_drawn_with_their_own_glyphs(qapp) -> None:  # noqa: ANN001
    """𠀀 (U+20000) and 𪚥 come from a font with CJK Extension B: two different glyphs, not the same
    empty box twice."""
    from chang_shan.ui.badges.painter import page_image

    def one(char: str) -> QImage:
        return page_image(PageDrawing(20.0, 20.0, [TextItem(2.0, 15.0, char, 36)]), 150)

    first, second, box = one("𠀀"), one("𪚥"), one("\U000F0000")  # a private-use character: no glyph
    assert first != second
    assert first != box and second != box


def test_paint_page_keeps_the_proportions_in_a_wider_target(qapp) -> None:  # noqa: ANN001
    """The page is centred in the target and not stretched (a stretched QR would still scan, a
    stretched name would look wrong)."""
    from chang_shan.ui.badges.painter import paint_page

    code = qr.encode("编号：00001-1")
    page = PageDrawing(40.0, 40.0, [QrItem(0.0, 0.0, 40.0, code)])
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(0xFF808080)
    painter = QPainter(image)
    paint_page(painter, page, QRectF(0, 0, 400, 200))
    painter.end()
    assert image.pixelColor(50, 100).value() == 0x80  # left of the page: untouched
    assert image.pixelColor(101, 2).value() == 255  # the page (quiet zone) starts at x = 100
    assert decoded(image) == ["编号：00001-1"]


def test_a_print_cancelled_midway_is_aborted(qapp, tmp_path) -> None:  # noqa: ANN001
    """取消 while the pages go to the printer: no more pages are painted, the job is aborted where
    the driver can (Qt's PDF engine cannot: the caller is told how many pages went out) and the
    cancel reaches the caller, which then records nothing."""
    from chang_shan.progress import Cancelled
    from chang_shan.ui.badges.print_dialog import PrintCancelled, paint_on_printer

    code = qr.encode("编号：00001-1")
    pages = [PageDrawing(85.6, 54.0, [QrItem(50.0, 10.0, 34.0, code)]) for _ in range(3)]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cancelled.pdf"))
    seen: list[int] = []

    def progress(done: int, _total: int, _text: str = "") -> None:
        seen.append(done)
        if done == 1:
            raise Cancelled()

    with pytest.raises(PrintCancelled) as cancelled:
        paint_on_printer(printer, pages, progress)
    assert isinstance(cancelled.value, Cancelled)
    assert seen == [0, 1]
    if printer.printerState() == QPrinter.PrinterState.Aborted:
        assert cancelled.value.pages_sent == 0
    else:
        assert cancelled.value.pages_sent == 1
        assert page_count(tmp_path / "cancelled.pdf") == 1  # page 2 and 3 never painted


# --- the dialog ------------------------------------------------------------------------------------

def opened(qtbot, ops, choice: BadgeChoice | None = None, layout: str | None = None):  # noqa: ANN001, ANN201
    from chang_shan.ui.badges.print_dialog import BadgePrintDialog

    dialog = BadgePrintDialog(None, ops, choice, today=TODAY)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    dialog.resize(1100, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    settled(qtbot, dialog)
    if layout is not None:
        dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData(layout))
        settled(qtbot, dialog)
    return dialog


def settled(qtbot, dialog) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog.ops.idle and not dialog.loading and not dialog.busy, timeout=20000)


def choose(qtbot, dialog, key: str, place: str | None = None) -> None:  # noqa: ANN001
    dialog.set_who(key)
    if place is not None:
        combo = dialog.grid_combo if key == "grid" else dialog.building_combo
        combo.setCurrentIndex(combo.findText(place))
    settled(qtbot, dialog)


def printed_ids(dialog) -> list[int]:  # noqa: ANN001
    return list(dialog.prepared.batch.resident_ids) if dialog.prepared is not None else []


def intended(dialog) -> list[str]:  # noqa: ANN001
    return [fitted.text for _data, fitted, _code in dialog.prepared.batch.entries]


def test_the_given_selection_is_previewed_and_its_qr_scans(qtbot, badge_ops, badge_office) -> None:  # noqa: ANN001, F811
    o = badge_office
    dialog = opened(qtbot, badge_ops, BadgeChoice(resident_ids=(o.zhao,)), layout="card")
    assert dialog.who_buttons["given"].isChecked()
    assert dialog.who_buttons["given"].text() == "所选的 1 位居民"
    assert dialog.summary.text().startswith("共 1 枚卡，1 页")
    assert dialog.print_button.isEnabled() and dialog.pdf_button.isEnabled()
    [text] = intended(dialog)
    assert RARE_NAME in text
    preview = dialog.preview.pixmap().toImage()
    assert preview.width() > 600  # the card fills the window
    assert decoded(preview) == [text]


def test_whom_to_print(qtbot, badge_ops, badge_office) -> None:  # noqa: ANN001, F811
    o = badge_office
    dialog = opened(qtbot, badge_ops)
    assert dialog.who_buttons["all"].isChecked()  # no selection given: everyone 60+
    assert "given" not in dialog.who_buttons
    assert sorted(printed_ids(dialog)) == sorted(o.living_60plus)
    assert dialog.summary.text().startswith("共 4 枚卡，1 页")
    choose(qtbot, dialog, "grid", "02 第二网格")
    assert printed_ids(dialog) == [o.zhao]
    assert not dialog.building_combo.isEnabled()
    choose(qtbot, dialog, "building", "第一网格 3号楼")
    assert set(printed_ids(dialog)) <= {o.zhang, o.li, o.wang} and printed_ids(dialog)
    choose(qtbot, dialog, "stale")  # nothing printed yet: nothing to reprint
    assert dialog.summary.text() == NOBODY
    assert dialog.prepared is None and not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()

    printed(badge_ops.db, [o.zhang, o.li])
    phone_changed(badge_ops.db, o.zhang)
    dialog.reload()
    settled(qtbot, dialog)
    assert printed_ids(dialog) == [o.zhang]
    choose(qtbot, dialog, "new")
    assert sorted(printed_ids(dialog)) == sorted([o.wang, o.zhao])


def test_a_choice_one_of_the_options_says_is_that_option(qtbot, badge_ops) -> None:  # noqa: ANN001
    """打印全部需重印 on the register: the option 资料有变动、需要重印的卡, not a second line saying so."""
    dialog = opened(qtbot, badge_ops, BadgeChoice(changed_since=True))
    assert "given" not in dialog.who_buttons
    assert dialog.who_buttons["stale"].isChecked()
    assert dialog.choice() == BadgeChoice(changed_since=True)


def test_pages_turn_with_the_keys(qtbot, badge_ops, badge_office) -> None:  # noqa: ANN001, F811
    dialog = opened(qtbot, badge_ops, layout="card")
    assert dialog.page_label.text() == "第 1 / 4 页"
    assert not dialog.previous_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.page_label.text() == "第 3 / 4 页"
    assert decoded(dialog.preview.pixmap().toImage()) == [intended(dialog)[2]]
    qtbot.keyClick(dialog, Qt.Key.Key_PageUp)
    assert dialog.page_label.text() == "第 2 / 4 页"
    dialog.actual_button.click()  # 1:1: the card at its printed size on the screen
    width_mm = dialog.preview.pixmap().width() / dialog.preview.pixmap().devicePixelRatio() \
        / dialog.logicalDpiX() * 25.4
    assert width_mm == pytest.approx(85.6, abs=0.5)


def test_save_pdf_writes_scannable_badges_and_records_them(qtbot, badge_ops, badge_office, monkeypatch, tmp_path) -> None:  # noqa: ANN001, F811, E501
    from chang_shan.ui.widgets import canteen_print

    o = badge_office
    target = tmp_path / "卡.pdf"
    opened_files: list[Path] = []
    monkeypatch.setattr(canteen_print, "choose_pdf_path", lambda _parent, _title, _suggested: str(target))
    monkeypatch.setattr(canteen_print, "open_file", opened_files.append)
    dialog = opened(qtbot, badge_ops)
    texts = intended(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, dialog)
    assert dialog.status_text.startswith("已保存 4 枚卡（1 页）"), dialog.status_text
    assert opened_files == [target]
    assert sorted(pdf_codes(target, tmp_path)) == sorted(texts)
    with badge_ops.db.reader() as s:
        states = register.badge_states(s, list(o.living_60plus), badge_ops.db.data_dir.files, today=TODAY)
    assert {state for state, _parts in states.values()} == {"已是最新"}


def test_printing_paints_the_pages_on_the_printer_then_records_them(qtbot, badge_ops, badge_office, monkeypatch, tmp_path) -> None:  # noqa: ANN001, F811, E501
    """The system print dialog is replaced by a PDF printer: Qt's own output of what a real printer
    would get, at the card's size, its QR scannable."""
    from chang_shan.ui.badges import print_dialog

    o = badge_office
    out = tmp_path / "printer.pdf"
    asked: list[tuple[float, float]] = []

    def choose_printer(_parent, printer: QPrinter) -> bool:  # noqa: ANN001
        size = printer.pageLayout().fullRect()  # what the print dialog is offered (mm)
        asked.append((round(size.width(), 1), round(size.height(), 1)))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(print_dialog, "choose_printer", choose_printer)
    dialog = opened(qtbot, badge_ops, BadgeChoice(resident_ids=(o.zhao, o.wang)), layout="card")
    texts = intended(dialog)
    dialog.print_button.click()
    settled(qtbot, dialog)
    assert asked == [(85.6, 54.0)]
    assert dialog.status_text.startswith("已把 2 枚卡（2 页）送到打印机"), dialog.status_text
    assert page_size_mm(out) == pytest.approx((85.6, 54.0), abs=0.2)  # Qt rounds to whole points
    assert sorted(pdf_codes(out, tmp_path)) == sorted(texts)
    with badge_ops.db.reader() as s:
        history = register.print_history(s, o.zhao)
    assert [(version, layout, output) for version, _at, layout, _by, output in history] == [(1, "card", "printer")]


def test_nothing_is_recorded_when_the_print_dialog_is_cancelled(qtbot, badge_ops, badge_office, monkeypatch) -> None:  # noqa: ANN001, F811, E501
    from chang_shan.ui.badges import print_dialog

    o = badge_office
    monkeypatch.setattr(print_dialog, "choose_printer", lambda _parent, _printer: False)
    dialog = opened(qtbot, badge_ops, BadgeChoice(resident_ids=(o.zhao,)))
    assert dialog.print_badges() is False
    settled(qtbot, dialog)
    assert dialog.status_text == ""
    with badge_ops.db.reader() as s:
        assert register.print_history(s, o.zhao) == []


def test_a_reader_is_told_why_nothing_can_be_printed(qtbot, badge_ops, badge_office) -> None:  # noqa: ANN001, F811
    badge_ops.db.actor = badge_office.actors["reader_h"]
    dialog = opened(qtbot, badge_ops)
    assert "没有“打印防走失卡（卡上有家属的完整电话）”的权限" in dialog.summary.text()
    assert not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()


def test_the_ledger_prints_the_selected_residents_badge(qtbot, operations, town) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.print_dialog import BadgePrintDialog
    from chang_shan.ui.screens.population import PopulationScreen

    screen = PopulationScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    screen.start()
    qtbot.waitUntil(lambda: screen.model.rowCount() == town.active and operations.idle)
    screen.table.clear_current()
    assert not screen.badge_action.isEnabled()
    assert screen.badge_action in screen.table.actions()  # the table's context menu
    screen.select_resident(town.ids["张立春"])
    assert screen.badge_action.isEnabled()
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = screen.dialog
    assert isinstance(dialog, BadgePrintDialog)
    assert dialog.given == BadgeChoice(resident_ids=(town.ids["张立春"],))
    assert dialog.who_buttons["given"].text() == "所选居民：张立春"
    assert dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal
    qtbot.waitUntil(lambda: operations.idle and not dialog.loading)
    dialog.close_without_asking()
    assert screen.dialog is None
