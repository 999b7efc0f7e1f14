"""The community office of tests/accounts/office.py with a small party network, built once per test
run; cheap copies for tests that write.

The network: 长山花园社区党委 → 第一网格党支部 (grid 1; 张立春 a member since 1975-07-01, made by the
community fixture, so 3号楼1单元101 is a 党员家庭户) → 3号楼1单元党小组 (unit 1), and 第二网格党支部
(grid 2). Nobody else is a member. Accounts: those of tests/accounts/office.py (admin, worker,
grid_own = 网格员 of grid 1, grid_other = 网格员 of grid 2, reader = 只读, nobody). "Today" is
``TODAY``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from chang_shan.accounts.permissions import Actor
from chang_shan.db.database import Database
from chang_shan.db.models import PartyMember, PartyOrg
from chang_shan.party import orgs
from tests.accounts.office import Office, build_office, copy_office

TODAY = date(2026, 3, 20)


@dataclass(frozen=True)
class PartyOffice:
    base: Office
    committee: int
    branch1: int
    branch2: int
    group1: int
    zhang_member: int

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town

    @property
    def actors(self) -> dict[str, Actor | None]:
        return self.base.actors


def build_party_office(root: Path) -> PartyOffice:
    base = build_office(root)
    with Database.open(base.data_dir) as db:
        db.actor = base.actors["admin"]
        with db.transaction("建立党组织") as s:
            committee = s.scalar(select(PartyOrg.id).where(PartyOrg.level == "党委"))
            branch1 = s.scalar(select(PartyOrg.id).where(PartyOrg.name == "第一网格党支部"))
            branch2 = orgs.create_org(s, level="党支部", name="第二网格党支部", parent_id=committee,
                                      grid_id=base.town.grid2, founded_on=date(2010, 7, 1), today=TODAY)
            group1 = orgs.create_org(s, level="党小组", name="3号楼1单元党小组", parent_id=branch1,
                                     building_id=base.town.building3, unit_id=base.town.unit1, today=TODAY)
            zhang_member = s.scalar(select(PartyMember.id).where(PartyMember.resident_id == base.town.zhang))
    return PartyOffice(base, committee, branch1, branch2, group1, zhang_member)


_BUILT: list[PartyOffice] = []


@pytest.fixture(scope="session")
def party_office(tmp_path_factory: pytest.TempPathFactory) -> PartyOffice:
    if not _BUILT:
        _BUILT.append(build_party_office(tmp_path_factory.mktemp("party-office")))
    return _BUILT[0]


@pytest.fixture
def pdb(party_office: PartyOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office, signed in as the 社区工作者."""
    database = Database.open(copy_office(party_office.base, tmp_path / "party-office"))
    database.actor = party_office.actors["worker"]
    try:
        yield database
    finally:
        database.close()
