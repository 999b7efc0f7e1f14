"""The wizard's five steps, as widgets that show a plan and tell what the user chose. They hold no
flow: ``wizard.ImportWizard`` decides when each is filled and what happens next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui.dialogs.health_fields import heading
from chang_shan.imports.fields import FIELDS, NOT_IMPORTED, label
from chang_shan.ui.imports.models import PreviewModel, ProblemsModel, masked


def note(text: str = "", *, role: str = "", name: str = "") -> QLabel:
    """A wrapped line of plain text; ``role`` picks the form style's colour (hint, error, aside)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("formRole", role)
    if name:
        label.setObjectName(name)
    return label


def data_table(model: Any, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(int(table.fontMetrics().height() * 1.5))
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def row_of(line: QHBoxLayout) -> QWidget:
    """A row of widgets as one widget, flush with the page's edges."""
    line.setContentsMargins(0, 0, 0, 0)
    holder = QWidget()
    holder.setLayout(line)
    return holder


def page(title: str, *widgets: QWidget, stretch: QWidget | None = None) -> tuple[QWidget, QVBoxLayout]:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(heading(title, name="pageTitle"))
    for widget in widgets:
        layout.addWidget(widget, 1 if widget is stretch else 0)
    return holder, layout


class FilePage(QWidget):
    """1 选择文件: the workbook's path (typed or 浏览…) and 下载模板…."""

    browseRequested = Signal()
    templateRequested = Signal()
    pathChanged = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setAccessibleName("Excel 文件")
        self.path.setPlaceholderText("要导入的 .xlsx 文件")
        self.path.textChanged.connect(self.pathChanged.emit)
        self.browse = QPushButton("浏览…")
        self.browse.clicked.connect(self.browseRequested.emit)
        line = QHBoxLayout()
        line.addWidget(QLabel("文件："))
        line.addWidget(self.path, 1)
        line.addWidget(self.browse)
        holder = row_of(line)

        template_box = QGroupBox("还没有整理好的表格？")
        self.template = QPushButton("下载模板…")
        self.template.setObjectName("template")
        self.template.clicked.connect(self.templateRequested.emit)
        template_line = QHBoxLayout(template_box)
        template_line.addWidget(note("模板里有各列的表头、一行示例和填写说明；身份证号一列已设为文本格式。"), 1)
        template_line.addWidget(self.template)

        body, layout = page(
            "选择要导入的 Excel 文件",
            note("从 Excel 工作簿（.xlsx）导入居民和户。先检查文件，列出每一个问题；"
                 "没有问题、并且您确认之后才写入，全部写入或全部不写。"),
            holder, template_box)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)


class SheetPage(QWidget):
    """2 工作表和表头: which sheet, where its header was found, its first rows."""

    sheetChosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheet")
        self.sheet.setAccessibleName("工作表")
        self.sheet.activated.connect(lambda _i: self.sheetChosen.emit(self.sheet.currentText()))
        self.header_text = note(name="headerText")
        line = QHBoxLayout()
        line.addWidget(QLabel("工作表："))
        line.addWidget(self.sheet)
        line.addSpacing(self.fontMetrics().horizontalAdvance("中") * 2)
        line.addWidget(self.header_text, 1)
        holder = row_of(line)
        self.model = PreviewModel(self)
        self.table = data_table(self.model, "preview")
        body, _layout = page(
            "工作表和表头", holder,
            note("下面是表头和它下面的前几行（空行略去；身份证号和电话只显示部分数字）。"
                 "表头找得不对时，请在 Excel 中删去表头上方多余的行再试。", role="hint"),
            self.table, stretch=self.table)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)

    def show_plan(self, plan: Any) -> None:
        self.sheet.clear()
        self.sheet.addItems(list(plan.sheet_names))
        self.sheet.setCurrentText(plan.sheet)
        columns = list(plan.columns)
        self.header_text.setText(f"表头在第 {plan.header_row} 行，共 {len(columns)} 列。")
        self.model.set_preview([f"{column.letter}  {column.header}" for column in columns],
                               [list(row) for row in plan.preview])
        self.table.resizeColumnsToContents()
        limit = self.fontMetrics().horizontalAdvance("中") * 16
        for column in range(len(columns)):
            self.table.setColumnWidth(column, min(limit, self.table.columnWidth(column) + 12))


