"""The 包保关怀 screen driven with qtbot on a real database: the care targets with the elders
without a caretaker standing out, 指定包保人 and 结束包保 through their real dialogs, the
caretaker's list, undo, and what a read-only user gets. Chinese goes in with setText()
(qtbot.keyClicks aborts the process on non-ASCII, DESIGN.md)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.care import assignments, contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet
from chang_shan.population import undo
from chang_shan.population.residents import age_on
from chang_shan.ui.dialogs.caretaker import AssignCaretakerDialog, EndCareDialog
from chang_shan.ui.dialogs.contacts import ContactsDialog
from chang_shan.ui.screens.care import NO_CARETAKER, CareScreen
from chang_shan.ui.forms.fields import ERROR_COLOUR
from tests.population.community import Community, build_community
from tests.ui.driven import Driven

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def open_screen(qtbot, operations) -> CareScreen:  # noqa: ANN001
    widget = CareScreen(operations)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.start()
    qtbot.waitUntil(lambda: operations.idle and widget.grid.count() > 1)
    return widget


@pytest.fixture
def screen(qtbot, operations, town) -> CareScreen:  # noqa: ANN001
    return open_screen(qtbot, operations)


def rows(screen: CareScreen) -> list[list[str]]:
    model = screen.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def settle(qtbot, screen: CareScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle)


def assign_by_search(qtbot, name: str, initials: str):  # noqa: ANN001, ANN201
    """Find the caretaker by typed initials (ASCII keyClicks), check the name, save."""
    def fill(dialog: AssignCaretakerDialog) -> None:
        qtbot.keyClicks(dialog.picker.search, initials)
        dialog.picker.search_now()
        assert dialog.picker.caretaker_name() == name
        assert f"确认由 {name} 包保" in dialog.confirmation()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return fill


def test_a_lone_elder_without_caretaker_stands_out(screen: CareScreen, town: Community) -> None:
    assert rows(screen) == [["王淑芬", f"{age_on(date(1940, 11, 2), date.today())} 岁",
                             "3号楼2单元301", "独居", NO_CARETAKER, "未走访"]]
    first = screen.model.index(0, 0)
    assert first.data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOUR
    assert first.data(Qt.ItemDataRole.DecorationRole) is not None
    assert screen.count.text() == "需包保老人 1 人，其中无包保人 1 人"
    assert screen.caretaker_list.count() == 0
    assert screen.assign_action.isVisible() and screen.end_action.isVisible()


def test_assign_then_end_a_caretaker(qtbot, screen: CareScreen, town: Community, db, monkeypatch) -> None:  # noqa: ANN001
    screen.table.select_row(0)
    assert screen.assign_action.isEnabled() and not screen.end_action.isEnabled()
    driven = Driven(monkeypatch, AssignCaretakerDialog, assign_by_search(qtbot, "张立春", "zlc"))
    screen.assign_action.trigger()
    assert driven.dialogs[0].result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: rows(screen)[0][4] == "张立春")
    settle(qtbot, screen)
    first = screen.model.index(0, 0)
    assert first.data(Qt.ItemDataRole.ForegroundRole) is None  # no longer red …
    assert first.data(Qt.ItemDataRole.DecorationRole) is None  # … nor marked
    assert screen.count.text() == "需包保老人 1 人，其中无包保人 0 人"
    assert screen.current_elder_id() == town.wang  # still selected after the reload
    assert screen.history_table.rowCount() == 1
    assert screen.history_table.item(0, 0).text() == "张立春"
    assert screen.history_table.item(0, 3).text() == "至今"
    assert screen.end_action.isEnabled()

    # 按包保人: 张立春 with one elder, 王淑芬 under him
    screen.tabs.setCurrentIndex(1)
    assert [screen.caretaker_list.item(r).text() for r in range(screen.caretaker_list.count())] == ["张立春　1 人"]
    screen.caretaker_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: screen.elders_table.rowCount() == 1)
    assert screen.elders_table.item(0, 0).text() == "王淑芬"
    assert screen.elders_label.text() == "张立春包保的老人（1 人）："
    screen.elders_table.selectRow(0)
    assert screen.current_elder_id() == town.wang and screen.end_action.isEnabled()

    # 结束包保 from the caretaker's list: she is back without a caretaker
    ended_on = date.today()  # the day it started: allowed

    def end(dialog: EndCareDialog) -> None:
        assert dialog.date_edit.value() == date.today()
        assert dialog.confirmation().startswith("确认结束 张立春 对 王淑芬 的包保？")
        dialog.date_edit.setDate(QDate(ended_on.year, ended_on.month, ended_on.day))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    Driven(monkeypatch, EndCareDialog, end)
    screen.end_action.trigger()
    qtbot.waitUntil(lambda: rows(screen)[0][4] == NO_CARETAKER)
    settle(qtbot, screen)
    assert screen.caretaker_list.count() == 0 and screen.elders_table.rowCount() == 0
    screen.tabs.setCurrentIndex(0)
    screen.table.select_row(0)
    assert screen.history_table.item(0, 3).text() == f"{ended_on:%Y-%m-%d}"  # the history stays
    with db.reader() as s:
        assert assignments.caretaker_of(s, town.wang) is None
        assert undo.last_action(s).action == "结束包保 王淑芬"


def test_undo_brings_the_caretaker_back(qtbot, screen: CareScreen, town: Community, db) -> None:  # noqa: ANN001
    with db.transaction("指定包保人 王淑芬") as s:
        assignments.assign_caretaker(s, town.wang, town.son, date.today())
    screen.ops.notify_changed("指定包保人 王淑芬")
    qtbot.waitUntil(lambda: rows(screen)[0][4] == "张伟")
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "指定包保人 王淑芬"
    screen.ops.notify_changed("撤销")
    qtbot.waitUntil(lambda: rows(screen)[0][4] == NO_CARETAKER)


def test_only_without_caretaker_and_open_resident(qtbot, screen: CareScreen, town: Community, db) -> None:  # noqa: ANN001
    screen.only_missing.setChecked(True)
    assert [r[0] for r in rows(screen)] == ["王淑芬"]
    with db.transaction("指定包保人 王淑芬") as s:
        assignments.assign_caretaker(s, town.wang, town.zhang, date.today())
    screen.ops.notify_changed("指定包保人 王淑芬")
    qtbot.waitUntil(lambda: rows(screen) == [])
    assert screen.count.text() == "需包保老人 1 人，其中无包保人 0 人"
    screen.tabs.setCurrentIndex(1)
    screen.open_resident(town.wang)  # e.g. from the today list: shown even with the box ticked
    assert screen.tabs.currentIndex() == 0 and not screen.only_missing.isChecked()
    assert screen.current_elder_id() == town.wang


def test_grid_filter(qtbot, screen: CareScreen, town: Community) -> None:  # noqa: ANN001
    assert [screen.grid.itemText(i) for i in range(screen.grid.count())] == ["全部网格", "第一网格", "第二网格"]
    screen.grid.setCurrentIndex(2)
    qtbot.waitUntil(lambda: screen.ops.idle and rows(screen) == [])
    screen.open_resident(town.wang)  # not in 第二网格: back to every grid, then selected
    qtbot.waitUntil(lambda: screen.ops.idle and screen.current_elder_id() == town.wang)
    assert screen.grid.currentIndex() == 0


def test_suggested_caretakers_come_first(qtbot, db, town: Community) -> None:  # noqa: ANN001
    from chang_shan.population import roles

    with db.transaction("任命单元长") as s:
        roles.assign_role(s, town.son, "单元长", town.unit2, start_on=date(2021, 1, 1))
    dialog = AssignCaretakerDialog(db, town.wang)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    assert dialog.picker.list.item(0).text() == "张伟　单元长（3号楼2单元）　已包保 0 人"
    assert dialog.picker.caretaker_id() == town.son
    assert dialog.date_edit.value() == date.today()
    dialog.picker.search.setText("李桂")
    dialog.picker.search_now()
    assert dialog.picker.caretaker_name() == "李桂兰"
    dialog.picker.search.setText("王淑芬")  # the elder herself is never offered
    dialog.picker.search_now()
    assert dialog.picker.list.count() == 0 and dialog.picker.caretaker_id() is None
    assert not dialog.save()
    assert dialog.form.error_text("caretaker_id") == "请选择包保人。"


def test_a_start_before_the_current_one_is_told_under_the_date(qtbot, db, town: Community) -> None:  # noqa: ANN001
    with db.transaction("指定包保人 王淑芬") as s:
        assignments.assign_caretaker(s, town.wang, town.zhang, date(2024, 3, 1))
    dialog = AssignCaretakerDialog(db, town.wang)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    assert "目前的包保人：张立春（2024-03-01 起）" in dialog.form.hint_text("caretaker_id")
    dialog.picker.search.setText("张伟")
    dialog.picker.search_now()
    dialog.date_edit.setDate(QDate(2024, 1, 1))
    assert not dialog.save()
    assert dialog.form.error_text("on_date") == "开始日期不能早于现任包保人的开始日期（2024-03-01）。"
    with db.reader() as s:
        assert assignments.caretaker_of(s, town.wang).caretaker_name == "张立春"


def test_a_read_only_user_sees_no_edit_actions(qtbot, db, town: Community, operations, monkeypatch) -> None:  # noqa: ANN001
    with db.transaction("指定包保人 王淑芬") as s:
        assignments.assign_caretaker(s, town.wang, town.zhang, date.today())
        contacts.set_contacts(s, town.wang, [ContactInput(name="王小明", relation="儿子", phone="13904310099")])
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员")
        users.create_user(s, "viewer", PASSWORD, "只读")
    db.actor = None
    sign_in(db, "viewer", PASSWORD)  # (the sign-in itself is recorded)
    with db.reader(actor=SYSTEM) as s:
        changes = s.scalar(select(func.count()).select_from(ChangeSet))
    screen = open_screen(qtbot, operations)
    assert rows(screen)[0][4] == "张立春"
    assert not screen.assign_action.isVisible() and not screen.end_action.isVisible()
    assert [a.text() for a in screen.toolbar.actions() if a.isVisible()] == ["紧急联系人"]
    screen.table.select_row(0)
    screen.assign_action.trigger()  # the shortcut does nothing either
    screen.end_action.trigger()
    seen: list[ContactsDialog] = []

    def look(dialog: ContactsDialog) -> None:
        seen.append(dialog)
        dialog.reject()

    Driven(monkeypatch, ContactsDialog, look)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # Enter (or a double click) opens the contacts to look at
    assert len(seen) == 1 and not seen[0].editable
    assert seen[0].lines[0].phone.text() == "139****0099"
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet)) == changes  # the viewer wrote nothing


def test_the_elders_get_the_room_on_a_1366_by_768_screen(qtbot, qapp, operations, town: Community) -> None:  # noqa: ANN001
    """At the program's font, in the room the window gives the screen at 1366×768, the elders'
    list is most of the page: the history below (usually one or two lines) took 216 of 504 pixels
    and the list showed eight elders."""
    from PySide6.QtWidgets import QSplitter

    from chang_shan.ui.app import ui_font

    before = qapp.font()
    qapp.setFont(ui_font())
    try:
        widget = CareScreen(operations)
        qtbot.addWidget(widget)
        widget.resize(1230, 700)  # 1366×768 less the sidebar, the menu and the status bar
        widget.show()
        widget.start()
        qtbot.waitUntil(lambda: operations.idle and widget.grid.count() > 1)
        splitter = widget.table.parentWidget()
        assert isinstance(splitter, QSplitter)
        elders, history = splitter.sizes()
        assert elders >= 2 * history
        assert history >= widget.history_table.horizontalHeader().height() + 2 * widget.table.rowHeight(0)
    finally:
        qapp.setFont(before)
