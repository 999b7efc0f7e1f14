"""The resident form driven with qtbot (offscreen). Chinese goes in with setText(): qtbot.keyClicks
with a non-ASCII character aborts the whole test process (DESIGN.md)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Resident
from chang_shan.population import idnumber, residents, undo
from chang_shan.ui.dialogs import ResidentDialog
from tests.population.community import KUANCHENG, LI_ID, ZHANG_ID, Community, build_community, id_number
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui

ELDER_ID = id_number(KUANCHENG, date(1946, 9, 18), 27)  # male, 宽城区, born before the code existed
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def open_dialog(qtbot, db: Database, **kwargs) -> ResidentDialog:  # noqa: ANN001
    return shown(qtbot, ResidentDialog(db, **kwargs))


def leave(qtbot, widget: QWidget, to: QWidget) -> None:  # noqa: ANN001
    """Put the focus in ``widget`` then move it to ``to`` (a real FocusOut, as a user tabbing on)."""
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    to.setFocus()
    qtbot.waitUntil(to.hasFocus)


def counts(db: Database) -> tuple[int, int]:
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(Resident)) or 0,
                s.scalar(select(func.count()).select_from(ChangeSet)) or 0)


def stored(db: Database, resident_id: int) -> residents.ResidentDetail:
    with db.reader() as s:
        return residents.resident_detail(s, resident_id)


# --- a new resident ------------------------------------------------------------------------------------


def test_new_resident_is_saved_with_every_field(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    assert dialog.windowTitle() == "新增居民"
    assert dialog.relation_combo.currentText() == "户主"  # an empty household: its first member is the head
    dialog.name_edit.setText("买买提·艾力")
    dialog.id_edit.setText(ELDER_ID)
    qtbot.keyClicks(dialog.phone_edit, "13804310077")  # ASCII only
    dialog.ethnicity_combo.setEditText("维吾尔族")
    dialog.residence_combo.set_code("常住")
    dialog.employment_combo.setEditText("离退休")
    dialog.groups_box.boxes["独居"].setChecked(True)
    dialog.groups_box.boxes["退役军人"].setChecked(True)
    dialog.note_edit.setPlainText("耳背，敲门要大声")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    got = stored(db, dialog.saved_id)
    assert (got.name, got.id_number, got.birth_date, got.sex) == ("买买提·艾力", ELDER_ID, date(1946, 9, 18), "男")
    assert (got.ethnicity, got.relation, got.phone, got.residence_type) == ("维吾尔族", "户主", "13804310077", "常住")
    assert (got.employment, got.groups, got.note, got.is_head) == ("离退休", ("独居", "退役军人"), "耳背，敲门要大声", True)
    with db.reader() as s:
        assert undo.last_action(s).action == "新增居民 买买提·艾力"


def test_id_number_fills_birth_date_sex_and_shows_the_region(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    assert dialog.birth_edit.value() is None and dialog.sex_combo.code() == ""
    female = id_number(KUANCHENG, date(1961, 4, 9), 48)
    dialog.id_edit.setText(female)
    assert dialog.birth_edit.value() == date(1961, 4, 9)
    assert dialog.sex_combo.currentText() == "女"
    assert dialog.region_label.text() == "吉林省长春市宽城区"
    assert dialog.age_label.text().startswith("（") and "岁" in dialog.age_label.text()
    dialog.id_edit.setText(female[:10])  # half a number: nothing derived, no region
    assert dialog.region_label.text() == ""


def test_full_width_digits_and_lowercase_x_are_accepted_and_shown_canonical(qtbot, db: Database,  # noqa: ANN001
                                                                             town: Community) -> None:
    number = id_number(KUANCHENG, date(1950, 1, 1), 2)
    while not number.endswith("X"):  # find a serial whose check character is X
        number = id_number(KUANCHENG, date(1950, 1, 1), int(number[14:17]) + 2)
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.id_edit.setText(number.translate(FULL_WIDTH))
    assert dialog.birth_edit.value() == date(1950, 1, 1)
    leave(qtbot, dialog.id_edit, dialog.name_edit)
    assert dialog.id_edit.text() == number
    assert dialog.form.error_text("id_number") == ""


def test_a_15_digit_number_is_upgraded_with_a_note(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    legacy = ELDER_ID[:6] + ELDER_ID[8:17]
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.id_edit.setText(legacy)
    assert dialog.birth_edit.value() == date(1946, 9, 18)
    leave(qtbot, dialog.id_edit, dialog.name_edit)
    assert dialog.id_edit.text() == ELDER_ID
    assert "15 位" in dialog.form.hint_text("id_number") and "18 位" in dialog.form.hint_text("id_number")
    dialog.name_edit.setText("关德福")
    assert dialog.save()
    assert stored(db, dialog.saved_id).id_number == ELDER_ID


def test_the_household_can_be_picked_when_none_was_given(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db)
    picker = dialog.household_picker
    assert picker is not None
    picker.place.building.setCurrentIndex(picker.place.building.findData(town.building3))
    picker.place.unit.setCurrentIndex(picker.place.unit.findData(town.unit1))
    rooms = [picker.household.itemText(i) for i in range(picker.household.count())]
    assert any(r.startswith("101") and "张立春" in r for r in rooms)
    picker.household.set_code(str(town.h101))
    dialog.name_edit.setText("张小花")
    dialog.birth_edit.set_value(date(2015, 6, 1))
    dialog.sex_combo.set_code("2")
    dialog.relation_combo.setEditText("孙女")
    assert dialog.save()
    got = stored(db, dialog.saved_id)
    assert (got.household_id, got.relation, got.id_number) == (town.h101, "孙女", None)


# --- messages under the fields -------------------------------------------------------------------------


def test_invalid_input_shows_each_message_under_its_field_and_writes_nothing(qtbot, db: Database,  # noqa: ANN001
                                                                            town: Community) -> None:
    before = counts(db)
    dialog = open_dialog(qtbot, db, household_id=town.h101)
    dialog.name_edit.setText("张3")
    dialog.id_edit.setText(ZHANG_ID)  # already registered
    dialog.phone_edit.setText("123")
    dialog.relation_combo.set_code("02")  # 101 has a head
    dialog.phone_edit.setFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert dialog.isVisible() and dialog.save_button.isEnabled()
    shown = dialog.form.errors_shown()
    assert shown["name"] == "姓名中不能有数字或标点（少数民族姓名的间隔号请用“·”）。"
    assert shown["id_number"] == f"该身份证号码已登记给“张立春”（编号 {town.zhang}）。"
    assert shown["phone"] == "手机号码应为 11 位，现在是 3 位。"
    assert shown["relation_code"] == "该户已有户主；如需更换户主，请使用“变更户主”。"
    assert dialog.name_edit.property("invalid") is True
    assert dialog.findChild(QWidget, "error_name").isVisible()
    assert "4 处" in dialog.banner_text()
    assert dialog.name_edit.hasFocus()  # the first bad field
    assert counts(db) == before


def test_leaving_a_field_checks_only_the_fields_already_visited(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("𠀀" * 51)
    leave(qtbot, dialog.name_edit, dialog.phone_edit)
    assert dialog.form.errors_shown() == {"name": "姓名最多 50 个字，现在是 51 个。"}  # not yet 出生日期
    dialog.name_edit.setText("𠀀")  # fixed: the message goes at once
    assert dialog.form.errors_shown() == {}
    assert dialog.name_edit.property("invalid") is False


def test_birth_date_and_sex_that_contradict_the_id_number_are_flagged(qtbot, db: Database,  # noqa: ANN001
                                                                      town: Community) -> None:
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("关德福")
    dialog.id_edit.setText(ELDER_ID)
    dialog.birth_edit.set_value(date(1946, 9, 19))
    dialog.sex_combo.set_code("2")
    assert not dialog.save()
    assert dialog.form.error_text("birth_date") == "出生日期与身份证号码不一致（号码中为 1946-09-18）。"
    assert dialog.form.error_text("sex_code") == "性别与身份证号码不一致（号码中为男）。"


def test_unknown_ethnicity_typed_is_flagged_and_a_unique_fragment_is_completed(qtbot, db: Database,  # noqa: ANN001
                                                                               town: Community) -> None:
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.ethnicity_combo.setEditText("火星族")
    leave(qtbot, dialog.ethnicity_combo, dialog.name_edit)
    assert dialog.form.error_text("ethnicity_code") == "请从列表中选择民族。"
    dialog.ethnicity_combo.setEditText("鄂温")
    leave(qtbot, dialog.ethnicity_combo, dialog.name_edit)
    assert dialog.ethnicity_combo.currentText() == "鄂温克族"
    assert dialog.form.error_text("ethnicity_code") == ""


# --- keys ---------------------------------------------------------------------------------------------


def test_enter_in_a_half_filled_form_moves_on_instead_of_saving(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = counts(db)
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("刘德厚")
    dialog.name_edit.setFocus()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.name_edit.hasFocus()
    assert counts(db) == before
    dialog.id_edit.setText(id_number(KUANCHENG, date(1949, 10, 1), 11))
    dialog.phone_edit.setFocus()
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Enter)  # now valid: Enter saves
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(db, dialog.saved_id).name == "刘德厚"


def test_esc_closes_an_untouched_form_at_once(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_esc_asks_before_discarding_changes(qtbot, db: Database, town: Community, monkeypatch) -> None:  # noqa: ANN001
    before = counts(db)
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("刘德厚")
    answers = iter([False, True])
    asked = []
    monkeypatch.setattr(dialog, "ask_discard", lambda: asked.append(1) or next(answers))
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and len(asked) == 1  # 继续编辑
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and len(asked) == 2  # 放弃修改
    assert counts(db) == before


def test_the_discard_question_is_a_real_message_box_with_chinese_buttons(qtbot, db: Database,  # noqa: ANN001
                                                                         town: Community) -> None:
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("刘德厚")
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        seen.extend(b.text() for b in box.buttons())
        next(b for b in box.buttons() if b.text() == "继续编辑").click()

    QTimer.singleShot(0, answer)
    dialog.reject()
    assert seen == ["有尚未保存的修改。要放弃这些修改并关闭吗？", "放弃修改", "继续编辑"]
    assert dialog.isVisible()


# --- editing ---------------------------------------------------------------------------------------------


def test_edit_shows_the_id_masked_keeps_it_whole_in_the_field_and_lists_the_history(qtbot, db: Database,  # noqa: ANN001
                                                                                    town: Community) -> None:
    dialog = open_dialog(qtbot, db, resident_id=town.li)
    assert dialog.windowTitle() == "编辑居民"
    masked = idnumber.mask(LI_ID)
    assert dialog.id_masked.text() == masked and dialog.id_stack.currentIndex() == 0
    assert masked in dialog.header.text() and LI_ID not in dialog.header.text()
    assert dialog.id_edit.text() == LI_ID
    qtbot.mouseClick(dialog.id_change_button, Qt.MouseButton.LeftButton)
    assert dialog.id_stack.currentIndex() == 1 and dialog.id_edit.hasFocus()
    assert dialog.tabs is not None and dialog.tabs.tabText(1).startswith("变更记录")
    assert dialog.history_table.item(dialog.history_table.rowCount() - 1, 1).text() == "登记"


def test_edit_keeps_rare_characters_intact_in_the_field_and_in_the_database(qtbot, db: Database,  # noqa: ANN001
                                                                            town: Community) -> None:
    with db.transaction("修改居民") as s:
        data = residents.resident_detail(s, town.son).as_input()
        data.name = "张𪚥𠀀"
        residents.update_resident(s, town.son, data)
    dialog = open_dialog(qtbot, db, resident_id=town.son)
    assert dialog.name_edit.text() == "张𪚥𠀀"
    qtbot.keyClicks(dialog.phone_edit, "13604310003")
    leave(qtbot, dialog.name_edit, dialog.phone_edit)  # leaving the name must not alter it
    assert dialog.name_edit.text() == "张𪚥𠀀"
    assert dialog.save()
    got = stored(db, town.son)
    assert (got.name, got.phone) == ("张𪚥𠀀", "13604310003")
    with db.reader() as s:
        assert undo.last_action(s).action == "修改居民 张𪚥𠀀"


def test_saving_an_unchanged_form_writes_nothing(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = counts(db)
    dialog = open_dialog(qtbot, db, resident_id=town.zhang)
    assert not dialog.is_dirty()
    assert dialog.save()
    assert dialog.saved_id == town.zhang
    assert counts(db) == before


def test_a_stale_edit_shows_the_services_message(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, resident_id=town.li)
    with db.transaction("修改居民 李桂兰") as s:  # another worker, meanwhile
        data = residents.resident_detail(s, town.li).as_input()
        data.phone = "13904310002"
        residents.update_resident(s, town.li, data)
    dialog.note_edit.setPlainText("我的修改")
    assert not dialog.save()
    assert dialog.banner_text() == "这条记录在您编辑期间已被别人修改。请关闭后重新打开再改。"
    assert dialog.isVisible()
    assert stored(db, town.li).note == ""


def test_the_head_cannot_be_demoted_in_the_form(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, resident_id=town.zhang)
    dialog.relation_combo.set_code("11")
    assert not dialog.save()
    assert "变更户主" in dialog.form.error_text("relation_code")


def test_a_resident_who_moved_out_is_shown_read_only(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=date(2024, 6, 1))
    dialog = open_dialog(qtbot, db, resident_id=town.son)
    assert "已迁出" in dialog.banner_text() and "2024-06-01" in dialog.banner_text()
    assert not dialog.save_button.isEnabled() and not dialog.form.isEnabled()
    assert dialog.cancel_button.text() == "关闭"
    assert not dialog.save()


def test_a_busy_or_full_disk_is_told_plainly_and_the_input_is_kept(qtbot, db: Database, town: Community,  # noqa: ANN001
                                                                   monkeypatch) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def locked(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("INSERT INTO resident …", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(residents, "register_resident", locked)
    before = counts(db)
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("刘德厚")
    dialog.birth_edit.set_value(date(1949, 10, 1))
    assert not dialog.save()
    assert dialog.banner_text() == "数据库正忙（另一个操作正在写入），请稍后再试。"
    assert dialog.isVisible() and dialog.name_edit.text() == "刘德厚"
    assert counts(db) == before


def test_a_name_typed_through_an_input_method_keeps_rare_characters(qtbot, db: Database,  # noqa: ANN001
                                                                     town: Community) -> None:
    from PySide6.QtGui import QInputMethodEvent

    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setFocus()
    qtbot.waitUntil(dialog.name_edit.hasFocus)
    for piece in ("王", "𪚥", "𠀀"):  # what a pinyin IME commits, one character at a time
        event = QInputMethodEvent()
        event.setCommitString(piece)
        QApplication.sendEvent(dialog.name_edit, event)
    assert dialog.name_edit.text() == "王𪚥𠀀"
    dialog.birth_edit.set_value(date(1960, 1, 1))
    assert dialog.save()
    assert stored(db, dialog.saved_id).name == "王𪚥𠀀"


def test_leaving_the_name_shows_it_cleaned(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText(" 阿依古丽・吐尔逊 ")  # a katakana middle dot, stray spaces
    leave(qtbot, dialog.name_edit, dialog.phone_edit)
    assert dialog.name_edit.text() == "阿依古丽·吐尔逊"
    assert dialog.form.error_text("name") == ""


@pytest.fixture
def big_font():  # noqa: ANN201
    """查看 → 放大字号 sets the application's font."""
    app = QApplication.instance()
    before = app.font()
    font = app.font()
    font.setPointSize(14)
    app.setFont(font)
    yield
    app.setFont(before)


def test_a_long_message_in_a_narrow_column_is_shown_whole(qtbot, db: Database, town: Community,  # noqa: ANN001
                                                          big_font) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h102)
    dialog.name_edit.setText("张3")
    assert not dialog.save()
    label = dialog.findChild(QWidget, "error_name")
    qtbot.waitUntil(lambda: label.height() >= label.sizeHint().height())
    lines = label.text().split("\n")
    assert len(lines) >= 2 and "".join(lines) == dialog.form.error_text("name")
    assert label.height() >= len(lines) * label.fontMetrics().lineSpacing()
    assert label.geometry().right() <= label.parentWidget().width()  # not clipped on the right
