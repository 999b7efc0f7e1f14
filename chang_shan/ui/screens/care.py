"""包保关怀: who looks after each lone or dependent elder (包保制), and whom to call.

Two views over the same data, filtered by grid:

- 老人与包保人: every care target (``care.assignments.care_targets``) with the reasons, the
  caretaker and the last visit. Elders without a caretaker come first, in red with a warning
  mark; 只看无包保人 leaves only them. Below, the selected elder's assignments, ended ones too.
- 按包保人: everyone who looks after someone, with how many; picking one lists their elders
  (``elders_of``).

指定包保人, 结束包保 (users who may edit) and 紧急联系人 (everyone; read-only and masked for
those who may not edit) open dialogs that write through the services as one undoable action;
after any change (``ops.changed``) the screen reloads and keeps the selected elder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.health_fields import heading
from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.tables import read_only_table
from chang_shan.ui.models.rows import RowsModel
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.screen_actions import screen_action

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.care.shapes import CareRow, CareTarget
    from chang_shan.ui.ops import Operations

NO_CARETAKER = "无包保人"
TARGET_COLUMNS = ("姓名", "年龄", "住址", "原因", "包保人", "最近走访")
TARGET_SAMPLES = ("欧阳春花花", "100 岁", "", "独居、需照护", "欧阳春花花花", "2024-12-31")
ADDRESS_COLUMN = 2
HISTORY_COLUMNS = ("包保人", "职务", "起始日期", "结束日期", "备注")
HISTORY_SAMPLES = ("欧阳春花花", "楼栋长（10号楼）、单元长（10号楼4单元）", "2024-12-31", "2024-12-31")
ELDER_COLUMNS = ("姓名", "年龄", "住址", "包保起始", "备注")
ELDER_SAMPLES = ("欧阳春花花", "100 岁", "平房区 长山二胡同51号", "2024-12-31")
RED_COLUMNS = (0, 4)  # 姓名 and 包保人 (无包保人) of an elder nobody looks after
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class CareTargetModel(RowsModel):
    """The care targets as rows; those without a caretaker in red with a warning icon."""

    COLUMNS = TARGET_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CareTarget] = []
        self._red = QBrush(QColor(ERROR_COLOUR))
        self._warning = None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        target = self.rows[index.row()]
        column = index.column()
        missing = target.caretaker_id is None
        if role == Qt.ItemDataRole.DisplayRole:
            return target_cells(target)[column]
        if role == Qt.ItemDataRole.ForegroundRole and missing and column in RED_COLUMNS:
            return self._red
        if role == Qt.ItemDataRole.DecorationRole and missing and column == 0:
            if self._warning is None:
                self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return self._warning
        if role == Qt.ItemDataRole.ToolTipRole and missing:
            return f"{target.name}还没有包保人"
        if role == ID_ROLE:
            return target.resident_id
        return None

    def row_of(self, resident_id: int | None) -> int | None:
        return next((r for r, t in enumerate(self.rows) if t.resident_id == resident_id), None)


def target_cells(target: CareTarget) -> tuple[str, ...]:
    return (
        target.name,
        f"{target.age} 岁" if target.age is not None else "",
        target.address,
        "、".join(target.reasons),
        target.caretaker_name or NO_CARETAKER,
        format_date(target.last_visit_on) or "未走访",
    )


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], ids: list[int]) -> None:
    table.setRowCount(len(rows))
    for r, (cells, row_id) in enumerate(zip(rows, ids, strict=True)):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, row_id)
            table.setItem(r, c, item)


def _titled(title: QLabel, body: QWidget) -> QWidget:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(title)
    layout.addWidget(body, 1)
    return panel


def _split(orientation: Qt.Orientation, first: QWidget, second: QWidget, sizes: list[int]) -> QSplitter:
    """Two panes; the first takes what room there is to spare."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, 1 if orientation == Qt.Orientation.Vertical else 0)
    splitter.setStretchFactor(1, 0 if orientation == Qt.Orientation.Vertical else 1)
    splitter.setSizes(sizes)
    return splitter


