"""What a 网格员 sees (only their grids, filtered in SQL whatever the filter asks), the undo menu
(one's own last action, any for an administrator), and the form helpers under access rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet
from chang_shan.errors import DomainError, PermissionDenied, ValidationError
from chang_shan.population import households, places, query, residents, roles, search, undo
from tests.accounts.office import LIU_ID, Office
from tests.population.community import KUANCHENG, ZHANG_ID, id_number, person

Filter = query.ResidentFilter
GRID1_ACTIVE = {"张立春", "李桂兰", "张伟", "王淑芬"}
GRID2_ACTIVE = {"刘明"}


def _names(db: Database, ids: list[int]) -> set[str]:
    with db.reader() as s:
        return {r.name for r in query.resident_rows(s, ids)}


@pytest.mark.parametrize(("role", "seen"), [
    ("grid_own", GRID1_ACTIVE), ("grid_other", GRID2_ACTIVE), ("worker", GRID1_ACTIVE | GRID2_ACTIVE),
    ("reader", GRID1_ACTIVE | GRID2_ACTIVE),
])
def test_lists_hold_only_the_grid_workers_grids(office: Office, office_db: Database, role: str, seen: set[str]) -> None:
    db = office_db
    db.actor = office.actors[role]
    with db.reader() as s:
        ids = query.resident_ids(s, Filter())
        assert query.count_residents(s, Filter()) == len(ids) == len(seen)
        assert {r.name for r in query.resident_rows(s, ids)} == seen
        # every plan: a first page, a whole list, sorted by address, with a text search
        assert query.resident_ids(s, Filter(), limit=2) == ids[:2]
        assert set(query.resident_ids(s, Filter(), sort="address", descending=True)) == set(ids)
        assert set(query.resident_ids(s, Filter(), sort="age")) == set(ids)
        texts = {"张": {"张立春", "张伟"}, "刘明": {"刘明"}, "liu": {"刘明"}, "220103": GRID1_ACTIVE | GRID2_ACTIVE}
        for typed, matches in texts.items():
            assert query.count_residents(s, Filter(text=typed)) == len(matches & seen), typed
            assert _names(db, query.resident_ids(s, Filter(text=typed))) == matches & seen, typed
            assert _names(db, search.search_ids(s, typed)) == matches & seen, typed
        assert query.count_residents(s, Filter(age_band="60+")) == len({"张立春", "李桂兰", "王淑芬"} & seen)
        assert query.count_residents(s, Filter(group="独居")) == len({"王淑芬"} & seen)


def test_a_grid_worker_asking_for_another_grid_gets_nobody(office: Office, office_db: Database) -> None:
    db = office_db
    db.actor = office.actors["grid_other"]
    with db.reader() as s:
        for filt in (Filter(grid_id=office.town.grid1), Filter(building_id=office.town.building3),
                     Filter(household_id=office.town.h101), Filter(text="张立春", include_inactive=True)):
            assert query.count_residents(s, filt) == 0
            assert query.resident_ids(s, filt) == []
        # Rows asked for by id: those outside the grids are left out, like unknown ids.
        assert [r.name for r in query.resident_rows(s, [office.town.zhang, office.liu, office.town.wang])] == ["刘明"]
        assert query.resident_ids(s, Filter(grid_id=office.town.grid2)) == [office.liu]


def test_people_who_left_stay_in_their_last_grid(office: Office, office_db: Database) -> None:
    db = office_db
    db.actor = office.actors["grid_own"]
    with db.transaction("迁出 张伟") as s:
        residents.move_out(s, office.town.son, on_date=date(2024, 1, 1))
    with db.reader() as s:
        assert office.town.son in query.resident_ids(s, Filter(include_inactive=True))
        assert residents.resident_detail(s, office.town.son).status == "已迁出"
    db.actor = office.actors["grid_other"]
    with db.reader() as s:
        assert office.town.son not in query.resident_ids(s, Filter(include_inactive=True))
        with pytest.raises(PermissionDenied):
            residents.history(s, office.town.son)


def test_the_place_tree_shows_only_their_grids_with_their_counts(office: Office, office_db: Database) -> None:
    db = office_db
    db.actor = office.actors["worker"]
    with db.reader() as s:
        everything = places.place_tree(s)
    assert [g.name for g in everything] == ["第一网格", "第二网格"]
    for role, grid in (("grid_own", "第一网格"), ("grid_other", "第二网格")):
        db.actor = office.actors[role]
        with db.reader() as s:
            [node] = places.place_tree(s)
        assert node.name == grid
        assert node == next(g for g in everything if g.name == grid)  # same buildings, units and counts
    db.actor = office.actors["grid_own"]
    with db.reader() as s:
        [node] = places.place_tree(s)
        assert (node.households, node.residents) == (3, 4)
        assert [b.name for b in node.buildings] == ["3"]
        assert [h.room for h in places.households_in(s, building_id=office.town.building3)] == ["101", "102", "301"]
        with pytest.raises(PermissionDenied):
            places.households_in(s, building_id=office.town.low_rise)


def test_organisations_and_posts_of_their_grids(office: Office, office_db: Database) -> None:
    db = office_db
    for role, organisations, posts in (("grid_own", ["长山小学"], ["单元长"]), ("grid_other", ["长山卫生站"], []),
                                       ("reader", ["长山卫生站", "长山小学"], ["单元长"])):
        db.actor = office.actors[role]
        with db.reader() as s:
            assert sorted(o.name for o in places.list_organisations(s)) == organisations
            assert [h.role for h in roles.current_holders(s)] == posts


def test_a_grid_worker_edits_only_in_their_grids(office: Office, office_db: Database) -> None:
    db = office_db
    db.actor = office.actors["grid_other"]
    with db.transaction("修改居民 刘明") as s:  # their own resident
        data = residents.resident_detail(s, office.liu).as_input()
        assert data.id_number == LIU_ID  # full, for the form
        data.employment = "个体"
        residents.update_resident(s, office.liu, data)
    with db.transaction("转户") as s, pytest.raises(PermissionDenied, match="不在您负责的网格内"):
        residents.move_to_household(s, office.liu, office.town.h102, relation_code="02")  # the target is grid 1
    with db.reader() as s:
        detail = residents.resident_detail(s, office.liu)
        assert detail.employment == "个体" and detail.household_id == office.town.house
    with db.transaction("新建户") as s, pytest.raises(PermissionDenied):
        households.create_household(s, households.HouseholdInput(office.town.building3, office.town.unit1, "103"))
    with db.transaction("新建户") as s:
        households.create_household(s, households.HouseholdInput(office.town.low_rise, None, "长山路14号"))
    with db.transaction("任职") as s, pytest.raises(PermissionDenied):
        roles.assign_role(s, office.liu, "网格长", office.town.grid1)  # a post over grid 1
    with db.transaction("任职") as s:
        roles.assign_role(s, office.liu, "网格长", office.town.grid2, start_on=date(2024, 1, 1))
    with db.transaction("修改户") as s, pytest.raises(PermissionDenied):
        # moving their household into grid 1 would take it out of their hands
        data = households.household_detail(s, office.town.house).as_input()
        households.update_household(s, office.town.house, households.HouseholdInput(
            office.town.building3, office.town.unit1, "104", data.area_m2))


# --- the form helpers -----------------------------------------------------------------------


def test_validation_needs_viewing_and_says_when_a_household_is_outside_the_grids(
    office: Office, office_db: Database,
) -> None:
    db = office_db
    newcomer = person(office.town.h102, "赵新", id_number(KUANCHENG, date(1990, 6, 6), 77), "02")
    db.actor = None
    with db.reader() as s, pytest.raises(PermissionDenied):
        residents.validate_resident(s, newcomer)
    db.actor = office.actors["reader"]  # may view: the form may check as they type
    with db.reader() as s:
        assert residents.validate_resident(s, newcomer).name == "赵新"
    db.actor = office.actors["grid_other"]
    with db.reader() as s:
        with pytest.raises(ValidationError) as exc:
            residents.validate_resident(s, newcomer)
        assert exc.value.errors["household_id"] == "所选的户不在您负责的网格内。"
        with pytest.raises(ValidationError) as exc:
            households.validate_household(s, households.HouseholdInput(office.town.building3, office.town.unit1, "105"))
        assert exc.value.errors["building_id"] == "所选楼栋不在您负责的网格内。"
        # A duplicate ID number held in another grid is refused without naming its holder.
        with pytest.raises(ValidationError) as exc:
            residents.validate_resident(s, person(office.town.house, "冒名", ZHANG_ID, "99"))
        assert exc.value.errors["id_number"] == "该身份证号码已登记给其他网格的居民。"
        assert "张立春" not in str(exc.value)
    db.actor = office.actors["grid_own"]
    with db.reader() as s, pytest.raises(ValidationError) as exc:
        residents.validate_resident(s, person(office.town.h102, "冒名", ZHANG_ID, "99"))
    assert "张立春" in exc.value.errors["id_number"]


# --- undo -----------------------------------------------------------------------------------


def _last(db: Database) -> undo.PendingUndo | None:
    with db.reader() as s:
        return undo.last_action(s)


def test_the_undo_menu_offers_only_ones_own_last_action(office: Office, office_db: Database) -> None:
    db = office_db
    # The newest action is the 社区工作者's 修改居民 李桂兰.
    offered = {}
    for role in ("admin", "worker", "grid_own", "grid_other", "reader", "nobody"):
        db.actor = office.actors[role]
        pending = _last(db)
        offered[role] = pending.action if pending else None
    assert offered == {"admin": "修改居民 李桂兰", "worker": "修改居民 李桂兰", "grid_own": None,
                       "grid_other": None, "reader": None, "nobody": None}
    # After the 网格员 saves something, it is theirs to undo, and no longer the worker's.
    db.actor = office.actors["grid_own"]
    with db.transaction("修改居民 张立春") as s:
        data = residents.resident_detail(s, office.town.zhang).as_input()
        data.employment = "退休"
        residents.update_resident(s, office.town.zhang, data)
    mine = _last(db)
    assert mine is not None and mine.action == "修改居民 张立春"
    db.actor = office.actors["worker"]
    assert _last(db) is None
    with db.transaction("撤销") as s, pytest.raises(PermissionDenied, match="只有本人或管理员可以撤销"):
        undo.undo_last(s)
    db.actor = office.actors["grid_own"]
    with db.transaction("撤销：修改居民 张立春") as s:
        assert undo.undo_last(s, expected_id=mine.id) == "修改居民 张立春"
    with db.reader() as s:
        assert residents.resident_detail(s, office.town.zhang).employment == ""
        entry = s.scalars(select(ChangeSet).where(ChangeSet.undoes_id == mine.id)).one()
        assert entry.user_name == "grid1man"  # the undo is recorded as theirs
    # Now the newest undoable action is the worker's again: the 网格员 is not offered it.
    assert _last(db) is None
    db.actor = office.actors["admin"]
    assert _last(db).action == "修改居民 李桂兰"  # type: ignore[union-attr]
    with db.transaction("撤销：修改居民 李桂兰") as s:
        assert undo.undo_last(s) == "修改居民 李桂兰"
    with db.reader() as s:
        assert residents.resident_detail(s, office.town.li).employment == ""


def test_a_stale_menu_is_told_so_not_refused(office: Office, office_db: Database) -> None:
    """The worker saw their action in the menu; meanwhile the administrator saved something newer."""
    db = office_db
    db.actor = office.actors["worker"]
    seen = _last(db)
    assert seen is not None
    db.actor = office.actors["admin"]
    with db.transaction("修改居民 张立春") as s:
        data = residents.resident_detail(s, office.town.zhang).as_input()
        data.employment = "退休"
        residents.update_resident(s, office.town.zhang, data)
    db.actor = office.actors["worker"]
    with db.transaction("撤销") as s, pytest.raises(DomainError, match="最近的操作已变为") as exc:
        undo.undo_last(s, expected_id=seen.id)
    assert not isinstance(exc.value, PermissionDenied)
