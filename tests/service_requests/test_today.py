"""The today list's 逾期服务请求 and 待回访 on pinned days (the fake clock is the ``on`` passed in),
through the real services, for every role."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import Perm
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.settings import set_setting
from chang_shan.today import build_today
from chang_shan.today.registry import sections
from chang_shan.today.shapes import TodayList, TodaySection
from tests.service_requests.day import ON, build_day
from tests.service_requests.office import ServiceOffice

WANG = "王芳（社区工作者）"


@pytest.fixture
def day(service_office: ServiceOffice, sdb: Database) -> dict[str, int]:
    return build_day(sdb, service_office)


def _today(db: Database, office: ServiceOffice, role: str, on: date = ON) -> TodayList:
    db.actor = office.actors[role]
    with db.reader() as s:
        return build_today(s, on)


def _section(today: TodayList, key: str) -> TodaySection:
    section = today.section(key)
    assert section is not None, key
    return section


def test_the_sections_are_registered() -> None:
    mine = {s.key: s for s in sections() if s.key in ("overdue_requests", "awaiting_revisit")}
    assert [(s.title, s.perm) for s in mine.values()] == [("逾期服务请求", Perm.VIEW), ("待回访", Perm.VIEW)]
    assert mine["overdue_requests"].order < mine["awaiting_revisit"].order


def test_overdue_requests_most_late_first(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    section = _section(_today(sdb, service_office, "worker"), "overdue_requests")
    town = service_office.town
    assert [(i.resident_id, i.name, i.text, i.due_on, i.days_overdue, i.target) for i in section.items] == [
        (service_office.base.liu, "刘明", "维修 逾期 16 天（应于 2026-11-04） · 维修队", date(2026, 11, 4), 16,
         ("request", day["d"])),
        (town.zhang, "张立春", f"理发 逾期 7 天（应于 2026-11-13） · {WANG}", date(2026, 11, 13), 7,
         ("request", day["a"])),
        (None, "3号楼1单元102（户）", "家政 逾期 1 天（应于 2026-11-19） · 未派单", date(2026, 11, 19), 1,
         ("request", day["b"])),
    ]
    assert section.note == "已过应办日期、尚未办结的服务请求"
    next_day = _section(_today(sdb, service_office, "worker", date(2026, 11, 21)), "overdue_requests")
    assert [i.target for i in next_day.items][-1] == ("request", day["c"])  # due 11-20: late from the 21st


def test_awaiting_revisit(service_office: ServiceOffice, sdb: Database, day: dict[str, int]) -> None:
    section = _section(_today(sdb, service_office, "reader"), "awaiting_revisit")
    assert [(i.name, i.text, i.due_on, i.days_overdue, i.target) for i in section.items] == [
        ("王淑芬", f"洗澡 已完成 3 天未回访（2026-11-17 完成） · {WANG}", ON, 0, ("request", day["e"])),
    ]
    assert section.note == "完成满 3 天、尚未回访的服务请求"
    sdb.actor = service_office.actors["admin"]
    with sdb.transaction("设置") as s:
        set_setting(s, "services.revisit_after_days", 1)
    later = _section(_today(sdb, service_office, "worker", date(2026, 11, 22)), "awaiting_revisit")
    assert [(i.name, i.text, i.due_on, i.days_overdue) for i in later.items] == [
        ("王淑芬", f"洗澡 已完成 5 天未回访（2026-11-17 完成） · {WANG}", date(2026, 11, 18), 4),
        ("张立春", f"配餐 已完成 4 天未回访（2026-11-18 完成） · {WANG}", date(2026, 11, 19), 3),
    ]
    assert later.note == "完成满 1 天、尚未回访的服务请求"


def test_every_role_that_may_view_sees_them_within_its_grids(
    service_office: ServiceOffice, sdb: Database, day: dict[str, int],
) -> None:
    def names(role: str) -> tuple[list[str], list[str]]:
        today = _today(sdb, service_office, role)
        return ([i.name for i in _section(today, "overdue_requests").items],
                [i.name for i in _section(today, "awaiting_revisit").items])

    everything = (["刘明", "张立春", "3号楼1单元102（户）"], ["王淑芬"])
    for role in ("admin", "worker", "reader", "wang"):
        assert names(role) == everything, role
    assert names("grid_own") == (["张立春", "3号楼1单元102（户）"], ["王淑芬"])
    assert names("grid_other") == (["刘明"], [])
    sdb.actor = None
    with pytest.raises(PermissionDenied), sdb.reader() as s:
        build_today(s, ON)
