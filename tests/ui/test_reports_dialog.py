"""报表 in the window: the reports of the registry with their options, the preview (pages
rendered by PDFium), saving the PDF and printing it, on the test community (tests/ui/conftest.py).
The PDFs written are read back with pdftotext and pdfinfo; the preview's pixels are looked at."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from sqlalchemy import select

from chang_shan.db.models.journal import ChangeSet
from chang_shan.reports import registry
from tests.ui.conftest import shown
from tests.ui.signed_in import sign_in_as
from tests.ui.test_population_screen import screen  # noqa: F401 - the 万家数据库 screen on the town

pytestmark = pytest.mark.gui


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in info.splitlines())}


def ink(image: QImage) -> float:
    """The share of the page's pixels that are dark (text, rules): 0 for a blank page."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    data = bytes(grey.constBits())[: stride * height]
    dark = sum(1 for y in range(0, height, 2) for x in range(0, width, 2) if data[y * stride + x] < 128)
    return dark / ((width // 2) * (height // 2))


def opened(qtbot, ops, report: str | None = None, options: dict | None = None, *, preview_now: bool = False):  # noqa: ANN001, ANN201, E501
    from chang_shan.ui.reports.dialog import ReportsDialog

    dialog = ReportsDialog(None, ops, report, options, preview_now=preview_now)
    dialog.resize(1200, 760)
    shown(qtbot, dialog)  # the active window: its keys work
    settled(qtbot, dialog)
    return dialog


def settled(qtbot, dialog) -> None:  # noqa: ANN001
    """The work done and the page drawn; the dialog active again (as the desktop makes it once the
    progress dialog has gone; offscreen nobody does)."""
    qtbot.waitUntil(lambda: dialog.ops.idle and not dialog.busy and not dialog.rendering, timeout=30000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def previewed(qtbot, dialog) -> None:  # noqa: ANN001
    assert dialog.make_preview()
    settled(qtbot, dialog)


def combo_texts(combo) -> list[str]:  # noqa: ANN001
    return [combo.itemText(i) for i in range(combo.count())]


def test_every_report_of_the_registry_is_offered(qtbot, operations, town) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations)
    offered = [dialog.report_list.item(i).text() for i in range(dialog.report_list.count())]
    assert offered == [info.title for info in registry.REPORTS.values()]
    dialog.report_list.setCurrentRow(list(registry.REPORTS).index("will_book"))
    assert dialog.info.name == "will_book"
    assert combo_texts(dialog.form.status) == ["全部", "有效", "已撤回", "被新遗嘱取代", "已启用"]
    assert dialog.form.grid is None


def test_the_roster_preview_shows_a_page_with_ink_on_it(qtbot, operations, town) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations, "roster")
    assert not dialog.print_button.isEnabled()  # nothing on view to print yet
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith("预览：居民花名册（"), dialog.status_text
    assert f"{town.active} 人，1 页" in dialog.status_text
    assert dialog.page_label.text() == "第 1 / 1 页"
    image = dialog.preview.pixmap().toImage()
    assert image.width() > 600 and image.width() > image.height()  # A4 landscape, filling the window
    assert 0.005 < ink(image) < 0.3
    assert dialog.print_button.isEnabled()
    with operations.db.reader() as s:  # made as every print is: recorded in the audit trail
        actions = s.scalars(select(ChangeSet.action).where(ChangeSet.kind == "print")).all()
    assert any(action.startswith("打印居民花名册") for action in actions), actions


def test_zoom_and_actual_size(qtbot, operations, town) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations, "roster")
    previewed(qtbot, dialog)
    fitted = dialog.preview.pixmap().width()
    dialog.actual_button.click()
    settled(qtbot, dialog)
    pixmap = dialog.preview.pixmap()
    width_mm = pixmap.width() / pixmap.devicePixelRatio() / dialog.logicalDpiX() * 25.4
    assert width_mm == pytest.approx(297, abs=1)  # A4 landscape at its printed size
    assert dialog.zoom_label.text() == "100%"
    qtbot.keyClick(dialog, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, dialog)
    assert dialog.zoom_label.text() == "125%"
    assert dialog.preview.pixmap().width() == pytest.approx(pixmap.width() * 1.25, rel=0.01)
    dialog.fit_button.click()
    settled(qtbot, dialog)
    assert dialog.preview.pixmap().width() == fitted


