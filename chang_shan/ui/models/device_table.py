"""The device list of the 安全设备 tab as a Qt model over ``safety.devices.list_devices`` rows:
expired devices in red, those expiring by the end of the month orange and bold, those no longer
in use (已更换, 已拆除) grey. The cells are worked out once per load: painting is a lookup."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from chang_shan.safety.dates import month_end
from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.widgets.device_coverage import EXPIRING_COLOUR
from chang_shan.ui.models.rows import RowsModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from chang_shan.safety.shapes import DeviceRow

IN_USE = "在用"
RETIRED_COLOUR = "#6b6b6b"
COLUMNS = ("类型", "位置", "安装日期", "最近检查", "到期日期", "状态")
SAMPLES = ("燃气报警器", "", "2024-12-31", "2024-12-31", "2024-12-31", "在用（本月到期）")
PLACE_COLUMN = 1
ID_ROLE = Qt.ItemDataRole.UserRole


def device_state(row: DeviceRow, on: date) -> str:
    """``expired`` / ``expiring`` (by the end of ``on``'s month) / ``ok`` for a device in use;
    ``retired`` otherwise."""
    if row.status != IN_USE:
        return "retired"
    if row.expires_on < on:
        return "expired"
    return "expiring" if row.expires_on <= month_end(on) else "ok"


def device_cells(row: DeviceRow, on: date) -> tuple[str, ...]:
    state = device_state(row, on)
    status = {"expired": "在用（已过期）", "expiring": "在用（本月到期）"}.get(state, row.status)
    return (row.kind, f"{row.place} {row.location}".strip(), format_date(row.installed_on),
            format_date(row.last_inspected_on) or "未检查", format_date(row.expires_on), status)


class DeviceTableModel(RowsModel):
    """The devices as rows: expired ones red, those expiring this month orange and bold, those
    no longer in use grey. ``on`` is the day the colours are for."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DeviceRow] = []
        self.on = date.today()
        self._cells: list[tuple[str, ...]] = []
        self._states: list[str] = []
        self._brushes = {"expired": QBrush(QColor(ERROR_COLOUR)), "expiring": QBrush(QColor(EXPIRING_COLOUR)),
                         "retired": QBrush(QColor(RETIRED_COLOUR))}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[DeviceRow], on: date) -> None:
        self.beginResetModel()
        self.rows, self.on = rows, on
        self._cells = [device_cells(r, on) for r in rows]  # painting a row is a lookup
        self._states = [device_state(r, on) for r in rows]
        self.endResetModel()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = index.row()
        state = self._states[r]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[r][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes.get(state)
        if role == Qt.ItemDataRole.FontRole and state in ("expired", "expiring"):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            days = self.rows[r].days_to_expiry
            if state == "expired":
                return f"已过期 {-days} 天，请尽快更换"
            if state == "expiring":
                return f"还有 {days} 天到期" if days else "今天到期"
            return self._cells[r][index.column()]
        if role == ID_ROLE:
            return self.rows[r].id
        return None

    def row_of(self, device_id: int | None) -> int | None:
        return next((r for r, d in enumerate(self.rows) if d.id == device_id), None)
