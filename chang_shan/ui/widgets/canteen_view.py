"""The base of the 乐龄食堂 tab's three views: each loads when first shown, says what it shows in
the status line, and reloads after a saved change (``ops.changed``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class CanteenView(QWidget):
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.started = False
        self._request = 0  # answers to older queries (the user moved on meanwhile) are dropped

    def today(self) -> date:
        return date.today()

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.reload()
        else:
            self.statusChanged.emit(self.status_text())

    def next_request(self) -> int:
        self._request += 1
        return self._request

    def is_current(self, request: int) -> bool:
        return request == self._request

    def on_data_changed(self) -> None:
        if self.started:
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def status_text(self) -> str:
        raise NotImplementedError