class MappingPage(QWidget):
    """3 对应列: one combo a source column — 不导入 or one of the fields, the automatic choice
    preselected; what is wrong with the choice (a field chosen twice, a required one missing)."""

    changed = Signal()
    COLUMNS = ("列", "表头", "第一行的内容", "导入为", "")

    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("mapping")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.8))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        self.columns: list[Any] = []
        self.message = note(role="error", name="mappingMessage")
        body, _layout = page(
            "每一列导入为哪一项",
            note("已按表头自动对应的列标着“自动”，请核对；不需要的列选“不导入”。", role="hint"),
            self.table, self.message, stretch=self.table)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)

    def show_plan(self, plan: Any) -> None:
        self.columns = list(plan.columns)
        self.combos = []
        self.table.setRowCount(len(self.columns))
        first_row = list(plan.preview[0]) if plan.preview else []
        for row, column in enumerate(self.columns):
            sample = first_row[row] if row < len(first_row) else ""  # the preview has the plan's columns
            for col, text in enumerate((column.letter, column.header, masked(str(sample)))):
                self.table.setItem(row, col, QTableWidgetItem(text))
            combo = QComboBox()
            combo.setAccessibleName(f"{column.letter} 列 {column.header} 导入为")
            combo.addItem(f"（{NOT_IMPORTED}）", NOT_IMPORTED)
            for key, info in FIELDS.items():
                combo.addItem(info.label + ("（必填）" if info.required else ""), key)
            combo.setCurrentIndex(max(0, combo.findData(column.field or NOT_IMPORTED)))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._combo_changed(r))
            self.table.setCellWidget(row, 3, combo)
            self.combos.append(combo)
            self.table.setItem(row, 4, QTableWidgetItem("自动" if column.auto and column.field else ""))
        self.table.resizeColumnsToContents()
        air = self.fontMetrics().horizontalAdvance("中")
        for col in range(3):
            self.table.setColumnWidth(col, min(air * 16, self.table.columnWidth(col) + air))
        self.table.setColumnWidth(3, max(self.table.columnWidth(3), air * 11))
        self.check()

    def _combo_changed(self, row: int) -> None:
        item = self.table.item(row, 4)
        if item is not None:
            item.setText("")  # the user's own choice now
        self.check()
        self.changed.emit()

    def chosen(self) -> dict[str, str]:
        """Column letter → field key (or 不导入) for every source column."""
        return {column.letter: str(combo.currentData()) for column, combo in zip(self.columns, self.combos, strict=True)}

    def problems(self) -> list[str]:
        """What stops the check: a field chosen for two columns, a required field not chosen."""
        used: dict[str, list[str]] = {}
        for letter, key in self.chosen().items():
            if key != NOT_IMPORTED:
                used.setdefault(key, []).append(letter)
        out = [f"“{label(key)}”对应了 {len(letters)} 列（{'、'.join(letters)}），只能选一列。"
               for key, letters in used.items() if len(letters) > 1]
        missing = [info.label for key, info in FIELDS.items() if info.required and key not in used]
        if missing:
            out.append(f"还没有选择：{'、'.join(missing)}（必填）。")
        return out

    def check(self) -> bool:
        problems = self.problems()
        self.message.setText("\n".join(problems))
        self.message.setVisible(bool(problems))
        return not problems


WRAP_LIMIT = 500  # problems shown with wrapped reasons


class CheckPage(QWidget):
    """4 检查: what the import would do, and every problem (导出问题清单…, 重新检查)."""

    exportRequested = Signal()
    recheckRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.counts = note(name="counts")
        font = self.counts.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.counts.setFont(font)
        self.verdict = note(name="verdict")
        self.model = ProblemsModel(self)
        self.table = data_table(self.model, "problems")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda *_a: self._fit_rows())
        em = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((6, 4, 3, 7)):
            self.table.setColumnWidth(column, int(width * em))
        self.export = QPushButton("导出问题清单…")
        self.export.setObjectName("exportProblems")
        self.export.setToolTip("把问题清单存为 CSV 文件，可以用 Excel 打开，对照着改")
        self.export.clicked.connect(self.exportRequested.emit)
        self.recheck = QPushButton("重新检查")
        self.recheck.setObjectName("recheck")
        self.recheck.setToolTip("Excel 文件改正并保存后，再检查一遍")
        self.recheck.clicked.connect(self.recheckRequested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export)
        buttons.addWidget(self.recheck)
        buttons.addStretch(1)
        holder = row_of(buttons)
        body, _layout = page("检查结果（还没有写入任何数据）", self.counts, self.verdict, self.table, holder,
                             stretch=self.table)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)

    def show_plan(self, plan: Any) -> None:
        problems = list(plan.problems)
        self.counts.setText(("没有问题的行：" if problems else "") + counts_text(plan.counts))
        self.model.set_rows(problems)
        self.table.setWordWrap(len(problems) <= WRAP_LIMIT)
        self._fit_rows()
        self.table.setVisible(bool(problems))
        self.export.setEnabled(bool(problems))
        if problems:
            self.verdict.setProperty("formRole", "error")
            self.verdict.setText(f"发现 {len(problems):,} 个问题，改正之前不能导入。请在 Excel 中改正并保存，"
                                 "然后按“重新检查”。")
        elif changes(plan.counts):
            self.verdict.setProperty("formRole", "aside")
            self.verdict.setText("没有发现问题。按“导入”写入数据库。")
        else:
            self.verdict.setProperty("formRole", "aside")
            self.verdict.setText("没有发现问题；文件中的内容与数据库中的相同，没有需要导入的。")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def _fit_rows(self) -> None:
        """Reasons wrapped to the width of their column (a long list keeps one line a row and
        the reason in the tooltip: measuring every row would take too long)."""
        if self.table.wordWrap() and self.model.rows:
            self.table.resizeRowsToContents()


def changes(counts: dict[str, int]) -> int:
    return sum(counts.get(key, 0) for key in ("new", "update", "households_new"))


def counts_text(counts: dict[str, int]) -> str:
    """新增 12 人，更新 3 人，不变 40 人；新建 5 户。"""
    people = f"新增 {counts.get('new', 0):,} 人，更新 {counts.get('update', 0):,} 人，不变 {counts.get('same', 0):,} 人"
    return f"{people}；新建 {counts.get('households_new', 0):,} 户。"


class ResultPage(QWidget):
    """5 完成: what was written."""

    def __init__(self) -> None:
        super().__init__()
        self.summary = note(name="resultText")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.summary.setFont(font)
        body, layout = page("导入完成", self.summary)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)
