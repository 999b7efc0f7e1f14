"""编辑→撤销 (population.undo.undo_last) after each kind of population action: the previous state
comes back, group memberships and household heads included; a stale undo is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select, update

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Household, Movement, Resident, RoleAssignment
from chang_shan.errors import DomainError
from chang_shan.population import households, residents, roles, search, undo
from tests.population.community import KUANCHENG, Community, build_community, id_number, person


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def undo_last(db: Database) -> str:
    with db.transaction("撤销") as s:
        return undo.undo_last(s)


def snapshot(db: Database) -> dict[str, object]:
    """Everything a population action may touch, in plain values."""
    with db.reader() as s:
        people = {
            r.id: (r.name, r.id_number, r.phone, r.relation_code, r.household_id, r.status, r.moved_out_on,
                   r.died_on, tuple(r.group_names), r.note)
            for r in s.scalars(select(Resident))
        }
        homes = {
            h.id: (h.room, h.unit_id, h.head_id, h.area_m2, h.phone, tuple(h.tag_names))
            for h in s.scalars(select(Household))
        }
        posts = {a.id: (a.resident_id, a.role, a.start_on, a.end_on) for a in s.scalars(select(RoleAssignment))}
        movements = s.scalar(select(func.count()).select_from(Movement))
    return {"people": people, "homes": homes, "posts": posts, "movements": movements}


def edit_li(s, town: Community) -> None:  # noqa: ANN001
    data = residents.resident_detail(s, town.li).as_input()
    data.phone, data.note, data.groups = "13904310002", "腿脚不便", ["残疾", "空巢"]
    data.id_number = id_number(KUANCHENG, date(1952, 8, 30), 42)
    residents.update_resident(s, town.li, data)


ACTIONS: dict[str, Callable] = {
    "新增居民 刘德厚": lambda s, t: residents.register_resident(
        s, person(t.h102, "刘德厚", id_number(KUANCHENG, date(1949, 10, 1), 11), "02", groups=["独居"])),
    "新增居民 𠀀王𪚥": lambda s, t: residents.register_resident(
        s, person(t.h101, "𠀀王𪚥", "", "20", birth_date=date(2001, 1, 1))),
    "修改居民 李桂兰": edit_li,
    "修改居民 王淑芬（移出独居）": lambda s, t: residents.update_resident(
        s, t.wang, _without_groups(residents.resident_detail(s, t.wang).as_input())),
    "转户 张伟": lambda s, t: residents.move_to_household(
        s, t.son, t.h102, relation_code="02", on_date=date(2024, 5, 1)),
    "登记迁出 张立春": lambda s, t: residents.move_out(s, t.zhang, on_date=date(2024, 6, 1)),
    "登记死亡 王淑芬": lambda s, t: residents.record_death(s, t.wang, on_date=date(2024, 7, 1)),
    "变更户主 张伟": lambda s, t: households.change_head(s, t.h101, t.son, old_head_relation="51"),
    "新增户 3号楼2单元302": lambda s, t: households.create_household(
        s, households.HouseholdInput(t.building3, t.unit2, "302", "40", tags=["出租户"])),
    "修改户 3号楼1单元101": lambda s, t: households.update_household(
        s, t.h101, households.HouseholdInput(t.building3, t.unit1, "103", "66.6", "0431-85551234", ["困难户"])),
    "任命单元长 王淑芬": lambda s, t: roles.assign_role(s, t.wang, "单元长", t.unit1, start_on=date(2024, 1, 1)),
}


def _without_groups(data: residents.ResidentInput) -> residents.ResidentInput:
    data.groups = []
    return data


@pytest.mark.parametrize("action", list(ACTIONS))
def test_undo_restores_the_state_before_each_action(db: Database, town: Community, action: str) -> None:
    before = snapshot(db)
    with db.transaction(action) as s:
        ACTIONS[action](s, town)
    assert snapshot(db) != before
    assert undo_last(db) == action
    assert snapshot(db) == before


def test_undo_of_a_role_assignment_reopens_the_previous_holders_term(db: Database, town: Community) -> None:
    with db.transaction("任命单元长 王淑芬") as s:
        roles.assign_role(s, town.wang, "单元长", town.unit1, start_on=date(2023, 1, 1))
    before = snapshot(db)
    with db.transaction("任命单元长 李桂兰") as s:
        roles.assign_role(s, town.li, "单元长", town.unit1, start_on=date(2024, 1, 1))
    undo_last(db)
    assert snapshot(db) == before
    with db.reader() as s:
        assert [h.name for h in roles.responsible_for(s, town.h101, on_date=date(2025, 1, 1))] == ["王淑芬"]


def test_undo_of_a_death_brings_back_the_head_and_the_post(db: Database, town: Community) -> None:
    with db.transaction("任命单元长 王淑芬") as s:
        roles.assign_role(s, town.wang, "单元长", town.unit2, start_on=date(2023, 1, 1))
    before = snapshot(db)
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 7, 1))
    undo_last(db)
    assert snapshot(db) == before
    with db.reader() as s:
        assert s.get(Household, town.h301).head_id == town.wang
        assert [h.name for h in roles.responsible_for(s, town.h301)] == ["王淑芬"]


def test_undo_goes_back_one_action_at_a_time(db: Database, town: Community) -> None:
    start = snapshot(db)
    with db.transaction("转户 张伟") as s:
        residents.move_to_household(s, town.son, town.h102, relation_code="02", on_date=date(2024, 5, 1))
    after_move = snapshot(db)
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=date(2024, 6, 1))
    with db.reader() as s:
        assert undo.last_action(s).action == "登记迁出 张伟"
    assert undo_last(db) == "登记迁出 张伟"
    assert snapshot(db) == after_move
    assert undo_last(db) == "转户 张伟"
    assert snapshot(db) == start
    assert undo_last(db) == "建立测试社区"
    with pytest.raises(DomainError, match="没有可以撤销的操作"):
        undo_last(db)


def test_a_stale_undo_is_refused_and_changes_nothing(db: Database, town: Community) -> None:
    with db.transaction("修改居民 李桂兰") as s:
        edit_li(s, town)
    # Someone changes the same row outside the journal (another workstation's older program, a repair).
    with db.sessions() as s, s.begin():
        s.execute(update(Resident).where(Resident.id == town.li).values(phone="13904319999"))
    before = snapshot(db)
    with pytest.raises(DomainError, match="无法撤销“修改居民 李桂兰”：该记录之后又被修改过。"):
        undo_last(db)
    assert snapshot(db) == before
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet).where(ChangeSet.undoes_id.is_not(None))) == 0


def test_undo_keeps_search_in_step(db: Database, town: Community) -> None:
    with db.transaction("新增居民 刘德厚") as s:
        new_id = residents.register_resident(s, person(town.h102, "刘德厚", "", "02", birth_date=date(1949, 1, 1)))
    with db.reader() as s:
        assert search.search_ids(s, "刘德厚") == [new_id]
    undo_last(db)
    with db.reader() as s:
        assert search.search_ids(s, "刘德厚") == []


def test_nobody_is_hard_deleted_by_moving_out_dying_or_undoing_those(db: Database, town: Community) -> None:
    def people() -> int:
        with db.reader() as s:
            return s.scalar(select(func.count()).select_from(Resident)) or 0

    count = people()
    with db.transaction("登记迁出 张立春") as s:
        residents.move_out(s, town.zhang, on_date=date(2024, 6, 1))
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 7, 1))
    assert people() == count
    undo_last(db)
    undo_last(db)
    assert people() == count


def test_undo_refuses_when_a_newer_action_was_saved_meanwhile(db: Database, town: Community) -> None:
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=date(2024, 6, 1))
    with db.reader() as s:
        shown = undo.last_action(s)
    with db.transaction("转户 王淑芬") as s:  # another workstation saves in between
        residents.move_to_household(s, town.wang, town.h102, relation_code="97", on_date=date(2024, 6, 2))
    with pytest.raises(DomainError, match="最近的操作已变为“转户 王淑芬”"), db.transaction("撤销") as s:
        undo.undo_last(s, expected_id=shown.id)
    with db.reader() as s:
        assert s.get(Resident, town.son).status == "已迁出"
        assert undo.last_action(s).action == "转户 王淑芬"
