"""Canteen members: who may sign up (在册 only, one membership at a time), 送餐 needs a route, at
least one meal, dates; changes, 停餐, the lists and the routes. Bad input is refused before
anything is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from chang_shan.canteen import members
from chang_shan.canteen.queries import route_key
from chang_shan.canteen.shapes import MemberInput, MemberRow
from chang_shan.db.database import Database
from chang_shan.db.models import CanteenMember, ChangeRow
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population import residents
from tests.canteen.office import START, TODAY, ZHAO_PHONE, CanteenOffice


def _journal(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(ChangeRow)) or 0


def _add(db: Database, data: MemberInput, *, today: date = TODAY) -> MemberRow:
    with db.transaction("新增用餐人员") as s:
        return members.add_member(s, data, today=today)


def _refused(db: Database, run, errors: dict[str, str] | None = None, error=ValidationError) -> str:  # noqa: ANN001
    """``run(session)`` raises ``error`` (with exactly ``errors``) and writes nothing."""
    before = _journal(db)
    with pytest.raises(error) as caught, db.transaction("测试") as s:
        run(s)
    if errors is not None:
        assert caught.value.errors == errors
    assert _journal(db) == before
    return caught.value.message


def test_add_member(cdb: Database, canteen_office: CanteenOffice) -> None:
    son = canteen_office.town.son
    row = _add(cdb, MemberInput(son, "送餐", True, False, " 三号线 ", date(2025, 3, 21), note=" 少盐 "))
    assert (row.resident_id, row.name, row.mode, row.lunch, row.dinner, row.route, row.start_on, row.end_on,
            row.note) == (son, "张伟", "送餐", True, False, "三号线", date(2025, 3, 21), None, "少盐")
    assert (row.age, row.address, row.lone) == (47, "3号楼1单元101", False)
    with cdb.reader() as s:
        stored = s.get(CanteenMember, row.id)
        assert (stored.route, stored.note, stored.end_on) == ("三号线", "少盐", None)


def test_start_defaults_to_today_and_eat_in_drops_the_route(cdb: Database, canteen_office: CanteenOffice) -> None:
    row = _add(cdb, MemberInput(canteen_office.town.son, "堂食", route="一号线"))
    assert (row.start_on, row.route) == (TODAY, "")


def test_the_phone_is_full_for_who_may_edit(cdb: Database, canteen_office: CanteenOffice) -> None:
    with cdb.reader() as s:
        zhao = next(m for m in members.list_members(s, TODAY) if m.resident_id == canteen_office.zhao)
    assert zhao.phone == ZHAO_PHONE and zhao.lone is True
    cdb.actor = canteen_office.actors["reader_h"]
    with cdb.reader() as s:
        zhao = next(m for m in members.list_members(s, TODAY) if m.resident_id == canteen_office.zhao)
    assert zhao.phone == "139****0102"


@pytest.mark.parametrize("leaves", [residents.move_out, residents.record_death])
def test_only_residents_living_here(cdb: Database, canteen_office: CanteenOffice, leaves) -> None:  # noqa: ANN001
    son = canteen_office.town.son
    with cdb.transaction("离开") as s:
        leaves(s, son, on_date=date(2025, 2, 1))
    status = "已迁出" if leaves is residents.move_out else "已故"
    _refused(cdb, lambda s: members.add_member(s, MemberInput(son, "堂食"), today=TODAY),
             {"resident_id": f"张伟{status}，不能登记用餐。"})


def test_one_membership_at_a_time(cdb: Database, canteen_office: CanteenOffice) -> None:
    wang = canteen_office.town.wang
    _refused(cdb, lambda s: members.add_member(s, MemberInput(wang, "堂食", start_on=date(2025, 4, 1)), today=TODAY),
             {"resident_id": "王淑芬已是食堂用餐人员（2025-01-01 起），请修改原有登记。"})
    with cdb.transaction("停餐") as s:
        members.end_membership(s, canteen_office.member_of[wang], date(2025, 3, 10), today=TODAY)
    _refused(cdb, lambda s: members.add_member(s, MemberInput(wang, "堂食", start_on=date(2025, 3, 9)), today=TODAY),
             {"start_on": "与此前的用餐登记（2025-01-01 至 2025-03-10 停餐）时间重叠。"})
    _refused(cdb, lambda s: members.add_member(s, MemberInput(wang, "堂食", start_on=date(2024, 12, 1)), today=TODAY),
             {"start_on": "与此前的用餐登记（2025-01-01 至 2025-03-10 停餐）时间重叠。"})
    again = _add(cdb, MemberInput(wang, "堂食", start_on=date(2025, 3, 10)))  # the day the last one stopped
    assert again.mode == "堂食" and again.start_on == date(2025, 3, 10)
    with cdb.reader() as s:
        history = members.list_members(s, TODAY, include_ended=True)
    assert [(m.start_on, m.end_on) for m in history if m.resident_id == wang] == [
        (START, date(2025, 3, 10)), (date(2025, 3, 10), None)]


@pytest.mark.parametrize(("data", "errors"), [
    (dict(mode="送餐"), {"route": "送餐须填写送餐线路，如“一号线”。"}),
    (dict(mode="送餐", route="   "), {"route": "送餐须填写送餐线路，如“一号线”。"}),
    (dict(mode="送餐", route="一" * 21), {"route": "送餐线路最多 20 个字，现在是 21 个。"}),
    (dict(mode="外卖"), {"mode": "用餐方式应为堂食或送餐。"}),
    (dict(lunch=False, dinner=False), {"lunch": "请至少选择一餐（午餐或晚餐）。"}),
    (dict(start_on=TODAY + timedelta(days=367)), {"start_on": "开始日期不能晚于一年以后。"}),
    (dict(start_on=date(1978, 1, 4)), {"start_on": "开始日期不能早于出生日期（1978-01-05）。"}),
    (dict(note="好" * 201), {"note": "备注最多 200 个字，现在是 201 个。"}),
    (dict(mode="送餐", lunch=False, dinner=False, start_on=TODAY + timedelta(days=400)), {
        "route": "送餐须填写送餐线路，如“一号线”。", "lunch": "请至少选择一餐（午餐或晚餐）。",
        "start_on": "开始日期不能晚于一年以后。"}),
])
def test_bad_input_is_refused(cdb: Database, canteen_office: CanteenOffice, data: dict, errors: dict) -> None:
    son = canteen_office.town.son
    _refused(cdb, lambda s: members.add_member(s, MemberInput(son, **data), today=TODAY), errors)


def test_a_year_ahead_is_still_accepted(cdb: Database, canteen_office: CanteenOffice) -> None:
    row = _add(cdb, MemberInput(canteen_office.town.son, "堂食", start_on=TODAY + timedelta(days=366)))
    assert row.start_on == date(2026, 3, 21)


def test_who_is_missing_or_unknown(cdb: Database) -> None:
    _refused(cdb, lambda s: members.add_member(s, MemberInput(None), today=TODAY), {"resident_id": "请选择居民。"})
    _refused(cdb, lambda s: members.add_member(s, MemberInput(9999), today=TODAY), error=NotFound)
    _refused(cdb, lambda s: members.update_member(s, 9999, MemberInput(), today=TODAY), error=NotFound)
    _refused(cdb, lambda s: members.end_membership(s, 9999, TODAY, today=TODAY), error=NotFound)


def test_update_member(cdb: Database, canteen_office: CanteenOffice) -> None:
    zhang = canteen_office.town.zhang
    member_id = canteen_office.member_of[zhang]
    with cdb.transaction("修改用餐人员") as s:
        row = members.update_member(s, member_id, MemberInput(zhang, "送餐", True, False, "二号线", START, "软食"),
                                    today=TODAY)
    assert (row.id, row.mode, row.lunch, row.dinner, row.route, row.note) == (member_id, "送餐", True, False,
                                                                             "二号线", "软食")
    with cdb.transaction("修改用餐人员") as s:  # no start date: the old one stays
        row = members.update_member(s, member_id, MemberInput(None, "堂食", True, True), today=TODAY)
    assert (row.mode, row.route, row.start_on, row.note) == ("堂食", "", START, "")
    _refused(cdb, lambda s: members.update_member(s, member_id, MemberInput(canteen_office.town.son, "堂食")),
             {"resident_id": "不能更换居民；请为该居民另行登记。"})
    _refused(cdb, lambda s: members.update_member(s, member_id, MemberInput(zhang, "送餐")),
             {"route": "送餐须填写送餐线路，如“一号线”。"})


def test_update_keeps_memberships_apart(cdb: Database, canteen_office: CanteenOffice) -> None:
    wang = canteen_office.town.wang
    first = canteen_office.member_of[wang]
    with cdb.transaction("停餐") as s:
        members.end_membership(s, first, date(2025, 2, 1), today=TODAY)
    second = _add(cdb, MemberInput(wang, "堂食", start_on=date(2025, 3, 1)))
    _refused(cdb, lambda s: members.update_member(s, second.id, MemberInput(wang, "堂食", start_on=date(2025, 1, 15)),
                                                  today=TODAY),
             {"start_on": "与此前的用餐登记（2025-01-01 至 2025-02-01 停餐）时间重叠。"})
    _refused(cdb, lambda s: members.update_member(s, first, MemberInput(wang, "送餐", route="一号线",
                                                                        start_on=date(2025, 2, 2)), today=TODAY),
             {"start_on": "开始日期不能晚于停餐日期（2025-02-01）。"})


def test_people_who_left_are_read_only_and_already_stopped(cdb: Database, canteen_office: CanteenOffice) -> None:
    wang = canteen_office.town.wang
    member_id = canteen_office.member_of[wang]
    with cdb.transaction("迁出") as s:
        residents.move_out(s, wang, on_date=date(2025, 3, 15))  # stops the membership that day
    message = _refused(cdb, lambda s: members.update_member(s, member_id, MemberInput(wang, "堂食")),
                       error=DomainError)
    assert message == "已迁出的居民不能修改用餐登记。"
    message = _refused(cdb, lambda s: members.end_membership(s, member_id, date(2025, 3, 16), today=TODAY),
                       error=DomainError)
    assert message == "该用餐人员已于 2025-03-15 停餐。"


def test_end_membership(cdb: Database, canteen_office: CanteenOffice) -> None:
    member_id = canteen_office.member_of[canteen_office.town.zhang]
    _refused(cdb, lambda s: members.end_membership(s, member_id, date(2024, 12, 31), today=TODAY),
             {"end_on": "停餐日期不能早于开始日期（2025-01-01）。"})
    _refused(cdb, lambda s: members.end_membership(s, member_id, TODAY + timedelta(days=367), today=TODAY),
             {"end_on": "停餐日期不能晚于一年以后。"})
    with cdb.transaction("停餐") as s:
        row = members.end_membership(s, member_id, TODAY + timedelta(days=7), today=TODAY)  # planned ahead
    assert row.end_on == date(2025, 3, 27)
    message = _refused(cdb, lambda s: members.end_membership(s, member_id, TODAY, today=TODAY), error=DomainError)
    assert message == "该用餐人员已于 2025-03-27 停餐。"


def test_list_members_on_a_day(cdb: Database, canteen_office: CanteenOffice) -> None:
    town = canteen_office.town
    with cdb.transaction("变动") as s:
        members.end_membership(s, canteen_office.member_of[town.li], date(2025, 3, 10), today=TODAY)
        members.add_member(s, MemberInput(town.son, "堂食", start_on=date(2025, 4, 1)), today=TODAY)
        residents.record_death(s, town.wang, on_date=date(2025, 3, 15))

    def names(on: date, **options) -> list[str]:  # noqa: ANN003
        with cdb.reader() as s:
            return [m.name for m in members.list_members(s, on, **options)]

    # By name (pinyin): 李, 刘, 王, 张伟, 张立春 (zhang li chun < zhang wei), 赵.
    assert names(date(2025, 3, 9)) == ["李桂兰", "刘明", "王淑芬", "张立春", "张伟", "赵桂芝"]
    assert names(date(2025, 3, 10)) == ["刘明", "王淑芬", "张立春", "张伟", "赵桂芝"]  # 李桂兰 stopped that day
    assert names(TODAY) == ["刘明", "张立春", "张伟", "赵桂芝"]  # 王淑芬 died on the 15th; 张伟 starts later
    assert names(TODAY, include_ended=True) == ["李桂兰", "刘明", "王淑芬", "张立春", "张伟", "赵桂芝"]
    assert names(date(2025, 3, 9), mode="送餐") == ["刘明", "王淑芬", "赵桂芝"]
    assert names(date(2025, 3, 9), route="一号线") == ["王淑芬", "赵桂芝"]
    assert names(date(2025, 3, 9), mode="堂食", route="一号线") == []
    with pytest.raises(ValidationError), cdb.reader() as s:
        members.list_members(s, TODAY, mode="外卖")


def test_routes_in_use_in_natural_order(cdb: Database, canteen_office: CanteenOffice) -> None:
    town = canteen_office.town
    with cdb.reader() as s:
        assert members.routes(s, today=TODAY) == ["一号线", "二号线"]
    with cdb.transaction("变动") as s:
        members.add_member(s, MemberInput(town.son, "送餐", route="十一号线"), today=TODAY)
        members.update_member(s, canteen_office.member_of[town.zhang], MemberInput(town.zhang, "送餐", route="十号线"),
                              today=TODAY)
        members.end_membership(s, canteen_office.member_of[canteen_office.liu], date(2025, 3, 1), today=TODAY)
    with cdb.reader() as s:
        assert members.routes(s, today=TODAY) == ["一号线", "十号线", "十一号线"]  # 二号线: nobody left on it
    with cdb.transaction("迁出") as s:
        residents.move_out(s, town.son, on_date=date(2025, 3, 15))
    with cdb.reader() as s:
        assert members.routes(s, today=TODAY) == ["一号线", "十号线"]  # 张伟 moved away with 十一号线


def test_route_key() -> None:
    names = ["东线", "十号线", "2路", "二号线", "一百零一号线", "10路", "一号线", "二十号线", "三号线", "十一号线"]
    assert sorted(names, key=route_key) == [
        "一号线", "2路", "二号线", "三号线", "10路", "十号线", "十一号线", "二十号线", "一百零一号线", "东线"]
