"""The garbage collector runs on the GUI thread only, and only while no database call is running."""

from __future__ import annotations

import gc
import threading

from chang_shan.db.database import Database
from chang_shan.ui.gc_guard import GarbageCollector
from chang_shan.ui.ops import Operations


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collects_cycles_only_when_every_worker_is_idle(qapp, qtbot, db: Database) -> None:  # noqa: ANN001
    ops = Operations(db)
    collector = GarbageCollector(Operations.all_idle, interval_ms=60_000)
    try:
        assert not gc.isenabled()
        release = threading.Event()
        ops.run(lambda: release.wait(10))  # a long database call on the worker
        _Cycle()
        assert not Operations.all_idle()
        assert collector.collect() == 0  # skipped: the worker is running
        release.set()
        qtbot.waitUntil(Operations.all_idle)
        _Cycle()
        assert collector.collect() >= 1  # the cycle is found now
    finally:
        collector.stop()
        ops.shutdown()
    assert Operations.all_idle()


def test_shutdown_settles_calls_that_will_never_be_delivered(qapp, db: Database) -> None:  # noqa: ANN001
    ops = Operations(db)
    started = threading.Event()
    ops.run(lambda: started.set())
    started.wait(5)
    ops.shutdown()  # the result's delivery is still queued on the GUI thread
    assert Operations.all_idle()
    qapp.processEvents()  # the late delivery changes nothing
    assert Operations.all_idle()
