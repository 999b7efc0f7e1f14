"""SQLite snapshots and durable file steps shared by backup, verify, restore and local snapshots.

A snapshot is taken with SQLite's online backup API in one step (``pages=-1``): one read
transaction copies every page, so writers carry on (WAL) and the copy is one consistent moment —
never a raw copy of the live file, whose committed pages may still sit in ``-wal``.

Durability: a file counts only once its bytes are fsynced, it has been renamed to its final name
and its folder has been fsynced (the rename itself is then on disk). Windows cannot open a folder
to fsync it; there NTFS journals the rename and ``os.replace`` is the last step.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from chang_shan.errors import DamagedBackup

HASH_BLOCK = 1 << 20


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def snapshot_database(source: Path, target: Path) -> None:
    """A consistent copy of the database at ``source`` into a new file ``target`` (fsynced)."""
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy, pages=-1)
            # The copy is a standalone file: no -wal beside it, whatever the source's mode.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        origin.close()
    fsync_file(target)


def table_counts(database: Path) -> dict[str, int]:
    """Rows per table (the program's tables; SQLite's own and FTS shadow tables left out)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        virtual = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        shadow = re.compile("^(" + "|".join(re.escape(v) for v in virtual) + ")_") if virtual else None
        return {name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                for name in names if not (shadow and shadow.match(name))}
    finally:
        connection.close()


def schema_revision(database: Path) -> str | None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def check_integrity(database: Path) -> None:
    """``PRAGMA integrity_check`` of a database taken out of a backup; ``DamagedBackup`` if not ok."""
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedBackup(f"备份中的数据库无法打开（{exc}）。", where="数据库") from None
    if result != ["ok"]:
        raise DamagedBackup(f"备份中的数据库未通过完整性检查：{result[0]}", where="数据库")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


# Local automatic snapshots ---------------------------------------------------------------------

SNAPSHOT_FOLDER = "snapshots"
SNAPSHOTS_KEPT = 7
_SNAPSHOT_NAME = re.compile(r"^chang-shan-(\d{4}-\d{2}-\d{2})\.sqlite3$")


def local_snapshot(db, *, now: datetime | None = None, keep: int = SNAPSHOTS_KEPT) -> Path | None:  # noqa: ANN001
    """At most one snapshot a day of the database into ``<data folder>/snapshots/``.

    The GUI calls it at start-up on its worker thread: it returns None at once when today's
    snapshot exists, else writes ``chang-shan-YYYY-MM-DD.sqlite3`` (temp name, fsync, rename,
    folder fsync) and keeps the newest ``keep`` (a week). Unencrypted like the database beside
    it; photos stay where they are. These are a quick way back on the same machine, not a backup:
    a backup leaves the building on a USB stick.
    """
    if db.engine.dialect.name != "sqlite":
        return None
    folder = db.data_dir.root / SNAPSHOT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    day = (now or datetime.now()).strftime("%Y-%m-%d")
    target = folder / f"chang-shan-{day}.sqlite3"
    if target.exists():
        return None
    part = folder / (target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        snapshot_database(db.data_dir.database, part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    fsync_dir(folder)
    snapshots = sorted(p for p in folder.iterdir() if _SNAPSHOT_NAME.match(p.name))
    for old in snapshots[:-keep]:
        old.unlink(missing_ok=True)
    return target
