"""A day's meal list (堂食 apart, delivery route by route, each by address) and recording who was
served: the day's record replaced, idempotent, members only, each meal at the price of its day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.canteen import meals, members
from chang_shan.canteen.shapes import MealList, MemberInput
from chang_shan.db.database import Database
from chang_shan.db.models import CanteenMeal, ChangeRow, ChangeSet
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.population import residents
from chang_shan.settings import set_setting
from tests.canteen.office import RECORDED, TODAY, CanteenOffice

NEXT = date(2025, 3, 4)  # nothing recorded yet


def _list(db: Database, on: date, meal: str) -> MealList:
    with db.reader() as s:
        return meals.meal_list(s, on, meal)


def _shape(listing: MealList) -> tuple:
    """(eat-in names, ((route, names) …)) with each line's ``served``."""
    return (tuple((line.name, line.served) for line in listing.eat_in),
            tuple((route, tuple((line.name, line.served) for line in lines)) for route, lines in listing.routes))


def _record(db: Database, on: date, meal: str, ids: list[int]) -> int:
    with db.transaction(f"登记用餐 {on} {meal}") as s:
        return meals.record_meal(s, on, meal, ids, today=TODAY)


def _rows(db: Database, on: date, meal: str) -> dict[int, tuple[int, int, str, str]]:
    """resident id → (row id, price in fen, mode, route) of the meals recorded."""
    with db.reader() as s:
        return {m.resident_id: (m.id, m.price_fen, m.mode, m.route) for m in s.scalars(
            select(CanteenMeal).where(CanteenMeal.on_date == on, CanteenMeal.meal == meal))}


def _price(db: Database, price: str) -> None:
    with db.transaction("修改设置", actor=SYSTEM) as s:  # the program itself: it holds Perm.SETTINGS
        set_setting(s, "canteen.meal_price", price)


def test_meal_price_is_a_decimal(cdb: Database) -> None:
    with cdb.reader() as s:
        price = meals.meal_price(s)
    assert price == Decimal("7.00") and type(price) is Decimal and str(price) == "7.00"


def test_the_list_of_a_day_not_yet_recorded(cdb: Database) -> None:
    lunch = _list(cdb, NEXT, "午餐")
    assert (lunch.on_date, lunch.meal, lunch.recorded, lunch.price, lunch.count) == (NEXT, "午餐", False,
                                                                                       Decimal("7.00"), 4)
    assert _shape(lunch) == (
        (("张立春", None),),
        (("一号线", (("赵桂芝", None), ("王淑芬", None))),  # 3号楼1单元102 before 3号楼2单元301
         ("二号线", (("刘明", None),))),
    )
    line = lunch.routes[0][1][0]
    assert (line.address, line.phone, line.mode, line.route) == ("3号楼1单元102", "13904310102", "送餐", "一号线")
    dinner = _list(cdb, NEXT, "晚餐")  # 赵桂芝 takes lunch only, 李桂兰 dinner only
    assert _shape(dinner) == (
        (("李桂兰", None), ("张立春", None)),
        (("一号线", (("王淑芬", None),)), ("二号线", (("刘明", None),))),
    )


def test_each_route_runs_by_address(cdb: Database, canteen_office: CanteenOffice) -> None:
    town = canteen_office.town
    with cdb.transaction("新增") as s:
        members.add_member(s, MemberInput(town.son, "送餐", route="一号线", start_on=NEXT), today=TODAY)
        members.update_member(s, canteen_office.member_of[town.zhang],
                              MemberInput(town.zhang, "送餐", route="一号线"), today=TODAY)
    lunch = _list(cdb, NEXT, "午餐")
    assert [(line.name, line.address) for line in lunch.routes[0][1]] == [
        ("张立春", "3号楼1单元101"), ("张伟", "3号楼1单元101"), ("赵桂芝", "3号楼1单元102"), ("王淑芬", "3号楼2单元301")]
    assert lunch.eat_in == ()


