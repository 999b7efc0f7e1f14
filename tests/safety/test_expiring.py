"""What expires by the end of a month (fake clock: the day passed in), across month ends, the year
end and 29 February, and the today list's section 本月到期的安全设备."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import Perm
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceInput
from chang_shan.today import build_today
from chang_shan.today.registry import sections
from tests.population.community import Community
from tests.safety.office import TODAY, SafetyOffice

EXPIRIES = (date(2026, 10, 31), date(2026, 11, 21), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31),
            date(2027, 1, 1), date(2028, 2, 29), date(2026, 2, 28), date(2026, 3, 1))


@pytest.fixture
def by_expiry(db: Database, town: Community) -> dict[date, int]:
    """One extinguisher per day of ``EXPIRIES`` (3号楼1单元, or the 平房区 for the dates in 2026-12),
    and a removed one that would expire on 2026-11-15."""
    found = {}
    with db.transaction("新增") as s:
        for expires in EXPIRIES:
            place = {"building_id": town.low_rise} if expires.month == 12 else {"unit_id": town.unit1}
            found[expires] = devices.add_device(s, DeviceInput("灭火器", installed_on=date(2020, 1, 1),
                                                               expires_on=expires, **place), today=TODAY).id
        gone = devices.add_device(s, DeviceInput("灭火器", unit_id=town.unit2, installed_on=date(2020, 1, 1),
                                                 expires_on=date(2026, 11, 15)), today=TODAY)
        devices.remove_device(s, gone.id, today=TODAY)
    return found


def _expiring(db: Database, on: date) -> list[tuple[date, int]]:
    with db.reader() as s:
        return [(d.expires_on, d.days_to_expiry) for d in devices.expiring(s, on)]


def test_expired_first_then_by_date_to_the_end_of_the_month(db: Database, by_expiry: dict) -> None:
    expected = [(date(2026, 2, 28), -266), (date(2026, 3, 1), -265), (date(2026, 10, 31), -21),
                (date(2026, 11, 21), 0), (date(2026, 11, 30), 9)]
    assert _expiring(db, TODAY) == expected
    assert [e for e, _d in _expiring(db, date(2026, 11, 1))] == [e for e, _d in expected]
    assert _expiring(db, date(2026, 11, 30))[-1] == (date(2026, 11, 30), 0)


def test_the_next_month_starts_a_new_list(db: Database, by_expiry: dict) -> None:
    assert [e for e, _d in _expiring(db, date(2026, 12, 1))][-3:] == [
        date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31)]


def test_the_year_end_is_the_end_of_december_not_of_the_next_day(db: Database, by_expiry: dict) -> None:
    december = _expiring(db, date(2026, 12, 15))
    assert december[-2:] == [(date(2026, 12, 1), -14), (date(2026, 12, 31), 16)]
    assert date(2027, 1, 1) not in [e for e, _d in december]
    assert _expiring(db, date(2027, 1, 1))[-1] == (date(2027, 1, 1), 0)


def test_february_ends_on_the_28th_or_in_a_leap_year_the_29th(db: Database, by_expiry: dict) -> None:
    assert _expiring(db, date(2026, 2, 10)) == [(date(2026, 2, 28), 18)]
    assert date(2028, 2, 29) in [e for e, _d in _expiring(db, date(2028, 2, 3))]
    assert date(2028, 2, 29) not in [e for e, _d in _expiring(db, date(2028, 1, 31))]


# --- the today section -----------------------------------------------------------------------------


def test_the_section_is_registered_for_everyone_who_may_view() -> None:
    section = next(s for s in sections() if s.key == "devices_expiring")
    assert (section.title, section.perm) == ("本月到期的安全设备", Perm.VIEW)
    assert section.order > 40  # after the built-in sections


def test_the_section_lists_the_office_devices_most_urgent_first(
    safety_office: SafetyOffice, safety_db: Database,
) -> None:
    safety_db.actor = safety_office.actors["reader"]
    with safety_db.reader() as s:
        section = build_today(s, TODAY).section("devices_expiring")
    assert section is not None
    assert section.note == "在用、11月底前到期或已过期的燃气报警器、灭火器和烟感报警器"
    ids = safety_office.devices
    assert [(i.resident_id, i.name, i.text, i.due_on, i.days_overdue, i.target) for i in section.items] == [
        (None, "燃气报警器", "燃气报警器 3号楼2单元301 已过期 12 天", date(2026, 11, 9), 12, ("device", ids["alarm"])),
        (None, "灭火器", "灭火器 3号楼1单元 11月28日到期", date(2026, 11, 28), None, ("device", ids["extinguisher"])),
    ]


def test_a_device_expiring_today_says_so_and_sorts_after_the_expired(db: Database, by_expiry: dict) -> None:
    with db.reader() as s:
        items = build_today(s, TODAY).section("devices_expiring").items
    assert [(i.text, i.days_overdue) for i in items] == [
        ("灭火器 3号楼1单元 已过期 266 天", 266), ("灭火器 3号楼1单元 已过期 265 天", 265),
        ("灭火器 3号楼1单元 已过期 21 天", 21), ("灭火器 3号楼1单元 今天到期", 0),
        ("灭火器 3号楼1单元 11月30日到期", None),
    ]
    with db.reader() as s:
        december = build_today(s, date(2026, 12, 15)).section("devices_expiring").items
    assert [i.text for i in december][-2:] == ["灭火器 平房区 已过期 14 天", "灭火器 平房区 12月31日到期"]


@pytest.mark.parametrize(("role", "expected"), [
    ("admin", ["alarm", "extinguisher"]), ("worker", ["alarm", "extinguisher"]),
    ("grid_own", ["alarm", "extinguisher"]), ("grid_other", []), ("reader", ["alarm", "extinguisher"]),
])
def test_each_role_sees_the_devices_of_its_grids(
    safety_office: SafetyOffice, safety_db: Database, role: str, expected: list[str],
) -> None:
    safety_db.actor = safety_office.actors[role]
    with safety_db.reader() as s:
        items = build_today(s, TODAY).section("devices_expiring").items
        listed = devices.expiring(s, date(2030, 3, 1))
    assert [i.target for i in items] == [("device", safety_office.devices[key]) for key in expected]
    smoke = safety_office.devices["smoke"]  # grid 2, expires 2030-03-01
    assert (smoke in [d.id for d in listed]) is (role != "grid_own")


def test_nobody_signed_in_gets_no_list(safety_db: Database) -> None:
    safety_db.actor = None
    with pytest.raises(PermissionDenied), safety_db.reader() as s:
        devices.expiring(s, TODAY)
