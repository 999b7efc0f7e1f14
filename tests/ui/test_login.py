"""Signing in: the first start (demo or the first administrator), the login dialog (wrong
password, lockout), the window of the signed-in user (title, menus, what they may use), 修改密码,
切换用户/退出登录 and the idle-lock setting. Chinese goes in with setText() (DESIGN.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.db.models import AppMeta, ChangeSet
from chang_shan.errors import PermissionDenied
from chang_shan.ui import app as app_module
from chang_shan.ui.login import flow as flow_module
from chang_shan.ui.login import store
from chang_shan.ui.login.dialogs import ChangePasswordDialog, FirstStartDialog, IdleSettingsDialog, LoginDialog

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


@pytest.fixture
def quits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records the flow asking the program to quit (there is no event loop to leave in a test)."""
    asked: list[bool] = []
    monkeypatch.setattr(flow_module.SignInFlow, "quit", lambda self: asked.append(True))
    return asked


@pytest.fixture
def gui():  # noqa: ANN201
    """Closes whatever ``run_gui`` left open (dialogs, window, worker, database)."""
    yield
    app_module.close_gui()


def add_user(db: Database, username: str, role: str, **kwargs) -> int:  # noqa: ANN003
    with db.transaction(f"新增账户 {username}", actor=SYSTEM) as s:
        if not users.has_accounts(s):
            users.create_user(s, "admin0", PASSWORD, "管理员", display_name="第一管理员")
        return users.create_user(s, username, PASSWORD, role, **kwargs)


def events(db: Database, kind: str) -> list[ChangeSet]:
    with db.reader() as s:
        return list(s.scalars(select(ChangeSet).where(ChangeSet.kind == kind).order_by(ChangeSet.id)))


# --- first start ---------------------------------------------------------------------------------


def test_first_start_creates_the_administrator_then_asks_to_log_in(qtbot, data_dir, gui, quits) -> None:  # noqa: ANN001
    assert app_module.run_gui(data_dir, exec_loop=False) == 0
    flow = app_module.current_flow
    dialog = flow.dialog
    assert isinstance(dialog, FirstStartDialog) and dialog.isVisible()
    assert app_module.current_window is None  # nothing of the ledgers before a login
    # CHANG_SHAN_NO_DEMO (set for every window test): no demo offered, only the administrator.
    assert not dialog.demo_choice.isVisible() and dialog.admin_choice.isChecked()
    dialog.username.setText("wangxy")
    dialog.display_name.setText("王秀英")
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD + "x")
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.form.error_text("again") == "两次输入的密码不一致。"
    dialog.password.setText("short")
    dialog.again.setText("short")
    assert not dialog.go_on()
    assert dialog.form.error_text("password") == "密码至少 8 位。"  # the service's words
    assert not store.has_accounts(flow.db)
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD)
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)

    login = flow.dialog
    assert isinstance(login, LoginDialog) and login.isVisible() and not dialog.isVisible()
    assert login.username.text() == "wangxy"
    assert "管理员账户已创建" in login.note.text()
    assert login.hint.isHidden()  # no demo administrator here
    with flow.db.reader(actor=SYSTEM) as s:
        (row,) = users.list_users(s)
    assert (row.username, row.display_name, row.role) == ("wangxy", "王秀英", "管理员")
    login.password.setText(PASSWORD)
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)

    window = app_module.current_window
    assert window is not None and window.isVisible()
    assert window.windowTitle() == "长山社区台账 — 王秀英（管理员）"
    assert window.user_text.text() == "当前用户：王秀英（管理员）"
    assert flow.db.actor.username == "wangxy"
    assert flow.idle_lock is not None  # a real account: the idle lock watches
    assert not quits
    # no demo is built in the window of a folder set up for real use
    qtbot.waitUntil(lambda: window.ops.idle)
    assert not app_module.wants_demo(flow.db)


