"""万家数据库: the place tree, the search and filters, the resident table and the household panel.

Everything that reads the database goes through ``Operations`` (the worker thread) except the
table's page fetches (a hundred rows by primary key, a few milliseconds). After any change the
table, the tree and the panel refresh and the selected resident stays selected when possible.

"打印防走失卡…" (toolbar, the table's context menu, Ctrl+Shift+P) opens the badge print dialog
for the selected resident; only for users who may edit (a badge carries full phone numbers).
"导出…" (Ctrl+Shift+E) writes the table as filtered and sorted to XLSX or CSV (exports.views).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QSplitter, QToolBar, QTreeView, QVBoxLayout, QWidget

from chang_shan.accounts.permissions import Perm
from chang_shan.ui.models.place_tree import ALL, Place, PlaceTreeModel
from chang_shan.ui.models.resident_table import ResidentTableModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.filter_bar import FilterBar
from chang_shan.ui.widgets.household_panel import HouseholdPanel
from chang_shan.ui.widgets.resident_actions import ResidentActions, Selection
from chang_shan.ui.widgets.resident_table_view import ResidentTableView

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class PopulationScreen(QWidget):
    title = "万家数据库"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.place: Place = ALL
        self._keep_resident: int | None = None
        self._panel_request = 0
        self._first_when_loaded = False

        # --- left: the place tree ---
        self.tree_model = PlaceTreeModel(self)
        self.tree_model.runner = self._run_query
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("网格楼栋单元")
        self.tree.expanded.connect(self.tree_model.load_households)
        self.tree.selectionModel().currentChanged.connect(self._on_place_changed)
        self.tree.setCurrentIndex(self.tree_model.all_index())
        self.tree_model.replaced.connect(self._restore_place)

        # --- centre: filters, actions, table ---
        self.filters = FilterBar()
        self.filters.changed.connect(self.reload_table)
        self.filters.toResults.connect(self.focus_results)
        self.model = ResidentTableModel(ops.db, runner=self._run_query, parent=self)
        self.model.loaded.connect(self._on_loaded)
        self.model.modelReset.connect(self._after_reset)
        self.table = ResidentTableView()
        self.table.setModel(self.model)
        self.table.apply_widths()
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the first query runs in start(), not here
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_indicator)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.openRequested.connect(self._open_row)

        self.actions = ResidentActions(ops.db, self.selection, self)
        self.actions.saved.connect(self._on_saved)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for index, act in enumerate(self.actions.all):
            if index in (1, 5, 7):
                self.toolbar.addSeparator()
            self.toolbar.addAction(act)
        self.dialog: QDialog | None = None  # the badge print dialog while it is open
        self.badge_action = QAction("打印防走失卡…", self)
        self.badge_action.setToolTip("为选中的居民打印防走失二维码卡（Ctrl+Shift+P）")
        self.badge_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.badge_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.badge_action.triggered.connect(self.print_badges)
        actor = ops.db.actor
        self.badge_action.setVisible(actor is not None and actor.can(Perm.EDIT))
        self.badge_action.setEnabled(False)
        # The toolbar must fit a 1366×768 screen: its buttons show short names (the menu entries,
        # tooltips and the context menu keep the full ones).
        self.actions.move.setIconText("转户")
        self.actions.contacts.setIconText("联系人")
        self.badge_action.setIconText("防走失卡")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.badge_action)
        self.addAction(self.badge_action)
        self.export_action = export_action(self, ops, self.export_view, "表中的居民")
        self.toolbar.addAction(self.export_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([self.actions.edit, self.actions.contacts, self.badge_action])

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.filters)
        centre_layout.addWidget(self.toolbar)
        centre_layout.addWidget(self.table, 1)

        # --- left, below the tree: the household of the selected resident ---
        self.panel = HouseholdPanel()
        self.panel.memberActivated.connect(self.select_resident)
        self.panel.printRequested.connect(self.print_household)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(self.tree)
        self.left.addWidget(self.panel)
        self.left.setChildrenCollapsible(False)
        self.left.setStretchFactor(0, 1)
        self.left.setStretchFactor(1, 1)
        line = self.fontMetrics().height()
        self.left.setSizes([14 * line, 17 * line])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("中")
        self.splitter.setSizes([15 * em, 60 * em])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        ops.changed.connect(self._on_data_changed)

    # --- running queries on the worker -------------------------------------------------------

    def _run_query(self, job: Any, done: Any) -> None:
        self.ops.query(job, success=done, parent=self)

    def start(self) -> None:
        """First load: the table first (what the user looks at), then the tree's counts."""
        self.reload_table()
        self.reload_tree()

    def reload_table(self) -> None:
        from chang_shan.population.query import ResidentFilter

        filt = ResidentFilter(**self._filter_values())
        if self._keep_resident is None:
            self._keep_resident = self.current_resident_id()
        self.filters.show_count(0, loading=True)
        self.model.set_filter(filt)

    def _filter_values(self) -> dict[str, Any]:
        """The search, the filters and the place, as ``ResidentFilter``'s fields."""
        values = self.filters.values()
        # Only the most specific place: a household implies its unit, building and grid.
        scope = {"grid": "grid_id", "building": "building_id", "unit": "unit_id", "household": "household_id"}
        where = {scope[self.place.kind]: self.place.id} if self.place.kind in scope else {}
        return {"text": values["text"], "age_band": values["age_band"], "group": values["group"],
                "include_inactive": values["include_inactive"], **where}

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): the table as it is filtered and sorted now, to XLSX or CSV."""
        from chang_shan.ui.widgets.export_view import export_view

        filters = {**self._filter_values(), "sort": self.model.sort_key, "descending": self.model.descending}
        return export_view(self.ops, self, "residents", "万家数据库居民", filters, self.statusChanged.emit)

    def reload_tree(self) -> None:
        from chang_shan.population.places import place_tree

        self.ops.query(place_tree, success=self._set_tree, parent=self)

    def _set_tree(self, grids: list) -> None:
        self.tree_model.set_tree(grids)
        self._restore_place()
        self.tree.expand(self.tree_model.all_index())

    def _restore_place(self) -> None:
        """After the tree's rows were replaced: select the same place again, or its nearest
        surviving parent (e.g. undo removed the household) and show that."""
        model, place = self.tree_model, self.place
        candidates = [place]
        if place.unit_id is not None:
            candidates.append(Place("unit", place.unit_id))
        if place.building_id is not None:
            candidates.append(Place("building", place.building_id))
        if place.grid_id is not None:
            candidates.append(Place("grid", place.grid_id))
        index = next((model.index_of(p) for p in candidates if model.index_of(p).isValid()), model.all_index())
        if self.tree.currentIndex() != index:
            self.tree.setCurrentIndex(index)  # reloads the table when the place changed …
        target = model.place(index)
        if target != self.place:  # … unless the view had already moved there while rows were swapped
            self.place = target
            self.reload_table()

    # --- reacting -------------------------------------------------------------------------------

    def _on_loaded(self, count: int) -> None:
        self.filters.show_count(count)
        keep, self._keep_resident = self._keep_resident, None
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and self._first_when_loaded and count:
            row = 0
        self._first_when_loaded = False
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
            self._on_selection_changed()
        searched = f"，查找“{self.filters.text}”" if self.filters.text else ""
        self.statusChanged.emit(f"{self.place_label()}{searched}：共 {count:,} 人")

    def _after_reset(self) -> None:
        """The first page is in: reselect the kept resident now if it is there (no flicker)."""
        keep = self._keep_resident
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.scrollToTop()  # a new list starts at its top, not where the old one was
            self.actions.update_enabled()
            self.badge_action.setEnabled(self.selection().resident_active)

    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        from chang_shan.ui.models.resident_table import COLUMNS

        if COLUMNS[column].sort_key is None:  # 人群类别: put the indicator back
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column,
                                    Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self._keep_resident = self.current_resident_id()

    def _on_place_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.tree_model.replacing:
            return  # rows are being swapped; _restore_place puts the selection back
        place = self.tree_model.place(current)
        if place == self.place:
            return
        self.place = place
        self.reload_table()

    def _on_selection_changed(self, *_args: QItemSelection) -> None:
        self.actions.update_enabled()
        self.badge_action.setEnabled(self.selection().resident_active)
        resident_id = self.current_resident_id()
        row = self.table.current_row()
        data = self.model.row_data(row) if row is not None else None
        household_id = data.household_id if data is not None else None
        self._panel_request += 1
        request = self._panel_request
        if household_id is None:
            if resident_id is None:
                self.panel.show_nothing()
            else:
                self.panel.show_nothing("此人目前不在任何户中（已迁出或已故）。")
            return
        from chang_shan.population.households import household_detail

        def shown(detail: Any) -> None:
            if request == self._panel_request:
                self.panel.show_household(detail, selected_resident=resident_id)

        self.ops.query(lambda s: household_detail(s, household_id), success=shown,
                       failure=lambda _exc: self.panel.show_nothing("读取户信息失败。"), parent=self)

    def _on_saved(self, action: str, resident_id: int | None) -> None:
        if resident_id is not None:
            self._keep_resident = resident_id
        self.ops.notify_changed(action)

    def _on_data_changed(self, _action: str) -> None:
        """After any saved change (or undo): refresh everything, keeping the selection."""
        if self._keep_resident is None:
            self._keep_resident = self.current_resident_id()
        self.reload_table()
        self.reload_tree()

    def _open_row(self, row: int) -> None:
        resident_id = self.model.resident_id(row)
        if resident_id is not None:
            self.actions.open_resident(resident_id)

    # --- for the main window and the actions ------------------------------------------------

    def current_resident_id(self) -> int | None:
        row = self.table.current_row()
        return self.model.resident_id(row) if row is not None else None

    def selection(self) -> Selection:
        row = self.table.current_row()
        data = self.model.row_data(row) if row is not None else None
        household_id = data.household_id if data is not None else None
        if household_id is None and self.place.kind == "household":
            household_id = self.place.household_id
        return Selection(
            resident_id=data.id if data is not None else None,
            resident_name=data.name if data is not None else "",
            resident_active=data is not None and data.status == "在册",
            household_id=household_id,
            place=self.place,
        )

    def select_resident(self, resident_id: int) -> None:
        row = self.model.row_of(resident_id)
        if row is not None:
            self.table.select_row(row)

    def print_household(self, household_id: int) -> QDialog | None:
        """The reports dialog on the household's 居民社会关系信息档案, previewed."""
        from chang_shan.ui.reports.dialog import open_reports

        return open_reports(self, self.ops, "household_relations", {"household": household_id})

    def open_resident(self, resident_id: int) -> None:
        """From elsewhere (the today list): select the resident, showing everyone if the place or
        the filters hide them, and open their record."""
        if self.model.row_of(resident_id) is not None:
            self.select_resident(resident_id)
        else:
            self._keep_resident = resident_id  # selected once the table has reloaded
            self.filters.blockSignals(True)
            try:
                self.filters.clear()
            finally:
                self.filters.blockSignals(False)
            self.place = ALL
            self.tree.setCurrentIndex(self.tree_model.all_index())
            self.reload_table()
        self.actions.open_resident(resident_id)

    def place_label(self) -> str:
        """``全部居民``, ``第一网格``, ``3号楼``, ``3号楼2单元`` or a household's address."""
        index = self.tree_model.index_of(self.place)
        if self.place.kind == "all" or not index.isValid():
            return "全部居民"
        if self.place.kind == "household":
            return str(index.data(Qt.ItemDataRole.ToolTipRole) or index.data()).split("　")[0]

        def bare(i: QModelIndex) -> str:
            return str(i.data()).split("（")[0]

        return bare(index.parent()) + bare(index) if self.place.kind == "unit" else bare(index)

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    def focus_results(self) -> None:
        """From the search box to the table (↓ or Enter), on the first row if none is selected."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.current_resident_id() is not None:
            return
        if self.model.complete and not self.filters.pending:
            if self.model.rowCount():
                self.table.select_row(0)
        else:
            self._first_when_loaded = True  # the search is still running

    def print_badges(self) -> QDialog | None:
        """The badge print dialog for the selected resident (window-modal; one at a time)."""
        sel = self.selection()
        if sel.resident_id is None or not sel.resident_active or not self.badge_action.isVisible() \
                or self.dialog is not None:
            return None
        from chang_shan.badges.shapes import BadgeChoice
        from chang_shan.ui.badges.print_dialog import BadgePrintDialog
        from chang_shan.ui.dialogs.window_modal import open_window_modal

        dialog = BadgePrintDialog(self, self.ops, choice=BadgeChoice(resident_ids=(sel.resident_id,)),
                                  given_label=f"所选居民：{sel.resident_name}")
        return open_window_modal(self, dialog, lambda _d: None)

    def new_record(self) -> None:
        self.actions.on_new_resident()

    def open_current(self) -> None:
        row = self.table.current_row()
        if row is not None:
            self._open_row(row)
