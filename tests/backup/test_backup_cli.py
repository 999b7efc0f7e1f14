"""chang-shan backup --to / verify-backup / restore: passphrase from the environment only, one-line
errors with exit 2, the header shown before a restore."""

from __future__ import annotations

from pathlib import Path

import pytest

from chang_shan.cli import main

from conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_kdf")


def test_backup_verify_restore(db, stick: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    data = str(db.data_dir.root)
    db.close()
    monkeypatch.setenv("CHANG_SHAN_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup", "--to", str(stick), "--data-dir", data]) == 0
    assert "备份已完成并已核对" in capsys.readouterr().out
    [backup] = stick.iterdir()
    assert main(["verify-backup", str(backup), "--data-dir", data]) == 0
    assert "备份完好" in capsys.readouterr().out
    assert main(["restore", str(backup), "--yes", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "备份时间" in out and "已从备份恢复" in out

    monkeypatch.setenv("CHANG_SHAN_BACKUP_PASSPHRASE", "wrong passphrase")
    assert main(["verify-backup", str(backup)]) == 2
    assert capsys.readouterr().err.strip().endswith("备份密码不正确。请输入备份时设置的密码。")
    monkeypatch.delenv("CHANG_SHAN_BACKUP_PASSPHRASE")
    assert main(["verify-backup", str(backup)]) == 2  # no prompt in a script: one line
    assert "CHANG_SHAN_BACKUP_PASSPHRASE" in capsys.readouterr().err


def test_restore_asks_unless_yes(db, stick: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("CHANG_SHAN_BACKUP_PASSPHRASE", PASSPHRASE)
    from chang_shan.backup.create import create_backup

    backup = create_backup(db, stick, PASSPHRASE).path
    db.close()
    assert main(["restore", str(backup), "--data-dir", str(db.data_dir.root)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["backup", "--to", str(stick / "missing"), "--data-dir", str(db.data_dir.root)]) == 2
    assert "不存在" in capsys.readouterr().err
