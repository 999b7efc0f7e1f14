"""A demo community built once per test run, and cheap copies of it for tests that write.

Building the demo takes a second or two; a test that needs its own database copies the file
(SQLite backup API) instead of building again.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from chang_shan.db.database import Database
from chang_shan.demo.builder import DemoSummary, build_demo
from chang_shan.paths import DataDir

SEED = 20261121
TODAY = date(2026, 11, 21)  # fixed, so the same data come out whatever day the tests run

_built: dict[tuple[int, int], tuple[DataDir, DemoSummary]] = {}


def demo_template(root: Path, *, scale: int = 1, seed: int = SEED) -> tuple[DataDir, DemoSummary]:
    """Build (once per process) a demo data folder under ``root``. Treat it as read-only."""
    key = (scale, seed)
    if key not in _built:
        data_dir = DataDir(root / f"demo-s{scale}-{seed}")
        with Database.open(data_dir) as db:
            summary = build_demo(db, scale=scale, seed=seed, today=TODAY)
        _built[key] = (data_dir, summary)
    return _built[key]


def copy_data_dir(source: DataDir, target: Path) -> DataDir:
    """A writable copy of a data folder's database (consistent even if WAL is in use)."""
    copy = DataDir(target)
    copy.ensure()
    src = sqlite3.connect(source.database)
    dst = sqlite3.connect(copy.database)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return copy
