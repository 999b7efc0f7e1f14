"""Small read-only tables (visits, care history, a caretaker's elders …): rows picked one at a
time, never edited, columns as wide as their contents or their sample text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


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


def summary_table(columns: list[str], name: str, *, row_height: float = 1.3) -> QTableWidget:
    """A table of figures (statistics): nothing to select or edit, every column as wide as it
    needs and the table as large as its cells once filled (``size_to_contents``)."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(int(table.fontMetrics().height() * row_height))
    table.setProperty("stretchColumn", -1)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def size_to_contents(table: QTableWidget) -> None:
    """A small summary table (statistics) exactly as large as its cells: columns fitted, no
    scroll bars, no empty space below the last row."""
    fit_columns(table)
    frame = 2 * table.frameWidth()
    table.setFixedSize(
        sum(table.columnWidth(c) for c in range(table.columnCount())) + frame,
        table.horizontalHeader().sizeHint().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + frame,
    )


def fill_rows(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    """Replace ``table``'s rows with ``rows`` of texts (each cell's tooltip its text, for cut-off
    cells), then fit the columns. (The private ``_fill`` copies in the health, canteen and will
    widgets do the same.)"""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    fit_columns(table)