def test_save_writes_the_pdf_of_the_options_chosen(qtbot, operations, town, monkeypatch, tmp_path) -> None:  # noqa: ANN001, E501
    from chang_shan.ui.widgets import canteen_print

    target = tmp_path / "花名册.pdf"
    asked: list[str] = []

    def choose(_parent, title: str, suggested: str) -> str:  # noqa: ANN001
        asked.append(f"{title} {suggested}")
        return str(target)

    monkeypatch.setattr(canteen_print, "choose_pdf_path", choose)
    dialog = opened(qtbot, operations, "roster")
    dialog.form.grid.setCurrentIndex(dialog.form.grid.findData("01"))
    assert combo_texts(dialog.form.building) == ["全部楼栋", "3号楼"]
    dialog.form.building.setCurrentIndex(1)
    assert combo_texts(dialog.form.unit) == ["全部单元", "1单元", "2单元"]
    dialog.form.unit.setCurrentIndex(2)
    assert dialog.form.values() == {"grid": "01", "building": "3", "unit": "2"}
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, dialog)
    assert asked == ["保存居民花名册 居民花名册.pdf"]
    assert dialog.status_text.startswith("已保存居民花名册（第一网格 3号楼2单元，2 人，1 页）："), dialog.status_text
    text = pdf_text(target)
    assert "居民花名册" in text and "王淑芬" in text
    assert "张立春" not in text and "赵德胜" not in text  # 1单元, 第二网格
    assert "第 1 页 共 1 页" in text
    assert pdf_info(target)["Title"] == "居民花名册（第一网格 3号楼2单元）"


def test_printing_paints_the_previewed_pages_on_the_printer(qtbot, operations, town, monkeypatch, tmp_path) -> None:  # noqa: ANN001, E501
    """The system print dialog is replaced by Qt's PDF printer: what a real printer would get."""
    from chang_shan.ui.reports import dialog as dialog_module

    out = tmp_path / "printer.pdf"
    offered: list[tuple[str, str]] = []

    def choose_printer(_parent, printer: QPrinter) -> bool:  # noqa: ANN001
        layout = printer.pageLayout()
        offered.append((layout.pageSize().name(), layout.orientation().name))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(dialog_module, "choose_printer", choose_printer)
    dialog = opened(qtbot, operations, "roster")
    previewed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, dialog)
    assert offered == [("A4", "Landscape")]
    assert dialog.status_text.startswith("已把居民花名册（1 页）送到打印机"), dialog.status_text
    info = pdf_info(out)
    assert info["Pages"] == "1"
    width, height = (float(v) for v in info["Page size"].split("pts")[0].split(" x "))
    assert (width, height) == pytest.approx((842, 595), abs=1.5)
    page = tmp_path / "printed"
    subprocess.run(["pdftoppm", "-r", "80", "-gray", "-png", "-singlefile", str(out), str(page)], check=True)
    assert 0.005 < ink(QImage(str(page) + ".png")) < 0.3  # the page's picture, not a blank sheet


def test_changed_options_must_be_previewed_again_before_printing(qtbot, operations, town, monkeypatch) -> None:  # noqa: ANN001, E501
    from chang_shan.ui.reports import dialog as dialog_module

    monkeypatch.setattr(dialog_module, "choose_printer", lambda *_args: pytest.fail("nothing to print"))
    dialog = opened(qtbot, operations, "roster")
    previewed(qtbot, dialog)
    dialog.form.grid.setCurrentIndex(dialog.form.grid.findData("02"))
    assert dialog.stale and not dialog.print_button.isEnabled()
    assert "请按“预览”重新生成" in dialog.hint.text()
    assert dialog.print_report() is False
    previewed(qtbot, dialog)
    assert not dialog.stale and dialog.print_button.isEnabled()
    assert "2 人，1 页" in dialog.status_text  # 刘明 and 赵德胜 of the 平房区


