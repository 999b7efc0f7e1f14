"""What every governance tab shares: a row of filters, a toolbar (write actions only for accounts
that may edit, 导出… for those that may export), the list (whole-row selection, Enter opens) and
optionally a panel beside it; the list is read on the worker, the selection kept on reload, and a
status line tells how many rows there are. Dialogs open window-modal, one at a time; after any
saved change (``ops.changed``) the tab reloads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.governance.export import export_rows
from chang_shan.ui.governance.table import Column, ColumnsModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.screen_actions import sample_widths, screen_action

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.ui.ops import Operations

DEBOUNCE_MS = 150


class ListTab(LoadsWhenShown, QWidget):
    """Subclasses set ``TITLE`` (the list's name in messages and exports), ``NAME`` (object
    names), ``columns()``, ``build_filters(row)``, ``build_actions()``, ``load(session, filters)``
    (on the worker) and may override ``filters()``, ``summary(rows)``, ``side_panel()``,
    ``selected()`` and ``colour``/``tip``."""

    statusChanged = Signal(str)
    TITLE = ""
    NAME = ""
    STRETCH = 1  # the column that takes the room left

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self.dialog: QDialog | None = None
        self._request = 0
        self._select_after: object | None = None
        self._status = ""
        self.edit_actions: list[QAction] = []

        self.model = ColumnsModel(self.columns(), colour=self.colour, tip=self.tip, key=self.key, parent=self)
        self.table = ResidentTableView()
        self.table.setObjectName(self.NAME)
        self.table.setAccessibleName(self.TITLE)
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        sample_widths(self.table, tuple(c.sample for c in self.model.columns), self.STRETCH)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.table.openRequested.connect(lambda _row: self.open_current())

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_now)
        self.count = QLabel("")
        self.count.setObjectName("count")

        filters = QHBoxLayout()
        self.build_filters(filters)
        filters.addWidget(self.count)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName(f"{self.NAME}Actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.build_actions()
        self.export_action = export_action(self, ops, self.export, f"列表中的{self.TITLE}")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        for act in self.edit_actions:
            act.setVisible(self.can_edit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        side = self.side_panel()
        if side is None:
            layout.addWidget(self.table, 1)
        else:
            splitter = QSplitter(self.SPLIT)
            splitter.setObjectName(f"{self.NAME}Splitter")
            splitter.addWidget(self.table)
            if self.SPLIT == Qt.Orientation.Vertical:  # the detail scrolls rather than squeezing the list
                scroller = QScrollArea()
                scroller.setObjectName(f"{self.NAME}DetailScroll")
                scroller.setWidgetResizable(True)
                scroller.setFrameShape(QFrame.Shape.NoFrame)
                scroller.setWidget(side)
                side = scroller
            splitter.addWidget(side)
            splitter.setChildrenCollapsible(False)
            splitter.setStretchFactor(0, 1)
            splitter.setStretchFactor(1, 0)
            self.splitter = splitter
            self._split_done = False
            layout.addWidget(splitter, 1)
        ops.changed.connect(self._on_changed)
        self.update_actions()

    SPLIT = Qt.Orientation.Vertical
    LIST_SHARE = 0.4  # the list's share of the splitter, set when the tab is first shown

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        splitter = getattr(self, "splitter", None)
        if splitter is not None and not self._split_done:  # sizes set before the first show do not hold
            self._split_done = True
            total = sum(splitter.sizes()) or (splitter.height() if self.SPLIT == Qt.Orientation.Vertical
                                              else splitter.width())
            first = int(total * self.LIST_SHARE)
            splitter.setSizes([first, total - first])

    # --- what subclasses provide ------------------------------------------------------------------
    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def build_filters(self, row: QHBoxLayout) -> None:
        """Add the filter widgets to ``row`` (call ``self.changes_now`` / ``self.changes_later``)."""

    def build_actions(self) -> None:
        """Add the tab's actions with ``self.add_action``."""

    def load(self, session: Session, filters: dict[str, Any]) -> list[Any]:
        raise NotImplementedError

    def filters(self) -> dict[str, Any]:
        return {}

    def filter_label(self) -> str:
        """The filters in words (for the export)."""
        return "全部"

    def summary(self, rows: list[Any]) -> str:
        return f"共 {len(rows):,} 条"

    def extra_loaded(self, extra: Any) -> None:
        """What ``load`` read besides the rows (it returned ``(rows, extra)``)."""

    def side_panel(self) -> QWidget | None:
        return None

    def selected(self) -> None:
        """The selection changed (the panel follows)."""

    def open_current(self) -> None:
        """Enter or a double click on a row."""

    def colour(self, _row: Any) -> str | None:
        return None

    def tip(self, _row: Any) -> str | None:
        return None

    def key(self, row: Any) -> object:
        return row.id

    def update_actions(self) -> None:
        """Enable the actions for the selected row."""

    # --- building helpers -----------------------------------------------------------------------
    def add_action(self, text: str, slot: Callable[[], Any], shortcut: str, tip: str, *, edit: bool = False,
                   separator: bool = False) -> QAction:
        act = screen_action(self, text, slot, shortcut, tip)
        if separator:
            self.toolbar.addSeparator()
        self.toolbar.addAction(act)
        if edit:
            self.edit_actions.append(act)
        return act

    def combo(self, name: str, label: str, items: Sequence[tuple[str, object]], row: QHBoxLayout) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setAccessibleName(label)
        for text, value in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(lambda _i: self.apply_now())
        row.addWidget(QLabel(f"{label}："))
        row.addWidget(box)
        return box

    def search_box(self, placeholder: str, row: QHBoxLayout) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{self.NAME}Search")
        edit.setClearButtonEnabled(True)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(placeholder)
        edit.textChanged.connect(self._debounce.start)
        edit.returnPressed.connect(self.apply_now)
        row.addWidget(edit, 1)
        return edit

    # --- loading --------------------------------------------------------------------------------
    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def apply_now(self) -> None:
        self._debounce.stop()
        if self._started:
            self.reload()

    @property
    def settled(self) -> bool:
        """No query running or waiting (tests wait for this)."""
        return self.ops.idle and not self._debounce.isActive()

    def reload(self) -> None:
        self._debounce.stop()
        self._request += 1
        request = self._request
        if self._select_after is None:
            self._select_after = self.current_key()
        filters = self.filters()
        self.count.setText("正在读取…")
        self.ops.query(lambda session: self.load(session, filters), success=partial(self._loaded, request),
                       failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("读取失败。")
        ops_module.show_error(self, exc)

    def _loaded(self, request: int, result: Any) -> None:
        if request != self._request:
            return  # the filter changed meanwhile
        rows = result
        if isinstance(result, tuple):  # (rows, what else the tab read with them)
            rows, extra = result
            self.extra_loaded(extra)
        keep, self._select_after = self._select_after, None
        self.model.set_rows(list(rows))
        self.count.setText(self.summary(self.model.rows))
        self.set_status(self.count.text())
        row = self.model.row_of(keep)
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
        self._selection_changed()

    def set_status(self, text: str) -> None:
        self._status = text
        self.statusChanged.emit(text)

    def _on_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    # --- selection ------------------------------------------------------------------------------
    def current(self) -> Any | None:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def current_key(self) -> object | None:
        row = self.current()
        return self.key(row) if row is not None else None

    def select_key(self, key: object) -> None:
        """Select this row once the list has (re)loaded."""
        self._select_after = key
        row = self.model.row_of(key)
        if row is not None:
            self.table.select_row(row)

    def _selection_changed(self) -> None:
        self.selected()
        self.update_actions()

    # --- the selected row's detail (read on the worker) ------------------------------------------
    detail: Any = None
    _detail_request = 0

    def load_detail(self, read: Callable[[Session], Any], show: Callable[[Any], None]) -> None:
        """``read(session)`` on the worker, then ``show(detail)`` unless the selection moved on."""
        self._detail_request += 1
        request = self._detail_request

        def shown(detail: Any) -> None:
            if request == self._detail_request:
                show(detail)

        self.ops.query(read, success=shown, failure=lambda exc: ops_module.show_error(self, exc), parent=self)

    def forget_detail(self) -> None:
        self._detail_request += 1
        self.detail = None

    def detail_id(self, detail: Any) -> object:
        return detail.row.id

    def current_detail(self) -> Any | None:
        """The selected row's detail once it has been read (the actions work on it)."""
        row = self.current()
        detail = self.detail
        return detail if detail is not None and row is not None and self.detail_id(detail) == self.key(row) else None

    def dialog_on_detail(self, act: QAction, module: str, name: str) -> QDialog | None:
        """Dialog ``name`` of ``chang_shan.ui.governance.<module>`` on the selected row's detail,
        when the action allows it."""
        import importlib

        detail = self.current_detail()
        if not self.can_edit or detail is None or not act.isEnabled():
            return None
        dialogs = importlib.import_module(f"chang_shan.ui.governance.{module}")
        return self.open_dialog(getattr(dialogs, name)(self.ops.db, detail, parent=self))

    # --- dialogs and prints ---------------------------------------------------------------------
    def open_dialog(self, dialog: QDialog, *, then: Callable[[QDialog], None] | None = None) -> QDialog | None:
        """Window-modal; when saved, the list reloads with the saved row (``saved_key``) selected."""
        if self.dialog is not None:
            self.dialog.raise_()
            return None

        def saved(done: QDialog) -> None:
            key = getattr(done, "saved_key", None)
            self._select_after = key if key is not None else self.current_key()
            self.ops.notify_changed(done.windowTitle())
            message = getattr(done, "done_message", "")
            if message:
                self.set_status(message)
            if then is not None:
                then(done)

        return open_window_modal(self, dialog, saved)

    def open_report(self, report: str, options: dict[str, Any]) -> Any:
        """The reports dialog preset to ``report`` with ``options`` (previewed at once)."""
        from chang_shan.ui.reports.dialog import open_reports

        return open_reports(self, self.ops, report, options)

    def export(self) -> Any:
        return export_rows(self.ops, self, self.TITLE, self.filter_label(), self.model, self.set_status)
