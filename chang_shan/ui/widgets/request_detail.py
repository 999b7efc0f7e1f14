"""The selected service request: what it is, where it stands, and its history (受理, 接单, 转派,
办结, 回访, 重新打开, 修改 — each with the day and who did it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.request_table import status_text
from chang_shan.ui.widgets.facts import fact_grid
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from chang_shan.service_requests.shapes import RequestDetail

HISTORY_COLUMNS = ("日期", "事项", "经办人", "说明")
HISTORY_SAMPLES = ("2024-12-31", "重新打开", "欧阳春花花")
# (key, label, spans both columns)
FIELDS = (
    ("for", "对象", False), ("address", "住址", False),
    ("channel", "渠道", False), ("received", "受理", False),
    ("due", "期限", False), ("status", "状态", False),
    ("assignee", "负责", False), ("created_by", "受理人", False),
    ("content", "内容", True), ("result", "办理结果", True), ("revisit", "回访", True),
)


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class RequestDetailPanel(QWidget):
    """``show_request(detail)`` or ``show_nothing(text)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: RequestDetail | None = None
        self.title = _bold(QLabel(""), 1.15)
        self.title.setObjectName("requestTitle")
        self.note = QLabel("")
        self.note.setObjectName("requestNote")
        self.note.setStyleSheet("color: #555555;")
        self.note.setWordWrap(True)
        grid, self.values, self.labels = fact_grid(FIELDS, "detail")
        self.fields = QWidget()
        self.fields.setLayout(grid)
        self.history_label = QLabel("办理记录")
        self.history = read_only_table(HISTORY_COLUMNS, "requestHistory", samples=HISTORY_SAMPLES)
        about = QVBoxLayout()
        about.addWidget(self.title)
        about.addWidget(self.note)
        about.addWidget(self.fields)
        about.addStretch(1)
        history = QVBoxLayout()
        history.addWidget(self.history_label)
        history.addWidget(self.history, 1)
        layout = QHBoxLayout(self)  # what it is on the left, its history on the right
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(16)
        layout.addLayout(about, 1)
        layout.addLayout(history, 1)
        self.show_nothing()

    def show_nothing(self, text: str = "请在上面选择一项服务请求。") -> None:
        self.detail = None
        self.title.setText("")
        self.note.setText(text)
        self.note.show()
        self.fields.hide()
        self.history_label.setText("")
        self.history.hide()
        self.history.setRowCount(0)

    def show_request(self, detail: RequestDetail) -> None:
        self.detail = detail
        row = detail.row
        self.title.setText(f"编号 {row.id}　{row.category}")
        self.note.hide()
        revisit = ""
        if row.revisited_on is not None:
            revisit = "　".join(p for p in (format_date(row.revisited_on), row.satisfaction or "", detail.revisit_note) if p)
        values = {
            "for": row.for_name, "address": row.address, "channel": row.channel,
            "received": format_date(row.received_on), "due": format_date(row.due_on), "status": status_text(row),
            "assignee": row.assignee_label or "（未派单）", "created_by": detail.created_by,
            "content": row.content,
            "result": "　".join(p for p in (format_date(row.completed_on), detail.result) if p),
            "revisit": revisit,
        }
        for key, value in values.items():
            self.values[key].setText(value)
        late = bool(row.days_overdue)
        for key in ("due", "status"):
            self.values[key].setStyleSheet(f"color: {ERROR_COLOUR};" if late else "")
        for key in ("result", "revisit"):
            self.values[key].setVisible(bool(values[key]))
            self.labels[key].setVisible(bool(values[key]))
        self.fields.show()
        events = list(reversed(detail.events))  # newest first
        self.history_label.setText(f"办理记录（{len(events)} 条，最新的在上）")
        self.history.setRowCount(len(events))
        for r, event in enumerate(events):
            for c, text in enumerate((format_date(event.on_date), event.kind, event.user_name, event.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(r, c, item)
        self.history.show()

    def history_rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.history.item(r, c).text() for c in range(self.history.columnCount()))
                for r in range(self.history.rowCount())]
