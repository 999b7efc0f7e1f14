"""What the print dialogs with a page preview share (打印防走失卡, 报表): the page turner with
适合窗口 / 实际大小 1:1, the grey area the page is shown on, the bottom row (what happened, 打印…,
保存 PDF…, 关闭), the busy state that keeps 关闭 and Esc away while a file or a print job is being
made, and painting pages onto a printer on the worker with 取消.

A dialog subclasses ``PagePreviewDialog``, builds its parts with ``_build_page_bar``,
``_build_preview_area`` and ``_build_buttons``, wires the buttons to its own slots, and provides
``_update_buttons``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from chang_shan.errors import DomainError
from chang_shan.progress import Cancelled, Progress
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import ERROR_COLOUR


class PrintCancelled(Cancelled):
    """取消 while printing: ``pages_sent`` pages may still come out of a printer whose driver
    cannot take a job back (Qt's PDF and CUPS engines cannot abort; Windows' can: then 0)."""

    def __init__(self, pages_sent: int) -> None:
        super().__init__()
        self.pages_sent = pages_sent


def paint_pages(printer: QPrinter, total: int, paint: Callable[[QPainter, int, QRectF], None],
                progress: Progress) -> int:
    """``paint(painter, index, target)`` for every page onto ``printer``, one sheet each (on the
    worker: painting a QPrinter needs no GUI thread; ``target`` is the whole sheet in device
    pixels). Cancelled → the job is aborted where the driver allows it; ``PrintCancelled``."""
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError("无法开始打印：打印机没有准备好。请检查打印机后再试。")
    painted = 0
    try:
        target = printer.pageLayout().fullRectPixels(printer.resolution()).toRectF()
        for index in range(total):
            progress(index, total, f"第 {index + 1} / {total} 页")
            if index and not printer.newPage():
                raise DomainError("打印机不接受新的一页，打印没有完成。")
            paint(painter, index, target)
            painted += 1
        progress(total, total, "")
    except Cancelled:
        aborted = printer.abort()
        raise PrintCancelled(0 if aborted else painted) from None
    finally:
        if painter.isActive():
            painter.end()
    return painted


def _tool_button(text: str, tip: str, *, checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    return button


class PagePreviewDialog(QDialog):
    """A print dialog with a preview; opens over most of the window it belongs to."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.status_text = ""
        self._busy = False
        self.setMinimumSize(QSize(960, 640))
        if parent is not None:  # the preview wants room: most of the window it opens over
            room = parent.window().size()
            self.resize(max(960, int(room.width() * 0.92)), max(640, int(room.height() * 0.92)))

    # --- parts ----------------------------------------------------------------------------------

    def _build_page_bar(self, previous: Callable[[], None], following: Callable[[], None]) -> QHBoxLayout:
        """◀ 上一页, 第 1 / 3 页, 下一页 ▶ … 适合窗口, 实际大小 1:1 (checkable; the caller wires them)."""
        self.previous_button = _tool_button("◀ 上一页", "上一页（PageUp）")
        self.previous_button.clicked.connect(previous)
        self.next_button = _tool_button("下一页 ▶", "下一页（PageDown）")
        self.next_button.clicked.connect(following)
        self.page_label = QLabel()
        self.page_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("第 000 / 000 页"))
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fit_button = _tool_button("适合窗口", "整页显示在窗口中", checkable=True)
        self.fit_button.setChecked(True)
        self.actual_button = _tool_button("实际大小 1:1", "按打印出来的大小显示", checkable=True)
        for keys, slot in ((("PgUp", "Alt+Left"), previous), (("PgDown", "Alt+Right"), following)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.actual_button)
        return bar

    def _build_preview_area(self) -> QScrollArea:
        """The page (``preview``, a label holding a pixmap) on grey, in ``scroll``."""
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setAccessibleName("预览")
        self.preview.setWordWrap(True)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.preview)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setStyleSheet("QScrollArea { background: #8a8a8a; } "
                                  "QLabel#preview { background: #8a8a8a; color: white; }")
        return self.scroll

    def _build_buttons(self, print_slot: Callable[[], Any], print_tip: str, save_slot: Callable[[], Any],
                       save_tip: str) -> QHBoxLayout:
        """Bottom: what happened (``status``), 打印… (Ctrl+P), 保存 PDF… (Ctrl+S), 关闭."""
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip(f"{print_tip}（Ctrl+P）")
        self.print_button.clicked.connect(print_slot)
        self.pdf_button = QPushButton("保存 PDF…")
        self.pdf_button.setToolTip(f"{save_tip}（Ctrl+S）")
        self.pdf_button.clicked.connect(save_slot)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.pdf_button, self.close_button):
            button.setAutoDefault(False)
        QShortcut(QKeySequence("Ctrl+P"), self, print_slot)
        QShortcut(QKeySequence("Ctrl+S"), self, save_slot)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        return buttons

    # --- state ----------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        """A PDF or a print job is being made."""
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_text = text
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")

    def _work_failed(self, exc: BaseException) -> None:
        """Said in the status line, and in a box."""
        self._set_busy(False)
        _kind, _title, text = ops_module.describe_error(exc)
        self._set_status(text, error=True)
        ops_module.show_error(self, exc)

    def _work_cancelled(self, text: str) -> None:
        self._set_busy(False)
        self._set_status(text)

    def reject(self) -> None:
        """关闭 or Esc: not while a PDF or a print job is being made (its progress dialog is the
        way to stop it)."""
        if self._busy:
            return
        super().reject()

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)
