"""The household form driven with qtbot (offscreen); Chinese typed with setText() only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Household
from chang_shan.population import households, roles, undo
from chang_shan.ui.dialogs import HouseholdDialog
from tests.population.community import Community, build_community
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def open_dialog(qtbot, db: Database, **kwargs) -> HouseholdDialog:  # noqa: ANN001
    return shown(qtbot, HouseholdDialog(db, **kwargs))


def stored(db: Database, household_id: int) -> households.HouseholdDetail:
    with db.reader() as s:
        return households.household_detail(s, household_id)


def counts(db: Database) -> tuple[int, int]:
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(Household)) or 0,
                s.scalar(select(func.count()).select_from(ChangeSet)) or 0)


def test_new_flat_in_the_given_unit(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, building_id=town.building3, unit_id=town.unit2)
    assert dialog.windowTitle() == "新增户"
    assert dialog.place.building_id() == town.building3 and dialog.place.unit_id() == town.unit2
    assert dialog.room_edit.hasFocus()
    qtbot.keyClicks(dialog.room_edit, "502")
    dialog.area_edit.setText("52.5m²")
    qtbot.keyClicks(dialog.phone_edit, "0431-85551234")
    party = dialog.tags_box.boxes["党员家庭户"]
    assert not party.isEnabled() and party.toolTip() == "由党员名册自动维护"
    dialog.tags_box.boxes["出租户"].setChecked(True)
    dialog.note_edit.setPlainText("门口有坡道")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    got = stored(db, dialog.saved_id)
    assert (got.address, got.area_m2, got.phone, got.tags, got.note) == (
        "3号楼2单元502", Decimal("52.50"), "0431-85551234", ("出租户",), "门口有坡道")
    with db.reader() as s:
        assert undo.last_action(s).action == "新增户 3号楼2单元502"


def test_the_low_rise_area_has_no_unit(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db)
    assert dialog.place.building_id() is None and not dialog.place.unit.isEnabled()
    dialog.place.building.setCurrentIndex(dialog.place.building.findData(town.low_rise))
    assert not dialog.place.unit.isEnabled()
    assert dialog.place.unit.currentText() == "平房区不分单元"
    assert "长山路" in dialog.room_edit.placeholderText()
    dialog.room_edit.setText("长山路16号")
    assert dialog.save()
    assert stored(db, dialog.saved_id).address == "平房区 长山路16号"
    dialog2 = open_dialog(qtbot, db)
    dialog2.place.building.setCurrentIndex(dialog2.place.building.findData(town.building3))
    assert dialog2.place.unit.isEnabled()


def test_bad_input_shows_messages_under_the_fields_and_writes_nothing(qtbot, db: Database,  # noqa: ANN001
                                                                      town: Community) -> None:
    before = counts(db)
    dialog = open_dialog(qtbot, db, building_id=town.building3)
    dialog.room_edit.setText("101")
    dialog.area_edit.setText("五十平")
    dialog.phone_edit.setText("0431-12")
    assert not dialog.save()
    shown = dialog.form.errors_shown()
    assert shown == {
        "unit_id": "请选择该楼栋的单元。",
        "area_m2": "面积应为数字（平方米），如 52.5；现在是“五十平”。",
        "phone": "电话号码格式不对：手机为 11 位数字，座机如 0431-85551234。",
    }
    assert dialog.place.unit.hasFocus()
    dialog.place.unit.setCurrentIndex(dialog.place.unit.findData(town.unit1))
    assert not dialog.save()
    assert dialog.form.error_text("room") == "这个门牌已经有一户了。"
    assert dialog.form.error_text("unit_id") == ""
    assert counts(db) == before


def test_edit_lists_members_with_relation_and_age_and_the_responsible_three_heads(qtbot, db: Database,  # noqa: ANN001
                                                                                town: Community) -> None:
    with db.transaction("任命") as s:
        roles.assign_role(s, town.wang, "单元长", town.unit1, start_on=date(2023, 1, 1))
        roles.assign_role(s, town.son, "楼栋长", town.building3, start_on=date(2023, 1, 1))
    dialog = open_dialog(qtbot, db, household_id=town.h101)
    assert dialog.windowTitle() == "编辑户" and dialog.header.text() == "3号楼1单元101"
    members = dialog.members_table
    rows = [tuple(members.item(r, c).text() for c in range(3)) for r in range(members.rowCount())]
    assert rows == [("张立春", "户主", "男"), ("李桂兰", "妻", "女"), ("张伟", "子", "男")]
    assert members.item(0, 3).text().isdigit()
    assert "*" in members.item(0, 4).text()
    responsible = dialog.responsible_table
    assert [(responsible.item(r, 0).text(), responsible.item(r, 1).text(), responsible.item(r, 2).text())
            for r in range(responsible.rowCount())] == [("单元长", "王淑芬", "3号楼1单元"), ("楼栋长", "张伟", "3号楼")]


def test_edit_saves_tags_and_area(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h101)
    assert dialog.area_edit.text() == "52.5"
    assert dialog.tags_box.values() == ["党员家庭户"]
    dialog.tags_box.boxes["困难户"].setChecked(True)
    dialog.area_edit.setText("５３")
    assert dialog.save()
    got = stored(db, town.h101)
    assert (got.tags, got.area_m2) == (("党员家庭户", "困难户"), Decimal("53.00"))
    with db.reader() as s:
        assert undo.last_action(s).action == "修改户 3号楼1单元101"


def test_esc_on_a_changed_household_asks_first(qtbot, db: Database, town: Community, monkeypatch) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, db, household_id=town.h101)
    qtbot.keyClick(dialog.room_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # nothing changed: closes at once
    dialog = open_dialog(qtbot, db, household_id=town.h101)
    dialog.room_edit.setText("109")
    monkeypatch.setattr(dialog, "ask_discard", lambda: False)
    qtbot.keyClick(dialog.room_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()
