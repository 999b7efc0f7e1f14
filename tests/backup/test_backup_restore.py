"""restore_backup: the backup's data back in place, the replaced data kept aside, the swap whole
or not at all, an older schema migrated, a newer one refused, into an empty folder, under the lock
and the permission."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM, actor_for
from chang_shan.backup import restore
from chang_shan.backup.container import EncryptingWriter
from chang_shan.backup.create import create_backup
from chang_shan.backup.restore import STAGING, finish_interrupted_restore, restore_backup
from chang_shan.db.database import SCHEMA_HEAD, Database
from chang_shan.errors import AlreadyRunning, DamagedBackup, NewerBackup, PermissionDenied, WrongPassphrase
from chang_shan.paths import DataDir

from conftest import PASSPHRASE, RARE, get_meta, put_meta

pytestmark = pytest.mark.usefixtures("fast_kdf")


def _meta(database: Path, key: str) -> str | None:
    connection = sqlite3.connect(database)
    try:
        row = connection.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    finally:
        connection.close()


@pytest.fixture
def changed(filled, stick: Path):  # noqa: ANN001, ANN201
    """A backup of ``filled``, then the data changed after it; the folder closed."""
    result = create_backup(filled, stick, PASSPHRASE)
    put_meta(filled, "test.name", "改过了")
    (filled.data_dir.files / "new.jpg").write_bytes(b"new")
    (filled.data_dir.files / "scan.pdf").unlink()
    filled.close()
    return filled.data_dir, result.path


def test_restore_brings_the_backup_back_and_keeps_the_old_data_aside(changed) -> None:  # noqa: ANN001
    data_dir, backup = changed
    result = restore_backup(data_dir, backup, PASSPHRASE, actor=SYSTEM)
    assert _meta(data_dir.database, "test.name") == RARE
    assert sorted(p.name for p in data_dir.files.rglob("*") if p.is_file()) == ["scan.pdf", "王𠀀明.jpg"]
    assert result.aside is not None and result.aside.parent == data_dir.safety_copies
    assert _meta(result.aside / data_dir.database.name, "test.name") == "改过了"
    assert (result.aside / "files" / "new.jpg").read_bytes() == b"new"
    assert not (data_dir.root / STAGING).exists() and not result.migrated
    with Database.open(data_dir) as db:
        from chang_shan.maintenance.check import run_checks

        assert run_checks(db).ok
        with db.reader() as session:
            from sqlalchemy import select

            from chang_shan.db.models import ChangeSet

            assert "restore" in session.scalars(select(ChangeSet.kind)).all()


def test_a_failed_restore_changes_nothing(changed) -> None:  # noqa: ANN001
    data_dir, backup = changed
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    broken = backup.with_name("broken.csbak")
    broken.write_bytes(bytes(data))
    before = data_dir.database.read_bytes()
    for path, passphrase, error in ((broken, PASSPHRASE, DamagedBackup), (backup, "wrong passphrase", WrongPassphrase)):
        with pytest.raises(error):
            restore_backup(data_dir, path, passphrase, actor=SYSTEM)
        assert data_dir.database.read_bytes() == before
        assert (data_dir.files / "new.jpg").exists() and not (data_dir.root / STAGING).exists()
        assert not data_dir.safety_copies.exists() or not any(data_dir.safety_copies.iterdir())


def test_restore_killed_after_the_swap_is_finished_next_time(changed, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    data_dir, backup = changed
    real = restore._finish_files

    def killed(*args):  # noqa: ANN002, ANN202
        raise KeyboardInterrupt  # stands for the process dying right after the rename

    monkeypatch.setattr(restore, "_finish_files", killed)
    with pytest.raises(KeyboardInterrupt):
        restore_backup(data_dir, backup, PASSPHRASE, actor=SYSTEM)
    assert _meta(data_dir.database, "test.name") == RARE  # the database is the restored one, whole
    monkeypatch.setattr(restore, "_finish_files", real)
    # The next start of the program (Database.open, which takes the folder's lock) finishes it.
    from chang_shan.db.database import Database

    Database.open(data_dir).close()
    assert (data_dir.files / "scan.pdf").exists() and not (data_dir.files / "new.jpg").exists()
    assert not (data_dir.root / STAGING).exists()
    assert not finish_interrupted_restore(data_dir)  # nothing left to finish


def test_restore_killed_before_the_swap_is_discarded(changed, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    data_dir, backup = changed
    monkeypatch.setattr(restore, "_set_aside", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        restore_backup(data_dir, backup, PASSPHRASE, actor=SYSTEM)
    (data_dir.root / STAGING).mkdir()  # as a SIGKILL would leave it (no cleanup ran)
    (data_dir.root / STAGING / "chang-shan.sqlite3").write_bytes(b"half")
    assert not finish_interrupted_restore(data_dir)
    assert _meta(data_dir.database, "test.name") == "改过了" and not (data_dir.root / STAGING).exists()


def test_restore_needs_the_folder_closed(filled, stick: Path) -> None:
    result = create_backup(filled, stick, PASSPHRASE)
    with pytest.raises(AlreadyRunning):
        restore_backup(filled.data_dir, result.path, PASSPHRASE, actor=SYSTEM)
    assert get_meta(filled, "test.name") == RARE


def test_restore_is_for_administrators_once_there_are_accounts(db, stick: Path) -> None:
    from chang_shan.accounts.users import create_user

    with db.transaction("account") as session:
        create_user(session, "admin", "a long password 1", "管理员")
    result = create_backup(db, stick, PASSPHRASE)
    db.close()
    for actor in (None, actor_for("worker", "社区工作者")):
        with pytest.raises(PermissionDenied):
            restore_backup(db.data_dir, result.path, PASSPHRASE, actor=actor)
    assert restore_backup(db.data_dir, result.path, PASSPHRASE, actor=actor_for("admin", "管理员")).aside


def test_restore_into_an_empty_folder_on_another_machine(filled, stick: Path, tmp_path: Path) -> None:
    result = create_backup(filled, stick, PASSPHRASE)
    other = DataDir(tmp_path / "other-machine")
    restored = restore_backup(other, result.path, PASSPHRASE)
    assert restored.aside is None and restored.files == 2
    assert _meta(other.database, "test.name") == RARE
    assert (other.files / "photos" / "𠀀" / "王𠀀明.jpg").exists()


def test_a_newer_backup_is_refused_and_nothing_changes(changed, tmp_path: Path) -> None:  # noqa: ANN001
    data_dir, _backup = changed
    newer = tmp_path / "newer.csbak"
    out = io.BytesIO()
    writer = EncryptingWriter(out, {"schema": "9999", "created": "2030-01-01T00:00:00+08:00", "app_version": "9.0",
                                    "counts": {}, "summary": {}}, PASSPHRASE)
    writer.finish()
    newer.write_bytes(out.getvalue())
    before = data_dir.database.read_bytes()
    with pytest.raises(NewerBackup, match="9999"):
        restore_backup(data_dir, newer, PASSPHRASE, actor=SYSTEM)
    assert data_dir.database.read_bytes() == before


def test_an_older_backup_is_migrated(tmp_path: Path, stick: Path) -> None:
    from chang_shan.db import migrate

    old = DataDir(tmp_path / "old")
    db = Database.open(old, migrate=False)
    migrate.command.upgrade(migrate.alembic_config(old.url), "0005")
    db.actor = SYSTEM
    try:
        result = create_backup(db, stick, PASSPHRASE)
    finally:
        db.close()
    assert result.header.schema == "0005"
    target = DataDir(tmp_path / "new")
    restored = restore_backup(target, result.path, PASSPHRASE)
    assert restored.migrated
    with Database.open_existing(target) as db:
        from chang_shan.db.database import stored_revision

        assert stored_revision(db.engine) == SCHEMA_HEAD