def test_a_grid_worker_is_offered_only_their_grids(qtbot, operations, town) -> None:  # noqa: ANN001
    sign_in_as(operations.db, "wang", "网格员", health=False, grid_ids=[town.grid2])
    dialog = opened(qtbot, operations, "roster")
    assert combo_texts(dialog.form.grid) == ["全部（您负责的网格）", "02 第二网格"]
    assert combo_texts(dialog.form.building) == ["全部楼栋", "平房区（第二网格）"]
    assert combo_texts(dialog.form.unit) == ["全部单元（先选楼栋）"] and not dialog.form.unit.isEnabled()
    dialog.form.building.setCurrentIndex(1)
    assert combo_texts(dialog.form.unit) == ["平房区不分单元"] and not dialog.form.unit.isEnabled()
    previewed(qtbot, dialog)
    assert "2 人，1 页" in dialog.status_text, dialog.status_text


def test_a_report_the_user_may_not_make_says_why(qtbot, operations, town) -> None:  # noqa: ANN001
    sign_in_as(operations.db, "reader", "只读", health=False)
    dialog = opened(qtbot, operations, "will_book")
    previewed(qtbot, dialog)
    assert dialog.pages is None and not dialog.print_button.isEnabled()
    assert "遗嘱" in dialog.status_text and "权限" in dialog.status_text, dialog.status_text


def test_the_dialog_opens_from_the_file_menu(qtbot, operations, town) -> None:  # noqa: ANN001
    from chang_shan.ui.main_window import MainWindow
    from chang_shan.ui.reports.dialog import ReportsDialog

    window = MainWindow(operations)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.reports_action.shortcut().toString() == "Ctrl+Shift+R"
    window.reports_action.trigger()
    dialog = window.reports_dialog
    assert isinstance(dialog, ReportsDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    qtbot.waitUntil(lambda: operations.idle)
    dialog.close_without_asking()


# --- opened from a record ------------------------------------------------------------------------

def from_record(qtbot, screen) -> object:  # noqa: ANN001
    """The reports dialog the record's print button opened, its preview made."""
    dialog = screen.window().reports_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.pages is not None and dialog.ops.idle and not dialog.busy and not dialog.rendering,
                    timeout=30000)
    assert 0.005 < ink(dialog.preview.pixmap().toImage()) < 0.5
    return dialog


def test_the_health_record_prints_the_residents_form(qtbot, operations, town) -> None:  # noqa: ANN001
    from chang_shan.ui.screens.health import HealthScreen

    wang = town.ids["王淑芬"]
    screen = HealthScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    screen.start()
    screen.open_resident(wang)
    qtbot.waitUntil(lambda: operations.idle and screen.panel.resident_id == wang)
    screen.panel.print_button.click()
    dialog = from_record(qtbot, screen)
    assert dialog.info.name == "health_form" and dialog.report_list.currentItem().text() == "个人基本信息表"
    assert dialog.form.resident.resident_id() == wang
    assert dialog.status_text.startswith("预览：个人基本信息表（王淑芬"), dialog.status_text
    assert dialog.pages.count == 1
    screen.panel.print_button.click()  # a second click brings the open dialog back, no second one
    assert screen.window().reports_dialog is dialog
    dialog.close_without_asking()
    qtbot.waitUntil(lambda: getattr(screen.window(), "reports_dialog", None) is None)


def test_the_household_panel_prints_the_households_relations(qtbot, screen, town, monkeypatch, tmp_path) -> None:  # noqa: ANN001, E501, F811
    from chang_shan.ui.widgets import canteen_print

    assert not screen.panel.print_button.isEnabled()  # no household shown yet
    screen.select_resident(town.ids["李桂兰"])
    qtbot.waitUntil(lambda: screen.panel.household_id == town.h101)
    screen.panel.print_button.click()
    dialog = from_record(qtbot, screen)
    assert dialog.info.name == "household_relations"
    assert dialog.form.household.household_id() == town.h101
    target = tmp_path / "关系.pdf"
    monkeypatch.setattr(canteen_print, "choose_pdf_path", lambda *_args: str(target))
    assert dialog.save_pdf()
    settled(qtbot, dialog)
    text = pdf_text(target)
    assert "居民社会关系信息档案" in text and "张立春" in text and "李桂兰" in text and "王淑芬" not in text
    assert "单元长" in text and "张伟" in text
    dialog.close_without_asking()
