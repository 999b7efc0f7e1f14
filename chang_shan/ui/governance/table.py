"""A table model over frozen rows whose columns are declared once: the title, the cell text, a
sample for the width, and how the cell is exported (``exports.ledgers.Col``). Rows may be coloured
(overdue loans in red, arrears in red) and carry a tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.models.rows import RowsModel

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
GREY = "#6b6b6b"
GREEN = "#2e6b30"


@dataclass(frozen=True)
class Column:
    title: str
    cell: Callable[[Any], object]  # the row's value: str, int, Decimal, date or None
    sample: str = ""  # typical text (the width); "" for the column that stretches
    right: bool = False  # figures and money
    kind: str = "text"  # exports.ledgers kinds: text, int, date, decimal


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


class ColumnsModel(RowsModel):
    """``columns`` gives the cells; ``colour(row)`` a text colour ("#b3261e") or None;
    ``tip(row)`` a tooltip or None; ``key(row)`` what identifies a row (selection kept on reload)."""

    def __init__(self, columns: Sequence[Column], *, colour: Callable[[Any], str | None] | None = None,
                 tip: Callable[[Any], str | None] | None = None, key: Callable[[Any], object] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.COLUMNS = tuple(c.title for c in self.columns)
        self._colour = colour
        self._tip = tip
        self._key = key or (lambda row: row.id)
        self._brushes: dict[str, QBrush] = {}

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(column.cell(row))
        if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None:
            colour = self._colour(row)
            if colour:
                return self._brushes.setdefault(colour, QBrush(QColor(colour)))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and self._tip is not None:
            return self._tip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return RIGHT
        return None

    def key_of(self, row: Any) -> object:
        return self._key(row)

    def row_of(self, key: object) -> int | None:
        if key is None:
            return None
        return next((r for r, row in enumerate(self.rows) if self._key(row) == key), None)

    def export_rows(self) -> list[list[object]]:
        """The rows as they are shown, one value per column (for 导出…)."""
        out = []
        for row in self.rows:
            values: list[object] = []
            for column in self.columns:
                value = column.cell(row)
                values.append(value if column.kind != "text" else cell_text(value))
            out.append(values)
        return out


RED = ERROR_COLOUR
