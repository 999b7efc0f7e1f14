"""文件 → 检查备份文件… and 文件 → 从备份恢复… (管理员 only): a backup file, what it holds (its
header, read without the password: date, counts, program and schema version), the password, then

- 检查: ``verify_backup`` on the worker (decrypt everything, ``integrity_check``, counts, content
  hash), the answer in plain words and an audit event;
- 恢复…: after a confirmation, the backup is checked whole first (a wrong password or a damaged
  file stops here, nothing closed); then the window's database is closed (its folder lock
  released) and ``restore_backup`` swaps the data in (the current data kept aside). The window
  cannot go on with the old connection, so the program closes and asks to be opened again —
  also after a failed restore (the old data stays as it was then).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from chang_shan.ui import ops as ops_module
from chang_shan.ui.backup import common
from chang_shan.ui.dialogs.window_modal import open_once
from chang_shan.ui.forms.fields import FORM_STYLE
from chang_shan.ui.imports.pages import note
from chang_shan.ui.progress_dialog import run_with_progress

if TYPE_CHECKING:
    from chang_shan.backup.container import BackupHeader
    from chang_shan.ui.ops import Operations

VERIFY, RESTORE = "verify", "restore"
TITLES = {VERIFY: "检查备份文件", RESTORE: "从备份恢复"}


def header_text(header: BackupHeader) -> str:
    from chang_shan.backup.describe import header_lines

    return "\n".join(header_lines(header))


class BackupFileDialog(QDialog):
    def __init__(self, parent: QWidget | None, ops: Operations, mode: str = VERIFY) -> None:
        super().__init__(parent)
        self.ops = ops
        self.mode = mode
        self.header: BackupHeader | None = None
        self.busy = False
        self.finished_value: Any = None  # BackupInfo (检查) or RestoreResult (恢复) once done
        self.setWindowTitle(TITLES[mode])
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumSize(QSize(620, 420))

        if mode == RESTORE:
            intro = ("从备份恢复会用备份中的数据替换当前的全部数据（台账、照片和扫描件）。"
                     "当前的数据会先另存在数据文件夹的 safety-copies 中。恢复后长山会关闭，请重新打开。")
        else:
            intro = "检查一个备份文件是否完整、密码是否正确、能否恢复。不会改动任何数据。"
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setPlaceholderText("备份文件（.csbak）")
        self.path.editingFinished.connect(self.read_header)
        self.path.textChanged.connect(lambda _t: self._forget_header())
        browse = QPushButton("浏览…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self.browse)
        self.browse_button = browse
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.header_label = note("", name="header")
        self.header_label.setProperty("formRole", "confirm")
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header_label.setVisible(False)
        self.passphrase = common.passphrase_field("passphrase", "做备份时用的备份密码")
        self.passphrase.textChanged.connect(lambda _t: self._update())
        form = QFormLayout()
        form.addRow("备份文件", row)
        form.addRow("备份密码", self.passphrase)

        self.message = common.message_line()
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.go_button = QPushButton("恢复…" if mode == RESTORE else "检查")
        self.go_button.setDefault(True)
        self.go_button.clicked.connect(self.go)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.go_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(note(intro))
        layout.addLayout(form)
        layout.addWidget(self.header_label)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.start_folder = ""  # 浏览… opens where the last backup went
        self.ops.run(lambda: common.last_backup_of(ops.db), success=self._remember_last, failure=lambda _e: None)
        self._update()

    def _remember_last(self, last: Any) -> None:
        if last is not None and not self.start_folder:
            self.start_folder = str(last.target)

    # --- the file and its header --------------------------------------------------------------

    def browse(self) -> None:
        start = self.path.text().strip() or self.start_folder
        chosen = common.choose_backup(self, start)
        if chosen:
            self.path.setText(chosen)
            self.read_header()

    def file(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def _forget_header(self) -> None:
        self.header = None
        self.header_label.setVisible(False)
        self._update()

    def read_header(self) -> None:
        """The header (no password needed): what the backup holds, before anything else."""
        if self.busy or not self.path.text().strip() or self.header is not None:
            return
        from chang_shan.backup.container import read_header
        from chang_shan.backup.verify import refuse_newer_schema

        path = self.file()

        def work() -> BackupHeader:
            header = read_header(path)
            refuse_newer_schema(header)
            return header

        self._set_busy(True)
        self.ops.run(work, success=self._show_header, failure=self._failed, parent=self)

    def _show_header(self, header: BackupHeader) -> None:
        self.header = header
        self.header_label.setText(header_text(header))
        self.header_label.setVisible(True)
        common.say(self.message, "")
        self._set_busy(False)
        self.passphrase.setFocus()

    # --- state --------------------------------------------------------------------------------

    def _update(self) -> None:
        idle = not self.busy
        ready = self.header is not None and bool(self.passphrase.text())
        self.go_button.setEnabled(idle and ready and self.finished_value is None)
        for widget in (self.path, self.browse_button, self.passphrase):
            widget.setEnabled(idle and self.finished_value is None)
        self.close_button.setEnabled(idle)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        common.show_failure(self, self.message, exc)

    # --- check / restore ----------------------------------------------------------------------

    def go(self) -> None:
        if self.busy or self.header is None or not self.passphrase.text():
            return
        (self.restore if self.mode == RESTORE else self.verify)()

    def verify(self) -> None:
        from chang_shan.backup.verify import verify_backup

        path, passphrase, db = self.file(), self.passphrase.text(), self.ops.db

        def work(progress):  # noqa: ANN001, ANN202 - a chang_shan.progress.Progress
            info = verify_backup(path, passphrase, progress=progress)
            common.record_verified(db, info)
            return info

        common.say(self.message, "")
        self._set_busy(True)
        run_with_progress(self.ops, self, "正在检查备份…", work, success=self._verified, failure=self._failed,
                          cancelled=lambda: self._set_busy(False))

    def _verified(self, info: Any) -> None:
        self.finished_value = info
        self._set_busy(False)
        common.say(self.message, f"备份完好，可以恢复：{info.path}\n（已解密全部内容，数据库完整性检查和记录数都无误。）",
                   "aside")
        self.close_button.setText("完成")
        self.close_button.setFocus()

    def restore(self) -> None:
        header = self.header
        assert header is not None
        question = (f"用这个备份替换当前的全部数据？\n\n{header_text(header)}\n\n"
                    "当前的数据会先另存在 safety-copies 中。恢复后长山会关闭，请重新打开。")
        if not ops_module.ask(self, TITLES[RESTORE], question):
            return
        from chang_shan.backup.restore import restore_backup
        from chang_shan.backup.verify import verify_backup

        path, passphrase, db = self.file(), self.passphrase.text(), self.ops.db
        actor, data_dir = db.actor, db.data_dir
        self.closed_database = False

        def work(progress):  # noqa: ANN001, ANN202 - a chang_shan.progress.Progress
            verify_backup(path, passphrase, progress=progress)  # a wrong password stops here, nothing closed
            self.closed_database = True
            db.close()  # the folder's lock: restore_backup takes it
            return restore_backup(data_dir, path, passphrase, progress=_past_cancelling(progress), actor=actor)

        common.say(self.message, "")
        self._set_busy(True)
        run_with_progress(self.ops, self, "正在从备份恢复…", work, success=self._restored, failure=self._restore_failed,
                          cancelled=self._restore_cancelled)

    def _restored(self, result: Any) -> None:
        self.finished_value = result
        self._set_busy(False)
        aside = f"\n原来的数据保存在 {result.aside}。" if result.aside is not None else ""
        migrated = "\n备份来自较早的版本，已升级到本程序的数据库结构。" if result.migrated else ""
        text = (f"已从备份恢复（{result.header.created_at:%Y-%m-%d %H:%M} 的备份）。{aside}{migrated}\n\n"
                "长山现在关闭，请重新打开程序。")
        common.say(self.message, text, "aside")
        ops_module.message_box(self, "information", "恢复完成", text, "")
        self._close_program()

    def _restore_failed(self, exc: BaseException) -> None:
        if not self.closed_database:
            self._failed(exc)
            return
        self._given_up(ops_module.describe_error(exc)[2])

    def _given_up(self, reason: str) -> None:
        """After the database was closed: the old data stays (restore_backup swaps last)."""
        self._set_busy(False)
        text = f"恢复没有完成：{reason}\n原来的数据没有改动。长山现在关闭，请重新打开程序。"
        common.say(self.message, text, "error")
        ops_module.message_box(self, "critical", "恢复没有完成", text, "")
        self._close_program()

    def _restore_cancelled(self) -> None:
        if self.closed_database:
            self._given_up("已取消。")
            return
        self._set_busy(False)
        common.say(self.message, "已取消，没有做任何改动。", "hint")

    def _close_program(self) -> None:
        """The window's connection is gone: close the window (the program ends; open it again)."""
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        self.done(QDialog.DialogCode.Accepted)
        if window is not None:
            window.close()

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)


def _past_cancelling(progress: Any) -> Any:
    """The restore itself is not cancelled halfway: 取消 then would leave the user unsure whether the
    swap happened. (The check before it, the long part, can be cancelled.)"""
    from chang_shan.progress import Cancelled

    def report(done: int, total: int, text: str = "") -> None:
        try:
            progress(done, total, text)
        except Cancelled:
            pass

    return report


def open_verify_dialog(parent: QWidget, ops: Operations) -> QDialog:
    return open_once(parent, "verify_dialog", lambda window: BackupFileDialog(window, ops, VERIFY))


def open_restore_dialog(parent: QWidget, ops: Operations) -> QDialog:
    return open_once(parent, "restore_dialog", lambda window: BackupFileDialog(window, ops, RESTORE))
