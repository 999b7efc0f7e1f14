"""转户, 迁出, 死亡 and 变更户主 dialogs driven with qtbot (offscreen)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Resident
from chang_shan.population import households, residents, roles, undo
from chang_shan.ui.dialogs import ChangeHeadDialog, DeathDialog, MoveOutDialog, MoveResidentDialog
from tests.population.community import Community, build_community
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui
UNDO_HINT = "此操作可在“编辑→撤销”中撤销。"


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def resident(db: Database, resident_id: int) -> residents.ResidentDetail:
    with db.reader() as s:
        return residents.resident_detail(s, resident_id)


def change_sets(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(ChangeSet)) or 0


def undo_last(db: Database) -> str:
    with db.transaction("撤销") as s:
        return undo.undo_last(s)


# --- 迁出 ----------------------------------------------------------------------------------------------


def test_move_out_says_what_will_happen_and_records_it(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, MoveOutDialog(db, town.son))
    assert dialog.date_edit.value() == date.today()
    assert dialog.confirmation().splitlines()[0] == f"确认将 张伟 登记为已迁出？{UNDO_HINT}"
    dialog.date_edit.setDate(QDate(2024, 6, 1))
    assert "2024年06月01日" in dialog.confirmation()
    dialog.note_edit.setText("迁往大连")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    got = resident(db, town.son)
    assert (got.status, got.moved_out_on) == ("已迁出", date(2024, 6, 1))
    assert undo_last(db) == "登记迁出 张伟"
    assert resident(db, town.son).status == "在册"


def test_moving_out_the_head_or_a_post_holder_is_pointed_out(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("任命") as s:
        roles.assign_role(s, town.zhang, "单元长", town.unit1, start_on=date(2023, 1, 1))
    dialog = shown(qtbot, MoveOutDialog(db, town.zhang))
    hint = dialog.form.hint_text("on_date")
    assert "张立春是本户户主" in hint and "变更户主" in hint
    assert "现任3号楼1单元单元长" in hint


def test_enter_does_not_confirm_an_event(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = change_sets(db)
    dialog = shown(qtbot, MoveOutDialog(db, town.son))
    dialog.note_edit.setFocus()
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and change_sets(db) == before
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert resident(db, town.son).status == "在册"


def test_a_date_the_service_refuses_is_shown_under_the_date(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = change_sets(db)
    dialog = shown(qtbot, MoveOutDialog(db, town.son))
    dialog.date_edit.setDate(QDate(2019, 1, 1))  # registered on 2020-05-01
    assert not dialog.save()
    assert dialog.form.error_text("on_date") == "迁出日期不能早于登记/迁入日期 2020-05-01。"
    assert dialog.isVisible() and change_sets(db) == before
    assert resident(db, town.son).status == "在册"


# --- 死亡 ------------------------------------------------------------------------------------------------


def test_death_is_recorded_and_can_be_undone(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, DeathDialog(db, town.wang))
    assert dialog.confirmation().splitlines()[0] == f"确认将 王淑芬 登记为已故？{UNDO_HINT}"
    dialog.date_edit.setDate(QDate(2025, 2, 3))
    assert dialog.save()
    got = resident(db, town.wang)
    assert (got.status, got.died_on) == ("已故", date(2025, 2, 3))
    with db.reader() as s:
        assert households.household_detail(s, town.h301).head_id is None
    assert undo_last(db) == "登记死亡 王淑芬"
    with db.reader() as s:
        assert households.household_detail(s, town.h301).head_id == town.wang


def test_no_event_for_someone_already_gone(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 1, 1))
    for dialog_type in (DeathDialog, MoveOutDialog, MoveResidentDialog):
        dialog = shown(qtbot, dialog_type(db, town.wang))
        assert "已故" in dialog.banner_text()
        assert not dialog.save_button.isEnabled() and not dialog.save()


# --- 转户 ------------------------------------------------------------------------------------------------


def pick(dialog: MoveResidentDialog, building_id: int, unit_id: int | None, household_id: int) -> None:
    place = dialog.picker.place
    place.building.setCurrentIndex(place.building.findData(building_id))
    if unit_id is not None:
        place.unit.setCurrentIndex(place.unit.findData(unit_id))
    dialog.picker.household.set_code(str(household_id))


def test_move_to_another_household(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, MoveResidentDialog(db, town.son))
    picker = dialog.picker
    assert picker.place.building_id() == town.building3 and picker.place.unit_id() == town.unit1  # starts nearby
    rooms = [picker.household.itemText(i) for i in range(picker.household.count())]
    assert not any(r.startswith("101") for r in rooms)  # not the household he is in
    pick(dialog, town.building3, town.unit2, town.h301)
    dialog.relation_combo.setEditText("其他亲属")
    dialog.date_edit.setDate(QDate(2024, 5, 1))
    assert dialog.confirmation().splitlines()[0] == (
        f"确认将 张伟 从 3号楼1单元101 转到 3号楼2单元301（户主 王淑芬），与户主关系为“其他亲属”？{UNDO_HINT}"
    )
    assert dialog.save()
    got = resident(db, town.son)
    assert (got.household_id, got.relation) == (town.h301, "其他亲属")
    assert undo_last(db) == "转户 张伟"
    assert resident(db, town.son).household_id == town.h101


def test_move_into_an_empty_household_proposes_head(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, MoveResidentDialog(db, town.son))
    pick(dialog, town.low_rise, None, town.house)
    assert not dialog.picker.place.unit.isEnabled()
    assert dialog.relation_combo.currentText() == "户主"
    assert "（暂无户主）" in dialog.confirmation()
    assert dialog.save()
    assert resident(db, town.son).is_head


def test_move_needs_a_household_and_a_free_head_post(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = change_sets(db)
    dialog = shown(qtbot, MoveResidentDialog(db, town.son))
    assert not dialog.save()
    assert dialog.form.error_text("household_id") == "请选择要迁入的户。"
    pick(dialog, town.building3, town.unit2, town.h301)
    assert dialog.form.error_text("household_id") == ""  # gone once chosen
    dialog.relation_combo.set_code("02")
    assert not dialog.save()
    assert dialog.form.error_text("relation_code") == "目标户已有户主；请先迁入，再使用“变更户主”。"
    dialog.date_edit.setFocus()  # leaving another field keeps the service's message
    dialog.note_edit.setFocus()
    assert dialog.form.error_text("relation_code") != ""
    assert change_sets(db) == before and resident(db, town.son).household_id == town.h101


# --- 变更户主 ---------------------------------------------------------------------------------------------


def test_change_head(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, ChangeHeadDialog(db, town.h101))
    choices = [dialog.head_combo.itemText(i) for i in range(dialog.head_combo.count())]
    assert choices[0] == "请选择" and len(choices) == 3 and not any("张立春" in c for c in choices)
    dialog.head_combo.setCurrentIndex(dialog.head_combo.findData(town.son))
    dialog.old_relation_combo.setEditText("父亲")
    assert dialog.confirmation().splitlines()[0] == (
        f"确认将 张伟 设为 3号楼1单元101 的户主，原户主 张立春 改为新户主的“父亲”？{UNDO_HINT}"
    )
    assert dialog.save()
    with db.reader() as s:
        detail = households.household_detail(s, town.h101)
    assert detail.head_id == town.son
    assert {m.name: m.relation for m in detail.members}["张立春"] == "父亲"
    assert undo_last(db) == "变更户主 张伟"
    assert resident(db, town.zhang).is_head


def test_change_head_asks_for_both_choices(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    before = change_sets(db)
    dialog = shown(qtbot, ChangeHeadDialog(db, town.h101))
    assert not dialog.save()
    assert dialog.form.error_text("head_id") == "请选择新户主。"
    dialog.head_combo.setCurrentIndex(dialog.head_combo.findData(town.li))
    assert not dialog.save()
    assert dialog.form.error_text("old_head_relation") == "请选择原户主张立春与新户主的关系。"
    assert change_sets(db) == before


def test_change_head_without_anyone_to_choose(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    dialog = shown(qtbot, ChangeHeadDialog(db, town.h301))
    assert "没有其他在册成员" in dialog.banner_text()
    assert not dialog.save_button.isEnabled()


def test_nobody_is_deleted_by_any_dialog(qtbot, db: Database, town: Community) -> None:  # noqa: ANN001
    def people() -> int:
        with db.reader() as s:
            return s.scalar(select(func.count()).select_from(Resident)) or 0

    count = people()
    assert shown(qtbot, MoveOutDialog(db, town.son)).save()
    assert shown(qtbot, DeathDialog(db, town.wang)).save()
    assert people() == count
