"""create_backup and verify_backup on a real data folder: round trip, a backup while another thread
writes, failures midway (no space, I/O error), the space and FAT32 checks, verification after
writing, the record of the last verified backup."""

from __future__ import annotations

import errno
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from chang_shan.backup import container, create, target
from chang_shan.backup.create import create_backup
from chang_shan.backup.record import last_backup
from chang_shan.backup.verify import unpack_backup, verify_backup
from chang_shan.db.models import ChangeSet
from chang_shan.errors import BackupTargetProblem, DamagedBackup, PermissionDenied, WrongPassphrase

from conftest import PASSPHRASE, RARE

pytestmark = pytest.mark.usefixtures("fast_kdf")


def test_round_trip_keeps_rare_characters_and_photos(filled, stick: Path, tmp_path: Path) -> None:
    result = create_backup(filled, stick, PASSPHRASE, now=datetime(2026, 11, 21, 15, 30))
    assert result.path == stick / "chang-shan-2026-11-21-1530.csbak" and result.verified
    assert [p.name for p in stick.iterdir()] == [result.path.name]  # no .part left
    assert result.header.summary["files"] == 2
    out = tmp_path / "out"
    out.mkdir()
    info = unpack_backup(result.path, PASSPHRASE, out)
    assert info.files == 2 and info.counts == result.header.counts
    connection = sqlite3.connect(out / "database.sqlite3")
    assert connection.execute("SELECT value FROM app_meta WHERE key = 'test.name'").fetchone() == (RARE,)
    connection.close()
    photo = out / "files" / "photos" / "𠀀" / "王𠀀明.jpg"
    assert photo.read_bytes() == (filled.data_dir.files / "photos" / "𠀀" / "王𠀀明.jpg").read_bytes()


def test_second_backup_in_the_same_minute_gets_its_own_name(db, stick: Path) -> None:
    when = datetime(2026, 11, 21, 15, 30)
    first = create_backup(db, stick, PASSPHRASE, now=when)
    second = create_backup(db, stick, PASSPHRASE, now=when, thin=False)
    assert second.path.name == "chang-shan-2026-11-21-1530-2.csbak"
    assert first.path.exists()
    third = create_backup(db, stick, PASSPHRASE, now=when)  # thinned: the newest of the day stays
    assert [p.name for p in stick.iterdir()] == [third.path.name] and set(third.removed) == {first.path, second.path}


