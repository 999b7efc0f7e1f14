"""打印防走失卡: choose whose badges (the given selection, all 60+, a grid, a building, the stale
badges, the never printed) and the layout, see how many badges and pages that makes and what was
shortened to keep the QR small enough, look at the pages, then print through the system print
dialog or save a PDF.

All database work is on the operations' worker: the batch is prepared there
(``chang_shan.badges.job.prepare``) whenever the choice or the layout changes; a PDF is written
there with a progress dialog and a cancel button (``job.write_pdf``: numbers made permanent and
the prints recorded in the same transaction that puts the file in place); printing paints the
pages onto the QPrinter there too, page by page with the same progress dialog, and then records
the prints (``job.record_printed``, output 'printer'). The preview draws the same items as the
PDF (``painter``).

Keys: Ctrl+P 打印…, Ctrl+S 保存 PDF…, PageUp/PageDown (or Alt+←/→) 上一页/下一页, Esc 关闭.

``choose_printer`` is a module attribute so tests can replace the system print dialog (it would
block an offscreen run); the PDF's file name and opening it are canteen_print's
(``choose_pdf_path``, ``open_file``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMarginsF, QSizeF, Qt, QTimer
from PySide6.QtGui import QPageLayout, QPageSize, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.badges.shapes import BadgeChoice
from chang_shan.progress import Progress
from chang_shan.ui import ops as ops_module
from chang_shan.ui.badges.painter import MM_PER_INCH, page_image, paint_page, register_fonts
from chang_shan.ui.progress_dialog import run_with_progress
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.page_preview import PagePreviewDialog, PrintCancelled, paint_pages

if TYPE_CHECKING:
    from chang_shan.badges.drawing import PageDrawing
    from chang_shan.ui.ops import Operations

TITLE = "打印防走失卡"
SUGGESTED_PDF = "防走失卡.pdf"
ACTION = "打印防走失卡"

# The ways to choose people, in the order they are offered (the given selection comes first).
GIVEN, ALL_60PLUS, GRID, BUILDING, STALE, NEVER_PRINTED = "given", "all", "grid", "building", "stale", "new"
WHO_LABELS = {
    ALL_60PLUS: "全部60岁以上的居民",
    GRID: "一个网格的60岁以上居民",
    BUILDING: "一栋楼的60岁以上居民",
    STALE: "资料有变动、需要重印的卡",
    NEVER_PRINTED: "60岁以上、还没有打印过卡的居民",
}


def _choose_printer(parent: QWidget, printer: QPrinter) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印防走失卡")
    return dialog.exec() == QDialog.DialogCode.Accepted


# Replaced in tests.
choose_printer: Callable[[QWidget, QPrinter], bool] = _choose_printer


def describe_choice(choice: BadgeChoice) -> str:
    """``所选的 3 位居民``, ``网格 01 中需重印的卡`` …: the given choice, in words."""
    from chang_shan.population.addresses import building_label

    parts = []
    if choice.resident_ids:
        parts.append(f"所选的 {len(choice.resident_ids)} 位居民")
    if choice.all_60plus:
        parts.append("60岁以上的居民")
    if choice.grid:
        parts.append(f"网格 {choice.grid}")
    if choice.building:
        parts.append(building_label(choice.building))
    base = "、".join(parts)
    if choice.changed_since:
        return f"{base}中需要重印的卡" if base else "所有需要重印的卡（资料有变动）"
    if choice.not_printed:
        return f"{base}中还没有打印过卡的" if base else "所有还没有打印过卡的居民"
    return base


def standard_key(choice: BadgeChoice | None) -> str | None:
    """The option that says the same as ``choice`` (所有需重印 from the register), if one does."""
    standard = {BadgeChoice(all_60plus=True): ALL_60PLUS, BadgeChoice(changed_since=True): STALE,
                BadgeChoice(all_60plus=True, not_printed=True): NEVER_PRINTED}
    return standard.get(choice) if choice is not None else None


@dataclass(frozen=True)
class Prepared:
    """What the preview shows: the batch (``job.BadgeBatch``), its pages and the layout's name."""

    batch: Any
    pages: tuple[PageDrawing, ...]
    layout: str

    @property
    def badges(self) -> int:
        return len(self.batch.entries)


