"""Every role against every public safety-device service (tests/safety/office.py): reading needs
the ledger view, writing the edit permission, and a 网格员 reaches only the devices of their grids."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.safety import coverage as coverage_module
from chang_shan.safety import devices, today
from chang_shan.safety.shapes import DeviceFilter, DeviceInput
from tests.health.coverage import public_functions
from tests.health.office import check_role
from tests.safety.office import TODAY, SafetyOffice, role_cases, roles_table

#                   admin worker grid_own grid_other reader nobody
TABLE = roles_table("""
add_device          yes   yes    yes      no         no     no
update_device       yes   yes    yes      no         no     no
replace_device      yes   yes    yes      no         no     no
remove_device       yes   yes    yes      no         no     no
record_inspection   yes   yes    yes      no         no     no
get_device          yes   yes    yes      no         yes    no
inspections         yes   yes    yes      no         yes    no
list_devices        yes   yes    yes      hid        yes    no
expiring            yes   yes    yes      hid        yes    no
coverage            yes   yes    yes      hid        yes    no
devices_expiring    yes   yes    yes      hid        yes    no
""")


@pytest.mark.parametrize(("action", "role", "expected"), role_cases(TABLE))
def test_role_against_device_service(
    safety_office: SafetyOffice, safety_db: Database, action: str, role: str, expected: str,
) -> None:
    town = safety_office.town
    alarm = safety_office.devices["alarm"]  # 3号楼2单元301, grid 1
    safety_db.actor = SYSTEM
    with safety_db.transaction("检查") as s:
        devices.record_inspection(s, alarm, date(2026, 5, 1), "正常", today=TODAY)
    runs = {
        "add_device": lambda s: devices.add_device(s, DeviceInput("燃气报警器", household_id=town.h101), today=TODAY),
        "update_device": lambda s: devices.update_device(
            s, alarm, DeviceInput("燃气报警器", household_id=town.h301, model="新型号"), today=TODAY),
        "replace_device": lambda s: devices.replace_device(s, alarm, DeviceInput(), today=TODAY),
        "remove_device": lambda s: devices.remove_device(s, alarm, today=TODAY),
        "record_inspection": lambda s: devices.record_inspection(s, alarm, TODAY, "需维修", today=TODAY),
        "get_device": lambda s: devices.get_device(s, alarm, today=TODAY),
        "inspections": lambda s: devices.inspections(s, alarm),
        "list_devices": lambda s: devices.list_devices(s, DeviceFilter(), today=TODAY),
        "expiring": lambda s: devices.expiring(s, TODAY),
        "coverage": lambda s: devices.coverage(s, today=TODAY),
        "devices_expiring": lambda s: today.devices_expiring(s, TODAY),
    }
    sees = {
        "get_device": lambda row: row.id == alarm,
        "inspections": lambda rows: [i.device_id for i in rows] == [alarm],
        "list_devices": lambda rows: alarm in [d.id for d in rows],
        "expiring": lambda rows: alarm in [d.id for d in rows],
        "coverage": lambda rows: town.unit2 in [r.unit_id for r in rows],
        "devices_expiring": lambda items: ("device", alarm) in [i.target for i in items],
    }
    check_role(safety_db, safety_office.actors[role], expected, write=action not in sees, run=runs[action],
               sees=sees.get(action))


def test_the_table_covers_every_public_service() -> None:
    helpers = {"default_expiry", "expiry_text"}  # no permission of their own: plain arithmetic and text
    services = public_functions(devices) | public_functions(coverage_module) | public_functions(today)
    assert services - helpers == set(TABLE)


def test_a_grid_worker_neither_moves_a_device_out_of_their_grids_nor_puts_one_outside(
    safety_office: SafetyOffice, safety_db: Database,
) -> None:
    town = safety_office.town
    safety_db.actor = safety_office.actors["grid_own"]
    for run in (
        lambda s: devices.update_device(s, safety_office.devices["extinguisher"],
                                        DeviceInput("灭火器", building_id=town.low_rise), today=TODAY),
        lambda s: devices.add_device(s, DeviceInput("烟感报警器", building_id=town.low_rise), today=TODAY),
    ):
        with pytest.raises(PermissionDenied, match="不在您负责的网格内"), safety_db.transaction("测试") as s:
            run(s)
    with safety_db.reader() as s:
        assert devices.get_device(s, safety_office.devices["extinguisher"], today=TODAY).place == "3号楼1单元"
        assert [d.id for d in devices.list_devices(s, DeviceFilter(include_retired=True), today=TODAY)] == [
            safety_office.devices["extinguisher"], safety_office.devices["alarm"]]
