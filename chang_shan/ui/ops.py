"""Background operations: every database call of the window runs on ONE worker thread.

Modelled on Anki's ``CollectionOp``/``QueryOp``: the service call runs off the GUI thread, and
``success``/``failure`` come back on the GUI thread. A failure shows a Chinese message box unless
the caller handles it: a ``DomainError`` (bad input, forbidden change) and an
``EnvironmentProblem`` (disk full, locked folder) are shown plainly; anything else is a bug and is
shown as an error with the details. The worker never touches a widget.

    ops.query(lambda s: places.place_tree(s), success=tree.set_nodes)
    ops.change("迁出 张三", lambda s: residents.move_out(s, rid), success=...)

``change`` runs the call inside ``db.transaction(action)`` (one journaled, undoable unit of work)
and then emits ``changed(action)`` so the screens refresh and the undo menu follows.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from chang_shan.errors import DomainError, EnvironmentProblem
from chang_shan.progress import Cancelled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database

T = TypeVar("T")
Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


# SQLite's own words for machine trouble (qutebrowser's KnownError idea): told plainly, not as bugs.
_SQLITE_ENVIRONMENT = (
    ("database or disk is full", "磁盘已满，数据没有写入。请清理磁盘空间后再试。"),
    ("disk i/o error", "读写磁盘出错，数据没有写入。请检查磁盘或 U 盘是否正常。"),
    ("database is locked", "数据库正忙（另一个操作正在写入），请稍后再试。"),
    ("readonly database", "数据文件夹是只读的，不能保存。请检查文件夹权限。"),
    ("unable to open database", "无法打开数据库文件。请检查数据文件夹是否还在、是否有权限。"),
    ("file is not a database", "数据库文件已损坏，或不是长山的数据库。请从备份恢复（数据未做任何改动）。"),
    ("database disk image is malformed", "数据库文件已损坏。请从备份恢复，并请维护人员检查磁盘。"),
)


def environment_message(exc: BaseException) -> str | None:
    """A plain Chinese message when ``exc`` is the database's trouble with the machine."""
    import sqlite3

    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if not isinstance(cause, sqlite3.Error):
        return None
    text = str(cause).lower()
    return next((message for needle, message in _SQLITE_ENVIRONMENT if needle in text), None)


def describe_error(exc: BaseException) -> tuple[str, str, str]:
    """(icon kind, title, text) for an error shown to the user; details added for bugs only."""
    if isinstance(exc, DomainError):
        return "warning", "无法完成", exc.message
    if isinstance(exc, EnvironmentProblem):
        return "critical", "无法访问数据", exc.message
    machine = environment_message(exc)
    if machine is not None:
        return "critical", "无法访问数据", machine
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
        return "critical", "文件或磁盘错误", f"读写文件时出错：{exc.strerror or exc}{where}。请检查磁盘空间和权限。"
    return "critical", "程序出错", "程序遇到了意外的错误，刚才的操作没有完成，数据没有被改动。\n请把下面的详细信息告诉维护人员。"


def _show_message_box(parent: QWidget | None, kind: str, title: str, text: str, details: str) -> None:
    box = QMessageBox(parent)
    icons = {"information": QMessageBox.Icon.Information, "warning": QMessageBox.Icon.Warning}
    box.setIcon(icons.get(kind, QMessageBox.Icon.Critical))
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("知道了")
    box.exec()


def _ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


# Replaced in tests (a blocking message box would hang an offscreen run).
message_box: Callable[[QWidget | None, str, str, str, str], None] = _show_message_box
ask: Callable[[QWidget | None, str, str], bool] = _ask_yes_no


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, Cancelled):
        return
    kind, title, text = describe_error(exc)
    expected = isinstance(exc, (DomainError, EnvironmentProblem, OSError)) or environment_message(exc) is not None
    details = "" if expected else "".join(traceback.format_exception(exc))
    message_box(parent, kind, title, text, details)


class _Bridge(QObject):
    """Carries a finished future from the worker thread to the GUI thread (queued signal)."""

    finished = Signal(object)


class Operations(QObject):
    """The one worker thread and the database it works on. One per window."""

    changed = Signal(str)  # an action was saved (or undone): refresh what shows data
    busy_changed = Signal(bool)
    _running_total = 0  # calls submitted and not yet delivered, over every instance (gc_guard)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chang-shan-db")
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._pending = 0
        self._closed = False

    # --- running -----------------------------------------------------------------------------

    def run(self, fn: Callable[[], T], *, success: Success | None = None, failure: Failure | None = None,
            parent: QWidget | None = None) -> Future:
        """Run ``fn()`` on the worker; ``success(result)`` or ``failure(exc)`` on the GUI thread.

        Without ``failure`` an error is shown in a message box over ``parent``.
        """
        if self._closed:  # the window is closing (a late timer): nothing more to do
            dropped: Future = Future()
            dropped.cancel()
            return dropped
        self._pending += 1
        Operations._running_total += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        future = self._executor.submit(fn)
        payload = (future, success, failure, parent)
        future.add_done_callback(lambda _f: self._bridge.finished.emit(payload))
        return future

    def query(self, fn: Callable[[Session], T], **kwargs: Any) -> Future:
        """A read-only call: ``fn(session)`` in a reader session."""
        def work() -> T:
            with self.db.reader() as session:
                return fn(session)
        return self.run(work, **kwargs)

    def change(self, action: str, fn: Callable[[Session], T], *, success: Success | None = None,
               failure: Failure | None = None, parent: QWidget | None = None) -> Future:
        """A write: ``fn(session)`` as one undoable action named ``action``, then ``changed``."""
        def work() -> T:
            with self.db.transaction(action) as session:
                return fn(session)

        def done(result: Any) -> None:
            self.changed.emit(action)
            if success is not None:
                success(result)

        return self.run(work, success=done, failure=failure, parent=parent)

    def notify_changed(self, action: str = "") -> None:
        """Something outside the worker (a dialog) saved data: refresh like after ``change``."""
        self.changed.emit(action)

    def _deliver(self, payload: tuple[Future, Success | None, Failure | None, QWidget | None]) -> None:
        future, success, failure, parent = payload
        if self._closed:  # ``shutdown`` has settled the counts: nobody is waiting any more
            return
        self._pending -= 1
        Operations._running_total -= 1
        try:
            if self._closed or future.cancelled():  # shutting down: nobody is waiting any more
                return
            exc = future.exception()
            if exc is None:
                if success is not None:
                    success(future.result())
            elif failure is not None:
                failure(exc)
            else:
                show_error(parent, exc)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    # --- state -------------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return self._pending == 0

    @staticmethod
    def all_idle() -> bool:
        """No call of any window is running or waiting to be delivered (safe to collect garbage)."""
        return Operations._running_total <= 0

    def shutdown(self) -> None:
        """Wait for the running call (never interrupt a write) and stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        Operations._running_total -= self._pending
        self._pending = 0


class ProgressReporter:
    """A ``chang_shan.progress.Progress`` callable for work on the worker thread.

    It forwards at most ~20 updates a second to the GUI (through a queued signal) and raises
    ``Cancelled`` in the worker once the user has pressed cancel.
    """

    def __init__(self, emit: Callable[[int, int, str], None], *, interval: float = 0.05) -> None:
        self._emit = emit
        self._interval = interval
        self._cancelled = threading.Event()
        self._last = 0.0

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        import time

        if self._cancelled.is_set():
            raise Cancelled()
        now = time.monotonic()
        if now - self._last >= self._interval or (total and done >= total):
            self._last = now
            self._emit(done, total, text)
