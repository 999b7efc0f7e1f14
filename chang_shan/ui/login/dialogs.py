"""The sign-in dialogs: first start (demo community or the first administrator), login, change
one's own password, and the settings (idle lock, 久未走访提醒天数).

They call the account services directly on the GUI thread: each call is one short transaction
(an Argon2 check takes about 0.1 s), and a login must not queue behind long work on the worker.
Messages from the services are shown inline, in the services' words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chang_shan import APP_TITLE
from chang_shan.errors import ChangShanError, LoginFailed, ValidationError
from chang_shan.ui.forms.fields import ERROR_COLOUR, FORM_STYLE, HINT_COLOUR, ValidatedForm
from chang_shan.ui.login import store

if TYPE_CHECKING:
    from chang_shan.accounts.permissions import Actor
    from chang_shan.db.database import Database

NOT_VISITED_KEY = "today.not_visited_days"
SETTING_OBJECT_NAMES = {NOT_VISITED_KEY: "notVisitedDays"}
SETTING_HINTS = {
    NOT_VISITED_KEY: "独居或需照护的老人超过这么多天没有走访，就列入今日待办的“久未走访”。",
    "services.default_due_days": "受理服务请求时，办理期限默认为受理日期之后这么多天。",
    "services.revisit_after_days": "服务办结后这么多天还没有回访，就列入今日待办的“待回访”。",
    "canteen.meal_price": "乐龄食堂每餐的价格，例如 7.00。改价只影响以后记录的用餐，已记录的不变。",
    "office.community_name": "打印在结算单等表格上的社区名称。",
}

DIALOG_STYLE = FORM_STYLE + f"""
QLabel#loginTitle {{ font-weight: bold; color: #1f3f66; }}
QLabel#message {{ color: {ERROR_COLOUR}; background: #fdecea; border: 1px solid {ERROR_COLOUR};
    border-radius: 4px; padding: 6px; }}
QLabel#hint {{ color: {HINT_COLOUR}; background: #eef4fb; border: 1px solid #b7cce4; border-radius: 4px;
    padding: 6px; }}
QLabel#explain {{ color: #444444; }}
"""


class _Busy:
    """A wait cursor while a password is checked (a fraction of a second)."""

    def __enter__(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc: object) -> None:
        QGuiApplication.restoreOverrideCursor()


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def _text_edit(name: str, max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def _heading(text: str, scale: float = 1.5) -> QLabel:
    label = QLabel(text)
    label.setObjectName("loginTitle")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _note(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def _buttons(
    accept: str, accept_name: str, other: str, other_name: str = "", *,
    other_role: QDialogButtonBox.ButtonRole = QDialogButtonBox.ButtonRole.RejectRole,
    min_width: int = 0, auto_default: bool = False,
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A button box with an accepting button and one other (by default rejecting), named for the
    tests. ``auto_default=False`` keeps Enter with the dialog rather than the focused button."""
    box = QDialogButtonBox()
    first = box.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    first.setObjectName(accept_name)
    second = box.addButton(other, other_role)
    if other_name:
        second.setObjectName(other_name)
    for button in (first, second):
        if min_width:
            button.setMinimumWidth(min_width)
        if not auto_default:
            button.setAutoDefault(False)
    return box, first, second


