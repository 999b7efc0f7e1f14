"""Inspections, replacement and removal of safety devices: dates between the installation and
today, results, the inspector, and that a device no longer in use is left alone."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import DeviceInspection, Household, SafetyDevice
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceFilter, DeviceInput, DeviceRow
from tests.population.community import Community

TODAY = date(2026, 11, 21)
INSTALLED = date(2021, 11, 9)


@pytest.fixture
def alarm(db: Database, town: Community) -> DeviceRow:
    """A gas alarm in 3号楼2单元301, installed 2021-11-09 (expired 2026-11-09)."""
    with db.transaction("新增燃气报警器") as s:
        return devices.add_device(s, DeviceInput("燃气报警器", household_id=town.h301, location="厨房",
                                                 installed_on=INSTALLED, note="燃气公司安装"), today=TODAY)


def _inspect(db: Database, device_id: int, on: date | None, result: str = "正常", inspector: str = "",
             note: str = ""):  # noqa: ANN202
    with db.transaction("检查设备") as s:
        return devices.record_inspection(s, device_id, on, result, inspector, note, today=TODAY)


def _rows(db: Database) -> tuple[int, int]:
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(SafetyDevice)) or 0,
                s.scalar(select(func.count()).select_from(DeviceInspection)) or 0)


# --- inspections -----------------------------------------------------------------------------------


def test_inspections_are_recorded_newest_first_and_date_the_device(db: Database, alarm: DeviceRow) -> None:
    first = _inspect(db, alarm.id, date(2025, 6, 1), inspector="  燃气公司 李师傅 ", note="电池正常\r\n\r\n\r\n已告知住户")
    assert (first.device_id, first.on_date, first.result, first.inspector, first.note) == (
        alarm.id, date(2025, 6, 1), "正常", "燃气公司 李师傅", "电池正常\n\n已告知住户")
    later = _inspect(db, alarm.id, date(2026, 3, 2), "需维修")
    assert later.inspector == "系统"  # empty: the signed-in user's display name
    earlier = _inspect(db, alarm.id, date(2024, 1, 5))  # recorded late: the latest day stays
    same_day = _inspect(db, alarm.id, None)  # None: today
    with db.reader() as s:
        assert [i.id for i in devices.inspections(s, alarm.id)] == [same_day.id, later.id, first.id, earlier.id]
        assert devices.get_device(s, alarm.id, today=TODAY).last_inspected_on == TODAY
    assert same_day.on_date == TODAY


def test_the_last_inspection_day_is_the_latest_one(db: Database, alarm: DeviceRow) -> None:
    _inspect(db, alarm.id, date(2026, 3, 2))
    _inspect(db, alarm.id, date(2025, 3, 2))
    with db.reader() as s:
        assert devices.get_device(s, alarm.id, today=TODAY).last_inspected_on == date(2026, 3, 2)


@pytest.mark.parametrize(("on", "result", "inspector", "note", "errors"), [
    (date(2021, 11, 8), "正常", "", "", {"on": "检查日期不能早于安装日期（2021-11-09）。"}),
    (date(2026, 11, 22), "正常", "", "", {"on": "检查日期不能晚于今天。"}),
    (TODAY, "已更换", "", "", {"result": "换了新设备请用“更换”登记（旧设备会记为已更换）。"}),
    (TODAY, "坏了", "", "", {"result": "检查结果只能是：正常、需维修。"}),
    (TODAY, "正常", "李" * 51, "", {"inspector": "检查人最多 50 个字，现在是 51 个。"}),
    (TODAY, "正常", "", "记" * 201, {"note": "备注最多 200 个字，现在是 201 个。"}),
])
def test_a_bad_inspection_is_refused_and_nothing_is_written(
    db: Database, alarm: DeviceRow, on: date, result: str, inspector: str, note: str, errors: dict,
) -> None:
    before = _rows(db)
    with pytest.raises(ValidationError) as refused:
        _inspect(db, alarm.id, on, result, inspector, note)
    assert refused.value.errors == errors
    assert _rows(db) == before
    with db.reader() as s:
        assert devices.get_device(s, alarm.id, today=TODAY).last_inspected_on is None


def test_inspecting_on_the_installation_day_is_allowed(db: Database, alarm: DeviceRow) -> None:
    assert _inspect(db, alarm.id, INSTALLED).on_date == INSTALLED


def test_an_unknown_device_is_not_found(db: Database, town: Community) -> None:
    for run in (lambda s: devices.record_inspection(s, 999, TODAY, "正常", today=TODAY),
                lambda s: devices.replace_device(s, 999, DeviceInput(), today=TODAY),
                lambda s: devices.remove_device(s, 999, today=TODAY),
                lambda s: devices.get_device(s, 999),
                lambda s: devices.inspections(s, 999)):
        with pytest.raises(NotFound, match="该设备不存在"), db.transaction("测试") as s:
            run(s)


# --- replacement -----------------------------------------------------------------------------------


def test_a_replacement_takes_the_old_ones_place_and_the_old_one_is_kept_as_replaced(
    db: Database, alarm: DeviceRow, town: Community,
) -> None:
    on = date(2026, 11, 20)
    with db.transaction("更换燃气报警器") as s:
        # kind and place come from the old device, whatever the form says
        new = devices.replace_device(s, alarm.id, DeviceInput("灭火器", unit_id=town.unit1, location=" 厨房 ",
                                                              model="JT-2", serial="N-1"), on=on, today=TODAY)
    assert (new.kind, new.place, new.household_id, new.unit_id, new.status) == (
        "燃气报警器", "3号楼2单元301", town.h301, town.unit2, "在用")
    assert (new.location, new.model, new.serial, new.installed_on, new.expires_on, new.note) == (
        "厨房", "JT-2", "N-1", on, date(2031, 11, 20), "")
    with db.reader() as s:
        old = devices.get_device(s, alarm.id, today=TODAY)
        assert (old.status, old.last_inspected_on, old.expires_on, old.note) == (
            "已更换", on, date(2026, 11, 9), "燃气公司安装")
        [record] = devices.inspections(s, alarm.id)
        assert (record.on_date, record.result, record.inspector, record.note) == (on, "已更换", "系统", "更换为新设备")
        in_use = devices.list_devices(s, DeviceFilter(household_id=town.h301), today=TODAY)
        assert [d.id for d in in_use] == [new.id]


def test_a_replacement_may_have_its_own_dates(db: Database, town: Community) -> None:
    with db.transaction("新增") as s:
        ext = devices.add_device(s, DeviceInput("灭火器", unit_id=town.unit1, installed_on=INSTALLED), today=TODAY)
        smoke = devices.add_device(s, DeviceInput("烟感报警器", building_id=town.low_rise, installed_on=INSTALLED),
                                   today=TODAY)
    with db.transaction("更换") as s:
        new_ext = devices.replace_device(s, ext.id, DeviceInput(installed_on=date(2026, 11, 1),
                                                                expires_on=date(2027, 11, 1)), today=TODAY)
        new_smoke = devices.replace_device(s, smoke.id, DeviceInput(), today=TODAY)
    assert (new_ext.kind, new_ext.place, new_ext.installed_on, new_ext.expires_on) == (
        "灭火器", "3号楼1单元", date(2026, 11, 1), date(2027, 11, 1))
    assert (new_smoke.kind, new_smoke.place, new_smoke.building_id, new_smoke.installed_on, new_smoke.expires_on) == (
        "烟感报警器", "平房区", town.low_rise, TODAY, date(2036, 11, 21))
    with db.reader() as s:  # the old one was replaced on the day given (default today)
        assert devices.inspections(s, ext.id)[0].on_date == TODAY


@pytest.mark.parametrize(("on", "installed", "errors"), [
    (date(2021, 11, 8), None, {"on": "更换日期不能早于安装日期（2021-11-09）。"}),
    (date(2026, 11, 22), None, {"on": "更换日期不能晚于今天。"}),
    (TODAY, date(2026, 11, 22), {"installed_on": "安装日期不能晚于今天。"}),
    (TODAY, date(2021, 11, 1), {"installed_on": "新设备的安装日期不能早于旧设备的安装日期（2021-11-09）。"}),
])
def test_a_bad_replacement_is_refused_and_nothing_is_written(
    db: Database, alarm: DeviceRow, on: date, installed: date | None, errors: dict,
) -> None:
    before = _rows(db)
    with pytest.raises(ValidationError) as refused, db.transaction("更换") as s:
        devices.replace_device(s, alarm.id, DeviceInput(installed_on=installed), on=on, today=TODAY)
    assert refused.value.errors == errors
    assert _rows(db) == before


def test_a_gas_alarm_of_a_dissolved_household_is_not_replaced(db: Database, alarm: DeviceRow, town: Community) -> None:
    with db.transaction("注销") as s:
        s.get(Household, town.h301).dissolved_on = date(2026, 1, 1)
    with pytest.raises(ValidationError) as refused, db.transaction("更换") as s:
        devices.replace_device(s, alarm.id, DeviceInput(), today=TODAY)
    assert refused.value.errors == {"household_id": "该住户已于 2026-01-01 注销。"}
    with db.transaction("拆除") as s:  # it can be taken away
        assert devices.remove_device(s, alarm.id, note="住户已搬走", today=TODAY).status == "已拆除"


# --- removal ---------------------------------------------------------------------------------------


def test_a_removed_device_keeps_its_record_with_the_day_and_reason(
    db: Database, alarm: DeviceRow, town: Community,
) -> None:
    with db.transaction("拆除") as s:
        removed = devices.remove_device(s, alarm.id, on=date(2026, 11, 2), note="  住户改用电磁炉 ", today=TODAY)
    assert (removed.status, removed.note) == ("已拆除", "燃气公司安装\n拆除于 2026-11-02：住户改用电磁炉")
    with db.transaction("新增") as s:
        other = devices.add_device(s, DeviceInput("灭火器", building_id=town.low_rise), today=TODAY)
        plain = devices.remove_device(s, other.id, today=TODAY)
    assert (plain.status, plain.note) == ("已拆除", "拆除于 2026-11-21")
    with db.reader() as s:
        assert devices.list_devices(s, DeviceFilter(), today=TODAY) == []
        assert len(devices.list_devices(s, DeviceFilter(include_retired=True), today=TODAY)) == 2


@pytest.mark.parametrize(("on", "note", "errors"), [
    (date(2021, 11, 8), "", {"on": "拆除日期不能早于安装日期（2021-11-09）。"}),
    (date(2026, 11, 22), "", {"on": "拆除日期不能晚于今天。"}),
    # the note holds '燃气公司安装' (6) + a line break + '拆除于 2026-11-21：' (15): 178 characters are left
    (TODAY, "因" * 179, {"note": "拆除原因太长：加上原有备注最多还能写 178 个字。"}),
])
def test_a_bad_removal_is_refused_and_nothing_is_written(
    db: Database, alarm: DeviceRow, on: date, note: str, errors: dict,
) -> None:
    with pytest.raises(ValidationError) as refused, db.transaction("拆除") as s:
        devices.remove_device(s, alarm.id, on=on, note=note, today=TODAY)
    assert refused.value.errors == errors
    with db.reader() as s:
        assert devices.get_device(s, alarm.id, today=TODAY).status == "在用"
    with db.transaction("拆除") as s:
        assert len(devices.remove_device(s, alarm.id, note="因" * 178, today=TODAY).note) == 200


# --- retired devices are left alone ---------------------------------------------------------------


@pytest.mark.parametrize("retire", ["replace", "remove"])
def test_a_device_no_longer_in_use_cannot_be_inspected_replaced_or_removed(
    db: Database, alarm: DeviceRow, retire: str,
) -> None:
    with db.transaction("退役") as s:
        if retire == "replace":
            devices.replace_device(s, alarm.id, DeviceInput(), today=TODAY)
        else:
            devices.remove_device(s, alarm.id, today=TODAY)
    status = "已更换" if retire == "replace" else "已拆除"
    before = _rows(db)
    attempts = {
        "检查": lambda s: devices.record_inspection(s, alarm.id, TODAY, "正常", today=TODAY),
        "更换": lambda s: devices.replace_device(s, alarm.id, DeviceInput(), today=TODAY),
        "拆除": lambda s: devices.remove_device(s, alarm.id, today=TODAY),
    }
    for what, run in attempts.items():
        with pytest.raises(DomainError) as refused, db.transaction(what) as s:
            run(s)
        assert refused.value.message == f"该设备{status}，不能再{what}。"
    assert _rows(db) == before
