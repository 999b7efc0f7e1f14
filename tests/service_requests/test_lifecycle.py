"""A request's life (待办 → 处理中 → 已完成 → 已回访), handing it on (转派, AB岗), reopening it, its
history, stale forms and undo."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, ValidationError
from chang_shan.population import undo
from chang_shan.service_requests import requests
from chang_shan.service_requests.requests import STALE
from chang_shan.service_requests.shapes import Assignee, RequestDetail, RequestEvent
from tests.service_requests.office import (
    BATH, HAIRCUT, REPAIRS, ServiceOffice, intake, new_request, snapshot, step,
)

WANG = "王芳（社区工作者）"
LI = "李敏（社区工作者）"


def _history(detail: RequestDetail) -> list[tuple]:
    return [(e.on_date, e.kind, e.user_name, e.text) for e in detail.events]


def _worker(office: ServiceOffice, key: str) -> Assignee:
    return Assignee("worker", user_id=office.user_ids[key])


def test_the_whole_life_of_a_request(service_office: ServiceOffice, sdb: Database) -> None:
    zhang = service_office.town.zhang
    taken = new_request(sdb, intake(zhang, HAIRCUT, channel="上门", content="行动不便，请上门理发"),
                        today=date(2026, 3, 2))
    row = taken.row
    assert (row.status, row.received_on, row.due_on, row.version) == ("待办", date(2026, 3, 2), date(2026, 3, 5), 1)
    assert (row.for_name, row.address, row.category, row.channel) == ("张立春", "3号楼1单元101", "理发", "上门")
    assert (row.household_id, row.grid_id, row.assignee_kind, row.assignee_label) == (
        service_office.town.h101, service_office.town.grid1, None, "")
    assert taken.created_by == "王芳"

    mine = Assignee("worker", user_id=service_office.user_ids["wang"])
    started = step(sdb, "派单", lambda s: requests.assign_request(
        s, row.id, mine, expected_version=row.version, today=date(2026, 3, 3)))
    assert (started.row.status, started.row.assignee_kind, started.row.assignee_user_id, started.row.assignee_label) == (
        "处理中", "worker", service_office.user_ids["wang"], WANG)

    done = step(sdb, "完成", lambda s: requests.complete_request(
        s, row.id, "已上门理发", expected_version=started.row.version, on=date(2026, 3, 4)))
    assert (done.row.status, done.row.completed_on, done.result) == ("已完成", date(2026, 3, 4), "已上门理发")

    called = step(sdb, "回访", lambda s: requests.record_revisit(
        s, row.id, "满意", "老人说师傅手艺好", expected_version=done.row.version, on=date(2026, 3, 6)))
    assert (called.row.status, called.row.revisited_on, called.row.satisfaction, called.revisit_note) == (
        "已回访", date(2026, 3, 6), "满意", "老人说师傅手艺好")
    assert called.row.version == 4
    assert _history(called) == [
        (date(2026, 3, 2), "受理", "王芳", "受理：理发（上门），应于 2026-03-05 前办结"),
        (date(2026, 3, 3), "接单", "王芳", f"接单：{WANG}"),
        (date(2026, 3, 4), "完成", "王芳", "完成：已上门理发"),
        (date(2026, 3, 6), "回访", "王芳", "回访：满意；老人说师傅手艺好"),
    ]
    with sdb.reader() as s:
        assert requests.get_request(s, row.id, today=date(2026, 3, 10)) == called


def test_reassignment_and_ab_take_over(service_office: ServiceOffice, sdb: Database) -> None:
    town = service_office.town
    first = new_request(sdb, intake(town.wang, REPAIRS, content="厨房水管漏水"), today=date(2026, 5, 6),
                        assignee=_worker(service_office, "wang"))
    assert first.row.status == "处理中"
    rid = first.row.id
    team = step(sdb, "转派", lambda s: requests.assign_request(
        s, rid, Assignee("team", team=" 家政服务队 "), expected_version=first.row.version, note="需要两个人",
        today=date(2026, 5, 7)))
    assert (team.row.assignee_kind, team.row.assignee_label, team.row.assignee_user_id) == ("team", "家政服务队", None)
    neighbour = step(sdb, "转派", lambda s: requests.assign_request(
        s, rid, Assignee("person", resident_id=town.li), expected_version=team.row.version, today=date(2026, 5, 8)))
    assert (neighbour.row.assignee_kind, neighbour.row.assignee_label) == ("person", "李桂兰")
    with pytest.raises(ValidationError) as again, sdb.transaction("转派") as s:
        requests.assign_request(s, rid, Assignee("person", resident_id=town.li),
                                expected_version=neighbour.row.version)
    assert again.value.errors == {"assignee": "该服务请求已由李桂兰办理。"}

    # AB岗: 李敏 picks up the request while its holder is away.
    sdb.actor = service_office.actors["li"]
    taken = step(sdb, "接手", lambda s: requests.take_over(s, rid, expected_version=neighbour.row.version,
                                                        today=date(2026, 5, 9)))
    assert (taken.row.assignee_kind, taken.row.assignee_user_id, taken.row.assignee_label, taken.row.status) == (
        "worker", service_office.user_ids["li"], LI, "处理中")
    with pytest.raises(DomainError, match="您已在办理"), sdb.transaction("接手") as s:
        requests.take_over(s, rid, expected_version=taken.row.version)
    assert _history(taken) == [
        (date(2026, 5, 6), "受理", "王芳", "受理：维修（电话），应于 2026-05-09 前办结"),
        (date(2026, 5, 6), "接单", "王芳", f"接单：{WANG}"),
        (date(2026, 5, 7), "转派", "王芳", f"转派：{WANG} → 家政服务队（需要两个人）"),
        (date(2026, 5, 8), "转派", "王芳", "转派：家政服务队 → 李桂兰"),
        (date(2026, 5, 9), "转派", "李敏", f"转派：李桂兰 → {LI}（AB岗接手）"),
    ]


def test_take_over_of_a_request_nobody_has(service_office: ServiceOffice, sdb: Database) -> None:
    waiting = new_request(sdb, intake(service_office.town.zhang, BATH), today=date(2026, 6, 1))
    sdb.actor = service_office.actors["li"]
    taken = step(sdb, "接手", lambda s: requests.take_over(s, waiting.row.id, expected_version=1,
                                                        today=date(2026, 6, 2)))
    assert (taken.row.status, taken.row.assignee_label) == ("处理中", LI)
    assert taken.events[-1] == RequestEvent(date(2026, 6, 2), "接单", "李敏", f"接单：{LI}（AB岗接手）")
    sdb.actor = SYSTEM  # the program itself is nobody's account
    with pytest.raises(DomainError, match="登录的工作人员"), sdb.transaction("接手") as s:
        requests.take_over(s, waiting.row.id, expected_version=taken.row.version)


def test_a_request_reopened_twice_keeps_its_history(service_office: ServiceOffice, sdb: Database) -> None:
    detail = new_request(sdb, intake(service_office.town.wang, REPAIRS, content="暖气不热"), today=date(2026, 1, 5),
                         assignee=_worker(service_office, "wang"))
    rid = detail.row.id
    detail = step(sdb, "完成", lambda s: requests.complete_request(s, rid, "已放气", expected_version=1,
                                                                on=date(2026, 1, 6)))
    detail = step(sdb, "回访", lambda s: requests.record_revisit(s, rid, "不满意", "还是不热", expected_version=2,
                                                              on=date(2026, 1, 8)))
    detail = step(sdb, "重新打开", lambda s: requests.reopen_request(s, rid, "回访时反映暖气仍不热", expected_version=3,
                                                                  on=date(2026, 1, 8)))
    row = detail.row
    assert (row.status, row.reopened, row.completed_on, row.revisited_on, row.satisfaction) == (
        "处理中", 1, None, None, None)
    assert (detail.result, detail.revisit_note, row.assignee_label) == ("", "", WANG)
    detail = step(sdb, "完成", lambda s: requests.complete_request(s, rid, "更换阀门", expected_version=4,
                                                                on=date(2026, 1, 10)))
    detail = step(sdb, "重新打开", lambda s: requests.reopen_request(s, rid, "阀门漏水", expected_version=5,
                                                                  on=date(2026, 1, 12)))
    detail = step(sdb, "完成", lambda s: requests.complete_request(s, rid, "重新安装阀门", expected_version=6,
                                                                on=date(2026, 1, 13)))
    assert (detail.row.status, detail.row.reopened, detail.row.completed_on, detail.result) == (
        "已完成", 2, date(2026, 1, 13), "重新安装阀门")
    assert [(e.on_date, e.kind, e.text) for e in detail.events] == [
        (date(2026, 1, 5), "受理", "受理：维修（电话），应于 2026-01-08 前办结"),
        (date(2026, 1, 5), "接单", f"接单：{WANG}"),
        (date(2026, 1, 6), "完成", "完成：已放气"),
        (date(2026, 1, 8), "回访", "回访：不满意；还是不热"),
        (date(2026, 1, 8), "重新打开", "重新打开（第 1 次）：回访时反映暖气仍不热"),
        (date(2026, 1, 10), "完成", "完成：更换阀门"),
        (date(2026, 1, 12), "重新打开", "重新打开（第 2 次）：阀门漏水"),
        (date(2026, 1, 13), "完成", "完成：重新安装阀门"),
    ]


def test_a_request_completed_before_anyone_took_it_reopens_as_waiting(
    service_office: ServiceOffice, sdb: Database,
) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang, content="咨询医保报销"), today=date(2026, 2, 2))
    step(sdb, "完成", lambda s: requests.complete_request(s, detail.row.id, "电话答复", expected_version=1,
                                                        on=date(2026, 2, 2)))
    reopened = step(sdb, "重新打开", lambda s: requests.reopen_request(s, detail.row.id, "还有疑问", expected_version=2,
                                                                    on=date(2026, 2, 3)))
    assert (reopened.row.status, reopened.row.assignee_kind) == ("待办", None)


def test_steps_out_of_order_are_refused(service_office: ServiceOffice, sdb: Database) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang), today=date(2026, 2, 2))
    rid = detail.row.id
    with pytest.raises(DomainError, match="只有已完成的服务请求才能回访"), sdb.transaction("回访") as s:
        requests.record_revisit(s, rid, "满意", expected_version=1)
    with pytest.raises(DomainError, match="尚未完成"), sdb.transaction("重新打开") as s:
        requests.reopen_request(s, rid, "原因", expected_version=1)
    step(sdb, "完成", lambda s: requests.complete_request(s, rid, "已办", expected_version=1, on=date(2026, 2, 3)))
    before = snapshot(sdb)
    refused = {
        "派单": lambda s: requests.assign_request(s, rid, Assignee("team", team="家政服务队"), expected_version=2),
        "接手": lambda s: requests.take_over(s, rid, expected_version=2),
        "完成": lambda s: requests.complete_request(s, rid, "再办一次", expected_version=2),
        "修改": lambda s: requests.update_request(s, rid, intake(service_office.town.zhang), expected_version=2),
    }
    for action, run in refused.items():
        with pytest.raises(DomainError, match="已完成"), sdb.transaction(action) as s:
            run(s)
    assert snapshot(sdb) == before
    step(sdb, "回访", lambda s: requests.record_revisit(s, rid, "满意", expected_version=2, on=date(2026, 2, 4)))
    called = snapshot(sdb)
    with pytest.raises(DomainError, match="已回访"), sdb.transaction("回访") as s:
        requests.record_revisit(s, rid, "满意", expected_version=3)
    assert snapshot(sdb) == called


def test_update_records_what_changed(service_office: ServiceOffice, sdb: Database) -> None:
    zhang = service_office.town.zhang
    detail = new_request(sdb, intake(zhang, HAIRCUT), today=date(2026, 4, 1))
    before = snapshot(sdb)
    with sdb.transaction("修改") as s:
        same = requests.update_request(s, detail.row.id, intake(zhang, HAIRCUT), expected_version=1)
    assert (same.row.version, same.events) == (1, detail.events)  # nothing changed: nothing written, no event
    assert snapshot(sdb) == before
    changed = step(sdb, "修改", lambda s: requests.update_request(
        s, detail.row.id, intake(zhang, BATH, channel="百姓说事点", content="想洗澡", due_on=date(2026, 4, 10)),
        expected_version=1))
    assert (changed.row.category, changed.row.channel, changed.row.content, changed.row.due_on, changed.row.version) == (
        "洗澡", "百姓说事点", "想洗澡", date(2026, 4, 10), 2)
    assert changed.row.received_on == date(2026, 4, 1)  # an empty date keeps the recorded one
    last = changed.events[-1]
    assert (last.on_date, last.kind, last.user_name) == (date.today(), "修改", "王芳")
    assert last.text == "修改：类别：理发 → 洗澡；受理渠道：电话 → 百姓说事点；应办日期：2026-04-04 → 2026-04-10；服务内容"


STALE_STEPS = {
    "update_request": lambda s, rid, o: requests.update_request(s, rid, intake(o.town.zhang, BATH), expected_version=1),
    "assign_request": lambda s, rid, o: requests.assign_request(s, rid, Assignee("team", team="志愿队"),
                                                                expected_version=1),
    "take_over": lambda s, rid, o: requests.take_over(s, rid, expected_version=1),
    "complete_request": lambda s, rid, o: requests.complete_request(s, rid, "办完了", expected_version=1),
}


@pytest.mark.parametrize("action", list(STALE_STEPS))
def test_a_stale_form_is_refused_and_writes_nothing(service_office: ServiceOffice, sdb: Database, action: str) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang), today=date(2026, 4, 1))
    moved = step(sdb, "派单", lambda s: requests.assign_request(
        s, detail.row.id, Assignee("worker", user_id=service_office.user_ids["wang"]), expected_version=1))
    assert moved.row.version == 2
    sdb.actor = service_office.actors["li"]  # 李敏's form still shows version 1
    before = snapshot(sdb)
    with pytest.raises(DomainError) as refused, sdb.transaction("测试") as s:
        STALE_STEPS[action](s, detail.row.id, service_office)
    assert refused.value.message == STALE == "该服务请求已被他人修改，请刷新后再试。"
    assert snapshot(sdb) == before


@pytest.mark.parametrize("action", ["record_revisit", "reopen_request"])
def test_a_stale_form_is_refused_after_completion_too(service_office: ServiceOffice, sdb: Database, action: str) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang), today=date(2026, 4, 1))
    step(sdb, "完成", lambda s: requests.complete_request(s, detail.row.id, "已办", expected_version=1,
                                                        on=date(2026, 4, 2)))
    before = snapshot(sdb)
    with pytest.raises(DomainError, match="已被他人修改"), sdb.transaction("测试") as s:
        if action == "record_revisit":
            requests.record_revisit(s, detail.row.id, "满意", expected_version=1)
        else:
            requests.reopen_request(s, detail.row.id, "没办好", expected_version=1)
    assert snapshot(sdb) == before


def test_undo_restores_the_request_and_its_events(service_office: ServiceOffice, sdb: Database) -> None:
    detail = new_request(sdb, intake(service_office.town.zhang, content="代买药品"), today=date(2026, 7, 1),
                         assignee=Assignee("team", team="红马甲服务队"))
    rid = detail.row.id
    done = step(sdb, "完成服务请求", lambda s: requests.complete_request(s, rid, "已送药", expected_version=1,
                                                                       on=date(2026, 7, 2)))
    step(sdb, "回访", lambda s: requests.record_revisit(s, rid, "满意", expected_version=2, on=date(2026, 7, 3)))
    reopened = step(sdb, "重新打开服务请求", lambda s: requests.reopen_request(s, rid, "药买错了", expected_version=3,
                                                                          on=date(2026, 7, 4)))
    assert reopened.row.status == "处理中"

    with sdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "重新打开服务请求"
    with sdb.reader() as s:
        back = requests.get_request(s, rid)
    assert (back.row.status, back.row.reopened, back.row.completed_on, back.row.satisfaction, back.result) == (
        "已回访", 0, date(2026, 7, 2), "满意", "已送药")
    assert [e.kind for e in back.events] == ["受理", "接单", "完成", "回访"]
    assert (detail.row.version, reopened.row.version, back.row.version) == (1, 4, 5)  # an undo is a change too: forms made before it are stale

    with sdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "回访"
    with sdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "完成服务请求"
    with sdb.reader() as s:
        back = requests.get_request(s, rid)
    assert (back.row.status, back.row.completed_on, back.result, back.events) == ("处理中", None, "", done.events[:2])

    with sdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "受理服务请求"
    empty = snapshot(sdb)
    assert empty["service_request"] == [] and empty["service_request_event"] == []