class CareScreen(LoadsWhenShown, QWidget):
    title = "包保关怀"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self._select_after: int | None = None
        self._caretaker_request = 0
        self.targets: list[CareTarget] = []
        self.active: dict[int, CareRow] = {}  # elder id → current assignment
        self.history: dict[int, list[CareRow]] = {}  # elder id → all assignments, newest first
        self.caretakers: list[tuple[int, str, str, int]] = []  # id, name, roles, elders
        self.elders: list[CareRow] = []  # the chosen caretaker's elders

        title = heading("包保关怀", name="panelTitle", scale=1.25)
        explain = QLabel("独居或需要照护的 60 岁以上老人，每人应有一位包保人（一般是楼栋长或单元长）。")
        explain.setStyleSheet("color: #555555;")
        self.grid = QComboBox()
        self.grid.setObjectName("gridFilter")
        self.grid.setAccessibleName("网格")
        self.grid.addItem("全部网格", None)
        self.grid.currentIndexChanged.connect(lambda _i: self.reload())
        self.only_missing = QCheckBox("只看无包保人")
        self.only_missing.setObjectName("onlyMissing")
        self.only_missing.toggled.connect(lambda _on: self._show_targets())
        self.count = QLabel("")
        self.count.setObjectName("count")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("网格："))
        filters.addWidget(self.grid)
        filters.addWidget(self.only_missing)
        filters.addStretch(1)
        filters.addWidget(self.count)

        self.assign_action = self._action("指定包保人", self.assign, "为选中的老人指定包保人（Ctrl+B）", "Ctrl+B")
        self.end_action = self._action("结束包保", self.end, "结束选中老人现在的包保（Ctrl+Shift+B）", "Ctrl+Shift+B")
        self.contacts_action = self._action("紧急联系人", self.edit_contacts,
                                            "查看、修改选中老人的紧急联系人（Ctrl+L）", "Ctrl+L")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.assign_action, self.end_action, self.contacts_action])
        for act in (self.assign_action, self.end_action):
            act.setVisible(self.can_edit)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("careTabs")
        self.tabs.addTab(self._targets_page(), "老人与包保人")
        self.tabs.addTab(self._caretakers_page(), "按包保人")
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs, 1)
        ops.changed.connect(self._on_data_changed)
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], None], tip: str, shortcut: str) -> QAction:
        act = screen_action(self, text, slot, shortcut, tip)
        act.setToolTip(tip)  # the tip names its shortcut already
        return act

    def _targets_page(self) -> QWidget:
        self.model = CareTargetModel(self)
        self.table = ResidentTableView()
        self.table.setObjectName("careTargets")
        self.table.setAccessibleName("需包保的老人")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self._target_widths()
        self.table.selectionModel().selectionChanged.connect(self._target_selected)
        self.table.openRequested.connect(lambda _row: self._open_default())
        self.history_label = QLabel("包保记录")
        self.history_table = read_only_table(HISTORY_COLUMNS, "careHistory", samples=HISTORY_SAMPLES)
        line = self.fontMetrics().height()
        return _split(Qt.Orientation.Vertical, self.table, _titled(self.history_label, self.history_table),
                      [30 * line, 6 * line])  # history: title, header, two lines or so

    def _target_widths(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = metrics.horizontalAdvance("中") * 2.2  # the warning icon in the first column
        for column, sample in enumerate(TARGET_SAMPLES):
            if sample:
                header.resizeSection(column, int(metrics.horizontalAdvance(sample) + pad))
        header.setSectionResizeMode(ADDRESS_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.4))

    def _caretakers_page(self) -> QWidget:
        self.caretaker_list = QListWidget()
        self.caretaker_list.setObjectName("caretakers")
        self.caretaker_list.setAccessibleName("包保人")
        self.caretaker_list.currentItemChanged.connect(lambda *_args: self._caretaker_selected())
        self.elders_label = QLabel("请在左边选择一位包保人。")
        self.elders_table = read_only_table(ELDER_COLUMNS, "caretakerElders", samples=ELDER_SAMPLES)
        self.elders_table.itemSelectionChanged.connect(self._update_actions)
        self.elders_table.doubleClicked.connect(lambda _index: self._open_default())
        em = self.fontMetrics().horizontalAdvance("中")
        return _split(Qt.Orientation.Horizontal, self.caretaker_list,
                      _titled(self.elders_label, self.elders_table), [22 * em, 50 * em])

    # --- loading -------------------------------------------------------------------------------

    def today(self) -> date:
        return date.today()

    def show_status(self) -> None:
        self._emit_status()

    def reload(self) -> None:
        from chang_shan.care import assignments
        from chang_shan.population.places import place_tree

        grid_id, on, need_grids = self.grid.currentData(), self.today(), self.grid.count() == 1

        def load(session: Session) -> tuple[Any, ...]:
            grids = [(g.id, g.name) for g in place_tree(session)] if need_grids else None
            return (assignments.care_targets(session, on, grid_id=grid_id),
                    assignments.list_assignments(session, grid_id=grid_id, include_ended=True), grids)

        if self._select_after is None:
            self._select_after = self.current_elder_id()
        self.count.setText("正在读取…")
        self.ops.query(load, success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[CareTarget], list[CareRow], list[tuple[int, str]] | None]) -> None:
        targets, rows, grids = result
        if grids is not None and self.grid.count() == 1:
            self.grid.blockSignals(True)
            for grid_id, name in grids:
                self.grid.addItem(name, grid_id)
            self.grid.blockSignals(False)
        # Those without a caretaker first; otherwise the service's order.
        self.targets = sorted(targets, key=lambda t: t.caretaker_id is not None)
        self.history = {}
        for row in sorted(rows, key=lambda r: (r.start_on, r.id), reverse=True):
            self.history.setdefault(row.elder_id, []).append(row)
        self.active = {r.elder_id: r for r in rows if r.active}
        counts: dict[int, list[Any]] = {}
        for row in self.active.values():
            entry = counts.setdefault(row.caretaker_id, [row.caretaker_id, row.caretaker_name, row.caretaker_roles, 0])
            entry[3] += 1
        self.caretakers = sorted((tuple(e) for e in counts.values()), key=lambda e: (-e[3], e[1]))  # type: ignore[misc]
        self._show_targets()
        self._show_caretakers()
        self._emit_status()

    def _show_targets(self) -> None:
        keep = self._select_after if self._select_after is not None else self.current_elder_id()
        self._select_after = None
        shown = [t for t in self.targets if not self.only_missing.isChecked() or t.caretaker_id is None]
        self.model.set_rows(shown)
        missing = sum(1 for t in self.targets if t.caretaker_id is None)
        self.count.setText(f"需包保老人 {len(self.targets):,} 人，其中无包保人 {missing:,} 人")
        row = self.model.row_of(keep)
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
            self._target_selected()

    def _show_caretakers(self) -> None:
        current = self.caretaker_list.currentItem()
        keep = current.data(ID_ROLE) if current is not None else None
        self.caretaker_list.blockSignals(True)
        self.caretaker_list.clear()
        for caretaker_id, name, roles, elders in self.caretakers:
            item = QListWidgetItem("　".join(p for p in (name, roles, f"{elders} 人") if p))
            item.setData(ID_ROLE, caretaker_id)
            item.setData(NAME_ROLE, name)
            self.caretaker_list.addItem(item)
            if caretaker_id == keep:
                self.caretaker_list.setCurrentItem(item)
        self.caretaker_list.blockSignals(False)
        self._caretaker_selected()

    def _emit_status(self) -> None:
        if self._started:
            self.statusChanged.emit(f"{self.title}：{self.count.text()}")

    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    # --- selection ----------------------------------------------------------------------------------

    def _target_selected(self, *_args: object) -> None:
        elder_id = self._target_id()
        rows = self.history.get(elder_id, []) if elder_id is not None else []
        name = next((t.name for t in self.targets if t.resident_id == elder_id), "")
        self.history_label.setText(f"{name}的包保记录" if name else "包保记录（请先选择一位老人）")
        _fill(self.history_table, [
            (r.caretaker_name, r.caretaker_roles, format_date(r.start_on), format_date(r.end_on) or "至今", r.note)
            for r in rows], [r.id for r in rows])
        self._update_actions()

    def _caretaker_selected(self) -> None:
        from chang_shan.care import assignments

        item = self.caretaker_list.currentItem()
        self._caretaker_request += 1
        request = self._caretaker_request
        if item is None:
            self._show_elders([], "")
            return
        caretaker_id, on, name = item.data(ID_ROLE), self.today(), item.data(NAME_ROLE)

        def shown(rows: list[CareRow]) -> None:
            if request == self._caretaker_request:
                self._show_elders(rows, name)

        self.ops.query(lambda s: assignments.elders_of(s, caretaker_id, on), success=shown, parent=self)

    def _show_elders(self, rows: list[CareRow], caretaker: str) -> None:
        keep = self._elder_row_id()
        self.elders = rows
        self.elders_label.setText(f"{caretaker}包保的老人（{len(rows)} 人）：" if caretaker else "请在左边选择一位包保人。")
        _fill(self.elders_table, [
            (r.elder_name, f"{r.elder_age} 岁" if r.elder_age is not None else "", r.elder_address,
             format_date(r.start_on), r.note) for r in rows], [r.elder_id for r in rows])
        for r, row in enumerate(rows):
            if row.elder_id == keep:
                self.elders_table.selectRow(r)
        self._update_actions()

    def _target_id(self) -> int | None:
        row = self.table.current_row()
        return self.model.rows[row].resident_id if row is not None and row < len(self.model.rows) else None

    def _elder_row_id(self) -> int | None:
        rows = self.elders_table.selectionModel().selectedRows()
        return self.elders[rows[0].row()].elder_id if rows and rows[0].row() < len(self.elders) else None

    def current_elder_id(self) -> int | None:
        return self._target_id() if self.tabs.currentIndex() == 0 else self._elder_row_id()

    def current_assignment(self) -> CareRow | None:
        elder_id = self.current_elder_id()
        return self.active.get(elder_id) if elder_id is not None else None

    def _update_actions(self) -> None:
        elder_id = self.current_elder_id()
        self.assign_action.setEnabled(elder_id is not None)
        self.contacts_action.setEnabled(elder_id is not None)
        self.end_action.setEnabled(self.current_assignment() is not None)

    def open_resident(self, resident_id: int) -> None:
        """Show this elder selected on 老人与包保人 (from the today list or the resident ledger)."""
        self.tabs.setCurrentIndex(0)
        target = next((t for t in self.targets if t.resident_id == resident_id), None)
        if target is not None and target.caretaker_id is not None and self.only_missing.isChecked():
            self.only_missing.setChecked(False)
        if self.model.row_of(resident_id) is not None:
            self.table.select_row(self.model.row_of(resident_id))  # type: ignore[arg-type]
            self.table.setFocus()
            return
        self._select_after = resident_id
        if self._started and self.grid.currentIndex() != 0:
            self.grid.setCurrentIndex(0)  # reloads every grid, then selects
        elif not self._started:
            self.start()

    # --- actions --------------------------------------------------------------------------------------

    def _open_default(self) -> None:
        (self.assign if self.can_edit else self.edit_contacts)()

    def _run(self, make: Callable[[], QDialog], action: str, elder_id: int) -> bool:
        try:
            dialog = make()
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self, exc)
            return False
        dialog.deleteLater()
        if accepted:
            self._select_after = elder_id
            self.ops.notify_changed(action)
        return accepted

    def assign(self) -> None:
        from chang_shan.ui.dialogs.caretaker import AssignCaretakerDialog

        elder_id = self.current_elder_id()
        if elder_id is not None and self.can_edit:
            self._run(lambda: AssignCaretakerDialog(self.ops.db, elder_id, parent=self), "指定包保人", elder_id)

    def end(self) -> None:
        from chang_shan.ui.dialogs.caretaker import EndCareDialog

        row = self.current_assignment()
        if row is not None and self.can_edit:
            self._run(lambda: EndCareDialog(self.ops.db, row, parent=self), "结束包保", row.elder_id)

    def edit_contacts(self) -> None:
        from chang_shan.ui.dialogs.contacts import ContactsDialog

        elder_id = self.current_elder_id()
        if elder_id is not None:
            self._run(lambda: ContactsDialog(self.ops.db, elder_id, parent=self), "修改紧急联系人", elder_id)
