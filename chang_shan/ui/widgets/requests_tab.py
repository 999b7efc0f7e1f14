"""服务请求: the requests of the office (newest first), filtered by status (逾期 too), category,
grid, 我负责的 and text; below, the selected request with its history.

Users who may edit get the actions, each only when the request's status allows it:
受理新请求 (Ctrl+N), 修改 (Ctrl+E), 接单/转派 (Ctrl+D), 我来办 (Ctrl+T — AB岗: any worker picks up
an open request), 办结 (Ctrl+J), 回访 (Ctrl+H) and 重新打开 (Ctrl+R); 导出… (Ctrl+Shift+E) writes
every request the filter picks to XLSX or CSV. The dialogs open
window-modal; after any saved change (``ops.changed``) the list reloads and keeps the request
selected. Every query runs on the worker (``Operations``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.services import STATUSES
from chang_shan.errors import DomainError
from chang_shan.service_requests.shapes import RequestFilter
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.models.request_table import CONTENT_COLUMN, SAMPLES, RequestTableModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.request_detail import RequestDetailPanel
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.screen_actions import sample_widths, screen_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.service_requests.shapes import CategoryRow, RequestDetail, RequestRow
    from chang_shan.ui.ops import Operations

OVERDUE = "逾期"
OPEN = ("待办", "处理中")
CLOSED = ("已完成", "已回访")
LIMIT = 1000
DEBOUNCE_MS = 150
CHIP_STYLE = """
QToolButton { padding: 3px 10px; border: 1px solid #9aa5b1; border-radius: 11px; background: #ffffff; }
QToolButton:checked { background: #1f5f99; color: #ffffff; border-color: #1f5f99; }
QToolButton#chip_overdue:checked { background: #b3261e; border-color: #b3261e; }
"""


class RequestsTab(LoadsWhenShown, QWidget):
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self.me: int | None = getattr(actor, "user_id", None)
        self._list_request = 0
        self._detail_request = 0
        self._select_after: int | None = None
        self._include: int | None = None  # opened from elsewhere: listed even outside the filter
        self._status = ""
        self.dialog: QDialog | None = None  # the dialog open now (window-modal)
        self.categories: list[CategoryRow] = []

        self.model = RequestTableModel(self)
        self.table = ResidentTableView()
        self.table.setObjectName("requests")
        self.table.setAccessibleName("服务请求")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self._widths()
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._selected())
        self.table.openRequested.connect(lambda _row: self.edit())
        self.detail_panel = RequestDetailPanel()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_panel)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        line = self.fontMetrics().height()
        splitter.setSizes([30 * line, 9 * line])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._filters())
        layout.addWidget(self._toolbar())
        layout.addWidget(splitter, 1)
        ops.changed.connect(self._on_data_changed)
        self._update_actions()

    # --- building -------------------------------------------------------------------------------
    def _filters(self) -> QVBoxLayout:
        self.chips: dict[str, QToolButton] = {}
        chips = QHBoxLayout()
        chips.addWidget(QLabel("状态："))
        for status in (*STATUSES, OVERDUE):
            chip = QToolButton()
            chip.setText(status)
            chip.setCheckable(True)
            chip.setObjectName("chip_overdue" if status == OVERDUE else f"chip_{STATUSES.index(status)}")
            chip.setStyleSheet(CHIP_STYLE)
            chip.setToolTip("只看超过办理期限、还没有办结的请求" if status == OVERDUE else f"只看{status}的请求（可多选）")
            chip.toggled.connect(lambda _on: self._apply_now())
            chips.addWidget(chip)
            self.chips[status] = chip
        chips.addSpacing(12)
        self.mine = QCheckBox("我负责的")
        self.mine.setObjectName("mine")
        self.mine.setEnabled(self.me is not None)
        self.mine.setToolTip("只看派给我办理的请求" if self.me is not None else "用工作人员的账户登录后可用")
        self.mine.toggled.connect(lambda _on: self._apply_now())
        chips.addWidget(self.mine)
        chips.addStretch(1)
        self.count = QLabel("")
        self.count.setObjectName("count")
        chips.addWidget(self.count)

        self.category = QComboBox()
        self.category.setObjectName("categoryFilter")
        self.category.setAccessibleName("服务类别")
        self.category.addItem("全部类别", None)
        self.category.currentIndexChanged.connect(lambda _i: self._apply_now())
        self.grid = QComboBox()
        self.grid.setObjectName("gridFilter")
        self.grid.setAccessibleName("网格")
        self.grid.addItem("全部网格", None)
        self.grid.currentIndexChanged.connect(lambda _i: self._apply_now())
        self.search = QLineEdit()
        self.search.setObjectName("requestSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("查找：内容、办理结果、居民姓名")
        self.search.setAccessibleName("查找服务请求")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_now)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._apply_now)
        second = QHBoxLayout()
        second.addWidget(QLabel("类别："))
        second.addWidget(self.category)
        second.addWidget(QLabel("网格："))
        second.addWidget(self.grid)
        second.addWidget(self.search, 1)

        rows = QVBoxLayout()
        rows.setSpacing(4)
        rows.addLayout(chips)
        rows.addLayout(second)
        return rows

    def _toolbar(self) -> QToolBar:
        self.new_action = self._action("受理新请求", self.new_request, "Ctrl+N", "登记居民提出的服务请求")
        self.edit_action = self._action("修改", self.edit, "Ctrl+E", "修改选中请求的对象、类别、内容和期限")
        self.assign_action = self._action("接单/转派", self.assign, "Ctrl+D", "把选中的请求派给工作人员、服务队或居民办理")
        self.take_over_action = self._action("我来办", self.take_over, "Ctrl+T",
                                             "AB岗：由我接手办理选中的请求")
        self.complete_action = self._action("办结", self.complete, "Ctrl+J", "登记办理结果")
        self.revisit_action = self._action("回访", self.revisit, "Ctrl+H", "登记回访和居民的满意度")
        self.reopen_action = self._action("重新打开", self.reopen, "Ctrl+R", "已办结的请求需要重新办理")
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("requestActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.edit_actions = [self.new_action, self.edit_action, self.assign_action, self.take_over_action,
                             self.complete_action, self.revisit_action, self.reopen_action]
        self.toolbar.addActions(self.edit_actions[:2])
        self.toolbar.addSeparator()
        self.toolbar.addActions(self.edit_actions[2:])
        for act in self.edit_actions:
            act.setVisible(self.can_edit)
        self.export_action = export_action(self, self.ops, self.export_view, "列表中的服务请求")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        self.toolbar.setVisible(self.can_edit or self.export_action.isVisible())
        return self.toolbar

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str, tip: str) -> QAction:
        return screen_action(self, text, slot, shortcut, tip)

    def _widths(self) -> None:
        pad = sample_widths(self.table, SAMPLES, CONTENT_COLUMN)
        self.table.horizontalHeader().setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("编号") + int(pad))

    # --- loading --------------------------------------------------------------------------------
    def current_filter(self) -> RequestFilter:
        on = date.today()
        statuses = tuple(s for s in STATUSES if self.chips[s].isChecked())
        return RequestFilter(
            statuses=statuses or None, category_id=self.category.currentData(),
            assignee_user_id=self.me if self.mine.isChecked() and self.me is not None else None,
            grid_id=self.grid.currentData(), overdue_on=on if self.chips[OVERDUE].isChecked() else None,
            text=self.search.text().strip(),
        )

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): every request the filter picks (not only the newest shown)."""
        from dataclasses import asdict

        from chang_shan.ui.widgets.export_view import export_view

        filters = {key: value for key, value in asdict(self.current_filter()).items() if value not in (None, "")}
        return export_view(self.ops, self, "requests", "服务请求", filters, self.statusChanged.emit)

    def _apply_now(self) -> None:
        self._debounce.stop()
        self._include = None  # the user filters: show what the filter says
        if self._started:
            self.reload()

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def reload(self) -> None:
        from chang_shan.population.places import place_tree
        from chang_shan.service_requests import requests

        self._debounce.stop()
        self._list_request += 1
        request = self._list_request
        if self._select_after is None:
            self._select_after = self.current_request_id()
        flt, on, include = self.current_filter(), date.today(), self._include

        def load(session: Session) -> tuple[Any, ...]:
            rows = requests.list_requests(session, flt, today=on, limit=LIMIT + 1)
            extra = None
            if include is not None and all(row.id != include for row in rows):
                try:  # opened from elsewhere and beyond the filter: shown on top
                    extra = requests.get_request(session, include, today=on).row
                except DomainError:
                    extra = None
            grids = [(g.id, g.name) for g in place_tree(session)]
            return rows, extra, requests.categories(session, include_inactive=True), grids

        self.count.setText("正在读取…")
        self.ops.query(load, success=partial(self._loaded, request), failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("读取失败。")
        ops_module.show_error(self, exc)

    def _loaded(self, request: int, result: tuple[list[RequestRow], RequestRow | None, list[CategoryRow],
                                                  list[tuple[int, str]]]) -> None:
        if request != self._list_request:
            return  # the filter changed meanwhile
        rows, extra, categories, grids = result
        self._fill_combos(categories, grids)
        more = len(rows) > LIMIT
        rows = rows[:LIMIT]
        if extra is not None:
            rows = [extra, *rows]
        keep, self._select_after = self._select_after, None
        self.model.set_rows(rows)
        late = sum(1 for row in rows if row.days_overdue)
        shown = f"最新的 {LIMIT:,} 项（更早的请用上面的条件查找）" if more else f"共 {len(rows):,} 项"
        self.count.setText(shown + (f"，逾期 {late:,} 项" if late else ""))
        self._status = f"服务请求：{self.count.text()}"
        self.statusChanged.emit(self._status)
        row = self.model.row_of(keep)
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
            self._selected()

    def _fill_combos(self, categories: list[CategoryRow], grids: list[tuple[int, str]]) -> None:
        self.categories = categories
        for combo, entries in ((self.category, [(c.id, c.name if c.active else f"{c.name}（已停用）")
                                                for c in categories]), (self.grid, [(g, n) for g, n in grids])):
            now = [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())]
            if now == entries:
                continue
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, text in entries:
                combo.addItem(text, value)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    # --- selection ------------------------------------------------------------------------------
    def current_row(self) -> RequestRow | None:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def current_request_id(self) -> int | None:
        row = self.current_row()
        return row.id if row is not None else None

    def current_detail(self) -> RequestDetail | None:
        """The selected request once its detail has been read (the actions work on it)."""
        detail = self.detail_panel.detail
        return detail if detail is not None and detail.row.id == self.current_request_id() else None

    def _selected(self) -> None:
        from chang_shan.service_requests import requests

        request_id = self.current_request_id()
        if request_id != self._include:
            self._include = None
        self._detail_request += 1
        request = self._detail_request
        if request_id is None:
            self.detail_panel.show_nothing("请在上面选择一项服务请求。" if self.model.rows else "没有符合条件的服务请求。")
            self._update_actions()
            return
        self._update_actions()  # nothing to act on until the detail is read
        on = date.today()

        def shown(detail: RequestDetail) -> None:
            if request == self._detail_request:
                self.detail_panel.show_request(detail)
                self._update_actions()

        def failed(exc: BaseException) -> None:
            if request == self._detail_request:
                kind, _title, text = ops_module.describe_error(exc)
                if kind == "warning":
                    self.detail_panel.show_nothing(text)
                else:
                    ops_module.show_error(self, exc)
                self._update_actions()

        self.ops.query(lambda s: requests.get_request(s, request_id, today=on), success=shown, failure=failed,
                       parent=self)

    def _update_actions(self) -> None:
        detail = self.current_detail()
        status = detail.row.status if detail is not None else None
        row = detail.row if detail is not None else None
        mine = row is not None and row.assignee_kind == "worker" and row.assignee_user_id == self.me
        self.new_action.setEnabled(self.can_edit)
        for act, allowed in ((self.edit_action, status in OPEN), (self.assign_action, status in OPEN),
                             (self.take_over_action, status in OPEN and self.me is not None and not mine),
                             (self.complete_action, status in OPEN), (self.revisit_action, status == "已完成"),
                             (self.reopen_action, status in CLOSED)):
            act.setEnabled(self.can_edit and allowed)
        self.assign_action.setText("转派" if row is not None and row.assignee_kind is not None else "接单/派单")

    def open_request(self, request_id: int) -> None:
        """Show this request selected (from the today list): the filters are cleared so that it
        is listed."""
        self._started = True
        widgets = (*self.chips.values(), self.mine, self.category, self.grid, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        for chip in self.chips.values():
            chip.setChecked(False)
        self.mine.setChecked(False)
        self.category.setCurrentIndex(0)
        self.grid.setCurrentIndex(0)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._select_after = self._include = request_id
        if self.model.row_of(request_id) is not None:
            self.table.select_row(self.model.row_of(request_id))  # type: ignore[arg-type]
        self.reload()
        self.table.setFocus()

    # --- actions --------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not blocking: the list reloads when it saved, the request selected."""
        def saved(done: QDialog) -> None:
            self._select_after = getattr(done, "saved_id", None) or self.current_request_id()
            self.ops.notify_changed(done.windowTitle())

        return open_window_modal(self, dialog, saved)

    def _step(self, act: QAction, make: Callable[[RequestDetail], QDialog]) -> QDialog | None:
        detail = self.current_detail()
        if not self.can_edit or self.dialog is not None or detail is None or not act.isEnabled():
            return None
        return self._open(make(detail))

    def new_request(self) -> QDialog | None:
        if not self.can_edit or self.dialog is not None:
            return None
        from chang_shan.ui.dialogs.service_request import RequestDialog

        return self._open(RequestDialog(self.ops.db, parent=self))

    def edit(self) -> QDialog | None:
        from chang_shan.ui.dialogs.service_request import RequestDialog

        return self._step(self.edit_action, lambda d: RequestDialog(self.ops.db, detail=d, parent=self))

    def assign(self) -> QDialog | None:
        from chang_shan.ui.dialogs.service_request import AssignDialog

        return self._step(self.assign_action, lambda d: AssignDialog(self.ops.db, d, parent=self))

    def complete(self) -> QDialog | None:
        from chang_shan.ui.dialogs.service_request import CompleteDialog

        return self._step(self.complete_action, lambda d: CompleteDialog(self.ops.db, d, parent=self))

    def revisit(self) -> QDialog | None:
        from chang_shan.ui.dialogs.service_request import RevisitDialog

        return self._step(self.revisit_action, lambda d: RevisitDialog(self.ops.db, d, parent=self))

    def reopen(self) -> QDialog | None:
        from chang_shan.ui.dialogs.service_request import ReopenDialog

        return self._step(self.reopen_action, lambda d: ReopenDialog(self.ops.db, d, parent=self))

    def take_over(self) -> None:
        """我来办 (AB岗): no questions asked — 编辑→撤销 takes it back."""
        from chang_shan.service_requests import requests

        detail = self.current_detail()
        if not self.can_edit or detail is None or not self.take_over_action.isEnabled():
            return
        row = detail.row
        self._select_after = row.id
        self.take_over_action.setEnabled(False)  # no second click while it runs
        self.ops.change(f"我来办：服务请求 {row.for_name}",
                        lambda s: requests.take_over(s, row.id, expected_version=row.version),
                        success=lambda _d: self.statusChanged.emit(f"已由您接手办理：编号 {row.id} {row.category}"),
                        failure=self._take_over_failed, parent=self)

    def _take_over_failed(self, exc: BaseException) -> None:
        ops_module.show_error(self, exc)
        self.reload()  # e.g. changed meanwhile: show where it stands now
