"""From an open database to a signed-in window, and back (切换用户).

    first start (no accounts): 建立演示社区 (default on an empty folder) or the first 管理员
    → login (用户名, 密码) → the main window, with the idle lock watching
    → 文件 → 切换用户/退出登录, or 切换用户 on the lock screen → login again

Nothing here blocks: each dialog is shown and its signal leads on, so tests drive the real
dialogs (``app.run_gui(..., exec_loop=False)`` then ``app.current_flow.dialog``). A test may also
pass the signed-in user (``run_gui(..., actor=...)``) and skip the dialogs altogether.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from chang_shan.ui import ops as ops_module
from chang_shan.ui.login import store
from chang_shan.ui.login.dialogs import FirstStartDialog, LoginDialog
from chang_shan.ui.login.idle_lock import IdleLock, awake_or_asleep_clock
from chang_shan.ui.ops import Operations

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.ui.main_window import MainWindow

# The idle lock's clock and the lockout's "now"; tests replace them (a fake clock).
clock: Callable[[], float] = awake_or_asleep_clock
now: Callable[[], datetime] | None = None

# open_window(ops, demo) → the shown main window (chang_shan.ui.app provides it).
OpenWindow = Callable[[Operations, bool], "MainWindow"]


class SignInFlow(QObject):
    def __init__(self, db: Database, open_window: OpenWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.ops = Operations(db)
        self.window: MainWindow | None = None
        self.dialog: QDialog | None = None  # the first-start or login dialog on screen
        self.idle_lock: IdleLock | None = None
        self._open_window = open_window
        self._switching = False
        self._closed = False
        app = QApplication.instance()
        assert app is not None
        self._app = app
        # Between the dialogs no window is open for a moment; the flow decides when to quit.
        self._quit_on_last = app.quitOnLastWindowClosed()  # type: ignore[attr-defined]
        app.setQuitOnLastWindowClosed(False)  # type: ignore[attr-defined]

    # --- start ----------------------------------------------------------------------------------
    def begin(self, actor: Any = None) -> None:
        """With ``actor`` (tests): that user's window at once (the first-start demo is built in
        the window, as before accounts existed). Otherwise first start or the login dialog."""
        if actor is not None:
            from chang_shan.ui.app import wants_demo

            self.db.actor = actor
            self._show_window(demo=not store.has_accounts(self.db) and wants_demo(self.db))
            return
        self.ask(note="")

    def ask(self, *, username: str = "", note: str = "") -> None:
        if store.has_accounts(self.db):
            self.show_login(username=username, note=note)
        else:
            self.show_first_start(note=note)

    def _show_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.rejected.connect(self.quit)
        dialog.finished.connect(lambda _result: self._dialog_finished(dialog))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _dialog_finished(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def show_first_start(self, note: str = "") -> None:
        from chang_shan.ui.app import mark_demo_declined, wants_demo

        offer = wants_demo(self.db)
        dialog = FirstStartDialog(self.db, offer_demo=offer, note=note)

        def created(username: str) -> None:
            if offer:
                mark_demo_declined(self.db)  # real use: never a demo in this folder later
            self.show_login(username=username, note="管理员账户已创建，请登录。")

        dialog.demoChosen.connect(self.build_demo)
        dialog.adminCreated.connect(created)
        self._show_dialog(dialog)

    def show_login(self, *, username: str = "", note: str = "") -> None:
        dialog = LoginDialog(self.db, hint=store.demo_hint(self.db), username=username, note=note, now=now)
        dialog.signedIn.connect(lambda _actor: self._show_window(demo=False))
        self._show_dialog(dialog)

    def build_demo(self) -> None:
        """The demo community under a progress dialog; then the login (the demo brings its
        administrator), or back to the first-start dialog when cancelled."""
        from chang_shan.ui.app import mark_demo_declined
        from chang_shan.ui.progress_dialog import run_with_progress

        self.dialog = None

        def work(progress):  # noqa: ANN001, ANN202 - a chang_shan.progress.Progress
            from chang_shan.demo.builder import build_demo

            return build_demo(self.db, scale=1, progress=progress)

        def done(summary: object) -> None:
            people = getattr(summary, "residents", None)
            detail = f"（{people:,} 位虚构居民）" if people else ""
            self.ask(note=f"演示社区已建立{detail}，数据均为虚构，可放心练习。")

        def cancelled() -> None:
            mark_demo_declined(self.db)
            self.ask(note="已取消生成演示社区。请创建管理员账户：")

        def failed(exc: BaseException) -> None:
            ops_module.show_error(None, exc)
            self.ask(note="没能生成演示社区。请创建管理员账户：")

        run_with_progress(self.ops, None, "第一次使用：正在生成演示社区（约 7,000 位虚构居民）…", work,
                          success=done, failure=failed, cancelled=cancelled)

    # --- the window -----------------------------------------------------------------------------
    def _show_window(self, *, demo: bool) -> None:
        self.dialog = None
        window = self._open_window(self.ops, demo)
        self.window = window
        window.signOutRequested.connect(self.sign_out)
        window.idleMinutesChanged.connect(self._idle_minutes_changed)
        window.closed.connect(self._window_closed)
        actor = self.db.actor
        if getattr(actor, "user_id", None) is not None:  # a real account (not the program itself)
            self.idle_lock = IdleLock(self.db, actor, minutes=store.idle_minutes(self.db), clock=clock, now=now,
                                      parent=self)
            self.idle_lock.signOutRequested.connect(self.sign_out)

    def _idle_minutes_changed(self, minutes: int) -> None:
        if self.idle_lock is not None:
            self.idle_lock.set_minutes(minutes)

    def _window_closed(self) -> None:
        if not self._switching:
            self.quit()

    # --- signing out ----------------------------------------------------------------------------
    def unsaved_forms(self) -> list[QWidget]:
        from chang_shan.ui.forms import FormDialog

        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, FormDialog) and w.isVisible() and w.is_dirty()]

    def sign_out(self) -> bool:
        """切换用户/退出登录: asks first when a form holds unsaved input; then every window
        closes, the sign-out is logged and the login dialog appears. False when declined."""
        lock_dialog = self.idle_lock.dialog if self.idle_lock is not None else None
        parent = lock_dialog or self.window
        unsaved = self.unsaved_forms()
        if unsaved:
            titles = "、".join(dict.fromkeys(w.windowTitle() for w in unsaved))
            if not ops_module.ask(parent, "切换用户",
                                  f"有尚未保存的修改（{titles}）。\n切换用户会放弃这些修改。要切换吗？"):
                return False
        previous = self.db.actor
        self._end_session()
        from chang_shan.accounts.signin import sign_out

        try:
            sign_out(self.db)
        except Exception as exc:  # noqa: BLE001 - the user is signed out either way; say what failed
            self.db.actor = None
            ops_module.show_error(None, exc)
        self.show_login(username="", note=f"{getattr(previous, 'username', '')} 已退出登录。")
        return True

    def _end_session(self) -> None:
        """Close every window of the signed-in user (unsaved input was agreed to be dropped)."""
        from chang_shan.ui.forms import FormDialog

        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock.deleteLater()
            self.idle_lock = None
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            if isinstance(widget, FormDialog):
                widget.close_without_asking()
            elif isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)
        window, self.window = self.window, None
        if window is not None:
            self._switching = True
            try:
                window.close()
            finally:
                self._switching = False
            window.deleteLater()
        # A fresh worker for the next user: nothing of the old window's work reaches them.
        old, self.ops = self.ops, Operations(self.db)
        old.shutdown()

    # --- the end --------------------------------------------------------------------------------
    def quit(self) -> None:
        self._app.quit()

    def close(self) -> None:
        """Close everything: the window, the worker (after its running call), the database."""
        if self._closed:
            return
        self._closed = True
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.rejected.disconnect(self.quit)
            dialog.done(QDialog.DialogCode.Rejected)
            dialog.deleteLater()
        if self.window is not None:
            self._switching = True
            self.window.close()
        self.ops.shutdown()
        self.db.close()
        self._app.setQuitOnLastWindowClosed(self._quit_on_last)  # type: ignore[attr-defined]
