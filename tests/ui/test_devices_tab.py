"""The 安全设备 tab driven with qtbot on a real database: the unit-by-unit coverage with its gaps
marked, a gas alarm added through the real dialog, an expired extinguisher in red, an inspection,
a replacement and a removal, open_device, the service's messages under their fields, and what a
read-only user gets. Chinese goes in with setText() (qtbot.keyClicks aborts the process on
non-ASCII, DESIGN.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from sqlalchemy import func, select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet
from chang_shan.population import undo
from chang_shan.safety import devices
from chang_shan.safety.dates import month_end
from chang_shan.safety.shapes import DeviceFilter, DeviceInput
from chang_shan.ui.dialogs.safety_device import DeviceDialog, InspectionDialog, RemoveDeviceDialog
from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.widgets.device_coverage import EXPIRING_COLOUR
from chang_shan.ui.widgets.devices_tab import DevicesTab
from tests.population.community import Community, build_community

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"
TODAY = date.today()
UNIT1, UNIT2, LOW_RISE = 0, 1, 2  # coverage rows: 3号楼1单元 (101, 102), 3号楼2单元 (301), 平房区


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def open_tab(qtbot, operations) -> DevicesTab:  # noqa: ANN001
    tab = DevicesTab(operations)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    tab.start()
    qtbot.waitUntil(lambda: operations.idle and tab.grid.count() > 1)
    return tab


@pytest.fixture
def tab(qtbot, operations, town) -> DevicesTab:  # noqa: ANN001
    return open_tab(qtbot, operations)


def coverage(tab: DevicesTab) -> list[list[str]]:
    table = tab.coverage_page.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def listed(tab: DevicesTab) -> list[list[str]]:
    model = tab.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def settle(qtbot, tab: DevicesTab) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: tab.ops.idle)


def saved(qtbot, tab: DevicesTab, dialog) -> None:  # noqa: ANN001
    """Save ``dialog`` (opened by the tab) and wait until the tab has reloaded."""
    assert dialog.save(), dialog.banner_text() or dialog.form.errors_shown()
    qtbot.waitUntil(lambda: tab.dialog is None)
    settle(qtbot, tab)


def add(db: Database, data: DeviceInput) -> int:
    with db.transaction(f"新增{data.kind}") as s:
        return devices.add_device(s, data).id


def extinguisher(town: Community, **extra: object) -> DeviceInput:
    return DeviceInput(kind="灭火器", unit_id=town.unit2, **extra)  # type: ignore[arg-type]


def select_device(qtbot, tab: DevicesTab, device_id: int) -> None:  # noqa: ANN001
    tab.tabs.setCurrentWidget(tab.list_page)
    row = tab.model.row_of(device_id)
    assert row is not None
    tab.table.select_row(row)
    assert tab.current_device_id() == device_id


def test_coverage_of_every_unit_then_a_gas_alarm_through_the_dialog(qtbot, tab: DevicesTab, town: Community,  # noqa: ANN001
                                                                   db: Database) -> None:
    assert coverage(tab) == [
        ["3号楼1单元", "2", "0（0%）", "0", "0", "0", "0", "2 户无燃气报警器、无灭火器、无烟感"],
        ["3号楼2单元", "1", "0（0%）", "0", "0", "0", "0", "1 户无燃气报警器、无灭火器、无烟感"],
        ["平房区", "1", "0（0%）", "0", "0", "0", "0", "1 户无燃气报警器、无灭火器"],
    ]
    gas = tab.coverage_page.table.item(UNIT1, 2)
    assert gas.foreground().color().name() == ERROR_COLOUR and gas.font().bold()
    assert not tab.coverage_page.table.item(UNIT1, 0).icon().isNull()  # no micro fire station: marked
    assert tab.coverage_page.table.item(UNIT1, 0).foreground().color().name() == ERROR_COLOUR
    assert "有燃气报警器 0 户（0.0%）" in tab.summary.text()

    # Double-click 3号楼1单元: the device list of that unit (empty so far)
    tab.coverage_page.table.doubleClicked.emit(tab.coverage_page.table.model().index(UNIT1, 0))
    assert tab.tabs.currentWidget() is tab.list_page
    assert tab.chosen_place() == ("unit", town.unit1) and tab.place.currentText() == "　3号楼1单元"
    settle(qtbot, tab)
    assert listed(tab) == [] and tab.detail.text() == "没有符合条件的设备。"

    dialog = tab.new_device()
    assert isinstance(dialog, DeviceDialog) and tab.dialog is dialog and dialog.isVisible()
    assert dialog.kind() == "燃气报警器"
    assert dialog.picker.place.unit_id() == town.unit1  # where the list was
    assert dialog.installed_edit.value() == TODAY
    assert dialog.expires_edit.value() == devices.default_expiry("燃气报警器", TODAY)
    assert dialog.form.hint_text("expires_on") == "按燃气报警器使用年限 5 年自动填入，可修改。"
    assert not dialog.save()  # no household chosen yet
    assert dialog.form.error_text("place") == "请选择安装燃气报警器的户。"
    dialog.picker.household.set_code(str(town.h101))
    dialog.location_edit.setText("厨房")
    dialog.model_edit.setText("JT-AEC2363")
    saved(qtbot, tab, dialog)

    assert coverage(tab)[UNIT1][:3] == ["3号楼1单元", "2", "1（50%）"]
    assert coverage(tab)[UNIT1][7] == "1 户无燃气报警器、无灭火器、无烟感"
    expires = devices.default_expiry("燃气报警器", TODAY)
    assert listed(tab) == [["燃气报警器", "3号楼1单元101 厨房", f"{TODAY:%Y-%m-%d}", "未检查", f"{expires:%Y-%m-%d}", "在用"]]
    assert tab.current_device() is not None and tab.current_device().household_id == town.h101  # selected
    assert "型号：JT-AEC2363" in tab.detail.text()
    with db.reader() as s:
        assert undo.last_action(s).action == "新增燃气报警器"


def test_an_expired_extinguisher_is_red_and_counted(qtbot, tab: DevicesTab, town: Community, db: Database) -> None:  # noqa: ANN001
    old = add(db, extinguisher(town, location="1楼楼梯口", installed_on=date(2015, 3, 1), expires_on=date(2020, 3, 1)))
    due = add(db, DeviceInput(kind="烟感报警器", unit_id=town.unit2, installed_on=TODAY - timedelta(days=400),
                              expires_on=month_end(TODAY)))
    fine = add(db, DeviceInput(kind="灭火器", building_id=town.low_rise))
    tab.refresh()
    settle(qtbot, tab)
    assert coverage(tab)[UNIT2][3:8] == ["1", "1", "1", "1", "1 户无燃气报警器、1 件已过期、1 件本月到期"]
    expired_cell, due_cell = tab.coverage_page.table.item(UNIT2, 5), tab.coverage_page.table.item(UNIT2, 6)
    assert expired_cell.foreground().color().name() == ERROR_COLOUR
    assert due_cell.foreground().color().name() == EXPIRING_COLOUR and due_cell.font().bold()
    assert tab.coverage_page.table.item(UNIT2, 3).foreground().color().name() != ERROR_COLOUR  # it has an extinguisher
    assert coverage(tab)[LOW_RISE][7] == "1 户无燃气报警器"  # no smoke detector is asked of the 平房区
    low_rise = tab.coverage_page.table.item(LOW_RISE, 0)
    assert low_rise.icon().isNull() and low_rise.foreground().color().name() != ERROR_COLOUR  # only the share is red
    assert tab.coverage_page.table.item(LOW_RISE, 2).foreground().color().name() == ERROR_COLOUR
    assert not tab.coverage_page.table.item(UNIT2, 0).icon().isNull()  # something expired
    which = tab.coverage_page.which
    which.setCurrentText("缺灭火器、烟感或有过期")
    assert [row[0] for row in coverage(tab)] == ["3号楼1单元", "3号楼2单元"]
    which.setCurrentText("有过期或本月到期")
    assert [row[0] for row in coverage(tab)] == ["3号楼2单元"]
    tab.coverage_page.table.selectRow(0)
    qtbot.keyClick(tab.coverage_page.table, Qt.Key.Key_Return)  # Enter lists that unit's devices
    assert tab.tabs.currentWidget() is tab.list_page and tab.chosen_place() == ("unit", town.unit2)
    settle(qtbot, tab)
    assert len(listed(tab)) == 2
    which.setCurrentText("全部")
    tab.place.setCurrentIndex(0)
    settle(qtbot, tab)
    assert "已过期 1 件，本月到期 1 件" in tab.summary.text()

    tab.tabs.setCurrentWidget(tab.list_page)
    model = tab.model
    by_id = {model.rows[r].id: r for r in range(model.rowCount())}
    red = model.index(by_id[old], 4)
    assert model.index(by_id[old], 5).data() == "在用（已过期）"
    assert red.data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOUR
    assert isinstance(red.data(Qt.ItemDataRole.FontRole), QFont) and red.data(Qt.ItemDataRole.FontRole).bold()
    assert red.data(Qt.ItemDataRole.ToolTipRole).startswith("已过期 ")
    orange = model.index(by_id[due], 4)
    assert model.index(by_id[due], 5).data() == "在用（本月到期）"
    assert orange.data(Qt.ItemDataRole.ForegroundRole).color().name() == EXPIRING_COLOUR
    assert orange.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(by_id[fine], 4).data(Qt.ItemDataRole.ForegroundRole) is None
    assert tab.count.text() == "共 3 件，已过期 1 件，本月到期 1 件"

    tab.expiring_only.setChecked(True)
    settle(qtbot, tab)
    assert sorted(d.id for d in model.rows) == sorted([old, due])
    tab.kind.setCurrentIndex(tab.kind.findData("灭火器"))
    settle(qtbot, tab)
    assert [d.id for d in model.rows] == [old]


def test_record_an_inspection(qtbot, tab: DevicesTab, town: Community, db: Database) -> None:  # noqa: ANN001
    device_id = add(db, extinguisher(town, installed_on=date(2023, 5, 1)))
    tab.refresh()
    settle(qtbot, tab)
    select_device(qtbot, tab, device_id)
    settle(qtbot, tab)
    assert tab.inspections.item(0, 0).text() == "还没有检查记录"
    assert tab.inspect_action.isEnabled()
    tab.inspect_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, InspectionDialog)
    assert dialog.date_edit.value() == TODAY and dialog.result_row.code() == "正常"
    assert "已更换" not in dialog.result_row.buttons  # a new device is 更换
    dialog.date_edit.setDate(QDate(2022, 1, 1))  # before the installation: told under the date
    assert not dialog.save()
    assert dialog.form.error_text("on_date") == "检查日期不能早于安装日期（2023-05-01）。"
    dialog.date_edit.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    dialog.result_row.set_code("需维修")
    dialog.inspector_edit.setText("王主任")
    dialog.note_edit.setText("压力表指针偏低")
    saved(qtbot, tab, dialog)
    qtbot.waitUntil(lambda: tab.inspections.rowCount() == 1 and tab.inspections.item(0, 1).text() == "需维修")
    assert [tab.inspections.item(0, c).text() for c in range(4)] == [f"{TODAY:%Y-%m-%d}", "需维修", "王主任", "压力表指针偏低"]
    assert tab.inspections.item(0, 1).foreground().color().name() == ERROR_COLOUR
    assert tab.current_device_id() == device_id
    assert listed(tab)[0][3] == f"{TODAY:%Y-%m-%d}"  # 最近检查


def test_replace_then_the_old_one_shows_when_retired_are_included(qtbot, tab: DevicesTab, town: Community,  # noqa: ANN001
                                                                 db: Database) -> None:
    old = add(db, extinguisher(town, location="单元长家", serial="A-1", installed_on=date(2019, 6, 1)))
    tab.refresh()
    settle(qtbot, tab)
    select_device(qtbot, tab, old)
    dialog = tab.replace_device()
    assert isinstance(dialog, DeviceDialog) and dialog.windowTitle() == "更换安全设备"
    assert dialog.header.text() == "更换：灭火器　3号楼2单元 单元长家"
    assert not dialog.kind_row.isVisible() and not dialog.picker.isVisible()  # the old one's kind and place
    assert dialog.old_label.text() == "2019-06-01 安装，2024-06-01 到期　编号：A-1"
    assert dialog.location_edit.text() == "单元长家" and dialog.serial_edit.text() == ""
    assert dialog.expires_edit.value() == devices.default_expiry("灭火器", TODAY)
    dialog.serial_edit.setText("B-2")
    saved(qtbot, tab, dialog)

    assert [row[0] for row in listed(tab)] == ["灭火器"]
    new = tab.current_device()
    assert new is not None and new.id != old and new.serial == "B-2"  # the new one, selected
    tab.include_retired.setChecked(True)
    settle(qtbot, tab)
    statuses = {d.id: tab.model.index(r, 5).data() for r, d in enumerate(tab.model.rows)}
    assert statuses == {old: "已更换", new.id: "在用"}
    retired = tab.model.index(tab.model.row_of(old), 0)
    assert retired.data(Qt.ItemDataRole.ForegroundRole).color().name() != ERROR_COLOUR
    select_device(qtbot, tab, old)
    assert not tab.inspect_action.isEnabled() and not tab.replace_action.isEnabled()
    assert not tab.remove_action.isEnabled() and tab.edit_action.isEnabled()
    qtbot.waitUntil(lambda: tab.inspections.item(0, 1) is not None and tab.inspections.item(0, 1).text() == "已更换")


def test_remove_after_confirming(qtbot, tab: DevicesTab, town: Community, db: Database) -> None:  # noqa: ANN001
    device_id = add(db, DeviceInput(kind="燃气报警器", household_id=town.h301, installed_on=date(2022, 1, 1)))
    tab.refresh()
    settle(qtbot, tab)
    assert coverage(tab)[UNIT2][2] == "1（100%）"
    select_device(qtbot, tab, device_id)
    dialog = tab.remove_device()
    assert isinstance(dialog, RemoveDeviceDialog)
    assert dialog.confirmation().startswith("确认拆除 3号楼2单元301 的燃气报警器？")
    dialog.note_edit.setText("住户搬走")
    saved(qtbot, tab, dialog)
    assert listed(tab) == [] and coverage(tab)[UNIT2][2] == "0（0%）"
    with db.reader() as s:
        row = devices.get_device(s, device_id)
    assert row.status == "已拆除" and row.note.endswith("住户搬走")


def test_open_device_widens_the_filters_and_selects_it(qtbot, tab: DevicesTab, town: Community, db: Database) -> None:  # noqa: ANN001
    in_grid2 = add(db, DeviceInput(kind="灭火器", building_id=town.low_rise))
    in_grid1 = add(db, extinguisher(town))
    tab.refresh()
    settle(qtbot, tab)
    tab.grid.setCurrentIndex(tab.grid.findData(town.grid1))
    tab.kind.setCurrentIndex(tab.kind.findData("烟感报警器"))
    settle(qtbot, tab)
    assert listed(tab) == []
    tab.tabs.setCurrentWidget(tab.coverage_page)
    tab.open_device(in_grid2)  # from the today list
    qtbot.waitUntil(lambda: tab.current_device_id() == in_grid2)
    settle(qtbot, tab)
    assert tab.tabs.currentWidget() is tab.list_page
    assert tab.grid.currentData() is None and tab.kind.currentData() is None
    assert [row[1] for row in coverage(tab)] == ["2", "1", "1"]  # the coverage follows the grid
    tab.open_device(in_grid1)  # already listed: selected at once
    assert tab.current_device_id() == in_grid1

    with db.transaction("拆除灭火器") as s:
        devices.remove_device(s, in_grid1)
    tab.ops.notify_changed("拆除灭火器")
    settle(qtbot, tab)
    assert tab.model.row_of(in_grid1) is None
    tab.open_device(in_grid1)  # no longer in use: 含已更换/拆除 is ticked to show it
    qtbot.waitUntil(lambda: tab.current_device_id() == in_grid1)
    assert tab.include_retired.isChecked()


def test_open_device_before_the_tab_was_shown(qtbot, operations, town: Community, db: Database) -> None:  # noqa: ANN001
    device_id = add(db, extinguisher(town))
    tab = DevicesTab(operations)
    qtbot.addWidget(tab)
    tab.open_device(device_id)
    qtbot.waitUntil(lambda: tab.current_device_id() == device_id)
    settle(qtbot, tab)
    assert len(coverage(tab)) == 3


def test_the_services_messages_show_under_their_fields(qtbot, tab: DevicesTab, town: Community,  # noqa: ANN001
                                                       db: Database) -> None:
    tab.tabs.setCurrentWidget(tab.list_page)
    dialog = tab.new_device()
    assert isinstance(dialog, DeviceDialog)
    dialog.kind_row.set_code("灭火器")
    assert dialog.picker.household.isHidden()  # an extinguisher goes in a unit
    assert dialog.expires_edit.value() == devices.default_expiry("灭火器", TODAY)
    dialog.picker.select_place(town.building3, None)  # a 楼房 without choosing the unit
    assert not dialog.save()
    assert dialog.form.error_text("place") == "3号楼有单元，灭火器请登记在单元。"
    dialog.picker.select_place(town.building3, town.unit1)
    dialog.expires_edit.setDate(QDate(TODAY.year - 1, 1, 1))  # edited: no longer follows the date
    assert dialog.form.hint_text("expires_on") == ""
    assert not dialog.save()
    assert dialog.form.error_text("place") == ""
    assert dialog.form.error_text("expires_on") == f"到期日期须晚于安装日期（{TODAY:%Y-%m-%d}）。"
    assert tab.new_device() is None  # one dialog at a time
    dialog.installed_edit.setDate(QDate(2020, 2, 29))
    assert dialog.expires_edit.value() == date(TODAY.year - 1, 1, 1)
    dialog.expires_edit.setDate(QDate(2025, 2, 28))
    saved(qtbot, tab, dialog)
    with db.reader() as s:
        (row,) = devices.list_devices(s, DeviceFilter())
    assert (row.kind, row.unit_id, row.installed_on, row.expires_on) == ("灭火器", town.unit1, date(2020, 2, 29),
                                                                        date(2025, 2, 28))


def test_edit_a_device(qtbot, tab: DevicesTab, town: Community, db: Database) -> None:  # noqa: ANN001
    device_id = add(db, DeviceInput(kind="燃气报警器", household_id=town.h101, installed_on=date(2022, 3, 1)))
    tab.refresh()
    settle(qtbot, tab)
    select_device(qtbot, tab, device_id)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter (or a double click) opens 修改
    dialog = tab.dialog
    assert isinstance(dialog, DeviceDialog) and dialog.windowTitle() == "修改安全设备"
    assert dialog.picker.household_id() == town.h101
    assert dialog.expires_edit.value() == date(2027, 3, 1) and not dialog.is_dirty()
    dialog.picker.place.select(town.building3, town.unit2)  # it was 301's, entered wrongly
    dialog.picker.household.set_code(str(town.h301))
    dialog.location_edit.setText("厨房")
    saved(qtbot, tab, dialog)
    assert listed(tab)[0][1] == "3号楼2单元301 厨房"
    assert tab.current_device_id() == device_id


def test_a_read_only_user_sees_no_actions(qtbot, db: Database, town: Community, operations) -> None:  # noqa: ANN001
    device_id = add(db, extinguisher(town))
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员")
        users.create_user(s, "viewer", PASSWORD, "只读")
    db.actor = None
    sign_in(db, "viewer", PASSWORD)
    with db.reader(actor=SYSTEM) as s:
        changes = s.scalar(select(func.count()).select_from(ChangeSet))
    tab = open_tab(qtbot, operations)
    tab.tabs.setCurrentWidget(tab.list_page)
    assert coverage(tab)[UNIT2][3] == "1"
    assert tab.toolbar.isHidden()
    assert not any(act.isVisible() for act in tab.toolbar.actions())
    select_device(qtbot, tab, device_id)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    for act in tab.toolbar.actions():
        act.trigger()  # nothing opens
    assert tab.dialog is None
    assert tab.new_device() is None and tab.edit_device() is None and tab.remove_device() is None
    qtbot.waitUntil(lambda: tab.inspections.item(0, 0) is not None)  # the record can still be read
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet)) == changes
