"""文件 → 备份到U盘… / 检查备份文件… / 从备份恢复… on a real database, offscreen: a tmp folder as
the "USB stick" (listed as a removable drive, or chosen with 其他文件夹…), real backups written,
checked and restored through the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from chang_shan.accounts.permissions import actor_for
from chang_shan.backup import container
from chang_shan.backup.drives import Drive
from chang_shan.backup.record import last_backup
from chang_shan.db.database import Database
from chang_shan.db.models import AppMeta, ChangeSet
from chang_shan.paths import DataDir
from chang_shan.ui.backup import backup_dialog, common
from chang_shan.ui.backup.backup_dialog import BackupDialog
from chang_shan.ui.backup.restore_dialog import RESTORE, VERIFY, BackupFileDialog
from chang_shan.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

PASSPHRASE = "长山办公室 𠀀 2026"
RARE = "𠀀𠀁 王𠀀明"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "SCRYPT_N", container.SCRYPT_MIN_N)


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder listed as the one removable drive (exFAT, plenty of room)."""
    folder = tmp_path / "媒体" / "KINGSTON"
    folder.mkdir(parents=True)
    monkeypatch.setattr(backup_dialog, "list_drives",
                        lambda: [Drive(folder, "KINGSTON", 8 * 1024**3, 16 * 1024**3, "exfat")])
    return folder


def put(db: Database, key: str, value: str) -> None:
    with db.transaction(f"测试 {key}") as s:
        s.merge(AppMeta(key=key, value=value))


def meta(db: Database, key: str) -> str | None:
    with db.reader() as s:
        row = s.get(AppMeta, key)
        return row.value if row is not None else None


def events(db: Database, kind: str) -> list[str]:
    with db.reader() as s:
        return list(s.scalars(ChangeSet.__table__.select().with_only_columns(ChangeSet.action)
                              .where(ChangeSet.kind == kind)))


def shown(qtbot, dialog):  # noqa: ANN001, ANN201
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def open_backup(qtbot, operations) -> BackupDialog:  # noqa: ANN001
    dialog = shown(qtbot, BackupDialog(None, operations))
    qtbot.waitUntil(lambda: dialog.situation is not None and operations.idle)
    return dialog


def back_up(qtbot, dialog: BackupDialog, operations, passphrase: str = PASSPHRASE):  # noqa: ANN001, ANN201
    dialog.passphrase.setText(passphrase)
    dialog.repeat.setText(passphrase)
    assert dialog.start_button.isEnabled(), dialog.message.text()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and operations.idle, timeout=30000)
    return dialog.result_value


def test_backup_to_the_listed_stick(qtbot, operations, db: Database, stick: Path) -> None:  # noqa: ANN001
    put(db, "test.name", RARE)
    (db.data_dir.files / "photos").mkdir(parents=True)
    (db.data_dir.files / "photos" / "王𠀀明.jpg").write_bytes(b"\xff\xd8" * 500)
    dialog = open_backup(qtbot, operations)
    assert dialog.last_label.text() == "还没有做过备份。"
    assert dialog.targets.count() == 1 and dialog.targets.item(0).text().startswith(f"U盘 KINGSTON（{stick}）剩余 8.0 GB")
    assert dialog.target() == stick  # the only drive, chosen
    assert not dialog.start_button.isEnabled() and "请输入备份密码" in dialog.message.text()

    dialog.passphrase.setText("short")
    assert dialog.strength.text() == "太短：至少 8 个字符" and not dialog.start_button.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE + "x")
    assert dialog.strength.text().startswith("强度：") and dialog.message.text() == "两次输入的备份密码不一致。"
    assert not dialog.start_button.isEnabled()

    changed: list[str] = []
    operations.changed.connect(changed.append)
    result = back_up(qtbot, dialog, operations)
    assert result is not None and result.path.parent == stick and result.path.suffix == ".csbak"
    assert [p.name for p in stick.iterdir()] == [result.path.name]  # no .part left
    text = dialog.message.text()
    assert text.startswith(f"备份已完成并已核对：{result.path}") and "可以拔出U盘了" in text
    assert dialog.close_button.text() == "完成" and not dialog.start_button.isEnabled()
    assert dialog.passphrase.text() == "" and changed == [""]  # the today list refreshes
    with db.reader() as s:
        assert last_backup(s).path == result.path
    assert len(events(db, "backup")) == 1


