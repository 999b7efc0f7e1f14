"""The 便民档案库 screen driven with qtbot on a real database: the request list (overdue in red),
its filters, what a read-only user gets, ``open_request``, the statistics tab, the four tabs and
the main window opening a request or a device from the today list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models import ChangeSet
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee
from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.widgets.request_stats import RequestStatsView
from chang_shan.ui.widgets.requests_tab import RequestsTab
from tests.ui.service_desk import Desk, as_user, desk, open_tab, take_in, version  # noqa: F401 (desk: a fixture)

pytestmark = pytest.mark.gui

TODAY = date.today()


def listed(tab: RequestsTab) -> list[int]:
    return [row.id for row in tab.model.rows]


def settle(qtbot, tab: RequestsTab) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: tab.ops.idle and not tab._debounce.isActive())


def test_the_list_shows_an_overdue_request_in_red(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    late = take_in(db, desk, category="维修", content="水龙头漏水", resident="zhang",
                   received=TODAY - timedelta(days=10), due=TODAY - timedelta(days=4))
    fresh = take_in(db, desk, content="上门理发\n下午最好")
    as_user(db, "wangfang")
    tab = open_tab(qtbot, operations)
    assert listed(tab) == [fresh, late]  # newest first
    assert tab.count.text() == "共 2 项，逾期 1 项"
    row = tab.model.row_of(late)
    assert [tab.model.index(row, c).data() for c in range(9)] == [
        str(late), "维修", "张立春", "水龙头漏水", f"{TODAY - timedelta(days=10):%Y-%m-%d}",
        f"{TODAY - timedelta(days=4):%Y-%m-%d}", "待办 逾期 4 天", "", ""]
    assert tab.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOUR
    assert tab.model.index(tab.model.row_of(fresh), 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert tab.model.index(tab.model.row_of(fresh), 3).data() == "上门理发 下午最好"  # one line
    assert tab.detail_panel.note.text() == "请在上面选择一项服务请求。"
    assert [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(9)] == [
        "编号", "类别", "对象", "内容", "受理日期", "期限", "状态", "负责", "满意度"]


def test_filters(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    from chang_shan.service_requests.shapes import RequestInput

    haircut = take_in(db, desk, content="上门理发")
    bath = take_in(db, desk, category="洗澡", content="助浴", resident="zhang",
                   assignee=Assignee("worker", user_id=desk.users["wangfang"]))
    late = take_in(db, desk, category="维修", content="修理门锁", resident="li", received=TODAY - timedelta(days=9),
                   due=TODAY - timedelta(days=2), assignee=Assignee("worker", user_id=desk.users["lina"]))
    with db.transaction("受理服务请求", actor=SYSTEM) as s:  # the 平房区 house, in 第二网格
        house = requests.create_request(s, RequestInput(household_id=desk.town.house, category_id=desk.categories["代办"],
                                                        content="代办低保年审")).row.id
    as_user(db, "wangfang")
    tab = open_tab(qtbot, operations)
    assert sorted(listed(tab)) == sorted([haircut, bath, late, house])

    tab.chips["待办"].setChecked(True)
    settle(qtbot, tab)
    assert sorted(listed(tab)) == sorted([haircut, house])
    tab.chips["处理中"].setChecked(True)  # several statuses at once
    settle(qtbot, tab)
    assert sorted(listed(tab)) == sorted([haircut, bath, late, house])
    tab.chips["逾期"].setChecked(True)
    settle(qtbot, tab)
    assert listed(tab) == [late]
    for chip in tab.chips.values():
        chip.setChecked(False)
    settle(qtbot, tab)

    tab.mine.setChecked(True)  # 我负责的: 王芳's
    settle(qtbot, tab)
    assert listed(tab) == [bath]
    tab.mine.setChecked(False)
    tab.category.setCurrentIndex(tab.category.findText("维修"))
    settle(qtbot, tab)
    assert listed(tab) == [late]
    tab.category.setCurrentIndex(0)
    tab.grid.setCurrentIndex(tab.grid.findText("第二网格"))
    settle(qtbot, tab)
    assert listed(tab) == [house]
    assert tab.model.index(0, 2).data() == "平房区 长山路12号（户）"
    tab.grid.setCurrentIndex(0)
    tab.search.setText("理发")
    settle(qtbot, tab)
    assert listed(tab) == [haircut]
    tab.search.setText("")
    settle(qtbot, tab)
    assert tab.count.text() == "共 4 项，逾期 1 项"


def test_a_read_only_user_has_no_actions(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk)
    as_user(db, "viewer")
    with db.reader(actor=SYSTEM) as s:
        changes = s.scalar(select(func.count()).select_from(ChangeSet))
    tab = open_tab(qtbot, operations)
    assert not tab.toolbar.isVisible()
    assert [a.text() for a in tab.edit_actions if a.isVisible() or a.isEnabled()] == []
    tab.table.select_row(tab.model.row_of(request_id))
    qtbot.waitUntil(lambda: tab.current_detail() is not None and operations.idle)
    assert tab.detail_panel.values["for"].text() == "王淑芬"  # reading is allowed
    for open_ in (tab.new_request, tab.edit, tab.assign, tab.complete, tab.revisit, tab.reopen):
        assert open_() is None
    tab.take_over()
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter opens 修改 for editors only
    assert tab.dialog is None
    qtbot.waitUntil(lambda: operations.idle)
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet)) == changes  # the viewer wrote nothing


def test_open_request_shows_it_whatever_the_filters(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    first = take_in(db, desk, content="上门理发")
    other = take_in(db, desk, category="洗澡", content="助浴")
    as_user(db, "wangfang")
    tab = open_tab(qtbot, operations)
    tab.chips["已回访"].setChecked(True)
    tab.search.setText("助浴")
    settle(qtbot, tab)
    assert listed(tab) == []
    tab.open_request(first)
    qtbot.waitUntil(lambda: operations.idle and tab.current_detail() is not None)
    assert tab.current_request_id() == first
    assert not any(chip.isChecked() for chip in tab.chips.values()) and tab.search.text() == ""
    assert sorted(listed(tab)) == sorted([first, other])
    assert tab.detail_panel.title.text() == f"编号 {first}　理发"


def test_after_a_change_elsewhere_the_list_follows(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk)
    as_user(db, "wangfang")
    tab = open_tab(qtbot, operations)
    tab.table.select_row(tab.model.row_of(request_id))
    qtbot.waitUntil(lambda: tab.current_detail() is not None and operations.idle)
    with db.transaction("办结服务请求", actor=SYSTEM) as s:
        requests.complete_request(s, request_id, "已理发", expected_version=version(db, request_id))
    operations.notify_changed("办结服务请求")
    qtbot.waitUntil(lambda: operations.idle and tab.current_detail() is not None
                    and tab.current_detail().row.status == "已完成")
    assert tab.current_request_id() == request_id and tab.revisit_action.isEnabled()


def test_statistics_of_the_year(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    january = date(TODAY.year, 1, 2)
    take_in(db, desk, received=january, due=january)
    done = take_in(db, desk, category="洗澡", content="助浴", received=january, due=january + timedelta(days=3))
    with db.transaction("办结", actor=SYSTEM) as s:
        requests.complete_request(s, done, "已助浴", expected_version=version(db, done), on=january + timedelta(days=2))
    with db.transaction("回访", actor=SYSTEM) as s:
        requests.record_revisit(s, done, "满意", expected_version=version(db, done), on=january + timedelta(days=3))
    view = RequestStatsView(operations)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: operations.idle and view.months.rowCount() > 0)
    table = view.months
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["类别", *(f"{m}月" for m in range(1, 13)), "合计"]
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 14)] for r in range(table.rowCount())}
    assert rows["理发"] == ["1", *[""] * 11, "1"]
    assert rows["洗澡"] == ["1", *[""] * 11, "1"]
    assert rows["合计"] == ["2", *[""] * 11, "2"]
    assert view.texts() == {"received": "2 项", "closed": "1 项", "open": "1 项", "overdue": "1 项",
                            "median": "2.0 天", "average": "2.0 天"}
    bar, text = view.satisfaction["满意"]
    assert text.text() == "1 项" and bar.format() == "100.0%"
    view.year.setValue(TODAY.year - 1)
    qtbot.waitUntil(lambda: operations.idle and view.texts()["received"] == "0 项")
    assert view.texts()["median"] == "—"


# --- the screen and the main window ----------------------------------------------------------------


def test_the_screen_has_four_tabs_and_passes_on_their_status(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    from chang_shan.ui.screens.services import ServicesScreen

    take_in(db, desk)
    as_user(db, "wangfang")
    screen = ServicesScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    lines: list[str] = []
    screen.statusChanged.connect(lines.append)
    assert screen.title == "便民档案库" and screen.OWNS_CTRL_N
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == ["服务请求", "乐龄食堂", "安全设备", "统计"]
    assert operations.idle  # nothing is read before the screen is shown
    screen.start()
    qtbot.waitUntil(lambda: operations.idle and screen.requests_tab.model.rowCount() == 1)
    assert lines[-1] == "便民档案库·服务请求：共 1 项"
    screen.tabs.setCurrentWidget(screen.stats_tab)
    qtbot.waitUntil(lambda: operations.idle and screen.stats_tab.months.rowCount() > 0)
    assert lines[-1].startswith(f"便民档案库·统计：{TODAY.year} 年受理服务请求 1 项")
    screen.tabs.setCurrentWidget(screen.requests_tab)
    assert lines[-1] == "便民档案库·服务请求：共 1 项"  # each tab's own line comes back


def main_window(qtbot, operations):  # noqa: ANN001, ANN201
    from chang_shan.ui.main_window import MainWindow

    win = MainWindow(operations)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.start()
    win.show()
    qtbot.waitUntil(lambda: win.today.today_list is not None and operations.idle)
    return win


def test_an_overdue_request_opens_from_the_today_list(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    late = take_in(db, desk, category="维修", content="水龙头漏水", received=TODAY - timedelta(days=10),
                   due=TODAY - timedelta(days=4))
    take_in(db, desk, content="上门理发")
    as_user(db, "wangfang")
    win = main_window(qtbot, operations)
    screen = win.services
    screen.tabs.setCurrentWidget(screen.canteen_tab)
    item = win.today.section_items()["overdue_requests"].child(0)
    assert item.text(0) == "王淑芬"
    win.today.tree.setCurrentItem(item)
    qtbot.keyClick(win.today.tree, Qt.Key.Key_Return)
    assert win.current_screen is screen
    assert win.sidebar.currentItem().text() == "便民档案库"
    assert screen.tabs.currentWidget() is screen.requests_tab
    qtbot.waitUntil(lambda: operations.idle and screen.requests_tab.current_detail() is not None)
    assert screen.requests_tab.current_request_id() == late
    assert screen.requests_tab.detail_panel.values["status"].text() == "待办 逾期 4 天"


def test_ctrl_n_on_the_screen_takes_a_request_in(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    from chang_shan.ui.dialogs.service_request import RequestDialog

    as_user(db, "wangfang")
    win = main_window(qtbot, operations)
    win.show_screen(win.services)
    qtbot.waitUntil(lambda: operations.idle and win.services.requests_tab.category.count() > 1)
    assert not win.new_action.isEnabled()  # 新增居民 steps aside: no ambiguous Ctrl+N
    tab = win.services.requests_tab
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(tab.dialog, RequestDialog)
    tab.dialog.close_without_asking()
    win.show_screen(win.population)
    assert win.new_action.isEnabled()


def test_an_expiring_device_opens_on_the_devices_tab(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    from chang_shan.safety import devices
    from chang_shan.safety.shapes import DeviceInput

    with db.transaction("登记安全设备", actor=SYSTEM) as s:
        device_id = devices.add_device(s, DeviceInput(kind="燃气报警器", household_id=desk.town.h301,
                                                      installed_on=date(TODAY.year - 5, 1, 1),
                                                      expires_on=TODAY.replace(day=1))).id
    as_user(db, "wangfang")
    win = main_window(qtbot, operations)
    assert win.today.section_items()["devices_expiring"].childCount() == 1
    win.open_record("device", device_id)
    screen = win.services
    assert win.current_screen is screen and screen.tabs.currentWidget() is screen.devices_tab
    qtbot.waitUntil(lambda: operations.idle and screen.devices_tab.current_device_id() == device_id)
