"""“八零”指标: the eight zero targets (rows) over several years (columns, the latest on the right):
each cell the count with its source — green when met (0), red when not, grey when nothing is
entered; a figure the program counted from its own records is marked 〔统计〕 with where it comes
from (调解记录, 居民就业状况). Editors get 填报 (Ctrl+N: the selected cell's indicator and year,
with the source); everyone prints the table (Ctrl+P) and exports it (Ctrl+Shift+E)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.indicators import EIGHT_ZEROS
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.governance.export import export_rows
from chang_shan.ui.governance.table import Column, ColumnsModel
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.screen_actions import screen_action

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.indicators.shapes import IndicatorValue
    from chang_shan.ui.ops import Operations

YEARS = 3
MET_BG, MET_FG = "#e3f4e4", "#1e5b20"
NOT_MET_BG, NOT_MET_FG = "#fbe3e1", "#9b1c14"
EMPTY_BG, EMPTY_FG = "#f2f2f2", "#6b6b6b"
DERIVED_MARK = "〔统计〕"
KEY_ROLE = Qt.ItemDataRole.UserRole


def cell_text(value: IndicatorValue) -> str:
    if value.count is None:
        return "未填报"
    verdict = "达标" if value.met else "未达标"
    mark = DERIVED_MARK if value.derived else ""
    return f"{value.count}　{verdict}\n{mark}{value.source}"


def cell_colours(value: IndicatorValue) -> tuple[str, str]:
    if value.met is None:
        return EMPTY_BG, EMPTY_FG
    return (MET_BG, MET_FG) if value.met else (NOT_MET_BG, NOT_MET_FG)


class EightZeroTab(LoadsWhenShown, QWidget):
    statusChanged = Signal(str)
    TITLE = "“八零”指标"

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self.dialog: Any = None
        self.data: dict[int, list[IndicatorValue]] = {}
        self._request = 0
        self._status = ""
        self.last_year = QSpinBox()
        self.last_year.setObjectName("lastYear")
        self.last_year.setRange(2000, date.today().year)
        self.last_year.setValue(date.today().year)
        self.last_year.setSuffix(" 年")
        self.last_year.setAccessibleName("截至年份")
        self.last_year.valueChanged.connect(lambda _v: self.reload() if self._started else None)
        self.span = QSpinBox()
        self.span.setObjectName("yearSpan")
        self.span.setRange(1, 6)
        self.span.setValue(YEARS)
        self.span.setSuffix(" 年")
        self.span.valueChanged.connect(lambda _v: self.reload() if self._started else None)
        self.legend = QLabel(
            f"<span style='background:{MET_BG};color:{MET_FG}'>&nbsp;达标（0）&nbsp;</span>　"
            f"<span style='background:{NOT_MET_BG};color:{NOT_MET_FG}'>&nbsp;未达标&nbsp;</span>　"
            f"<span style='background:{EMPTY_BG};color:{EMPTY_FG}'>&nbsp;未填报&nbsp;</span>　"
            f"{DERIVED_MARK} 由系统记录统计")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("截至："))
        filters.addWidget(self.last_year)
        filters.addWidget(QLabel("共："))
        filters.addWidget(self.span)
        filters.addSpacing(16)
        filters.addWidget(self.legend)
        filters.addStretch(1)
        self.count = QLabel("")
        self.count.setObjectName("count")
        filters.addWidget(self.count)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("eightZeroActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.enter_action = screen_action(self, "填报", self.enter, "Ctrl+N", "填报选中指标这一年的数字和数据来源")
        self.enter_action.setVisible(self.can_edit)
        self.print_action = screen_action(self, "打印", self.print_table, "Ctrl+P", "打印“八零”指标统计表")
        self.export_action = export_action(self, ops, self.export, "“八零”指标表")
        self.toolbar.addAction(self.enter_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.print_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)

        self.table = QTableWidget(len(EIGHT_ZEROS), 0)
        self.table.setObjectName("eightZero")
        self.table.setAccessibleName("“八零”指标")
        self.table.setVerticalHeaderLabels(list(EIGHT_ZEROS.values()))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # No selection colour: it would hide the cell's green or red. The chosen cell is framed
        # and its full text (the source may be long) is written under the table.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setStyleSheet("QTableWidget { gridline-color: #c8c8c8; }")
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 3.2))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemDoubleClicked.connect(lambda _item: self.enter())
        self.table.currentCellChanged.connect(lambda *_a: self._update_actions())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)
        self.cell_note = QLabel("")
        self.cell_note.setObjectName("cellNote")
        self.cell_note.setWordWrap(True)
        layout.addWidget(self.cell_note)
        ops.changed.connect(lambda _a: self.reload() if self._started else None)
        self._update_actions()

    # --- loading --------------------------------------------------------------------------------
    def years(self) -> list[int]:
        last = self.last_year.value()
        return list(range(last - self.span.value() + 1, last + 1))

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    @property
    def settled(self) -> bool:
        return self.ops.idle

    def reload(self) -> None:
        self._request += 1
        request = self._request
        years = self.years()

        def load(session: Session) -> dict[int, list[IndicatorValue]]:
            from chang_shan.indicators import indicators

            return indicators.dashboard(session, years)

        def shown(data: dict[int, list[IndicatorValue]]) -> None:
            if request == self._request:
                self.show_data(data)

        self.count.setText("正在读取…")
        self.ops.query(load, success=shown, failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("读取失败。")
        ops_module.show_error(self, exc)

    def show_data(self, data: dict[int, list[IndicatorValue]]) -> None:
        keep = (self.table.currentRow(), self.table.currentColumn())
        self.data = data
        years = sorted(data)
        self.table.setColumnCount(len(years))
        self.table.setHorizontalHeaderLabels([f"{y} 年" for y in years])
        for column, year in enumerate(years):
            for row, value in enumerate(data[year]):
                item = QTableWidgetItem(cell_text(value))
                background, foreground = cell_colours(value)
                item.setBackground(QBrush(QColor(background)))
                item.setForeground(QBrush(QColor(foreground)))
                item.setData(KEY_ROLE, (value.key, year))
                tip = [f"{value.name}（{year} 年）：" + ("未填报" if value.count is None else f"{value.count}")]
                tip.append(f"来源：{value.source}")
                if value.derived:
                    tip.append("由系统记录统计" + (f"，另填报 {value.entered}" if value.entered is not None else ""))
                if value.entered_by:
                    tip.append(f"填报：{value.entered_by} {value.entered_on or ''}")
                if value.note:
                    tip.append(f"备注：{value.note}")
                item.setToolTip("\n".join(tip))
                self.table.setItem(row, column, item)
        if years:
            latest = data[years[-1]]
            met = sum(1 for v in latest if v.met)
            missing = sum(1 for v in latest if v.count is None)
            text = f"{years[-1]} 年：达标 {met} 项，未达标 {len(latest) - met - missing} 项" + (
                f"，未填报 {missing} 项" if missing else "")
        else:
            text = ""
        self.count.setText(text)
        self._status = f"{self.TITLE}：{text}"
        self.statusChanged.emit(self._status)
        row, column = keep
        if row < 0 or column < 0:
            row, column = 0, len(years) - 1
        self.table.setCurrentCell(row, min(column, len(years) - 1))
        self._update_actions()

    # --- selection and actions ------------------------------------------------------------------
    def current_value(self) -> IndicatorValue | None:
        item = self.table.currentItem()
        if item is None:
            return None
        key, year = item.data(KEY_ROLE)
        return next((v for v in self.data.get(year, []) if v.key == key), None)

    def colour_of(self, key: str, year: int) -> str:
        """The cell's background colour ('#e3f4e4' …) — what the eye sees."""
        column = sorted(self.data).index(year)
        row = list(EIGHT_ZEROS).index(key)
        return self.table.item(row, column).background().color().name()

    def _update_actions(self) -> None:
        value = self.current_value()
        item = self.table.currentItem()
        self.cell_note.setText(("选中：" + item.toolTip().replace("\n", "；")) if item is not None else "")
        for row in range(self.table.rowCount()):
            for column in range(self.table.columnCount()):
                cell = self.table.item(row, column)
                if cell is not None:
                    font = cell.font()
                    font.setBold(cell is item)
                    cell.setFont(font)
        may = self.can_edit and value is not None and value.may_enter
        self.enter_action.setEnabled(may)
        if value is not None and not value.may_enter:
            self.enter_action.setStatusTip(f"“{value.name}”{value.year} 年由系统记录统计，不需填报")
        else:
            self.enter_action.setStatusTip("填报选中指标这一年的数字和数据来源")

    def enter(self) -> Any:
        value = self.current_value()
        if not self.can_edit or value is None or not value.may_enter or self.dialog is not None:
            return None
        from chang_shan.ui.governance.eight_zero_dialog import EntryDialog

        def saved(done: Any) -> None:
            self.ops.notify_changed(done.windowTitle())
            self._status = done.done_message
            self.statusChanged.emit(done.done_message)

        return open_window_modal(self, EntryDialog(self.ops.db, value, parent=self), saved)

    def print_table(self) -> Any:
        from chang_shan.ui.reports.dialog import open_reports

        return open_reports(self, self.ops, "eight_zero", {"year": self.last_year.value()})

    def export(self) -> Any:
        years = sorted(self.data)
        columns = [Column("指标", lambda r: r[0], "零就业家庭动态为零")]
        for index, year in enumerate(years):
            columns.append(Column(f"{year}年", lambda r, i=index: r[1][i][0], "未达标", kind="int"))
            columns.append(Column(f"{year}年来源", lambda r, i=index: r[1][i][1], "由人民调解记录统计"))
        model = ColumnsModel(columns, key=lambda r: r[0], parent=self)
        model.set_rows([(name, [(self.data[y][row].count, self.data[y][row].source) for y in years])
                        for row, name in enumerate(EIGHT_ZEROS.values())])
        label = f"{years[0]}–{years[-1]}年" if years else ""
        return export_rows(self.ops, self, self.TITLE.strip("“”") + "指标", label, model,
                           lambda line: self.statusChanged.emit(line))
