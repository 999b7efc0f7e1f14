"""防走失卡: the badge register — everyone 60+ living in the community (and anyone else with a
badge), with the badge's number, the version last printed and whether it is still right.

需重印 rows (a contact's phone, the address, the photo … changed since the badge was printed) come
first, in red, with what changed; then 未打印. Filters: 状态, 网格 and a search text.

重印所选 (Ctrl+P) opens the print dialog with the selected people; 打印全部需重印 (Ctrl+Shift+P)
with every stale badge (of the chosen grid). 同意书… (Ctrl+K) shows and records what the family
agreed to put on the badge; 照片… (Ctrl+I) attaches or crops the photo. Below the table: the
selected person's prints, newest first, what goes on the badge, and the photo. 导出… (Ctrl+Shift+E)
writes the register as filtered to XLSX or CSV.

Every query runs on the worker; the dialogs open window-modal and write through the services as
one undoable action; after any change (``ops.changed``) the register reloads and keeps the
selection. The today list's 防走失卡需重印 opens a person here (``open_resident``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyle,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.health_fields import heading
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.rows import RowsModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.screen_actions import screen_action
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.badges.shapes import ConsentRow, PhotoRow, RegisterRow
    from chang_shan.ui.ops import Operations

COLUMNS = ("编号", "姓名", "年龄", "住址", "状态", "版本", "上次打印", "变动")
SAMPLES = ("000000", "欧阳春花花", "100 岁", "", "已是最新", "版本", "2024-12-31", "家属联系人、健康提示")
ADDRESS_COLUMN, STATE_COLUMN, REASONS_COLUMN = 3, 4, 7
STALE, NOT_PRINTED = "需重印", "未打印"
NOT_PRINTED_COLOUR = "#8a5a00"
STATE_FILTERS = (("全部", None), ("需重印", STALE), ("未打印", NOT_PRINTED), ("已是最新", "已是最新"))
HISTORY_COLUMNS = ("版本", "打印时间", "版式", "打印人", "方式")
HISTORY_SAMPLES = ("版本", "2024-12-31 23:59", "A4 多枚", "欧阳春花花")
LAYOUT_NAMES = {"sheet": "A4 多枚", "card": "证卡", "label": "标签"}
OUTPUT_NAMES = {"pdf": "PDF 文件", "printer": "打印机"}
DEBOUNCE_MS = 200
THUMB_W, THUMB_H = 90, 120  # the photo beside the history, 3:4 like the badge's


class BadgeRegisterModel(RowsModel):
    """The register rows; 需重印 in red with a warning mark, 未打印 in amber."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RegisterRow] = []
        self._brushes = {STALE: QBrush(QColor(ERROR_COLOUR)), NOT_PRINTED: QBrush(QColor(NOT_PRINTED_COLOUR))}
        self._warning = None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return register_cells(row)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, STATE_COLUMN, REASONS_COLUMN):
            return self._brushes.get(row.state)
        if role == Qt.ItemDataRole.DecorationRole and column == STATE_COLUMN and row.state == STALE:
            if self._warning is None:
                self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return self._warning
        if role == Qt.ItemDataRole.ToolTipRole and row.state == STALE:
            return f"{row.name}的防走失卡印好后{'、'.join(row.reasons) or '内容'}有变动，需要重印。"
        if role == Qt.ItemDataRole.UserRole:
            return row.resident_id
        return None

    def row_of(self, resident_id: int | None) -> int | None:
        return next((r for r, row in enumerate(self.rows) if row.resident_id == resident_id), None)


def register_cells(row: RegisterRow) -> tuple[str, ...]:
    return (
        f"{row.number:05d}" if row.number is not None else "",
        row.name,
        f"{row.age} 岁" if row.age is not None else "",
        row.address,
        row.state,
        str(row.last_version) if row.last_version is not None else "",
        format_date(row.last_printed_at.date()) if row.last_printed_at else "",
        "、".join(row.reasons),
    )


def consent_summary(consent: ConsentRow, photo: PhotoRow | None) -> str:
    """What goes on this person's badge, in words, and who agreed."""
    parts = ["姓名", f"家属电话 {consent.max_contacts} 位", "社区电话"]
    if consent.include_medical:
        parts.append("健康提示")
    if consent.include_address:
        parts.append("住址")
    if consent.include_photo:
        parts.append("照片" if photo is not None else "照片（尚无照片）")
    lines = ["卡上印：" + "、".join(parts)]
    if consent.include_medical and consent.medical_note:
        lines.append(f"健康提示：{consent.medical_note}")
    if consent.recorded:
        lines.append(f"同意人：{consent.given_by}　{format_date(consent.given_on)}")
    else:
        lines.append("未登记同意书，按社区的默认设置。")
    return "\n".join(lines)


