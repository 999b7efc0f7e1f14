"""The 乐龄食堂 tab driven with qtbot on a real database: members added through the real dialog,
a day's meal list route by route with its tick boxes, 记录用餐 (and correcting it), the month's
statements in yuan with two decimals, the delivery list and the statement printed as real PDFs,
and what a read-only user gets. Chinese goes in with setText() (qtbot.keyClicks aborts the
process on non-ASCII, DESIGN.md)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.canteen import meals, members
from chang_shan.canteen.shapes import MemberInput
from chang_shan.db.database import Database
from chang_shan.db.models import CanteenMeal, ChangeSet
from chang_shan.population import undo
from chang_shan.ui.dialogs.canteen import EndMembershipDialog, MemberDialog
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.canteen_tab import CanteenTab
from tests.population.community import Community, build_community
from tests.ui.driven import Driven
from tests.ui.signed_in import sign_in_as

pytestmark = pytest.mark.gui

MONDAY = date(2024, 5, 6)
START = date(2024, 5, 1)


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def sign_up(db: Database, resident_id: int, mode: str = "堂食", route: str = "", **extra: object) -> int:
    with db.transaction("新增用餐人员") as s:
        row = members.add_member(s, MemberInput(resident_id=resident_id, mode=mode, route=route, start_on=START,
                                                **extra), today=START)  # type: ignore[arg-type]
    return row.id


@pytest.fixture
def diners(db: Database, town: Community) -> Community:
    """张立春 eats in; 王淑芬 (lone) on 一号线; 李桂兰 on 二号线, lunch only."""
    sign_up(db, town.zhang)
    sign_up(db, town.wang, "送餐", "一号线")
    sign_up(db, town.li, "送餐", "二号线", dinner=False)
    return town


def open_tab(qtbot, operations) -> CanteenTab:  # noqa: ANN001
    tab = CanteenTab(operations)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    tab.show()
    tab.start()
    qtbot.waitUntil(lambda: operations.idle and tab.day.meal_list is not None)
    return tab


def show_day(qtbot, tab: CanteenTab, on: date, meal: str) -> None:  # noqa: ANN001
    tab.day.set_meal(meal)
    tab.day.set_day(on)
    qtbot.waitUntil(lambda: tab.ops.idle and tab.day.meal_list is not None
                    and (tab.day.meal_list.on_date, tab.day.meal_list.meal) == (on, meal))


def day_lines(tab: CanteenTab) -> list[tuple[str, bool, str]]:
    return [(item.text(0), item.checkState(0) == Qt.CheckState.Checked, item.text(3)) for item in tab.day.lines()]


def test_add_a_member_through_the_dialog(qtbot, db, town: Community, operations, monkeypatch) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: operations.idle and tab.members.count.text() == "共 0 人（堂食 0，送餐 0）")

    def fill(dialog: MemberDialog) -> None:
        qtbot.keyClicks(dialog.picker.search, "wsf")  # pinyin initials: ASCII keys are safe
        dialog.picker.search_now()
        assert dialog.picker.resident_name() == "王淑芬"
        assert not dialog.route.isEnabled()  # 堂食 by default: no route
        dialog.mode.setCurrentText("送餐")
        assert dialog.route.isEnabled()
        dialog.route.setEditText("一号线")
        dialog.meals.set_values(["午餐"])
        dialog.note.setText("少盐")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    driven = Driven(monkeypatch, MemberDialog, fill)
    tab.members.add_action.trigger()
    assert driven.dialogs[0].result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: operations.idle and tab.members.names() == ["王淑芬"])
    cells = [tab.members.table.item(0, c).text() for c in range(tab.members.table.columnCount())]
    assert cells[2:6] == ["独居", "送餐", "午餐", "一号线"]
    assert cells[-1] == "少盐"
    assert tab.members.selected_id() == driven.dialogs[0].saved_id  # the new member is selected
    assert [tab.members.route.itemText(i) for i in range(tab.members.route.count())] == ["全部线路", "一号线"]
    with db.reader() as s:
        (row,) = members.list_members(s, date.today())
        assert (row.resident_id, row.mode, row.route, row.lunch, row.dinner) == (town.wang, "送餐", "一号线", True, False)
        assert undo.last_action(s).action == "新增用餐人员 王淑芬"

    # …and she is on 一号线's list today, at lunch only
    tab.tabs.setCurrentIndex(0)
    show_day(qtbot, tab, date.today(), "午餐")
    assert tab.day.group_titles() == ["堂食（0 人，勾选 0 人）", "一号线（1 人，勾选 1 人）"]
    show_day(qtbot, tab, date.today(), "晚餐")
    assert tab.day.group_titles() == ["堂食（0 人，勾选 0 人）"]


def test_a_delivery_without_route_is_told_under_the_route(qtbot, db, town: Community) -> None:  # noqa: ANN001
    dialog = MemberDialog(db)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    assert not dialog.save()
    assert dialog.form.error_text("resident_id") == "请选择居民。"
    dialog.picker.search.setText("王淑芬")
    dialog.picker.search_now()
    dialog.mode.setCurrentText("送餐")
    assert not dialog.save()
    assert dialog.form.error_text("route")  # the service's words, under the field
    assert "线路" in dialog.form.error_text("route")
    dialog.meals.set_values([])
    dialog.route.setEditText("一号线")
    assert not dialog.save()
    assert dialog.form.error_text("meals")
    with db.reader() as s:
        assert members.list_members(s, date.today(), include_ended=True) == []


def test_the_day_list_by_route_record_and_correct(qtbot, db, diners: Community, operations) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    show_day(qtbot, tab, MONDAY, "午餐")
    day = tab.day
    assert day.group_titles() == ["堂食（1 人，勾选 1 人）", "一号线（1 人，勾选 1 人）", "二号线（1 人，勾选 1 人）"]
    assert day_lines(tab) == [("张立春", True, ""), ("王淑芬", True, ""), ("李桂兰", True, "")]
    assert day.price.text() == "每餐 ¥7.00"
    assert day.state.text().startswith("尚未记录")
    assert day.total.text() == "共 3 人，勾选 3 人，按每餐 ¥7.00 计 ¥21.00"
    assert day.record_button.isVisible() and day.record_button.isEnabled()

    day.tick(diners.li, False)  # 李桂兰 was not at home
    assert day.group_titles()[2] == "二号线（1 人，勾选 0 人）"
    assert day.total.text() == "共 3 人，勾选 2 人，按每餐 ¥7.00 计 ¥14.00"
    qtbot.mouseClick(day.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.idle and day.meal_list.recorded)
    assert day_lines(tab) == [("张立春", True, "已用餐"), ("王淑芬", True, "已送达"), ("李桂兰", False, "未送达")]
    assert day.state.text().startswith("已记录")
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(CanteenMeal)) == 2
        assert undo.last_action(s).action == "记录用餐 2024-05-06 午餐（2 人）"

    # She was served after all: tick and save again, the day's record is replaced
    day.tick(diners.li, True)
    qtbot.mouseClick(day.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.idle and day_lines(tab)[2] == ("李桂兰", True, "已送达"))
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(CanteenMeal)) == 3
        assert undo.last_action(s).action == "更正用餐记录 2024-05-06 午餐（3 人）"

    # dinner: 李桂兰 takes lunch only
    show_day(qtbot, tab, MONDAY, "晚餐")
    assert [name for name, _on, _state in day_lines(tab)] == ["张立春", "王淑芬"]
    day.prev_button.click()
    qtbot.waitUntil(lambda: operations.idle and day.meal_list.on_date == date(2024, 5, 5))
    assert day.meal() == "晚餐"


def test_unsaved_ticks_are_kept_unless_the_user_agrees(qtbot, diners: Community, operations, boxes) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    show_day(qtbot, tab, MONDAY, "午餐")
    tab.day.tick(diners.wang, False)
    boxes.answer = False
    tab.day.next_button.click()
    assert tab.day.day() == MONDAY and boxes.asked
    assert day_lines(tab)[1] == ("王淑芬", False, "")
    boxes.answer = True
    tab.day.next_button.click()
    qtbot.waitUntil(lambda: operations.idle and tab.day.meal_list.on_date == date(2024, 5, 7))
    assert day_lines(tab)[1] == ("王淑芬", True, "")


def test_the_month_statement(qtbot, db, diners: Community, operations) -> None:  # noqa: ANN001
    with db.transaction("记录用餐") as s:
        meals.record_meal(s, date(2024, 5, 6), "午餐", [diners.wang, diners.zhang])
        meals.record_meal(s, date(2024, 5, 6), "晚餐", [diners.wang])
        meals.record_meal(s, date(2024, 5, 7), "午餐", [diners.wang])
        meals.record_meal(s, date(2024, 6, 3), "午餐", [diners.wang])
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentIndex(2)
    view = tab.statements
    view.set_period(2024, 5)
    qtbot.waitUntil(lambda: operations.idle and view.table.rowCount() == 2)
    rows = [[view.table.item(r, c).text() for c in range(4)] for r in range(2)]
    assert sorted(rows) == sorted([["王淑芬", "3", "3", "¥21.00"], ["张立春", "1", "0", "¥7.00"]])
    assert view.total.text() == "2024年5月 合计：2 人，4 餐（送餐 3 餐），¥28.00"
    assert view.select_resident(diners.wang)
    qtbot.waitUntil(lambda: operations.idle and view.statement is not None)
    assert view.lines_label.text() == "王淑芬 2024年5月：3 餐，¥21.00"
    assert [[view.lines.item(r, c).text() for c in range(4)] for r in range(view.lines.rowCount())] == [
        ["2024-05-06", "午餐", "送餐", "¥7.00"], ["2024-05-06", "晚餐", "送餐", "¥7.00"],
        ["2024-05-07", "午餐", "送餐", "¥7.00"]]
    assert view.statement.total == Decimal("21.00")
    view.next_button.click()  # June: one meal, she stays selected
    qtbot.waitUntil(lambda: operations.idle and view.period() == (2024, 6) and view.statement is not None
                    and view.statement.month == 6)
    assert view.lines_label.text() == "王淑芬 2024年6月：1 餐，¥7.00"


def test_end_a_membership(qtbot, db, diners: Community, operations, monkeypatch) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentIndex(1)
    view = tab.members
    qtbot.waitUntil(lambda: operations.idle and len(view.rows) == 3)
    member_id = next(m.id for m in view.rows if m.resident_id == diners.wang)
    assert view.select_member(member_id) and view.end_action.isEnabled()

    def fill(dialog: EndMembershipDialog) -> None:
        assert dialog.confirmation().startswith("确认 王淑芬 停餐？")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    Driven(monkeypatch, EndMembershipDialog, fill)
    view.end_action.trigger()
    qtbot.waitUntil(lambda: operations.idle and "王淑芬" not in view.names())
    view.include_ended.setChecked(True)
    qtbot.waitUntil(lambda: operations.idle and "王淑芬" in view.names())
    row = view.names().index("王淑芬")
    assert view.table.item(row, 9).text() == f"{date.today():%Y-%m-%d}"
    with db.reader() as s:
        assert undo.last_action(s).action == "停餐 王淑芬"


def test_a_read_only_user_sees_no_actions(qtbot, db, diners: Community, operations) -> None:  # noqa: ANN001
    sign_in_as(db, "viewer", "只读", health=False)
    with db.reader(actor=SYSTEM) as s:
        changes = s.scalar(select(func.count()).select_from(ChangeSet))
    tab = open_tab(qtbot, operations)
    assert not tab.can_edit
    show_day(qtbot, tab, MONDAY, "午餐")
    day = tab.day
    assert not day.record_button.isVisible() and not day.tick_all_button.isVisible()
    assert day.print_button.isVisible()  # printing is reading
    assert all(not item.flags() & Qt.ItemFlag.ItemIsUserCheckable for item in day.lines())
    day.record()  # does nothing
    tab.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: operations.idle and len(tab.members.rows) == 3)
    assert not tab.members.toolbar.isVisible()
    assert tab.members.select_member(tab.members.rows[0].id)
    assert not tab.members.add() and not tab.members.edit() and not tab.members.end()
    row = tab.members.names().index("张立春")
    assert tab.members.table.item(row, 7).text() == "138****0001"  # phones masked
    qtbot.waitUntil(lambda: operations.idle)
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet)) == changes  # the viewer wrote nothing


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The file dialog answers a path in the test's folder; opening the PDF is recorded."""
    opened: list[Path] = []
    monkeypatch.setattr(canteen_print, "choose_pdf_path", lambda _parent, _title, suggested: str(tmp_path / suggested))
    monkeypatch.setattr(canteen_print, "open_file", opened.append)
    return opened


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_print_the_delivery_list(qtbot, diners: Community, operations, printed, tmp_path) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    show_day(qtbot, tab, MONDAY, "午餐")
    statuses: list[str] = []
    tab.statusChanged.connect(statuses.append)
    qtbot.mouseClick(tab.day.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.idle and bool(printed))
    assert printed == [tmp_path / "送餐单-20240506-午餐.pdf"]
    assert printed[0].read_bytes().startswith(b"%PDF")
    text = pdf_text(printed[0])
    assert "王淑芬" in text and "李桂兰" in text and "一号线" in text
    assert statuses[-1].startswith("已生成送餐单")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_print_a_statement(qtbot, db, diners: Community, operations, printed) -> None:  # noqa: ANN001
    with db.transaction("记录用餐") as s:
        for day in (6, 7, 8):
            meals.record_meal(s, date(2024, 5, day), "午餐", [diners.wang])
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentIndex(2)
    view = tab.statements
    assert not view.print_button.isEnabled()
    view.set_period(2024, 5)
    qtbot.waitUntil(lambda: operations.idle and view.table.rowCount() == 1)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: operations.idle and view.print_button.isEnabled())
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.idle and bool(printed))
    assert printed[0].name == "乐龄食堂结算单-王淑芬-2024年05月.pdf"
    assert printed[0].read_bytes().startswith(b"%PDF")
    text = pdf_text(printed[0])
    assert "王淑芬" in text and "21.00" in text


