"""The community office of tests/accounts/office.py with accounts that hold the will permission,
built once per test run; cheap copies for tests that write.

The people (tests/population/community.py): 张立春 (户主, grid 1) with his wife 李桂兰 (12 妻) and
son 张伟 (20 子) in 3号楼1单元101; 王淑芬 alone in 3号楼2单元301 (grid 1); 刘明 in the 平房区
house (grid 2). Two neighbours who may witness (valid ID numbers, not residents) are ``NEIGHBOURS``.

============  ===========  ================================
role key      account      what it is
============  ===========  ================================
admin         boss         管理员 without the will permission
worker        worker       社区工作者 without it
worker_w      notary       社区工作者 with it (display name 赵登记)
grid_own_w    grid1will    网格员 of grid 1 with it
grid_other_w  grid2will    网格员 of grid 2 with it
reader_w      willview     只读 with it
============  ===========  ================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts import users
from chang_shan.accounts.permissions import Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.wills.shapes import PersonInput, WillInput, WitnessInput
from tests.accounts.office import PASSWORD, Office, build_office, copy_office
from tests.population.community import KUANCHENG, id_number

_WILL_ACCOUNTS = {  # role key → (user name, role, grid, display name)
    "worker_w": ("notary", "社区工作者", None, "赵登记"),
    "grid_own_w": ("grid1will", "网格员", "own", ""),
    "grid_other_w": ("grid2will", "网格员", "other", ""),
    "reader_w": ("willview", "只读", None, ""),
}
NEIGHBOUR_IDS = (id_number(KUANCHENG, date(1962, 4, 1), 71), id_number(KUANCHENG, date(1970, 9, 9), 82))
NEIGHBOURS = (("孙𠀀明", NEIGHBOUR_IDS[0]), ("周丽华", NEIGHBOUR_IDS[1]))


@dataclass(frozen=True)
class WillsOffice:
    base: Office
    actors: dict[str, Actor | None]

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town


def build_wills_office(root: Path) -> WillsOffice:
    base = build_office(root)
    town = base.town
    with Database.open(base.data_dir) as db:
        db.actor = base.actors["admin"]
        grids = {"own": [town.grid1], "other": [town.grid2]}
        with db.transaction("建立账户") as s:
            for name, role, scope, shown in _WILL_ACCOUNTS.values():
                users.create_user(s, name, PASSWORD, role, can_wills=True, display_name=shown,
                                  grid_ids=grids[scope] if scope else None)
        actors = {key: base.actors[key] for key in ("admin", "worker", "nobody")}
        actors.update({key: sign_in(db, name, PASSWORD) for key, (name, *_rest) in _WILL_ACCOUNTS.items()})
    return WillsOffice(base, actors)


_BUILT: list[WillsOffice] = []


@pytest.fixture(scope="session")
def wills_office(tmp_path_factory: pytest.TempPathFactory) -> WillsOffice:
    if not _BUILT:
        _BUILT.append(build_wills_office(tmp_path_factory.mktemp("wills-office")))
    return _BUILT[0]


@pytest.fixture
def wills_db(wills_office: WillsOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office, signed in as the 社区工作者 with the will permission."""
    database = Database.open(copy_office(wills_office.base, tmp_path / "wills-office"))
    database.actor = wills_office.actors["worker_w"]
    try:
        yield database
    finally:
        database.close()


def witness(name: str, number: str = "", *, confirmed: bool = True, relation: str = "邻居") -> WitnessInput:
    return WitnessInput(name, number, relation, "13904310001", confirmed, confirmed, confirmed)


def neighbours() -> list[WitnessInput]:
    return [witness(name, number) for name, number in NEIGHBOURS]


def will(testator_id: int, form: str = "代书", made_on: date = date(2024, 3, 1), **extra: object) -> WillInput:
    """A will that passes every check (custody 档案柜, two neighbours as witnesses, a viewer)."""
    values: dict[str, object] = {
        "testator_id": testator_id, "form": form, "made_on": made_on, "registered_on": date(2024, 3, 5),
        "custody_kind": "档案柜", "cabinet": "A-03", "file_number": "0012", "witnesses": neighbours(),
        "persons": [PersonInput("查看人", "张伟", "儿子", "", "13804310002")], "checks_confirmed": True,
        "executor_name": "王律师", "executor_phone": "13604310003",
    }
    if form == "公证":
        values.update(notary_office="长春市长春公证处", notary_certificate="(2024)吉长证字第1234号")
    if form == "口头":
        values.update(emergency_note="突发脑梗住院，病危")
    values.update(extra)
    return WillInput(**values)  # type: ignore[arg-type]
