"""Adding and correcting safety devices: where each kind may go, the dates (today by default, the
service life as the default expiry, 29 February → 28 February), the text fields, and the lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import Household, SafetyDevice
from chang_shan.errors import NotFound, ValidationError
from chang_shan.population import households, places
from chang_shan.safety import devices
from chang_shan.safety.dates import month_end, years_after
from chang_shan.safety.shapes import DeviceFilter, DeviceInput
from tests.population.community import Community

TODAY = date(2026, 11, 21)


def _add(db: Database, data: DeviceInput, today: date = TODAY):  # noqa: ANN202
    with db.transaction("新增设备") as s:
        return devices.add_device(s, data, today=today)


def _count(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(SafetyDevice)) or 0


# --- placement ------------------------------------------------------------------------------------


def test_a_gas_alarm_goes_in_a_household_and_takes_its_unit_and_building(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("燃气报警器", household_id=town.h301, location="  厨房 ", model="JT-AEC2363",
                               serial="Ｓ001", installed_on=date(2024, 5, 6)))
    assert (row.kind, row.place, row.household_id, row.unit_id, row.building_id, row.grid_id) == (
        "燃气报警器", "3号楼2单元301", town.h301, town.unit2, town.building3, town.grid1)
    assert (row.location, row.model, row.installed_on, row.expires_on) == (
        "厨房", "JT-AEC2363", date(2024, 5, 6), date(2029, 5, 6))
    assert (row.status, row.last_inspected_on, row.days_to_expiry) == ("在用", None, (date(2029, 5, 6) - TODAY).days)
    with db.reader() as s:
        stored = s.get(SafetyDevice, row.id)
        assert (stored.household_id, stored.unit_id, stored.building_id) == (town.h301, town.unit2, town.building3)
        assert devices.get_device(s, row.id, today=TODAY) == row


def test_extinguishers_and_smoke_detectors_go_in_a_unit_or_a_building_without_units(
    db: Database, town: Community,
) -> None:
    extinguisher = _add(db, DeviceInput("灭火器", unit_id=town.unit1, building_id=town.building3))
    smoke = _add(db, DeviceInput("烟感报警器", building_id=town.low_rise))
    assert (extinguisher.place, extinguisher.household_id, extinguisher.unit_id, extinguisher.building_id) == (
        "3号楼1单元", None, town.unit1, town.building3)
    assert (smoke.place, smoke.household_id, smoke.unit_id, smoke.building_id, smoke.grid_id) == (
        "平房区", None, None, town.low_rise, town.grid2)
    with db.transaction("新建楼栋") as s:
        east = places.create_building(s, grid_id=town.grid1, name="东平房", kind="平房区", address="长山路")
        bare = places.create_building(s, grid_id=town.grid1, name="9")  # a 楼房 with no units (yet)
    assert _add(db, DeviceInput("灭火器", building_id=east)).place == "东平房 长山路"
    assert _add(db, DeviceInput("灭火器", building_id=bare)).place == "9号楼"


def _dissolve(db: Database, household_id: int) -> None:
    with db.transaction("注销") as s:
        s.get(Household, household_id).dissolved_on = date(2025, 1, 1)


@pytest.mark.parametrize(("make", "key"), [
    (lambda t: DeviceInput("燃气报警器"), "household_id"),
    (lambda t: DeviceInput("燃气报警器", unit_id=t.unit1), "household_id"),
    (lambda t: DeviceInput("燃气报警器", household_id=999), "household_id"),
    (lambda t: DeviceInput("燃气报警器", household_id=t.h102), "household_id"),  # dissolved (see below)
    (lambda t: DeviceInput("燃气报警器", household_id=t.h101, unit_id=t.unit2), "unit_id"),
    (lambda t: DeviceInput("燃气报警器", household_id=t.h101, building_id=t.low_rise), "building_id"),
    (lambda t: DeviceInput("灭火器", household_id=t.h101), "household_id"),
    (lambda t: DeviceInput("烟感报警器", household_id=t.house), "household_id"),
    (lambda t: DeviceInput("灭火器"), "unit_id"),
    (lambda t: DeviceInput("灭火器", building_id=t.building3), "unit_id"),  # a 楼房 with units
    (lambda t: DeviceInput("烟感报警器", unit_id=999), "unit_id"),
    (lambda t: DeviceInput("烟感报警器", unit_id=t.unit1, building_id=t.low_rise), "building_id"),
    (lambda t: DeviceInput("烟感报警器", building_id=999), "building_id"),
    (lambda t: DeviceInput("消防栓", unit_id=t.unit1), "kind"),
])
def test_a_device_in_the_wrong_place_is_refused_and_nothing_is_written(
    db: Database, town: Community, make, key: str,  # noqa: ANN001
) -> None:
    _dissolve(db, town.h102)
    with pytest.raises(ValidationError) as refused:
        _add(db, make(town))
    assert key in refused.value.errors and refused.value.errors[key], refused.value.errors
    assert _count(db) == 0


def test_the_messages_say_what_to_do(db: Database, town: Community) -> None:
    _dissolve(db, town.h102)
    cases = [
        (DeviceInput("燃气报警器", household_id=town.h102), "该住户已于 2025-01-01 注销。"),
        (DeviceInput("灭火器", household_id=town.h101), "灭火器登记在单元（平房区登记在楼栋），不登记在住户。"),
        (DeviceInput("灭火器", building_id=town.building3), "3号楼有单元，灭火器请登记在单元。"),
        (DeviceInput("燃气报警器"), "燃气报警器请登记在住户。"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError) as refused:
            _add(db, data)
        assert message in refused.value.errors.values()


# --- dates -----------------------------------------------------------------------------------------


def test_installed_today_by_default_with_the_service_life_of_its_kind(db: Database, town: Community) -> None:
    assert devices.SERVICE_YEARS == {"燃气报警器": 5, "灭火器": 5, "烟感报警器": 10}
    gas = _add(db, DeviceInput("燃气报警器", household_id=town.h101))
    extinguisher = _add(db, DeviceInput("灭火器", unit_id=town.unit1))
    smoke = _add(db, DeviceInput("烟感报警器", unit_id=town.unit1))
    assert [d.installed_on for d in (gas, extinguisher, smoke)] == [TODAY] * 3
    assert [d.expires_on for d in (gas, extinguisher, smoke)] == [date(2031, 11, 21), date(2031, 11, 21),
                                                                  date(2036, 11, 21)]


def test_a_device_installed_on_29_february_expires_on_28_february(db: Database, town: Community) -> None:
    leap = date(2024, 2, 29)
    gas = _add(db, DeviceInput("燃气报警器", household_id=town.h101, installed_on=leap))
    smoke = _add(db, DeviceInput("烟感报警器", unit_id=town.unit2, installed_on=leap))
    assert (gas.expires_on, smoke.expires_on) == (date(2029, 2, 28), date(2034, 2, 28))
    assert devices.default_expiry("灭火器", leap) == date(2029, 2, 28)
    assert years_after(leap, 4) == date(2028, 2, 29)  # a leap year keeps the day
    assert devices.default_expiry("燃气报警器", date(2023, 3, 1)) == date(2028, 3, 1)


def test_a_given_expiry_is_kept(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2026, 1, 10),
                               expires_on=date(2026, 1, 11)))
    assert row.expires_on == date(2026, 1, 11) and row.days_to_expiry == (date(2026, 1, 11) - TODAY).days


@pytest.mark.parametrize(("installed", "expires", "key", "message"), [
    (date(2026, 11, 22), None, "installed_on", "安装日期不能晚于今天。"),
    (date(2026, 1, 10), date(2026, 1, 10), "expires_on", "到期日期须晚于安装日期（2026-01-10）。"),
    (date(2026, 1, 10), date(2025, 12, 31), "expires_on", "到期日期须晚于安装日期（2026-01-10）。"),
    (date(2026, 1, 10), date(2056, 1, 11), "expires_on", "到期日期不能晚于安装后 30 年，请检查。"),
    (None, date(2026, 11, 21), "expires_on", "到期日期须晚于安装日期（2026-11-21）。"),  # installed today
])
def test_impossible_dates_are_refused(
    db: Database, town: Community, installed: date | None, expires: date | None, key: str, message: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=installed, expires_on=expires))
    assert refused.value.errors == {key: message}
    assert _count(db) == 0
    _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2026, 1, 10), expires_on=date(2056, 1, 10)))


def test_month_end() -> None:
    assert [month_end(date(y, m, d)) for y, m, d in ((2026, 2, 1), (2028, 2, 29), (2026, 12, 31), (2026, 4, 15))] == [
        date(2026, 2, 28), date(2028, 2, 29), date(2026, 12, 31), date(2026, 4, 30)]


# --- text ------------------------------------------------------------------------------------------


def test_text_is_cleaned_and_notes_keep_their_lines(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("灭火器", unit_id=town.unit1, location=" 1楼\t楼梯口 ", model=" MFZ/ABC4 ",
                               serial="\x00A 12 ", note="  由燃气公司\r\n\r\n\r\n免费安装  "))
    assert (row.location, row.model, row.serial, row.note) == ("1楼 楼梯口", "MFZ/ABC4", "A 12", "由燃气公司\n\n免费安装")


@pytest.mark.parametrize(("field", "limit", "label"), [
    ("location", 50, "具体位置"), ("model", 50, "型号"), ("serial", 50, "编号"), ("note", 200, "备注"),
])
def test_text_longer_than_its_column_is_refused(
    db: Database, town: Community, field: str, limit: int, label: str,
) -> None:
    data = DeviceInput("灭火器", unit_id=town.unit1)
    _add(db, replace(data, **{field: "字" * limit}))  # exactly the limit fits
    with pytest.raises(ValidationError) as refused:
        _add(db, replace(data, **{field: "字" * (limit + 1)}))
    assert refused.value.errors == {field: f"{label}最多 {limit} 个字，现在是 {limit + 1} 个。"}
    assert _count(db) == 1


# --- corrections -----------------------------------------------------------------------------------


def test_a_device_is_corrected_in_place_or_moved(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2022, 3, 1), model="旧型号"))
    with db.transaction("修改设备") as s:
        moved = devices.update_device(s, row.id, DeviceInput("烟感报警器", unit_id=town.unit2, model=" 新型号 "),
                                      today=TODAY)
    # installed_on None keeps the recorded day; expires_on None is the new kind's service life after it
    assert (moved.kind, moved.place, moved.unit_id, moved.model) == ("烟感报警器", "3号楼2单元", town.unit2, "新型号")
    assert (moved.installed_on, moved.expires_on) == (date(2022, 3, 1), date(2032, 3, 1))
    with db.transaction("修改设备") as s:
        gas = devices.update_device(s, row.id, DeviceInput("燃气报警器", household_id=town.house,
                                                           installed_on=date(2022, 4, 1), expires_on=date(2030, 1, 1)),
                                    today=TODAY)
    assert (gas.place, gas.household_id, gas.unit_id, gas.building_id) == (
        "平房区 长山路12号", town.house, None, town.low_rise)
    assert (gas.installed_on, gas.expires_on, gas.status) == (date(2022, 4, 1), date(2030, 1, 1), "在用")
    with pytest.raises(ValidationError) as refused, db.transaction("修改设备") as s:
        devices.update_device(s, row.id, DeviceInput("燃气报警器", unit_id=town.unit1), today=TODAY)
    assert set(refused.value.errors) == {"household_id"}
    with pytest.raises(NotFound), db.transaction("修改设备") as s:
        devices.update_device(s, 999, DeviceInput("灭火器", unit_id=town.unit1), today=TODAY)


def test_the_installation_cannot_move_after_an_inspection(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2022, 3, 1)))
    with db.transaction("检查") as s:
        devices.record_inspection(s, row.id, date(2023, 3, 1), "正常", today=TODAY)
    with pytest.raises(ValidationError) as refused, db.transaction("修改设备") as s:
        devices.update_device(s, row.id, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2023, 3, 2)),
                              today=TODAY)
    assert refused.value.errors == {"installed_on": "安装日期不能晚于已有的检查日期（2023-03-01）。"}
    with db.transaction("修改设备") as s:
        assert devices.update_device(s, row.id, DeviceInput("灭火器", unit_id=town.unit1,
                                                            installed_on=date(2023, 3, 1)), today=TODAY).installed_on \
            == date(2023, 3, 1)


def test_a_gas_alarm_follows_its_household_when_the_address_is_corrected(db: Database, town: Community) -> None:
    row = _add(db, DeviceInput("燃气报警器", household_id=town.h102))
    with db.transaction("修改住户") as s:
        households.update_household(s, town.h102, households.HouseholdInput(town.building3, town.unit2, "402", "48"))
    with db.reader() as s:
        moved = devices.get_device(s, row.id, today=TODAY)
        assert (moved.place, moved.unit_id) == ("3号楼2单元402", town.unit2)
        assert [d.id for d in devices.list_devices(s, DeviceFilter(unit_id=town.unit2), today=TODAY)] == [row.id]
        assert devices.list_devices(s, DeviceFilter(unit_id=town.unit1), today=TODAY) == []


# --- lists -----------------------------------------------------------------------------------------


def test_lists_filter_by_kind_place_expiry_and_status(db: Database, town: Community) -> None:
    smoke = _add(db, DeviceInput("烟感报警器", unit_id=town.unit2, installed_on=date(2020, 1, 1)))
    gas301 = _add(db, DeviceInput("燃气报警器", household_id=town.h301, installed_on=date(2021, 12, 1)))
    ext1 = _add(db, DeviceInput("灭火器", unit_id=town.unit1, installed_on=date(2021, 11, 30)))
    gas101 = _add(db, DeviceInput("燃气报警器", household_id=town.h101))
    house = _add(db, DeviceInput("燃气报警器", household_id=town.house, installed_on=date(2021, 6, 1)))
    low = _add(db, DeviceInput("灭火器", building_id=town.low_rise))
    with db.transaction("拆除") as s:
        devices.remove_device(s, gas101.id, on=TODAY, today=TODAY)

    def ids(**fields: object) -> list[int]:
        with db.reader() as s:
            found = devices.list_devices(s, DeviceFilter(**fields), today=TODAY)  # type: ignore[arg-type]
        return [d.id for d in found]

    # building, unit (the unit's own devices before its households'), room; then kind
    assert ids() == [ext1.id, smoke.id, gas301.id, low.id, house.id]
    assert ids(include_retired=True) == [ext1.id, gas101.id, smoke.id, gas301.id, low.id, house.id]
    assert ids(kinds=("燃气报警器",)) == [gas301.id, house.id]
    assert ids(kinds=("灭火器", "烟感报警器")) == [ext1.id, smoke.id, low.id]
    assert ids(grid_id=town.grid2) == [low.id, house.id]
    assert ids(building_id=town.building3) == [ext1.id, smoke.id, gas301.id]
    assert ids(unit_id=town.unit2) == [smoke.id, gas301.id]
    assert ids(household_id=town.h301) == [gas301.id]
    assert ids(household_id=town.h101) == [] and ids(household_id=town.h101, include_retired=True) == [gas101.id]
    assert ids(expiring_by=date(2026, 11, 30)) == [ext1.id, house.id]
    assert ids(expiring_by=date(2026, 11, 30), include_retired=True) == [ext1.id, house.id]


def test_rooms_are_listed_as_numbers_101_before_1001(db: Database, town: Community) -> None:
    with db.transaction("新增住户") as s:
        h1001 = households.create_household(s, households.HouseholdInput(town.building3, town.unit2, "1001"))
    high = _add(db, DeviceInput("燃气报警器", household_id=h1001))
    low = _add(db, DeviceInput("燃气报警器", household_id=town.h301))
    with db.reader() as s:
        found = devices.list_devices(s, DeviceFilter(unit_id=town.unit2), today=TODAY)
    assert [d.id for d in found] == [low.id, high.id]  # 301 before 1001 (as text 1001 came first)
