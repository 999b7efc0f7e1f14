"""The wizard's two tables: a preview of the chosen sheet (the first rows as the file has them,
ID numbers and phones masked) and the problems the check found."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from chang_shan.imports.fields import label
from chang_shan.population.idnumber import mask, mask_phone
from chang_shan.ui.models.rows import RowsModel

_ID_LIKE = re.compile(r"\d{14,17}[\dXx]")  # 15 or 18 digits, or what Excel left of them
_PHONE_LIKE = re.compile(r"1\d{10}")


def masked(text: str) -> str:
    """A cell as the preview shows it: what looks like an ID number or a mobile number is masked
    (the preview is for checking the layout; the numbers themselves are checked by the import)."""
    value = text.strip()
    if _ID_LIKE.fullmatch(value):
        return mask(value)
    if _PHONE_LIKE.fullmatch(value):
        return mask_phone(value)
    return text


class PreviewModel(RowsModel):
    """The first rows below the header: one column per source column, headed ``A  姓名``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []

    def set_preview(self, headers: list[str], rows: list[list[str]]) -> None:
        self.beginResetModel()
        self.headers = headers
        self.rows = [[masked(cell) for cell in row] for row in rows]
        self.endResetModel()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.headers[section] if section < len(self.headers) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""


class ProblemsModel(RowsModel):
    """工作表, 行, 列, 字段, 原因 — one row per problem, in the order the check found them."""

    COLUMNS = ("工作表", "行", "列", "字段", "原因")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        problem = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return problem_cells(problem)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def problem_cells(problem: Any) -> list[str]:
    """A problem as the five texts of its table row (and of its line in the CSV)."""
    return [problem.sheet, str(problem.row) if problem.row else "", problem.column, label(problem.field),
            problem.message]