def test_first_start_offers_the_demo_first_and_shows_its_password_at_login(qtbot, data_dir, gui, monkeypatch) -> None:  # noqa: ANN001, E501
    import chang_shan.demo.builder as builder
    from tests.ui.conftest import build_town

    def fake_build(db, *, scale=1, progress=None, **_kw):  # noqa: ANN001, ANN202
        progress(0, 2, "生成")
        db.actor = SYSTEM
        try:
            build_town(db)
        finally:
            db.actor = None
        with db.transaction("演示管理员") as s:
            users.create_user(s, builder.DEMO_ADMIN_USER, builder.DEMO_ADMIN_PASSWORD, "管理员",
                              display_name="演示管理员")
        progress(2, 2, "完成")

    monkeypatch.setattr(builder, "build_demo", fake_build)
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    assert app_module.run_gui(data_dir, exec_loop=False) == 0
    flow = app_module.current_flow
    dialog = flow.dialog
    assert isinstance(dialog, FirstStartDialog)
    assert dialog.demo_choice.isVisible() and dialog.demo_choice.isChecked()  # the default
    assert not dialog.form.isEnabled()
    assert dialog.continue_button.text() == "建立演示社区"
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(flow.dialog, LoginDialog), timeout=10000)
    login = flow.dialog
    assert "演示社区已建立" in login.note.text()
    assert login.hint.isVisible()
    assert "admin" in login.hint.text() and "chang-shan-demo" in login.hint.text()
    login.username.setText("admin")
    login.password.setText("chang-shan-demo")
    assert login.try_login()
    window = app_module.current_window
    assert window.windowTitle() == "长山社区台账 — 演示管理员（管理员）"
    qtbot.waitUntil(lambda: window.population.model.rowCount() == 7, timeout=10000)

    # Once the demo password is changed, the hint is gone.
    change = ChangePasswordDialog(flow.db, window)
    qtbot.addWidget(change)
    change.old_password.setText("chang-shan-demo")
    change.password.setText(PASSWORD)
    change.again.setText(PASSWORD)
    assert change.save()
    assert store.demo_hint(flow.db) == ""


def test_cancelling_the_demo_leads_to_the_administrator_form(qtbot, data_dir, gui, monkeypatch) -> None:  # noqa: ANN001
    import time

    import chang_shan.demo.builder as builder
    from chang_shan.ui.progress_dialog import ProgressDialog

    def slow_build(db, *, progress=None, **_kw):  # noqa: ANN001, ANN202
        for step in range(500):
            progress(step, 500, "")
            time.sleep(0.01)

    monkeypatch.setattr(builder, "build_demo", slow_build)
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    app_module.run_gui(data_dir, exec_loop=False)
    flow = app_module.current_flow
    flow.dialog.go_on()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in _progress_dialogs(ProgressDialog)), timeout=5000)
    (progress,) = [d for d in _progress_dialogs(ProgressDialog) if d.isVisible()]
    progress.canceled.emit()
    qtbot.waitUntil(lambda: isinstance(flow.dialog, FirstStartDialog), timeout=10000)
    dialog = flow.dialog
    assert "已取消生成演示社区" in dialog.intro.text()
    assert dialog.admin_choice.isChecked() and not dialog.demo_choice.isVisible()
    assert not app_module.wants_demo(flow.db)


def _progress_dialogs(cls):  # noqa: ANN001, ANN202
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, cls)]


def test_esc_in_the_login_quits(qtbot, db, gui, quits) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者")
    data_dir = db.data_dir
    db.close()
    app_module.run_gui(data_dir, exec_loop=False)
    login = app_module.current_flow.dialog
    assert isinstance(login, LoginDialog)
    login.activateWindow()
    qtbot.waitUntil(lambda: login.isActiveWindow())
    qtbot.keyClick(login, Qt.Key.Key_Escape)
    assert not login.isVisible()
    assert quits == [True]
    assert app_module.current_window is None


# --- the login dialog ----------------------------------------------------------------------------


