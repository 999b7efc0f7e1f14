"""The service request dialogs driven from the 服务请求 tab with qtbot on a real database: intake
(受理) for a resident or a household, 派单 and 转派, another worker's 我来办 (AB岗), 办结 → 回访 →
重新打开 with the history shown, 修改, messages under their fields and a stale form told in the
banner. Chinese goes in with setText() (qtbot.keyClicks aborts on non-ASCII, DESIGN.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models import ServiceRequest
from chang_shan.population import undo
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee
from chang_shan.ui.dialogs.service_request import AssignDialog, CompleteDialog, RequestDialog, RevisitDialog
from chang_shan.ui.forms.fields import qdate
from chang_shan.ui.widgets.requests_tab import RequestsTab
from tests.ui.service_desk import Desk, as_user, desk, open_tab, take_in, version  # noqa: F401 (desk: a fixture)

pytestmark = pytest.mark.gui

TODAY = date.today()


@pytest.fixture
def tab(qtbot, operations, db, desk) -> RequestsTab:  # noqa: ANN001
    as_user(db, "wangfang")
    return open_tab(qtbot, operations)


def pick(qtbot, tab: RequestsTab, request_id: int) -> None:  # noqa: ANN001
    row = tab.model.row_of(request_id)
    assert row is not None
    tab.table.select_row(row)
    qtbot.waitUntil(lambda: tab.current_detail() is not None and tab.ops.idle)


def saved(qtbot, tab: RequestsTab, dialog) -> None:  # noqa: ANN001
    """Click the dialog's button; wait until it closed and the tab has reloaded."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.dialog is None)
    qtbot.waitUntil(lambda: tab.ops.idle and tab.current_detail() is not None)


def cells(tab: RequestsTab, request_id: int) -> list[str]:
    row = tab.model.row_of(request_id)
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def test_intake_through_the_dialog_adds_the_row(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    assert tab.model.rowCount() == 0 and tab.new_action.isEnabled()
    dialog = tab.new_request()
    assert isinstance(dialog, RequestDialog) and dialog.isVisible()
    assert dialog.received_edit.value() == TODAY
    assert dialog.due_edit.value() == TODAY + timedelta(days=3)  # services.default_due_days
    assert "受理后 3 天" in dialog.form.hint_text("due_on")
    assert dialog.channel_row.code() == "电话"
    qtbot.keyClicks(dialog.who.person.search, "wsf")  # 王淑芬 by her initials
    dialog.who.person.search_now()
    assert dialog.who.person.resident_name() == "王淑芬"
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findText("洗澡"))
    dialog.channel_row.set_code("百姓说事点")
    dialog.content_edit.setPlainText("行动不便，需要助浴")
    dialog.received_edit.setDate(qdate(TODAY - timedelta(days=1)))
    assert dialog.due_edit.value() == TODAY + timedelta(days=2)  # follows the received date
    saved(qtbot, tab, dialog)
    assert dialog.saved_id is not None
    request_id = dialog.saved_id
    assert tab.current_request_id() == request_id  # the new request, selected
    assert cells(tab, request_id) == [str(request_id), "洗澡", "王淑芬", "行动不便，需要助浴",
                                      f"{TODAY - timedelta(days=1):%Y-%m-%d}", f"{TODAY + timedelta(days=2):%Y-%m-%d}",
                                      "待办", "", ""]
    panel = tab.detail_panel
    assert panel.title.text() == f"编号 {request_id}　洗澡"
    assert panel.values["created_by"].text() == "王芳"
    assert panel.values["assignee"].text() == "（未派单）"
    assert [r[1:3] for r in panel.history_rows()] == [("受理", "王芳")]
    with db.reader(actor=SYSTEM) as s:
        assert undo.last_action(s).action == "受理服务请求 王淑芬"


def test_intake_for_a_whole_household(qtbot, tab: RequestsTab, desk: Desk) -> None:  # noqa: ANN001
    dialog = tab.new_request()
    dialog.who.household_button.setChecked(True)
    dialog.who.household.select(desk.town.h102)
    dialog.content_edit.setPlainText("楼道灯坏了")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findText("维修"))
    saved(qtbot, tab, dialog)
    assert cells(tab, dialog.saved_id)[1:3] == ["维修", "3号楼1单元102（户）"]