def prepare(session: Any, choice: BadgeChoice, layout_name: str, files_root: Any, today: date | None) -> Prepared:
    """On the worker: the batch and its pages."""
    from chang_shan.badges import job

    batch = job.prepare(session, choice, layout_name, files_root, today=today)
    return Prepared(batch, tuple(batch.drawings()), layout_name)


def summary_text(prepared: Prepared) -> str:
    """共 12 枚卡，2 页；3 枚有照片；1 枚的二维码内容已缩短 …"""
    counts = prepared.batch.counts
    parts = [f"共 {prepared.badges:,} 枚卡，{len(prepared.pages):,} 页"]
    for key, template in (("photos", "{} 枚有照片"), ("shortened", "{} 枚的二维码内容已缩短"),
                          ("too_big", "{} 枚的二维码仍然过大，可能不易扫描"), ("no_contacts", "{} 人没有家属联系人")):
        if counts.get(key):
            parts.append(template.format(counts[key]))
    return "；".join(parts)


def page_layout(layout_name: str) -> QPageLayout:
    """The layout's paper (A4, an ID-1 card, a 50×30 label) with no margins: the pages are drawn
    edge to edge, as in the PDF."""
    from chang_shan.badges.layouts import get_layout

    layout = get_layout(layout_name)
    short, long = sorted((layout.page_width, layout.page_height))
    orientation = QPageLayout.Orientation.Portrait if layout.page_height >= layout.page_width \
        else QPageLayout.Orientation.Landscape
    size = QPageSize(QSizeF(short, long), QPageSize.Unit.Millimeter, layout.label,
                     QPageSize.SizeMatchPolicy.FuzzyMatch)
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def paint_on_printer(printer: QPrinter, pages: Sequence[PageDrawing], progress: Progress) -> None:
    """Every page onto ``printer``, one sheet each (on the worker: painting a QPrinter needs no GUI
    thread). Cancelled → the print job is aborted where the driver allows it; ``PrintCancelled``."""
    paint_pages(printer, len(pages), lambda painter, index, target: paint_page(painter, pages[index], target),
                progress)


