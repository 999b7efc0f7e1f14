"""报表: choose a report (every one in ``reports.registry.REPORTS``), set its options, look at its
pages, then print them or save the PDF.

- 预览 makes the PDF into a temporary folder on the operations' worker (``registry.run``, with a
  progress dialog and 取消; the report is recorded in the audit trail as every print is) and shows
  its pages rendered by PDFium (``pages``): 上一页/下一页, 适合窗口, 实际大小 1:1, 放大/缩小. The
  folder is removed when the dialog closes.
- 保存 PDF… makes the report again into the file chosen (its own audit entry, its own file name).
- 打印… prints the PDF on view: the system print dialog, then each page rendered at the printer's
  resolution and painted onto it on the worker (progress, 取消).
- Opened from a record (a resident's health record, a household) the report and its options are
  chosen already and the preview is made at once.

Keys: Ctrl+Enter 预览, Ctrl+P 打印…, Ctrl+S 保存 PDF…, PageUp/PageDown (Alt+←/→) pages, Ctrl+=/Ctrl+-
zoom, Ctrl+0 1:1, Esc 关闭.

``choose_printer`` is a module attribute so tests can replace the system print dialog (it would
block an offscreen run); the PDF's file name comes from ``canteen_print.choose_pdf_path``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.progress import Progress
from chang_shan.reports import registry
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import HINT_COLOUR
from chang_shan.ui.progress_dialog import run_with_progress
from chang_shan.ui.reports import pages as pdf_pages
from chang_shan.ui.reports.options import ReportOptions, load_places
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.page_preview import PagePreviewDialog, PrintCancelled

if TYPE_CHECKING:
    from chang_shan.reports.registry import ReportInfo, ReportResult
    from chang_shan.ui.ops import Operations

TITLE = "报表"
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
NAME_ROLE = Qt.ItemDataRole.UserRole


def _choose_printer(parent: QWidget, printer: QPrinter) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印报表")
    return dialog.exec() == QDialog.DialogCode.Accepted


# Replaced in tests.
choose_printer: Callable[[QWidget, QPrinter], bool] = _choose_printer


def result_text(title: str, result: ReportResult) -> str:
    """居民花名册（第一网格，7 人，1 页）"""
    scope = f"{result.scope}，" if result.scope else ""
    return f"{title}（{scope}{result.rows:,} {result.unit}，{result.pages:,} 页）"


def missing_text(result: ReportResult) -> str:
    return f"；有 {len(result.missing_characters)} 个字没有可用的字体，印成了方框" if result.missing_characters else ""


class ReportsDialog(PagePreviewDialog):
    """The reports, ``report`` (a name in REPORTS) chosen with ``options`` filled in when given;
    ``preview_now`` makes its preview at once. Opened window-modal (``open()``)."""

    def __init__(self, parent: QWidget | None, ops: Operations, report: str | None = None,
                 options: dict[str, Any] | None = None, *, preview_now: bool = False) -> None:
        super().__init__(parent)
        self.ops = ops
        self.info: ReportInfo | None = None
        self.form: ReportOptions | None = None
        self.pages: pdf_pages.PdfPages | None = None
        self.result: ReportResult | None = None
        self.preview_key: tuple[str, tuple] | None = None  # the report and options on view
        self.page_index = 0
        self.zoom: float | None = None  # None: fit the window; else 1.0 = printed size
        self.rendering = False
        self._render_request = 0
        self._made = 0
        self._temp = tempfile.TemporaryDirectory(prefix="chang-shan-report-", ignore_cleanup_errors=True)
        self.places = load_places(ops.db)
        self.setWindowTitle(TITLE)

        body = QHBoxLayout()
        body.addWidget(self._build_choices())
        body.addLayout(self._build_preview(), 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addLayout(self._build_buttons(self.print_report, "用系统的打印对话框选择打印机，打印预览中的报表",
                                            self.save_pdf, "按所选的选项生成报表，保存为 PDF 文件"))
        for keys, slot in ((("Ctrl+Return", "Ctrl+Enter"), self.make_preview), (("Ctrl+=", "Ctrl++"), self.zoom_in),
                           (("Ctrl+-",), self.zoom_out), (("Ctrl+0",), lambda: self.set_zoom(1.0))):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(80)
        self._render_timer.timeout.connect(self._render_preview)
        self.finished.connect(lambda _result: self._temp.cleanup())

        names = list(registry.REPORTS)
        self.select_report(report if report in registry.REPORTS else names[0], options)
        if preview_now and report in registry.REPORTS:
            QTimer.singleShot(0, self.make_preview)

    # --- building -------------------------------------------------------------------------------

    def _build_choices(self) -> QWidget:
        """Left: the reports, what the chosen one is, its options, 预览."""
        self.report_list = QListWidget()
        self.report_list.setObjectName("reportList")
        self.report_list.setAccessibleName("报表")
        for info in registry.REPORTS.values():
            item = QListWidgetItem(info.title)
            item.setData(NAME_ROLE, info.name)
            item.setToolTip(info.description)
            self.report_list.addItem(item)
        rows = min(max(self.report_list.count(), 4), 12)  # every report in sight, no scrolling
        row_height = max(self.report_list.sizeHintForRow(0), self.fontMetrics().height() + 4)
        self.report_list.setFixedHeight(row_height * rows + 2 * self.report_list.frameWidth() + 4)
        self.report_list.currentItemChanged.connect(self._report_clicked)
        list_label = QLabel("报表(&B)")
        list_label.setBuddy(self.report_list)

        self.description = QLabel()
        self.description.setObjectName("description")
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555555;")

        self.options_box = QGroupBox("选项")
        self.options_layout = QVBoxLayout(self.options_box)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {HINT_COLOUR};")
        self.preview_button = QPushButton("预览")
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setToolTip("按所选的选项生成报表并显示（Ctrl+Enter）")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.make_preview)

        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.report_list)
        left.addWidget(self.description)
        left.addWidget(self.options_box)
        left.addWidget(self.hint)
        left.addWidget(self.preview_button)
        left.addStretch(1)
        widget = QWidget()
        widget.setLayout(left)
        widget.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 24)
        return widget

    def _build_preview(self) -> QVBoxLayout:
        """Right: the page turner, the zoom and the page."""
        bar = self._build_page_bar(lambda: self.show_page(self.page_index - 1),
                                   lambda: self.show_page(self.page_index + 1))
        self.fit_button.clicked.connect(lambda: self.set_zoom(None))
        self.actual_button.setToolTip("按打印出来的大小显示（Ctrl+0）")
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("－")
        self.zoom_out_button.setToolTip("缩小（Ctrl+-）")
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000%"))
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("＋")
        self.zoom_in_button.setToolTip("放大（Ctrl+=）")
        self.zoom_in_button.clicked.connect(self.zoom_in)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            bar.addWidget(widget)
        self._build_preview_area()
        self.preview.setText("选好报表和选项后，按“预览”查看报表。")
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.scroll, 1)
        return right

    # --- the report and its options -------------------------------------------------------------

    def select_report(self, name: str, options: dict[str, Any] | None = None) -> None:
        """Choose the report ``name`` (its options form, ``options`` filled in)."""
        for row in range(self.report_list.count()):
            if self.report_list.item(row).data(NAME_ROLE) == name:
                self.report_list.blockSignals(True)
                self.report_list.setCurrentRow(row)
                self.report_list.blockSignals(False)
        self._show_report(registry.get(name), options)

    def _report_clicked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self._show_report(registry.get(item.data(NAME_ROLE)), None)

    def _show_report(self, info: ReportInfo, options: dict[str, Any] | None) -> None:
        self.info = info
        self.description.setText(info.description)
        if self.form is not None:
            self.options_layout.removeWidget(self.form)
            self.form.deleteLater()
        self.form = ReportOptions(self.ops.db, info, self.places, options)
        self.options_layout.addWidget(self.form)
        self.form.changed.connect(self._options_changed)
        self._options_changed()

    def current_key(self) -> tuple[str, tuple] | None:
        if self.info is None or self.form is None:
            return None
        return self.info.name, tuple(sorted((key, str(value)) for key, value in self.form.values().items()))

    @property
    def stale(self) -> bool:
        """The preview on view was made for another report or other options."""
        return self.pages is not None and self.preview_key != self.current_key()

    def _options_changed(self) -> None:
        missing = self.form.missing() if self.form is not None else ""
        if missing:
            self.hint.setText(missing)
        elif self.stale:
            self.hint.setText("报表或选项已改动，请按“预览”重新生成（打印的是预览中的报表）。")
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))
        self._update_buttons()

    # --- making the report -------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = self.form is not None and not self.form.missing() and not self._busy
        self.preview_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)
        self.print_button.setEnabled(ready and self.pages is not None and not self.stale)

    def _run(self, title: str, work: Callable[[Progress], Any], success: Callable[[Any], None],
             cancelled: str) -> None:
        self._set_busy(True)
        run_with_progress(self.ops, self, title, work, success=success, failure=self._work_failed,
                          cancelled=lambda: self._work_cancelled(cancelled))

    def make_preview(self) -> bool:
        """Make the report into the temporary folder (on the worker) and show page 1."""
        if self.info is None or self.form is None or self._busy or self.form.missing():
            return False
        info, options, key, db = self.info, self.form.values(), self.current_key(), self.ops.db
        self._made += 1
        path = Path(self._temp.name) / f"{info.name}-{self._made}.pdf"

        def work(progress: Progress) -> tuple[ReportResult, pdf_pages.PdfPages]:
            result = registry.run(db, info.name, path, options=options, progress=progress)
            return result, pdf_pages.read_pages(result.path)

        def made(found: tuple[ReportResult, pdf_pages.PdfPages]) -> None:
            self._set_busy(False)
            self.result, self.pages = found
            self.preview_key = key
            self._set_status(f"预览：{result_text(info.title, self.result)}{missing_text(self.result)}")
            self._options_changed()
            self.page_index = 0
            self.show_page(0)

        self._set_status("正在生成报表…")
        self._run(f"正在生成{info.title}…", work, made, "已取消，没有生成报表。")
        return True

    def save_pdf(self) -> bool:
        """Ask where, then make the report into that file (on the worker)."""
        if self.info is None or self.form is None or self._busy or self.form.missing():
            return False
        info, options, db = self.info, self.form.values(), self.ops.db
        chosen = canteen_print.choose_pdf_path(self, f"保存{info.title}", f"{info.title}.pdf")
        if not chosen:
            return False
        path = Path(chosen)

        def saved(result: ReportResult) -> None:
            self._set_busy(False)
            self._set_status(f"已保存{result_text(info.title, result)}：{result.path}{missing_text(result)}")

        self._set_status("正在生成 PDF…")
        self._run(f"正在生成{info.title} PDF…",
                  lambda progress: registry.run(db, info.name, path, options=options, progress=progress),
                  saved, "已取消，没有保存文件。")
        return True

    def print_report(self) -> bool:
        """The system print dialog, then the pages on view onto the printer (on the worker). False
        when there is no current preview or the user cancelled."""
        pages, info = self.pages, self.info
        if pages is None or info is None or self.stale or self._busy or not pages.count:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(info.title)
        printer.setFullPage(True)
        printer.setPageLayout(pdf_pages.page_layout(*pages.sizes[0]))
        if not choose_printer(self, printer):
            return False
        printer.setFullPage(True)
        sent = [0]

        def work(progress: Progress) -> int:
            try:
                return pdf_pages.print_pages(printer, pages.path, progress)
            except PrintCancelled as exc:
                sent[0] = exc.pages_sent
                raise

        def printed(count: int) -> None:
            self._set_busy(False)
            where = printer.printerName() or printer.outputFileName()
            self._set_status(f"已把{info.title}（{count:,} 页）送到打印机{f'“{where}”' if where else ''}。")

        self._set_status("正在打印…")
        self._set_busy(True)
        run_with_progress(self.ops, self, f"正在把{info.title}送到打印机…", work, success=printed,
                          failure=self._work_failed,
                          cancelled=lambda: self._work_cancelled(
                              f"打印已取消{f'，已送出的 {sent[0]} 页可能仍会打印出来' if sent[0] else ''}。"))
        return True

    def _work_failed(self, exc: BaseException) -> None:
        """Not allowed, nobody in the scope …: said in the status line; a bug also in a box."""
        self._set_busy(False)
        kind, _title, text = ops_module.describe_error(exc)
        self._set_status(text, error=True)
        if kind != "warning":
            ops_module.show_error(self, exc)

    # --- the preview -------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        if self.pages is None or not self.pages.count:
            return
        self.page_index = max(0, min(index, self.pages.count - 1))
        self._render_preview()

    def set_zoom(self, zoom: float | None) -> None:
        """None: the whole page in the window; 1.0: the printed size; up to 4×."""
        self.zoom = zoom
        self._render_preview()

    def _fit_zoom(self) -> float:
        if self.pages is None:
            return 1.0
        width, height = self.pages.sizes[self.page_index]
        room = self.scroll.maximumViewportSize()  # without scroll bars: a fitted page needs none
        margin = 24
        dpi = min((room.width() - margin) / (width / pdf_pages.POINTS_PER_INCH),
                  (room.height() - margin) / (height / pdf_pages.POINTS_PER_INCH))
        return max(dpi, 20.0) / self.logicalDpiX()

    def zoom_in(self) -> None:
        now = self.zoom if self.zoom is not None else self._fit_zoom()
        self.set_zoom(next((step for step in ZOOM_STEPS if step > now + 0.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self.zoom if self.zoom is not None else self._fit_zoom()
        self.set_zoom(next((step for step in reversed(ZOOM_STEPS) if step < now - 0.01), ZOOM_STEPS[0]))

    def _render_preview(self) -> None:
        """Render the page on view at the zoom (on the worker); the newest request wins."""
        fit = self.zoom is None
        self.fit_button.setChecked(fit)
        self.actual_button.setChecked(self.zoom == 1.0)
        zoom = self._fit_zoom() if fit else self.zoom
        self.zoom_label.setText(f"{zoom:.0%}")
        pages = self.pages
        if pages is None or not pages.count:
            return
        total = pages.count
        self.page_label.setText(f"第 {self.page_index + 1} / {total} 页")
        self.previous_button.setEnabled(self.page_index > 0)
        self.next_button.setEnabled(self.page_index < total - 1)
        ratio = self.devicePixelRatioF()
        dpi = zoom * self.logicalDpiX() * ratio
        self._render_request += 1
        request, path, index = self._render_request, pages.path, self.page_index
        self.rendering = True
        self.ops.run(lambda: pdf_pages.page_image(path, index, dpi),
                     success=lambda image: self._rendered(request, image, fit, ratio),
                     failure=lambda exc: self._render_failed(request, exc), parent=self)

    def _rendered(self, request: int, image: Any, fit: bool, ratio: float) -> None:
        if request != self._render_request:
            return
        self.rendering = False
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.preview.setPixmap(pixmap)
        self.scroll.setWidgetResizable(fit)
        if not fit:
            self.preview.resize(pixmap.size() / ratio)

    def _render_failed(self, request: int, exc: BaseException) -> None:
        if request != self._render_request:
            return
        self.rendering = False
        self._work_failed(exc)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.zoom is None and self.pages is not None:
            self._render_timer.start()


def open_reports(parent: QWidget, ops: Operations, report: str | None = None,
                 options: dict[str, Any] | None = None) -> ReportsDialog | None:
    """The reports dialog window-modal over ``parent``'s window (文件 → 报表…, or a record's print
    button: ``report`` with ``options`` chosen and previewed at once). One at a time per window: a
    second request raises the open one. None when ``report`` is not a report of this program."""
    if report is not None and report not in registry.REPORTS:
        return None
    window = parent.window()
    dialog = getattr(window, "reports_dialog", None)
    if dialog is not None:
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    dialog = ReportsDialog(window, ops, report, options, preview_now=report is not None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    window.reports_dialog = dialog  # type: ignore[attr-defined]
    dialog.finished.connect(lambda _result: setattr(window, "reports_dialog", None))
    dialog.open()
    return dialog