def test_messages_stay_under_their_fields(qtbot, tab: RequestsTab, db) -> None:  # noqa: ANN001
    dialog = tab.new_request()
    assert not dialog.save()  # nobody chosen, nothing written
    assert dialog.form.error_text("who") == "请查找并选择一位居民。"
    dialog.who.person.search.setText("张立春")
    dialog.who.person.search_now()
    assert dialog.form.error_text("who") == ""  # gone as soon as someone is chosen
    dialog.due_edit.setDate(qdate(TODAY - timedelta(days=5)))
    assert not dialog.save()
    assert dialog.form.error_text("content") == "请填写服务内容。"
    assert dialog.form.error_text("due_on") == "应办日期不能早于受理日期。"
    assert dialog.isVisible() and tab.dialog is dialog
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(ServiceRequest)) == 0
    dialog.close_without_asking()


def test_assign_then_transfer_to_a_team(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.ops.idle and tab.model.row_of(request_id) is not None)
    pick(qtbot, tab, request_id)
    assert tab.assign_action.text() == "接单/派单"
    dialog = tab.assign()
    assert isinstance(dialog, AssignDialog) and dialog.windowTitle() == "派单"
    assert dialog.picker.worker_combo.currentText() == "王芳（社区工作者）"  # the signed-in worker first
    assert dialog.confirmation() == "确认派给 王芳（社区工作者） 办理？状态将改为“处理中”。此操作可在“编辑→撤销”中撤销。"
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[6:8] == ["处理中", "王芳（社区工作者）"]
    assert tab.assign_action.text() == "转派"

    dialog = tab.assign()
    assert dialog.windowTitle() == "转派"
    assert dialog.form.hint_text("assignee") == "现在由 王芳（社区工作者） 办理。"
    dialog.picker.kind_row.set_code("team")
    assert not dialog.save()
    assert dialog.form.error_text("assignee") == "请填写服务队名称。"
    dialog.picker.team_edit.setText("红马甲理发服务队")
    dialog.note_edit.setText("周六上门")
    assert dialog.confirmation().startswith("确认由 王芳（社区工作者） 转派给 红马甲理发服务队？")
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[6:8] == ["处理中", "红马甲理发服务队"]
    history = tab.detail_panel.history_rows()
    assert [r[1] for r in history] == ["转派", "接单", "受理"]  # newest first
    assert history[0][3] == "转派：王芳（社区工作者） → 红马甲理发服务队（周六上门）"


def test_assign_to_a_resident_found_by_name(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk, category="代办", content="代缴水费")
    tab.refresh()
    qtbot.waitUntil(lambda: tab.ops.idle and tab.model.row_of(request_id) is not None)
    pick(qtbot, tab, request_id)
    dialog = tab.assign()
    dialog.picker.kind_row.set_code("person")
    dialog.picker.person.search.setText("张伟")
    dialog.picker.person.search_now()
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[7] == "张伟"


