"""The service requests as table rows (``service_requests.requests.list_requests``): the list is
already filtered, sorted (newest first) and limited by the service, so the model only holds what
it was given. Overdue requests are red, with how late they are in the 状态 column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.rows import RowsModel

if TYPE_CHECKING:
    from chang_shan.service_requests.shapes import RequestRow

COLUMNS = ("编号", "类别", "对象", "内容", "受理日期", "期限", "状态", "负责", "满意度")
# Widths from typical text (they follow the font size); 内容 takes the room left.
SAMPLES = ("00000", "百姓说事", "3号楼2单元301（户）", "", "2024-12-31", "2024-12-31", "处理中 逾期 30 天",
           "欧阳春花（社区工作者）", "基本满意")
CONTENT_COLUMN = 3
ID_ROLE = Qt.ItemDataRole.UserRole


def request_number(request_id: int) -> str:
    """How a request is named to people: 编号 12."""
    return f"{request_id}"


def status_text(row: RequestRow) -> str:
    """处理中, or 处理中 逾期 3 天 when it is late."""
    return f"{row.status} 逾期 {row.days_overdue} 天" if row.days_overdue else row.status


def row_cells(row: RequestRow) -> tuple[str, ...]:
    return (
        request_number(row.id),
        row.category,
        row.for_name,
        " ".join(row.content.split()),  # one line in the table
        format_date(row.received_on),
        format_date(row.due_on),
        status_text(row),
        row.assignee_label,
        row.satisfaction or "",
    )


class RequestTableModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RequestRow] = []
        self._red = QBrush(QColor(ERROR_COLOUR))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row_cells(row)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and row.days_overdue:
            return self._red
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == CONTENT_COLUMN:
                return row.content
            if row.days_overdue:
                return f"已超过办理期限 {row.days_overdue} 天"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.id
        return None

    def row_of(self, request_id: int | None) -> int | None:
        return next((r for r, row in enumerate(self.rows) if row.id == request_id), None)
