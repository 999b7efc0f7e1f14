"""The request list and its filters, the overdue list and the requests awaiting their call-back,
on a pinned day."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import NotFound
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import RequestFilter
from chang_shan.settings import set_setting
from tests.service_requests.day import ON, build_day
from tests.service_requests.office import HAIRCUT, ServiceOffice


@pytest.fixture
def day(service_office: ServiceOffice, sdb: Database) -> dict[str, int]:
    return build_day(sdb, service_office)


def _listed(db: Database, day: dict[str, int], flt: RequestFilter, **options: object) -> list[str]:
    keys = {rid: key for key, rid in day.items()}
    with db.reader() as s:
        return [keys[r.id] for r in requests.list_requests(s, flt, today=ON, **options)]  # type: ignore[arg-type]


def test_newest_first_with_days_overdue(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    assert _listed(sdb, day, RequestFilter()) == ["c", "b", "f", "e", "a", "g", "d"]
    assert _listed(sdb, day, RequestFilter(), limit=2) == ["c", "b"]
    with sdb.reader() as s:
        rows = {r.id: r for r in requests.list_requests(s, RequestFilter(), today=ON)}
    assert {key: rows[rid].days_overdue for key, rid in day.items()} == {
        "a": 7, "b": 1, "c": None, "d": 16, "e": None, "f": None, "g": None}
    d = rows[day["d"]]
    assert (d.for_name, d.address, d.grid_id, d.assignee_kind, d.assignee_label, d.status) == (
        "刘明", "平房区 长山路12号", service_office.town.grid2, "team", "维修队", "处理中")
    g = rows[day["g"]]
    assert (g.status, g.completed_on, g.revisited_on, g.satisfaction) == ("已回访", date(2026, 11, 8),
                                                                          date(2026, 11, 10), "满意")


def test_the_filters(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    town, ids = service_office.town, service_office.user_ids
    cases = [
        (RequestFilter(statuses=("待办",)), ["c", "b"]),
        (RequestFilter(statuses=("已完成", "已回访")), ["f", "e", "g"]),
        (RequestFilter(statuses=()), []),
        (RequestFilter(category_id=HAIRCUT), ["a"]),
        (RequestFilter(assignee_user_id=ids["wang"]), ["f", "e", "a"]),
        (RequestFilter(resident_id=town.wang), ["c", "e"]),
        (RequestFilter(household_id=town.h102), ["b"]),
        (RequestFilter(household_id=town.h101), ["f", "a", "g"]),  # the residents' household
        (RequestFilter(grid_id=town.grid2), ["d"]),
        (RequestFilter(received_from=date(2026, 11, 12), received_to=date(2026, 11, 17)), ["b", "f", "e"]),
        (RequestFilter(overdue_on=ON), ["b", "a", "d"]),
        (RequestFilter(overdue_on=date(2026, 11, 21)), ["c", "b", "a", "d"]),
        (RequestFilter(text="100%"), ["b"]),  # % and _ are plain characters
        (RequestFilter(text="_急"), ["b"]),
        (RequestFilter(text="%"), ["b"]),
        (RequestFilter(text=" 协助 "), ["e"]),  # in the result
        (RequestFilter(text="淑芬"), ["c", "e"]),  # in the person's name
        (RequestFilter(text="没有这回事"), []),
        (RequestFilter(statuses=("处理中",), resident_id=town.zhang), ["a"]),
    ]
    for flt, expected in cases:
        assert _listed(sdb, day, flt) == expected, flt


def test_a_grid_worker_lists_their_grids_only(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    sdb.actor = service_office.actors["grid_own"]
    assert _listed(sdb, day, RequestFilter()) == ["c", "b", "f", "e", "a", "g"]
    assert _listed(sdb, day, RequestFilter(grid_id=service_office.town.grid2)) == []
    sdb.actor = service_office.actors["grid_other"]
    assert _listed(sdb, day, RequestFilter()) == ["d"]


def test_overdue_most_late_first(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    with sdb.reader() as s:
        rows = requests.overdue_requests(s, ON)
        tomorrow = requests.overdue_requests(s, date(2026, 11, 21))
        before = requests.overdue_requests(s, date(2026, 11, 4))
    assert [(r.id, r.days_overdue) for r in rows] == [(day["d"], 16), (day["a"], 7), (day["b"], 1)]
    assert [(r.id, r.days_overdue) for r in tomorrow] == [(day["d"], 17), (day["a"], 8), (day["b"], 2), (day["c"], 1)]
    assert before == []  # d is due that very day


def test_awaiting_revisit_after_the_set_days(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    with sdb.reader() as s:
        assert [r.id for r in requests.awaiting_revisit(s, ON)] == [day["e"]]  # completed 3 days ago
        assert [r.id for r in requests.awaiting_revisit(s, date(2026, 11, 19))] == []
        assert requests.revisit_due_on(s, date(2026, 11, 17)) == ON
    sdb.actor = service_office.actors["admin"]
    with sdb.transaction("设置") as s:
        set_setting(s, "services.revisit_after_days", 2)
    with sdb.reader() as s:
        assert [r.id for r in requests.awaiting_revisit(s, ON)] == [day["e"], day["f"]]
        assert requests.revisit_due_on(s, date(2026, 11, 17)) == date(2026, 11, 19)
    sdb.actor = service_office.actors["grid_other"]
    with sdb.reader() as s:
        assert requests.awaiting_revisit(s, ON) == []


def test_an_unknown_request(sdb: Database) -> None:
    with pytest.raises(NotFound, match="该服务请求不存在"), sdb.reader() as s:
        requests.get_request(s, 999)
    with pytest.raises(NotFound, match="该服务请求不存在"), sdb.transaction("完成") as s:
        requests.complete_request(s, 999, "已办", expected_version=1)