def test_other_folder_a_full_fat32_stick_and_a_failure_in_words(qtbot, operations, db: Database,  # noqa: ANN001
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = tmp_path / "FULL"
    full.mkdir()
    monkeypatch.setattr(backup_dialog, "list_drives", lambda: [Drive(full, "FULL", 10, 16 * 1024**3, "vfat")])
    dialog = open_backup(qtbot, operations)
    item = dialog.targets.item(0)
    assert "不能使用：U盘剩余空间 10 B，不够存放" in item.text()
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled and dialog.target() is None
    assert dialog.message.text() == "请选择备份位置（插入U盘，或按“其他文件夹…”）。"

    folder = tmp_path / "其他 文件夹"
    folder.mkdir()
    asked: list[str] = []
    monkeypatch.setattr(common, "choose_folder", lambda _parent, start: asked.append(start) or str(folder))
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert dialog.target() == folder and dialog.target_note.text() == f"备份文件将写入：{folder}"

    folder.rmdir()  # the stick pulled out before 开始备份
    assert back_up(qtbot, dialog, operations) is None
    assert dialog.message.text() == f"备份位置 {folder} 不存在或不是文件夹。请确认U盘已插好。"
    assert dialog.message.property("formRole") == "error"
    folder.mkdir()
    dialog.repeat.setText("")
    assert dialog.message.text() == "请再输入一次备份密码。"  # the failure no longer applies
    assert back_up(qtbot, dialog, operations) is not None

    # Opened again: the last target is offered and chosen (it is not a listed drive).
    dialog.close_without_asking()
    again = open_backup(qtbot, operations)
    assert again.target() == folder and again.targets.currentItem().text() == f"上次的位置：{folder}"
    assert again.last_label.text().startswith("上次备份：") and "已核对" in again.last_label.text()


def test_cancel_leaves_no_file(qtbot, operations, db: Database, stick: Path,  # noqa: ANN001
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from chang_shan.progress import Cancelled
    from chang_shan.ui import progress_dialog

    real = progress_dialog.run_with_progress

    def cancel_at_once(ops, parent, title, work, **kwargs):  # noqa: ANN001, ANN003, ANN202
        def cancelled_work(progress):  # noqa: ANN001, ANN202
            def stop(done: int, total: int, text: str = "") -> None:
                if text == "写入备份":
                    raise Cancelled()
            return work(stop)
        return real(ops, parent, title, cancelled_work, **kwargs)

    monkeypatch.setattr(backup_dialog, "run_with_progress", cancel_at_once)
    dialog = open_backup(qtbot, operations)
    assert back_up(qtbot, dialog, operations) is None
    assert dialog.message.text() == "备份已取消，没有留下不完整的备份文件。"
    assert list(stick.iterdir()) == []


@pytest.fixture
def backup_file(qtbot, operations, db: Database, stick: Path) -> Path:  # noqa: ANN001
    put(db, "test.name", RARE)
    dialog = open_backup(qtbot, operations)
    result = back_up(qtbot, dialog, operations)
    dialog.close_without_asking()
    return result.path


def open_file_dialog(qtbot, operations, mode: str, path: Path, parent: QWidget | None = None) -> BackupFileDialog:  # noqa: ANN001
    dialog = BackupFileDialog(parent, operations, mode)
    if parent is None:
        shown(qtbot, dialog)
    else:  # deleted with its parent
        dialog.show()
    qtbot.waitUntil(lambda: operations.idle)
    dialog.path.setText(str(path))
    dialog.read_header()
    qtbot.waitUntil(lambda: not dialog.busy and operations.idle)
    return dialog


def test_verify_says_each_problem_in_its_own_words(qtbot, operations, db: Database, backup_file: Path,  # noqa: ANN001
                                                   tmp_path: Path) -> None:
    dialog = open_file_dialog(qtbot, operations, VERIFY, backup_file)
    header = dialog.header_label.text()
    assert dialog.header_label.isVisible() and header.startswith("备份时间：") and "程序版本：" in header
    assert not dialog.go_button.isEnabled()  # no password yet
    dialog.passphrase.setText("wrong passphrase")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and operations.idle)
    assert "备份密码不正确" in dialog.message.text()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and operations.idle)
    assert dialog.message.text().startswith(f"备份完好，可以恢复：{backup_file}")
    assert events(db, "verify_backup") == [f"检查备份 {backup_file.name}：完好"]

    damaged = tmp_path / "damaged.csbak"
    data = bytearray(backup_file.read_bytes())
    damaged.write_bytes(bytes(data[: len(data) - 40]))
    cut = open_file_dialog(qtbot, operations, VERIFY, damaged)
    cut.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(cut.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not cut.busy and operations.idle)
    assert "备份文件已损坏或不完整" in cut.message.text() and cut.message.property("formRole") == "error"

    other = tmp_path / "照片.jpg"
    other.write_bytes(b"\xff\xd8 not a backup" * 20)
    not_one = open_file_dialog(qtbot, operations, VERIFY, other)
    assert "这不是长山备份文件" in not_one.message.text() and not not_one.header_label.isVisible()
    assert not not_one.go_button.isEnabled()


