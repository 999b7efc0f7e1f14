"""Reading a backup back: decrypt every record, unpack, and check what came out.

``verify_backup`` unpacks into a temporary folder and removes it; ``unpack_backup`` is the same
work into a folder the caller keeps (restore stages the database and photos there). A backup
counts as good only when: every record's tag holds and the final record is there, the payload's
length and SHA-256 match the trailer, the database's SHA-256 matches the one taken when it was
written, ``PRAGMA integrity_check`` says ok, and every table has the rows the header promises.
"""

from __future__ import annotations

import gzip
import os
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from chang_shan.backup.container import BackupHeader, DecryptingReader, _open, read_header
from chang_shan.backup.snapshot import check_integrity, file_sha256, schema_revision, table_counts
from chang_shan.errors import DamagedBackup, NewerBackup
from chang_shan.progress import Progress, no_progress

DATABASE_NAME = "database.sqlite3"
FILES_PREFIX = "files"


@dataclass(frozen=True)
class BackupInfo:
    """A backup that was read whole and checked (``ok``), with what it holds."""

    path: Path
    header: BackupHeader
    counts: dict[str, int]
    files: int  # photos and scans
    size: int  # bytes of the backup file
    database_sha256: str
    ok: bool = True


def refuse_newer_schema(header: BackupHeader) -> None:
    from chang_shan.db.database import SCHEMA_HEAD

    if header.schema == SCHEMA_HEAD:
        return
    from chang_shan.db.migrate import is_known_revision

    if not is_known_revision(header.schema):
        raise NewerBackup(
            f"这个备份由更新版本的长山程序（{header.app_version}，数据库结构版本 {header.schema}）生成，"
            "本程序无法恢复。请安装最新版本的长山后再试。数据未做任何改动。"
        )


def verify_backup(path: str | os.PathLike[str], passphrase: str, *, progress: Progress = no_progress,
                  work_dir: Path | None = None) -> BackupInfo:
    """Read the whole backup and check it (see the module docstring); ``WrongPassphrase``,
    ``DamagedBackup``, ``NotABackup`` or ``NewerBackup`` otherwise. Nothing is kept."""
    with tempfile.TemporaryDirectory(dir=work_dir, prefix=".chang-shan-verify-") as folder:
        return unpack_backup(path, passphrase, Path(folder), progress=progress)


def _member_path(member: tarfile.TarInfo) -> PurePosixPath:
    name = PurePosixPath(member.name)
    allowed = (name == PurePosixPath(DATABASE_NAME) and member.isfile()) or (
        name.parts[:1] == (FILES_PREFIX,) and (member.isfile() or member.isdir()))
    if not allowed or ".." in name.parts or name.is_absolute():
        raise DamagedBackup(f"备份中有不应有的内容：{member.name}", where="内容")
    return name


def unpack_backup(path: str | os.PathLike[str], passphrase: str, folder: Path, *,
                  progress: Progress = no_progress) -> BackupInfo:
    """Decrypt and unpack into ``folder`` (``database.sqlite3`` and ``files/``), then check it."""
    source = Path(path)
    refuse_newer_schema(read_header(source))
    with _open(source) as handle:
        total = os.fstat(handle.fileno()).st_size
        reader = DecryptingReader(handle, passphrase)
        header = reader.header
        files = 0
        try:
            with gzip.GzipFile(fileobj=reader, mode="rb") as unzipped, \
                    tarfile.open(fileobj=unzipped, mode="r|") as archive:
                for member in archive:
                    name = _member_path(member)
                    archive.extract(member, folder, filter="data")
                    files += member.isfile() and name.parts[0] == FILES_PREFIX
                    progress(handle.tell(), total, "读取备份")
                unzipped.read()  # the end of the gzip stream (its own CRC)
        except (gzip.BadGzipFile, EOFError, tarfile.TarError, zlib.error) as exc:
            raise DamagedBackup(f"备份内容无法解开（{exc.__class__.__name__}）。", where="内容") from None
        trailer = reader.drain()
        progress(total, total, "核对备份")
    database = folder / DATABASE_NAME
    if not database.is_file():
        raise DamagedBackup("备份中没有数据库。", where="内容")
    digest = file_sha256(database)
    if digest != trailer.get("database_sha256") or files != trailer.get("files"):
        raise DamagedBackup("备份内容与写入时记录的校验值不一致。", where="内容")
    check_integrity(database)
    counts = table_counts(database)
    if counts != header.counts or schema_revision(database) != header.schema:
        raise DamagedBackup("备份中数据库的记录数与文件头不一致。", where="记录数")
    return BackupInfo(source, header, counts, files, total, digest)
