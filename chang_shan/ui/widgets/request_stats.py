"""The 统计 tab of the 便民档案库: ``service_requests.stats.request_statistics`` for a year — the
requests per category and month (with totals), how many were closed, are open or overdue, the
days to close (median and average) and the residents' satisfaction."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.db.models.services import SATISFACTION
from chang_shan.ui import ops as ops_module
from chang_shan.ui.widgets.health_stats import percent
from chang_shan.ui.widgets.tables import size_to_contents, summary_table

if TYPE_CHECKING:
    from chang_shan.service_requests.shapes import RequestStatistics
    from chang_shan.ui.ops import Operations

MONTHS = tuple(f"{m}月" for m in range(1, 13))
NOT_REVISITED = "未回访"
FIRST_YEAR = 2000


def month_rows(stats: RequestStatistics) -> list[list[int | str]]:
    """One row per category, then 合计 (the months' totals)."""
    rows: list[list[int | str]] = [[c.category, *c.counts, c.total] for c in stats.by_category]
    rows.append(["合计", *stats.per_month, sum(stats.per_month)])
    return rows


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 天"


class RequestStatsView(QScrollArea):
    """Reads the statistics itself: when first shown (``start``), for another year, on F5
    (``refresh``) and after a saved change while it is on view (otherwise when next shown)."""

    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.stale = True
        self._request = 0
        self._status = ""
        ops.changed.connect(self._on_data_changed)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)

        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        self.year = QSpinBox()
        self.year.setObjectName("statsYear")
        self.year.setRange(FIRST_YEAR, date.today().year)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName("统计年份")
        self.year.setKeyboardTracking(False)  # one query once the year is typed, not per digit
        self.year.valueChanged.connect(lambda _y: self.reload())
        top.addWidget(self.year)
        self.as_of = QLabel("")
        self.as_of.setObjectName("statsNote")
        self.as_of.setStyleSheet("color: #555555;")
        top.addWidget(self.as_of, 1)
        layout.addLayout(top)

        months_box = QGroupBox("各类服务请求（按受理月份）")
        months_layout = QVBoxLayout(months_box)
        columns = ["类别", *MONTHS, "合计"]
        self.months = summary_table(columns, "byCategoryMonth")
        months_layout.addWidget(self.months, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(months_box)

        lower = QHBoxLayout()
        lower.setSpacing(12)
        counts_box = QGroupBox("办理情况")
        counts = QGridLayout(counts_box)
        counts.setHorizontalSpacing(16)
        self.count_labels: dict[str, QLabel] = {}
        for row, (key, text) in enumerate((("received", "受理"), ("closed", "已办结"), ("open", "未办结"),
                                           ("overdue", "其中逾期"), ("median", "办结用时（中位数）"),
                                           ("average", "办结用时（平均）"))):
            value = QLabel("—")
            value.setObjectName(f"stat_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            counts.addWidget(QLabel(text), row, 0)
            counts.addWidget(value, row, 1)
            self.count_labels[key] = value
        counts.setColumnStretch(2, 1)
        lower.addWidget(counts_box, 1)

        satisfaction_box = QGroupBox("回访满意度（已办结的请求）")
        grid = QGridLayout(satisfaction_box)
        grid.setHorizontalSpacing(12)
        self.satisfaction: dict[str, tuple[QProgressBar, QLabel]] = {}
        for row, level in enumerate((*SATISFACTION, NOT_REVISITED)):
            bar = QProgressBar()
            bar.setObjectName(f"share_{row}")
            bar.setRange(0, 1000)
            text = QLabel("—")
            grid.addWidget(QLabel(level), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(text, row, 2)
            self.satisfaction[level] = (bar, text)
        grid.setColumnStretch(1, 1)
        lower.addWidget(satisfaction_box, 2)
        layout.addLayout(lower)
        layout.addStretch(1)
        self.setWidget(body)

    def start(self) -> None:
        if self.stale:
            self.reload()
        else:
            self.statusChanged.emit(self._status)

    def refresh(self) -> None:
        self.reload()

    def _on_data_changed(self, _action: str) -> None:
        self.stale = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        from chang_shan.service_requests.stats import request_statistics

        self.stale = False
        self._request += 1
        year, on = self.year.value(), date.today()
        self.as_of.setText("正在统计…")
        self.ops.query(lambda s: request_statistics(s, year, today=on), success=partial(self._shown, self._request, on),
                       failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.as_of.setText("统计失败。")
        ops_module.show_error(self, exc)

    def _shown(self, request: int, on: date, stats: RequestStatistics) -> None:
        if request == self._request:
            self.show_statistics(stats, on)

    def show_statistics(self, stats: RequestStatistics, on: date) -> None:
        upto = f"截至 {on:%Y-%m-%d}" if stats.year == on.year else "全年"
        self.as_of.setText(f"{stats.year} 年受理的服务请求，{upto}。")
        rows = month_rows(stats)
        self.months.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                shown = (f"{value:,}" if value else "") if isinstance(value, int) else value
                item = QTableWidgetItem(shown)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1 or c == len(row) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.months.setItem(r, c, item)
        size_to_contents(self.months)
        values = {"received": f"{stats.received:,} 项", "closed": f"{stats.closed:,} 项", "open": f"{stats.open:,} 项",
                  "overdue": f"{stats.overdue:,} 项", "median": days(stats.median_days_to_close),
                  "average": days(stats.average_days_to_close)}
        for key, text in values.items():
            self.count_labels[key].setText(text)
        self._status = f"统计：{stats.year} 年受理服务请求 {stats.received:,} 项，已办结 {stats.closed:,} 项"
        self.statusChanged.emit(self._status)
        whole = sum(stats.satisfaction.get(level, 0) for level in self.satisfaction)
        for level, (bar, text) in self.satisfaction.items():
            part = stats.satisfaction.get(level, 0)
            bar.setValue(round(1000 * part / whole) if whole else 0)
            bar.setFormat(percent(part, whole))
            text.setText(f"{part:,} 项")

    def texts(self) -> dict[str, str]:
        """What the counts say (for tests and the status line)."""
        return {key: label.text() for key, label in self.count_labels.items()}