def test_another_worker_takes_over(qtbot, operations, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk, assignee=Assignee("worker", user_id=desk.users["wangfang"]))
    as_user(db, "wangfang")
    tab = open_tab(qtbot, operations)
    pick(qtbot, tab, request_id)
    assert not tab.take_over_action.isEnabled()  # already hers
    tab.close()

    as_user(db, "lina")
    tab = open_tab(qtbot, operations)
    pick(qtbot, tab, request_id)
    assert tab.take_over_action.isEnabled()
    qtbot.keyClick(tab.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # 我来办 (Ctrl+T)
    qtbot.waitUntil(lambda: tab.ops.idle and tab.current_detail() is not None
                    and tab.current_detail().row.assignee_label == "李娜（社区工作者）")
    assert tab.current_request_id() == request_id
    assert not tab.take_over_action.isEnabled()
    first = tab.detail_panel.history_rows()[0]
    assert first[1:] == ("转派", "李娜", "转派：王芳（社区工作者） → 李娜（社区工作者）（AB岗接手）")


def test_complete_revisit_and_reopen_with_the_history(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk, received=TODAY - timedelta(days=2),
                         assignee=Assignee("team", team="红马甲理发服务队"))
    tab.refresh()
    qtbot.waitUntil(lambda: tab.ops.idle and tab.model.row_of(request_id) is not None)
    pick(qtbot, tab, request_id)
    enabled = {a.text(): a.isEnabled() for a in tab.edit_actions}
    assert enabled == {"受理新请求": True, "修改": True, "转派": True, "我来办": True, "办结": True,
                       "回访": False, "重新打开": False}

    dialog = tab.complete()
    assert isinstance(dialog, CompleteDialog)
    assert not dialog.save()
    assert dialog.form.error_text("result") == "请填写办理结果。"
    dialog.result_edit.setPlainText("已上门理发")
    dialog.date_edit.setDate(qdate(TODAY - timedelta(days=3)))  # before it was received
    assert not dialog.save()
    assert dialog.form.error_text("on_date") == f"完成日期不能早于受理日期（{TODAY - timedelta(days=2):%Y-%m-%d}）。"
    dialog.date_edit.setDate(qdate(TODAY))
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[6] == "已完成"
    assert tab.detail_panel.values["result"].text() == f"{TODAY:%Y-%m-%d}　已上门理发"
    enabled = {a.text(): a.isEnabled() for a in tab.edit_actions}
    assert enabled == {"受理新请求": True, "修改": False, "转派": False, "我来办": False, "办结": False,
                       "回访": True, "重新打开": True}

    dialog = tab.revisit()
    assert isinstance(dialog, RevisitDialog)
    assert not dialog.save()
    assert dialog.form.error_text("satisfaction") == "请选择满意度。"
    dialog.satisfaction_row.set_code("满意")
    dialog.note_edit.setText("老人很满意")
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[6:] == ["已回访", "红马甲理发服务队", "满意"]
    assert tab.detail_panel.values["revisit"].text() == f"{TODAY:%Y-%m-%d}　满意　老人很满意"
    assert [a.text() for a in tab.edit_actions if a.isEnabled()] == ["受理新请求", "重新打开"]

    dialog = tab.reopen()
    assert not dialog.save()
    assert dialog.form.error_text("reason") == "请填写重新打开的原因。"
    dialog.reason_edit.setText("头发没剪完")
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[6:] == ["处理中", "红马甲理发服务队", ""]
    assert tab.detail_panel.values["result"].isHidden()  # cleared from the request …
    history = tab.detail_panel.history_rows()
    assert [r[1] for r in history] == ["重新打开", "回访", "完成", "接单", "受理"]  # … kept in its history
    assert history[0][3] == "重新打开（第 1 次）：头发没剪完"
    assert history[1][3] == "回访：满意；老人很满意"
    assert history[2][3] == "完成：已上门理发"


def test_edit_an_open_request(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk, content="上门理发")
    tab.refresh()
    qtbot.waitUntil(lambda: tab.ops.idle and tab.model.row_of(request_id) is not None)
    pick(qtbot, tab, request_id)
    dialog = tab.edit()
    assert isinstance(dialog, RequestDialog) and dialog.windowTitle() == "修改服务请求"
    assert dialog.who.person.resident_name() == "王淑芬"
    assert dialog.content_edit.toPlainText() == "上门理发"
    assert not dialog.is_dirty()
    dialog.content_edit.setPlainText("上门理发，顺便修剪指甲")
    saved(qtbot, tab, dialog)
    assert cells(tab, request_id)[3] == "上门理发，顺便修剪指甲"
    assert tab.detail_panel.history_rows()[0][1:] == ("修改", "王芳", "修改：服务内容")


def test_a_stale_form_is_told_in_the_banner(qtbot, tab: RequestsTab, desk: Desk, db) -> None:  # noqa: ANN001
    request_id = take_in(db, desk)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.ops.idle and tab.model.row_of(request_id) is not None)
    pick(qtbot, tab, request_id)
    dialog = tab.complete()
    with db.transaction("派单", actor=SYSTEM) as s:  # someone else, meanwhile
        requests.assign_request(s, request_id, Assignee("team", team="家政服务队"), expected_version=version(db, request_id))
    dialog.result_edit.setPlainText("已办好")
    assert not dialog.save()
    assert dialog.banner_text() == "该服务请求已被他人修改，请刷新后再试。"
    assert dialog.isVisible()
    with db.reader(actor=SYSTEM) as s:
        assert requests.get_request(s, request_id).row.status == "处理中"
    dialog.close_without_asking()
    qtbot.waitUntil(lambda: tab.dialog is None)


def test_the_date_field_stops_at_today(qtbot, tab: RequestsTab) -> None:  # noqa: ANN001
    dialog = tab.new_request()
    dialog.received_edit.setDate(QDate(2100, 1, 1))
    assert dialog.received_edit.value() == TODAY
    dialog.close_without_asking()
