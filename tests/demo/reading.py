"""Reading the shared demo in module-scoped fixtures (the ``demo_db`` fixture is per test)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.db.database import Database
from chang_shan.demo.builder import DemoSummary
from chang_shan.paths import DataDir


@contextmanager
def demo_session(demo: tuple[DataDir, DemoSummary]) -> Iterator[Session]:
    """A session on the shared demo, opened without the folder lock (read only)."""
    database = Database.open(demo[0], lock=False)
    try:
        with database.sessions() as session:
            yield session
    finally:
        database.close()


def pct(part: int, whole: int) -> float:
    return part / whole * 100 if whole else 0.0


def grouped(session: Session, model: Any, key: str) -> dict[int, list[Any]]:
    """The rows of ``model`` by the value of their column ``key`` (a parent's id), in id order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(model).order_by(model.id)):
        groups[getattr(row, key)].append(row)
    return groups
