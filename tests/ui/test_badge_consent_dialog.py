"""The 防走失卡同意书 dialog on a real database: the office's defaults when nothing is recorded,
the service's messages under the fields (同意人 missing, an ID number in 健康提示, 健康提示 ticked
without a note) with nothing written, 从健康档案生成 (rare-character name, dementia first), save
and undo, 恢复为默认, a stale form, and what users without the 居民健康库 permission or without
修改 may do. Chinese goes in with setText()."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.badges import consent as consents
from chang_shan.badges.shapes import ConsentInput, ConsentRow
from chang_shan.db.database import Database
from chang_shan.population import undo
from chang_shan.ui.dialogs.badge_consent import NO_HEALTH, BadgeConsentDialog
from tests.badges.office import RARE_NAME, ZHAO_ID, BadgeOffice
from tests.ui.badge_desk import ADMIN, as_program, badge_db, badge_office  # noqa: F401
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui


def stored(db: Database, resident_id: int) -> ConsentRow:
    def read(d: Database) -> ConsentRow:
        d.actor = SYSTEM
        with d.reader() as s:
            return consents.get_consent(s, resident_id)
    return as_program(db, read)


def open_dialog(qtbot, db: Database, office: BadgeOffice, resident_id: int, role: str = ADMIN) -> BadgeConsentDialog:  # noqa: ANN001
    db.actor = office.actors[role]
    return shown(qtbot, BadgeConsentDialog(db, resident_id))


def test_nothing_recorded_shows_the_office_defaults(qtbot, badge_db: Database, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    dialog = open_dialog(qtbot, badge_db, badge_office, badge_office.zhao)
    assert dialog.findChild(QLabel, "header").text().startswith(RARE_NAME)  # rare characters intact
    assert dialog.status.text() == "尚未登记同意书：现在按社区的默认设置印卡。"
    assert (dialog.address_box.isChecked(), dialog.photo_box.isChecked(), dialog.medical_box.isChecked()) == \
        (False, True, False)
    assert dialog.contacts_spin.value() == 2 and dialog.given_by_edit.text() == ""
    assert dialog.given_on_edit.value() == date.today()
    assert not dialog.default_button.isVisible()  # nothing to go back from
    assert dialog.medical_box.isEnabled() and dialog.generate_button.isEnabled()
    assert QApplication.focusWidget() is dialog.given_by_edit


def test_the_services_messages_appear_under_their_fields(qtbot, badge_db: Database,  # noqa: ANN001, F811
                                                         badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.zhao)
    dialog.medical_box.setChecked(True)  # ticked, but no note
    dialog.given_on_edit.setMaximumDate(dialog.given_on_edit.maximumDate().addDays(5))
    dialog.given_on_edit.set_value(date.today() + timedelta(days=2))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    errors = dialog.form.errors_shown()
    assert set(errors) == {"given_by", "given_on", "medical_note"}
    assert errors["given_by"].startswith("请填写同意人")
    assert "健康提示的内容" in errors["medical_note"]  # keyed include/medical: shown under 健康提示
    assert dialog.banner_text().startswith("有 3 处需要改正")
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not stored(badge_db, o.zhao).recorded  # nothing written

    # an ID number in the note is refused, spaced or not
    dialog.given_on_edit.set_value(date.today())
    dialog.given_by_edit.setText("儿子 赵建国")
    dialog.medical_edit.setText(f"糖尿病 {ZHAO_ID[:6]} {ZHAO_ID[6:14]} {ZHAO_ID[14:]}")
    assert not dialog.save()
    assert dialog.form.errors_shown() == {"medical_note": "健康提示中不能包含身份证号。"}
    assert not stored(badge_db, o.zhao).recorded
    dialog.medical_edit.setText("糖尿病")  # corrected: the message goes at once
    assert dialog.form.errors_shown() == {}
    assert dialog.save()
    assert stored(badge_db, o.zhao).medical_note == "糖尿病"


def test_generate_from_the_health_record_then_save_and_undo(qtbot, badge_db: Database,  # noqa: ANN001, F811
                                                            badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.zhao)
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    note = dialog.medical_edit.text()
    assert note.split("；")[:2] == ["走失风险", "阿尔茨海默病"] and "青霉素过敏" in note and len(note) <= 60
    assert dialog.medical_box.isChecked()
    assert dialog.form.hint_text("medical_note") == f"{len(note)}/60 字"
    dialog.address_box.setChecked(True)
    dialog.contacts_spin.setValue(3)
    dialog.given_by_edit.setText("儿子 赵建国")
    dialog.note_edit.setText("家属在社区当面签字")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = stored(badge_db, o.zhao)
    assert (row.recorded, row.include_address, row.include_photo, row.include_medical, row.medical_note,
            row.max_contacts, row.given_by, row.given_on, row.note) == \
        (True, True, True, True, note, 3, "儿子 赵建国", date.today(), "家属在社区当面签字")
    badge_db.actor = o.actors[ADMIN]
    with badge_db.transaction("撤销") as s:
        assert undo.undo_last(s).startswith("修改防走失卡同意书")
    assert not stored(badge_db, o.zhao).recorded


def test_a_recorded_consent_goes_back_to_the_defaults(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                                       boxes) -> None:  # noqa: ANN001
    o = badge_office
    badge_db.actor = o.actors[ADMIN]
    with badge_db.transaction("同意书") as s:
        consents.set_consent(s, o.li, ConsentInput(include_address=True, given_by="本人", given_on=date(2025, 5, 1)))
    dialog = open_dialog(qtbot, badge_db, o, o.li)
    assert dialog.status.text() == "已登记同意书（本人，2025-05-01）。"
    assert dialog.address_box.isChecked() and dialog.given_on_edit.value() == date(2025, 5, 1)
    assert dialog.default_button.isVisible()
    boxes.answer = False
    qtbot.mouseClick(dialog.default_button, Qt.MouseButton.LeftButton)
    assert stored(badge_db, o.li).recorded and dialog.isVisible()  # asked first: not confirmed, kept
    boxes.answer = True
    qtbot.mouseClick(dialog.default_button, Qt.MouseButton.LeftButton)
    assert "删除李桂兰的防走失卡同意书" in boxes.asked[-1]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not stored(badge_db, o.li).recorded


def test_a_consent_changed_meanwhile_is_not_overwritten(qtbot, badge_db: Database,  # noqa: ANN001, F811
                                                        badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.wang)
    with badge_db.transaction("同意书") as s:  # someone else, in between
        consents.set_consent(s, o.wang, ConsentInput(given_by="女儿 张秀英"))
    dialog.given_by_edit.setText("本人")
    assert not dialog.save()
    assert "已被他人修改" in dialog.banner_text()
    assert stored(badge_db, o.wang).given_by == "女儿 张秀英"


def test_without_the_health_permission_the_note_stays_as_it_is(qtbot, badge_db: Database,  # noqa: ANN001, F811
                                                              badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    badge_db.actor = o.actors[ADMIN]
    with badge_db.transaction("同意书") as s:
        consents.set_consent(s, o.zhao, ConsentInput(include_medical=True, medical_note="走失风险", given_by="本人"))
    dialog = open_dialog(qtbot, badge_db, o, o.zhao, role="worker")  # 社区工作者 without 居民健康库
    for widget in (dialog.medical_box, dialog.medical_edit, dialog.generate_button):
        assert not widget.isEnabled() and widget.toolTip() == NO_HEALTH
    assert dialog.medical_edit.text() == "走失风险"  # may edit the resident: sees the note
    dialog.contacts_spin.setValue(1)
    assert dialog.save()
    row = stored(badge_db, o.zhao)
    assert (row.max_contacts, row.include_medical, row.medical_note) == (1, True, "走失风险")


def test_a_reader_sees_the_consent_read_only(qtbot, badge_db: Database, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    dialog = open_dialog(qtbot, badge_db, badge_office, badge_office.zhang, role="reader_h")
    assert dialog.save_button.isHidden() and dialog.cancel_button.text() == "关闭"
    assert not dialog.given_by_edit.isEnabled() and not dialog.address_box.isEnabled()
    assert not dialog.default_button.isVisible() and not dialog.is_dirty()
    assert dialog.explain.text() == "您可以查看，但不能修改此居民的防走失卡同意书。"
