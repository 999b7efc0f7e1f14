"""居民健康库: on the left the residents (search as in the 万家数据库, plus quick filters such as
慢病随访对象 or 今年未体检的65岁以上), on the right the selected resident's health record with
编辑健康档案 (Ctrl+E), 新增随访 (Ctrl+N) and 生活自理能力评估; a second tab shows the statistics.

导出… (Ctrl+Shift+E) writes everyone the search and the quick filter pick to XLSX or CSV.

Health values are only for accounts with the 居民健康库 permission: anyone else sees a note
instead, and no query is made. Readers without 修改台账 get no buttons that write. Every query
runs on the worker (``Operations``); the dialogs open window-modal and the screen refreshes after
a save, like after any other change (``ops.changed``).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.health.finder import LIMIT, QUICK_FILTERS
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.facts import no_permission_note
from chang_shan.ui.widgets.health_record import HealthRecordPanel
from chang_shan.ui.widgets.tables import fit_columns, read_only_table
from chang_shan.ui.widgets.health_stats import HealthStatsView

if TYPE_CHECKING:
    from chang_shan.health.finder import Found
    from chang_shan.health.shapes import VisitRow
    from chang_shan.ui.ops import Operations

NO_PERMISSION = "您的账户没有“居民健康库”权限，请联系管理员。"
DEBOUNCE_MS = 150
LIST_COLUMNS = ("姓名", "年龄", "住址")


class HealthScreen(QWidget):
    title = "居民健康库"
    statusChanged = Signal(str)
    OWNS_CTRL_N = True  # Ctrl+N is 新增随访 here (the window's 新增居民 steps aside)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.allowed = actor is not None and actor.can(Perm.HEALTH)
        self.can_edit = self.allowed and actor is not None and actor.can(Perm.EDIT)
        self._started = False
        self._list_request = 0
        self._record_request = 0
        self._keep: int | None = None  # the resident to select again when the list is back
        self._include: int | None = None  # a resident opened from elsewhere: listed even beyond LIMIT
        self._showing: int | None = None  # the resident whose record is shown or being loaded
        self._stats_stale = True
        self._count = 0
        self.dialog: QDialog | None = None  # the dialog open now (window-modal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if not self.allowed:
            self.note = no_permission_note(NO_PERMISSION)
            layout.addWidget(self.note)
            return
        self._build(layout)
        ops.changed.connect(self._on_data_changed)

    # --- building ------------------------------------------------------------------------------
    def _build(self, layout: QVBoxLayout) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("healthSearch")
        self.search.setPlaceholderText("查找：姓名、拼音首字母、身份证号、电话、住址")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("查找居民")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload_list)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._apply_now)
        self.quick = QComboBox()
        self.quick.setObjectName("quickFilter")
        self.quick.setAccessibleName("筛选")
        for key, label in QUICK_FILTERS.items():
            self.quick.addItem(label, key)
        self.quick.currentIndexChanged.connect(self._apply_now)
        self.count_label = QLabel("")
        self.count_label.setObjectName("count")
        self.count_label.setStyleSheet("color: #555555;")
        self.count_label.setWordWrap(True)
        self.people = read_only_table(LIST_COLUMNS, "people", stretch=2)
        self.people.itemSelectionChanged.connect(self._on_selection_changed)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("筛选："))
        filter_row.addWidget(self.quick, 1)
        self.export_action = export_action(self, self.ops, self.export_view, "列表中的居民及其健康档案摘要")
        self.export_button = QToolButton()
        self.export_button.setDefaultAction(self.export_action)
        self.export_button.setVisible(self.export_action.isVisible())
        filter_row.addWidget(self.export_button)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.people, 1)

        self.panel = HealthRecordPanel(can_edit=self.can_edit)
        self.panel.editProfile.connect(self.edit_profile)
        self.panel.newVisit.connect(self.new_visit)
        self.panel.assessSelfCare.connect(self.assess_self_care)
        self.panel.editVisit.connect(self.edit_visit)
        self.panel.deleteVisit.connect(self.delete_visit)
        self.panel.printForm.connect(self.print_form)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        em = self.fontMetrics().horizontalAdvance("中")
        self.splitter.setSizes([24 * em, 56 * em])

        self.stats = HealthStatsView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("healthTabs")
        self.tabs.addTab(self.splitter, "健康档案")
        self.tabs.addTab(self.stats, "统计")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs)

        self.edit_action = self._action("编辑健康档案", "Ctrl+E", self.edit_profile)
        self.visit_action = self._action("新增随访", "Ctrl+N", self.new_visit)
        self._update_buttons()

    def _action(self, text: str, shortcut: str, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        action.setEnabled(self.can_edit)
        self.addAction(action)
        return action

    # --- for the main window -------------------------------------------------------------------
    def start(self) -> None:
        if not self.allowed:
            self.statusChanged.emit(f"{self.title}：{NO_PERMISSION}")
            return
        if self._started:
            self._emit_status()
            return
        self._started = True
        self.reload_list()

    def open_resident(self, resident_id: int) -> None:
        """Show this resident's record (from the today list): the filters are cleared so the
        resident is in the list, selected."""
        if not self.allowed:
            return
        self._started = True
        self.tabs.setCurrentIndex(0)
        for widget in (self.search, self.quick):
            widget.blockSignals(True)
        self.search.clear()
        self.quick.setCurrentIndex(0)
        for widget in (self.search, self.quick):
            widget.blockSignals(False)
        self._debounce.stop()
        self._keep = self._include = resident_id
        self.reload_list()
        self.show_resident(resident_id)

    def focus_search(self) -> None:
        if self.allowed:
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()

    def current_resident_id(self) -> int | None:
        return self.panel.resident_id if self.allowed else None

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): everyone the search and the quick filter pick (not only the rows
        listed), with their health summary, to XLSX or CSV."""
        if not self.allowed:
            return None
        from chang_shan.ui.widgets.export_view import export_view

        filters = {"text": self.search.text(), "quick": self.quick.currentData() or ""}
        return export_view(self.ops, self, "health", self.title, filters, self.statusChanged.emit)

    # --- the list ------------------------------------------------------------------------------
    def _apply_now(self) -> None:
        self._debounce.stop()
        self.reload_list()

    def reload_list(self) -> None:
        from chang_shan.health.finder import find_residents

        self._list_request += 1
        request = self._list_request
        if self._keep is None:
            self._keep = self.selected_id()
        text, quick, include, on = self.search.text(), self.quick.currentData() or "", self._include, date.today()
        self.count_label.setText("正在查找…")
        self.ops.query(lambda s: find_residents(s, text, quick, on=on, include=include),
                       success=partial(self._list_loaded, request), failure=self._list_failed, parent=self)

    def _list_failed(self, exc: BaseException) -> None:
        self.count_label.setText("查找失败。")
        ops_module.show_error(self, exc)

    def _list_loaded(self, request: int, found: Found) -> None:
        if request != self._list_request:
            return  # typed on meanwhile
        keep, self._keep = self._keep, None
        self._count = found.total
        self.people.blockSignals(True)
        self.people.clearSelection()
        self.people.setRowCount(len(found.rows))
        for r, row in enumerate(found.rows):
            cells = (row.name, f"{row.age}" if row.age is not None else "", row.address)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.people.setItem(r, c, item)
        self.people.blockSignals(False)
        fit_columns(self.people)
        shown = len(found.rows)
        more = f"，显示前 {LIMIT} 人，请输入姓名查找" if found.total > shown else ""
        self.count_label.setText(f"共 {found.total:,} 人{more}")
        row = self.row_of(keep) if keep is not None else None
        if row is not None:
            self.people.blockSignals(True)
            self.people.selectRow(row)
            self.people.blockSignals(False)
            self.people.scrollToItem(self.people.item(row, 0))
            if self._showing != keep:
                self.show_resident(keep)  # type: ignore[arg-type]
        elif keep is not None and keep == self._showing == self._include:
            pass  # opened from elsewhere but not listed (moved out, say): the record stays
        else:
            self._showing = None
            self.panel.show_nothing("请在左侧选择一位居民。" if found.rows else "没有符合条件的居民。")
        self._update_buttons()
        self._emit_status()

    def row_of(self, resident_id: int) -> int | None:
        for row in range(self.people.rowCount()):
            if self.people.item(row, 0).data(Qt.ItemDataRole.UserRole) == resident_id:
                return row
        return None

    def selected_id(self) -> int | None:
        rows = self.people.selectionModel().selectedRows()
        return self.people.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def listed_names(self) -> list[str]:
        return [self.people.item(r, 0).text() for r in range(self.people.rowCount())]

    def select_resident(self, resident_id: int) -> bool:
        row = self.row_of(resident_id)
        if row is None:
            return False
        self.people.selectRow(row)
        return True

    def _on_selection_changed(self) -> None:
        resident_id = self.selected_id()
        self._include = resident_id if resident_id == self._include else None
        if resident_id is None:
            self._showing = None
            self.panel.show_nothing()
            self._update_buttons()
        else:
            self.show_resident(resident_id)

    # --- the record ----------------------------------------------------------------------------
    def show_resident(self, resident_id: int) -> None:
        from chang_shan.ui.widgets.health_record import load_record

        self._record_request += 1
        request = self._record_request
        self._showing = resident_id

        def shown(record: Any) -> None:
            if request == self._record_request:
                self.panel.show_record(record)
                self._update_buttons()

        def failed(exc: BaseException) -> None:
            if request == self._record_request:
                kind, _title, text = ops_module.describe_error(exc)
                if kind == "warning":
                    self.panel.show_nothing(text)  # e.g. outside a 网格员's grids
                else:
                    ops_module.show_error(self, exc)
                self._update_buttons()

        self.ops.query(lambda s: load_record(s, resident_id), success=shown, failure=failed, parent=self)

    def _update_buttons(self) -> None:
        record = self.panel.record
        active = record is not None and (record.resident is None or record.resident.status == "在册")
        for button in self.panel.buttons:
            button.setEnabled(self.can_edit and active)
        self.edit_action.setEnabled(self.can_edit and active)
        self.visit_action.setEnabled(self.can_edit and active)

    def _emit_status(self) -> None:
        label = self.quick.currentText() if self.quick.currentIndex() > 0 else "全部在册居民"
        searched = f"，查找“{self.search.text().strip()}”" if self.search.text().strip() else ""
        self.statusChanged.emit(f"{self.title}：{label}{searched}，共 {self._count:,} 人")

    # --- dialogs -------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not blocking: the screen refreshes when it saved."""
        def saved(done: QDialog) -> None:
            self._keep = self.panel.resident_id
            self.ops.notify_changed(done.windowTitle())

        return open_window_modal(self, dialog, saved)

    def _resident_for_edit(self) -> int | None:
        if not self.can_edit or self.dialog is not None:
            return None
        return self.panel.resident_id if self.edit_action.isEnabled() else None

    def edit_profile(self) -> QDialog | None:
        resident_id = self._resident_for_edit()
        if resident_id is None:
            return None
        from chang_shan.ui.dialogs.health_profile import HealthProfileDialog

        return self._open(HealthProfileDialog(self.ops.db, resident_id, parent=self))

    def new_visit(self) -> QDialog | None:
        resident_id = self._resident_for_edit()
        if resident_id is None:
            return None
        from chang_shan.ui.dialogs.visit import VisitDialog

        return self._open(VisitDialog(self.ops.db, resident_id, parent=self))

    def edit_visit(self, visit: VisitRow) -> QDialog | None:
        resident_id = self._resident_for_edit()
        if resident_id is None:
            return None
        from chang_shan.ui.dialogs.visit import VisitDialog

        return self._open(VisitDialog(self.ops.db, resident_id, visit=visit, parent=self))

    def assess_self_care(self) -> QDialog | None:
        resident_id = self._resident_for_edit()
        if resident_id is None:
            return None
        from chang_shan.ui.dialogs.self_care import SelfCareDialog

        return self._open(SelfCareDialog(self.ops.db, resident_id, parent=self))

    def print_form(self) -> QDialog | None:
        """The reports dialog on the shown resident's 个人基本信息表, previewed."""
        from chang_shan.ui.reports.dialog import open_reports

        resident_id = self.panel.resident_id
        if resident_id is None:
            return None
        return open_reports(self, self.ops, "health_form", {"resident": resident_id})

    def delete_visit(self, visit: VisitRow) -> None:
        if self._resident_for_edit() is None:
            return
        if not ops_module.ask(self, "删除随访", f"删除 {visit.resident_name} {visit.visited_on:%Y-%m-%d} 的{visit.purpose}记录？\n"
                                            "删除后可用“编辑→撤销”恢复。"):
            return
        from chang_shan.health.visits import delete_visit

        self._keep = visit.resident_id
        self.ops.change(f"删除随访 {visit.resident_name}", lambda s: delete_visit(s, visit.id), parent=self)

    # --- refreshing ----------------------------------------------------------------------------
    def _on_data_changed(self, _action: str) -> None:
        self._stats_stale = True
        if not self._started:
            return
        if self._keep is None:
            self._keep = self.panel.resident_id
        resident_id = self.panel.resident_id
        self.reload_list()
        if resident_id is not None:
            self.show_resident(resident_id)
        if self.tabs.currentIndex() == 1:
            self.reload_stats()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._stats_stale:
            self.reload_stats()

    def reload_stats(self) -> None:
        from chang_shan.health.stats import health_statistics

        on = date.today()
        self._stats_stale = False
        self.stats.as_of.setText("正在统计…")
        self.ops.query(lambda s: health_statistics(s, on), success=lambda stats: self.stats.show_statistics(stats, on),
                       parent=self)
