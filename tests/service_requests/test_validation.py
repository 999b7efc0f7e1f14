"""Bad input is refused field by field, in Chinese, before anything is written; good input is
cleaned (rare characters kept) and empty dates get their defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import ValidationError
from chang_shan.population import residents
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee, RequestInput
from chang_shan.settings import set_setting
from tests.service_requests.office import HAIRCUT, ServiceOffice, intake, new_request, snapshot, step

DAY = date(2026, 6, 10)
RARE = "𠀀"  # CJK Extension B (U+20000)


def _refused(db: Database, run: Callable[[Any], Any]) -> dict[str, str]:
    """The field errors of ``run``, after checking it wrote nothing."""
    before = snapshot(db)
    with pytest.raises(ValidationError) as refused, db.transaction("测试") as s:
        run(s)
    assert snapshot(db) == before
    return refused.value.errors


def _move_out_son(db: Database, office: ServiceOffice) -> None:
    db.actor = SYSTEM
    with db.transaction("迁出") as s:
        residents.move_out(s, office.town.son, on_date=date(2026, 1, 1))
    db.actor = office.actors["wang"]


# --- the intake form ---------------------------------------------------------------------------

INTAKE_CASES = {  # id → (fields of RequestInput, the field refused, its message)
    "nobody": ({"resident_id": None}, "resident_id", "请选择服务对象（居民或住户）。"),
    "unknown resident": ({"resident_id": 999_999}, "resident_id", "该居民不存在。"),
    "unknown household": ({"resident_id": None, "household_id": 999_999}, "household_id", "该住户不存在。"),
    "no category": ({"category_id": None}, "category_id", "请选择服务类别。"),
    "unknown category": ({"category_id": 999}, "category_id", "该服务类别不存在。"),
    "channel": ({"channel": "微信"}, "channel", "受理渠道只能是：电话、上门、百姓说事点、网格员。"),
    "empty content": ({"content": " \n\t "}, "content", "请填写服务内容。"),
    "long content": ({"content": "理" * 501}, "content", "服务内容最多 500 个字，现在是 501 个。"),
    "long rare content": ({"content": RARE * 501}, "content", "服务内容最多 500 个字，现在是 501 个。"),
    "received tomorrow": ({"received_on": DAY + timedelta(days=1)}, "received_on", "受理日期不能晚于今天。"),
    "due before received": ({"received_on": DAY, "due_on": DAY - timedelta(days=1)}, "due_on",
                            "应办日期不能早于受理日期。"),
}


@pytest.mark.parametrize("case", list(INTAKE_CASES))
def test_intake_is_checked_field_by_field(service_office: ServiceOffice, sdb: Database, case: str) -> None:
    fields, key, message = INTAKE_CASES[case]
    data = intake(**{"resident_id": service_office.town.zhang, **fields})
    errors = _refused(sdb, lambda s: requests.create_request(s, data, today=DAY))
    assert errors == {key: message}


def test_every_problem_is_reported_at_once(service_office: ServiceOffice, sdb: Database) -> None:
    data = RequestInput(category_id=None, channel="", content="", received_on=DAY + timedelta(days=2))
    errors = _refused(sdb, lambda s: requests.create_request(s, data, assignee=Assignee("robot"), today=DAY))
    assert set(errors) == {"resident_id", "category_id", "channel", "content", "received_on", "assignee"}


def test_whom_a_request_is_for(service_office: ServiceOffice, sdb: Database) -> None:
    town = service_office.town
    _move_out_son(sdb, service_office)
    errors = _refused(sdb, lambda s: requests.create_request(s, intake(town.son), today=DAY))
    assert errors == {"resident_id": "张伟的状态是“已迁出”，只能为在册居民受理服务请求。"}
    errors = _refused(sdb, lambda s: requests.create_request(s, intake(town.zhang, household_id=town.h301), today=DAY))
    assert errors == {"household_id": "所选住户不是该居民所在的住户。"}
    flat = new_request(sdb, intake(household_id=town.h102, content="楼道灯坏了"), today=DAY)
    assert (flat.row.resident_id, flat.row.for_name, flat.row.address) == (None, "3号楼1单元102（户）", "3号楼1单元102")
    house = new_request(sdb, intake(household_id=town.house), today=DAY)
    assert house.row.for_name == "平房区 长山路12号（户）"
    both = new_request(sdb, intake(town.wang, household_id=town.h301), today=DAY)
    assert (both.row.for_name, both.row.household_id) == ("王淑芬", town.h301)


def test_a_request_keeps_what_it_had_when_corrected(service_office: ServiceOffice, sdb: Database) -> None:
    """A resident who left since, a retired category: a correction of the request may keep them."""
    town = service_office.town
    with sdb.transaction("类别") as s:
        own = requests.add_category(s, "代缴费").id
    old = new_request(sdb, intake(town.son, own, content="代办居住证明"), today=date(2025, 12, 1))
    with sdb.transaction("类别") as s:
        requests.set_category_active(s, own, False)
    _move_out_son(sdb, service_office)
    fixed = step(sdb, "修改", lambda s: requests.update_request(
        s, old.row.id, intake(town.son, own, content="代办居住证明（加急）"), expected_version=1))
    assert (fixed.row.content, fixed.row.category, fixed.row.for_name) == ("代办居住证明（加急）", "代缴费", "张伟")
    errors = _refused(sdb, lambda s: requests.create_request(s, intake(town.zhang, own), today=DAY))
    assert errors == {"category_id": "服务类别“代缴费”已停用。"}
    other = new_request(sdb, intake(town.zhang), today=DAY)
    errors = _refused(sdb, lambda s: requests.update_request(s, other.row.id, intake(town.son), expected_version=1))
    assert errors == {"resident_id": "张伟的状态是“已迁出”，只能为在册居民受理服务请求。"}


def test_text_is_cleaned_and_rare_characters_survive(service_office: ServiceOffice, sdb: Database) -> None:
    content = f"  帮{RARE}奶奶\u200b  取药\r\n\r\n\r\n\r\n记得带医保卡\x07 "
    detail = new_request(sdb, intake(service_office.town.wang, content=content), today=DAY)
    assert detail.row.content == f"帮{RARE}奶奶 取药\n\n记得带医保卡"
    longest = new_request(sdb, intake(service_office.town.wang, content=RARE * 500), today=DAY)
    assert longest.row.content == RARE * 500
    done = step(sdb, "完成", lambda s: requests.complete_request(
        s, longest.row.id, f"已送到{RARE}家", expected_version=1, on=DAY))
    assert done.result == f"已送到{RARE}家" and done.events[-1].text == f"完成：已送到{RARE}家"


def test_empty_dates_take_their_defaults(service_office: ServiceOffice, sdb: Database) -> None:
    first = new_request(sdb, intake(service_office.town.zhang), today=DAY)
    assert (first.row.received_on, first.row.due_on) == (DAY, DAY + timedelta(days=3))
    backdated = new_request(sdb, intake(service_office.town.zhang, received_on=date(2026, 6, 1)), today=DAY)
    assert backdated.row.due_on == date(2026, 6, 4)
    sdb.actor = service_office.actors["admin"]
    with sdb.transaction("设置") as s:
        set_setting(s, "services.default_due_days", 7)
    later = new_request(sdb, intake(service_office.town.zhang), today=DAY)
    assert later.row.due_on == DAY + timedelta(days=7)
    due_today = new_request(sdb, intake(service_office.town.zhang, due_on=DAY), today=DAY)
    assert due_today.row.due_on == DAY


# --- who takes it ------------------------------------------------------------------------------


def test_who_may_take_a_request(service_office: ServiceOffice, sdb: Database) -> None:
    town, ids = service_office.town, service_office.user_ids
    _move_out_son(sdb, service_office)
    cases = [
        (Assignee("robot"), "请选择办理人：工作人员、服务队或居民。"),
        (Assignee("worker"), "请选择办理的工作人员。"),
        (Assignee("worker", user_id=999), "请选择办理的工作人员。"),
        (Assignee("worker", user_id=ids["laozhao"]), "账户“laozhao”已停用，不能办理服务请求。"),
        (Assignee("worker", user_id=ids["reader"]), "viewer（只读）没有修改台账的权限，不能办理服务请求。"),
        (Assignee("team", team="  "), "请填写服务队名称。"),
        (Assignee("team", team="队" * 51), "服务队名称最多 50 个字，现在是 51 个。"),
        (Assignee("person"), "请选择办理的居民。"),
        (Assignee("person", resident_id=town.son), "张伟的状态是“已迁出”，只能由在册居民办理。"),
    ]
    waiting = new_request(sdb, intake(town.zhang), today=DAY)
    for who, message in cases:
        assert _refused(sdb, lambda s: requests.create_request(s, intake(town.zhang), assignee=who, today=DAY)) == {
            "assignee": message}, who
        assert _refused(sdb, lambda s: requests.assign_request(s, waiting.row.id, who, expected_version=1)) == {
            "assignee": message}, who
    assert _refused(sdb, lambda s: requests.assign_request(
        s, waiting.row.id, Assignee("team", team="家政服务队"), expected_version=1, note="备" * 201)) == {
        "note": "备注最多 200 个字，现在是 201 个。"}
    team = step(sdb, "派单", lambda s: requests.assign_request(
        s, waiting.row.id, Assignee("team", team="队" * 50), expected_version=1))
    assert team.row.assignee_label == "队" * 50
    grid_worker = step(sdb, "转派", lambda s: requests.assign_request(
        s, waiting.row.id, Assignee("worker", user_id=ids["grid_own"]), expected_version=2))
    assert grid_worker.row.assignee_label == "grid1man（网格员）"


# --- the later steps ---------------------------------------------------------------------------


def test_completion_call_back_and_reopening_are_checked(service_office: ServiceOffice, sdb: Database) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang, received_on=date(2026, 6, 1)), today=DAY,
                         assignee=Assignee("team", team="家政服务队"))  # taken on DAY (2026-06-10)
    rid = detail.row.id
    tomorrow = date.today() + timedelta(days=1)
    complete = {
        ("", DAY): {"result": "请填写办理结果。"},
        ("好" * 501, DAY): {"result": "办理结果最多 500 个字，现在是 501 个。"},
        ("已办", tomorrow): {"on": "完成日期不能晚于今天。"},
        ("已办", date(2026, 5, 31)): {"on": "完成日期不能早于受理日期（2026-06-01）。"},
        ("已办", date(2026, 6, 9)): {"on": "完成日期不能早于接单日期（2026-06-10）。"},
    }
    for (result, on), errors in complete.items():
        assert _refused(sdb, lambda s: requests.complete_request(s, rid, result, expected_version=1, on=on)) == errors
    step(sdb, "完成", lambda s: requests.complete_request(s, rid, "已办", expected_version=1, on=date(2026, 6, 12)))
    revisit = {
        ("还行", "", date(2026, 6, 13)): {"satisfaction": "满意度只能是：满意、基本满意、不满意。"},
        ("满意", "记" * 501, date(2026, 6, 13)): {"note": "回访记录最多 500 个字，现在是 501 个。"},
        ("满意", "", date(2026, 6, 11)): {"on": "回访日期不能早于完成日期（2026-06-12）。"},
        ("满意", "", tomorrow): {"on": "回访日期不能晚于今天。"},
    }
    for (answer, note, on), errors in revisit.items():
        assert _refused(sdb, lambda s: requests.record_revisit(s, rid, answer, note, expected_version=2, on=on)) == errors
    reopen = {
        (" ", date(2026, 6, 13)): {"reason": "请填写重新打开的原因。"},
        ("没修好", date(2026, 6, 11)): {"on": "重新打开日期不能早于完成日期（2026-06-12）。"},
    }
    for (reason, on), errors in reopen.items():
        assert _refused(sdb, lambda s: requests.reopen_request(s, rid, reason, expected_version=2, on=on)) == errors
    same_day = step(sdb, "回访", lambda s: requests.record_revisit(s, rid, "基本满意", expected_version=2,
                                                                  on=date(2026, 6, 12)))
    assert (same_day.row.revisited_on, same_day.revisit_note, same_day.events[-1].text) == (
        date(2026, 6, 12), "", "回访：基本满意")


def test_a_completion_without_a_date_is_today(service_office: ServiceOffice, sdb: Database) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang), today=date.today())
    done = step(sdb, "完成", lambda s: requests.complete_request(s, detail.row.id, "已办", expected_version=1))
    assert done.row.completed_on == date.today() == done.events[-1].on_date