class _AccountDialog(QDialog):
    """Common frame: a heading, a form, a message line and the buttons."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(DIALOG_STYLE)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(24, 18, 24, 18)
        self.outer.setSpacing(10)
        self.message = _note("message")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def show_errors(self, form: ValidatedForm, exc: ValidationError) -> None:
        elsewhere = form.show_errors(exc.errors)
        self.show_message("\n".join(elsewhere.values()))
        first = form.first_in_order(exc.errors)
        if first is not None:
            form.focus_field(first)

    def attempt(self, form: ValidatedForm, action: Callable[[], object]) -> bool:
        """Run ``action``; a refusal is shown (by the fields it names, else on the message line)."""
        try:
            action()
        except ValidationError as exc:
            self.show_errors(form, exc)
            return False
        except ChangShanError as exc:
            self.show_message(exc.message)
            return False
        return True


class LoginDialog(_AccountDialog):
    """用户名, 密码, 登录. A wrong password or a locked account is told inline; Esc (or 退出)
    rejects, which quits the program. ``signedIn(actor)`` once the service accepted the password."""

    signedIn = Signal(object)

    def __init__(
        self, db: Database, *, hint: str = "", username: str = "", note: str = "",
        now: Callable[[], datetime] | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"登录 — {APP_TITLE}", parent)
        self.db = db
        self._now = now
        self.actor: Actor | None = None
        self.outer.addWidget(_heading(APP_TITLE, 1.7))
        explain = QLabel("请输入您的用户名和密码")
        explain.setObjectName("explain")
        explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.outer.addWidget(explain)
        self.note = _note("explain")
        if note:
            self.note.setText(note)
            self.note.show()
        self.outer.addWidget(self.note)

        self.form = ValidatedForm(parent=self)
        self.username = _text_edit("username", 32, "如 zhangsan")
        self.password = _password_edit("password")
        self.form.add_row("username", "用户名", self.username)
        self.form.add_row("password", "密码", self.password)
        self.outer.addWidget(self.form)
        self.outer.addWidget(self.message)

        self.hint = _note("hint")
        if hint:
            self.hint.setText(hint + "\n（演示数据均为虚构；正式使用前请修改此密码。）")
            self.hint.show()
        self.outer.addWidget(self.hint)

        buttons, self.login_button, self.quit_button = _buttons(
            "登录", "loginButton", "退出", "quitButton", min_width=110)
        self.login_button.setDefault(True)  # drawn as the default; Enter is handled below
        self.login_button.clicked.connect(self.try_login)
        self.quit_button.clicked.connect(self.reject)
        self.outer.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)

        if username:
            self.username.setText(username)
            self.password.setFocus()
        else:
            self.username.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter in the user name moves on to the password; elsewhere it logs in."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            elif focused is self.username and not self.password.text():
                self.password.setFocus()
            else:
                self.try_login()
            return
        super().keyPressEvent(event)

    def try_login(self) -> bool:
        """Ask the service; True when signed in (the dialog is then accepted)."""
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.show_message("请输入用户名。")
            self.username.setFocus()
            return False
        if not password:
            self.show_message("请输入密码。")
            self.password.setFocus()
            return False
        from chang_shan.accounts.signin import sign_in

        try:
            with _Busy():
                actor = sign_in(self.db, username, password, now=self._now() if self._now else None)
        except LoginFailed as exc:
            self.show_message(exc.message)
            self.password.clear()
            self.password.setFocus()
            return False
        self.actor = actor
        self.show_message("")
        self.accept()
        self.signedIn.emit(actor)
        return True


class FirstStartDialog(_AccountDialog):
    """The program's first start: build the demo community (the default, when the folder is
    empty) or create the administrator for real use (username, name, password twice).

    ``demoChosen()`` or ``adminCreated(username)`` follows 继续; 退出 / Esc rejects.
    """

    demoChosen = Signal()
    adminCreated = Signal(str)

    def __init__(self, db: Database, *, offer_demo: bool, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(f"第一次使用 — {APP_TITLE}", parent)
        self.db = db
        self.outer.addWidget(_heading(f"欢迎使用{APP_TITLE}", 1.5))
        self.intro = QLabel(note or "这是第一次在这个数据文件夹中使用本程序。请选择：")
        self.intro.setObjectName("explain")
        self.intro.setWordWrap(True)
        self.outer.addWidget(self.intro)

        self.choices = QButtonGroup(self)
        self.demo_choice = QRadioButton("建立演示社区（约 7,000 位虚构居民，用于熟悉和练习）")
        self.demo_choice.setObjectName("demoChoice")
        self.admin_choice = QRadioButton("创建管理员账户（正式使用）")
        self.admin_choice.setObjectName("adminChoice")
        self.choices.addButton(self.demo_choice)
        self.choices.addButton(self.admin_choice)
        self.outer.addWidget(self.demo_choice)
        self.demo_note = QLabel("　　演示社区自带管理员账户 admin，登录窗口会显示它的密码。")
        self.demo_note.setObjectName("explain")
        self.outer.addWidget(self.demo_note)
        self.outer.addWidget(self.admin_choice)

        self.form = ValidatedForm(parent=self)
        self.username = _text_edit("username", 32, "2–32 位字母、数字或汉字")
        self.display_name = _text_edit("display_name", 50, "如 王秀英")
        self.password = _password_edit("password")
        self.again = _password_edit("again")
        self.form.add_row("username", "用户名", self.username, required=True)
        self.form.add_row("display_name", "姓名", self.display_name)
        self.form.add_row("password", "密码", self.password, required=True)
        self.form.add_row("again", "再次输入密码", self.again, required=True)
        self.form.set_hint("password", "至少 8 位。请牢记：管理员的密码只能由另一位管理员重设。")
        self.form.setContentsMargins(24, 0, 0, 0)
        self.outer.addWidget(self.form)
        self.outer.addWidget(self.message)

        buttons, self.continue_button, self.quit_button = _buttons(
            "继续", "continueButton", "退出", "quitButton", min_width=110)
        self.continue_button.clicked.connect(self.go_on)
        self.quit_button.clicked.connect(self.reject)
        self.outer.addWidget(buttons)
        self.again.returnPressed.connect(self.go_on)
        self.choices.buttonToggled.connect(self._choice_changed)
        self.set_offer_demo(offer_demo)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 36)

    def set_offer_demo(self, offer: bool) -> None:
        for widget in (self.demo_choice, self.demo_note, self.admin_choice):
            widget.setVisible(offer)
        (self.demo_choice if offer else self.admin_choice).setChecked(True)
        self._choice_changed()

    def _choice_changed(self, *_args: object) -> None:
        admin = self.admin_choice.isChecked()
        self.form.setEnabled(admin)
        self.continue_button.setText("创建并继续" if admin else "建立演示社区")
        if admin:
            self.username.setFocus()

    def go_on(self) -> bool:
        if self.demo_choice.isChecked():
            self.accept()
            self.demoChosen.emit()
            return True
        username = self.username.text().strip()

        def create() -> None:
            with _Busy():
                store.create_first_admin(self.db, username, self.display_name.text(), self.password.text(),
                                         self.again.text())

        if not self.attempt(self.form, create):
            return False
        self.form.clear_errors()
        self.accept()
        self.adminCreated.emit(username)
        return True


class ChangePasswordDialog(_AccountDialog):
    """文件 → 修改密码: the old password, the new one twice."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("修改密码", parent)
        self.db = db
        self.form = ValidatedForm(parent=self)
        self.old_password = _password_edit("old_password")
        self.password = _password_edit("password")
        self.again = _password_edit("again")
        self.form.add_row("old_password", "原密码", self.old_password, required=True)
        self.form.add_row("password", "新密码", self.password, required=True)
        self.form.add_row("again", "再次输入新密码", self.again, required=True)
        self.form.set_hint("password", "至少 8 位。")
        self.outer.addWidget(self.form)
        self.outer.addWidget(self.message)
        buttons, self.save_button, cancel = _buttons("修改", "saveButton", "取消")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self.outer.addWidget(buttons)
        self.again.returnPressed.connect(self.save)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)

    def save(self) -> bool:
        from chang_shan.accounts import users

        def change() -> None:
            if self.password.text() != self.again.text():
                raise ValidationError({"again": "两次输入的新密码不一致。"})
            with _Busy(), self.db.transaction("修改密码") as session:
                users.change_own_password(session, self.old_password.text(), self.password.text())

        if not self.attempt(self.form, change):
            return False
        self.accept()
        return True


