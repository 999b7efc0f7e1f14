"""The 居民健康库 dialogs driven with qtbot on a real database: the 个人基本信息表 editor, the visit
and the self-care assessment. Chinese goes in with setText() (DESIGN.md: keyClicks aborts on it)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models.health import HealthProfile, HealthSelfCare, HealthVisit
from chang_shan.health import profiles, selfcare, visits
from chang_shan.health.shapes import ConditionInput, ProfileInput, VisitInput
from chang_shan.population import undo
from chang_shan.ui.dialogs.health_profile import HealthProfileDialog
from chang_shan.ui.dialogs.self_care import SelfCareDialog
from chang_shan.ui.dialogs.visit import VisitDialog
from tests.population.community import Community, build_community
from tests.ui.conftest import shown
from tests.ui.signed_in import sign_in_as

pytestmark = pytest.mark.gui

@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def click(qtbot, button: QAbstractButton) -> None:  # noqa: ANN001
    """A click on the box or circle itself (the widget may be wider than its text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def count(db: Database, model: type) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def stored_profile(db: Database, resident_id: int) -> ProfileInput:
    with db.reader() as s:
        return profiles.get_profile(s, resident_id).data


def give_hypertension(db: Database, resident_id: int) -> None:
    with db.transaction("建立健康档案") as s:
        data = ProfileInput(conditions=[ConditionInput(code="2", on_date=date(2015, 3, 1))])
        profiles.save_profile(s, resident_id, data, expected_version=None)


# --- the profile ---------------------------------------------------------------------------------


def test_a_new_profile_is_saved_with_every_group(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    assert dialog.windowTitle() == "建立健康档案" and "尚未建档" in dialog.header.text()
    assert dialog.blood_row.code() == "5" and dialog.rh_row.code() == "3"  # 不详 until known
    click(qtbot, dialog.blood_row.buttons["1"])
    dialog.rh_row.buttons["2"].setChecked(True)
    dialog.marital_combo.set_code("2")
    dialog.payment_checks.by_code["1"].setChecked(True)
    dialog.allergy_checks.by_code["2"].setChecked(True)
    dialog.allergy_checks.by_code["5"].setChecked(True)
    assert dialog.allergy_other.isEnabled()
    dialog.allergy_other.setText("头孢类")
    dialog.disability_checks.by_code["3"].setChecked(True)
    line = dialog.conditions.add_line()
    line.disease.set_code("2")
    line.on_date.set_value(date(2015, 3, 20))
    operation = dialog.conditions.add_line()
    operation.category.set_code("手术")
    assert not operation.disease.isVisibleTo(dialog)  # a disease code only for 疾病
    operation.name.setText("阑尾切除")
    operation.on_date.set_value(date(1990, 7, 1))
    dialog.conditions.add_line()  # left blank: not a line of 既往史
    dialog.family.boxes[("父亲", "2")].setChecked(True)
    dialog.family.boxes[("母亲", "7")].setChecked(True)
    dialog.life_combos["fuel_code"].set_code("3")
    dialog.doctor_edit.setText("长山卫生站 王大夫")
    dialog.doctor_phone_edit.setText("13904310999")
    dialog.medication_edit.setPlainText("硝苯地平缓释片 每日一次")
    dialog.wandering_box.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == QDialog.DialogCode.Accepted
    got = stored_profile(db, town.zhang)
    assert (got.blood_type, got.rh, got.marital_code, got.payment) == ("1", "2", "2", ["1"])
    assert (got.allergies, got.allergy_other, got.disabilities) == (["2", "5"], "头孢类", ["3"])
    assert [(c.category, c.code, c.name, c.on_date) for c in got.conditions] == [
        ("疾病", "2", "", date(2015, 3, 1)), ("手术", "", "阑尾切除", date(1990, 7, 1))]
    assert got.family_history == {"父亲": ["2"], "母亲": ["7"]}
    assert (got.fuel_code, got.family_doctor, got.family_doctor_phone) == ("3", "长山卫生站 王大夫", "13904310999")
    assert got.medication == "硝苯地平缓释片 每日一次" and got.wandering_risk
    with db.reader() as s:
        assert undo.last_action(s).action == "建立健康档案 张立春"


def test_an_existing_profile_loads_and_an_unchanged_save_writes_nothing(qtbot, db: Database,  # noqa: ANN001
                                                                        town: Community) -> None:
    give_hypertension(db, town.li)
    with db.reader() as s:
        before = undo.last_action(s).id
    dialog = shown(qtbot, HealthProfileDialog(db, town.li))
    assert dialog.windowTitle() == "编辑健康档案"
    assert [line.disease.code() for line in dialog.conditions.lines] == ["2"]
    assert dialog.conditions.lines[0].on_date.value() == date(2015, 3, 1)
    assert not dialog.is_dirty()
    assert dialog.save()
    with db.reader() as s:
        assert undo.last_action(s).id == before


def test_none_unticks_the_others_and_another_choice_unticks_none(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    checks = dialog.allergy_checks
    checks.by_code["2"].setChecked(True)
    checks.by_code["3"].setChecked(True)
    click(qtbot, checks.by_code["1"])
    assert checks.codes() == ["1"]
    checks.by_code["4"].setChecked(True)
    assert checks.codes() == ["4"]
    family = dialog.family
    family.boxes[("子女", "3")].setChecked(True)
    family.boxes[("子女", "1")].setChecked(True)
    family.boxes[("父亲", "2")].setChecked(True)
    assert family.values() == {"父亲": ["2"], "子女": ["1"]}  # 无 in one column leaves the others alone


def test_bad_input_shows_each_message_by_its_field_and_writes_nothing(qtbot, db: Database,  # noqa: ANN001
                                                                      town: Community) -> None:
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    dialog.allergy_checks.by_code["5"].setChecked(True)  # 其他 without saying which
    tumour = dialog.conditions.add_line()
    tumour.disease.set_code("6")  # 恶性肿瘤 needs its site
    dialog.doctor_phone_edit.setText("123")
    dialog.tabs.setCurrentIndex(4)
    assert not dialog.save()

    assert dialog.isVisible()
    errors = dialog.form.errors_shown()
    assert errors["allergies"] == "选了“其他”，请填写其他过敏药物。"
    assert errors["conditions"] == "第 1 条：恶性肿瘤请填写肿瘤部位。"
    assert "手机号码应为 11 位" in errors["family_doctor_phone"]
    assert "3 处" in dialog.banner_text()
    assert dialog.tabs.currentIndex() == 0  # brought forward: the first bad field's tab
    assert dialog.tabs.tabText(0) == "基本情况（1 处需改正）"
    assert dialog.tabs.tabText(1) == "既往史（1 处需改正）"
    assert count(db, HealthProfile) == 0
    dialog.allergy_other.setText("阿司匹林")  # corrected: its message goes at once
    assert "allergies" not in dialog.form.errors_shown()
    assert dialog.tabs.tabText(0) == "基本情况"


def test_a_message_names_the_line_as_shown_on_screen(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    dialog.conditions.add_line()  # blank: left out
    bad = dialog.conditions.add_line()
    bad.category.set_code("外伤")
    bad.on_date.set_value(date(2001, 5, 1))
    assert not dialog.save()
    assert dialog.form.error_text("conditions") == "第 2 条：请填写外伤的名称或原因。"


def test_a_profile_changed_meanwhile_is_not_overwritten(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    give_hypertension(db, town.zhang)  # another worker, meanwhile
    dialog.doctor_edit.setText("王大夫")
    assert not dialog.save()
    assert dialog.banner_text() == profiles.STALE
    assert dialog.isVisible() and stored_profile(db, town.zhang).family_doctor == ""


def test_a_reader_with_the_health_permission_sees_the_profile_read_only(qtbot, db: Database,  # noqa: ANN001
                                                                        town: Community) -> None:
    give_hypertension(db, town.zhang)
    sign_in_as(db, "doctor", "只读", health=True)
    dialog = shown(qtbot, HealthProfileDialog(db, town.zhang))
    assert dialog.windowTitle() == "查看健康档案"
    assert dialog.save_button.isHidden() and dialog.cancel_button.text() == "关闭"
    assert not dialog.conditions.isEnabled()
    assert dialog.conditions.lines[0].disease.currentText() == "高血压"


# --- visits --------------------------------------------------------------------------------------


def test_a_visit_defaults_to_today_and_the_user_and_proposes_the_next_due_date(qtbot, db: Database,  # noqa: ANN001
                                                                               town: Community) -> None:
    give_hypertension(db, town.zhang)
    sign_in_as(db, "lina", "社区工作者", health=True, display_name="李娜")
    dialog = shown(qtbot, VisitDialog(db, town.zhang))
    today = date.today()
    assert dialog.date_edit.value() == today
    assert dialog.visitor_edit.text() == "李娜"
    assert (dialog.kind_row.code(), dialog.purpose_row.code()) == ("上门", "随访")
    assert dialog.next_due_edit.value() == today + timedelta(days=90)  # a 高血压 patient
    assert "自动填入" in dialog.form.hint_text("next_due_on")
    dialog.purpose_row.buttons["年度体检"].setChecked(True)
    assert dialog.next_due_edit.value() == visits.one_year_after(today)
    dialog.purpose_row.buttons["随访"].setChecked(True)
    dialog.date_edit.set_value(today - timedelta(days=10))
    assert dialog.next_due_edit.value() == today + timedelta(days=80)
    dialog.next_due_edit.set_value(today + timedelta(days=30))  # the user decides
    dialog.date_edit.set_value(today - timedelta(days=5))
    assert dialog.next_due_edit.value() == today + timedelta(days=30)

    dialog.kind_row.buttons["电话"].setChecked(True)
    dialog.systolic_spin.setValue(142)
    dialog.diastolic_spin.setValue(88)
    dialog.glucose_spin.setValue(7.2)
    dialog.notes_edit.setPlainText("血压偏高，嘱按时服药")
    assert dialog.save()
    with db.reader() as s:
        [visit] = visits.list_visits(s, town.zhang)
        assert undo.last_action(s).action == "新增随访 张立春"
    assert (visit.visited_on, visit.kind, visit.purpose, visit.visitor) == (today - timedelta(days=5), "电话", "随访", "李娜")
    assert (visit.blood_pressure, visit.glucose, visit.notes) == ("142/88", Decimal("7.2"), "血压偏高，嘱按时服药")
    assert visit.next_due_on == today + timedelta(days=30)


def test_a_care_visit_of_someone_not_followed_up_proposes_no_next_date(qtbot, db: Database,  # noqa: ANN001
                                                                       town: Community) -> None:
    dialog = shown(qtbot, VisitDialog(db, town.son))  # 张伟, 48, no chronic disease
    assert dialog.next_due_edit.value() is None
    assert dialog.next_due_edit.text() == "不再安排"
    assert "没有固定" in dialog.form.hint_text("next_due_on")


def test_an_invalid_visit_stays_in_the_dialog_with_its_messages(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, VisitDialog(db, town.zhang))
    dialog.systolic_spin.setValue(135)  # no diastolic
    dialog.glucose_spin.setValue(38.0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    errors = dialog.form.errors_shown()
    assert errors["blood_pressure"] == "血压请同时填写收缩压和舒张压。"
    assert errors["glucose"] == "血糖应在 1.0–33.3 mmol/L 之间。"
    assert count(db, HealthVisit) == 0
    dialog.diastolic_spin.setValue(85)  # corrected: the message goes as soon as the field changes
    assert "blood_pressure" not in dialog.form.errors_shown()
    dialog.glucose_spin.setValue(0.0)  # 未测
    assert dialog.glucose_spin.text() == "未测"
    assert dialog.save()
    with db.reader() as s:
        [visit] = visits.list_visits(s, town.zhang)
    assert (visit.blood_pressure, visit.glucose) == ("135/85", None)


def test_a_visit_is_corrected_in_the_same_dialog(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("新增随访") as s:
        row = visits.record_visit(s, town.wang, VisitInput(visited_on=date.today() - timedelta(days=3),
                                                           purpose="关怀", visitor="张主任"))
    dialog = shown(qtbot, VisitDialog(db, town.wang, visit=row))
    assert dialog.windowTitle() == "修改随访记录"
    assert (dialog.purpose_row.code(), dialog.visitor_edit.text()) == ("关怀", "张主任")
    dialog.notes_edit.setPlainText("送去米面")
    assert dialog.save()
    with db.reader() as s:
        [visit] = visits.list_visits(s, town.wang)
    assert (visit.id, visit.notes, visit.visitor) == (row.id, "送去米面", "张主任")


# --- self-care -----------------------------------------------------------------------------------


def test_the_self_care_total_and_level_follow_the_choices(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, SelfCareDialog(db, town.wang))
    assert dialog.total_label.text().startswith("0 分　可自理")
    assert dialog.items["grooming"].buttons["1"].text() == "能独立地洗头、梳头、洗脸、刷牙、剃须等；洗澡需要协助（1 分）"
    click(qtbot, dialog.items["eating"].buttons["3"])
    assert dialog.total_label.text() == "3 分　可自理"
    dialog.items["activity"].buttons["5"].setChecked(True)
    assert dialog.total_label.text() == "8 分　轻度依赖，需要有人照护"
    dialog.items["toileting"].buttons["10"].setChecked(True)
    dialog.items["grooming"].buttons["7"].setChecked(True)
    assert dialog.level() == "不能自理" and dialog.total() == 25
    dialog.items["toileting"].buttons["1"].setChecked(True)
    assert dialog.total_label.text() == "16 分　中度依赖，需要有人照护"
    dialog.assessor_edit.setText("李娜")
    assert dialog.save()
    with db.reader() as s:
        latest = selfcare.latest_self_care(s, town.wang)
        assert undo.last_action(s).action == "生活自理能力评估 王淑芬"
    assert latest is not None
    assert (latest.eating, latest.grooming, latest.toileting, latest.activity) == (3, 7, 1, 5)
    assert (latest.total, latest.level, latest.assessor, latest.assessed_on) == (16, "中度依赖", "李娜", date.today())


def test_a_self_care_date_in_the_future_is_refused_in_the_dialog(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, SelfCareDialog(db, town.wang))
    dialog.date_edit.setMaximumDate(dialog.date_edit.maximumDate().addDays(5))
    dialog.date_edit.set_value(date.today() + timedelta(days=2))
    assert not dialog.save()
    assert dialog.form.error_text("assessed_on") == "评估日期不能晚于今天。"
    assert count(db, HealthSelfCare) == 0


# --- keys and size -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["profile", "visit", "self_care"])
def test_a_dialog_opens_on_its_first_field_not_on_save(qtbot, db: Database, town: Community, kind: str) -> None:  # noqa: ANN001
    """保存 is the first widget each dialog makes; the focus must not start there (typing went
    nowhere, and Enter saved the untouched form)."""
    if kind == "profile":
        dialog = shown(qtbot, HealthProfileDialog(db, town.wang))
        first = dialog.blood_row.buttons["5"]  # 不详, chosen until the blood type is known
    elif kind == "visit":
        dialog = shown(qtbot, VisitDialog(db, town.wang))
        first = dialog.date_edit
    else:
        dialog = shown(qtbot, SelfCareDialog(db, town.wang))
        first = dialog.date_edit
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    assert not dialog.save_button.hasFocus()


def test_tab_goes_from_the_profile_tabs_to_the_first_field(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, HealthProfileDialog(db, town.wang))
    bar = dialog.tabs.tabBar()
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus)
    qtbot.keyClick(bar, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() in dialog.blood_row.buttons.values()  # not the page's scroll area


def test_the_self_care_dialog_fits_a_1366_by_768_screen(qtbot, qapp, db: Database, town: Community) -> None:  # noqa: ANN001
    """At the program's own font (CJK, 11 pt) one choice a line made it about 890 pixels tall:
    保存 was off the screen. Two choices a line it fits, with room for a title bar and a task bar."""
    from chang_shan.ui.app import ui_font

    before = qapp.font()
    qapp.setFont(ui_font())
    try:
        dialog = shown(qtbot, SelfCareDialog(db, town.wang))
        assert dialog.sizeHint().height() <= 768 - 80
        assert dialog.sizeHint().width() <= 1366 - 40
        row = dialog.items["grooming"]
        assert [row.layout().getItemPosition(row.layout().indexOf(b))[:2] for b in row.buttons.values()] == [
            (0, 0), (0, 1), (1, 0), (1, 1)]  # by score: left to right, then down
        for item in dialog.items.values():  # no choice cut short (a new window is at most 2/3 of the screen wide)
            assert all(b.width() >= b.sizeHint().width() for b in item.buttons.values())
    finally:
        qapp.setFont(before)
