"""The office of tests/accounts/office.py with a mediation committee, built once per test run;
cheap copies for tests that write.

Added: 孙𠀀明 (rare character, born 1968-05-20, 回族 '03', 个体经营, phone 13904310108) in the empty
flat 3号楼1单元102 (grid 1). Mediators: 王秀英 (主任, since 2020-01-01) and 李建国 (委员,
2020-01-01 … 2024-12-31). People: 张立春 (3号楼1单元101, grid 1, born 1950-03-12, no occupation
recorded), 王淑芬 (3号楼2单元301, grid 1), 刘明 (平房区 长山路12号, grid 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.db.database import Database
from chang_shan.mediation import mediators
from chang_shan.population import residents
from tests.accounts.office import Office, build_office, copy_office
from tests.population.community import KUANCHENG, id_number, person

TODAY = date(2026, 3, 20)
SUN_ID = id_number(KUANCHENG, date(1968, 5, 20), 91)
SUN = "孙𠀀明"


@dataclass(frozen=True)
class MediationOffice:
    base: Office
    sun: int
    chair: int  # 王秀英, 主任
    former: int  # 李建国, left at the end of 2024

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town

    @property
    def actors(self) -> dict[str, Actor | None]:
        return self.base.actors


def build_mediation_office(root: Path) -> MediationOffice:
    base = build_office(root)
    with Database.open(base.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("建立调解委员会") as s:
            sun = residents.register_resident(
                s, person(base.town.h102, SUN, SUN_ID, "02", phone="13904310108", ethnicity_code="03",
                          employment="个体经营"), on_date=date(2020, 5, 1))
            chair = mediators.add_mediator(s, name="王秀英", role="主任", start_on=date(2020, 1, 1), today=TODAY)
            former = mediators.add_mediator(s, name="李建国", role="委员", start_on=date(2020, 1, 1), today=TODAY)
            mediators.end_mediator(s, former, date(2024, 12, 31), today=TODAY)
    return MediationOffice(base, sun, chair, former)


_BUILT: list[MediationOffice] = []


@pytest.fixture(scope="session")
def mediation_office(tmp_path_factory: pytest.TempPathFactory) -> MediationOffice:
    if not _BUILT:
        _BUILT.append(build_mediation_office(tmp_path_factory.mktemp("mediation-office")))
    return _BUILT[0]


@pytest.fixture
def mdb(mediation_office: MediationOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office, signed in as the 社区工作者."""
    database = Database.open(copy_office(mediation_office.base, tmp_path / "mediation-office"))
    database.actor = mediation_office.actors["worker"]
    try:
        yield database
    finally:
        database.close()