def test_backup_while_another_thread_writes_is_consistent(db, stick: Path, tmp_path: Path) -> None:
    stop, written = threading.Event(), []

    def writer() -> None:
        from chang_shan.db.models import AppMeta

        number = 0
        while not stop.is_set():
            with db.transaction("test") as session:  # two rows in one commit: both or neither
                session.add(AppMeta(key=f"w.{number:06d}.a", value=RARE))
                session.add(AppMeta(key=f"w.{number:06d}.b", value=RARE))
            written.append(number)
            number += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        result = create_backup(db, stick, PASSPHRASE)
    finally:
        stop.set()
        thread.join()
    out = tmp_path / "out"
    out.mkdir()
    unpack_backup(result.path, PASSPHRASE, out)  # integrity_check and counts checked inside
    connection = sqlite3.connect(out / "database.sqlite3")
    keys = [row[0] for row in connection.execute("SELECT key FROM app_meta WHERE key LIKE 'w.%' ORDER BY key")]
    connection.close()
    commits = len(keys) // 2
    assert commits >= 20
    # a prefix of the commits (one moment, no gaps), each whole (never one row of a pair)
    assert keys == [f"w.{n:06d}.{part}" for n in range(commits) for part in "ab"]


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "空间用完"), (errno.EIO, "可能已被拔出")])
def test_write_failing_midway_leaves_no_file_and_earlier_backups_intact(
        filled, stick: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    earlier = create_backup(filled, stick, PASSPHRASE, now=datetime(2026, 11, 1, 9, 0))
    before = earlier.path.read_bytes()
    real, calls = container.write_all, []

    def failing(handle, data: bytes) -> None:  # noqa: ANN001
        calls.append(len(data))
        if len(calls) == 3:
            raise OSError(code, "simulated")
        real(handle, data)

    monkeypatch.setattr(container, "write_all", failing)
    with pytest.raises(BackupTargetProblem, match=words) as failure:
        create_backup(filled, stick, PASSPHRASE, now=datetime(2026, 11, 21, 15, 30))
    assert "已有的备份未受影响" in failure.value.message or code == errno.EIO
    assert sorted(p.name for p in stick.iterdir()) == [earlier.path.name]
    assert earlier.path.read_bytes() == before
    assert verify_backup(earlier.path, PASSPHRASE).ok
    with filled.reader() as session:
        assert last_backup(session).path == earlier.path  # the failed one never counted


def test_failed_check_after_writing_removes_the_file(db, stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def flip_then_verify(path, passphrase, **kwargs):  # noqa: ANN001, ANN202 - a bad block on the stick
        data = bytearray(Path(path).read_bytes())
        data[-100] ^= 0x10
        Path(path).write_bytes(bytes(data))
        return verify_backup(path, passphrase, **kwargs)

    monkeypatch.setattr(create, "verify_backup", flip_then_verify)
    with pytest.raises(DamagedBackup, match="核对失败"):
        create_backup(db, stick, PASSPHRASE)
    assert list(stick.iterdir()) == []
    with db.reader() as session:
        assert last_backup(session) is None


def test_no_room_is_said_before_writing(db, stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(target, "free_bytes", lambda folder: 100_000)
    with pytest.raises(BackupTargetProblem, match="剩余空间不足"):
        create_backup(db, stick, PASSPHRASE)
    assert list(stick.iterdir()) == []


def test_fat32_limit_is_said_before_writing(db, stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(create, "upper_bound", lambda *args: 5 << 30)
    monkeypatch.setattr(target, "free_bytes", lambda folder: 64 << 30)
    monkeypatch.setattr(target, "filesystem_of", lambda folder: "vfat")
    with pytest.raises(BackupTargetProblem, match="FAT32"):
        create_backup(db, stick, PASSPHRASE)
    assert list(stick.iterdir()) == []
    monkeypatch.setattr(target, "filesystem_of", lambda folder: "exfat")
    assert create_backup(db, stick, PASSPHRASE).verified  # exFAT has no such limit


def test_upper_bound_covers_incompressible_files(filled, stick: Path, tmp_path: Path) -> None:
    import os

    (filled.data_dir.files / "noise.jpg").write_bytes(os.urandom(3 << 20))
    files = create._files(filled.data_dir.files)
    result = create_backup(filled, stick, PASSPHRASE)
    assert result.size <= create.upper_bound(filled.data_dir.database.stat().st_size, files)


def test_backup_is_audited_and_recorded(db, stick: Path) -> None:
    result = create_backup(db, stick, PASSPHRASE, now=datetime(2026, 11, 21, 15, 30))
    with db.reader() as session:
        record = last_backup(session)
        kinds = session.scalars(select(ChangeSet.kind)).all()
    assert record.path == result.path and record.target == stick and record.size == result.size
    assert record.created_at.replace(tzinfo=None) == datetime(2026, 11, 21, 15, 30)
    assert "backup" in kinds


def test_wrong_passphrase_on_verify(db, stick: Path) -> None:
    result = create_backup(db, stick, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        verify_backup(result.path, PASSPHRASE + "x")


def test_grid_worker_may_not_back_up(db, stick: Path) -> None:
    from chang_shan.accounts.permissions import actor_for

    db.actor = actor_for("grid", "网格员", grid_ids=[1])
    with pytest.raises(PermissionDenied):
        create_backup(db, stick, PASSPHRASE)
    db.actor = actor_for("worker", "社区工作者")
    assert create_backup(db, stick, PASSPHRASE).verified


def test_a_backup_clears_what_a_killed_one_left(db, stick: Path) -> None:
    """A backup killed midway leaves its snapshot folder (an unencrypted copy of the database) in
    the data folder and a .part file on the stick; the next backup removes both, nothing else."""
    leftover = db.data_dir.root / (create.WORK_PREFIX + "killed")
    leftover.mkdir()
    (leftover / "database.sqlite3").write_bytes(b"SQLite format 3\0 half a copy")
    part = stick / "chang-shan-2026-11-20-0930.csbak.part"
    part.write_bytes(b"half a backup")
    mine = stick / "家里的照片.jpg.part"  # not ours: left alone
    mine.write_bytes(b"x")
    result = create_backup(db, stick, PASSPHRASE)
    assert not leftover.exists() and not part.exists() and mine.exists()
    assert result.verified and not list(db.data_dir.root.glob(create.WORK_PREFIX + "*"))
