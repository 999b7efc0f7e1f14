"""The 紧急联系人 dialog driven with qtbot on a real database: lines in calling order with
add/remove/move, the service's messages under the right line, nothing saved on bad input, the
read-only view with masked phones, and the action on the 万家数据库 screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput, ContactRow
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet
from chang_shan.population import undo
from chang_shan.population.residents import validate_phone
from chang_shan.ui.dialogs.contacts import ContactLine, ContactsDialog
from tests.population.community import Community, build_community
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def stored(db: Database, resident_id: int) -> list[ContactRow]:
    with db.reader(actor=SYSTEM) as s:
        return contacts.list_contacts(s, resident_id)


def change_sets(db: Database) -> int:
    with db.reader(actor=SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(ChangeSet)) or 0


def fill(qtbot, line: ContactLine, name: str, relation: str, phone: str, note: str = "") -> None:  # noqa: ANN001
    line.name.setText(name)  # Chinese: setText, never keyClicks
    line.relation.setEditText(relation)
    line.phone.clear()
    qtbot.keyClicks(line.phone, phone)  # ASCII
    line.note.setText(note)


def test_adds_two_contacts_in_calling_order(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    assert dialog.editable and len(dialog.lines) == 1  # an empty first line to start with
    assert not dialog.is_dirty()
    fill(qtbot, dialog.lines[0], "王小明", "儿子", "13904310099", "在南关区上班")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert len(dialog.lines) == 2 and dialog.lines[1].name.hasFocus()
    fill(qtbot, dialog.lines[1], "王小红", "女儿", "0431-85551234")
    qtbot.mouseClick(dialog.lines[1].up, Qt.MouseButton.LeftButton)  # the daughter is called first
    assert [line.name.text() for line in dialog.lines] == ["王小红", "王小明"]
    assert [line.number.text() for line in dialog.lines] == ["1.", "2."]
    assert not dialog.lines[0].up.isEnabled() and not dialog.lines[1].down.isEnabled()
    assert dialog.is_dirty()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    got = stored(db, town.wang)
    assert [(c.position, c.name, c.relation, c.phone, c.note) for c in got] == [
        (1, "王小红", "女儿", "0431-85551234", ""), (2, "王小明", "儿子", "13904310099", "在南关区上班")]
    with db.reader() as s:
        assert undo.last_action(s).action == "修改紧急联系人 王淑芬"


def test_a_bad_phone_is_told_under_its_line_and_nothing_is_saved(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    fill(qtbot, dialog.lines[0], "王小明", "儿子", "13904310099")
    dialog.add_line()
    fill(qtbot, dialog.lines[1], "王小红", "女儿", "12345")
    before = change_sets(db)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    message = validate_phone("12345")[1]
    assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message)  # the service's Chinese words
    assert dialog.errors_shown() == {2: f"电话：{message}"}
    assert dialog.lines[1].phone.property("invalid") and not dialog.lines[1].name.property("invalid")
    assert dialog.lines[1].phone.hasFocus()
    assert dialog.banner_text()
    assert stored(db, town.wang) == [] and change_sets(db) == before

    # corrected, the message goes as soon as the field changes; then it saves
    dialog.lines[1].phone.setText("13904310088")
    assert dialog.errors_shown() == {} and not dialog.lines[1].phone.property("invalid")
    assert dialog.save()
    assert [c.phone for c in stored(db, town.wang)] == ["13904310099", "13904310088"]


def test_a_missing_name_follows_its_line_after_a_move(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    fill(qtbot, dialog.lines[0], "王小明", "儿子", "13904310099")
    dialog.add_line()
    fill(qtbot, dialog.lines[1], "", "邻居", "13904310077")
    dialog.move(dialog.lines[1], -1)
    assert not dialog.save()
    assert dialog.errors_shown() == {1: "姓名：请填写联系人姓名。"}
    assert stored(db, town.wang) == []


def test_at_most_five_and_removing(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("修改紧急联系人 王淑芬") as s:
        contacts.set_contacts(s, town.wang, [ContactInput(name=f"联系人{i}", phone=f"1390431000{i}") for i in range(4)])
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    assert [line.name.text() for line in dialog.lines] == [f"联系人{i}" for i in range(4)]
    assert dialog.lines[0].phone.text() == "13904310000"  # an editor sees the full number
    assert dialog.add_line(focus=False) is not None
    assert not dialog.add_button.isEnabled() and dialog.add_line() is None
    qtbot.mouseClick(dialog.lines[0].remove, Qt.MouseButton.LeftButton)
    assert len(dialog.lines) == 4 and dialog.add_button.isEnabled()
    dialog.lines[-1].name.setText("联系人4")
    dialog.lines[-1].phone.setText("13904310004")
    assert dialog.save()
    assert [c.name for c in stored(db, town.wang)] == ["联系人1", "联系人2", "联系人3", "联系人4"]


def test_a_read_only_user_sees_masked_phones_and_cannot_save(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("修改紧急联系人 王淑芬") as s:
        contacts.set_contacts(s, town.wang, [ContactInput(name="王小明", relation="儿子", phone="13904310099")])
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员")
        users.create_user(s, "viewer", PASSWORD, "只读")
    db.actor = None
    sign_in(db, "viewer", PASSWORD)
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    line = dialog.lines[0]
    assert not dialog.editable and line.name.text() == "王小明"
    assert line.phone.text() == "139****0099" and line.phone.isReadOnly() and line.name.isReadOnly()
    assert not dialog.save_button.isVisible() and dialog.cancel_button.text() == "关闭"
    assert not dialog.add_button.isVisible() and not line.up.isVisible() and not line.remove.isVisible()
    assert not dialog.save()
    assert not dialog.is_dirty()


def test_the_resident_screen_opens_the_contacts(qtbot, operations, db: Database, town: Community, monkeypatch) -> None:  # noqa: ANN001
    from chang_shan.ui.screens.population import PopulationScreen

    screen = PopulationScreen(operations)
    qtbot.addWidget(screen)
    screen.show()
    screen.start()
    qtbot.waitUntil(lambda: operations.idle and screen.model.rowCount() == 4)
    assert not screen.actions.contacts.isEnabled()
    screen.select_resident(town.wang)
    assert screen.actions.contacts.isEnabled()
    opened: list[ContactsDialog] = []

    def exec_(dialog: ContactsDialog) -> int:
        opened.append(dialog)
        fill(qtbot, dialog.lines[0], "王小明", "儿子", "13904310099")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ContactsDialog, "exec", exec_)
    screen.actions.contacts.trigger()
    assert opened and opened[0].resident_id == town.wang
    assert [c.name for c in stored(db, town.wang)] == ["王小明"]
    qtbot.waitUntil(lambda: operations.idle and screen.current_resident_id() == town.wang)


def test_tab_runs_down_the_lines_then_add_save_and_cancel(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    """As on screen: after the last line 添加联系人, then 保存 and 取消 (they were made first, so Tab
    used to jump from the last line to 保存 and reach 添加联系人 only after 取消)."""
    dialog = shown(qtbot, ContactsDialog(db, town.wang))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    last = dialog.lines[-1]
    last.remove.setFocus()
    qtbot.waitUntil(last.remove.hasFocus)
    order = []
    for _step in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [dialog.add_button, dialog.save_button, dialog.cancel_button, dialog.lines[0].name]
