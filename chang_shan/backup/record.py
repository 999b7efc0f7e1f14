"""The last verified backup, kept in ``app_meta`` (key ``backup.last_verified``, JSON) for the
today list's reminder and the backup dialog: when, where to (the folder), the file and its size.

Written in the same transaction as the backup's audit event, only after the file was read back
and checked; a failed or unchecked backup never moves it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.db.models import AppMeta

LAST_BACKUP_KEY = "backup.last_verified"


@dataclass(frozen=True)
class LastBackup:
    created_at: datetime  # aware (local time with its offset)
    target: Path  # the folder (a USB stick)
    path: Path  # the file
    size: int


def last_backup(session: Session) -> LastBackup | None:
    meta = session.get(AppMeta, LAST_BACKUP_KEY)
    if meta is None:
        return None
    try:
        data = json.loads(meta.value)
        return LastBackup(datetime.fromisoformat(data["created_at"]), Path(data["target"]),
                          Path(data["path"]), int(data["size"]))
    except (ValueError, KeyError, TypeError):
        return None


def record_last_backup(session: Session, created_at: datetime, path: Path, size: int) -> None:
    value = json.dumps({"created_at": created_at.isoformat(), "target": str(path.parent),
                        "path": str(path), "size": size}, ensure_ascii=False)
    session.merge(AppMeta(key=LAST_BACKUP_KEY, value=value[:4000]))
