"""The community office of tests/accounts/office.py with safety devices, built once per test run
through the services; cheap copies for tests that write.

Devices (put in by the program itself; the fake clock is ``TODAY``, 2026-11-21):

============  ==========  ==================  ============  ============  ======
key           kind        place               grid          installed     expires
============  ==========  ==================  ============  ============  ======
alarm         燃气报警器  3号楼2单元301       1 (王淑芬)    2021-11-09    2026-11-09 (expired)
extinguisher  灭火器      3号楼1单元          1             2021-11-28    2026-11-28
smoke         烟感报警器  平房区              2             2020-03-01    2030-03-01
============  ==========  ==================  ============  ============  ======

Role keys as in tests/accounts/office.py: admin, worker, grid_own (网格员 of grid 1), grid_other
(网格员 of grid 2), reader (只读), nobody. A role is tried against a service with
``tests.health.office.check_role`` (its "nothing written" holds for any table: it compares the
change journal, which records every change).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.db.database import Database
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceInput
from tests.accounts.office import ROLES, Office, build_office, copy_office

TODAY = date(2026, 11, 21)


@dataclass(frozen=True)
class SafetyOffice:
    base: Office
    devices: dict[str, int]  # key → device id (see the module)

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town

    @property
    def actors(self) -> dict[str, Actor | None]:
        return self.base.actors


def build_safety_office(root: Path) -> SafetyOffice:
    base = build_office(root)
    town = base.town
    with Database.open(base.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("安装安全设备") as s:
            found = {
                "alarm": devices.add_device(s, DeviceInput("燃气报警器", household_id=town.h301, location="厨房",
                                                           installed_on=date(2021, 11, 9)), today=TODAY),
                "extinguisher": devices.add_device(s, DeviceInput("灭火器", unit_id=town.unit1, location="单元长家",
                                                                  installed_on=date(2021, 11, 28)), today=TODAY),
                "smoke": devices.add_device(s, DeviceInput("烟感报警器", building_id=town.low_rise,
                                                           installed_on=date(2020, 3, 1)), today=TODAY),
            }
    return SafetyOffice(base, {key: row.id for key, row in found.items()})


@pytest.fixture(scope="session")
def safety_office(tmp_path_factory: pytest.TempPathFactory) -> SafetyOffice:
    """The template (read-only): built once per run (only tests/safety uses it)."""
    return build_safety_office(tmp_path_factory.mktemp("safety-office"))


@pytest.fixture
def safety_db(safety_office: SafetyOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the safety office, opened with nobody signed in (set ``db.actor``)."""
    database = Database.open(copy_office(safety_office.base, tmp_path / "safety-office"))
    try:
        yield database
    finally:
        database.close()


def roles_table(lines: str) -> dict[str, dict[str, str]]:
    """``function  yes no hid …`` lines, one outcome per role of ``ROLES``."""
    rows = [line.split() for line in lines.strip().splitlines()]
    assert all(len(outcomes) == len(ROLES) for _name, *outcomes in rows), lines
    return {name: dict(zip(ROLES, outcomes, strict=True)) for name, *outcomes in rows}


def role_cases(table: dict[str, dict[str, str]]) -> list:
    return [pytest.param(name, role, outcomes[role], id=f"{name}-{role}-{outcomes[role]}")
            for name, outcomes in table.items() for role in ROLES]
