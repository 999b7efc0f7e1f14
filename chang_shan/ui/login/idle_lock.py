"""The idle lock: after some minutes without keyboard or mouse input the program covers every
window and asks for the same user's password.

Windows are *covered*, not hidden: hiding a dialog that runs ``exec()`` (a half-filled resident
form) would end it and lose the input. Each visible top-level window gets an opaque cover over
all its contents, and an application-modal lock dialog takes every key and click. Unlocking
removes the covers; everything underneath is exactly as it was, unsaved input included.

Input is noticed by an event filter on the application; a timer compares the clock with the last
input. The clock is injectable (``clock=``) so tests can move time on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from chang_shan import APP_TITLE
from chang_shan.errors import LoginFailed
from chang_shan.ui.login import store
from chang_shan.ui.login.dialogs import DIALOG_STYLE, _Busy, _buttons, _heading, _note, _password_edit

if TYPE_CHECKING:
    from chang_shan.accounts.permissions import Actor
    from chang_shan.db.database import Database

# What counts as someone working: keys, clicks, the wheel, moving the mouse, typing through an
# input method (Chinese), touch.
ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.InputMethod, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
})
POLL_MS = 5000


def awake_or_asleep_clock() -> float:
    """Seconds on a clock that keeps running while the computer sleeps (Linux's monotonic clock
    stops then, and a window left at lunch must be locked when the lid opens)."""
    try:
        return time.clock_gettime(time.CLOCK_BOOTTIME)  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # Windows and macOS: monotonic already counts sleep
        return time.monotonic()
COVER_COLOUR = "#2b3a4a"


def actor_label(actor: Actor) -> str:
    name = getattr(actor, "display_name", "") or actor.username
    if name != actor.username:
        name = f"{name}（{actor.username}）"
    return f"{name}，{actor.role}"


class Cover(QWidget):
    """An opaque panel over the whole of one window while the program is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("idleCover")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(COVER_COLOUR))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
        self.setPalette(palette)
        label = QLabel("已锁定", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: white; background: transparent;")
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        label.setFont(font)
        QVBoxLayout(self).addWidget(label)
        self.fit()
        self.show()
        self.raise_()

    def fit(self) -> None:
        self.setGeometry(self.parentWidget().rect())


class LockDialog(QDialog):
    """Asks for the signed-in user's password; cannot be dismissed, only unlocked or signed out
    (切换用户)."""

    unlockRequested = Signal(str)
    switchRequested = Signal()

    def __init__(self, actor: Actor, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.setWindowTitle(f"已锁定 — {APP_TITLE}")
        self.setStyleSheet(DIALOG_STYLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 20)
        outer.setSpacing(10)
        outer.addWidget(_heading("程序已锁定", 1.6))
        why = QLabel(f"已有 {minutes} 分钟无人操作。为保护居民信息，窗口已锁定；\n刚才未保存的内容都还在，解锁后可以继续。")
        why.setObjectName("explain")
        why.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(why)
        self.who = QLabel(f"当前用户：{actor_label(actor)}")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.who)
        self.password = _password_edit("password")
        self.password.setPlaceholderText("请输入您的密码")
        outer.addWidget(self.password)
        self.message = _note("message")
        outer.addWidget(self.message)
        buttons, self.unlock_button, self.switch_button = _buttons(
            "解锁", "unlockButton", "切换用户", "switchButton",
            other_role=QDialogButtonBox.ButtonRole.ResetRole, min_width=110)
        self.switch_button.setToolTip("退出当前用户，换另一位同事登录（未保存的内容会先询问）")
        self.unlock_button.clicked.connect(self._unlock)
        self.switch_button.clicked.connect(self.switchRequested)
        self.password.returnPressed.connect(self._unlock)
        outer.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self.password.setFocus()

    def _unlock(self) -> None:
        self.unlockRequested.emit(self.password.text())

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.password.clear()
        self.password.setFocus()

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    # Esc and the close button do nothing: only the password (or 切换用户) leaves this dialog.
    def reject(self) -> None:
        pass

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if getattr(self, "_may_close", False):
            event.accept()
        else:
            event.ignore()

    def dismiss(self) -> None:
        self._may_close = True
        self.hide()
        self.deleteLater()


class IdleLock(QObject):
    """Watches the whole application for input; ``check()`` (run by a timer) locks once the
    user has been away ``minutes``. ``signOutRequested`` when the lock dialog's 切换用户 is
    pressed (the owner decides what happens to unsaved input)."""

    lockedChanged = Signal(bool)
    signOutRequested = Signal()

    def __init__(
        self, db: Database, actor: Actor, *, minutes: int = store.DEFAULT_IDLE_MINUTES,
        clock: Callable[[], float] = awake_or_asleep_clock, now: Callable[[], datetime] | None = None,
        poll_ms: int = POLL_MS, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.minutes = minutes
        self._clock = clock
        self._now = now
        self._last_input = clock()
        self._covers: dict[QWidget, Cover] = {}
        self._focus: QWidget | None = None
        self._active: QWidget | None = None
        self.dialog: LockDialog | None = None
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    # --- watching -------------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in ACTIVITY:
            if self.dialog is None:
                self._last_input = self._clock()
        elif self.dialog is not None and isinstance(watched, QWidget) and watched.isWindow():
            if kind == QEvent.Type.Resize and watched in self._covers:
                self._covers[watched].fit()
            elif kind == QEvent.Type.Show and watched is not self.dialog and _coverable(watched):
                # A window that opened while locked (a message from background work): cover it
                # too, and put the lock dialog back on top of the modal stack.
                self._cover(watched)
                QTimer.singleShot(0, self._to_front)
        return False

    def check(self) -> bool:
        """Lock when the user has been away long enough. True when locked."""
        if self.dialog is None and self.idle_seconds() >= self.minutes * 60:
            self.lock()
        return self.locked

    # --- locking --------------------------------------------------------------------------------
    def lock(self) -> None:
        if self.dialog is not None:
            return
        while (popup := QApplication.activePopupWidget()) is not None:  # open menus, combo lists
            popup.close()
        QToolTip.hideText()
        self._focus = QApplication.focusWidget()
        self._active = QApplication.activeWindow()
        for window in QApplication.topLevelWidgets():
            if _coverable(window):
                self._cover(window)
        self.dialog = LockDialog(self.actor, self.minutes)
        self.dialog.unlockRequested.connect(self.try_unlock)
        self.dialog.switchRequested.connect(self.signOutRequested)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.lockedChanged.emit(True)

    def _to_front(self) -> None:
        dialog = self.dialog
        if dialog is not None and QApplication.activeModalWidget() is not dialog:
            dialog.hide()  # shown again: the newest modal window, the one that gets the input
            dialog.show()
        if dialog is not None:
            dialog.raise_()
            dialog.activateWindow()

    def _cover(self, window: QWidget) -> None:
        if window not in self._covers:
            self._covers[window] = Cover(window)
            window.destroyed.connect(lambda *_a, w=window: self._covers.pop(w, None))

    def covered(self) -> list[QWidget]:
        """The windows under a cover now."""
        return [window for window, cover in self._covers.items() if cover.isVisible()]

    def try_unlock(self, password: str) -> bool:
        """The same user's password (through the service: a failure counts toward the lockout)."""
        if self.dialog is None:
            return True
        if not password:
            self.dialog.show_message("请输入密码。")
            return False
        try:
            with _Busy():
                store.verify_unlock(self.db, self.actor, password, now=self._now() if self._now else None)
        except LoginFailed as exc:
            self.dialog.show_message(exc.message)
            return False
        self.unlock()
        return True

    def unlock(self) -> None:
        """Take the covers off and give the focus back to where it was."""
        dialog, self.dialog = self.dialog, None
        for cover in self._covers.values():
            cover.hide()
            cover.deleteLater()
        self._covers.clear()
        if dialog is not None:
            dialog.dismiss()
        active, focus = self._active, self._focus
        self._active = self._focus = None
        if active is not None and _alive(active) and active.isVisible():
            active.raise_()
            active.activateWindow()
        if focus is not None and _alive(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._last_input = self._clock()
        if dialog is not None:
            self.lockedChanged.emit(False)

    def stop(self) -> None:
        """No more watching (signing out, closing); any covers come off."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.unlock()


def _coverable(widget: QWidget) -> bool:
    if not widget.isVisible() or not widget.isWindow() or isinstance(widget, LockDialog):
        return False
    return widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet,
                                   Qt.WindowType.Tool)


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # its C++ object is gone
        return False
    return True
