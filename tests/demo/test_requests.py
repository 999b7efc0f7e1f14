"""The demo's service requests look like a year of the real community's 便民服务 and follow the
request services' rules: every row is what its events make of it, step by step."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import (
    HealthVisit,
    Resident,
    ResidentGroup,
    RoleAssignment,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestEvent,
)
from chang_shan.db.models.services import BUILTIN_CATEGORIES
from chang_shan.demo import services_plan
from chang_shan.demo.builder import DemoSummary
from chang_shan.maintenance.stats import shift_years
from chang_shan.paths import DataDir
from chang_shan.service_requests import requests as service
from chang_shan.service_requests.shapes import RequestFilter
from tests.demo.reading import demo_session, grouped, pct
from tests.demo.template import TODAY

OPEN = ("待办", "处理中")


@pytest.fixture(scope="module")
def facts(demo: tuple[DataDir, DemoSummary]):  # noqa: ANN201 - a namespace of lists and dicts
    with demo_session(demo) as s:
        return {
            "requests": list(s.scalars(select(ServiceRequest).order_by(ServiceRequest.id))),
            "events": grouped(s, ServiceRequestEvent, "request_id"),
            "categories": {c.id: c for c in s.scalars(select(ServiceCategory))},
            "people": {r.id: r for r in s.execute(select(
                Resident.id, Resident.name, Resident.birth_date, Resident.status, Resident.household_id,
                Resident.moved_in_on))},
            "lone": set(s.scalars(select(ResidentGroup.resident_id).where(ResidentGroup.group == "独居"))),
            "posts": {r.resident_id: r for r in s.execute(select(RoleAssignment).where(
                RoleAssignment.end_on.is_(None))).scalars()},
            "visitors": set(s.scalars(select(HealthVisit.visitor).distinct())),
        }


def test_about_120_a_month_mostly_for_elders(facts, demo: tuple[DataDir, DemoSummary]) -> None:  # noqa: ANN001
    requests = facts["requests"]
    assert len(requests) == demo[1].service_requests
    first = shift_years(TODAY, -1) + timedelta(days=1)
    assert min(r.received_on for r in requests) >= first and max(r.received_on for r in requests) <= TODAY
    per_month = Counter((r.received_on.year, r.received_on.month) for r in requests)
    whole = [count for (year, month), count in per_month.items()
             if date(year, month, 1) >= first and (year, month) != (TODAY.year, TODAY.month)]
    assert len(whole) == 11 and all(100 <= n <= 140 for n in whole), per_month
    sixty = shift_years(TODAY, -60)
    people = facts["people"]
    for_someone = [r for r in requests if r.resident_id is not None]
    elders = [r for r in for_someone if people[r.resident_id].birth_date <= sixty]
    assert pct(len(elders), len(for_someone)) >= 85
    # A lone elder asks far more often than another elder.
    lone_people = [p for p in people.values() if p.id in facts["lone"] and p.status == "在册"]
    other_elders = [p for p in people.values() if p.id not in facts["lone"] and p.status == "在册"
                    and p.birth_date <= sixty]
    lone_rate = sum(1 for r in elders if r.resident_id in facts["lone"]) / len(lone_people)
    other_rate = sum(1 for r in elders if r.resident_id not in facts["lone"]) / len(other_elders)
    assert lone_rate > 3 * other_rate
    assert 0 < sum(1 for r in requests if r.resident_id is None) < len(requests) * 0.15  # a household's


def test_channels_categories_and_satisfaction(facts) -> None:  # noqa: ANN001
    requests = facts["requests"]
    channels = Counter(r.channel for r in requests)
    for channel, share in (("电话", 40), ("百姓说事点", 25), ("上门", 20), ("网格员", 15)):
        assert abs(pct(channels[channel], len(requests)) - share) <= 5, channels
    names = Counter(facts["categories"][r.category_id].name for r in requests)
    top = {name for name, _ in names.most_common(5)}
    assert top == {"配餐", "医药", "代办", "维修", "家政"}, names
    assert all(pct(names[name], len(requests)) < 8 for name in ("理发", "洗澡")) and names["洗澡"] > 0
    assert {name for name in names} == set(BUILTIN_CATEGORIES) | set(services_plan.OFFICE_CATEGORIES)
    rated = Counter(r.satisfaction for r in requests if r.status == "已回访")
    total = sum(rated.values())
    assert 80 <= pct(rated["满意"], total) <= 90 and 8 <= pct(rated["基本满意"], total) <= 16
    assert 1 <= pct(rated["不满意"], total) <= 5, rated
    assert pct(total, len(requests)) >= 90  # most are closed and called back


def test_the_office_categories_come_after_the_built_in_ones(facts) -> None:  # noqa: ANN001
    categories = sorted(facts["categories"].values(), key=lambda c: c.position)
    assert [(c.name, c.builtin, c.active) for c in categories] == [
        *((name, True, True) for name in BUILTIN_CATEGORIES),
        *((name, False, True) for name in services_plan.OFFICE_CATEGORIES),
    ]


def _replay(request: ServiceRequest, events: list[ServiceRequestEvent], category: str) -> dict:
    """The request as the services would leave it after these events (asserting each step is allowed)."""
    state = {"status": None, "label": "", "started_on": None, "completed_on": None, "result": "",
             "revisited_on": None, "satisfaction": None, "revisit_note": "", "reopened": 0}
    for e in events:
        if e.kind == "受理":
            assert state["status"] is None and e.on_date == request.received_on
            assert e.text == f"受理：{category}（{request.channel}），应于 {request.due_on:%Y-%m-%d} 前办结"
            state["status"] = "待办"
        elif e.kind == "接单":
            assert state["status"] in OPEN and not state["label"]
            state["label"] = e.text.removeprefix("接单：")
            state["status"], state["started_on"] = "处理中", e.on_date
        elif e.kind == "转派":
            assert state["status"] in OPEN and state["label"]
            before, _, after = e.text.removeprefix("转派：").partition(" → ")
            assert before == state["label"]
            state["label"] = after.split("（")[0]
        elif e.kind == "完成":
            assert state["status"] in OPEN and e.text.startswith("完成：")
            state.update(status="已完成", completed_on=e.on_date, result=e.text.removeprefix("完成："))
        elif e.kind == "回访":
            assert state["status"] == "已完成" and e.on_date >= state["completed_on"]
            satisfaction, _, note = e.text.removeprefix("回访：").partition("；")
            state.update(status="已回访", revisited_on=e.on_date, satisfaction=satisfaction, revisit_note=note)
        elif e.kind == "重新打开":
            assert state["status"] in ("已完成", "已回访")
            state["reopened"] += 1
            assert e.text.startswith(f"重新打开（第 {state['reopened']} 次）：")
            state.update(status="处理中" if state["label"] else "待办", completed_on=None, result="",
                         revisited_on=None, satisfaction=None, revisit_note="")
        else:
            pytest.fail(f"unexpected event {e.kind}")
    return state


def test_every_request_is_what_its_events_make_of_it(facts) -> None:  # noqa: ANN001
    people, names = facts["people"], {pid: p.name for pid, p in facts["people"].items()}
    for r in facts["requests"]:
        events = facts["events"][r.id]
        assert events and events[0].kind == "受理", r.id
        days = [e.on_date for e in events]
        assert days == sorted(days) and days[-1] <= TODAY, r.id
        recorded = [e.recorded_at for e in events]
        assert recorded == sorted(recorded) and len(set(recorded)) == len(recorded)
        assert r.created_at == recorded[0] and r.created_by == events[0].user_name
        assert r.version == len(events)
        state = _replay(r, events, facts["categories"][r.category_id].name)
        for key in ("status", "started_on", "completed_on", "result", "revisited_on", "satisfaction",
                    "revisit_note", "reopened"):
            assert getattr(r, key) == state[key], (r.id, key)
        label = {"team": r.assignee_team, "person": names.get(r.assignee_resident_id), None: ""}[r.assignee_kind]
        assert label == state["label"], r.id
        assert r.assignee_user_id is None  # the demo has no worker accounts: teams and residents take them
        if r.assignee_kind == "team":
            assert r.assignee_team and r.assignee_resident_id is None
        elif r.assignee_kind == "person":
            assert not r.assignee_team and people[r.assignee_resident_id].status == "在册"
            assert r.assignee_resident_id != r.resident_id
        assert r.due_on >= r.received_on and r.content
        assert (r.started_on is not None) == (r.assignee_kind is not None)
        if r.completed_on is not None:
            assert r.completed_on >= max(r.received_on, r.started_on or r.received_on) and r.result
        if r.resident_id is not None:
            person = people[r.resident_id]
            assert person.status == "在册" and person.moved_in_on <= r.received_on
            assert person.household_id == r.household_id
        assert r.household_id is not None


def test_history_reopened_transferred_and_the_people_who_did_it(facts) -> None:  # noqa: ANN001
    requests, events = facts["requests"], facts["events"]
    reopened = [r for r in requests if r.reopened]
    assert len(reopened) >= 5
    for r in reopened:
        kinds = [e.kind for e in events[r.id]]
        assert kinds.count("完成") == kinds.count("重新打开") + (r.status in ("已完成", "已回访"))
    transferred = [r for r in requests if any(e.kind == "转派" for e in events[r.id])]
    assert len(transferred) >= 20
    assert {r.assignee_kind for r in transferred} == {"team", "person"}
    # The steps are taken by the community's workers, the ones who also make the health visits.
    workers = {e.user_name for evs in events.values() for e in evs}
    assert 10 <= len(workers) <= 20 and workers <= facts["visitors"]
    # A resident who takes a request holds a post (单元长, 楼栋长 or 网格长).
    helpers = {r.assignee_resident_id for r in requests if r.assignee_kind == "person"}
    assert helpers and all(facts["posts"][h].role in ("单元长", "楼栋长", "网格长") for h in helpers)


def test_the_last_days_are_still_open_and_the_today_list_has_some(demo_db: Database) -> None:
    with demo_db.reader() as s:
        recent = service.list_requests(s, RequestFilter(received_from=TODAY - timedelta(days=2)), today=TODAY)
        overdue = service.overdue_requests(s, TODAY)
        waiting = service.awaiting_revisit(s, TODAY)
        older = service.list_requests(s, RequestFilter(received_to=TODAY - timedelta(days=60)), today=TODAY)
    assert recent and sum(1 for r in recent if r.status in OPEN) >= len(recent) / 2
    assert {r.status for r in recent} & {"待办"} or any(r.status == "待办" for r in overdue)
    assert 3 <= len(overdue) <= 25 and all(r.days_overdue and r.days_overdue > 0 for r in overdue)
    assert 5 <= len(waiting) <= 40
    assert pct(sum(1 for r in older if r.status == "已回访"), len(older)) >= 97
