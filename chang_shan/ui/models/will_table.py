"""The registered wills as table rows (``wills.registry.list_wills``): already filtered and
ordered by the service. A will that no longer counts (撤回, 被新遗嘱取代) is grey; one with a flag
(口头遗嘱已无效, 立遗嘱人已故，待通知查看人 …) shows it in red in the 提示 column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.rows import RowsModel

if TYPE_CHECKING:
    from chang_shan.wills.shapes import WillRow

COLUMNS = ("登记号", "立遗嘱人", "年龄", "遗嘱形式", "立遗嘱日期", "登记日期", "状态", "保管", "提示")
# Widths from typical text (they follow the font size); 提示 takes the room left.
SAMPLES = ("YZ2026-0000", "欧阳春花花", "100 岁", "录音录像（第1137条）", "2024-12-31", "2024-12-31",
           "被新遗嘱取代", "档案柜 A-03 卷宗 0000", "")
FLAGS_COLUMN = 8
STATUS_COLUMN = 6
CUSTODY_COLUMN = 7
ID_ROLE = Qt.ItemDataRole.UserRole
GREY = "#6b6b6b"
INACTIVE = ("已撤回", "被新遗嘱取代")


def form_short(row: WillRow) -> str:
    """代书（第1135条）"""
    return f"{row.form}（第{row.article}条）"


def age_text(row: WillRow) -> str:
    if row.testator_age is None:
        return ""
    return f"{row.testator_age} 岁" if row.testator_alive else f"{row.testator_age} 岁（已故）"


def row_cells(row: WillRow) -> tuple[str, ...]:
    return (
        row.number,
        row.testator_name,
        age_text(row),
        form_short(row),
        format_date(row.made_on),
        format_date(row.registered_on),
        row.status,
        row.custody,
        "；".join(row.flags),
    )


class WillTableModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[WillRow] = []
        self._red = QBrush(QColor(ERROR_COLOUR))
        self._grey = QBrush(QColor(GREY))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row_cells(row)[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == FLAGS_COLUMN and row.flags:
                return self._red
            if row.status in INACTIVE:
                return self._grey
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == FLAGS_COLUMN and row.flags:
                return "\n".join(row.flags)
            if column == STATUS_COLUMN and row.superseded_by_number:
                return f"被 {row.superseded_by_number} 取代（民法典第1142条：以最后所立遗嘱为准）"
            if column == 3:
                return row.form_text
            if column == CUSTODY_COLUMN:
                return row.custody
            return None
        if role == ID_ROLE:
            return row.id
        return None

    def row_of(self, will_id: int | None) -> int | None:
        return next((r for r, row in enumerate(self.rows) if row.id == will_id), None)
