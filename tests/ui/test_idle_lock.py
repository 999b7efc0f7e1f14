"""The idle lock, with a fake clock: after the idle time every window (the main window and a
half-filled resident form) is covered and a lock dialog asks for the same user's password; a
wrong one keeps it locked (and counts toward the lockout), the right one restores everything,
unsaved input included. 切换用户 on the lock screen asks before dropping unsaved input."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.ui import app as app_module
from chang_shan.ui.dialogs import ResidentDialog
from chang_shan.ui.login import flow as flow_module
from chang_shan.ui.login.dialogs import LoginDialog
from chang_shan.ui.login.idle_lock import IdleLock, LockDialog
from chang_shan.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def worker(db):  # noqa: ANN001, ANN201
    """A 社区工作者 account, signed in on ``db``."""
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "admin0", PASSWORD, "管理员")
        users.create_user(s, "lina", PASSWORD, "社区工作者", display_name="李娜")
    return sign_in(db, "lina", PASSWORD)


@pytest.fixture
def window(qtbot, operations, town, worker) -> MainWindow:  # noqa: ANN001
    win = MainWindow(operations)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.start()
    win.show()
    qtbot.waitUntil(lambda: win.population.model.rowCount() == town.active and operations.idle)
    return win


@pytest.fixture
def lock(qtbot, db, worker, clock) -> IdleLock:  # noqa: ANN001
    watcher = IdleLock(db, worker, minutes=5, clock=clock)
    yield watcher
    watcher.stop()
    watcher.deleteLater()


def open_form(qtbot, db, resident_id: int) -> ResidentDialog:  # noqa: ANN001
    dialog = ResidentDialog(db, resident_id=resident_id)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def is_covered(window: QWidget) -> bool:
    covers = [c for c in window.findChildren(QWidget, "idleCover") if c.isVisible()]
    return any(c.geometry() == window.rect() for c in covers)


def test_idle_time_locks_every_window_and_the_password_restores_the_form(qtbot, db, town, window, lock, clock) -> None:  # noqa: ANN001, E501
    form = open_form(qtbot, db, town.ids["张伟"])
    form.note_edit.setPlainText("下周三上午复查血压")
    form.name_edit.setText("张大伟")
    assert form.is_dirty()

    clock.advance(4 * 60 + 59)
    assert not lock.check() and not lock.locked
    clock.advance(2)
    assert lock.check() and lock.locked  # 5 minutes without input

    dialog = lock.dialog
    assert isinstance(dialog, LockDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
    assert "李娜（lina），社区工作者" in dialog.who.text()
    assert set(lock.covered()) >= {window, form}
    assert is_covered(window) and is_covered(form)
    assert form.isVisible()  # covered, not closed: its input stays
    # Esc does not dismiss the lock
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.reject()
    assert dialog.isVisible() and lock.locked

    dialog.password.setText("wrong-password")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked and dialog.isVisible() and is_covered(form)
    assert dialog.message_text() == "用户名或密码不正确。再输错 4 次账户将被锁定 15 分钟。"
    assert dialog.password.text() == ""

    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not lock.locked and not dialog.isVisible()
    assert not is_covered(window) and not is_covered(form)
    assert form.isVisible() and form.note_edit.toPlainText() == "下周三上午复查血压"
    assert form.name_edit.text() == "张大伟" and form.is_dirty()
    assert form.save()  # and it saves as if nothing had happened


def test_input_resets_the_idle_time(qtbot, window, lock, clock) -> None:  # noqa: ANN001
    clock.advance(4 * 60)
    qtbot.keyClick(window.population.table, Qt.Key.Key_Down)
    clock.advance(4 * 60)
    assert not lock.check()
    move = QMouseEvent(QEvent.Type.MouseMove, QPoint(5, 5), window.mapToGlobal(QPoint(5, 5)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.population.table.viewport(), move)
    clock.advance(4 * 60)
    assert not lock.check()
    clock.advance(61)
    assert lock.check()
    # input while locked does not count (only the password unlocks)
    qtbot.keyClick(lock.dialog.password, Qt.Key.Key_A)
    assert lock.locked


def test_the_time_can_be_changed(window, lock, clock) -> None:  # noqa: ANN001
    lock.set_minutes(1)
    clock.advance(59)
    assert not lock.check()
    clock.advance(1)
    assert lock.check()


def test_a_form_running_exec_survives_the_lock(qtbot, db, town, window, lock, clock) -> None:  # noqa: ANN001
    """The resident form as the window opens it (a modal ``exec()``): the lock must not end it."""
    form = ResidentDialog(db, resident_id=town.ids["王淑芬"], parent=window)
    seen: dict[str, object] = {}

    def while_open() -> None:
        form.note_edit.setPlainText("独居，女儿每周来一次")
        clock.advance(5 * 60)
        lock.check()
        seen["covered"] = is_covered(form) and is_covered(window)
        seen["form visible"] = form.isVisible()
        assert lock.dialog is not None
        lock.dialog.password.setText(PASSWORD)
        lock.dialog.unlock_button.click()
        seen["unlocked"] = not lock.locked
        seen["note"] = form.note_edit.toPlainText()
        QTimer.singleShot(0, form.close_without_asking)

    QTimer.singleShot(50, while_open)
    form.exec()
    assert seen == {"covered": True, "form visible": True, "unlocked": True, "note": "独居，女儿每周来一次"}
    form.deleteLater()


def test_a_window_opened_while_locked_is_covered_too(qtbot, window, lock, clock) -> None:  # noqa: ANN001
    clock.advance(300)
    assert lock.check()
    late = QWidget()
    qtbot.addWidget(late)
    late.resize(300, 200)
    late.show()
    assert is_covered(late)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is lock.dialog)


def test_five_wrong_passwords_on_the_lock_screen_lock_the_account(qtbot, db, window, lock, clock) -> None:  # noqa: ANN001
    clock.advance(300)
    lock.check()
    for _ in range(5):
        lock.dialog.password.setText("wrong-password")
        lock.dialog.unlock_button.click()
    assert lock.dialog.message_text() == "密码连续输错 5 次，账户已锁定 15 分钟。"
    assert not lock.try_unlock(PASSWORD)  # even the right password waits now
    assert lock.locked and "已锁定" in lock.dialog.message_text()


# --- 切换用户 on the lock screen (through run_gui and the sign-in flow) --------------------------


@pytest.fixture
def signed_in(qtbot, db, town, worker, clock, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(flow_module, "clock", clock)
    monkeypatch.setattr(flow_module.SignInFlow, "quit", lambda self: None)
    data_dir = db.data_dir
    db.close()
    assert app_module.run_gui(data_dir, exec_loop=False, actor=worker) == 0
    window = app_module.current_window
    qtbot.waitUntil(lambda: window.population.model.rowCount() == town.active and window.ops.idle)
    yield app_module.current_flow
    app_module.close_gui()


def test_switching_user_on_the_lock_screen_asks_before_dropping_input(qtbot, town, signed_in, clock, boxes) -> None:  # noqa: ANN001, E501
    flow = signed_in
    window = flow.window
    form = ResidentDialog(flow.db, resident_id=town.ids["张伟"], parent=window)
    form.show()
    form.note_edit.setPlainText("还没保存的备注")
    clock.advance(301)
    assert flow.idle_lock.check()
    lock_dialog = flow.idle_lock.dialog

    boxes.answer = False  # 切换用户? → no: still locked, the form still there
    qtbot.mouseClick(lock_dialog.switch_button, Qt.MouseButton.LeftButton)
    assert boxes.asked and "编辑居民" in boxes.asked[-1] and "放弃" in boxes.asked[-1]
    assert flow.idle_lock.locked and form.isVisible() and flow.db.actor.username == "lina"

    boxes.answer = True
    qtbot.mouseClick(lock_dialog.switch_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible() and not window.isVisible() and not lock_dialog.isVisible()
    assert flow.db.actor is None and flow.idle_lock is None
    assert isinstance(flow.dialog, LoginDialog) and flow.dialog.isVisible()


def test_switching_user_without_unsaved_input_does_not_ask(qtbot, signed_in, clock, boxes) -> None:  # noqa: ANN001
    flow = signed_in
    clock.advance(301)
    flow.idle_lock.check()
    flow.idle_lock.dialog.switch_button.click()
    assert boxes.asked == []
    assert isinstance(flow.dialog, LoginDialog)


def test_the_signed_in_flow_locks_after_the_stored_time(qtbot, signed_in, clock) -> None:  # noqa: ANN001
    flow = signed_in
    assert flow.idle_lock.minutes == 5
    flow.window.idleMinutesChanged.emit(2)
    clock.advance(121)
    assert flow.idle_lock.check()
