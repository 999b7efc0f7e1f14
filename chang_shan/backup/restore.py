"""Restoring a backup into a data folder: check everything first, keep the current data aside,
swap in one rename.

``restore_backup`` (under the data folder's lock: the window and every writer must be closed):

1. the header read and a newer backup refused; the permission checked (``Perm.RESTORE`` when
   the folder's current database has accounts — an empty folder on another machine has none);
2. the backup unpacked and checked whole (``verify.unpack_backup``) into
   ``<data folder>/.restore-staging/``; the staged database brought to this program's schema
   (an older backup is migrated here, before anything is replaced) and the restore recorded in
   its audit trail; left as one self-contained file (no ``-wal``), fsynced; ``plan.json`` written;
3. the current database checkpointed and copied (backup API) to
   ``safety-copies/before-restore-<time>/``;
4. **the swap**: ``os.replace`` of the staged database over the live one, folder fsynced. Before
   this rename the folder holds the old database, after it the restored one, both whole;
5. the photos and scans: the current ``files/`` moved into the same ``before-restore-…`` folder,
   the backup's ``files/`` moved in, the staging folder removed.

A restore killed before step 4 leaves the old data as it was (the staging folder is cleared next
time); one killed after step 4 is finished by ``finish_interrupted_restore`` (run by the next
restore, and to be run before opening a data folder), which completes step 5 from ``plan.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from chang_shan.backup.container import BackupHeader, read_header
from chang_shan.backup.snapshot import fsync_dir, fsync_file, snapshot_database
from chang_shan.backup.verify import DATABASE_NAME, FILES_PREFIX, refuse_newer_schema, unpack_backup
from chang_shan.db.database import RESTORE_STAGING
from chang_shan.db.lock import DataFolderLock
from chang_shan.errors import PermissionDenied
from chang_shan.paths import DataDir
from chang_shan.progress import Progress, no_progress

STAGING = RESTORE_STAGING  # finished or discarded by Database.open after a kill
PLAN = "plan.json"


@dataclass(frozen=True)
class RestoreResult:
    header: BackupHeader
    counts: dict[str, int]  # rows per table as the backup held them
    files: int
    aside: Path | None  # where the data that was replaced was kept (None: the folder was empty)
    migrated: bool  # the backup's schema was older and was upgraded


def has_accounts_in(database: Path) -> bool:
    if not database.exists():
        return False
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return bool(connection.execute("SELECT count(*) FROM user_account").fetchone()[0])
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _require_restore(data_dir: DataDir, actor) -> None:  # noqa: ANN001 - Actor | None
    from chang_shan.accounts.permissions import Perm

    if not has_accounts_in(data_dir.database):
        return
    if actor is None or not actor.can(Perm.RESTORE):
        raise PermissionDenied("只有管理员可以从备份恢复（会替换整个数据库）。")


def _single_file(database: Path) -> None:
    """Fold any ``-wal`` into the file and leave it in rollback mode: one file, safe to move."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    fsync_file(database)


def _prepare_staged(stage: DataDir, header: BackupHeader, backup: Path, actor) -> bool:  # noqa: ANN001
    """Migrate the staged database if older; record the restore in it. Returns whether migrated."""
    from chang_shan.audit.events import record_event
    from chang_shan.db.database import SCHEMA_HEAD, Database

    os.replace(stage.root / DATABASE_NAME, stage.database)
    migrated = header.schema != SCHEMA_HEAD
    db = Database.open(stage)
    try:
        action = f"从备份恢复：{backup.name}（{header.created}）"
        with db.transaction(action, actor=actor) as session:
            record_event(session, "restore", action, user_name=getattr(actor, "username", "") or "", detail={
                "file": backup.name, "created": header.created, "schema": header.schema,
                "app_version": header.app_version, "migrated": migrated,
            })
    finally:
        db.close()
    _single_file(stage.database)
    return migrated


def restore_backup(data_dir: DataDir, path: str | os.PathLike[str], passphrase: str, *,
                   progress: Progress = no_progress, actor=None, now: datetime | None = None) -> RestoreResult:  # noqa: ANN001
    """Replace the data folder's database and photos with the backup's (module docstring).

    ``actor``: the signed-in account (``Perm.RESTORE`` needed once the folder has accounts).
    ``AlreadyRunning`` when the folder is open elsewhere (close the window first)."""
    backup = Path(path).absolute()
    header = read_header(backup)
    refuse_newer_schema(header)
    data_dir.root.mkdir(parents=True, exist_ok=True)
    with DataFolderLock(data_dir.lock_file):
        finish_interrupted_restore(data_dir)
        _require_restore(data_dir, actor)
        staging = data_dir.root / STAGING
        staging.mkdir()
        try:
            info = unpack_backup(backup, passphrase, staging, progress=progress)
            (staging / FILES_PREFIX).mkdir(exist_ok=True)
            progress(0, 1, "准备恢复")
            migrated = _prepare_staged(DataDir(staging), info.header, backup, actor)
            stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
            aside = data_dir.safety_copies / f"before-restore-{stamp}"
            plan = {"backup": str(backup), "aside": str(aside), "database": DataDir(staging).database.name}
            _write_durably(staging / PLAN, json.dumps(plan, ensure_ascii=False).encode("utf-8"))
            fsync_dir(staging)
            kept = _set_aside(data_dir, aside)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # before the swap: the old data stays
            raise
        os.replace(DataDir(staging).database, data_dir.database)  # the swap
        fsync_dir(data_dir.root)
        _finish_files(data_dir, staging, aside)
        progress(1, 1, "恢复完成")
    return RestoreResult(info.header, info.counts, info.files, aside if kept else None, migrated)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _set_aside(data_dir: DataDir, aside: Path) -> bool:
    """A whole copy of the current database in ``aside``; False when the folder had none."""
    database = data_dir.database
    if not database.exists():
        return False
    aside.mkdir(parents=True, exist_ok=True)
    _single_file(database)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    snapshot_database(database, aside / database.name)
    fsync_dir(aside)
    return True


def _finish_files(data_dir: DataDir, staging: Path, aside: Path) -> None:
    """Step 5: the old ``files/`` aside, the backup's in place, the staging folder gone. Safe to
    run again after a kill at any point of it."""
    incoming = staging / FILES_PREFIX
    if incoming.exists():
        if data_dir.files.exists():
            if any(data_dir.files.iterdir()):
                aside.mkdir(parents=True, exist_ok=True)
                os.replace(data_dir.files, aside / FILES_PREFIX)
            else:
                data_dir.files.rmdir()
        os.replace(incoming, data_dir.files)
        fsync_dir(data_dir.root)
    shutil.rmtree(staging)


def finish_interrupted_restore(data_dir: DataDir) -> bool:
    """Complete or discard a restore that was killed: after the swap it is finished (the photos
    moved in), before it the staging folder is removed and the old data stays. Call it with the
    folder's lock held (``restore_backup`` does). Returns True when a restore was finished."""
    staging = data_dir.root / STAGING
    if not staging.exists():
        return False
    try:
        plan = json.loads((staging / PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plan = None
    swapped = plan is not None and not (staging / plan["database"]).exists()
    if not swapped:
        shutil.rmtree(staging)
        return False
    _finish_files(data_dir, staging, Path(plan["aside"]))
    return True
