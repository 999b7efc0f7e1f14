"""Households through the services: create, edit, validation per field, members, changing the head."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Household, Movement, Resident
from chang_shan.errors import DomainError, ValidationError
from chang_shan.population import households, residents, roles
from chang_shan.population.households import HouseholdInput
from tests.population.community import Community, build_community


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def detail(db: Database, household_id: int) -> households.HouseholdDetail:
    with db.reader() as s:
        return households.household_detail(s, household_id, today=date(2026, 1, 1))


def create(db: Database, data: HouseholdInput) -> int:
    with db.transaction("新增户") as s:
        return households.create_household(s, data)


def errors_for(db: Database, data: HouseholdInput, household_id: int | None = None) -> dict[str, str]:
    with db.reader() as s, pytest.raises(ValidationError) as caught:
        households.validate_household(s, data, household_id=household_id)
    return caught.value.errors


def test_create_a_flat_and_read_it_back(db: Database, town: Community) -> None:
    new_id = create(db, HouseholdInput(town.building3, town.unit2, " 302 ", "５２.５", "13804310009",
                                       ["党员家庭户", "出租户"], "  房东在外地 "))
    got = detail(db, new_id)
    assert (got.address, got.room, got.area_m2, got.phone) == ("3号楼2单元302", "302", Decimal("52.50"), "13804310009")
    # 党员家庭户 follows the party member ledger, not the form: asked for here, not given.
    assert (got.tags, got.note, got.head_id, got.members) == (("出租户",), "房东在外地", None, ())
    assert (got.grid_id, got.grid_name) == (town.grid1, "第一网格")


def test_create_a_house_in_the_low_rise_area_without_a_unit(db: Database, town: Community) -> None:
    new_id = create(db, HouseholdInput(town.low_rise, None, "长山路14号", "75.3m²"))
    got = detail(db, new_id)
    assert (got.address, got.unit_id, got.area_m2) == ("平房区 长山路14号", None, Decimal("75.30"))


@pytest.mark.parametrize("typed", ["52.5", "５２．５", "52.5m²", "52.5㎡", "52.5 平方米", "52.5平米", "52.50"])
def test_area_is_accepted_as_people_write_it(typed: str) -> None:
    """"m²" used to be refused: NFKC turns it into "m2" before the suffix was looked for."""
    assert households.parse_area(typed) == (Decimal("52.50"), None)


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("building_id", HouseholdInput(None, None, "101"), "请选择楼栋。"),
        ("room", HouseholdInput("B3", "U1", ""), "请填写门牌（楼房填室号，如 301；平房区填地址，如 长山路12号）。"),
        ("room", HouseholdInput("B3", "U1", "101"), "这个门牌已经有一户了。"),
        ("area_m2", HouseholdInput("B3", "U1", "109", "五十"), "面积应为数字（平方米），如 52.5；现在是“五十”。"),
        ("area_m2", HouseholdInput("B3", "U1", "109", "0"), "面积应大于 0 且小于 10000 平方米。"),
        ("area_m2", HouseholdInput("B3", "U1", "109", "20000"), "面积应大于 0 且小于 10000 平方米。"),
        ("phone", HouseholdInput("B3", "U1", "109", phone="138043100"), "手机号码应为 11 位，现在是 9 位。"),
        ("tags", HouseholdInput("B3", "U1", "109", tags=["党员家庭户", "豪宅"]), "未知的户标签：豪宅。"),
    ],
)
def test_each_bad_field_has_its_message(db: Database, town: Community, field: str, data: HouseholdInput,
                                        message: str) -> None:
    ids = {"B3": town.building3, "U1": town.unit1}
    data.building_id = ids.get(data.building_id, data.building_id)  # type: ignore[arg-type]
    data.unit_id = ids.get(data.unit_id, data.unit_id)  # type: ignore[arg-type]
    assert errors_for(db, data)[field] == message


def test_units_must_fit_the_building(db: Database, town: Community) -> None:
    assert errors_for(db, HouseholdInput(town.building3, None, "501")) == {"unit_id": "请选择该楼栋的单元。"}
    assert errors_for(db, HouseholdInput(town.low_rise, town.unit1, "长山路1号")) == {"unit_id": "平房区的户没有单元。"}


def test_the_same_room_in_another_unit_is_fine_and_editing_keeps_its_own_room(db: Database, town: Community) -> None:
    create(db, HouseholdInput(town.building3, town.unit2, "101"))
    with db.reader() as s:
        households.validate_household(s, detail(db, town.h101).as_input(), household_id=town.h101)


def test_invalid_input_writes_nothing(db: Database, town: Community) -> None:
    def counts() -> tuple[int, int]:
        with db.reader() as s:
            return (s.scalar(select(func.count()).select_from(Household)) or 0,
                    s.scalar(select(func.count()).select_from(ChangeSet)) or 0)

    before = counts()
    with pytest.raises(ValidationError), db.transaction("新增户") as s:
        households.create_household(s, HouseholdInput(town.building3, town.unit1, "101", "abc"))
    assert counts() == before


def test_edit_changes_area_tags_and_address(db: Database, town: Community) -> None:
    data = detail(db, town.h101).as_input()
    data.room, data.area_m2, data.tags = "103", "60", ["困难户"]
    with db.transaction("修改户") as s:
        households.update_household(s, town.h101, data)
    got = detail(db, town.h101)
    # 党员家庭户 stays: 张立春 is a party member (the form cannot clear the derived tag)
    assert (got.address, got.area_m2, got.tags) == ("3号楼1单元103", Decimal("60.00"), ("党员家庭户", "困难户"))
    with db.reader() as s:  # the members' address follows
        assert residents.resident_detail(s, town.zhang).address == "3号楼1单元103"


def test_members_come_with_relation_age_and_masked_id(db: Database, town: Community) -> None:
    got = detail(db, town.h101)
    assert [(m.name, m.relation, m.sex, m.age, m.is_head) for m in got.members] == [
        ("张立春", "户主", "男", 75, True),
        ("李桂兰", "妻", "女", 73, False),
        ("张伟", "子", "男", 47, False),
    ]
    assert all("*" in m.id_number_masked for m in got.members)
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=date(2024, 1, 1))
    assert [m.name for m in detail(db, town.h101).members] == ["张立春", "李桂兰"]  # only those 在册


def test_detail_lists_who_is_responsible(db: Database, town: Community) -> None:
    with db.transaction("任命") as s:
        roles.assign_role(s, town.wang, "单元长", town.unit1, start_on=date(2023, 1, 1))
    assert [(h.role, h.name) for h in detail(db, town.h101).responsible] == [("单元长", "王淑芬")]


# --- changing the head ---------------------------------------------------------------------------------


def relations(db: Database, town: Community) -> dict[str, str]:
    with db.reader() as s:
        return {m.name: m.relation for m in households.household_detail(s, town.h101).members}


def test_change_head_in_one_action(db: Database, town: Community) -> None:
    with db.transaction("变更户主 张伟") as s:
        households.change_head(s, town.h101, town.son, old_head_relation="51", on_date=date(2024, 3, 1))
    assert detail(db, town.h101).head_id == town.son
    assert relations(db, town)["张伟"] == "户主"
    assert relations(db, town)["张立春"] == "父亲"
    with db.reader() as s:
        movement = s.scalars(select(Movement).where(Movement.kind == "变更户主")).one()
        assert (movement.resident_id, movement.on_date, movement.note) == (town.son, date(2024, 3, 1), "原户主：张立春")
        sets = s.scalars(select(ChangeSet.action).where(ChangeSet.action == "变更户主 张伟")).all()
    assert sets == ["变更户主 张伟"]  # one journaled action


@pytest.mark.parametrize("relation", ["", "02", "xx"])
def test_change_head_needs_the_former_heads_new_relation(db: Database, town: Community, relation: str) -> None:
    with pytest.raises(ValidationError) as caught, db.transaction("变更户主") as s:
        households.change_head(s, town.h101, town.son, old_head_relation=relation)
    assert caught.value.errors == {"old_head_relation": "请选择原户主张立春与新户主的关系。"}
    assert detail(db, town.h101).head_id == town.zhang


def test_the_new_head_must_be_an_active_member_who_is_not_head_yet(db: Database, town: Community) -> None:
    for new_head, message in [(town.wang, "新户主必须是本户的在册成员。"), (town.zhang, "张立春已经是户主。")]:
        with pytest.raises(ValidationError) as caught, db.transaction("变更户主") as s:
            households.change_head(s, town.h101, new_head, old_head_relation="51")
        assert caught.value.errors == {"head_id": message}


def test_a_household_whose_head_moved_out_gets_a_new_one_without_a_former_relation(db: Database, town: Community) -> None:
    with db.transaction("登记迁出 张立春") as s:
        residents.move_out(s, town.zhang, on_date=date(2024, 1, 1))
    assert detail(db, town.h101).head_id is None
    with db.transaction("变更户主 李桂兰") as s:
        households.change_head(s, town.h101, town.li)
    assert detail(db, town.h101).head_id == town.li
    with db.reader() as s:
        assert s.get(Resident, town.zhang).relation_code == "02"  # the record of the departed stays as it was


def test_notes_keep_line_breaks_and_over_long_text_is_refused(db: Database, town: Community) -> None:
    new_id = create(db, HouseholdInput(town.building3, town.unit2, "303", note="钥匙放邻居家\n\n\n燃气表在门外"))
    assert detail(db, new_id).note == "钥匙放邻居家\n\n燃气表在门外"
    errors = errors_for(db, HouseholdInput(town.building3, town.unit2, "号" * 51, note="记" * 501))
    assert errors == {"room": "门牌最多 50 个字，现在是 51 个。", "note": "备注最多 500 个字，现在是 501 个。"}


def test_change_of_head_cannot_be_dated_in_the_future(db: Database, town: Community) -> None:
    from datetime import timedelta

    with pytest.raises(ValidationError, match="不能晚于今天"), db.transaction("变更户主") as s:
        households.change_head(s, town.h101, town.li, old_head_relation="11",
                               on_date=date.today() + timedelta(days=1))
    with db.reader() as s:
        assert s.get(Household, town.h101).head_id == town.zhang


def test_stale_household_edit_is_refused(db: Database, town: Community) -> None:
    with db.reader() as s:
        seen = households.household_detail(s, town.h102)
    with db.transaction("修改户 电话") as s:  # someone else saves first
        households.update_household(s, town.h102, HouseholdInput(**{**vars(seen.as_input()), "phone": "13900001111"}))
    with pytest.raises(DomainError, match="已被别人修改"), db.transaction("修改户 面积") as s:
        households.update_household(s, town.h102, HouseholdInput(**{**vars(seen.as_input()), "area_m2": "60"}),
                                    expected_version=seen.version)
    with db.reader() as s:
        assert households.household_detail(s, town.h102).phone == "13900001111"
