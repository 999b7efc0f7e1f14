"""The 遗嘱库 screen driven with qtbot on a real database: the list and its filters, the detail with
masked numbers and the chain of wills (第1142条), the audited view, what an account without the
will permission or without 修改台账 gets, the step dialogs (撤回, 紧急情况已消除, 启用, 已通知查看人),
attachments, the prints, and the main window opening a will from the today list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models import ChangeSet
from chang_shan.population import residents
from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.screens import wills as wills_screen
from chang_shan.ui.screens.wills import WillsScreen
from chang_shan.wills import registry
from tests.ui.will_desk import (  # noqa: F401 (will_desk: a fixture)
    FRIEND_ID,
    NEIGHBOUR_ID,
    WillDesk,
    as_user,
    register,
    will_desk,
    will_input,
)

pytestmark = pytest.mark.gui


def open_screen(qtbot, operations) -> WillsScreen:  # noqa: ANN001
    screen = WillsScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    screen.start()
    qtbot.waitUntil(lambda: operations.idle and screen.count.text().startswith("共"))
    return screen


def settle(qtbot, screen: WillsScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle and not screen._debounce.isActive())


def select_will(qtbot, screen: WillsScreen, will_id: int) -> None:  # noqa: ANN001
    screen.table.select_row(screen.model.row_of(will_id))
    qtbot.waitUntil(lambda: screen.current_detail() is not None and screen.ops.idle)


def listed(screen: WillsScreen) -> list[str]:
    return [row.number for row in screen.model.rows]


def view_events(db) -> list[str]:  # noqa: ANN001
    with db.reader(actor=SYSTEM) as s:
        return list(s.scalars(select(ChangeSet.action).where(ChangeSet.kind == "view").order_by(ChangeSet.id)))


def test_the_list_the_detail_and_the_chain(qtbot, operations, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    town = will_desk.town
    first = register(db, will_input(town, form="自书", made=date(2023, 5, 1), registered=date(2023, 5, 2)))
    second = register(db, will_input(town, form="公证", made=date(2024, 3, 1), notary_office="长春市长春公证处",
                                     notary_certificate="(2024)吉长证民字第88号"))
    wang = register(db, will_input(town, testator="wang", form="打印", made=date(2024, 6, 1),
                                   registered=date(2024, 6, 3)))
    as_user(db, "clerk")
    screen = open_screen(qtbot, operations)
    assert sorted(listed(screen)) == ["YZ2023-0001", "YZ2024-0001", "YZ2024-0002"]
    assert screen.count.text() == "共 3 份，有效 2 份"
    row = screen.model.row_of(first)
    cells = [screen.model.index(row, c).data() for c in range(9)]
    assert cells[:7] == ["YZ2023-0001", "张立春", f"{residents.age_on(date(1950, 3, 12), date.today())} 岁",
                         "自书（第1134条）", "2023-05-01", "2023-05-02", "被新遗嘱取代"]
    assert cells[7] == "档案柜 A-03 卷宗 0012"
    assert screen.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#6b6b6b"  # grey
    assert "YZ2024-0001" in screen.model.index(row, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert screen.detail_panel.note.text() == "请在上面选择一份遗嘱登记。"

    select_will(qtbot, screen, second)
    panel = screen.detail_panel
    assert panel.title.text() == "YZ2024-0001　张立春　公证遗嘱（第1139条）"
    assert panel.values["status"].text() == "有效"
    assert panel.values["notary"].text() == "长春市长春公证处　公证书 (2024)吉长证民字第88号"
    assert panel.values["executor"].text() == "（未指定）"
    witnesses = panel.rows_of(panel.witnesses)
    assert witnesses[0][:4] == ("赵大勇", NEIGHBOUR_ID[:6] + "********" + NEIGHBOUR_ID[-4:], "邻居", "139****9999")
    assert witnesses[1][1] == FRIEND_ID[:6] + "********" + FRIEND_ID[-4:]
    assert witnesses[0][4] == "☑ 非继承人、受遗赠人　☑ 无利害关系　☑ 完全民事行为能力"
    assert panel.rows_of(panel.persons) == [("查看人", "张伟", "儿子", "", "139****0033")]
    assert [r[0] for r in panel.rows_of(panel.chain)] == ["YZ2023-0001", "YZ2024-0001"]  # oldest made first
    assert panel.rows_of(panel.chain)[0] == ("YZ2023-0001", "自书", "2023-05-01", "被新遗嘱取代（被 YZ2024-0001 取代）")
    assert panel.tabs.tabText(2) == "遗嘱链（2）"
    assert view_events(db) == ["查看遗嘱登记 YZ2024-0001"]  # the service records the view

    # a double-click in the chain opens the earlier will
    panel.chain.selectRow(0)
    panel._chain_chosen()
    qtbot.waitUntil(lambda: screen.current_will_id() == first and screen.current_detail() is not None
                    and operations.idle)
    assert "已被 YZ2024-0001 取代" in panel.warnings.text()
    assert panel.values["status"].styleSheet() == f"color: {ERROR_COLOUR};"
    assert view_events(db)[-1] == "查看遗嘱登记 YZ2023-0001"
    assert screen.model.row_of(wang) is not None


def test_filters(qtbot, operations, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    town = will_desk.town
    register(db, will_input(town, form="自书", made=date(2023, 5, 1), registered=date(2023, 5, 2)))
    register(db, will_input(town, form="代书", made=date(2024, 3, 1)))
    register(db, will_input(town, testator="wang", form="打印", made=date(2024, 6, 1), registered=date(2024, 6, 3)))
    as_user(db, "clerk")
    screen = open_screen(qtbot, operations)
    screen.status_filter.setCurrentIndex(screen.status_filter.findData("有效"))
    settle(qtbot, screen)
    assert sorted(listed(screen)) == ["YZ2024-0001", "YZ2024-0002"]
    screen.form_filter.setCurrentIndex(screen.form_filter.findData("打印"))
    settle(qtbot, screen)
    assert listed(screen) == ["YZ2024-0002"]
    assert screen.form_filter.currentText() == "打印遗嘱（第1136条）"
    screen.status_filter.setCurrentIndex(0)
    screen.form_filter.setCurrentIndex(0)
    screen.search.setText("张立春")
    settle(qtbot, screen)
    assert sorted(listed(screen)) == ["YZ2023-0001", "YZ2024-0001"]
    screen.search.setText("YZ2023")
    settle(qtbot, screen)
    assert listed(screen) == ["YZ2023-0001"]
    screen.search.setText("没有这个人")
    settle(qtbot, screen)
    assert listed(screen) == [] and screen.detail_panel.note.text() == "没有符合条件的遗嘱登记。"


def test_without_the_will_permission_nothing_is_read(qtbot, operations, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    register(db, will_input(will_desk.town))
    as_user(db, "plain")
    screen = WillsScreen(operations)
    qtbot.addWidget(screen)
    statuses: list[str] = []
    screen.statusChanged.connect(statuses.append)
    screen.show()
    screen.start()
    assert operations.idle  # no query at all
    assert screen.note.isVisible() and screen.note.text().startswith("需要遗嘱库权限")
    assert statuses == ["遗嘱库：需要遗嘱库权限"]
    assert not hasattr(screen, "table") and not screen.OWNS_CTRL_N
    screen.open_will(1)
    assert operations.idle


def test_a_reader_may_look_and_print_but_not_change(qtbot, operations, will_desk: WillDesk, db,  # noqa: ANN001
                                                    monkeypatch, tmp_path: Path) -> None:
    will_id = register(db, will_input(will_desk.town))
    as_user(db, "viewer")
    screen = open_screen(qtbot, operations)
    assert [a.text() for a in screen.edit_actions if a.isVisible()] == []
    select_will(qtbot, screen, will_id)
    assert screen.detail_panel.values["testator"].text().startswith("张立春")
    assert not screen.detail_panel.add_button.isVisibleTo(screen)
    for open_ in (screen.new_will, screen.edit, screen.revoke, screen.activate, screen.notified):
        assert open_() is None
    assert screen.add_attachment() is False
    assert screen.form_print_action.isEnabled() and screen.receipt_action.isEnabled()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # Enter opens 修改 for editors only
    assert screen.dialog is None