class BadgePrintDialog(PagePreviewDialog):
    """The print flow for ``choice`` (or, without one, for all 60+). Opened window-modal
    (``open_window_modal`` or ``open()``); stays open after printing, so a second copy or another
    layout is one click away."""

    def __init__(self, parent: QWidget | None, ops: Operations, choice: BadgeChoice | None = None, *,
                 today: date | None = None, given_label: str | None = None) -> None:
        super().__init__(parent)
        register_fonts()  # on the GUI thread, before any painting on the worker
        self.ops = ops
        standard = standard_key(choice)
        self.given = choice if choice is not None and not choice.empty and standard is None else None
        self.given_label = given_label  # '所选居民：张立春' (the words for the given choice)
        self.today = today
        self.prepared: Prepared | None = None
        self.page_index = 0
        self._request = 0
        self.loading = False  # a batch is being prepared
        self.setWindowTitle(TITLE)

        body = QHBoxLayout()
        body.addWidget(self._build_choices(standard))
        body.addLayout(self._build_preview(), 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addLayout(self._build_buttons(self.print_badges, "用系统的打印对话框选择打印机并打印",
                                            self.save_pdf, "保存为 PDF 文件，可以拿到别处打印"))
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(60)
        self._render_timer.timeout.connect(self._render_preview)

        self._update_buttons()
        self._load_places()
        self.reload()

    def _build_choices(self, standard: str | None) -> QWidget:
        """Left: whose badges, the layout, what it makes (count, warnings)."""
        who_box = QGroupBox("打印哪些人")
        who = QGridLayout(who_box)
        self.who = QButtonGroup(self)
        self.who_buttons: dict[str, QRadioButton] = {}
        keys = ([GIVEN] if self.given is not None else []) + list(WHO_LABELS)
        for row, key in enumerate(keys):
            text = (self.given_label or describe_choice(self.given)) if key == GIVEN else WHO_LABELS[key]
            button = QRadioButton(text)
            button.setObjectName(f"who_{key}")
            self.who.addButton(button)
            self.who_buttons[key] = button
            who.addWidget(button, 2 * row, 0, 1, 2)
        self.grid_combo = QComboBox()
        self.grid_combo.setAccessibleName("网格")
        self.building_combo = QComboBox()
        self.building_combo.setAccessibleName("楼栋")
        for key, combo in ((GRID, self.grid_combo), (BUILDING, self.building_combo)):
            row = keys.index(key)
            who.addWidget(combo, 2 * row + 1, 1)
            combo.setEnabled(False)
            combo.currentIndexChanged.connect(lambda _i, key=key: self._place_changed(key))
        who.setColumnMinimumWidth(0, self.fontMetrics().horizontalAdvance("中中"))
        who.setColumnStretch(1, 1)
        self.who_buttons[GIVEN if self.given is not None else standard or ALL_60PLUS].setChecked(True)
        self.who.buttonToggled.connect(self._who_toggled)

        layout_box = QGroupBox("版式")
        layout_form = QVBoxLayout(layout_box)
        self.layout_combo = QComboBox()
        self.layout_combo.setAccessibleName("版式")
        from chang_shan.badges.layouts import LAYOUTS

        for name, layout in LAYOUTS.items():
            self.layout_combo.addItem(layout.label, name)
        self.layout_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.layout_hint = QLabel()
        self.layout_hint.setWordWrap(True)
        self.layout_hint.setStyleSheet("color: #555555;")
        layout_form.addWidget(self.layout_combo)
        layout_form.addWidget(self.layout_hint)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        summary_font = self.summary.font()
        summary_font.setBold(True)
        self.summary.setFont(summary_font)
        self.warnings_label = QLabel("提示（二维码放不下时缩短的内容）")
        self.warnings = QListWidget()
        self.warnings.setAccessibleName("提示")
        self.warnings.setWordWrap(True)
        self.warnings_label.setBuddy(self.warnings)

        left = QVBoxLayout()
        left.addWidget(who_box)
        left.addWidget(layout_box)
        left.addWidget(self.summary)
        left.addWidget(self.warnings_label)
        left.addWidget(self.warnings, 1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 22)
        return left_widget

    def _build_preview(self) -> QVBoxLayout:
        """Right: the page turner, the zoom and the page."""
        bar = self._build_page_bar(lambda: self.show_page(self.page_index - 1),
                                   lambda: self.show_page(self.page_index + 1))
        zoom = QButtonGroup(self)
        zoom.setExclusive(True)
        zoom.addButton(self.fit_button)
        zoom.addButton(self.actual_button)
        zoom.buttonToggled.connect(lambda _b, on: on and self._render_preview())
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self._build_preview_area(), 1)
        return right

    # --- the choice ---------------------------------------------------------------------------

    @property
    def layout_name(self) -> str:
        return str(self.layout_combo.currentData())

    def who_key(self) -> str:
        return next(key for key, button in self.who_buttons.items() if button.isChecked())

    def set_who(self, key: str) -> None:
        self.who_buttons[key].setChecked(True)

    def choice(self) -> BadgeChoice | None:
        """What the options say; None while a grid or building option has nothing chosen yet."""
        key = self.who_key()
        if key == GIVEN:
            return self.given
        if key == ALL_60PLUS:
            return BadgeChoice(all_60plus=True)
        if key == STALE:
            return BadgeChoice(changed_since=True)
        if key == NEVER_PRINTED:
            return BadgeChoice(all_60plus=True, not_printed=True)
        combo = self.grid_combo if key == GRID else self.building_combo
        place = combo.currentData()
        if place is None:
            return None
        grid, building = place
        return BadgeChoice(all_60plus=True, grid=grid, building=building)

    def _who_toggled(self, button: QRadioButton, checked: bool) -> None:
        if not checked:
            return
        self.grid_combo.setEnabled(button is self.who_buttons[GRID])
        self.building_combo.setEnabled(button is self.who_buttons[BUILDING])
        self.reload()

    def _place_changed(self, key: str) -> None:
        if self.who_key() == key:
            self.reload()

    def _load_places(self) -> None:
        from chang_shan.population.places import place_tree

        self.ops.query(place_tree, success=self._set_places, failure=lambda _exc: None, parent=self)

    def _set_places(self, grids: list[Any]) -> None:
        from chang_shan.population.addresses import building_label

        for combo in (self.grid_combo, self.building_combo):
            combo.blockSignals(True)
            combo.clear()
        for grid in grids:
            self.grid_combo.addItem(f"{grid.code} {grid.name}", (grid.code, None))
            for building in grid.buildings:
                self.building_combo.addItem(f"{grid.name} {building_label(building.name)}", (grid.code, building.name))
        for combo in (self.grid_combo, self.building_combo):
            combo.blockSignals(False)
        if self.who_key() in (GRID, BUILDING):
            self.reload()

    # --- preparing the batch -----------------------------------------------------------------

    def reload(self) -> None:
        """Prepare the batch for the options on the worker; the newest request wins."""
        from chang_shan.badges.layouts import get_layout

        layout = get_layout(self.layout_name)
        per_page = f"每页 {layout.per_page} 枚，带裁切线，打印后沿线裁开" if layout.per_page > 1 else "每页一枚"
        self.layout_hint.setText(f"{layout.page_width:g}×{layout.page_height:g} mm，{per_page}；"
                                 f"二维码 {layout.qr_side:g} mm。")
        self._request += 1
        request = self._request
        choice = self.choice()
        self.prepared = None
        self.warnings.clear()
        self._update_buttons()
        if choice is None:
            self.summary.setText("请选择网格或楼栋。")
            self._show_nothing("")
            return
        self.loading = True
        self.summary.setText("正在准备…（人数多时需要几秒钟）")
        self._set_status("")
        files_root = self.ops.db.data_dir.files
        today, layout_name = self.today, self.layout_name
        self.ops.query(lambda s: prepare(s, choice, layout_name, files_root, today),
                       success=lambda result: self._prepared(request, result),
                       failure=lambda exc: self._failed(request, exc), parent=self)

    def _prepared(self, request: int, prepared: Prepared) -> None:
        if request != self._request:
            return
        self.loading = False
        self.prepared = prepared
        self.summary.setText(summary_text(prepared))
        for name, message in prepared.batch.warnings:
            self.warnings.addItem(f"{name}：{message}" if name else message)
        count = self.warnings.count()
        self.warnings_label.setText(f"提示（{count} 条）" if count else "提示：没有")
        self.page_index = 0
        self._update_buttons()
        self.show_page(0)

    def _failed(self, request: int, exc: BaseException) -> None:
        """Nobody chosen, not allowed …: said where the count would be; a bug also in a box."""
        if request != self._request:
            return
        self.loading = False
        kind, _title, text = ops_module.describe_error(exc)
        if kind != "warning":
            ops_module.show_error(self, exc)
        self.summary.setText(text)
        self._show_nothing("")

    # --- the preview --------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        if self.prepared is None or not self.prepared.pages:
            return
        self.page_index = max(0, min(index, len(self.prepared.pages) - 1))
        self._render_preview()

    def _render_preview(self) -> None:
        prepared = self.prepared
        if prepared is None or not prepared.pages:
            return
        page = prepared.pages[self.page_index]
        ratio = self.devicePixelRatioF()
        if self.fit_button.isChecked():
            room = self.scroll.viewport().size()
            margin = 24
            dpi = min((room.width() - margin) / (page.width / MM_PER_INCH),
                      (room.height() - margin) / (page.height / MM_PER_INCH))
            dpi = max(dpi, 20.0)
        else:
            dpi = float(self.logicalDpiX())
        image = page_image(page, dpi * ratio)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.preview.setPixmap(pixmap)
        self.scroll.setWidgetResizable(self.fit_button.isChecked())
        if not self.fit_button.isChecked():
            self.preview.resize(pixmap.size() / ratio)
        total = len(prepared.pages)
        self.page_label.setText(f"第 {self.page_index + 1} / {total} 页")
        self.previous_button.setEnabled(self.page_index > 0)
        self.next_button.setEnabled(self.page_index < total - 1)

    def _show_nothing(self, text: str) -> None:
        self.preview.clear()
        self.preview.setText(text)
        self.page_label.setText("")
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.fit_button.isChecked():
            self._render_timer.start()

    # --- printing and saving -------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = self.prepared is not None and self.prepared.badges > 0 and not self._busy
        self.print_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def print_badges(self) -> bool:
        """The system print dialog, then the pages onto the chosen printer (on the worker) and the
        prints recorded. False when there was nothing to print or the user cancelled."""
        prepared = self.prepared
        if prepared is None or not prepared.badges or self._busy:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"防走失卡（{prepared.badges} 枚）")
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(prepared.layout))
        if not choose_printer(self, printer):
            return False
        printer.setFullPage(True)
        pages, batch, db = prepared.pages, prepared.batch, self.ops.db
        sent = [0]  # pages a driver that cannot abort will still print after 取消

        def work(progress: Progress) -> Any:
            from chang_shan.badges import job

            try:
                paint_on_printer(printer, pages, progress)
            except PrintCancelled as exc:
                sent[0] = exc.pages_sent
                raise
            return job.record_printed(db, batch, output="printer")

        def cancelled() -> None:
            partly = f"已送出的 {sent[0]} 页可能仍会打印出来；" if sent[0] else ""
            self._work_cancelled(f"打印已取消，{partly}没有记入发卡登记。")

        def printed(_result: Any) -> None:
            self._set_busy(False)
            where = printer.printerName() or printer.outputFileName()
            self._set_status(f"已把 {prepared.badges:,} 枚卡（{len(pages):,} 页）送到打印机"
                             f"{f'“{where}”' if where else ''}，并记入发卡登记。")
            self.ops.notify_changed(ACTION)

        self._set_busy(True)
        self._set_status("正在打印…")
        run_with_progress(self.ops, self, "正在把防走失卡送到打印机…", work, success=printed,
                          failure=self._work_failed, cancelled=cancelled)
        return True

    def save_pdf(self) -> bool:
        """Ask where, then write the PDF on the worker (progress, cancel) and open it."""
        prepared = self.prepared
        if prepared is None or not prepared.badges or self._busy:
            return False
        choice = self.choice()
        chosen = canteen_print.choose_pdf_path(self, "保存防走失卡 PDF", SUGGESTED_PDF)
        if not chosen or choice is None:
            return False
        from pathlib import Path

        path, layout_name, today, db = Path(chosen), prepared.layout, self.today, self.ops.db

        def work(progress: Progress) -> Any:
            from chang_shan.badges import job

            return job.write_pdf(db, path, choice, layout_name, progress=progress, today=today)

        def written(result: Any) -> None:
            self._set_busy(False)
            missing = getattr(result, "missing_characters", ())
            note = f"；有 {len(missing)} 个字没有可用的字体，印成了方框" if missing else ""
            self._set_status(f"已保存 {result.badges:,} 枚卡（{result.pages:,} 页）：{result.path}{note}")
            self.ops.notify_changed(ACTION)
            canteen_print.open_file(result.path)

        self._set_busy(True)
        self._set_status("正在生成 PDF…")
        run_with_progress(self.ops, self, "正在生成防走失卡 PDF…", work, success=written,
                          failure=self._work_failed, cancelled=lambda: self._work_cancelled("已取消，没有保存文件。"))
        return True