def test_change_a_member_through_the_dialog(qtbot, db, diners: Community, operations, monkeypatch) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentIndex(1)
    view = tab.members
    qtbot.waitUntil(lambda: operations.idle and len(view.rows) == 3)
    view.mode.setCurrentIndex(2)  # 送餐 only
    qtbot.waitUntil(lambda: operations.idle and view.names() == ["李桂兰", "王淑芬"])
    view.route.setCurrentIndex(view.route.findText("一号线"))
    qtbot.waitUntil(lambda: operations.idle and view.names() == ["王淑芬"])
    assert view.select_member(view.rows[0].id)

    def fill(dialog: MemberDialog) -> None:
        assert dialog.picker is None and dialog.person.text().startswith("王淑芬")
        assert (dialog.mode.currentText(), dialog.route.currentText(), dialog.meals.values()) == ("送餐", "一号线", ["午餐", "晚餐"])
        assert [dialog.route.itemText(i) for i in range(dialog.route.count())] == ["一号线", "二号线"]
        dialog.route.setCurrentIndex(1)  # an existing route from the list
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    Driven(monkeypatch, MemberDialog, fill)
    view.edit_action.trigger()
    # 一号线 is no longer in use: the filter goes back to every route, and she stays selected
    qtbot.waitUntil(lambda: operations.idle and view.names() == ["李桂兰", "王淑芬"])
    assert [view.route.itemText(i) for i in range(view.route.count())] == ["全部线路", "二号线"]
    assert view.route.currentIndex() == 0 and view.selected() is not None and view.selected().name == "王淑芬"
    assert view.table.item(1, 5).text() == "二号线"
    with db.reader() as s:
        assert [r.name for r in members.list_members(s, date.today(), route="二号线")] == ["李桂兰", "王淑芬"]
        assert undo.last_action(s).action == "修改用餐人员 王淑芬"


def test_f5_asks_before_dropping_unsaved_ticks(qtbot, diners: Community, operations, boxes) -> None:  # noqa: ANN001
    tab = open_tab(qtbot, operations)
    show_day(qtbot, tab, MONDAY, "午餐")
    tab.day.tick(diners.zhang, False)
    boxes.answer = False
    tab.refresh()
    qtbot.waitUntil(lambda: operations.idle)
    assert len(boxes.asked) == 1 and day_lines(tab)[0] == ("张立春", False, "")
    boxes.answer = True
    tab.refresh()
    qtbot.waitUntil(lambda: operations.idle and day_lines(tab)[0] == ("张立春", True, ""))
    assert not tab.day.dirty
