"""The accounts screen (管理员): the list, 新增账户 (with the service's messages under the fields),
修改 (role, grids, permissions, enabled), 重设密码 and 解锁."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QDialog

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.errors import LoginFailed
from chang_shan.ui.screens import accounts as accounts_module
from chang_shan.ui.screens.accounts import AccountsScreen, ResetPasswordDialog, UserDialog

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


@pytest.fixture
def admin(db, town):  # noqa: ANN001, ANN201
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员", display_name="张主任")
        users.create_user(s, "lina", PASSWORD, "社区工作者", display_name="李娜")
    db.actor = None
    return sign_in(db, "boss", PASSWORD)


@pytest.fixture
def screen(qtbot, operations, admin) -> AccountsScreen:  # noqa: ANN001
    widget = AccountsScreen(operations)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    widget.start()
    qtbot.waitUntil(lambda: operations.idle and len(widget.rows) == 2)
    return widget


def cells(screen: AccountsScreen) -> list[list[str]]:
    table = screen.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


class Opened:
    """Stands in for ``exec()`` of the screen's dialogs: fills them in, saves, reports."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fill) -> None:  # noqa: ANN001
        self.dialogs: list[QDialog] = []

        def exec_(dialog: QDialog) -> int:
            self.dialogs.append(dialog)
            fill(dialog)
            return QDialog.DialogCode.Accepted if dialog.result() == QDialog.DialogCode.Accepted else 0

        for cls in (UserDialog, ResetPasswordDialog):
            monkeypatch.setattr(cls, "exec", exec_)


def test_the_list(screen) -> None:  # noqa: ANN001
    rows = cells(screen)
    assert [r[:4] for r in rows] == [["boss", "张主任", "管理员", "全部"], ["lina", "李娜", "社区工作者", "全部"]]
    assert rows[0][6] == "正常" and rows[0][7]  # boss has just logged in
    assert not screen.edit_action.isEnabled() and not screen.unlock_action.isEnabled()


def test_add_a_user(qtbot, db, town, screen, monkeypatch) -> None:  # noqa: ANN001
    def fill(dialog: UserDialog) -> None:
        assert dialog.windowTitle() == "新增账户"
        dialog.username.setText("zhaogm")
        dialog.display_name.setText("赵国民")
        dialog.role.setCurrentIndex(dialog.role.findData("网格员"))
        assert dialog.form.field_widget("grid_ids").isVisibleTo(dialog)
        dialog.password.setText(PASSWORD)
        dialog.again.setText("something-else")
        assert not dialog.save()
        assert dialog.form.error_text("again") == "两次输入的密码不一致。"
        assert dialog.form.error_text("grid_ids") == "网格员至少要负责一个网格。"
        dialog.again.setText(PASSWORD)
        dialog.grid_box.set_values(["第一网格"])
        dialog.can_health.setChecked(True)
        assert dialog.save()

    opened = Opened(monkeypatch, fill)
    screen.add_action.trigger()
    assert len(opened.dialogs) == 1
    qtbot.waitUntil(lambda: len(screen.rows) == 3)
    row = next(r for r in cells(screen) if r[0] == "zhaogm")
    assert row[1:6] == ["赵国民", "网格员", "第一网格", "可查看", ""]
    assert screen.selected().username == "zhaogm"
    # the new account works, limited to its grid
    db.actor = None
    actor = sign_in(db, "zhaogm", PASSWORD)
    assert actor.role == "网格员" and actor.grid_ids == frozenset({town.grid1})


def test_a_taken_username_is_told_under_the_field(qtbot, screen, monkeypatch) -> None:  # noqa: ANN001
    def fill(dialog: UserDialog) -> None:
        dialog.username.setText("lina")
        dialog.password.setText(PASSWORD)
        dialog.again.setText(PASSWORD)
        assert not dialog.save()
        assert dialog.form.error_text("username") == "用户名“lina”已被使用。"

    Opened(monkeypatch, fill)
    screen.add_action.trigger()
    qtbot.waitUntil(lambda: screen.ops.idle)
    assert len(screen.rows) == 2


def test_edit_role_and_disable(qtbot, db, screen, monkeypatch) -> None:  # noqa: ANN001
    screen.select_user(next(r.id for r in screen.rows if r.username == "lina"))

    def fill(dialog: UserDialog) -> None:
        assert dialog.username.isReadOnly() and dialog.username.text() == "lina"
        dialog.role.setCurrentIndex(dialog.role.findData("只读"))
        dialog.can_wills.setChecked(True)
        dialog.active.setChecked(False)
        assert dialog.save()

    Opened(monkeypatch, fill)
    screen.edit_action.trigger()
    qtbot.waitUntil(lambda: any(r.username == "lina" and not r.active for r in screen.rows))
    row = next(r for r in cells(screen) if r[0] == "lina")
    assert row[2] == "只读" and row[5] == "可查看" and row[6] == "已停用"
    db.actor = None
    with pytest.raises(LoginFailed):
        sign_in(db, "lina", PASSWORD)


def test_an_administrator_cannot_demote_themselves(qtbot, screen, monkeypatch) -> None:  # noqa: ANN001
    screen.select_user(next(r.id for r in screen.rows if r.username == "boss"))

    def fill(dialog: UserDialog) -> None:
        dialog.role.setCurrentIndex(dialog.role.findData("只读"))
        assert not dialog.save()
        assert dialog.form.error_text("role") == "不能取消自己的管理员身份或停用自己的账户。"

    Opened(monkeypatch, fill)
    screen.edit_action.trigger()


def test_unlock_and_reset_a_password(qtbot, db, screen, monkeypatch, boxes) -> None:  # noqa: ANN001
    for _ in range(5):
        with pytest.raises(LoginFailed):
            sign_in(db, "lina", "wrong-password")
    db.actor = None
    sign_in(db, "boss", PASSWORD)
    screen.reload()
    qtbot.waitUntil(lambda: any(r.username == "lina" and r.locked_until for r in screen.rows))
    screen.select_user(next(r.id for r in screen.rows if r.username == "lina"))
    assert screen.unlock_action.isEnabled()
    assert next(r for r in cells(screen) if r[0] == "lina")[6].startswith("已锁定")
    boxes.answer = True
    screen.unlock_action.trigger()
    assert "解除账户 lina 的锁定" in boxes.asked[-1]
    qtbot.waitUntil(lambda: any(r.username == "lina" and r.locked_until is None for r in screen.rows))
    assert next(r for r in cells(screen) if r[0] == "lina")[6] == "正常"

    def fill(dialog: ResetPasswordDialog) -> None:
        assert dialog.windowTitle() == "重设密码 lina"
        dialog.password.setText("new-password-9")
        dialog.again.setText("new-password-9")
        assert dialog.save()

    Opened(monkeypatch, fill)
    screen.reset_action.trigger()
    qtbot.waitUntil(lambda: screen.ops.idle)
    db.actor = None
    assert sign_in(db, "lina", "new-password-9").username == "lina"


def test_state_text() -> None:
    row = users.UserRow(1, "a", "", "只读", False, False, True, datetime(2030, 1, 1, 8, 0), None, ())
    assert accounts_module.state_text(row, datetime(2029, 12, 31)).startswith("已锁定（至 ")
    assert accounts_module.state_text(row, datetime(2030, 1, 2)) == "正常"
