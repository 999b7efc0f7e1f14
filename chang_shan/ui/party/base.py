"""What the tabs of the 党建与志愿者 screen share.

- Lists use the governance screen's ``Column``/``ColumnsModel`` (``ui/governance/table.py``) and
  its 导出… of the rows on view (``ui/governance/export.py``): the same model, the same file.
- ``ListTab``: a tab that loads when first shown (``LoadsWhenShown``), reads its rows on the
  worker (``load(session)``; answers to older queries are dropped), keeps the selected record
  across reloads, reloads after any saved change (``ops.changed``), says what it shows in the
  status line, and has a toolbar whose write actions only users with 修改台账 see.
- ``RecordDialog``: a ``FormDialog`` whose save runs ``perform(session)`` in one journaled action
  (编辑 → 撤销 takes it back); the services' ``ValidationError`` messages appear under the fields
  named like the service's fields.
- ``open_print``: a print opens the reports dialog on that report with its options chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.forms.form_dialog import FormDialog
from chang_shan.ui.forms.fields import ValidatedForm
from chang_shan.ui.governance.table import Column, ColumnsModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.screen_actions import screen_action

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.ui.ops import Operations

DEBOUNCE_MS = 150
GREY = "#6b6b6b"
RED = "#b3261e"
GREEN = "#2e6b30"


def today() -> date:
    """The day the screen works on (replaced in tests that need a fixed day)."""
    return date.today()


def make_table(model: ColumnsModel, name: str, accessible: str, *, stretch: int | None = None,
               multi: bool = False) -> ResidentTableView:
    """The list view: whole rows, Enter or double-click opens, widths from the samples."""
    table = ResidentTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSortingEnabled(False)
    table.setModel(model)
    if multi:
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    metrics = table.fontMetrics()
    pad = metrics.horizontalAdvance("中") * 1.2
    header = table.horizontalHeader()
    for number, column in enumerate(model.columns):
        sample = column.sample or column.title
        header.resizeSection(number, int(metrics.horizontalAdvance(sample) + pad))
    if stretch is not None:
        header.setSectionResizeMode(stretch, header.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.4))
    return table


def combo(name: str, accessible: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    for text, value in items:
        box.addItem(text, value)
    return box


def year_box(name: str, *, first: int = 2000) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(first, today().year + 1)
    box.setValue(today().year)
    box.setSuffix(" 年")
    box.setAccessibleName("年度")
    return box


def fill_combo(box: QComboBox, first: tuple[str, Any] | None, items: Sequence[tuple[Any, str]]) -> None:
    """Refill ``box`` with (value, text) ``items`` (after ``first``), keeping the chosen value."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    if first is not None:
        box.addItem(*first)
    for value, text in items:
        box.addItem(text, value)
    index = box.findData(current)
    box.setCurrentIndex(max(index, 0))
    box.blockSignals(False)


def open_print(owner: QWidget, ops: Operations, report: str, options: dict[str, Any]) -> Any:
    """The reports dialog on ``report`` with ``options`` chosen, previewed at once (audited there)."""
    from chang_shan.ui.reports.dialog import open_reports

    return open_reports(owner, ops, report, {k: v for k, v in options.items() if v is not None})


