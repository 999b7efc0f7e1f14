"""The 统计 tab of the 居民健康库 screen: ``health.stats.health_statistics`` as plain widgets —
chronic conditions by grid (a table with a 合计 row), self-care levels of people aged 60+ and the
visit coverage (a bar and the counts for each rate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.health.codes import CHRONIC_CODES, SELF_CARE_LEVELS, disease
from chang_shan.ui.widgets.tables import size_to_contents, summary_table

if TYPE_CHECKING:
    from chang_shan.health.stats import HealthStatistics

SHORT_NAMES = {"5": "慢阻肺", "8": "严重精神障碍"}  # 慢性阻塞性肺疾病 is too wide for a column
UNASSESSED = "未评估"


def chronic_columns() -> list[str]:
    names = [SHORT_NAMES.get(code, disease().label(code)) for code in CHRONIC_CODES]
    return ["网格", "居民", "60岁以上", "有健康档案", *names, "患任一慢病"]


def chronic_rows(stats: HealthStatistics) -> list[list[int | str]]:
    """One row per grid, then 合计."""
    rows: list[list[int | str]] = []
    for grid in stats.chronic_by_grid:
        rows.append([grid.grid_name, grid.residents, grid.aged_60_plus, grid.with_profile,
                     *(grid.counts.get(code, 0) for code in CHRONIC_CODES), grid.any_chronic])
    if rows:
        totals = [sum(int(row[i]) for row in rows) for i in range(1, len(rows[0]))]
        rows.append(["合计", *totals])
    return rows


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def coverage_items(stats: HealthStatistics) -> list[tuple[str, int, int, str]]:
    """(what, done, of, explanation) for each coverage rate."""
    return [
        ("包保对象走访率", stats.care_targets_visited, stats.care_targets,
         "独居或需照护的老人，在设定天数内走访过的"),
        ("慢病按时随访率", stats.follow_up_on_time, stats.follow_up_patients,
         "高血压、糖尿病、严重精神障碍患者，90 天内随访或年度体检过的"),
        ("65岁以上年度体检率", stats.yearly_checks_done, stats.aged_65_plus, "今年已做年度体检的"),
    ]


class HealthStatsView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(12)

        self.as_of = QLabel("")
        self.as_of.setObjectName("statsDate")
        self.as_of.setStyleSheet("color: #555555;")
        layout.addWidget(self.as_of)

        chronic_box = QGroupBox("各网格慢性病人数（按既往史）")
        chronic_layout = QVBoxLayout(chronic_box)
        columns = chronic_columns()
        self.chronic = summary_table(columns, "chronicByGrid", row_height=1.6)
        chronic_layout.addWidget(self.chronic, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(chronic_box)

        lower = QHBoxLayout()
        lower.setSpacing(12)
        dependency_box = QGroupBox("60岁以上老人生活自理能力")
        self._dependency_grid = QGridLayout(dependency_box)
        self._dependency_grid.setHorizontalSpacing(16)
        self.dependency_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for row, level in enumerate((*SELF_CARE_LEVELS, UNASSESSED)):
            count, share = QLabel("—"), QLabel("")
            count.setObjectName(f"dependency_{level}")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share.setStyleSheet("color: #555555;")
            self._dependency_grid.addWidget(QLabel(level), row, 0)
            self._dependency_grid.addWidget(count, row, 1)
            self._dependency_grid.addWidget(share, row, 2)
            self.dependency_labels[level] = (count, share)
        self._dependency_grid.setColumnStretch(3, 1)
        self._dependency_grid.setRowStretch(len(self.dependency_labels), 1)
        lower.addWidget(dependency_box, 1)

        coverage_box = QGroupBox("随访覆盖")
        self._coverage_grid = QGridLayout(coverage_box)
        self._coverage_grid.setHorizontalSpacing(12)
        self.coverage_bars: dict[str, QProgressBar] = {}
        self.coverage_texts: dict[str, QLabel] = {}
        lower.addWidget(coverage_box, 2)
        layout.addLayout(lower)
        layout.addStretch(1)
        self.setWidget(body)

    def show_statistics(self, stats: HealthStatistics, on: Any) -> None:
        self.as_of.setText(f"统计日期：{on:%Y-%m-%d}。只统计在册居民；数字为人数。")
        rows = chronic_rows(stats)
        self.chronic.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.chronic.setItem(r, c, item)
        size_to_contents(self.chronic)

        assessed_or_not = sum(stats.dependency.get(level, 0) for level in self.dependency_labels)
        for level, (count, share) in self.dependency_labels.items():
            value = stats.dependency.get(level, 0)
            count.setText(f"{value:,} 人")
            share.setText(percent(value, assessed_or_not))

        for row, (what, done, whole, explain) in enumerate(coverage_items(stats)):
            bar = self.coverage_bars.get(what)
            if bar is None:
                bar = QProgressBar()
                bar.setObjectName(f"coverage_{what}")
                bar.setRange(0, 1000)
                bar.setTextVisible(True)
                text = QLabel()
                text.setObjectName(f"coverageText_{what}")
                note = QLabel(explain)
                note.setStyleSheet("color: #555555;")
                self._coverage_grid.addWidget(QLabel(what), row * 2, 0)
                self._coverage_grid.addWidget(bar, row * 2, 1)
                self._coverage_grid.addWidget(text, row * 2, 2)
                self._coverage_grid.addWidget(note, row * 2 + 1, 1, 1, 2)
                self._coverage_grid.setColumnStretch(1, 1)
                self.coverage_bars[what], self.coverage_texts[what] = bar, text
            bar.setValue(round(1000 * done / whole) if whole else 0)
            bar.setFormat(percent(done, whole))
            self.coverage_texts[what].setText(f"{done:,} / {whole:,} 人")
