"""覆盖情况 of the 安全设备 tab: one row per stair unit (and per 平房区 building) with its households,
how many have a gas alarm in use (and what share), the extinguishers and smoke detectors, what is
expired and what expires this month (``safety.devices.coverage``).

Gaps are shown where they are: the gas-alarm share in red while some household has none, the
extinguisher (smoke detector) count in red where there is none (the 平房区 has no stairwell, so no
smoke detector is asked of it), expired devices in red, those expiring this month in orange. A
place without its micro fire station or with something expired is marked as a whole (warning
icon, name in red), and 需处理 spells every gap out. The 显示 filter leaves only the rows with one
kind of gap. Double-clicking a row (or Enter) emits ``placeChosen`` with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QHBoxLayout, QLabel, QStyle, QTableWidgetItem, QVBoxLayout, QWidget

from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from chang_shan.safety.shapes import UnitCoverage

EXPIRING_COLOUR = "#a64b00"  # dark orange: 5:1 on white
COLUMNS = ("楼栋/单元", "住户", "有燃气报警器", "灭火器", "烟感", "已过期", "本月到期", "需处理")
SAMPLES = ("平房区（第十网格）", "住户 000", "有燃气报警器 0", "灭火器 0", "烟感 0", "已过期 0", "本月到期 0")
GAS, EXTINGUISHERS, SMOKE, EXPIRED, EXPIRING = 2, 3, 4, 5, 6


def gas_share(row: UnitCoverage) -> str:
    if not row.households:
        return f"{row.with_gas_alarm}"
    return f"{row.with_gas_alarm}（{row.with_gas_alarm * 100 // row.households}%）"


def gaps(row: UnitCoverage) -> list[str]:
    """What is missing or expired at this place, in words (empty: nothing to do)."""
    found = [f"{row.households - row.with_gas_alarm} 户无燃气报警器"] if row.with_gas_alarm < row.households else []
    return found + urgent_gaps(row)


def urgent_gaps(row: UnitCoverage) -> list[str]:
    """The gaps that mark the whole place: no extinguisher, no smoke detector in a unit's
    stairwell, something expired."""
    found = []
    if not row.extinguishers:
        found.append("无灭火器")
    if row.unit_id is not None and not row.smoke_detectors:
        found.append("无烟感")
    if row.expired:
        found.append(f"{row.expired} 件已过期")
    return found


# 显示: which rows to show
SHOWN = {
    "全部": lambda row: True,
    "缺灭火器、烟感或有过期": lambda row: bool(urgent_gaps(row)),
    "有住户未装燃气报警器": lambda row: row.with_gas_alarm < row.households,
    "有过期或本月到期": lambda row: bool(row.expired or row.expiring_this_month),
}


def coverage_cells(row: UnitCoverage) -> tuple[str, ...]:
    due = [f"{row.expiring_this_month} 件本月到期"] if row.expiring_this_month else []
    return (row.place, f"{row.households}", gas_share(row), f"{row.extinguishers}", f"{row.smoke_detectors}",
            f"{row.expired}", f"{row.expiring_this_month}", "、".join([*gaps(row), *due]))


def summary_text(rows: list[UnitCoverage]) -> str:
    households = sum(r.households for r in rows)
    with_gas = sum(r.with_gas_alarm for r in rows)
    share = f"（{with_gas * 100 / households:.1f}%）" if households else ""
    return (f"{len(rows)} 处（单元、平房区），住户 {households:,} 户，有燃气报警器 {with_gas:,} 户{share}；"
            f"灭火器 {sum(r.extinguishers for r in rows):,} 具，烟感 {sum(r.smoke_detectors for r in rows):,} 个；"
            f"已过期 {sum(r.expired for r in rows):,} 件，本月到期 {sum(r.expiring_this_month for r in rows):,} 件")


class CoverageView(QWidget):
    placeChosen = Signal(object)  # the UnitCoverage row double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[UnitCoverage] = []
        self.shown: list[UnitCoverage] = []
        self.which = QComboBox()
        self.which.setObjectName("coverageFilter")
        self.which.setAccessibleName("显示")
        self.which.addItems(list(SHOWN))
        self.which.currentIndexChanged.connect(lambda _i: self._show())
        legend = QLabel(f"<span style='color:{ERROR_COLOUR}'><b>红色</b>：缺设备或已过期</span>　"
                        f"<span style='color:{EXPIRING_COLOUR}'><b>橙色</b>：本月到期</span>　双击一行查看该处的设备")
        legend.setObjectName("legend")
        line = QHBoxLayout()
        line.addWidget(QLabel("显示："))
        line.addWidget(self.which)
        line.addSpacing(12)
        line.addWidget(legend, 1)
        self.table = read_only_table(COLUMNS, "coverage", samples=SAMPLES)
        self.table.setAccessibleName("安全设备覆盖情况")
        self.table.doubleClicked.connect(lambda index: self.choose(index.row()))
        self.table.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: list[UnitCoverage]) -> None:
        self.rows = rows
        self._show()

    def choose(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            self.placeChosen.emit(self.shown[row])

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802 - Qt override
        if (watched is self.table and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentRow() >= 0):
            self.choose(self.table.currentRow())
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _show(self) -> None:
        wanted = SHOWN[self.which.currentText()]
        self.shown = [r for r in self.rows if wanted(r)]
        table = self.table
        table.setRowCount(len(self.shown))
        red, orange = QColor(ERROR_COLOUR), QColor(EXPIRING_COLOUR)
        warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for r, row in enumerate(self.shown):
            found, urgent = gaps(row), urgent_gaps(row)
            flagged = {
                GAS: row.with_gas_alarm < row.households,
                EXTINGUISHERS: not row.extinguishers,
                SMOKE: row.unit_id is not None and not row.smoke_detectors,
                EXPIRED: bool(row.expired),
                EXPIRING: False,
            }
            for c, text in enumerate(coverage_cells(row)):
                item = QTableWidgetItem(text)
                colour = red if flagged.get(c) or (c == 0 and urgent) else None
                if c == EXPIRING and row.expiring_this_month:
                    colour = orange
                if colour is not None:
                    item.setForeground(colour)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if c == 0:
                    if urgent:
                        item.setIcon(warning)
                    item.setToolTip("、".join(found) if found else "设备齐全")
                table.setItem(r, c, item)
        fit_columns(table)
