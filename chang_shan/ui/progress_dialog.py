"""Long work with a progress dialog and a cancel button, run on the operations' worker thread.

    run_with_progress(ops, parent, "正在生成演示社区…", lambda progress: build_demo(db, progress=progress),
                      success=..., failure=...)

The work receives a ``Progress`` callable; when the user presses 取消 the next call to it raises
``Cancelled`` in the worker, the service rolls back, and ``failure`` (or nothing) follows.
No ``processEvents()`` loop: the GUI thread stays in its event loop the whole time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from chang_shan.progress import Cancelled, Progress
from chang_shan.ui.ops import Failure, Operations, ProgressReporter, Success, show_error


class _Relay(QObject):
    progressed = Signal(int, int, str)


class ProgressDialog(QProgressDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("请稍候")
        self.setLabelText(title)
        self.setCancelButtonText("取消")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(200)
        self.setMinimumWidth(420)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setRange(0, 0)  # busy until the first report
        self._title = title
        self._relay = _Relay()
        self._relay.progressed.connect(self._update, Qt.ConnectionType.QueuedConnection)
        self.reporter = ProgressReporter(self._relay.progressed.emit)
        self.canceled.connect(self._on_cancel)

    def _update(self, done: int, total: int, text: str) -> None:
        if self.reporter.cancelled:
            return
        if total > 0:
            if self.maximum() != total:
                self.setRange(0, total)
            self.setValue(min(done, total))
        self.setLabelText(f"{self._title}\n{text}" if text else self._title)

    def reject(self) -> None:
        """Esc or the window's close button: cancel the work (the dialog closes when it stops)."""
        if not self.reporter.cancelled:
            self.canceled.emit()

    def _on_cancel(self) -> None:
        self.reporter.cancel()
        self.setLabelText("正在取消，请稍候…")
        self.setCancelButton(None)  # the work stops at its next report; nothing more to press
        self.show()


def run_with_progress(
    ops: Operations, parent: QWidget | None, title: str, work: Callable[[Progress], Any], *,
    success: Success | None = None, failure: Failure | None = None, cancelled: Callable[[], None] | None = None,
) -> ProgressDialog:
    dialog = ProgressDialog(parent, title)

    def done(result: Any) -> None:
        dialog.close()
        dialog.deleteLater()
        if success is not None:
            success(result)

    def failed(exc: BaseException) -> None:
        dialog.close()
        dialog.deleteLater()
        if isinstance(exc, Cancelled):
            if cancelled is not None:
                cancelled()
        elif failure is not None:
            failure(exc)
        else:
            show_error(parent, exc)

    ops.run(lambda: work(dialog.reporter), success=done, failure=failed, parent=parent)
    return dialog
