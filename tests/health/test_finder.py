"""The resident list of the 居民健康库 screen: search, quick filters, the limit, and who may see it."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.health import finder, selfcare, visits
from chang_shan.health.shapes import SelfCareInput, VisitInput
from chang_shan.population import residents
from tests.health.office import HealthOffice

ON = date(2025, 1, 1)


def names(db: Database, text: str = "", quick: str = "", **kwargs: object) -> list[str]:
    with db.reader() as s:
        return [row.name for row in finder.find_residents(s, text, quick, on=ON, **kwargs).rows]  # type: ignore[arg-type]


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    health_db.actor = health_office.actors["worker_h"]
    return health_db


def test_everyone_in_name_order_and_the_search(db: Database) -> None:
    assert names(db) == ["李桂兰", "刘明", "王淑芬", "张立春", "张伟"]
    assert names(db, "zlc") == ["张立春"]
    assert names(db, "张", "profile") == ["张立春"]


def test_quick_filters(db: Database, health_office: HealthOffice) -> None:
    town = health_office.town
    assert names(db, quick="profile") == ["刘明", "张立春"]
    assert names(db, quick="follow_up") == ["刘明", "张立春"]  # 糖尿病, 高血压
    assert names(db, quick="dependent") == ["王淑芬"]  # total 6 on 2024-03-01
    assert names(db, quick="wandering") == []
    assert names(db, quick="no_check") == ["李桂兰", "王淑芬", "张立春"]  # 65+ on 2025-01-01
    with db.transaction("评估") as s:
        selfcare.record_self_care(s, town.wang, SelfCareInput(date(2024, 9, 1)), today=ON)  # better now
        selfcare.record_self_care(s, town.li, SelfCareInput(date(2024, 1, 1), eating=5), today=ON)
        visits.record_visit(s, town.zhang, VisitInput(date(2025, 1, 1), purpose="年度体检"), today=ON)
    assert names(db, quick="dependent") == ["李桂兰"]  # the latest assessment counts
    assert names(db, quick="no_check") == ["李桂兰", "王淑芬"]


def test_the_limit_and_a_resident_asked_for(db: Database, health_office: HealthOffice) -> None:
    with db.reader() as s:
        found = finder.find_residents(s, on=ON, limit=2)
        assert (found.total, [r.name for r in found.rows]) == (5, ["李桂兰", "刘明"])
        found = finder.find_residents(s, on=ON, limit=2, include=health_office.town.zhang)
        assert [r.name for r in found.rows] == ["李桂兰", "刘明", "张立春"]
        found = finder.find_residents(s, "王", on=ON, limit=2, include=health_office.town.zhang)
        assert [r.name for r in found.rows] == ["王淑芬"]  # not matching: not added


def test_people_who_left_are_not_listed(db: Database, health_office: HealthOffice) -> None:
    with db.transaction("登记迁出") as s:
        residents.move_out(s, health_office.town.zhang, on_date=date(2024, 6, 1))
    assert "张立春" not in names(db, quick="profile")
    assert "张立春" not in names(db)


@pytest.mark.parametrize(("role", "expected"), [
    ("admin_h", ["李桂兰", "刘明", "王淑芬", "张立春", "张伟"]),
    ("grid_own_h", ["李桂兰", "王淑芬", "张立春", "张伟"]),
    ("grid_other_h", ["刘明"]),
    ("reader_h", ["李桂兰", "刘明", "王淑芬", "张立春", "张伟"]),
])
def test_who_sees_whom(db: Database, health_office: HealthOffice, role: str, expected: list[str]) -> None:
    db.actor = health_office.actors[role]
    assert names(db) == expected
    assert set(names(db, quick="follow_up")) <= set(expected)


@pytest.mark.parametrize("role", ["admin", "worker", "nobody"])
def test_without_the_health_permission_nothing_is_listed(db: Database, health_office: HealthOffice,
                                                         role: str) -> None:
    db.actor = health_office.actors[role]
    with pytest.raises(PermissionDenied):
        names(db)