def test_a_recorded_meal_says_who_was_served(cdb: Database, canteen_office: CanteenOffice) -> None:
    lunch = _list(cdb, RECORDED, "午餐")
    assert lunch.recorded is True and lunch.price == Decimal("7.00")
    assert _shape(lunch) == (
        (("张立春", True),),
        (("一号线", (("赵桂芝", True), ("王淑芬", True))), ("二号线", (("刘明", True),))),
    )
    assert _record(cdb, NEXT, "午餐", [canteen_office.town.wang]) == 1
    assert _shape(_list(cdb, NEXT, "午餐")) == (
        (("张立春", False),),
        (("一号线", (("赵桂芝", False), ("王淑芬", True))), ("二号线", (("刘明", False),))),
    )


def test_served_lines_stay_as_they_were_served(cdb: Database, canteen_office: CanteenOffice) -> None:
    town = canteen_office.town
    with cdb.transaction("变动") as s:
        members.update_member(s, canteen_office.member_of[town.zhang], MemberInput(town.zhang, "送餐", route="二号线"),
                              today=TODAY)
        members.end_membership(s, canteen_office.member_of[canteen_office.zhao], date(2025, 3, 2), today=TODAY)
    assert _shape(_list(cdb, RECORDED, "午餐")) == (  # as served that day, 赵桂芝 included
        (("张立春", True),),
        (("一号线", (("赵桂芝", True), ("王淑芬", True))), ("二号线", (("刘明", True),))),
    )
    with pytest.raises(ValidationError):  # 赵桂芝 no longer counts as a member that day
        _record(cdb, RECORDED, "午餐", [town.zhang, town.wang, canteen_office.liu, canteen_office.zhao])
    _record(cdb, RECORDED, "午餐", [town.zhang, town.wang, canteen_office.liu])
    assert _rows(cdb, RECORDED, "午餐")[town.zhang][2:] == ("堂食", "")  # recorded again: still as served
    assert canteen_office.zhao not in _rows(cdb, RECORDED, "午餐")
    assert _shape(_list(cdb, NEXT, "午餐")) == (  # from now on: 张立春 delivered, 赵桂芝 gone
        (), (("一号线", (("王淑芬", None),)), ("二号线", (("张立春", None), ("刘明", None)))),  # 3号楼 first
    )


def test_people_who_left_drop_off_the_list(cdb: Database, canteen_office: CanteenOffice) -> None:
    with cdb.transaction("死亡") as s:
        residents.record_death(s, canteen_office.town.wang, on_date=NEXT)
    assert [line.name for line in _list(cdb, date(2025, 3, 3), "晚餐").routes[0][1]] == ["王淑芬"]
    assert [route for route, _lines in _list(cdb, NEXT, "晚餐").routes] == ["二号线"]
    with pytest.raises(ValidationError) as caught, cdb.transaction("登记") as s:
        meals.record_meal(s, NEXT, "晚餐", [canteen_office.town.wang], today=TODAY)
    assert caught.value.errors == {"served_resident_ids": "2025-03-04晚餐的用餐名单上没有：王淑芬。"}


def test_recording_replaces_the_day_and_is_idempotent(cdb: Database, canteen_office: CanteenOffice) -> None:
    town, zhao, liu = canteen_office.town, canteen_office.zhao, canteen_office.liu
    assert _record(cdb, NEXT, "午餐", [town.wang, zhao, zhao]) == 2
    first = _rows(cdb, NEXT, "午餐")
    assert set(first) == {town.wang, zhao}
    assert _record(cdb, NEXT, "午餐", [town.wang, liu]) == 2
    second = _rows(cdb, NEXT, "午餐")
    assert set(second) == {town.wang, liu}
    assert second[town.wang] == first[town.wang]  # kept, not written again
    assert second[liu][1:] == (700, "送餐", "二号线")
    with cdb.reader() as s:
        sets = s.scalar(select(func.count()).select_from(ChangeSet))
        changes = s.scalar(select(func.count()).select_from(ChangeRow))
    assert _record(cdb, NEXT, "午餐", [liu, town.wang]) == 2  # the same list again: nothing to write
    with cdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(ChangeSet)) == sets
        assert s.scalar(select(func.count()).select_from(ChangeRow)) == changes
    assert _rows(cdb, NEXT, "午餐") == second
    assert _rows(cdb, NEXT, "晚餐") == {} and len(_rows(cdb, RECORDED, "午餐")) == 4  # other meals untouched
    assert _record(cdb, NEXT, "午餐", []) == 0
    assert _rows(cdb, NEXT, "午餐") == {}
    assert _list(cdb, NEXT, "午餐").recorded is False