def open_login(qtbot, db: Database, **kwargs) -> LoginDialog:  # noqa: ANN001, ANN003
    dialog = LoginDialog(db, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_wrong_password_is_told_inline_and_counts(qtbot, db) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者", display_name="李娜")
    db.actor = None
    login = open_login(qtbot, db)
    login.username.setText("lina")
    login.password.setText("wrong-password")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.message_text() == "用户名或密码不正确。再输错 4 次账户将被锁定 15 分钟。"
    assert login.password.text() == "" and login.isVisible()
    assert db.actor is None
    login.username.setText("nobody")
    login.password.setText("wrong-password")
    assert not login.try_login()
    assert login.message_text() == "用户名或密码不正确。"
    login.username.setText("")
    assert not login.try_login()
    assert login.message_text() == "请输入用户名。"
    login.username.setText("lina")
    login.password.setText(PASSWORD)
    with qtbot.waitSignal(login.signedIn) as signal:
        qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].username == "lina" and db.actor.username == "lina"
    assert not login.isVisible()
    assert [e.action for e in events(db, "login_failed")][-2:] == ["登录失败：lina（第 1 次）", "登录失败：nobody"]


def test_five_wrong_passwords_lock_the_account_and_say_so(qtbot, db) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者")
    db.actor = None
    clock = [datetime(2025, 3, 1, 9, 0)]
    login = open_login(qtbot, db, now=lambda: clock[0])
    login.username.setText("lina")
    for _ in range(5):
        login.password.setText("wrong-password")
        assert not login.try_login()
    assert login.message_text() == "密码连续输错 5 次，账户已锁定 15 分钟。"
    login.password.setText(PASSWORD)  # the right password does not open a locked account
    assert not login.try_login()
    assert "账户已锁定，请" in login.message_text() and "分钟后再试" in login.message_text()
    assert len(events(db, "lockout")) == 1
    clock[0] += timedelta(minutes=16)
    login.password.setText(PASSWORD)
    assert login.try_login()


# --- the signed-in window ------------------------------------------------------------------------


def signed_in_gui(db: Database, username: str) -> None:
    data_dir = db.data_dir
    actor = sign_in(db, username, PASSWORD)
    db.close()
    assert app_module.run_gui(data_dir, exec_loop=False, actor=actor) == 0


def test_a_read_only_user_gets_no_edit_actions_and_no_admin_tools(qtbot, db, town, gui) -> None:  # noqa: ANN001
    add_user(db, "guest", "只读", display_name="访客")
    signed_in_gui(db, "guest")
    window = app_module.current_window
    assert window.windowTitle() == "长山社区台账 — 访客（只读）"
    qtbot.waitUntil(lambda: window.population.model.rowCount() == town.active)
    actions = window.population.actions
    hidden = [actions.new_resident, actions.move, actions.move_out, actions.death, actions.change_head,
              actions.new_household, window.new_action, window.undo_action]
    assert not any(act.isVisible() for act in hidden)
    assert actions.edit.isVisible() and actions.edit.text() == "查看"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "查看(&V)", "帮助(&H)"]  # no 工具
    items = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert "账户管理" not in items and "审计记录" not in items
    file_menu = window.menuBar().actions()[0].menu()
    # 导入居民… (修改台账) and the backup entries (导出数据 over every grid; 恢复: 管理员) are hidden
    assert [a.text() for a in file_menu.actions() if not a.isSeparator() and a.isVisible()] == [
        "报表…", "修改密码", "切换用户/退出登录", "退出"]


def test_a_community_worker_edits_but_has_no_admin_tools(qtbot, db, town, gui) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者", display_name="李娜")
    signed_in_gui(db, "lina")
    window = app_module.current_window
    assert window.population.actions.new_resident.isVisible() and window.new_action.isVisible()
    assert window.population.actions.edit.text() == "编辑"
    assert window.accounts_screen is None and window.audit_screen is None
    assert "工具(&T)" not in [a.text() for a in window.menuBar().actions()]


