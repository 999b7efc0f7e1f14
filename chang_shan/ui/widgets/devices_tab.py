"""安全设备 (a tab of the 便民档案库): smart gas alarms in the households, extinguishers and smoke
detectors in the stair units, and what needs doing about them.

Two views, filtered by grid:

- 覆盖情况 (``ui.widgets.device_coverage``): every unit (and every 平房区 building) with its
  households, how many of them have a gas alarm in use, the extinguishers and smoke detectors,
  what is expired and what expires this month, the gaps in red. Double-clicking a row lists that
  place's devices.
- 设备清单: the devices (``list_devices``) by kind, place, 含已更换/拆除 and 本月及以前到期;
  expired ones in red, those expiring this month in orange and bold; below, the selected
  device's inspections. Users who may edit get 新增设备, 修改, 记录检查, 更换 and 拆除 (dialogs in
  ``ui.dialogs.safety_device``, each one undoable action).

Every query runs on the worker (``Operations``); after any change (``ops.changed``) both views
reload and keep the selected device. ``open_device`` shows one device selected (from the today
list), widening the filters when they hide it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.safety import DEVICE_KINDS
from chang_shan.population.addresses import building_label, unit_label
from chang_shan.safety.dates import month_end
from chang_shan.safety.shapes import DeviceFilter
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.device_table import PLACE_COLUMN, DeviceTableModel, device_state
from chang_shan.ui.models.device_table import SAMPLES as DEVICE_SAMPLES
from chang_shan.ui.widgets.device_coverage import CoverageView, summary_text
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.tables import fit_columns, read_only_table
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.population.places import GridNode
    from chang_shan.safety.shapes import DeviceRow, InspectionRow, UnitCoverage
    from chang_shan.ui.ops import Operations

IN_USE = "在用"
INSPECTION_COLUMNS = ("检查日期", "结果", "检查人", "备注")
INSPECTION_SAMPLES = ("2024-12-31", "需维修", "欧阳春花花")
ID_ROLE = Qt.ItemDataRole.UserRole
ALL_KINDS = "全部类型"


def _titled(title: QLabel, body: QWidget) -> QWidget:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(title)
    layout.addWidget(body, 1)
    return panel


def _check(text: str, name: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    return box


class DevicesTab(LoadsWhenShown, QWidget):
    title = "安全设备"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self._coverage_request = 0
        self._list_request = 0
        self._inspection_request = 0
        self._select_after: int | None = None  # the device to select when the list is back
        self.grids: list[GridNode] = []
        self.coverage_rows: list[UnitCoverage] = []
        self.inspection_rows: list[InspectionRow] = []
        self.dialog: QDialog | None = None  # the dialog open now (window-modal)
        self._status = ""

        self.grid = QComboBox()
        self.grid.setObjectName("gridFilter")
        self.grid.setAccessibleName("网格")
        self.grid.addItem("全部网格", None)
        self.grid.currentIndexChanged.connect(self._grid_changed)
        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("网格："))
        top.addWidget(self.grid)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("deviceViews")
        self.tabs.setDocumentMode(True)
        self.coverage_page = CoverageView()
        self.coverage_page.placeChosen.connect(self.show_place_devices)
        self.list_page = self._list_page()
        self.tabs.addTab(self.coverage_page, "覆盖情况")
        self.tabs.addTab(self.list_page, "设备清单")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        ops.changed.connect(self._on_data_changed)
        self._update_actions()

    # --- building -------------------------------------------------------------------------------
    def _list_page(self) -> QWidget:
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.kind.setAccessibleName("设备类型")
        self.kind.addItem(ALL_KINDS, None)
        for kind in DEVICE_KINDS:
            self.kind.addItem(kind, kind)
        self.place = QComboBox()
        self.place.setObjectName("placeFilter")
        self.place.setAccessibleName("楼栋/单元")
        self.place.setMaxVisibleItems(20)
        self.place.addItem("全部楼栋", None)
        self.include_retired = _check("含已更换/拆除", "includeRetired")
        self.expiring_only = _check("本月及以前到期", "expiringOnly")
        for combo in (self.kind, self.place):
            combo.currentIndexChanged.connect(lambda _i: self.reload_list())
        for box in (self.include_retired, self.expiring_only):
            box.toggled.connect(lambda _on: self.reload_list())
        self.count = QLabel("")
        self.count.setObjectName("count")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("类型："))
        filters.addWidget(self.kind)
        filters.addWidget(QLabel("楼栋/单元："))
        filters.addWidget(self.place)
        filters.addWidget(self.include_retired)
        filters.addWidget(self.expiring_only)
        filters.addStretch(1)
        filters.addWidget(self.count)

        self.new_action = self._action("新增设备", self.new_device, "登记一件新安装的安全设备")
        self.edit_action = self._action("修改", self.edit_device, "修改选中设备的登记信息（双击或回车）")
        self.inspect_action = self._action("记录检查", self.inspect_device, "为选中的设备记录一次检查")
        self.replace_action = self._action("更换", self.replace_device, "选中的设备换新：旧设备记为已更换")
        self.remove_action = self._action("拆除", self.remove_device, "选中的设备已拆除，不再计入覆盖情况")
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("deviceActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.new_action, self.edit_action, self.inspect_action, self.replace_action,
                                 self.remove_action])
        self.toolbar.setVisible(self.can_edit)

        self.model = DeviceTableModel(self)
        self.table = ResidentTableView()
        self.table.setObjectName("devices")
        self.table.setAccessibleName("设备清单")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self._device_widths()
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._device_selected())
        self.table.openRequested.connect(lambda _row: self.edit_device())

        self.detail = QLabel("请在上面选择一件设备。")
        self.detail.setObjectName("deviceDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.inspections = read_only_table(INSPECTION_COLUMNS, "inspections", samples=INSPECTION_SAMPLES)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(_titled(self.detail, self.inspections))
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        line = self.fontMetrics().height()
        splitter.setSizes([24 * line, 9 * line])

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        return page

    def _action(self, text: str, slot: Callable[[], object], tip: str) -> QAction:
        act = QAction(text, self)
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        act.setVisible(self.can_edit)
        return act

    def _device_widths(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = metrics.horizontalAdvance("中") * 1.5
        for column, sample in enumerate(DEVICE_SAMPLES):
            if sample:
                header.resizeSection(column, int(metrics.horizontalAdvance(sample) + pad))
        header.setSectionResizeMode(PLACE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.4))

    # --- loading --------------------------------------------------------------------------------
    def today(self) -> date:
        return date.today()

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def reload(self) -> None:
        self.reload_coverage()
        self.reload_list()

    def _grid_changed(self) -> None:
        self._fill_places()
        if self._started:
            self.reload()

    def reload_coverage(self) -> None:
        from chang_shan.population.places import place_tree
        from chang_shan.safety import devices

        self._coverage_request += 1
        request, grid_id, on = self._coverage_request, self.grid.currentData(), self.today()

        def load(session: Session) -> tuple[list[GridNode], list[UnitCoverage]]:
            return place_tree(session), devices.coverage(session, today=on, grid_id=grid_id)

        self.summary.setText("正在统计…")
        self.ops.query(load, success=partial(self._coverage_loaded, request), parent=self)

    def _coverage_loaded(self, request: int, result: tuple[list[GridNode], list[UnitCoverage]]) -> None:
        if request != self._coverage_request:
            return
        self.grids, self.coverage_rows = result
        if self.grid.count() == 1 and self.grids:
            self.grid.blockSignals(True)
            for grid in self.grids:
                self.grid.addItem(grid.name, grid.id)
            self.grid.blockSignals(False)
        self._fill_places()
        self.coverage_page.set_rows(self.coverage_rows)
        self.summary.setText(summary_text(self.coverage_rows))
        rows = self.coverage_rows
        households, with_gas = sum(r.households for r in rows), sum(r.with_gas_alarm for r in rows)
        expired, expiring = sum(r.expired for r in rows), sum(r.expiring_this_month for r in rows)
        self._status = f"{self.title}：燃气报警器覆盖 {with_gas:,}/{households:,} 户，已过期 {expired:,} 件，本月到期 {expiring:,} 件"
        self.statusChanged.emit(self._status)

    def _fill_places(self) -> None:
        """The 楼栋/单元 filter: the buildings of the chosen grid, each followed by its units."""
        keep = self.place.currentData()
        grid_id = self.grid.currentData()
        self.place.blockSignals(True)
        self.place.clear()
        self.place.addItem("全部楼栋", None)
        for grid in self.grids:
            if grid_id is not None and grid.id != grid_id:
                continue
            for building in grid.buildings:
                self.place.addItem(building_label(building.name), f"building:{building.id}")
                for unit in building.units:
                    self.place.addItem(f"　{building_label(building.name)}{unit_label(unit.name)}", f"unit:{unit.id}")
        index = self.place.findData(keep) if keep is not None else 0
        self.place.setCurrentIndex(max(index, 0))
        self.place.blockSignals(False)

    def chosen_place(self) -> tuple[str, int] | None:
        """The 楼栋/单元 filter as ("building" or "unit", id); None for every building."""
        data = self.place.currentData()
        if not data:
            return None
        what, _, place_id = data.partition(":")
        return what, int(place_id)

    def current_filter(self) -> DeviceFilter:
        place = self.chosen_place()
        kind = self.kind.currentData()
        return DeviceFilter(
            kinds=(kind,) if kind else None,
            grid_id=self.grid.currentData(),
            building_id=place[1] if place and place[0] == "building" else None,
            unit_id=place[1] if place and place[0] == "unit" else None,
            include_retired=self.include_retired.isChecked(),
            expiring_by=month_end(self.today()) if self.expiring_only.isChecked() else None,
        )

    def reload_list(self) -> None:
        if not self._started:
            return
        from chang_shan.safety import devices

        self._list_request += 1
        request, flt, on = self._list_request, self.current_filter(), self.today()
        if self._select_after is None:
            self._select_after = self.current_device_id()
        self.count.setText("正在读取…")
        self.ops.query(lambda s: devices.list_devices(s, flt, today=on),
                       success=partial(self._list_loaded, request, on), parent=self)

    def _list_loaded(self, request: int, on: date, rows: list[DeviceRow]) -> None:
        if request != self._list_request:
            return
        keep, self._select_after = self._select_after, None
        self.model.set_rows(rows, on)
        expired = sum(1 for r in rows if device_state(r, on) == "expired")
        expiring = sum(1 for r in rows if device_state(r, on) == "expiring")
        self.count.setText(f"共 {len(rows):,} 件，已过期 {expired:,} 件，本月到期 {expiring:,} 件")
        row = self.model.row_of(keep)
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
        self._device_selected()

    # --- selection ------------------------------------------------------------------------------
    def current_device(self) -> DeviceRow | None:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def current_device_id(self) -> int | None:
        device = self.current_device()
        return device.id if device is not None else None

    def _device_selected(self) -> None:
        from chang_shan.safety import devices

        device = self.current_device()
        self._inspection_request += 1
        request = self._inspection_request
        self._update_actions()
        if device is None:
            self.detail.setText("请在上面选择一件设备。" if self.model.rows else "没有符合条件的设备。")
            self._show_inspections([])
            return
        parts = [f"{device.kind}　{device.place} {device.location}".strip()]
        parts += [f"{label}：{value}" for label, value in (("型号", device.model), ("编号", device.serial),
                                                           ("备注", device.note)) if value]
        self.detail.setText("　".join(parts) + "　检查记录：")

        def shown(rows: list[InspectionRow]) -> None:
            if request == self._inspection_request:
                self._show_inspections(rows)

        self.ops.query(lambda s: devices.inspections(s, device.id), success=shown, parent=self)

    def _show_inspections(self, rows: list[InspectionRow]) -> None:
        self.inspection_rows = rows
        table = self.inspections
        table.setRowCount(len(rows))
        red = QColor(ERROR_COLOUR)
        for r, row in enumerate(rows):  # newest first
            for c, text in enumerate((format_date(row.on_date), row.result, row.inspector, row.note)):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, row.id)
                if row.result == "需维修":
                    item.setForeground(red)
                table.setItem(r, c, item)
        table.clearSpans()
        if not rows and self.current_device() is not None:
            table.setRowCount(1)
            table.setItem(0, 0, QTableWidgetItem("还没有检查记录"))
            table.setSpan(0, 0, 1, len(INSPECTION_COLUMNS))
        else:
            fit_columns(table)

    def _update_actions(self) -> None:
        device = self.current_device()
        in_use = device is not None and device.status == IN_USE
        self.edit_action.setEnabled(device is not None)
        for act in (self.inspect_action, self.replace_action, self.remove_action):
            act.setEnabled(in_use)

    # --- going to a place or a device -----------------------------------------------------------
    def show_place_devices(self, place: UnitCoverage) -> None:
        """The devices of a coverage row's unit (or building without units)."""
        key = f"unit:{place.unit_id}" if place.unit_id is not None else f"building:{place.building_id}"
        for widget in (self.kind, self.place, self.expiring_only):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(0)
        self.expiring_only.setChecked(False)
        index = self.place.findData(key)
        self.place.setCurrentIndex(max(index, 0))
        for widget in (self.kind, self.place, self.expiring_only):
            widget.blockSignals(False)
        self.tabs.setCurrentWidget(self.list_page)
        self._select_after = None
        self.table.clear_current()
        self.reload_list()

    def open_device(self, device_id: int) -> None:
        """Show this device selected on 设备清单 (from the today list). Filters that hide it are
        widened: every kind and place, the device's grid, 含已更换/拆除 for one no longer in use."""
        from chang_shan.safety import devices

        self.tabs.setCurrentWidget(self.list_page)
        row = self.model.row_of(device_id)
        if self._started and row is not None:
            self.table.select_row(row)
            self.table.setFocus()
            return
        on = self.today()

        def found(device: DeviceRow) -> None:
            widgets = (self.grid, self.kind, self.place, self.include_retired, self.expiring_only)
            for widget in widgets:
                widget.blockSignals(True)
            if self.grid.currentData() not in (None, device.grid_id):
                self.grid.setCurrentIndex(0)
                self._fill_places()
            self.kind.setCurrentIndex(0)
            self.place.setCurrentIndex(0)
            self.expiring_only.setChecked(False)
            if device.status != IN_USE:
                self.include_retired.setChecked(True)
            for widget in widgets:
                widget.blockSignals(False)
            self._select_after = device_id
            self._started = True
            self.reload()
            self.table.setFocus()

        self.ops.query(lambda s: devices.get_device(s, device_id, today=on), success=found, parent=self)

    # --- actions --------------------------------------------------------------------------------
    def _place_for_new_device(self) -> tuple[int | None, int | None] | None:
        """(building, unit) of the 楼栋/单元 filter, to start a new device there."""
        place = self.chosen_place()
        if place is None:
            return None
        if place[0] == "building":
            return place[1], None
        building = next((b.id for g in self.grids for b in g.buildings if any(u.id == place[1] for u in b.units)),
                        None)
        return building, place[1]

    def new_device(self) -> QDialog | None:
        return self._run(lambda dialogs: dialogs.DeviceDialog(self.ops.db, place=self._place_for_new_device(),
                                                              parent=self))

    def edit_device(self) -> QDialog | None:
        return self._for_device(lambda dialogs, d: dialogs.DeviceDialog(self.ops.db, device=d, parent=self),
                                in_use=False)

    def inspect_device(self) -> QDialog | None:
        return self._for_device(lambda dialogs, d: dialogs.InspectionDialog(self.ops.db, d, parent=self))

    def replace_device(self) -> QDialog | None:
        return self._for_device(lambda dialogs, d: dialogs.DeviceDialog(self.ops.db, replacing=d, parent=self))

    def remove_device(self) -> QDialog | None:
        return self._for_device(lambda dialogs, d: dialogs.RemoveDeviceDialog(self.ops.db, d, parent=self))

    def _for_device(self, make: Callable[[Any, DeviceRow], QDialog], *, in_use: bool = True) -> QDialog | None:
        """A dialog about the selected device (one in use, unless ``in_use`` is False)."""
        device = self.current_device()
        if device is None or (in_use and device.status != IN_USE):
            return None
        return self._run(lambda dialogs: make(dialogs, device))

    def _run(self, make: Callable[[Any], QDialog]) -> QDialog | None:
        """``make(ui.dialogs.safety_device)`` opened window-modal; nothing for a user who may not
        edit, or while another dialog is open."""
        if not self.can_edit or self.dialog is not None:
            return None
        from chang_shan.ui.dialogs import safety_device
        from chang_shan.ui.dialogs.window_modal import open_window_modal

        try:
            dialog = make(safety_device)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self, exc)
            return None
        return open_window_modal(self, dialog, self._saved)

    def _saved(self, dialog: QDialog) -> None:
        self._select_after = getattr(dialog, "saved_id", None) or self.current_device_id()
        self.ops.notify_changed(dialog.windowTitle())

    # --- refreshing -----------------------------------------------------------------------------
    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()
