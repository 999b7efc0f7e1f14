"""The year's statistics with exact numbers on a hand-made set of requests."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import RequestStatistics
from chang_shan.service_requests.stats import request_statistics
from tests.service_requests.office import (
    BATH, ERRANDS, HAIRCUT, HOUSEWORK, MEDICINE, REPAIRS, ServiceOffice, intake, new_request, step,
)

END = date(2025, 12, 31)


def _build(db: Database, office: ServiceOffice) -> None:
    """Eleven requests (n: received, category, due, what became of it; all grid 1 but n8):

    1  2025-01-10 理发  01-13  completed 01-12 (2 days), 满意
    2  2025-01-20 理发  01-23  completed 01-30 (10 days), not called back
    3  2025-02-05 洗澡  02-08  completed 02-06 (1 day), 基本满意
    4  2025-03-15 家政  03-18  open: overdue at the end of the year
    5  2025-12-30 家政  2026-01-02  open, not yet due
    6  2025-12-20 维修  12-31  open, due on the last day: not overdue
    7  2024-12-28 医药  12-31  completed 2025-01-03 (6 days), 不满意 (received the year before)
    8  2025-06-01 代办  06-04  刘明 (grid 2), completed 06-05 (4 days), 满意
    10 2025-04-01 理发  04-04  completed 04-02, then reopened: open and overdue
    11 2025-07-07 助浴 (retired since) 07-10  completed the same day (0 days), not called back
    and a retired category 旧类别 with no request."""
    town = office.town
    with db.transaction("类别") as s:
        bathing = requests.add_category(s, "助浴").id
        old = requests.add_category(s, "旧类别").id
        requests.set_category_active(s, old, False)
    made = [  # resident, category, received, due, completed, satisfaction, reopened
        (town.zhang, HAIRCUT, date(2025, 1, 10), None, date(2025, 1, 12), "满意", False),
        (town.wang, HAIRCUT, date(2025, 1, 20), None, date(2025, 1, 30), None, False),
        (town.zhang, BATH, date(2025, 2, 5), None, date(2025, 2, 6), "基本满意", False),
        (town.wang, HOUSEWORK, date(2025, 3, 15), None, None, None, False),
        (town.li, HOUSEWORK, date(2025, 12, 30), None, None, None, False),
        (town.son, REPAIRS, date(2025, 12, 20), END, None, None, False),
        (town.wang, MEDICINE, date(2024, 12, 28), None, date(2025, 1, 3), "不满意", False),
        (office.base.liu, ERRANDS, date(2025, 6, 1), None, date(2025, 6, 5), "满意", False),
        (town.zhang, HAIRCUT, date(2025, 4, 1), None, date(2025, 4, 2), None, True),
        (town.li, bathing, date(2025, 7, 7), None, date(2025, 7, 7), None, False),
    ]
    for resident, category, received, due, completed, answer, reopened in made:
        detail = new_request(db, intake(resident, category, due_on=due), today=received)
        version = 1
        if completed:
            step(db, "完成", lambda s: requests.complete_request(s, detail.row.id, "已办", expected_version=version,
                                                                on=completed))
            version += 1
        if answer:
            step(db, "回访", lambda s: requests.record_revisit(s, detail.row.id, answer, expected_version=version,
                                                              on=completed))
        if reopened:
            step(db, "重新打开", lambda s: requests.reopen_request(s, detail.row.id, "没办好", expected_version=version,
                                                                on=completed))
    with db.transaction("类别") as s:
        requests.set_category_active(s, bathing, False)


def _stats(db: Database, office: ServiceOffice, role: str, year: int = 2025, today: date = date(2026, 11, 21)
           ) -> RequestStatistics:
    db.actor = office.actors[role]
    with db.reader() as s:
        return request_statistics(s, year, today=today)


def _months(**counts: int) -> tuple[int, ...]:
    names = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    return tuple(counts.get(name, 0) for name in names)


@pytest.fixture
def built(service_office: ServiceOffice, sdb: Database) -> Database:
    _build(sdb, service_office)
    return sdb


def test_the_year_for_the_whole_community(service_office: ServiceOffice, built: Database) -> None:
    stats = _stats(built, service_office, "worker")
    assert [(c.category, c.counts, c.total) for c in stats.by_category] == [
        ("理发", _months(jan=2, apr=1), 3),
        ("洗澡", _months(feb=1), 1),
        ("配餐", _months(), 0),
        ("医药", _months(), 0),  # received in 2024
        ("家政", _months(mar=1, dec=1), 2),
        ("代办", _months(jun=1), 1),
        ("维修", _months(dec=1), 1),
        ("助浴", _months(jul=1), 1),  # retired, but used that year; 旧类别 is not listed
    ]
    assert stats.per_month == _months(jan=2, feb=1, mar=1, apr=1, jun=1, jul=1, dec=2)
    assert (stats.year, stats.received, stats.closed, stats.open, stats.overdue) == (2025, 9, 5, 4, 2)
    # completed in 2025: 0, 1, 2, 4, 6 and 10 days (the reopened one is not completed)
    assert stats.median_days_to_close == 3.0
    assert stats.average_days_to_close == pytest.approx(23 / 6)
    assert stats.satisfaction == {"满意": 2, "基本满意": 1, "不满意": 1, "未回访": 2}
    assert list(stats.satisfaction) == ["满意", "基本满意", "不满意", "未回访"]


def test_a_grid_worker_counts_their_grids(service_office: ServiceOffice, built: Database) -> None:
    own = _stats(built, service_office, "grid_own")
    assert (own.received, own.closed, own.open, own.overdue) == (8, 4, 4, 2)
    assert [c.total for c in own.by_category if c.category == "代办"] == [0]
    assert own.per_month == _months(jan=2, feb=1, mar=1, apr=1, jul=1, dec=2)
    assert (own.median_days_to_close, own.average_days_to_close) == (2.0, 19 / 5)
    assert own.satisfaction == {"满意": 1, "基本满意": 1, "不满意": 1, "未回访": 2}
    other = _stats(built, service_office, "grid_other")
    assert (other.received, other.closed, other.open, other.overdue) == (1, 1, 0, 0)
    assert (other.median_days_to_close, other.average_days_to_close) == (4.0, 4.0)
    assert other.satisfaction == {"满意": 1, "基本满意": 0, "不满意": 0, "未回访": 0}
    # the retired 助浴 was used in grid 1 only: not a row of grid 2's table
    assert [c.category for c in other.by_category] == ["理发", "洗澡", "配餐", "医药", "家政", "代办", "维修"]


def test_the_year_before_and_a_year_with_nothing(service_office: ServiceOffice, built: Database) -> None:
    before = _stats(built, service_office, "worker", 2024)
    assert (before.received, before.closed, before.open, before.overdue) == (1, 1, 0, 0)
    assert [(c.category, c.total) for c in before.by_category if c.total] == [("医药", 1)]
    assert before.per_month == _months(dec=1)
    assert (before.median_days_to_close, before.satisfaction) == (None, {"满意": 0, "基本满意": 0, "不满意": 0,
                                                                          "未回访": 0})
    empty = _stats(built, service_office, "worker", 2023)
    assert (empty.received, empty.per_month, empty.average_days_to_close) == (0, _months(), None)
    assert [c.category for c in empty.by_category] == ["理发", "洗澡", "配餐", "医药", "家政", "代办", "维修"]


def test_overdue_in_the_current_year_counts_up_to_today(service_office: ServiceOffice, built: Database) -> None:
    new_request(built, intake(service_office.town.zhang, due_on=date(2026, 1, 8)), today=date(2026, 1, 5))
    assert _stats(built, service_office, "worker", 2026, today=date(2026, 1, 8)).overdue == 0  # due today
    assert _stats(built, service_office, "worker", 2026, today=date(2026, 1, 9)).overdue == 1
    # an earlier year is counted at its last day: 2025's request 6 (due 12-31) is not overdue then
    assert _stats(built, service_office, "worker", 2025, today=date(2026, 1, 9)).overdue == 2
