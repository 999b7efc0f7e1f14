"""The 导入居民 wizard driven with qtbot on a real database and real workbooks written here with
openpyxl: the header found below a title, the automatic mapping and the user's own, the dry run's
problems (导入 disabled, 导出问题清单 as CSV, 重新检查 after the file is corrected), the import in
one transaction (and nothing written when it is cancelled), the template, a file that is not a
workbook, and the menu entry (文件 → 导入居民…, Ctrl+Shift+I; not for a read-only account)."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.ui.imports import files
from chang_shan.ui.imports.wizard import CHECK, DONE, FILE, MAPPING, SHEET, ImportWizard
from tests.ui.conftest import Boxes, Town, id_number

pytestmark = pytest.mark.gui

HEADERS = ["序号", "姓名", "公民身份号码", "性别", "出生日期", "与户主关系", "手机号", "楼号", "单元", "门牌号"]
NEW_SON = ["1", "张𠀀明", id_number(date(1980, 7, 1), 31), "男", "1980-07-01", "子", "13904319999", "3", "1", "101"]
NEW_DAUGHTER = ["2", "王小𪚥", id_number(date(1968, 2, 14), 42), "女", "1968.02.14", "女", "", "3", "2", "301"]


def workbook(path: Path, rows: list[list[object]], *, headers: list[str] = HEADERS) -> Path:
    """A sheet as offices keep them: a title and a date line above the header, then the rows;
    ID numbers typed as text (unless a row holds a number there)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "居民花名册"
    sheet.append(["长山社区居民花名册"])
    sheet.append(["填表日期：2024年5月1日"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet["C"]:
        if isinstance(cell.value, str):
            cell.number_format = "@"
    book.create_sheet("说明").append(["本表由社区工作者填写"])
    book.save(path)
    return path


def resident_count(db: Database) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(Resident))


def open_wizard(qtbot, operations, path: Path | None = None) -> ImportWizard:  # noqa: ANN001
    wizard = ImportWizard(None, operations)
    qtbot.addWidget(wizard, before_close_func=lambda w: w.close_without_asking())
    wizard.resize(1100, 700)
    wizard.show()
    qtbot.waitExposed(wizard)
    if path is not None:
        wizard.file_page.path.setText(str(path))
    return wizard


def press_next(qtbot, wizard: ImportWizard, step: int) -> None:  # noqa: ANN001
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.step == step)


def to_check(qtbot, wizard: ImportWizard) -> None:  # noqa: ANN001
    press_next(qtbot, wizard, SHEET)
    press_next(qtbot, wizard, MAPPING)
    press_next(qtbot, wizard, CHECK)


def problem_rows(wizard: ImportWizard) -> list[list[str]]:
    model = wizard.check_page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_a_clean_workbook_goes_through_every_step_and_imports(qtbot, operations, town: Town, db: Database,
                                                               boxes: Boxes, tmp_path: Path) -> None:  # noqa: ANN001
    path = workbook(tmp_path / "花名册.xlsx", [NEW_SON, NEW_DAUGHTER])
    wizard = open_wizard(qtbot, operations, path)
    assert wizard.step == FILE and not wizard.import_button.isVisible()

    press_next(qtbot, wizard, SHEET)
    sheet_page = wizard.sheet_page
    assert sheet_page.sheet.currentText() == "居民花名册"
    assert [sheet_page.sheet.itemText(i) for i in range(sheet_page.sheet.count())] == ["居民花名册", "说明"]
    assert sheet_page.header_text.text() == "表头在第 3 行，共 10 列。"
    preview = sheet_page.model
    assert preview.headerData(1, Qt.Orientation.Horizontal) == "B  姓名"
    assert preview.index(0, 1).data() == "张𠀀明"
    assert preview.index(0, 2).data() == NEW_SON[2][:6] + "********" + NEW_SON[2][-4:]  # masked
    assert preview.index(0, 6).data() == "139****9999"

    sheet_page.sheet.setCurrentText("说明")  # no header there: refused, the sheet read stays
    sheet_page.sheetChosen.emit("说明")
    qtbot.waitUntil(lambda: not wizard.busy and bool(boxes.shown))
    assert "找不到表头" in boxes.shown[0][2]
    assert sheet_page.sheet.currentText() == "居民花名册" and wizard.plan.sheet == "居民花名册"

    press_next(qtbot, wizard, MAPPING)
    chosen = wizard.mapping_page.chosen()
    assert chosen == {"A": "不导入", "B": "name", "C": "id_number", "D": "sex", "E": "birth_date", "F": "relation",
                      "G": "phone", "H": "building", "I": "unit", "J": "room"}
    assert wizard.mapping_page.table.item(1, 4).text() == "自动"
    assert wizard.mapping_page.message.isHidden()

    press_next(qtbot, wizard, CHECK)
    assert wizard.check_page.counts.text() == "新增 2 人，更新 0 人，不变 0 人；新建 0 户。"
    assert wizard.check_page.verdict.text() == "没有发现问题。按“导入”写入数据库。"
    assert wizard.import_button.isEnabled()
    assert resident_count(db) == town.active + 1  # the dry run wrote nothing (+1: 孙迁走, moved out)

    changed: list[str] = []
    operations.changed.connect(changed.append)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.step == DONE)
    assert resident_count(db) == town.active + 3
    with db.reader() as session:
        names = set(session.scalars(select(Resident.name).where(Resident.household_id.in_((town.h101, town.h301)))))
    assert {"张𠀀明", "王小𪚥"} <= names
    assert changed == ["导入居民：花名册.xlsx"]
    assert wizard.result_page.summary.text().startswith("已从“花名册.xlsx”导入：新登记居民 2 人")
    assert wizard.close_button.text() == "完成"

    from chang_shan.population.undo import last_action, undo_last  # the import is one undoable action

    with db.reader() as session:
        pending = last_action(session)
    assert pending is not None and pending.action == "导入居民：花名册.xlsx"
    with db.transaction("撤销") as session:
        undo_last(session, expected_id=pending.id)
    assert resident_count(db) == town.active + 1