def test_restore_shows_the_header_asks_then_swaps_and_closes(qtbot, operations, db: Database, backup_file: Path,  # noqa: ANN001
                                                             boxes) -> None:  # noqa: ANN001
    put(db, "test.name", "备份之后改的")
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    dialog = open_file_dialog(qtbot, operations, RESTORE, backup_file, parent=window)
    dialog.passphrase.setText(PASSPHRASE)
    boxes.answer = False
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    assert boxes.asked and boxes.asked[0].startswith("用这个备份替换当前的全部数据？\n\n备份时间：")
    assert meta(db, "test.name") == "备份之后改的"  # declined: nothing happened

    boxes.answer = True
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.finished_value is not None and operations.idle, timeout=30000)
    assert boxes.shown[-1][:2] == ("information", "恢复完成")
    assert "长山现在关闭，请重新打开程序" in boxes.shown[-1][2]
    assert not window.isVisible()  # the program closes: its connection is gone
    aside = dialog.finished_value.aside
    assert aside is not None and aside.is_dir()

    reopened = Database.open(DataDir(db.data_dir.root))
    try:
        reopened.actor = db.actor
        assert meta(reopened, "test.name") == RARE
        assert any(action.startswith("从备份恢复") for action in events(reopened, "restore"))
    finally:
        reopened.close()


def test_a_wrong_password_stops_the_restore_before_anything_closes(qtbot, operations, db: Database,  # noqa: ANN001
                                                                   backup_file: Path) -> None:
    put(db, "test.name", "现在的")
    dialog = open_file_dialog(qtbot, operations, RESTORE, backup_file)
    dialog.passphrase.setText("not the passphrase")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and operations.idle)
    assert "备份密码不正确" in dialog.message.text() and dialog.isVisible()
    put(db, "test.name", "还能写")  # the window's database is still open and locked
    assert meta(db, "test.name") == "还能写"


def test_menu_entries_follow_the_role(qtbot, operations, db: Database, stick: Path) -> None:  # noqa: ANN001
    window = MainWindow(operations)
    qtbot.addWidget(window)
    window.show()
    assert window.backup_action.shortcut() == QKeySequence("Ctrl+Shift+B")
    assert all(a.isVisible() for a in (window.backup_action, window.verify_backup_action, window.restore_action))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: window.backup_dialog is not None)
    first = window.backup_dialog
    window.open_record("backup", 0)  # the today list's 备份提醒: the same dialog, raised
    assert window.backup_dialog is first and first.windowModality() == Qt.WindowModality.WindowModal
    qtbot.waitUntil(lambda: operations.idle)
    first.close_without_asking()

    for role, backup, restore in (("社区工作者", True, False), ("网格员", False, False), ("只读", False, False)):
        operations.db.actor = actor_for("someone", role, grid_ids=[1] if role == "网格员" else None)
        other = MainWindow(operations)
        qtbot.addWidget(other)
        assert (other.backup_action.isVisible(), other.restore_action.isVisible()) == (backup, restore), role
        assert other.verify_backup_action.isVisible() == backup


def test_the_window_takes_the_days_local_snapshot_on_start(qtbot, operations, db: Database) -> None:  # noqa: ANN001
    from datetime import date

    window = MainWindow(operations)
    qtbot.addWidget(window)
    window.start()
    snapshot = db.data_dir.root / "snapshots" / f"chang-shan-{date.today():%Y-%m-%d}.sqlite3"
    qtbot.waitUntil(lambda: snapshot.exists() and operations.idle)


def test_opening_the_folder_clears_a_restore_killed_before_its_swap(tmp_path: Path) -> None:
    from chang_shan.ui.app import open_database

    data_dir = DataDir(tmp_path / "data")
    Database.open(data_dir).close()
    staging = data_dir.root / ".restore-staging"
    staging.mkdir()
    (staging / "chang-shan.sqlite3").write_bytes(b"half unpacked")
    db = open_database(data_dir)
    try:
        assert not staging.exists()  # no plan: killed before the swap, the old data stands
    finally:
        db.close()