class IdleSettingsDialog(_AccountDialog):
    """工具 → 设置 (administrators): minutes without input before the window locks itself, and
    the office settings of ``chang_shan.settings`` (久未走访提醒天数)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        from chang_shan.settings import SETTINGS, get_setting

        super().__init__("设置", parent)
        self.db = db
        self.form = ValidatedForm(parent=self)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("minutes")
        self.minutes.setRange(store.MIN_IDLE_MINUTES, store.MAX_IDLE_MINUTES)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setValue(store.idle_minutes(db))
        self.form.add_row("minutes", "无人操作后锁定", self.minutes)
        self.form.set_hint("minutes", "超过这个时间没有键盘和鼠标操作，窗口自动锁定，需输入密码解锁。")

        # Every office setting, in the registry's order: a spin box for whole numbers, a line for
        # money (checked by the service: at most two decimals, never a float) and for text.
        self.fields: dict[str, QWidget] = {}
        with db.reader() as session:
            values = {key: get_setting(session, key) for key in SETTINGS}
        for key, setting in SETTINGS.items():
            field = self._setting_field(setting, values[key])
            field.setObjectName(SETTING_OBJECT_NAMES.get(key, key))
            self.fields[key] = field
            self.form.add_row(key, setting.label, field)
            if key in SETTING_HINTS:
                self.form.set_hint(key, SETTING_HINTS[key])
        self.days = self.fields[NOT_VISITED_KEY]

        self.outer.addWidget(self.form)
        self.outer.addWidget(self.message)
        buttons, self.save_button, cancel = _buttons("保存", "saveButton", "取消", auto_default=True)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self.outer.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)

    def value(self) -> int:
        return self.minutes.value()

    def not_visited_days(self) -> int:
        return self.days.value()

    @staticmethod
    def _setting_field(setting, value) -> QWidget:  # noqa: ANN001 - a chang_shan.settings.Setting
        if setting.kind is bool:
            box = QCheckBox("是")
            box.setChecked(bool(value))
            return box
        if setting.kind is int:
            box = QSpinBox()
            box.setRange(int(setting.minimum or 0), int(setting.maximum or 1_000_000))
            if setting.unit:
                box.setSuffix(f" {setting.unit}")
            box.setValue(int(value))
            return box
        edit = QLineEdit(f"{value:.2f}" if isinstance(value, Decimal) else str(value))
        if setting.unit:
            edit.setPlaceholderText(setting.unit)
        return edit

    def setting_value(self, key: str) -> bool | int | str:
        field = self.fields[key]
        if isinstance(field, QCheckBox):
            return field.isChecked()
        return field.value() if isinstance(field, QSpinBox) else field.text()

    def _save_settings(self) -> None:
        from chang_shan.settings import set_settings

        with self.db.reader() as session, session.begin():  # audited events, not an undoable action
            set_settings(session, {key: self.setting_value(key) for key in self.fields})
        store.save_idle_minutes(self.db, self.minutes.value())

    def save(self) -> bool:
        if not self.attempt(self.form, self._save_settings):
            return False
        self.accept()
        return True
