"""A verified backup recorded the way the backup service records one (for the reminder's tests)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from chang_shan.backup.record import record_last_backup
from chang_shan.db.database import Database


def record_backup(db: Database, when: datetime, path: Path, size: int = 1234) -> None:
    with db.reader() as session, session.begin():
        record_last_backup(session, when.astimezone(), path, size)