def test_an_administrator_gets_accounts_audit_and_settings(qtbot, db, gui) -> None:  # noqa: ANN001
    add_user(db, "boss", "管理员", display_name="张主任")
    signed_in_gui(db, "boss")
    window = app_module.current_window
    tools = [a for a in window.menuBar().actions() if a.text() == "工具(&T)"][0].menu()
    assert [a.text() for a in tools.actions()] == ["账户管理", "审计记录", "设置"]
    window.audit_action.trigger()
    assert window.current_screen is window.audit_screen
    window.accounts_action.trigger()
    assert window.current_screen is window.accounts_screen


def test_sign_out_from_the_menu_returns_to_the_login(qtbot, db, town, gui, quits) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者")
    signed_in_gui(db, "lina")
    flow = app_module.current_flow
    window = app_module.current_window
    window.sign_out_action.trigger()
    assert not window.isVisible()
    assert isinstance(flow.dialog, LoginDialog) and flow.dialog.isVisible()
    assert "lina 已退出登录" in flow.dialog.note.text()
    assert flow.db.actor is None and flow.idle_lock is None and flow.window is None
    assert not quits  # closing the old window for a switch does not quit
    assert [e.action for e in events(flow.db, "logout")] == ["退出登录：lina"]
    # another user signs in: a window with their rights
    add_user(flow.db, "guest", "只读")
    flow.dialog.username.setText("guest")
    flow.dialog.password.setText(PASSWORD)
    assert flow.dialog.try_login()
    assert app_module.current_window is not window
    assert app_module.current_window.windowTitle().endswith("guest（只读）")
    app_module.current_window.close()  # closing the window quits the program
    assert quits == [True]


def test_change_own_password(qtbot, db) -> None:  # noqa: ANN001
    add_user(db, "lina", "社区工作者")
    sign_in(db, "lina", PASSWORD)
    dialog = ChangePasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.old_password.setText("not-my-password")
    dialog.password.setText("new-password-1")
    dialog.again.setText("new-password-1")
    assert not dialog.save()
    assert dialog.form.error_text("old_password") == "原密码不正确。"
    dialog.old_password.setText(PASSWORD)
    dialog.again.setText("new-password-2")
    assert not dialog.save()
    assert dialog.form.error_text("again") == "两次输入的新密码不一致。"
    dialog.again.setText("new-password-1")
    assert dialog.save()
    db.actor = None
    assert sign_in(db, "lina", "new-password-1").username == "lina"


def test_the_idle_lock_setting_is_an_administrators(qtbot, db) -> None:  # noqa: ANN001
    assert store.idle_minutes(db) == 5
    add_user(db, "lina", "社区工作者")
    sign_in(db, "lina", PASSWORD)
    with pytest.raises(PermissionDenied):
        store.save_idle_minutes(db, 10)
    db.actor = None
    sign_in(db, "admin0", PASSWORD)
    dialog = IdleSettingsDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.minutes.value() == 5
    dialog.minutes.setValue(12)
    assert dialog.save()
    assert store.idle_minutes(db) == 12
    with db.reader() as s:
        assert s.get(AppMeta, store.IDLE_MINUTES_KEY).value == "12"


# --- the resident form: masked numbers and 显示完整号码 -----------------------------------------------


def open_resident(qtbot, db: Database, resident_id: int):  # noqa: ANN001, ANN201
    from chang_shan.ui.dialogs import ResidentDialog

    dialog = ResidentDialog(db, resident_id=resident_id)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    dialog.show()
    return dialog


def reveals(db: Database) -> list[tuple[str, str, dict]]:
    return [(e.user_name, e.action, e.detail) for e in events(db, "reveal")]


