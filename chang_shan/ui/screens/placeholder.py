"""A ledger that is not in this version yet: says so plainly, in large text."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

NOT_YET = "尚未开放，将在后续版本提供"


class PlaceholderScreen(QWidget):
    statusChanged = Signal(str)

    def __init__(self, title: str, description: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        heading = QLabel(title)
        heading.setObjectName("placeholderTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.message = QLabel(NOT_YET)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setObjectName("placeholderMessage")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        if description:
            detail = QLabel(description)
            detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
            detail.setWordWrap(True)
            detail.setStyleSheet("color: #555555;")
            layout.addWidget(detail)
        layout.addStretch(3)

    def start(self) -> None:
        self.statusChanged.emit(f"{self.title}：{NOT_YET}")
