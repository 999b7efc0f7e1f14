"""Correcting a volunteer from outside (a student) on 党建与志愿者 → 志愿者: the form shows the
registered sex, and the ID number and phone left empty as the hint says (“不改请留空”) stay as
they were (they used to be cleared). A rule opened from the list starts from its points; confirming
many records at once names a few volunteers in 编辑 → 撤销, not all of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models.volunteers import Volunteer
from chang_shan.population.undo import last_action
from chang_shan.volunteers import registry, service_records
from chang_shan.volunteers.shapes import ServiceInput
from tests.ui.party_desk import DAY, PartyDesk, party_desk, wait_idle  # noqa: F401
from tests.ui.test_volunteer_screen import open_screen

pytestmark = pytest.mark.gui


def test_a_students_correction_keeps_sex_id_number_and_phone(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    student = party_desk.volunteer["陈晓"]
    with db.transaction("证件", actor=SYSTEM) as s:
        v = s.get(Volunteer, student)
        v.id_number, v.phone = "11010120030101123X", "13812345678"
    screen = open_screen(qtbot, operations, "volunteers")
    tab = screen.volunteers
    tab.select_id(student)
    qtbot.waitUntil(lambda: tab.edit_action.isEnabled())
    wait_idle(qtbot, screen)
    dialog = tab.edit_volunteer()
    assert dialog is not None
    assert dialog.sex.currentData() == "2"  # 女, as registered
    assert dialog.id_number.text() == "" and dialog.phone.text() == ""  # 不改请留空
    dialog.skills.setText("法律咨询")
    assert dialog.save(), dialog.banner_text() or dialog.form_.errors_shown()
    wait_idle(qtbot, screen)
    with db.reader(actor=SYSTEM) as s:
        v = s.get(Volunteer, student)
        assert (v.sex_code, v.id_number, v.phone, v.skills) == ("2", "11010120030101123X", "13812345678", "法律咨询")
        assert last_action(s).action == "修改志愿者 陈晓"


def test_a_rule_opened_from_the_list_starts_from_its_points(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "counter")
    screen.counter.tabs.setCurrentWidget(screen.counter.rules)
    rules = screen.counter.rules
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(rules.model.rows) == 1)
    rules.select_id(rules.model.rows[0].id)
    dialog = rules.open_selected()
    assert dialog.kind.currentText() == "关爱老人"
    assert (dialog.per_hour.value(), dialog.per_service.value()) == (10, 5)  # not 0 and 0
    dialog.close_without_asking()


def test_confirming_many_names_a_few_in_the_undo_menu(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    with db.transaction("志愿者", actor=SYSTEM) as s:
        for n, name in enumerate(("王一", "王二", "王三", "王四", "王五")):
            volunteer = registry.register_volunteer(s, registry_input(name, n), today=DAY)
            service_records.record_service(s, ServiceInput(
                volunteer_id=volunteer, team_id=None, served_on=date(2026, 3, 18), place="社区广场", kind="关爱老人",
                content="陪老人聊天", hours=Decimal("1")), today=DAY)
    screen = open_screen(qtbot, operations, "services")
    tab = screen.services
    qtbot.waitUntil(lambda: len(tab.model.rows) == 6)
    tab.table.selectAll()
    assert tab.confirm_selected()
    wait_idle(qtbot, screen)
    with db.reader() as s:
        action = last_action(s).action
    assert action.startswith("确认服务记录 6 条（") and action.endswith("等 6 人，7.5 小时）"), action
    assert action.count("、") == 2


def registry_input(name: str, n: int):  # noqa: ANN201
    from chang_shan.volunteers.shapes import VolunteerInput

    return VolunteerInput(kind="其他", name=name, sex_code="1", registered_on=date(2025, 1, 5 + n))
