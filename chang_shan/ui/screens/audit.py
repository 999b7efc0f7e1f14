"""审计记录 (administrators): the audit trail, newest first, filtered by resident, record, user,
dates and kind, fetched a page at a time as the table scrolls; a double-click shows one entry
whole; 导出 writes the filtered trail to XLSX or CSV (the export is itself audited).

All reading and masking is ``chang_shan.audit.trail``'s; this screen only asks and shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms import DateField

if TYPE_CHECKING:
    from chang_shan.audit.trail import AuditRow
    from chang_shan.ui.ops import Operations

PAGE = 200
COLUMNS = ("时间", "用户", "类别", "操作", "居民", "内容")
# The record filter: which table, then its number (编号).
RECORD_TABLES = (("resident", "居民"), ("household", "住户"), ("grid", "网格"), ("building", "楼栋"),
                 ("unit", "单元"), ("organisation", "驻区单位"), ("role_assignment", "任职"))
MAX_MATCHES = 30
WARNING_COLOUR = QColor("#b3261e")  # failed logins and lockouts stand out


@dataclass
class AuditFilter:
    """What the filter bar asks for (the keyword arguments of ``trail.list_entries``)."""

    resident_id: int | None = None
    record: tuple[str, int] | None = None
    user_name: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    kinds: list[str] | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"resident_id": self.resident_id, "record": self.record, "user_name": self.user_name,
                "date_from": self.date_from, "date_to": self.date_to, "kinds": self.kinds}


@dataclass(frozen=True)
class Person:
    id: int
    label: str  # 张立春（3号楼1单元101）


def find_people(session: Any, text: str) -> list[Person]:
    """Residents matching ``text`` (name, pinyin or ID digits) for the person filter."""
    from chang_shan.population import residents, search

    people = []
    for resident_id in search.search_ids(session, text)[:MAX_MATCHES]:
        detail = residents.resident_detail(session, resident_id)
        where = detail.address or "地址未知"
        state = "" if detail.status == residents.ACTIVE else f"，{detail.status}"
        people.append(Person(resident_id, f"{detail.name}（{where}{state}）"))
    return people


def _when(row: AuditRow) -> str:
    return f"{row.at:%Y-%m-%d %H:%M}"


class AuditTableModel(QAbstractTableModel):
    """The rows of the current filter, fetched a page at a time on the worker (``runner``)."""

    loaded = Signal(int)  # the total number of entries of the filter

    def __init__(self, runner: Callable[[Callable[[Any], Any], Callable[[Any], None]], None],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._run = runner
        self.rows: list[AuditRow] = []
        self.total = 0
        self.filter = AuditFilter()
        self._generation = 0
        self._fetching = False

    # --- loading --------------------------------------------------------------------------------
    def reload(self, filt: AuditFilter) -> None:
        from chang_shan.audit import trail

        self._generation += 1
        generation = self._generation
        self.filter = filt
        self._fetching = True
        kwargs = filt.kwargs()

        def first(session):  # noqa: ANN001, ANN202
            return trail.count_entries(session, **kwargs), trail.list_entries(session, limit=PAGE, offset=0, **kwargs)

        self._run(first, lambda result: self._first(generation, result))

    def _first(self, generation: int, result: tuple[int, list[AuditRow]]) -> None:
        if generation != self._generation:
            return  # a newer filter was asked for meanwhile
        self.beginResetModel()
        self.total, self.rows = result
        self.endResetModel()
        self._fetching = False
        self.loaded.emit(self.total)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._fetching and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        from chang_shan.audit import trail

        self._fetching = True
        generation, offset, kwargs = self._generation, len(self.rows), self.filter.kwargs()
        self._run(lambda s: trail.list_entries(s, limit=PAGE, offset=offset, **kwargs),
                  lambda page: self._more(generation, offset, page))

    def _more(self, generation: int, offset: int, page: list[AuditRow]) -> None:
        if generation != self._generation or offset != len(self.rows):
            return
        self._fetching = False
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        else:
            self.total = len(self.rows)  # fewer than counted (entries cannot vanish, but be safe)

    # --- the table ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (3, 5):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.kind in ("login_failed", "lockout"):
            return WARNING_COLOUR
        return None

    @staticmethod
    def _text(row: AuditRow, column: int) -> str:
        if column == 0:
            return _when(row)
        if column == 1:
            return row.user
        if column == 2:
            return row.kind_label + ("（已撤销）" if row.undone else "")
        if column == 3:
            return row.action
        if column == 4:
            return row.resident_name
        return row.summary.replace("\n", " ")

    def entry(self, row: int) -> AuditRow:
        return self.rows[row]


class AuditScreen(QWidget):
    title = "审计记录"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._started = False
        self._people: list[Person] = []
        self._looked_up = ""

        heading = QLabel("审计记录")
        heading.setObjectName("panelTitle")
        explain = QLabel("谁在什么时候改了什么、查看了谁的完整号码、导出了什么。记录只能追加，不能修改或删除。")
        explain.setStyleSheet("color: #555555;")
        explain.setWordWrap(True)

        # --- the filters ---
        self.person_edit = QLineEdit()
        self.person_edit.setObjectName("person")
        self.person_edit.setPlaceholderText("居民姓名、拼音或身份证号")
        self.person_edit.setClearButtonEnabled(True)
        self.person_edit.returnPressed.connect(self.apply)
        self.person_edit.textEdited.connect(self._person_edited)
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("personMatches")
        self.person_combo.hide()
        self.person_combo.activated.connect(lambda _i: self.apply())
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("user")
        self.user_combo.addItem("全部用户", None)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind")
        self._fill_kinds()
        self.date_from = DateField(allow_empty=True, empty_text="不限", popup_year=date.today().year)
        self.date_from.setObjectName("dateFrom")
        self.date_to = DateField(allow_empty=True, empty_text="不限", popup_year=date.today().year)
        self.date_to.setObjectName("dateTo")
        self.record_table = QComboBox()
        self.record_table.setObjectName("recordTable")
        for table, label in RECORD_TABLES:
            self.record_table.addItem(label, table)
        self.record_id = QLineEdit()
        self.record_id.setObjectName("recordId")
        self.record_id.setPlaceholderText("编号")
        self.record_id.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 12)
        self.record_id.returnPressed.connect(self.apply)
        metrics = self.fontMetrics()
        for date_field in (self.date_from, self.date_to):  # room for 2025-03-01 and the arrow
            date_field.setMinimumWidth(metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中"))
        self.record_table.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.user_combo.setMinimumContentsLength(10)
        self.apply_button = QPushButton("查询")
        self.apply_button.setObjectName("applyButton")
        self.apply_button.clicked.connect(self.apply)
        self.clear_button = QPushButton("清除条件")
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button = QPushButton("导出…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip("把当前条件下的全部记录导出为 Excel（.xlsx）或 CSV 文件")
        self.export_button.clicked.connect(self.export)
        for combo in (self.user_combo, self.kind_combo):
            combo.activated.connect(lambda _i: self.apply())
        for date_field in (self.date_from, self.date_to):
            date_field.editingFinished.connect(self.apply)

        def label(text: str) -> QLabel:
            widget = QLabel(text)
            widget.setContentsMargins(8, 0, 0, 0)
            return widget

        first = QHBoxLayout()
        first.addWidget(QLabel("居民："))
        first.addWidget(self.person_edit, 2)
        first.addWidget(self.person_combo, 3)
        first.addWidget(label("用户："))
        first.addWidget(self.user_combo)
        first.addWidget(label("类别："))
        first.addWidget(self.kind_combo)
        second = QHBoxLayout()
        second.addWidget(QLabel("日期："))
        second.addWidget(self.date_from)
        second.addWidget(QLabel("至"))
        second.addWidget(self.date_to)
        second.addWidget(label("记录："))
        second.addWidget(self.record_table)
        second.addWidget(self.record_id)
        second.addSpacing(12)
        second.addWidget(self.apply_button)
        second.addWidget(self.clear_button)
        second.addStretch(1)
        second.addWidget(self.export_button)
        bar = QVBoxLayout()
        bar.setSpacing(6)
        bar.addLayout(first)
        bar.addLayout(second)

        # --- the table ---
        self.model = AuditTableModel(self._run_query, self)
        self.model.loaded.connect(self._loaded)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.6))
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("中")
        digits = self.fontMetrics().horizontalAdvance("2025-03-01 09:30")
        self.table.setColumnWidth(0, digits + em)
        for column, width in enumerate((6, 10, 15, 5), start=1):  # 类别: 修改数据（已撤销） in full
            self.table.setColumnWidth(column, int(width * em))
        header.setStretchLastSection(True)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.show_entry(index.row()))
        self.count_label = QLabel("")
        self.count_label.setObjectName("count")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _fill_kinds(self) -> None:
        from chang_shan.audit.trail import KIND_LABELS, UNDO_LABEL

        self.kind_combo.addItem("全部类别", None)
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, [kind])
            if kind == "change":
                self.kind_combo.addItem(UNDO_LABEL, ["undo"])

    def _run_query(self, job: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        self.ops.query(job, success=done, parent=self)

    # --- start ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            self._emit_status()
            return
        self._started = True
        from chang_shan.audit import trail

        self.ops.query(trail.user_names, success=self._set_users, parent=self)
        self.apply()

    def refresh(self) -> None:
        self.apply()

    def _set_users(self, names: list[str]) -> None:
        current = self.user_combo.currentData()
        self.user_combo.clear()
        self.user_combo.addItem("全部用户", None)
        for name in names:
            self.user_combo.addItem(name, name)
        if current is not None:
            self.user_combo.setCurrentIndex(max(0, self.user_combo.findData(current)))

    # --- filters --------------------------------------------------------------------------------
    def _person_edited(self, _text: str) -> None:
        self._people = []
        self._looked_up = ""
        self.person_combo.clear()
        self.person_combo.hide()

    def current_filter(self) -> AuditFilter | None:
        """The filter bar as ``trail`` arguments; None while the person is still being looked up."""
        filt = AuditFilter(user_name=self.user_combo.currentData(), kinds=self.kind_combo.currentData(),
                           date_from=self.date_from.value(), date_to=self.date_to.value())
        text = self.person_edit.text().strip()
        if text:
            if self._looked_up != text:
                return None
            filt.resident_id = self.person_combo.currentData() if self._people else -1  # -1: nobody matched
        number = self.record_id.text().strip()
        if number:
            filt.record = (self.record_table.currentData(), int(number) if number.isdigit() else -1)
        return filt

    def apply(self) -> None:
        text = self.person_edit.text().strip()
        if text and self._looked_up != text:
            self.ops.query(lambda s: find_people(s, text), success=lambda people: self._people_found(text, people),
                           parent=self)
            return
        filt = self.current_filter()
        if filt is not None:
            self.count_label.setText("正在查询…")
            self.model.reload(filt)

    def _people_found(self, text: str, people: list[Person]) -> None:
        if self.person_edit.text().strip() != text:
            return  # typed on meanwhile
        self._looked_up = text
        self._people = people
        self.person_combo.clear()
        for person in people:
            self.person_combo.addItem(person.label, person.id)
        if len(people) > 1:
            self.person_combo.setToolTip(f"有 {len(people)} 位居民符合“{text}”，请选择")
        self.person_combo.setVisible(bool(people))
        self.apply()

    def clear_filters(self) -> None:
        self.person_edit.clear()
        self._person_edited("")
        self.user_combo.setCurrentIndex(0)
        self.kind_combo.setCurrentIndex(0)
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        self.record_id.clear()
        self.apply()

    def _loaded(self, total: int) -> None:
        person = self.person_edit.text().strip()
        if person and not self._people:
            self.count_label.setText(f"没有找到与“{person}”相符的居民。")
        else:
            self.count_label.setText(f"共 {total:,} 条记录（最新的在前；双击一条查看详情）")
        self.table.scrollToTop()
        self._emit_status()

    def _emit_status(self) -> None:
        self.statusChanged.emit(f"审计记录：共 {self.model.total:,} 条")

    # --- one entry ------------------------------------------------------------------------------
    def show_entry(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            dialog = AuditEntryDialog(self.model.entry(row), self)
            dialog.exec()
            dialog.deleteLater()

    # --- export ---------------------------------------------------------------------------------
    def export(self) -> None:
        filt = self.current_filter()
        if filt is None:  # the person is not looked up yet: look up, then ask again
            self.apply()
            return
        path = choose_export_path(self, f"审计记录-{date.today():%Y%m%d}.xlsx")
        if not path:
            return
        from chang_shan.audit import trail
        from chang_shan.ui.progress_dialog import run_with_progress

        db, kwargs = self.ops.db, filt.kwargs()

        def work(_progress):  # noqa: ANN001, ANN202
            with db.transaction("导出审计记录") as session:
                return trail.export_entries(session, path, **kwargs)

        def done(written: int) -> None:
            self.statusChanged.emit(f"已导出 {written:,} 条审计记录到 {path}")
            ops_module.message_box(self, "information", "导出完成", f"已导出 {written:,} 条审计记录：\n{path}", "")
            self.apply()  # the export itself is now in the trail

        dialog = run_with_progress(self.ops, self, "正在导出审计记录…", work, success=done)
        dialog.setCancelButton(None)  # the export is one transaction: it finishes or fails whole


def _choose_export_path(parent: QWidget, suggested: str) -> str:
    path, chosen = QFileDialog.getSaveFileName(
        parent, "导出审计记录", str(Path.home() / suggested), "Excel 文件 (*.xlsx);;CSV 文件（UTF-8）(*.csv)",
    )
    if path and not Path(path).suffix:
        path += ".csv" if "csv" in chosen.lower() else ".xlsx"
    return path


# Replaced in tests (a file dialog would block an offscreen run).
choose_export_path: Callable[[QWidget, str], str] = _choose_export_path


class AuditEntryDialog(QDialog):
    """One entry whole: when, who, what, and every field with its old and new value."""

    def __init__(self, row: AuditRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"审计记录 #{row.id}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        kind = row.kind_label + ("（已被撤销）" if row.undone else "")
        if row.undoes_id is not None:
            kind += f"（撤销的是 #{row.undoes_id}）"
        person = f"{row.resident_name}（#{row.resident_id}）" if row.resident_id is not None else "（无）"
        self.values = {"编号": str(row.id), "时间": f"{row.at:%Y-%m-%d %H:%M:%S}", "用户": row.user or "（无）",
                       "类别": kind, "操作": row.action, "居民": person}
        for label, value in self.values.items():
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            form.addRow(f"{label}：", text)
        layout.addLayout(form)
        layout.addWidget(QLabel("内容："))
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setReadOnly(True)
        self.summary.setPlainText(row.summary.replace("；", "\n") or "（无）")
        layout.addWidget(self.summary, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("中")
        self.resize(40 * em, 26 * em)
