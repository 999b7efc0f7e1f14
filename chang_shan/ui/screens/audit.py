"""审计记录 (administrators): placeholder while the trail service is written."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class AuditScreen(QWidget):
    title = "审计记录"
    statusChanged = Signal(str)

    def __init__(self, ops, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ops = ops
        QVBoxLayout(self).addWidget(QLabel("审计记录"))

    def start(self) -> None:
        self.statusChanged.emit("审计记录")
