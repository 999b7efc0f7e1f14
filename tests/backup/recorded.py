"""A verified backup recorded the way the backup service records one (for the reminder's tests)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from chang_shan.db.database import Database


def record_backup(db: Database, when: datetime, path: Path, size: int = 1234) -> None:
    from chang_shan.db.models import AppMeta

    with db.reader() as session, session.begin():
        session.merge(AppMeta(key="backup.last_verified", value=json.dumps(
            {"at": when.isoformat(), "target": str(path.parent), "path": str(path), "size": size})))
