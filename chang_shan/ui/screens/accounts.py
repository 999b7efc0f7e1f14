"""账户管理 (administrators): the office's accounts, with 新增账户, 修改 (role, grids, the health
and wills permissions, enabled), 重设密码 and 解锁.

About twenty accounts: the list is read whole on the worker. Every change goes through
``chang_shan.accounts.users``, which checks the permission and writes the audit entry.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts import users
from chang_shan.db.base import utcnow
from chang_shan.db.models.accounts import ROLE_NAMES
from chang_shan.errors import ValidationError
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms import CheckGroup, FormDialog, ValidatedForm

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.ui.ops import Operations

COLUMNS = ("用户名", "姓名", "角色", "负责网格", "健康库", "遗嘱库", "状态", "最近登录")
ROLE_NOTES = {
    "管理员": "账户、设置、从备份恢复、审计记录，以及全部台账",
    "社区工作者": "全部台账（可查看完整身份证号和电话，会留记录）",
    "网格员": "只看、只改自己负责的网格",
    "只读": "只能查看和打印遮盖后的信息",
}


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def state_text(row: users.UserRow, now: datetime | None = None) -> str:
    now = now or utcnow()
    if not row.active:
        return "已停用"
    if row.locked_until is not None and row.locked_until > now:
        return f"已锁定（至 {_local(row.locked_until)[11:]}）"
    return "正常"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class AccountsScreen(QWidget):
    title = "账户管理"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.rows: list[users.UserRow] = []
        self.grids: dict[int, str] = {}
        self._started = False
        self._select_after: int | None = None

        heading = QLabel("账户管理")
        heading.setObjectName("panelTitle")
        explain = QLabel("每位工作人员用自己的账户登录；所有修改、查看完整号码和导出都会记在审计记录里。")
        explain.setStyleSheet("color: #555555;")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_action = self.toolbar.addAction("新增账户", self.add_user)
        self.edit_action = self.toolbar.addAction("修改", self.edit_user)
        self.reset_action = self.toolbar.addAction("重设密码", self.reset_password)
        self.unlock_action = self.toolbar.addAction("解锁", self.unlock_user)
        self.toolbar.addSeparator()
        self.refresh_action = self.toolbar.addAction("刷新", self.reload)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("accounts")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)
        self._update_actions()

    # --- loading --------------------------------------------------------------------------------
    def start(self) -> None:
        if not self._started:
            self._started = True
            self.reload()
        else:
            self._emit_status()

    def reload(self) -> None:
        from chang_shan.population.places import place_tree

        def load(session):  # noqa: ANN001, ANN202
            grids = {g.id: g.name for g in place_tree(session)}
            return users.list_users(session), grids

        self.ops.query(load, success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[users.UserRow], dict[int, str]]) -> None:
        selected = self.selected()
        keep = self._select_after if self._select_after is not None else (selected.id if selected else None)
        self._select_after = None
        self.rows, self.grids = result
        self.table.setRowCount(len(self.rows))
        now = utcnow()
        for r, row in enumerate(self.rows):
            grids = "、".join(self.grids.get(g, str(g)) for g in row.grid_ids) if row.role == "网格员" else "全部"
            values = (row.username, row.display_name, row.role, grids, "可查看" if row.can_health else "",
                      "可查看" if row.can_wills else "", state_text(row, now), _local(row.last_login_at))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 6 and text != "正常":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        if keep is not None:
            self.select_user(keep)
        self._update_actions()
        self._emit_status()

    def _emit_status(self) -> None:
        self.statusChanged.emit(f"账户管理：共 {len(self.rows)} 个账户")

    def selected(self) -> users.UserRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectionModel().hasSelection() else None

    def select_user(self, user_id: int) -> None:
        for r, row in enumerate(self.rows):
            if row.id == user_id:
                self.table.selectRow(r)
                return

    def _update_actions(self) -> None:
        row = self.selected()
        for act in (self.edit_action, self.reset_action):
            act.setEnabled(row is not None)
        self.unlock_action.setEnabled(row is not None and row.locked_until is not None)

    # --- actions --------------------------------------------------------------------------------
    def add_user(self) -> None:
        dialog = UserDialog(self.ops.db, grids=self.grids, parent=self)
        if dialog.exec() == UserDialog.DialogCode.Accepted:
            self.statusChanged.emit(f"已新增账户 {dialog.username.text().strip()}")
            self._after_change(dialog.saved_id)
        dialog.deleteLater()

    def edit_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._change_with(UserDialog(self.ops.db, grids=self.grids, user=row, parent=self), row.id)

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._change_with(ResetPasswordDialog(self.ops.db, row, parent=self), row.id)

    def unlock_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not ops_module.ask(self, "解锁账户", f"解除账户 {row.username} 的锁定？\n解锁后可以立即重新登录。"):
            return
        self.ops.change(f"解锁账户 {row.username}", lambda s: users.unlock(s, row.id),
                        success=lambda _r: self._after_change(row.id), parent=self)

    def _change_with(self, dialog: FormDialog, user_id: int) -> None:
        """Run ``dialog`` on the account ``user_id``; reload (keeping it selected) when it saved."""
        if dialog.exec() == FormDialog.DialogCode.Accepted:
            self._after_change(user_id)
        dialog.deleteLater()

    def _after_change(self, user_id: int | None) -> None:
        self._select_after = user_id
        self.reload()


class UserDialog(FormDialog):
    """A new account (username, name, role, grids, permissions, password twice), or the changeable
    parts of an existing one."""

    enter_saves = False

    def __init__(self, db: Database, *, grids: dict[int, str], user: users.UserRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, title="新增账户" if user is None else f"修改账户 {user.username}", parent=parent)
        self.user = user
        self.grid_ids = {name: grid_id for grid_id, name in grids.items()}
        form = self.use_form(ValidatedForm(parent=self))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(32)
        self.username.setPlaceholderText("2–32 位字母、数字或汉字，如 wangxy")
        if user is not None:
            self.username.setText(user.username)
            self.username.setReadOnly(True)
        form.add_row("username", "用户名", self.username, required=True)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(50)
        form.add_row("display_name", "姓名", self.display_name)
        self.role = QComboBox()
        self.role.setObjectName("role")
        for name in ROLE_NAMES:
            self.role.addItem(name, name)
        self.role_note = QLabel()
        self.role_note.setProperty("formRole", "aside")
        form.add_row("role", "角色", self.role, required=True, aside=self.role_note)
        self.grid_box = CheckGroup(list(self.grid_ids), columns=3)
        self.grid_box.setObjectName("grids")
        form.add_row("grid_ids", "负责网格", self.grid_box)
        self.can_health = QCheckBox("可查看和维护居民健康库")
        self.can_health.setObjectName("can_health")
        self.can_wills = QCheckBox("可查看和维护遗嘱库")
        self.can_wills.setObjectName("can_wills")
        extra = QWidget()
        extra_layout = QHBoxLayout(extra)
        extra_layout.setContentsMargins(0, 0, 0, 0)
        extra_layout.addWidget(self.can_health)
        extra_layout.addWidget(self.can_wills)
        extra_layout.addStretch(1)
        form.add_row("permissions", "敏感台账", extra)
        self.active = QCheckBox("启用（停用后不能登录，记录保留）")
        self.active.setObjectName("active")
        self.active.setChecked(True)
        self.password = _password_edit("password")
        self.again = _password_edit("again")
        if user is None:
            form.add_row("password", "初始密码", self.password, required=True)
            form.add_row("again", "再次输入密码", self.again, required=True)
            form.set_hint("password", "至少 8 位。请当面告诉本人，并请他登录后修改。")
        else:
            form.add_row("active", "状态", self.active)
            self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
            names = {grid_id: name for name, grid_id in self.grid_ids.items()}
            self.grid_box.set_values([names[g] for g in user.grid_ids if g in names])
            self.can_health.setChecked(user.can_health)
            self.can_wills.setChecked(user.can_wills)
            self.active.setChecked(user.active)
        self.body.addWidget(form)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self._initial = self._state()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)
        (self.display_name if user else self.username).setFocus()

    def _role_changed(self, *_args: object) -> None:
        role = self.role.currentData()
        self.role_note.setText(ROLE_NOTES.get(role, ""))
        assert self.form is not None
        self.form.set_row_visible("grid_ids", role == "网格员")
        self.field_changed("role")

    def chosen_grids(self) -> list[int]:
        return [self.grid_ids[name] for name in self.grid_box.values()]

    def _state(self) -> tuple:
        return (self.username.text(), self.display_name.text(), self.role.currentData(), tuple(self.chosen_grids()),
                self.can_health.isChecked(), self.can_wills.isChecked(), self.active.isChecked(),
                self.password.text(), self.again.text())

    def is_dirty(self) -> bool:
        return self._state() != getattr(self, "_initial", self._state())

    def collect_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.user is None:
            if not self.username.text().strip():
                errors["username"] = "请填写用户名。"
            if self.password.text() != self.again.text():
                errors["again"] = "两次输入的密码不一致。"
        if self.role.currentData() == "网格员" and not self.chosen_grids():
            errors["grid_ids"] = "网格员至少要负责一个网格。"
        return errors

    def write(self) -> int | None:
        role = self.role.currentData()
        if self.user is None:
            username = self.username.text().strip()
            with self.db.transaction(f"新增账户 {username}") as session:
                return users.create_user(
                    session, username, self.password.text(), role, display_name=self.display_name.text(),
                    grid_ids=self.chosen_grids(), can_health=self.can_health.isChecked(),
                    can_wills=self.can_wills.isChecked(),
                )
        with self.db.transaction(f"修改账户 {self.user.username}") as session:
            users.update_user(
                session, self.user.id, role=role, display_name=self.display_name.text(),
                grid_ids=self.chosen_grids(), can_health=self.can_health.isChecked(),
                can_wills=self.can_wills.isChecked(), active=self.active.isChecked(),
            )
        return self.user.id


class ResetPasswordDialog(FormDialog):
    """An administrator sets a new password for someone who forgot theirs (and lifts a lockout)."""

    enter_saves = False

    def __init__(self, db: Database, user: users.UserRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title=f"重设密码 {user.username}", save_text="重设", parent=parent)
        self.user = user
        form = self.use_form(ValidatedForm(parent=self))
        self.password = _password_edit("password")
        self.again = _password_edit("again")
        form.add_row("password", "新密码", self.password, required=True)
        form.add_row("again", "再次输入", self.again, required=True)
        form.set_hint("password", "至少 8 位。请当面告诉本人，并请他登录后修改。")
        self.body.addWidget(form)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 32)
        self.password.setFocus()

    def is_dirty(self) -> bool:
        return bool(self.password.text() or self.again.text())

    def collect_errors(self) -> dict[str, str]:
        if self.again.text() and self.password.text() != self.again.text():
            return {"again": "两次输入的密码不一致。"}
        return {}

    def write(self) -> int | None:
        if self.password.text() != self.again.text():
            raise ValidationError({"again": "两次输入的密码不一致。"})
        with self.db.transaction(f"重设密码 {self.user.username}") as session:
            users.reset_password(session, self.user.id, self.password.text())
        return self.user.id