class BadgesScreen(LoadsWhenShown, QWidget):
    title = "防走失卡"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self._select_after: int | None = None
        self._list_request = 0
        self._detail_request = 0
        self._grids_loaded = False
        self.dialog: QDialog | None = None  # the dialog open now (window-modal)

        title = heading("防走失卡", name="panelTitle", scale=1.25)
        explain = QLabel("60 岁以上老人的防走失二维码卡：谁的卡已印、印的是哪一版；电话等变动后需要重印的排在最前。")
        explain.setStyleSheet("color: #555555;")

        self.state = QComboBox()
        self.state.setObjectName("stateFilter")
        self.state.setAccessibleName("状态")
        for label, value in STATE_FILTERS:
            self.state.addItem(label, value)
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.grid = QComboBox()
        self.grid.setObjectName("gridFilter")
        self.grid.setAccessibleName("网格")
        self.grid.addItem("全部网格", None)
        self.grid.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit()
        self.search.setObjectName("badgeSearch")
        self.search.setAccessibleName("查找")
        self.search.setPlaceholderText("查找：姓名、拼音首字母、住址、编号")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.reload)
        self.count = QLabel("")
        self.count.setObjectName("count")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("状态："))
        filters.addWidget(self.state)
        filters.addWidget(QLabel("网格："))
        filters.addWidget(self.grid)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)

        self.reprint_action = self._action("重印所选", self.reprint_selected,
                                           "打印选中老人的防走失卡（Ctrl+P；可按住 Ctrl 或 Shift 多选）", "Ctrl+P")
        self.print_stale_action = self._action("打印全部需重印", self.print_stale,
                                               "打印所有需要重印的防走失卡（Ctrl+Shift+P）", "Ctrl+Shift+P")
        self.consent_action = self._action("同意书…", self.edit_consent,
                                           "卡上印哪些内容：家属同意的项目（Ctrl+K）", "Ctrl+K")
        self.photo_action = self._action("照片…", self.edit_photo, "为选中的老人添加或更换照片（Ctrl+I）", "Ctrl+I")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.reprint_action, self.print_stale_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.consent_action, self.photo_action])
        self.export_action = export_action(self, ops, self.export_view, "防走失卡登记（列表中的老人）")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        for act in (self.reprint_action, self.print_stale_action, self.photo_action):
            act.setVisible(self.can_edit)

        self.model = BadgeRegisterModel(self)
        self.table = ResidentTableView()
        self.table.setObjectName("badgeRegister")
        self.table.setAccessibleName("防走失卡登记")
        self.table.setSortingEnabled(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setModel(self.model)
        self._widths()
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.table.openRequested.connect(lambda _row: self._open_default())

        self.history_label = QLabel("打印记录")
        self.history_table = read_only_table(HISTORY_COLUMNS, "printHistory", samples=HISTORY_SAMPLES)
        self.consent_text = QLabel("")
        self.consent_text.setObjectName("consentText")
        self.consent_text.setWordWrap(True)
        self.consent_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.photo = QLabel("无照片")
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(THUMB_W, THUMB_H)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border: 1px solid #bbbbbb; color: #777777; background: #f4f4f4;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._split(), 1)
        ops.changed.connect(self._on_data_changed)
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], object], tip: str, shortcut: str) -> QAction:
        act = screen_action(self, text, slot, shortcut, tip)
        act.setToolTip(tip)  # the tip names its shortcut already
        return act

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): the register as filtered now, to XLSX or CSV."""
        from chang_shan.ui.widgets.export_view import export_view

        filters = {"state": self.state.currentData(), "grid_id": self.grid.currentData(),
                   "text": self.search.text().strip(), "today": self.today()}
        return export_view(self.ops, self, "badges", "防走失卡登记", filters, self.statusChanged.emit)

    def _widths(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = metrics.horizontalAdvance("中") * 1.6
        for column, sample in enumerate(SAMPLES):
            if sample:
                header.resizeSection(column, int(metrics.horizontalAdvance(sample) + pad))
        header.resizeSection(STATE_COLUMN, int(metrics.horizontalAdvance("已是最新") + pad * 2))  # the icon
        header.setSectionResizeMode(ADDRESS_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.4))

    def _split(self) -> QSplitter:
        details = QWidget()
        row = QHBoxLayout(details)
        row.setContentsMargins(0, 4, 0, 0)
        history = QVBoxLayout()
        history.addWidget(self.history_label)
        history.addWidget(self.history_table, 1)
        row.addLayout(history, 3)
        side = QVBoxLayout()
        side.addWidget(QLabel("卡上内容"))
        side.addWidget(self.consent_text, 1)
        row.addLayout(side, 2)
        row.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        self.splitter = splitter
        self._split_sized = False
        return splitter

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """The first time the screen has its size: the details about eight lines high (the photo
        fits), the table everything else; afterwards the user's split stays."""
        super().resizeEvent(event)
        if not self._split_sized:
            QTimer.singleShot(0, self._size_split)  # once the layout has given the splitter its height

    def _size_split(self) -> None:
        total = sum(self.splitter.sizes())
        details = max(int(self.fontMetrics().height() * 7), THUMB_H + 50)
        if not self._split_sized and total >= 2 * details:
            self._split_sized = True
            self.splitter.setSizes([total - details, details])

    # --- loading -------------------------------------------------------------------------------

    def files_root(self) -> Any:
        return self.ops.db.data_dir.files

    def today(self) -> date:
        return date.today()

    def show_status(self) -> None:
        self._emit_status()

    def reload(self) -> None:
        from chang_shan.badges.register import register_rows
        from chang_shan.population.places import place_tree

        self._debounce.stop()
        state, grid_id, text = self.state.currentData(), self.grid.currentData(), self.search.text().strip()
        need_grids, root, on = not self._grids_loaded, self.files_root(), self.today()

        def load(session: Session) -> tuple[Any, ...]:
            grids = [(g.id, g.code, g.name) for g in place_tree(session)] if need_grids else None
            return register_rows(session, root, state=state, grid_id=grid_id, text=text, today=on), grids

        if self._select_after is None:
            self._select_after = self.current_resident_id()
        self._list_request += 1
        request = self._list_request
        self.count.setText("正在读取…")

        def loaded(result: tuple[list[RegisterRow], list[tuple[int, str, str]] | None]) -> None:
            if request == self._list_request:
                self._loaded(*result)

        self.ops.query(load, success=loaded, parent=self)

    def _loaded(self, rows: list[RegisterRow], grids: list[tuple[int, str, str]] | None) -> None:
        if grids is not None and not self._grids_loaded:
            self._grids_loaded = True
            self.grid.blockSignals(True)
            for grid_id, code, name in grids:
                self.grid.addItem(name, grid_id)
                self.grid.setItemData(self.grid.count() - 1, code, Qt.ItemDataRole.UserRole + 1)
            self.grid.blockSignals(False)
        keep = self._select_after
        self._select_after = None
        self.model.set_rows(rows)
        stale = sum(1 for r in rows if r.state == STALE)
        missing = sum(1 for r in rows if r.state == NOT_PRINTED)
        self.count.setText(f"共 {len(rows):,} 人，需重印 {stale:,} 人，未打印 {missing:,} 人")
        row = self.model.row_of(keep)
        if row is not None:
            self.select_only(row)
        else:
            self.table.clear_current()
        self._selection_changed()
        self._emit_status()

    def _emit_status(self) -> None:
        if self._started:
            self.statusChanged.emit(f"{self.title}：{self.count.text()}")

    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    # --- selection -----------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The selected people in the register's order (the print order stays the delivery order)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.rows[r].resident_id for r in rows if r < len(self.model.rows)]

    def select_only(self, row: int) -> None:
        """That row alone selected and current (whatever modifier keys are down: the table
        selects several rows, and a plain ``selectRow`` would add to or toggle the selection)."""
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)

    def current_resident_id(self) -> int | None:
        row = self.table.current_row()
        return self.model.rows[row].resident_id if row is not None and row < len(self.model.rows) else None

    def current_row(self) -> RegisterRow | None:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def _update_actions(self) -> None:
        chosen = bool(self.selected_ids())
        one = self.current_resident_id() is not None
        self.reprint_action.setEnabled(chosen)
        count = len(self.selected_ids())
        self.reprint_action.setText(f"重印所选（{count} 人）" if count > 1 else "重印所选")
        self.consent_action.setEnabled(one)
        self.photo_action.setEnabled(one)

    def _selection_changed(self) -> None:
        self._update_actions()
        self._show_details(self.current_row())

    def _show_details(self, row: RegisterRow | None) -> None:
        from chang_shan.badges.consent import get_consent
        from chang_shan.badges.photos import get_photo
        from chang_shan.badges.register import print_history

        self._detail_request += 1
        request = self._detail_request
        if row is None:
            self.history_label.setText("打印记录（请先选择一位老人）")
            self.history_table.setRowCount(0)
            self.consent_text.setText("")
            self._show_photo(None)
            return
        resident_id, root = row.resident_id, self.files_root()
        self.history_label.setText(f"{row.name}的打印记录")

        def load(session: Session) -> tuple[Any, ...]:
            return (print_history(session, resident_id), get_consent(session, resident_id),
                    get_photo(session, root, resident_id))

        def shown(result: tuple[list[tuple[int, datetime, str, str, str]], ConsentRow, PhotoRow | None]) -> None:
            if request != self._detail_request:
                return
            history, consent, photo = result
            self.history_label.setText(f"{row.name}的打印记录（{len(history)} 次）" if history
                                       else f"{row.name}的防走失卡还没有打印过")
            self.history_table.setRowCount(len(history))
            for r, (version, printed_at, layout, by, output) in enumerate(history):
                cells = (str(version), f"{printed_at:%Y-%m-%d %H:%M}", LAYOUT_NAMES.get(layout, layout), by,
                         OUTPUT_NAMES.get(output, output))
                for c, text in enumerate(cells):
                    self.history_table.setItem(r, c, QTableWidgetItem(text))
            self.consent_text.setText(consent_summary(consent, photo))
            self._show_photo(photo)

        self.ops.query(load, success=shown, parent=self)

    def _show_photo(self, photo: PhotoRow | None) -> None:
        pixmap = QPixmap(photo.path) if photo is not None else QPixmap()
        if pixmap.isNull():
            self.photo.setPixmap(QPixmap())
            self.photo.setText("无照片")
            return
        self.photo.setPixmap(pixmap.scaled(THUMB_W - 2, THUMB_H - 2, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))

    def open_resident(self, resident_id: int) -> None:
        """Show this person selected (from the today list's 防走失卡需重印)."""
        row = self.model.row_of(resident_id)
        if row is not None:
            self.select_only(row)
            self.table.setFocus()
            return
        self._select_after = resident_id
        if not self._started:
            self.start()
            return
        if self.state.currentIndex() or self.grid.currentIndex() or self.search.text():
            for widget in (self.state, self.grid, self.search):
                widget.blockSignals(True)
            self.state.setCurrentIndex(0)
            self.grid.setCurrentIndex(0)
            self.search.clear()
            for widget in (self.state, self.grid, self.search):
                widget.blockSignals(False)
        self.reload()

    # --- actions -------------------------------------------------------------------------------

    def _open_default(self) -> None:
        (self.reprint_selected if self.can_edit else self.edit_consent)()

    def _open(self, make: Callable[[], QDialog], resident_id: int | None) -> QDialog | None:
        """Window-modal, not blocking: the register reloads when it saved."""
        try:
            dialog = make()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self, exc)
            return None

        def saved(done: QDialog) -> None:
            self._select_after = resident_id
            self.ops.notify_changed(done.windowTitle())

        return open_window_modal(self, dialog, saved)

    def print_dialog(self, choice: Any) -> QDialog | None:
        """The print dialog (preview, print, save PDF) for ``choice``; the register reloads once it
        closes (prints may have been recorded, whichever way it was closed)."""
        if not self.can_edit or self.dialog is not None:
            return None
        keep = self.current_resident_id()
        try:
            dialog = self.print_dialog_class()(self, self.ops, choice=choice, today=self.today())
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self, exc)
            return None

        def closed(_result: int) -> None:
            self._select_after = keep
            self.reload()

        dialog.finished.connect(closed)
        return open_window_modal(self, dialog, lambda _d: None)

    @staticmethod
    def print_dialog_class() -> type[QDialog]:
        from chang_shan.ui.badges.print_dialog import BadgePrintDialog

        return BadgePrintDialog

    def reprint_selected(self) -> QDialog | None:
        from chang_shan.badges.shapes import BadgeChoice

        ids = self.selected_ids()
        if not ids:
            return None
        return self.print_dialog(BadgeChoice(resident_ids=tuple(ids)))

    def print_stale(self) -> QDialog | None:
        from chang_shan.badges.shapes import BadgeChoice

        grid_code = self.grid.currentData(Qt.ItemDataRole.UserRole + 1) if self.grid.currentIndex() > 0 else None
        return self.print_dialog(BadgeChoice(changed_since=True, grid=grid_code))

    def edit_consent(self) -> QDialog | None:
        resident_id = self.current_resident_id()
        if resident_id is None or self.dialog is not None:
            return None
        from chang_shan.ui.dialogs.badge_consent import BadgeConsentDialog

        return self._open(lambda: BadgeConsentDialog(self.ops.db, resident_id, parent=self), resident_id)

    def edit_photo(self) -> QDialog | None:
        resident_id = self.current_resident_id()
        if resident_id is None or self.dialog is not None or not self.can_edit:
            return None
        from chang_shan.ui.dialogs.photo import PhotoDialog

        return self._open(lambda: PhotoDialog(self.ops.db, resident_id, parent=self), resident_id)
