"""The health office of tests/health/office.py with a 乐龄食堂, built once per test run through the
services; cheap copies for tests that write. Its role keys (``HEALTH_ROLES``: admin, admin_h,
worker, worker_h, grid_own_h, grid_other_h, reader_h, nobody) are those of the permission tables:
the canteen needs no health permission, so admin and admin_h must fare alike.

Added: 赵桂芝 (born 1938, lone, phone 13904310102) in the empty flat 3号楼1单元102. Members since
2025-01-01 (made as the program itself):

=======  ==============  ====  ======  =======  ====
person   address         grid  mode    route    meals
=======  ==============  ====  ======  =======  ====
王淑芬   3号楼2单元301   1     送餐    一号线   午餐 晚餐
赵桂芝   3号楼1单元102   1     送餐    一号线   午餐
刘明     平房区 长山路12号 2   送餐    二号线   午餐 晚餐
张立春   3号楼1单元101   1     堂食    —        午餐 晚餐
李桂兰   3号楼1单元101   1     堂食    —        晚餐
=======  ==============  ====  ======  =======  ====

张伟 is no member. On 2025-03-03 lunch and dinner were recorded for everyone on the lists (at the
default price, 7.00). "Today" is ``TODAY`` (2025-03-20).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.canteen import meals, members
from chang_shan.canteen.shapes import MemberInput
from chang_shan.db.database import Database
from chang_shan.population import residents
from tests.accounts.office import copy_office
from tests.health.office import HealthOffice, build_health_office
from tests.population.community import KUANCHENG, id_number, person

TODAY = date(2025, 3, 20)
START = date(2025, 1, 1)
RECORDED = date(2025, 3, 3)
ZHAO_ID = id_number(KUANCHENG, date(1938, 4, 5), 66)
ZHAO_PHONE = "13904310102"


@dataclass(frozen=True)
class CanteenOffice:
    health: HealthOffice
    zhao: int
    member_of: dict[int, int]  # resident id → membership id

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.health.town

    @property
    def liu(self) -> int:
        return self.health.liu

    @property
    def actors(self) -> dict[str, Actor | None]:
        return self.health.actors


def build_canteen_office(root: Path) -> CanteenOffice:
    health = build_health_office(root)
    town = health.town
    with Database.open(health.base.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("建立乐龄食堂") as s:
            zhao = residents.register_resident(
                s, person(town.h102, "赵桂芝", ZHAO_ID, "02", phone=ZHAO_PHONE, groups=["独居"]), on_date=date(2020, 5, 1))
            plan = [
                (town.wang, "送餐", True, True, "一号线"), (zhao, "送餐", True, False, "一号线"),
                (health.liu, "送餐", True, True, "二号线"), (town.zhang, "堂食", True, True, ""),
                (town.li, "堂食", False, True, ""),
            ]
            member_of = {
                rid: members.add_member(s, MemberInput(rid, mode, lunch, dinner, route, START), today=TODAY).id
                for rid, mode, lunch, dinner, route in plan
            }
        with db.transaction("登记用餐") as s:
            meals.record_meal(s, RECORDED, "午餐", [town.wang, zhao, health.liu, town.zhang], today=TODAY)
            meals.record_meal(s, RECORDED, "晚餐", [town.wang, health.liu, town.zhang, town.li], today=TODAY)
    return CanteenOffice(health, zhao, member_of)


@pytest.fixture(scope="session")
def canteen_office(tmp_path_factory: pytest.TempPathFactory) -> CanteenOffice:
    """The template (read-only): built once per run."""
    return build_canteen_office(tmp_path_factory.mktemp("canteen-office"))


@pytest.fixture
def cdb(canteen_office: CanteenOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the canteen office, the 社区工作者 signed in."""
    database = Database.open(copy_office(canteen_office.health.base, tmp_path / "canteen-office"))
    database.actor = canteen_office.actors["worker"]
    try:
        yield database
    finally:
        database.close()
