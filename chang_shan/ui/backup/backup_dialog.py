"""文件 → 备份到U盘… (Ctrl+Shift+B): where to (the removable drives with free space and file
system, the last target, 其他文件夹…), the office's backup password twice, then
``create_backup`` on the worker with progress and 取消, and the result in plain words.

The drives are listed on opening and on 刷新 (a stick plugged in later); a drive too small for the
estimate (database plus photos and scans) or FAT32 with a backup over 4 GB is marked and cannot be
chosen. ``create_backup`` checks the target again before writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.backup.drives import Drive, folder_bytes, format_bytes, removable_drives
from chang_shan.ui import ops as ops_module
from chang_shan.ui.backup import common
from chang_shan.ui.dialogs.window_modal import open_once
from chang_shan.ui.forms.fields import FORM_STYLE
from chang_shan.ui.imports.pages import note
from chang_shan.ui.progress_dialog import run_with_progress

if TYPE_CHECKING:
    from chang_shan.backup.record import LastBackup
    from chang_shan.ui.ops import Operations

TITLE = "备份到U盘"
PATH_ROLE = Qt.ItemDataRole.UserRole
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1

# Replaced in tests (a fake /sys tree); the real machine's drives otherwise.
list_drives = removable_drives


@dataclass(frozen=True)
class Situation:
    """What the dialog needs, read on the worker: the drives, the last backup, the estimate."""

    drives: list[Drive]
    last: LastBackup | None
    estimate: int  # bytes: database plus photos and scans (the backup is compressed, rarely larger)


def read_situation(db: Any) -> Situation:  # a chang_shan.db.database.Database
    data = db.data_dir
    estimate = sum(p.stat().st_size for p in (data.database,) if p.exists()) + folder_bytes(data.files)
    return Situation(list_drives(), common.last_backup_of(db), estimate)


class BackupDialog(QDialog):
    def __init__(self, parent: QWidget | None, ops: Operations) -> None:
        super().__init__(parent)
        self.ops = ops
        self.situation: Situation | None = None
        self.result_value: Any = None  # create_backup's BackupResult once done
        self.busy = False
        self.failed = False  # the message line holds the last failure
        self.setWindowTitle(TITLE)
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumSize(QSize(720, 520))
        if parent is not None:
            room = parent.window().size()
            self.resize(max(720, int(room.width() * 0.62)), max(520, int(room.height() * 0.75)))

        intro = note("备份包含全部台账、照片和扫描件，用办公室的备份密码加密；写完后会读回核对，核对无误才算完成。")
        self.last_label = note("正在读取…", role="hint", name="lastBackup")
        self.targets = QListWidget()
        self.targets.setObjectName("targets")
        self.targets.setAccessibleName("备份位置")
        self.targets.setWordWrap(True)  # a long mount point wraps instead of scrolling sideways
        self.targets.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.targets.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.targets.setSpacing(2)
        self.targets.currentItemChanged.connect(lambda *_a: self._edited())
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新查找U盘（刚插入的U盘）")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        self.folder_button = QPushButton("其他文件夹…")
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.choose_folder)
        target_buttons = QHBoxLayout()
        target_buttons.addWidget(self.refresh_button)
        target_buttons.addWidget(self.folder_button)
        target_buttons.addStretch(1)
        self.target_note = note("", name="targetNote")

        self.passphrase = common.passphrase_field("passphrase", f"办公室的备份密码，至少 {common.MIN_PASSPHRASE} 个字符")
        self.repeat = common.passphrase_field("repeat", "再输入一次")
        self.strength = note("", role="hint", name="strength")
        for field in (self.passphrase, self.repeat):
            field.textChanged.connect(lambda _t: self._edited())
        form = QFormLayout()
        form.addRow("备份密码", self.passphrase)
        form.addRow("", self.strength)
        form.addRow("再输入一次", self.repeat)

        self.message = common.message_line()
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_button = QPushButton("开始备份")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.last_label)
        layout.addWidget(QLabel("备份到："))
        layout.addWidget(self.targets, 1)
        layout.addLayout(target_buttons)
        layout.addWidget(self.target_note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._update()
        self.refresh()

    # --- the targets --------------------------------------------------------------------------

    def refresh(self) -> None:
        self._set_busy(True)
        self.ops.run(lambda: read_situation(self.ops.db), success=self._show_situation, failure=self._failed,
                     parent=self)

    def _show_situation(self, situation: Situation) -> None:
        self._set_busy(False)
        self.situation = situation
        chosen = self.target()
        last = situation.last
        self.last_label.setText(common.last_backup_text(last, date.today()))
        self.targets.clear()
        for drive in situation.drives:
            self._add_target(drive.path, f"U盘 {drive.describe()}", drive.too_small_for(situation.estimate))
        if last is not None and last.target.is_dir() and self._row_of(last.target) is None:
            self._add_target(last.target, f"上次的位置：{last.target}", "")
        if not situation.drives:
            placeholder = QListWidgetItem("没有找到U盘。请插入U盘后按“刷新”，或选择其他文件夹。")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.targets.addItem(placeholder)
        # The one chosen before a refresh, else the last target, else the first drive that fits.
        for wanted in (chosen, last.target if last is not None else None):
            row = self._row_of(wanted) if wanted is not None else None
            if row is not None and self.targets.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
                self.targets.setCurrentRow(row)
                break
        else:
            fits = [r for r in range(self.targets.count()) if self.targets.item(r).flags() & Qt.ItemFlag.ItemIsEnabled]
            if fits:
                self.targets.setCurrentRow(fits[0])
        self._update()
        (self.passphrase if self.target() is not None else self.folder_button).setFocus()

    def _add_target(self, path: Path, text: str, problem: str) -> QListWidgetItem:
        item = QListWidgetItem(text + (f"\n    不能使用：{problem}" if problem else ""))
        item.setData(PATH_ROLE, str(path))
        item.setData(PROBLEM_ROLE, problem)
        item.setToolTip(problem or str(path))
        if problem:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
        self.targets.addItem(item)
        return item

    def _row_of(self, path: Path) -> int | None:
        for row in range(self.targets.count()):
            if self.targets.item(row).data(PATH_ROLE) == str(path):
                return row
        return None

    def choose_folder(self) -> None:
        start = self.target()
        chosen = common.choose_folder(self, str(start) if start is not None else "")
        if not chosen:
            return
        path = Path(chosen)
        row = self._row_of(path)
        if row is None:
            self._add_target(path, f"文件夹 {path}", "")
            row = self.targets.count() - 1
        self.targets.setCurrentRow(row)
        self.passphrase.setFocus()

    def target(self) -> Path | None:
        item = self.targets.currentItem()
        if item is None or not item.data(PATH_ROLE) or item.data(PROBLEM_ROLE):
            return None
        return Path(item.data(PATH_ROLE))

    # --- the state of the buttons -------------------------------------------------------------

    def problem(self) -> str:
        """Why 开始备份 cannot start yet ('' when it can)."""
        if self.target() is None:
            return "请选择备份位置（插入U盘，或按“其他文件夹…”）。"
        first, second = self.passphrase.text(), self.repeat.text()
        if len(first) < common.MIN_PASSPHRASE:
            return f"请输入备份密码（至少 {common.MIN_PASSPHRASE} 个字符）。"
        if first != second:
            return "两次输入的备份密码不一致。" if second else "请再输入一次备份密码。"
        return ""

    def _update(self) -> None:
        hint = common.strength(self.passphrase.text())
        self.strength.setText(hint)
        self.strength.setVisible(bool(hint))
        idle = not self.busy
        self.start_button.setEnabled(idle and self.situation is not None and not self.problem())
        for widget in (self.targets, self.refresh_button, self.folder_button, self.passphrase, self.repeat):
            widget.setEnabled(idle)
        self.close_button.setEnabled(idle)
        target = self.target()
        self.target_note.setText(f"备份文件将写入：{target}" if target is not None else "")
        if idle and self.result_value is None and not self.failed:
            common.say(self.message, self.problem() if self.situation is not None else "", "hint")

    def _edited(self) -> None:
        """Another target or password: the last failure no longer applies."""
        self.failed = False
        self._update()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update()

    # --- the backup ---------------------------------------------------------------------------

    def start(self) -> None:
        target = self.target()
        if self.busy or target is None or self.problem():
            return
        from chang_shan.backup.create import create_backup

        passphrase = self.passphrase.text()
        db = self.ops.db
        self.result_value = None
        self.failed = False
        common.say(self.message, "")
        self._set_busy(True)
        run_with_progress(self.ops, self, f"正在备份到 {target}…",
                          lambda progress: create_backup(db, target, passphrase, progress=progress),
                          success=self._done, failure=self._failed, cancelled=self._cancelled)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self._set_busy(False)
        removed = f"\n按保留规则清理了 {len(result.removed)} 份较早的备份。" if result.removed else ""
        common.say(self.message, f"备份已完成并已核对：{result.path}（{format_bytes(result.size)}）。\n"
                                 f"可以拔出U盘了。请把U盘带走妥善保管。{removed}", "aside")
        self.passphrase.clear()
        self.repeat.clear()
        self.start_button.setEnabled(False)
        self.close_button.setText("完成")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self.last_label.setText(f"上次备份：刚才，写到 {result.path.parent}，{format_bytes(result.size)}，已核对。")
        self.ops.notify_changed("")  # the today list's 备份提醒 goes away

    def _cancelled(self) -> None:
        self._set_busy(False)
        common.say(self.message, "备份已取消，没有留下不完整的备份文件。", "hint")

    def _failed(self, exc: BaseException) -> None:
        self.failed = True
        self._set_busy(False)
        common.show_failure(self, self.message, exc)

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)


def open_backup_dialog(parent: QWidget, ops: Operations) -> QDialog:
    """The window's one backup dialog (``backup_dialog`` while open), window-modal."""
    return open_once(parent, "backup_dialog", lambda window: BackupDialog(window, ops))