def test_a_read_only_user_sees_masked_numbers_and_no_reveal_button(qtbot, db, town) -> None:  # noqa: ANN001
    from tests.ui.conftest import id_number

    add_user(db, "guest", "只读")
    db.actor = None
    sign_in(db, "guest", PASSWORD)
    dialog = open_resident(qtbot, db, town.ids["张立春"])
    full_id = id_number(datetime(1950, 3, 12).date(), 11)
    assert dialog.windowTitle() == "查看居民"
    assert dialog.id_masked.text() == full_id[:6] + "********" + full_id[-4:]
    assert dialog.phone_masked.text() == "138****0001"
    assert dialog.reveal_button.isHidden()
    assert not dialog.id_change_button.isVisible() and not dialog.phone_change_button.isVisible()
    assert dialog.save_button.isHidden() and not dialog.form.isEnabled()
    assert full_id not in dialog.id_edit.text() and "13804310001" not in dialog.phone_edit.text()
    assert reveals(db) == []


def test_a_community_worker_reveals_the_numbers_and_it_is_audited(qtbot, db, town) -> None:  # noqa: ANN001
    from tests.ui.conftest import id_number

    add_user(db, "lina", "社区工作者")
    db.actor = None
    sign_in(db, "lina", PASSWORD)
    dialog = open_resident(qtbot, db, town.ids["张立春"])
    full_id = id_number(datetime(1950, 3, 12).date(), 11)
    assert dialog.windowTitle() == "编辑居民"
    assert "*" in dialog.id_masked.text() and dialog.phone_masked.text() == "138****0001"
    assert dialog.id_stack.currentIndex() == 0 and dialog.phone_stack.currentIndex() == 0
    assert dialog.reveal_button.isVisible() and reveals(db) == []
    qtbot.mouseClick(dialog.reveal_button, Qt.MouseButton.LeftButton)
    assert dialog.id_masked.text() == full_id and dialog.phone_masked.text() == "13804310001"
    assert dialog.reveal_button.isHidden()
    assert reveals(db) == [("lina", "查看完整身份证号 张立春", {"field": "id_number"}),
                           ("lina", "查看完整电话 张立春", {"field": "phone"})]
    # editing keeps working: a new phone saves, the ID number stays whole
    dialog.show_phone_field()
    assert dialog.phone_edit.text() == "13804310001"
    dialog.phone_edit.setText("13904319999")
    assert dialog.save()
    from chang_shan.population import residents

    with db.reader() as s:
        stored = residents.resident_detail(s, town.ids["张立春"])
    assert (stored.phone, stored.id_number) == ("13904319999", full_id)
    # the history on the form names who made each change
    again = open_resident(qtbot, db, town.ids["张立春"])
    table = again.history_table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert table.horizontalHeaderItem(3).text() == "操作人"
    changed = [r for r in rows if "电话" in r[2]]
    assert changed and changed[0][3] == "lina" and "13904319999" not in changed[0][2]


def test_a_grid_worker_replaces_a_number_without_seeing_it(qtbot, db, town) -> None:  # noqa: ANN001
    from chang_shan.population import residents
    from tests.ui.conftest import id_number

    add_user(db, "grid1", "网格员", grid_ids=[town.grid1])
    db.actor = None
    sign_in(db, "grid1", PASSWORD)
    dialog = open_resident(qtbot, db, town.ids["张立春"])
    assert dialog.reveal_button.isHidden() and dialog.windowTitle() == "编辑居民"
    qtbot.mouseClick(dialog.phone_change_button, Qt.MouseButton.LeftButton)
    assert dialog.phone_stack.currentIndex() == 1 and dialog.phone_edit.text() == ""  # not shown
    assert not dialog.is_dirty()  # empty means unchanged
    qtbot.mouseClick(dialog.id_change_button, Qt.MouseButton.LeftButton)
    assert dialog.id_edit.text() == ""
    dialog.note_edit.setPlainText("网格员走访")
    assert dialog.save()
    with db.reader(actor=SYSTEM) as s:
        stored = residents.resident_detail(s, town.ids["张立春"])
    assert (stored.phone, stored.id_number, stored.note) == (
        "13804310001", id_number(datetime(1950, 3, 12).date(), 11), "网格员走访")
    assert reveals(db) == []