class ListTab(LoadsWhenShown, QWidget):
    """A list of records with filters above, a toolbar and (optionally) a detail below.

    Subclasses set ``title``, ``columns`` and implement ``load(session)`` (on the worker; the
    filters are read before, on the GUI thread, by ``filters()``), ``summary(rows)``."""

    statusChanged = Signal(str)
    title = ""
    exportable = True
    multi = False
    stretch: int | None = None

    def __init__(self, ops: Operations, columns: Sequence[Column], parent: QWidget | None = None, *,
                 colour: Callable[[Any], str | None] | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self._request = 0
        self._keep: Any = None
        self._status = ""
        self.dialog: QDialog | None = None
        self.model = ColumnsModel(columns, colour=colour, parent=self)
        self.table = make_table(self.model, type(self).__name__, self.title, stretch=self.stretch, multi=self.multi)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.table.openRequested.connect(lambda _row: self.open_selected())
        self.count = QLabel("")
        self.count.setObjectName("count")
        self.filter_row = QHBoxLayout()
        self.toolbar = QToolBar()
        self.toolbar.setObjectName(f"{type(self).__name__}Actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.edit_actions: list[QAction] = []
        self.filter_widgets: list[QWidget] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_now)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 6, 0, 0)
        ops.changed.connect(self._on_data_changed)

    # --- building ---------------------------------------------------------------------------------
    def action(self, text: str, slot: Callable[[], Any], shortcut: str, tip: str, *, write: bool = True) -> QAction:
        act = screen_action(self, text, slot, shortcut, tip)
        if write:
            self.edit_actions.append(act)
            act.setVisible(self.can_edit)
            act.setEnabled(self.can_edit)
        return act

    def add_actions(self, *groups: Sequence[QAction]) -> None:
        """The toolbar: groups separated; 导出… last (when the list has an export)."""
        for number, group in enumerate(groups):
            if number and group:
                self.toolbar.addSeparator()
            self.toolbar.addActions(list(group))
        if self.exportable:
            self.export_action = export_action(self, self.ops, self.export_view, f"列表中的{self.title}")
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.export_action)

    def search_box(self, name: str, placeholder: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(name)
        box.setClearButtonEnabled(True)
        box.setPlaceholderText(placeholder)
        box.setAccessibleName(placeholder)
        box.textChanged.connect(self._debounce.start)
        box.returnPressed.connect(self._apply_now)
        self.filter_widgets.append(box)
        return box

    def watch(self, *widgets: QWidget) -> None:
        """Combos, check boxes and spin boxes that re-run the list at once."""
        for widget in widgets:
            self.filter_widgets.append(widget)
            for signal in ("currentIndexChanged", "toggled", "valueChanged", "dateChanged"):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(lambda *_a: self._apply_now())
                    break

    def finish_layout(self, detail: QWidget | None = None) -> None:
        self.filter_row.addWidget(self.count)
        self.layout_.addLayout(self.filter_row)
        self.layout_.addWidget(self.toolbar)
        if detail is None:
            self.layout_.addWidget(self.table, 1)
        else:
            from PySide6.QtWidgets import QSplitter

            splitter = QSplitter(Qt.Orientation.Vertical)
            splitter.addWidget(self.table)
            splitter.addWidget(detail)
            splitter.setChildrenCollapsible(False)
            line = self.fontMetrics().height()
            splitter.setSizes([20 * line, 12 * line])
            self.layout_.addWidget(splitter, 1)
        self.update_actions()

    # --- loading ----------------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        return {}

    def load(self, session: Session, **filters: Any) -> list[Any]:
        raise NotImplementedError

    def summary(self, rows: list[Any]) -> str:
        return f"共 {len(rows):,} 条"

    def _apply_now(self) -> None:
        self._debounce.stop()
        if self._started:
            self.reload()

    def reload(self) -> None:
        self._debounce.stop()
        self._request += 1
        request = self._request
        if self._keep is None:
            self._keep = self.current_id()
        filters = self.filters()
        self.count.setText("正在读取…")
        self.ops.query(lambda session: self.load(session, **filters), success=partial(self._loaded, request),
                       failure=partial(self._failed, request), parent=self)

    def _failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self.count.setText("读取失败。")
            ops_module.show_error(self, exc)

    def _loaded(self, request: int, rows: list[Any]) -> None:
        if request != self._request:
            return
        keep, self._keep = self._keep, None
        self.model.set_rows(list(rows))
        self.count.setText(self.summary(self.model.rows))
        self._status = f"{self.title}：{self.count.text()}"
        self.statusChanged.emit(self._status)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
        self._selection_changed()

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    @property
    def loading(self) -> bool:
        return self._debounce.isActive() or not self.ops.idle

    # --- selection --------------------------------------------------------------------------------
    def current(self) -> Any:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def current_id(self) -> Any:
        row = self.current()
        return getattr(row, "id", None) if row is not None else None

    def selected_rows(self) -> list[Any]:
        picked = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in picked if r < len(self.model.rows)]

    def select_id(self, record_id: Any) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.table.select_row(row)
        return True

    def _selection_changed(self) -> None:
        self.show_detail(self.current())
        self.update_actions()

    def show_detail(self, row: Any) -> None:
        """The detail below the list follows the selection (subclasses with a detail)."""

    def update_actions(self) -> None:
        """Enable what the selection allows (subclasses)."""

    def open_selected(self) -> Any:
        """Enter or a double-click on a row (subclasses)."""
        return None

    # --- writing ----------------------------------------------------------------------------------
    def open_dialog(self, dialog: QDialog) -> QDialog:
        """``dialog`` window-modal; once saved the lists reload, the saved record selected."""
        def saved(done: QDialog) -> None:
            self._keep = getattr(done, "saved_id", None) or self.current_id()
            self.ops.notify_changed(done.windowTitle())

        return open_window_modal(self, dialog, saved)

    def may_open(self) -> bool:
        return self.can_edit and self.dialog is None

    def change(self, action: str, fn: Callable[[Session], Any], done: Callable[[Any], None] | None = None) -> None:
        """One write on the worker (undoable as ``action``); the lists reload after it."""
        def success(result: Any) -> None:
            self.statusChanged.emit(f"{self.title}：已{action}")
            if done is not None:
                done(result)

        self.ops.change(action, fn, success=success, parent=self)

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): the rows on view, as shown, with the filters in words."""
        if not self.exportable:
            return None
        from chang_shan.ui.governance.export import export_rows

        return export_rows(self.ops, self, self.title, self.filter_label(), self.model, self._export_done)

    def filter_label(self) -> str:
        """The filters in words for the file's title and the audit entry (a search only as "按查找条件",
        it may be part of a phone number)."""
        parts: list[str] = []
        for widget in self.filter_widgets:
            if isinstance(widget, QLineEdit):
                if widget.text().strip():
                    parts.append("按查找条件")
            elif hasattr(widget, "isChecked"):
                if widget.isChecked():
                    parts.append(widget.text())
            elif hasattr(widget, "currentText"):
                parts.append(widget.currentText().strip())
            elif hasattr(widget, "text"):
                parts.append(widget.text())
        return "，".join(p for p in parts if p) or "全部"

    def _export_done(self, line: str) -> None:
        self._status = line
        self.statusChanged.emit(line)


class RecordDialog(FormDialog):
    """A form whose save runs ``perform(session)`` as the one journaled action ``action``.

    ``perform`` may name the action once it knows who it is about (``self.action = "新增党员 张三"``):
    the running transaction's journal entry takes that name (编辑 → 撤销 and the audit show it)."""

    def __init__(self, db: Database, *, title: str, save_text: str = "保存", columns: int = 1,
                 parent: QWidget | None = None) -> None:
        self._session: Session | None = None
        self._action = title
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.form_ = self.use_form(ValidatedForm(columns=columns, parent=self))
        self.body.addWidget(self.form_)
        self._initial: Any = None
        self.setMinimumWidth(520)

    @property
    def action(self) -> str:
        return self._action

    @action.setter
    def action(self, value: str) -> None:
        from chang_shan.db import journal

        self._action = value
        if self._session is not None:  # named during the write: before anything is flushed
            journal.begin(self._session, value, user_name=getattr(self.db.actor, "username", "") or "")

    def snapshot(self) -> Any:
        """What the user typed (compared with the start to ask before throwing it away)."""
        return None

    def remember(self) -> None:
        self._initial = self.snapshot()

    def is_dirty(self) -> bool:
        return self.snapshot() != self._initial

    def required(self) -> dict[str, str]:
        """Messages for what must be chosen before the service can even be asked."""
        return {}

    def collect_errors(self) -> dict[str, str]:
        return self.required()

    def perform(self, session: Session) -> int | None:
        raise NotImplementedError

    def write(self) -> int | None:
        with self.db.transaction(self.action) as session:
            self._session = session
            try:
                return self.perform(session)
            finally:
                self._session = None
