"""Small read-only tables (visits, care history, a caretaker's elders …): rows picked one at a
time, never edited, columns as wide as their contents or their sample text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def read_only_table(columns: tuple[str, ...], name: str, *, stretch: int | None = None,
                    samples: tuple[str, ...] = ()) -> QTableWidget:
    """``stretch`` (default: the last column) takes the room left; ``samples`` give the other
    columns a width from typical text (it follows the font size) until ``fit_columns`` runs."""
    stretch = len(columns) - 1 if stretch is None else stretch
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    metrics = table.fontMetrics()
    table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.5))
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column in range(len(columns)):
        mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.Interactive
        header.setSectionResizeMode(column, mode)
    air = metrics.horizontalAdvance("中") * 1.2
    for column, sample in enumerate(samples):
        if column != stretch:
            header.resizeSection(column, int(metrics.horizontalAdvance(sample) + air))
    table.setProperty("stretchColumn", stretch)
    return table


def fit_columns(table: QTableWidget) -> None:
    """Every column but the stretching one as wide as its contents plus some air
    (ResizeToContents leaves the text touching the grid lines)."""
    air = table.fontMetrics().horizontalAdvance("中")
    stretch = table.property("stretchColumn")
    for column in range(table.columnCount()):
        if column != stretch:
            table.resizeColumnToContents(column)
            table.setColumnWidth(column, table.columnWidth(column) + air)