def test_problems_are_listed_and_block_the_import_until_the_file_is_corrected(
        qtbot, operations, town: Town, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    wrong_digit = NEW_SON[2][:-1] + ("0" if NEW_SON[2][-1] != "0" else "1")
    as_number = [*NEW_DAUGHTER]
    as_number[2] = float(NEW_DAUGHTER[2][:-1])  # Excel turned it into a number: digits lost
    path = workbook(tmp_path / "有问题.xlsx", [[*NEW_SON[:2], wrong_digit, *NEW_SON[3:]], as_number])
    wizard = open_wizard(qtbot, operations, path)
    to_check(qtbot, wizard)

    assert wizard.sheet_page.model.index(1, 2).data().count("*") == 7  # what Excel left of it, masked too
    rows = problem_rows(wizard)
    assert [row[:4] for row in rows] == [["居民花名册", "4", "C", "身份证号码"], ["居民花名册", "5", "C", "身份证号码"]]
    assert "校验" in rows[0][4]
    assert "存成了数字" in rows[1][4]
    assert wizard.check_page.verdict.text().startswith("发现 2 个问题，改正之前不能导入。")
    assert not wizard.import_button.isEnabled()
    wizard.import_now()  # even called directly: refused
    assert resident_count(db) == town.active + 1

    out = tmp_path / "问题清单.csv"
    monkeypatch.setattr(files, "choose_save_path", lambda *_a: str(out))
    qtbot.mouseClick(wizard.check_page.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and out.exists())
    with open(out, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["工作表", "行", "列", "字段", "原因"]
    assert lines[1:] == rows
    assert wizard.status.text() == f"已导出 2 个问题：{out}"

    workbook(path, [NEW_SON, NEW_DAUGHTER])  # corrected in Excel and saved
    qtbot.mouseClick(wizard.check_page.recheck, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and not wizard.check_page.model.rows)
    assert wizard.import_button.isEnabled()
    assert wizard.check_page.table.isHidden()


def test_a_column_the_wizard_cannot_guess_is_mapped_by_the_user(qtbot, operations, town: Town, db: Database,
                                                                   tmp_path: Path) -> None:  # noqa: ANN001
    headers = [*HEADERS]
    headers[1] = "住户称呼"  # no alias: not mapped automatically
    path = workbook(tmp_path / "自定义表头.xlsx", [NEW_SON], headers=headers)
    wizard = open_wizard(qtbot, operations, path)
    press_next(qtbot, wizard, SHEET)
    press_next(qtbot, wizard, MAPPING)
    page = wizard.mapping_page
    assert page.chosen()["B"] == "不导入"
    assert page.message.text() == "还没有选择：姓名（必填）。"
    assert not wizard.next_button.isEnabled()

    name_combo = page.combos[1]
    name_combo.setCurrentIndex(name_combo.findData("id_number"))  # chosen twice: refused
    assert page.message.text().startswith("“身份证号码”对应了 2 列（B、C），只能选一列。")
    assert not wizard.next_button.isEnabled()
    name_combo.setCurrentIndex(name_combo.findData("name"))
    assert page.message.isHidden() and wizard.next_button.isEnabled()
    assert page.table.item(1, 4).text() == ""  # the user's choice, not 自动

    press_next(qtbot, wizard, CHECK)
    assert problem_rows(wizard) == []
    assert wizard.check_page.counts.text().startswith("新增 1 人")

    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)  # back: the choice is kept
    assert wizard.step == MAPPING and page.chosen()["B"] == "name"


def test_a_cancelled_import_writes_nothing(qtbot, operations, town: Town, db: Database, tmp_path: Path) -> None:  # noqa: ANN001
    path = workbook(tmp_path / "花名册.xlsx", [NEW_SON, NEW_DAUGHTER])
    wizard = open_wizard(qtbot, operations, path)
    to_check(qtbot, wizard)
    hold = threading.Event()
    operations.run(hold.wait)  # the worker busy: the import waits behind it
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.busy and not wizard.close_button.isEnabled()
    wizard.progress.canceled.emit()  # 取消 pressed before the import has begun
    hold.set()
    qtbot.waitUntil(lambda: not wizard.busy)
    assert wizard.step == CHECK
    assert wizard.status.text() == "已取消。"
    assert resident_count(db) == town.active + 1


def test_the_template_is_saved_where_the_user_chooses(qtbot, operations, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    out = tmp_path / "模板.xlsx"
    asked: list[str] = []
    monkeypatch.setattr(files, "choose_save_path", lambda _p, title, suggested, _f: asked.append(suggested) or str(out))
    wizard = open_wizard(qtbot, operations)
    qtbot.mouseClick(wizard.file_page.template, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and out.exists())
    assert asked == ["居民导入模板.xlsx"]
    assert wizard.status.text() == f"模板已保存：{out}。填好后选择它导入。"
    headers = [cell.value for cell in next(load_workbook(out).worksheets[0].iter_rows(max_row=1))]
    assert "姓名" in headers


def test_a_file_that_is_not_a_workbook_is_refused_on_the_first_step(qtbot, operations, boxes: Boxes,
                                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    fake = tmp_path / "名单.xlsx"
    fake.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    wizard = open_wizard(qtbot, operations)
    monkeypatch.setattr(files, "choose_workbook", lambda _p, _start: str(fake))
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.file_page.path.text() == str(fake)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and bool(boxes.shown))
    assert wizard.step == FILE
    kind, title, _text = boxes.shown[0]
    assert (kind, title) == ("warning", "无法完成")

    wizard.file_page.path.setText(str(tmp_path / "没有这个文件.xlsx"))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.step == FILE
    assert wizard.status.text().startswith("找不到文件")


def test_the_menu_opens_the_wizard_window_modal(qtbot, operations, town: Town) -> None:  # noqa: ANN001
    from chang_shan.ui.main_window import MainWindow

    window = MainWindow(operations)
    qtbot.addWidget(window)
    window.show()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.import_action in file_menu.actions()
    assert window.import_action.text() == "导入居民…"
    assert window.import_action.shortcut().toString() == "Ctrl+Shift+I"
    window.import_action.trigger()
    wizard = window.import_wizard
    assert isinstance(wizard, ImportWizard)
    assert wizard.windowModality() == Qt.WindowModality.WindowModal
    qtbot.waitExposed(wizard)
    window.import_action.trigger()  # one at a time
    assert window.import_wizard is wizard
    wizard.reject()
    qtbot.waitUntil(lambda: window.import_wizard is None)


def test_a_read_only_account_gets_no_import(qtbot, db: Database, town: Town) -> None:  # noqa: ANN001
    from chang_shan.ui.main_window import MainWindow
    from chang_shan.ui.ops import Operations
    from tests.ui.signed_in import sign_in_as

    sign_in_as(db, "reader", "只读", health=False)
    ops = Operations(db)
    try:
        window = MainWindow(ops)
        qtbot.addWidget(window)
        assert not window.import_action.isVisible()
        assert not window.import_action.isEnabled()
    finally:
        ops.shutdown()
