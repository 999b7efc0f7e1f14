"""三长: 网格长 per grid, 楼栋长 per building, 单元长 per unit, with dates; who is responsible."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import RoleAssignment
from chang_shan.errors import NotFound, ValidationError
from chang_shan.population import households, residents, roles
from tests.population.community import Community, build_community, person

D1 = date(2023, 1, 1)
D2 = date(2024, 7, 1)


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def assign(db: Database, resident_id: int, role: str, scope_id: int, on: date = D1) -> int:
    with db.transaction(f"任命{role}") as s:
        return roles.assign_role(s, resident_id, role, scope_id, start_on=on)


def responsible(db: Database, household_id: int, on: date = date(2025, 1, 1)) -> list[tuple[str, str, str]]:
    with db.reader() as s:
        return [(h.role, h.name, h.scope_name) for h in roles.responsible_for(s, household_id, on_date=on)]


def test_responsible_for_lists_unit_building_grid_heads_nearest_first(db: Database, town: Community) -> None:
    # assigned in the "wrong" order on purpose: the answer is ordered by nearness, not by id or name
    assign(db, town.zhang, "网格长", town.grid1)
    assign(db, town.li, "楼栋长", town.building3)
    assign(db, town.wang, "单元长", town.unit1)
    assign(db, town.son, "单元长", town.unit2)
    assert responsible(db, town.h101) == [
        ("单元长", "王淑芬", "3号楼1单元"), ("楼栋长", "李桂兰", "3号楼"), ("网格长", "张立春", "第一网格"),
    ]
    assert [r[1] for r in responsible(db, town.h301)] == ["张伟", "李桂兰", "张立春"]
    assert responsible(db, town.house) == []  # the 平房区 is in the second grid, which has nobody yet


def test_assigning_ends_the_previous_holders_term_that_day(db: Database, town: Community) -> None:
    first = assign(db, town.wang, "单元长", town.unit1, D1)
    second = assign(db, town.li, "单元长", town.unit1, D2)
    with db.reader() as s:
        assert s.get(RoleAssignment, first).end_on == D2
        assert s.get(RoleAssignment, second).end_on is None
    assert responsible(db, town.h101, on=date(2024, 6, 30)) == [("单元长", "王淑芬", "3号楼1单元")]
    assert responsible(db, town.h101, on=D2) == [("单元长", "李桂兰", "3号楼1单元")]
    assert responsible(db, town.h101, on=date(2022, 12, 31)) == []
    with db.reader() as s:  # history stays: both rows are there
        assert s.scalar(select(func.count()).select_from(RoleAssignment)) == 2


def test_the_same_holder_twice_is_refused(db: Database, town: Community) -> None:
    assign(db, town.wang, "单元长", town.unit1)
    with pytest.raises(ValidationError) as caught, db.transaction("任命") as s:
        roles.assign_role(s, town.wang, "单元长", town.unit1, start_on=D2)
    assert caught.value.errors == {"resident_id": "王淑芬已经是该单元长。"}


def test_one_person_may_hold_several_posts(db: Database, town: Community) -> None:
    assign(db, town.zhang, "单元长", town.unit1)
    assign(db, town.zhang, "楼栋长", town.building3)
    with db.reader() as s:
        assert sorted(h.role for h in roles.roles_of(s, town.zhang, on_date=D2)) == ["单元长", "楼栋长"]
        assert len(roles.current_holders(s, on_date=D2)) == 2


@pytest.mark.parametrize(
    ("role", "scope", "field", "message"),
    [
        ("院长", "grid1", "role", "职务只能是：网格长、楼栋长、单元长。"),
        ("单元长", "nowhere", "scope", "请选择单元长负责的单元。"),
        ("楼栋长", "low_rise", "scope", "平房区不设楼栋长，请指定网格长负责。"),
    ],
)
def test_bad_roles_and_scopes_are_refused(db: Database, town: Community, role: str, scope: str, field: str,
                                         message: str) -> None:
    scope_id = getattr(town, scope, 9999)
    with pytest.raises(ValidationError) as caught, db.transaction("任命") as s:
        roles.assign_role(s, town.zhang, role, scope_id, start_on=D1)
    assert caught.value.errors == {field: message}


def test_the_low_rise_area_is_looked_after_by_its_grid_head(db: Database, town: Community) -> None:
    with db.transaction("新增居民") as s:
        resident = residents.register_resident(s, person(town.house, "孙长海", "", "02", birth_date=date(1944, 4, 4)))
    assign(db, resident, "网格长", town.grid2)
    assert responsible(db, town.house) == [("网格长", "孙长海", "第二网格")]


def test_only_residents_on_the_register_can_be_assigned(db: Database, town: Community) -> None:
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=D1)
    with pytest.raises(ValidationError) as caught, db.transaction("任命") as s:
        roles.assign_role(s, town.son, "单元长", town.unit1, start_on=D2)
    assert caught.value.errors == {"resident_id": "只能指定在册居民担任。"}


@pytest.mark.parametrize("event", ["move_out", "record_death"])
def test_a_holder_who_moves_out_or_dies_is_no_longer_responsible(db: Database, town: Community, event: str) -> None:
    """Before the fix a dead 单元长 stayed "responsible" for the unit's households indefinitely."""
    assignment = assign(db, town.wang, "单元长", town.unit1, D1)
    assign(db, town.wang, "楼栋长", town.building3, D1)
    with db.transaction("离开") as s:
        getattr(residents, event)(s, town.wang, on_date=D2)
    with db.reader() as s:
        assert s.get(RoleAssignment, assignment).end_on == D2  # the record stays, with its end
        assert roles.roles_of(s, town.wang, on_date=D2) == []
    assert responsible(db, town.h101, on=D2) == []
    assert responsible(db, town.h101, on=date(2024, 6, 30))[0][:2] == ("单元长", "王淑芬")


def test_end_role(db: Database, town: Community) -> None:
    assignment = assign(db, town.wang, "单元长", town.unit1, D1)
    with pytest.raises(ValidationError) as caught, db.transaction("卸任") as s:
        roles.end_role(s, assignment, end_on=date(2022, 1, 1))
    assert caught.value.errors == {"end_on": "卸任日期不能早于任职日期。"}
    with db.transaction("卸任") as s:
        roles.end_role(s, assignment, end_on=D2)
    assert responsible(db, town.h101, on=D2) == []
    with pytest.raises(NotFound), db.transaction("卸任") as s:
        roles.end_role(s, 9999)


def test_household_detail_shows_the_same_responsible_list(db: Database, town: Community) -> None:
    assign(db, town.li, "楼栋长", town.building3)
    assign(db, town.wang, "单元长", town.unit1)
    with db.reader() as s:
        shown = households.household_detail(s, town.h102).responsible
    assert [(h.role, h.name, h.phone_masked) for h in shown] == [("单元长", "王淑芬", ""), ("楼栋长", "李桂兰", "")]
