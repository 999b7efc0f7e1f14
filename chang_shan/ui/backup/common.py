"""What the backup dialogs share: file dialogs (module attributes so tests can replace them), the
passphrase fields with a strength hint, a message line, and the last verified backup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QWidget

from chang_shan.backup.create import MIN_PASSPHRASE
from chang_shan.ui.imports.pages import note

if TYPE_CHECKING:
    from chang_shan.backup.record import LastBackup
    from chang_shan.db.database import Database

BACKUP_FILTER = "长山备份 (*.csbak)"


def _choose_folder(parent: QWidget, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, "选择备份到哪个文件夹", start or str(Path.home()))


def _choose_backup(parent: QWidget, start: str) -> str:
    path, _chosen = QFileDialog.getOpenFileName(parent, "选择备份文件", start or str(Path.home()),
                                                f"{BACKUP_FILTER};;所有文件 (*)")
    return path


# Replaced in tests (a file dialog would block an offscreen run).
choose_folder: Callable[[QWidget, str], str] = _choose_folder
choose_backup: Callable[[QWidget, str], str] = _choose_backup


def passphrase_field(name: str, placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


def strength(passphrase: str) -> str:
    """'' for an empty field, otherwise a hint: too short, 弱, 中等 or 强."""
    if not passphrase:
        return ""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"太短：至少 {MIN_PASSPHRASE} 个字符"
    kinds = sum((any(c.isdigit() for c in passphrase), any(c.islower() for c in passphrase),
                 any(c.isupper() for c in passphrase), any(not c.isascii() or not c.isalnum() for c in passphrase)))
    score = len(passphrase) // 4 + kinds
    if score >= 6:
        return "强度：强"
    if score >= 4:
        return "强度：中等（加长一些或混用字母、数字和符号更好）"
    return "强度：弱（建议 12 个字符以上，混用字母、数字和符号）"


def message_line(name: str = "message") -> QLabel:
    return note(name=name)


def say(label: QLabel, text: str, role: str = "") -> None:
    """Show ``text`` in ``label`` in the form style's colour for ``role`` ('error', 'aside', 'hint')."""
    label.setText(text)
    label.setProperty("formRole", role)
    label.style().unpolish(label)
    label.style().polish(label)


def last_backup_of(db: Database) -> LastBackup | None:
    from chang_shan.backup.record import last_backup

    with db.reader() as session:
        return last_backup(session)


def last_backup_text(last: LastBackup | None, today: date) -> str:
    """'上次备份：2026-11-12 13:00（9 天前），写到 /media/li/KINGSTON，11.8 MB，已核对。'"""
    if last is None:
        return "还没有做过备份。"
    from chang_shan.backup.drives import format_bytes

    days = (today - last.created_at.date()).days
    age = "今天" if days <= 0 else f"{days} 天前"
    return (f"上次备份：{last.created_at:%Y-%m-%d %H:%M}（{age}），写到 {last.target}，"
            f"{format_bytes(last.size)}，已核对。")


def record_verified(db: Database, info) -> None:  # noqa: ANN001 - a chang_shan.backup.verify.BackupInfo
    """检查备份 as an audit event of the open data folder."""
    from chang_shan.audit.events import record_event

    action = f"检查备份 {info.path.name}：完好"
    with db.transaction(action) as session:
        record_event(session, "verify_backup", action, detail={
            "file": info.path.name, "created": info.header.created, "size": info.size})


def show_failure(parent: QWidget, label: QLabel, exc: BaseException) -> None:
    """The failure in ``label`` in red (each error its own words); a bug also in the error box with
    its details for the maintainer."""
    from chang_shan.ui import ops as ops_module

    _kind, title, text = ops_module.describe_error(exc)
    if title == "程序出错":
        ops_module.show_error(parent, exc)
    say(label, text, "error")
