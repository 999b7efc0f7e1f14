"""Taking a backup: snapshot, pack, encrypt, write durably, read back, and only then count it.

Steps (``create_backup``):

1. a consistent snapshot of the database (SQLite's backup API, ``snapshot.snapshot_database``) into
   a temporary folder inside the data folder, its rows per table counted for the header;
2. the space needed (the snapshot plus the photos and scans, an upper bound) checked against the
   target's free space and FAT32's 4 GiB file limit, before anything is written there;
3. ``<name>.part`` written: the header, then the tar of ``database.sqlite3`` and ``files/``,
   gzip-compressed, encrypted in records (``container``); flushed and fsynced;
4. renamed to ``chang-shan-YYYY-MM-DD-HHMM.csbak`` (never over an existing file), folder fsynced,
   the file's pages dropped from the cache where the system allows, so step 5 reads the stick;
5. read back whole (``verify.verify_backup``) and compared with the snapshot's SHA-256; a file
   that fails is removed and the backup reported as failed;
6. recorded: an audit event and the last verified backup (``record``), then the target thinned
   (``rotation.thin_backups``, never the newest verified backup).

A failure or a cancel at any step removes the ``.part`` file; no file ever has the final name
before it is whole, and earlier backups are never touched (the name is new).

Who may back up: accounts with ``Perm.EXPORT`` that are not limited to some grids — 管理员 and
社区工作者 (a 社区工作者 takes the weekly backup home; the file holds every ledger, health and wills
included, but only encrypted). A 网格员 or 只读 account may not. A folder without accounts (first
start) may be backed up by whoever uses it.
"""

from __future__ import annotations

import gzip
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan import __version__
from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.backup import target as target_space
from chang_shan.backup.container import CHUNK_SIZE, TAG, BackupHeader, EncryptingWriter
from chang_shan.backup.record import record_last_backup
from chang_shan.backup.snapshot import file_sha256, fsync_dir, schema_revision, snapshot_database, table_counts
from chang_shan.backup.verify import DATABASE_NAME, FILES_PREFIX, BackupInfo, verify_backup
from chang_shan.errors import DamagedBackup, DomainError, EnvironmentProblem, PermissionDenied
from chang_shan.progress import Progress, no_progress

SUFFIX = ".csbak"
NAME_FORMAT = "chang-shan-%Y-%m-%d-%H%M"
MIN_PASSPHRASE = 8
# What a person sees of a backup's counts (the header also holds every table's rows).
SUMMARY_TABLES = {"residents": "resident", "households": "household", "health_profiles": "health_profile",
                  "health_visits": "health_visit", "wills": "will_registration", "service_requests": "service_request",
                  "accounts": "user_account", "audit_entries": "change_set"}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    header: BackupHeader
    verified: bool = True
    removed: tuple[Path, ...] = ()  # older backups thinned away


def require_backup(session: Session) -> None:
    """``PermissionDenied`` unless the signed-in account may take a backup (module docstring)."""
    from chang_shan.accounts.users import has_accounts

    actor = actor_of(session)
    if actor is None and not has_accounts(session):
        return
    actor = require(session, Perm.EXPORT, what="备份")
    if actor.grid_ids is not None:
        raise PermissionDenied("网格员账户不能备份整个数据库（备份包含所有台账）。请由社区工作者或管理员备份。")


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise DomainError(f"备份密码至少要 {MIN_PASSPHRASE} 个字符。")


def backup_name(target_dir: Path, when: datetime) -> Path:
    """A name not yet taken in ``target_dir`` (a second backup in one minute gets ``-2``)."""
    stem = when.strftime(NAME_FORMAT)
    candidate, number = target_dir / f"{stem}{SUFFIX}", 1
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        number += 1
        candidate = target_dir / f"{stem}-{number}{SUFFIX}"
    return candidate


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def upper_bound(database_bytes: int, files: list[Path]) -> int:
    """Bytes the backup can take at most (gzip never grows data by more than a little)."""
    raw = database_bytes + sum(f.stat().st_size for f in files) + 1024 * (len(files) + 2)
    return raw + raw // 500 + (raw // CHUNK_SIZE + 2) * (TAG + 5) + (1 << 16)


def _header(snapshot: Path, now: datetime, files: int) -> dict:
    counts = table_counts(snapshot)
    summary = {key: counts.get(table, 0) for key, table in SUMMARY_TABLES.items()}
    summary["files"] = files
    return {"app": "chang-shan", "app_version": __version__, "schema": schema_revision(snapshot) or "",
            "created": now.isoformat(timespec="seconds"), "counts": counts, "summary": summary,
            "compression": "tar+gzip"}