@pytest.mark.parametrize(("on", "meal", "who", "errors"), [
    (NEXT, "午餐", "son", {"served_resident_ids": "2025-03-04午餐的用餐名单上没有：张伟。"}),
    (NEXT, "午餐", "li", {"served_resident_ids": "2025-03-04午餐的用餐名单上没有：李桂兰。"}),  # dinner only
    (date(2024, 12, 31), "晚餐", "wang", {"served_resident_ids": "2024-12-31晚餐的用餐名单上没有：王淑芬。"}),
    (NEXT, "午餐", 9999, {"served_resident_ids": "2025-03-04午餐的用餐名单上没有：编号 9999。"}),
    (NEXT, "早餐", "wang", {"meal": "餐次应为午餐或晚餐。"}),
    (date(2025, 3, 21), "午餐", "wang", {"on_date": "不能登记今天以后的用餐。"}),
    (NEXT, "午餐", "text", {"served_resident_ids": "用餐人员应为居民编号。"}),
])
def test_only_members_of_that_meal_are_recorded(cdb: Database, canteen_office: CanteenOffice, on: date, meal: str,
                                                who: object, errors: dict) -> None:
    town = canteen_office.town
    ids = {"son": [town.wang, town.son], "li": [town.li], "wang": [town.wang], "text": [town.wang, "4"]}
    served = ids[who] if isinstance(who, str) else [who]
    with cdb.reader() as s:
        before = s.scalar(select(func.count()).select_from(ChangeRow))
    with pytest.raises(ValidationError) as caught, cdb.transaction("登记") as s:
        meals.record_meal(s, on, meal, served, today=TODAY)
    assert caught.value.errors == errors
    with cdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(ChangeRow)) == before


def test_each_meal_keeps_the_price_of_its_day(cdb: Database, canteen_office: CanteenOffice) -> None:
    town, zhao, liu = canteen_office.town, canteen_office.zhao, canteen_office.liu
    _record(cdb, NEXT, "午餐", [town.wang])
    _price(cdb, "7.5")
    assert _list(cdb, NEXT, "午餐").price == Decimal("7.00")  # recorded at 7.00
    assert _list(cdb, date(2025, 3, 5), "午餐").price == Decimal("7.50")  # not yet recorded: today's price
    _record(cdb, NEXT, "午餐", [town.wang, zhao])  # 赵桂芝 added later: at the new price
    _record(cdb, date(2025, 3, 5), "午餐", [liu])
    assert {rid: row[1] for rid, row in _rows(cdb, NEXT, "午餐").items()} == {town.wang: 700, zhao: 750}
    assert {rid: row[1] for rid, row in _rows(cdb, date(2025, 3, 5), "午餐").items()} == {liu: 750}


def test_a_grid_worker_records_their_grids_only(cdb: Database, canteen_office: CanteenOffice) -> None:
    town, liu = canteen_office.town, canteen_office.liu
    _record(cdb, NEXT, "午餐", [town.wang, liu, town.zhang])
    cdb.actor = canteen_office.actors["grid_other_h"]  # grid 2: 刘明
    lunch = _list(cdb, NEXT, "午餐")
    assert _shape(lunch) == ((), (("二号线", (("刘明", True),)),))
    assert _record(cdb, NEXT, "午餐", []) == 0  # their grid's record replaced, the others' kept
    assert set(_rows(cdb, NEXT, "午餐")) == {town.wang, town.zhang}
    with pytest.raises(PermissionDenied), cdb.transaction("登记") as s:
        meals.record_meal(s, NEXT, "午餐", [town.wang], today=TODAY)
    assert set(_rows(cdb, NEXT, "午餐")) == {town.wang, town.zhang}
