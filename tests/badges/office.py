"""The health office (tests/health/office.py) with what badges need: people aged 60 and over
with emergency contacts, one with rare characters in the name and a health record that fills a
medical note, one who died, one just under 60. Built once per run; cheap copies for tests that write.

Residents (``BadgeOffice`` attributes), ages on ``TODAY`` (2025-06-01):

=========  ===========  ======  ====  =======================================================
attribute  name         born    grid  contacts (calling order) and health data
=========  ===========  ======  ====  =======================================================
zhang      张立春        1950    1     张伟 儿子 13904310011; 李桂兰 配偶 13804310002; 高血压
li         李桂兰        1952    1     张伟 儿子 13904310011
wang       王淑芬        1940    1     张秀英 女儿 13904310099; 王强 侄子 0431-85551234 (lone)
zhao       赵𠀀𪚥        1944    2     赵建国 儿子, 赵建华 女儿, 孙丽 儿媳 (three); 走失风险,
                                      阿尔茨海默病, 糖尿病, 冠心病, 青霉素过敏
sun        孙德厚        1938    1     孙小军 儿子; died 2024-12-01 (not living)
qian       钱玉梅        1965-09 1     none (59 on TODAY, 60 on 2025-09-15)
liu        刘明          1985    2     none; 糖尿病
son        张伟          1978    1     none
=========  ===========  ======  ====  =======================================================

Living 60+ on TODAY: zhang, li, wang, zhao (grid 1: zhang, li, wang; grid 2: zhao).

Accounts: the role keys of tests/health/office.py (``actors``): admin, admin_h, worker, worker_h,
grid_own_h (grid 1), grid_other_h (grid 2), reader_h, nobody, and the base office's grid_own
(grid1man) / grid_other (grid2man) / reader (viewer) without the health permission.

Use: ``from tests.badges.office import badge_office, badge_db  # noqa: F401`` in a conftest (the
folder's conftest.py does it), then ``badge_db`` is a fresh copy with nobody signed in (set
``db.actor = badge_office.actors[...]``) and ``badge_files(badge_db)`` its files folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.health import profiles
from chang_shan.health.shapes import ConditionInput, ProfileInput
from chang_shan.population import residents
from tests.accounts.office import copy_office
from tests.health.office import HealthOffice, build_health_office
from tests.population.community import KUANCHENG, id_number, person

TODAY = date(2025, 6, 1)
RARE_NAME = "赵𠀀𪚥"  # U+20000 and U+2A6A5: outside the BMP, both must survive DB, PDF, QR
ZHAO_ID = id_number(KUANCHENG, date(1944, 4, 8), 67)
SUN_ID = id_number(KUANCHENG, date(1938, 2, 20), 71)
QIAN_ID = id_number(KUANCHENG, date(1965, 9, 15), 82)

ZHANG_CONTACTS = [ContactInput("张伟", "儿子", "13904310011"), ContactInput("李桂兰", "配偶", "13804310002")]
LI_CONTACTS = [ContactInput("张伟", "儿子", "13904310011")]
ZHAO_CONTACTS = [ContactInput("赵建国", "儿子", "13604310021", "白天上班"),
                 ContactInput("赵建华", "女儿", "13704310022"),
                 ContactInput("孙丽", "儿媳", "0431-85550023")]
SUN_CONTACTS = [ContactInput("孙小军", "儿子", "13504310031")]


@dataclass(frozen=True)
class BadgeOffice:
    health: HealthOffice
    zhao: int
    sun: int
    qian: int

    @property
    def base(self):  # noqa: ANN201 - tests.accounts.office.Office
        return self.health.base

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.health.base.town

    @property
    def actors(self) -> dict[str, Actor | None]:
        """Every role key of the health office plus grid_own, grid_other and reader."""
        extra = {key: self.health.base.actors[key] for key in ("grid_own", "grid_other", "reader")}
        return {**self.health.actors, **extra}

    @property
    def zhang(self) -> int:
        return self.town.zhang

    @property
    def li(self) -> int:
        return self.town.li

    @property
    def wang(self) -> int:
        return self.town.wang

    @property
    def son(self) -> int:
        return self.town.son

    @property
    def liu(self) -> int:
        return self.health.base.liu

    @property
    def living_60plus(self) -> tuple[int, ...]:
        """On TODAY: grid 1 then grid 2."""
        return (self.zhang, self.li, self.wang, self.zhao)


def build_badge_office(root: Path) -> BadgeOffice:
    health = build_health_office(root)
    town = health.base.town
    with Database.open(health.base.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("建立防走失卡测试数据") as s:
            on = date(2020, 5, 1)
            zhao = residents.register_resident(s, person(town.house, RARE_NAME, ZHAO_ID, "10"), on_date=on)
            sun = residents.register_resident(s, person(town.h102, "孙德厚", SUN_ID, "02"), on_date=on)
            qian = residents.register_resident(s, person(town.h102, "钱玉梅", QIAN_ID, "10"), on_date=on)
            contacts.set_contacts(s, town.zhang, ZHANG_CONTACTS)
            contacts.set_contacts(s, town.li, LI_CONTACTS)
            contacts.set_contacts(s, zhao, ZHAO_CONTACTS)
            contacts.set_contacts(s, sun, SUN_CONTACTS)
            conditions = [ConditionInput("疾病", "13", "阿尔茨海默病", on_date=date(2021, 3, 1)),
                          ConditionInput("疾病", "3", on_date=date(2010, 1, 1)),
                          ConditionInput("疾病", "4", on_date=date(2016, 7, 1))]
            profiles.save_profile(s, zhao, ProfileInput(allergies=["2"], wandering_risk=True, conditions=conditions),
                                  expected_version=None, today=date(2025, 1, 1))
        with db.transaction("登记死亡") as s:
            residents.record_death(s, sun, on_date=date(2024, 12, 1))
    return BadgeOffice(health, zhao, sun, qian)


def badge_files(db: Database) -> Path:
    """The files folder of ``db``'s data folder (photos go under it)."""
    return db.data_dir.files


_BUILT: list[BadgeOffice] = []


@pytest.fixture(scope="session")
def badge_office(tmp_path_factory: pytest.TempPathFactory) -> BadgeOffice:
    """The template (read-only): built once per run."""
    if not _BUILT:
        _BUILT.append(build_badge_office(tmp_path_factory.mktemp("badge-office")))
    return _BUILT[0]


@pytest.fixture
def badge_db(badge_office: BadgeOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the badge office, opened with nobody signed in (set ``db.actor``)."""
    database = Database.open(copy_office(badge_office.base, tmp_path / "badge-office"))
    try:
        yield database
    finally:
        database.close()