def _drop_cache(path: Path) -> None:
    """Ask the system to forget the file's pages so reading it back reads the stick."""
    if not hasattr(os, "posix_fadvise"):
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def write_backup_file(part: Path, header: dict, passphrase: str, snapshot: Path, files_root: Path,
                      files: list[Path], *, total: int, progress: Progress) -> dict:
    """Write the whole backup to ``part`` and fsync it; returns the trailer."""
    done = 0

    def add(archive: tarfile.TarFile, source: Path, name: str) -> None:
        nonlocal done
        archive.add(source, arcname=name, recursive=False)
        done += source.stat().st_size
        progress(done, total, "写入备份")

    with open(part, "wb") as handle:
        writer = EncryptingWriter(handle, header, passphrase)
        with gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=6, mtime=0) as packed, \
                tarfile.open(fileobj=packed, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            add(archive, snapshot, DATABASE_NAME)
            for path in files:
                add(archive, path, f"{FILES_PREFIX}/{path.relative_to(files_root).as_posix()}")
        trailer = writer.finish({"database_sha256": file_sha256(snapshot), "files": len(files)})
        handle.flush()
        os.fsync(handle.fileno())
    return trailer


WORK_PREFIX = ".backup-"


def clear_leftovers(data_root: Path, target: Path) -> None:
    """Remove what a killed backup left: its snapshot folder in the data folder (an unencrypted
    copy of the database) and its ``.part`` file on the stick. The program holds the data folder's
    lock while it runs, so no other backup of this folder is under way."""
    import shutil

    for work in data_root.glob(WORK_PREFIX + "*"):
        if work.is_dir():
            shutil.rmtree(work, ignore_errors=True)
    for part in target.glob(f"chang-shan-*{SUFFIX}.part"):
        try:
            part.unlink()
        except OSError:
            pass  # a stick pulled out, a read-only file: the next backup tries again


def create_backup(db, target_dir: str | os.PathLike[str], passphrase: str, *,  # noqa: ANN001 - Database
                  progress: Progress = no_progress, now: datetime | None = None, thin: bool = True) -> BackupResult:
    """Back up ``db`` (database, photos, scans) into ``target_dir``; see the module docstring."""
    if db.engine.dialect.name != "sqlite":
        raise EnvironmentProblem("只有单机版（SQLite）数据库可以备份到U盘；服务器数据库请用服务器自己的备份。")
    check_passphrase(passphrase)
    folder = Path(target_dir).expanduser().absolute()
    if not folder.is_dir():
        raise DomainError(f"备份位置 {folder} 不存在或不是文件夹。请确认U盘已插好。")
    with db.reader() as session:
        require_backup(session)
    when = (now or datetime.now()).astimezone()
    files_root = db.data_dir.files
    clear_leftovers(db.data_dir.root, folder)
    with tempfile.TemporaryDirectory(dir=db.data_dir.root, prefix=WORK_PREFIX) as work:
        snapshot = Path(work) / DATABASE_NAME
        progress(0, 1, "生成数据库快照")
        snapshot_database(db.data_dir.database, snapshot)
        files = _files(files_root)
        header = _header(snapshot, when, len(files))
        needed = upper_bound(snapshot.stat().st_size, files)
        target_space.check_room(folder, needed)
        final = backup_name(folder, when)
        part = final.with_name(final.name + ".part")
        total = snapshot.stat().st_size + sum(f.stat().st_size for f in files)
        try:
            try:
                trailer = write_backup_file(part, header, passphrase, snapshot, files_root, files,
                                            total=total, progress=progress)
                os.replace(part, final)
                fsync_dir(folder)
            except OSError as exc:
                raise target_space.write_failure(exc, folder) from exc
        finally:
            _remove_quietly(part)
        try:
            _drop_cache(final)
            info = verify_backup(final, passphrase, progress=progress, work_dir=Path(work))
            if info.database_sha256 != trailer["database_sha256"]:
                raise DamagedBackup("写入后读回的数据库与快照不一致。", where="内容")
        except BaseException as exc:
            _remove_quietly(final)
            if isinstance(exc, DamagedBackup):
                raise DamagedBackup(
                    f"备份写入后核对失败（{exc.where or exc.message}），已删除这个备份文件。"
                    "U盘可能有坏块或被拔出，请换一个U盘再试。", where=exc.where) from exc
            if isinstance(exc, OSError):
                raise target_space.write_failure(exc, folder) from exc
            raise
    _record(db, info, when)
    removed: tuple[Path, ...] = ()
    if thin:
        from chang_shan.backup.rotation import thin_backups

        removed = tuple(thin_backups(folder, protect=final))
    return BackupResult(final, info.size, info.header, True, removed)


def _record(db, info: BackupInfo, when: datetime) -> None:  # noqa: ANN001
    from chang_shan.audit.events import record_event

    action = f"备份到 {info.path.parent}（{info.path.name}，已核对）"
    with db.transaction(action) as session:
        record_event(session, "backup", action, detail={
            "file": info.path.name, "folder": str(info.path.parent), "size": info.size,
            "schema": info.header.schema, "files": info.files,
        })
        record_last_backup(session, when, info.path, info.size)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a stick pulled out: nothing more can be done there
        pass
