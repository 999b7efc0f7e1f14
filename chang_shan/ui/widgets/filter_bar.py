"""The search box and filters above the resident table.

Typing is debounced (150 ms after the last keystroke) so one query runs per pause, not per key;
the combos and the checkbox apply at once. ``changed`` fires when the filter should re-run.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

DEBOUNCE_MS = 150


def age_band_choices() -> list[tuple[Any, str]]:
    """(value, label) for the age band combo, in the order of ``query.AGE_BANDS``."""
    from chang_shan.population.query import AGE_BAND_LABELS, AGE_BANDS

    if isinstance(AGE_BAND_LABELS, dict):
        return [(band, AGE_BAND_LABELS.get(band, str(band))) for band in AGE_BANDS]
    return list(zip(AGE_BANDS, AGE_BAND_LABELS, strict=False))


class FilterBar(QWidget):
    """``changed``: the filter should re-run. ``toResults``: ↓ or Enter in the search box, the
    user wants to go on to the table."""

    changed = Signal()
    toResults = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from chang_shan import codes

        self.search = QLineEdit()
        self.search.setPlaceholderText("查找：姓名、拼音首字母（如 zlc）、身份证号、电话、住址")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.search.setAccessibleName("查找居民")

        self.age_band = QComboBox()
        self.age_band.addItem("全部年龄", None)
        for value, label in age_band_choices():
            self.age_band.addItem(label, value)
        self.age_band.setAccessibleName("年龄段")

        self.group = QComboBox()
        self.group.addItem("全部人群", None)
        for name in codes.special_groups():
            self.group.addItem(name, name)
        self.group.setAccessibleName("人群类别")

        self.include_inactive = QCheckBox("含已迁出/已故")
        self.count = QLabel("")
        self.count.setMinimumWidth(120)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.age_band)
        layout.addWidget(self.group)
        layout.addWidget(self.include_inactive)
        layout.addStretch(0)
        layout.addWidget(self.count)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._apply_now)
        self.search.returnPressed.connect(self.toResults)
        self.search.installEventFilter(self)
        self.age_band.currentIndexChanged.connect(self._apply_now)
        self.group.currentIndexChanged.connect(self._apply_now)
        self.include_inactive.toggled.connect(self._apply_now)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key == Qt.Key.Key_Down:
                self.toResults.emit()
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _apply_now(self) -> None:
        self._debounce.stop()
        self.changed.emit()

    @property
    def pending(self) -> bool:
        """Typed, but the pause before searching has not passed yet."""
        return self._debounce.isActive()

    @property
    def text(self) -> str:
        return self.search.text().strip()

    def values(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "age_band": self.age_band.currentData(),
            "group": self.group.currentData(),
            "include_inactive": self.include_inactive.isChecked(),
        }

    def show_count(self, shown: int, loading: bool = False) -> None:
        self.count.setText("正在查找…" if loading else f"共 {shown:,} 人")

    def clear(self) -> None:
        """Back to everyone; one ``changed``, not four."""
        widgets = (self.search, self.age_band, self.group, self.include_inactive)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.clear()
            self.age_band.setCurrentIndex(0)
            self.group.setCurrentIndex(0)
            self.include_inactive.setChecked(False)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._apply_now()
