"""Python's cyclic garbage collector runs only on the GUI thread, while the worker is idle.

Left alone, the collector starts in whichever thread happens to allocate: often the database
worker (SQLAlchemy makes many objects), which may then destroy Qt objects of the GUI thread from the
wrong thread, or the GUI thread may collect while the worker is half-way through Python code that
shares those objects. Either can crash PySide (seen once in the test suite as a segmentation fault
"Garbage-collecting" during a screen's query). Anki (aqt/qt GarbageCollector) solves the same
problem the same way: automatic collection off, a timer on the GUI thread collects.
Reference counting still frees almost everything at once; only reference cycles wait for the timer.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 10_000


class GarbageCollector(QObject):
    def __init__(self, is_idle: Callable[[], bool], parent: QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._is_idle = is_idle
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> int:
        """Collect now if the worker is idle; the number of unreachable objects found (0 when skipped)."""
        if not self._is_idle():
            return 0
        return gc.collect()

    def stop(self) -> None:
        self.timer.stop()
        if self._was_enabled:
            gc.enable()
