"""月结算: one month's meals per person (how many, how many delivered, the amount) with the grand
total; below, the selected person's meals day by day and 打印结算单. Amounts are the services'
Decimals shown with two decimals, never a float.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui.forms.fields import format_date
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.canteen_print import money
from chang_shan.ui.widgets.canteen_view import CanteenView
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from chang_shan.canteen.shapes import Statement, StatementSummary
    from chang_shan.ui.ops import Operations

SUMMARY_COLUMNS = ("姓名", "用餐次数", "其中送餐", "金额")
LINE_COLUMNS = ("日期", "餐次", "方式", "金额")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class StatementsView(CanteenView):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.summaries: list[StatementSummary] = []
        self.statement: Statement | None = None
        self._line_request = 0

        today = self.today()
        self.prev_button = QPushButton("◀")
        self.prev_button.setObjectName("prevMonth")
        self.prev_button.setToolTip("上个月")
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(today.year)
        self.month = QComboBox()
        self.month.setObjectName("month")
        for month in range(1, 13):
            self.month.addItem(f"{month} 月", month)
        self.month.setCurrentIndex(today.month - 1)
        self.next_button = QPushButton("▶")
        self.next_button.setObjectName("nextMonth")
        self.next_button.setToolTip("下个月")
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("中") * 3)
        self.total = QLabel("")
        self.total.setObjectName("grandTotal")
        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.year)
        top.addWidget(self.month)
        top.addWidget(self.next_button)
        top.addSpacing(16)
        top.addWidget(self.total, 1)

        self.table = read_only_table(SUMMARY_COLUMNS, "statements", stretch=0)
        self.table.itemSelectionChanged.connect(self._selected)
        self.lines_label = QLabel("请在上面选择一位老人。")
        self.lines_label.setObjectName("statementTitle")
        self.print_button = QPushButton("打印结算单")
        self.print_button.setObjectName("printStatement")
        self.lines = read_only_table(LINE_COLUMNS, "statementLines", stretch=2)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        caption = QHBoxLayout()
        caption.addWidget(self.lines_label, 1)
        caption.addWidget(self.print_button)
        detail_layout.addLayout(caption)
        detail_layout.addWidget(self.lines, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("中")
        splitter.setSizes([40 * em, 32 * em])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.print_button.clicked.connect(self.print_statement)
        self._update_buttons()

    def period(self) -> tuple[int, int]:
        return self.year.value(), self.month.currentData()

    def set_period(self, year: int, month: int) -> None:
        self.year.blockSignals(True)
        self.year.setValue(year)
        self.year.blockSignals(False)
        self.month.blockSignals(True)
        self.month.setCurrentIndex(month - 1)
        self.month.blockSignals(False)
        self.reload()

    def step(self, months: int) -> None:
        year, month = self.period()
        index = year * 12 + month - 1 + months
        self.set_period(index // 12, index % 12 + 1)

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        from chang_shan.canteen import statements

        request, (year, month) = self.next_request(), self.period()
        self.total.setText("正在统计…")
        self.ops.query(lambda s: statements.month_statements(s, year, month),
                       success=partial(self._loaded, request), parent=self)

    def _loaded(self, request: int, summaries: list[StatementSummary]) -> None:
        if not self.is_current(request):
            return
        keep = self.selected_resident_id()
        self.summaries = summaries
        self.table.blockSignals(True)
        self.table.clearSelection()
        _fill(self.table, [(s.name, str(s.meals), str(s.delivered), money(s.total)) for s in summaries])
        self.table.blockSignals(False)
        meals = sum(s.meals for s in summaries)
        delivered = sum(s.delivered for s in summaries)
        amount = sum((s.total for s in summaries), Decimal("0.00"))
        year, month = self.period()
        self.total.setText(f"{year}年{month}月 合计：{len(summaries)} 人，{meals} 餐（送餐 {delivered} 餐），{money(amount)}")
        row = next((r for r, s in enumerate(summaries) if s.resident_id == keep), None)
        if row is not None:
            self.table.selectRow(row)
        self._selected()
        self.statusChanged.emit(self.status_text())

    def status_text(self) -> str:
        return f"乐龄食堂 月结算：{self.total.text()}"

    def selected_resident_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.summaries[rows[0].row()].resident_id if rows and rows[0].row() < len(self.summaries) else None

    def select_resident(self, resident_id: int) -> bool:
        row = next((r for r, s in enumerate(self.summaries) if s.resident_id == resident_id), None)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _selected(self) -> None:
        from chang_shan.canteen import statements

        resident_id = self.selected_resident_id()
        self._line_request += 1
        request, (year, month) = self._line_request, self.period()
        if resident_id is None:
            self._show_statement(None)
            return

        def shown(statement: Statement) -> None:
            if request == self._line_request:
                self._show_statement(statement)

        self.ops.query(lambda s: statements.statement(s, resident_id, year, month), success=shown, parent=self)

    def _show_statement(self, statement: Statement | None) -> None:
        self.statement = statement
        if statement is None:
            self.lines_label.setText("请在左边选择一位老人。" if self.summaries else "这个月没有用餐记录。")
            _fill(self.lines, [])
        else:
            self.lines_label.setText(f"{statement.name} {statement.year}年{statement.month}月："
                                     f"{statement.meals} 餐，{money(statement.total)}")
            _fill(self.lines, [(format_date(line.on_date), line.meal, line.mode, money(line.price))
                               for line in statement.lines])
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.print_button.setEnabled(self.statement is not None)

    # --- printing --------------------------------------------------------------------------------
    def print_statement(self) -> None:
        from chang_shan.reports import canteen as canteen_reports

        statement = self.statement
        if statement is None:
            return
        resident_id, year, month = statement.resident_id, statement.year, statement.month
        canteen_print.print_pdf(
            self.ops, self, "结算单", f"乐龄食堂结算单-{statement.name}-{year}年{month:02d}月.pdf",
            lambda db, path: canteen_reports.build_statement(db, path, resident_id=resident_id, year=year,
                                                             month=month),
            self.statusChanged.emit)



def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    """Rows of text; the amount (last column) and the counts right-aligned."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if text.startswith("¥") or text.isdigit():
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    fit_columns(table)
