"""The unit-by-unit coverage on the small community (tests/population/community.py): every unit
and every building without units, households not dissolved, gas alarms per household, the micro
fire station's devices, what is expired or expires this month — in three SQL queries."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from chang_shan.db.database import Database
from chang_shan.db.models import Household
from chang_shan.population import places
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceInput, UnitCoverage
from tests.population.community import Community
from tests.safety.office import TODAY, SafetyOffice

FIELDS = ("place", "households", "with_gas_alarm", "extinguishers", "smoke_detectors", "expired", "expiring_this_month")


@pytest.fixture
def equipped(db: Database, town: Community) -> dict[str, int]:
    """Devices on the small community (TODAY 2026-11-21), and two more buildings without any."""
    def add(s, kind: str, expires: date | None = None, **place: int) -> int:  # noqa: ANN001
        return devices.add_device(s, DeviceInput(kind, installed_on=date(2022, 1, 10), expires_on=expires, **place),
                                  today=TODAY).id

    with db.transaction("新增") as s:
        add(s, "燃气报警器", household_id=town.h101)  # by default 2027-01-10
        add(s, "燃气报警器", date(2026, 11, 25), household_id=town.h101)  # a second one: still one household
        add(s, "燃气报警器", household_id=town.h102)  # h102 is dissolved below
        add(s, "灭火器", date(2026, 11, 28), unit_id=town.unit1)
        add(s, "灭火器", unit_id=town.unit1)
        add(s, "烟感报警器", date(2026, 10, 1), unit_id=town.unit1)
        add(s, "燃气报警器", date(2026, 11, 9), household_id=town.h301)
        removed = add(s, "灭火器", date(2026, 11, 1), unit_id=town.unit2)
        devices.remove_device(s, removed, today=TODAY)
        add(s, "燃气报警器", date(2026, 11, 30), household_id=town.house)
        add(s, "烟感报警器", building_id=town.low_rise)
        add(s, "灭火器", date(2026, 12, 31), building_id=town.low_rise)
        s.get(Household, town.h102).dissolved_on = date(2026, 6, 1)
    with db.transaction("新建楼栋") as s:
        five = places.create_building(s, grid_id=town.grid2, name="5")
        units = [places.create_unit(s, building_id=five, name=str(n)) for n in (1, 2)]
        bare = places.create_building(s, grid_id=town.grid1, name="9")
    return {"five": five, "five_1": units[0], "five_2": units[1], "bare": bare}


def _table(rows: list[UnitCoverage]) -> list[tuple]:
    return [tuple(getattr(r, f) for f in FIELDS) for r in rows]


def test_every_unit_and_every_building_without_units_has_a_row(
    db: Database, town: Community, equipped: dict[str, int],
) -> None:
    with db.reader() as s:
        rows = devices.coverage(s, today=TODAY)
    assert _table(rows) == [
        # place         households  gas  ext  smoke  expired  expiring (by 11-30)
        ("3号楼1单元", 1, 1, 2, 1, 1, 2),  # h102 dissolved: its alarm counts in no household
        ("3号楼2单元", 1, 1, 0, 0, 1, 0),  # the removed extinguisher does not count
        ("平房区", 1, 1, 1, 1, 0, 1),
        ("5号楼1单元", 0, 0, 0, 0, 0, 0),
        ("5号楼2单元", 0, 0, 0, 0, 0, 0),
        ("9号楼", 0, 0, 0, 0, 0, 0),
    ]
    assert [(r.building_id, r.unit_id, r.grid_id) for r in rows] == [
        (town.building3, town.unit1, town.grid1), (town.building3, town.unit2, town.grid1),
        (town.low_rise, None, town.grid2), (equipped["five"], equipped["five_1"], town.grid2),
        (equipped["five"], equipped["five_2"], town.grid2), (equipped["bare"], None, town.grid1),
    ]


def test_the_month_moves_with_today(db: Database, town: Community, equipped: dict[str, int]) -> None:
    with db.reader() as s:
        december = devices.coverage(s, today=date(2026, 12, 15))
        january = devices.coverage(s, today=date(2027, 1, 5))
    assert [(r.place, r.expired, r.expiring_this_month) for r in december][:3] == [
        ("3号楼1单元", 3, 0), ("3号楼2单元", 1, 0), ("平房区", 1, 1)]
    # 3号楼1单元 in January: h101's first alarm, h102's (a dissolved household's, still 在用) and an
    # extinguisher expire on 2027-01-10
    assert [(r.place, r.expired, r.expiring_this_month) for r in january][:3] == [
        ("3号楼1单元", 3, 3), ("3号楼2单元", 1, 0), ("平房区", 2, 0)]


def test_a_grid_or_a_grid_workers_grids(
    safety_office: SafetyOffice, safety_db: Database,
) -> None:
    town = safety_office.town
    expected = {
        "admin": ["3号楼1单元", "3号楼2单元", "平房区"], "reader": ["3号楼1单元", "3号楼2单元", "平房区"],
        "grid_own": ["3号楼1单元", "3号楼2单元"], "grid_other": ["平房区"],
    }
    for role, places_seen in expected.items():
        safety_db.actor = safety_office.actors[role]
        with safety_db.reader() as s:
            assert [r.place for r in devices.coverage(s, today=TODAY)] == places_seen, role
            assert [r.place for r in devices.coverage(s, today=TODAY, grid_id=town.grid2)] == (
                [] if role == "grid_own" else ["平房区"]), role
    safety_db.actor = safety_office.actors["grid_own"]
    with safety_db.reader() as s:
        assert _table(devices.coverage(s, today=TODAY)) == [
            ("3号楼1单元", 2, 0, 1, 0, 0, 1), ("3号楼2单元", 1, 1, 0, 0, 1, 0)]


def test_three_queries_whatever_the_number_of_units(db: Database, town: Community, equipped: dict[str, int]) -> None:
    with db.transaction("新建单元") as s:
        for n in range(3, 23):
            unit = places.create_unit(s, building_id=equipped["five"], name=str(n))
            devices.add_device(s, DeviceInput("灭火器", unit_id=unit), today=TODAY)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.reader() as s:
            rows = devices.coverage(s, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 26
    assert sum(r.extinguishers for r in rows) == 2 + 1 + 20
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3, statements
