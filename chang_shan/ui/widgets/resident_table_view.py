"""The resident table's view: whole-row selection, Enter or double-click opens the record,
sorting by header click (done in SQL by the model), sensible column widths."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

# Widths in "characters" (the font's average CJK advance), so they follow the font size.
_WIDTHS = (6, 3, 3, 13, 9, 6, 16, 8, 4)


class ResidentTableView(QTableView):
    openRequested = Signal(int)  # row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.doubleClicked.connect(lambda index: self.openRequested.emit(index.row()))
        self.setAccessibleName("居民列表")

    def apply_widths(self) -> None:
        """Column widths from the font: fixed-height rows keep scrolling cheap (no measuring)."""
        metrics = self.fontMetrics()
        em = metrics.horizontalAdvance("中")
        header = self.horizontalHeader()
        for column, chars in enumerate(_WIDTHS):
            if column < header.count():
                header.resizeSection(column, int(chars * em + em))
        if header.count():
            header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.6))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.openRequested.emit(self.currentIndex().row())
            event.accept()
            return
        super().keyPressEvent(event)

    def current_row(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if rows:
            return rows[0].row()
        index = self.currentIndex()
        return index.row() if index.isValid() else None

    def select_row(self, row: int) -> None:
        index = self.model().index(row, 0)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def clear_current(self) -> None:
        self.setCurrentIndex(QModelIndex())
        self.clearSelection()
