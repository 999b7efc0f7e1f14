"""The two tables of the will registration dialog: the witnesses (见证人), each with the worker's
three confirmations of 第1140条 as check boxes, and the people the will names (查看人, 提取人,
继承人, 受遗赠人). Cells are typed into; 添加 adds a line, 删除 removes the selected one.
``mark(errors)`` paints the cells a message of the services is about (``witnesses[1].name``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.db.models.wills import WILL_PERSON_ROLES
from chang_shan.wills.shapes import PersonInput, WitnessInput

_KEY = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?$")
ERROR_BACKGROUND = "#fdecea"
CHECK_TIPS = ("见证人不是继承人、受遗赠人（民法典第1140条第二项）",
              "见证人与继承人、受遗赠人没有利害关系（第1140条第三项）",
              "见证人具有完全民事行为能力（第1140条第一项）")


def indexed_cells(errors: dict[str, str], table: str) -> dict[int, set[str]]:
    """``{'witnesses[1].name': …}`` → ``{1: {'name'}}`` for the lines of ``table``."""
    found: dict[int, set[str]] = {}
    for key in errors:
        match = _KEY.match(key)
        if match and match.group(1) == table:
            found.setdefault(int(match.group(2)), set()).add(match.group(3) or "")
    return found


class _LinesTable(QFrame):
    """A small editable table with 添加 / 删除 under it."""

    changed = Signal()
    COLUMNS: tuple[str, ...] = ()
    FIELDS: tuple[str, ...] = ()  # the input's attribute per column
    WIDTHS: tuple[str, ...] = ()  # sample text per column ("" stretches)
    NAME = ""
    ADD_TEXT = "添加"

    def __init__(self, *, rows: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        self._filling = False
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName(f"{self.NAME}Table")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setTabKeyNavigation(True)
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.7))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        air = metrics.horizontalAdvance("中") * 1.0
        for column, sample in enumerate(self.WIDTHS):
            if sample:
                header.resizeSection(column, int(metrics.horizontalAdvance(sample) + air))
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header_height = header.sizeHint().height()
        self.table.setMinimumHeight(int(header_height + metrics.height() * 1.7 * rows + 6))
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton(self.ADD_TEXT, self)
        self.add_button.setObjectName(f"{self.NAME}Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button = QPushButton("删除所选", self)
        self.remove_button.setObjectName(f"{self.NAME}Remove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        self.note = QLabel("", self)
        self.note.setProperty("formRole", "hint")
        buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # -- lines -------------------------------------------------------------------------------------
    def _text_item(self, text: str) -> QTableWidgetItem:
        return QTableWidgetItem(text)

    def add_line(self, value: object | None = None) -> int:
        row = self.table.rowCount()
        self._filling = True
        try:
            self.table.insertRow(row)
            self._fill_line(row, value)
        finally:
            self._filling = False
        self.changed.emit()
        return row

    def _fill_line(self, row: int, value: object | None) -> None:
        for column, name in enumerate(self.FIELDS):
            self.table.setItem(row, column, self._text_item(str(getattr(value, name, "") or "") if value else ""))

    def _add_clicked(self) -> None:
        row = self.add_line()
        self.table.setCurrentCell(row, self.first_text_column())
        self.table.editItem(self.table.item(row, self.first_text_column()))

    def first_text_column(self) -> int:
        return 0

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self.changed.emit()

    def set_lines(self, values: Sequence[object]) -> None:
        self.table.setRowCount(0)
        for value in values:
            self.add_line(value)

    def text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def set_text(self, row: int, column: int, text: str) -> None:
        """As a user typing into the cell (tests use it)."""
        self.table.item(row, column).setText(text)

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.changed.emit()

    # -- messages -----------------------------------------------------------------------------------
    def mark(self, errors: dict[str, str], key: str) -> None:
        """Paint the cells (or the whole line) a message is about."""
        bad = indexed_cells(errors, key)
        brush, clear = QBrush(QColor(ERROR_BACKGROUND)), QBrush()
        self._filling = True
        try:
            for row in range(self.table.rowCount()):
                fields = bad.get(row, set())
                for column, name in enumerate(self.FIELDS):
                    item = self.table.item(row, column)
                    if item is None:
                        continue
                    hit = name in fields or "" in fields or (name.endswith("_confirmed") and "confirmations" in fields)
                    item.setBackground(brush if hit else clear)
                    message = next((errors[k] for k in errors if k.startswith(f"{key}[{row}]")), "")
                    item.setToolTip(message if hit else "")
        finally:
            self._filling = False

    def focus_target(self) -> QWidget:
        return self.table if self.table.rowCount() else self.add_button


class WitnessTable(_LinesTable):
    COLUMNS = ("姓名", "身份证号", "关系", "电话", "非继承人", "无利害关系", "有行为能力")
    FIELDS = ("name", "id_number", "relation", "phone", "not_heir_confirmed", "no_interest_confirmed",
              "capacity_confirmed")
    WIDTHS = ("欧阳春花", "220182195001012531", "", "13904310000", "非继承人", "无利害关系", "有行为能力")
    NAME = "witnesses"
    ADD_TEXT = "添加见证人"
    CHECKS = 4  # the first check-box column

    def __init__(self, *, rows: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(rows=rows, parent=parent)
        for offset, tip in enumerate(CHECK_TIPS):
            self.table.horizontalHeaderItem(self.CHECKS + offset).setToolTip(f"{tip}：向见证人核实后勾选")
        self.note.setText("三项核对：勾选前请当面核实（第1140条）")

    def _fill_line(self, row: int, value: object | None) -> None:
        for column, name in enumerate(self.FIELDS):
            if column < self.CHECKS:
                self.table.setItem(row, column, self._text_item(str(getattr(value, name, "") or "") if value else ""))
                continue
            item = QTableWidgetItem("")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            checked = bool(getattr(value, name, False)) if value else False
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            item.setToolTip(CHECK_TIPS[column - self.CHECKS])
            self.table.setItem(row, column, item)

    def checked(self, row: int, column: int) -> bool:
        item = self.table.item(row, column)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def set_checked(self, row: int, column: int, on: bool) -> None:
        self.table.item(row, column).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def confirm_all(self, row: int) -> None:
        for column in range(self.CHECKS, len(self.FIELDS)):
            self.set_checked(row, column, True)

    def values(self) -> list[WitnessInput]:
        return [WitnessInput(self.text(r, 0), self.text(r, 1), self.text(r, 2), self.text(r, 3),
                             self.checked(r, 4), self.checked(r, 5), self.checked(r, 6))
                for r in range(self.table.rowCount())]


class PersonTable(_LinesTable):
    COLUMNS = ("身份", "姓名", "关系", "身份证号", "电话")
    FIELDS = ("role", "name", "relation", "id_number", "phone")
    WIDTHS = ("受遗赠人▾", "欧阳春花", "", "220182195001012531", "13904310000")
    NAME = "persons"
    ADD_TEXT = "添加人员"

    def __init__(self, *, rows: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(rows=rows, parent=parent)
        self.note.setText("查看人、提取人：立遗嘱人去世后可查看、提取遗嘱的人")

    def _fill_line(self, row: int, value: object | None) -> None:
        role = QComboBox()
        role.setObjectName("personRole")
        for name in WILL_PERSON_ROLES:
            role.addItem(name, name)
        role.setCurrentIndex(max(role.findData(getattr(value, "role", "查看人") if value else "查看人"), 0))
        role.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setItem(row, 0, QTableWidgetItem(""))
        self.table.item(row, 0).setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setCellWidget(row, 0, role)
        for column, name in enumerate(self.FIELDS[1:], start=1):
            self.table.setItem(row, column, self._text_item(str(getattr(value, name, "") or "") if value else ""))

    def first_text_column(self) -> int:
        return 1

    def role(self, row: int) -> str:
        combo = self.table.cellWidget(row, 0)
        return combo.currentData() if isinstance(combo, QComboBox) else "查看人"

    def set_role(self, row: int, role: str) -> None:
        combo = self.table.cellWidget(row, 0)
        combo.setCurrentIndex(combo.findData(role))  # type: ignore[union-attr]

    def values(self) -> list[PersonInput]:
        return [PersonInput(self.role(r), self.text(r, 1), self.text(r, 2), self.text(r, 3), self.text(r, 4))
                for r in range(self.table.rowCount())]
