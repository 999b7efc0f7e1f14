"""The community office of tests/accounts/office.py with health data and accounts that hold the
health permission, built once per test run; cheap copies for tests that write.

Health data (made through the services): 张立春 (grid 1) has a profile with 高血压 since 2015-06;
刘明 (grid 2) one with 糖尿病; 王淑芬 (grid 1, lone, born 1940) a self-care assessment (total 6,
轻度依赖) on 2024-03-01 and two emergency contacts. 李桂兰 and 张伟 have no health profile.

Role keys: the office's own accounts (none holds the health permission) and these:

============  ===========  ================================
role key      account      what it is
============  ===========  ================================
admin         boss         管理员 without the health permission
admin_h       doc          管理员 with it
worker        worker       社区工作者 without it
worker_h      nurse        社区工作者 with it
grid_own_h    grid1doc     网格员 of grid 1 with it
grid_other_h  grid2doc     网格员 of grid 2 with it
reader_h      healthview   只读 with it
nobody        —            nobody signed in
============  ===========  ================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import PermissionDenied
from chang_shan.health import profiles, selfcare
from chang_shan.health.shapes import ConditionInput, ProfileInput, SelfCareInput
from tests.accounts.office import PASSWORD, Office, build_office, copy_office

HEALTH_ROLES = ("admin", "admin_h", "worker", "worker_h", "grid_own_h", "grid_other_h", "reader_h", "nobody")
_HEALTH_ACCOUNTS = {  # role key → (user name, role, grid: "own" / "other" / None)
    "admin_h": ("doc", "管理员", None),
    "worker_h": ("nurse", "社区工作者", None),
    "grid_own_h": ("grid1doc", "网格员", "own"),
    "grid_other_h": ("grid2doc", "网格员", "other"),
    "reader_h": ("healthview", "只读", None),
}
WANG_CONTACTS = [ContactInput("张秀英", "女儿", "13904310099", "住在长春市南关区"),
                 ContactInput("王强", "侄子", "0431-85551234")]


@dataclass(frozen=True)
class HealthOffice:
    base: Office
    actors: dict[str, Actor | None]  # role key (HEALTH_ROLES) → actor

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town

    @property
    def liu(self) -> int:
        return self.base.liu


def build_health_office(root: Path) -> HealthOffice:
    base = build_office(root)
    town = base.town
    with Database.open(base.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("建立健康档案") as s:
            hypertension = ConditionInput("疾病", "2", on_date=date(2015, 6, 1))
            profiles.save_profile(s, town.zhang, ProfileInput(blood_type="1", conditions=[hypertension]),
                                  expected_version=None, today=date(2025, 1, 1))
            diabetes = ConditionInput("疾病", "3", on_date=date(2019, 3, 1))
            profiles.save_profile(s, base.liu, ProfileInput(conditions=[diabetes]), expected_version=None,
                                  today=date(2025, 1, 1))
            selfcare.record_self_care(s, town.wang, SelfCareInput(date(2024, 3, 1), grooming=1, toileting=5))
            contacts.set_contacts(s, town.wang, WANG_CONTACTS)
        db.actor = base.actors["admin"]
        grids = {"own": [town.grid1], "other": [town.grid2]}
        with db.transaction("建立账户") as s:
            for name, role, scope in _HEALTH_ACCOUNTS.values():
                users.create_user(s, name, PASSWORD, role, can_health=True,
                                  grid_ids=grids[scope] if scope else None)
        actors = {key: base.actors[key] for key in ("admin", "worker", "nobody")}
        actors.update({key: sign_in(db, name, PASSWORD) for key, (name, _r, _g) in _HEALTH_ACCOUNTS.items()})
    return HealthOffice(base, actors)


_BUILT: list[HealthOffice] = []  # the fixture is imported by several folders: build it once all the same


@pytest.fixture(scope="session")
def health_office(tmp_path_factory: pytest.TempPathFactory) -> HealthOffice:
    """The template (read-only): built once per run."""
    if not _BUILT:
        _BUILT.append(build_health_office(tmp_path_factory.mktemp("health-office")))
    return _BUILT[0]


@pytest.fixture
def health_db(health_office: HealthOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the health office, opened with nobody signed in (set ``db.actor``)."""
    database = Database.open(copy_office(health_office.base, tmp_path / "health-office"))
    try:
        yield database
    finally:
        database.close()


# --- checking one role against one service ---------------------------------------------------

WATCHED = ("health_profile", "health_condition", "health_family_history", "health_self_care", "health_visit",
           "resident_contact", "care_assignment", "change_set", "change_row")


def everything(db: Database, tables: tuple[str, ...] = WATCHED) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (by default the health and care tables and the journal)."""
    with db.reader() as s:
        return {table: sorted((tuple(r) for r in s.execute(text(f"SELECT * FROM {table}"))), key=repr)
                for table in tables}


def matrix(text: str, roles: tuple[str, ...] = HEALTH_ROLES) -> dict[str, dict[str, str]]:
    """``action  yes no hid …`` lines (one outcome per role of ``roles``) as a table."""
    table = {}
    for line in text.strip().splitlines():
        name, *outcomes = line.split()
        assert len(outcomes) == len(roles), line
        table[name] = dict(zip(roles, outcomes, strict=True))
    return table


def cases(table: dict[str, dict[str, str]]) -> list:
    return [pytest.param(action, role, outcome, id=f"{action}-{role}-{outcome}")
            for action in table for role, outcome in table[action].items()]


def check_role(  # noqa: ANN001
    db: Database, actor: Actor | None, expected: str, *, write: bool, run, sees=None,
    tables: tuple[str, ...] = WATCHED,
) -> None:
    """``yes``: done (a write adds one journal entry made by ``actor``; a read's result ``sees`` the
    target); ``no``: ``PermissionDenied`` and nothing written to ``tables`` (with the journal's
    change_set); ``hid``: read, target filtered out."""
    db.actor = actor
    before = everything(db, tables)
    if expected == "no":
        with pytest.raises(PermissionDenied) as exc:
            if write:
                with db.transaction("测试") as s:
                    run(s)
            else:
                with db.reader() as s:
                    run(s)
        assert exc.value.message
        if actor is None:
            assert exc.value.message == "请先登录。"
        assert everything(db, tables) == before
        return
    if write:
        assert expected == "yes"
        with db.transaction("测试") as s:
            run(s)
        after = everything(db, tables)
        assert len(after["change_set"]) == len(before["change_set"]) + 1
        with db.reader() as s:
            newest = s.scalars(select(ChangeSet).order_by(ChangeSet.id.desc()).limit(1)).one()
            assert newest.user_name == actor.username and newest.action == "测试"  # type: ignore[union-attr]
        return
    with db.reader() as s:
        result = run(s)
    assert sees(result) is (expected == "yes")
    assert everything(db, tables) == before


def check_action(db: Database, office: HealthOffice, role: str, expected: str, run, sees=None) -> None:  # noqa: ANN001
    """``check_role`` for ``run(session, office)``, a write when ``sees(result, office)`` is None."""
    check_role(db, office.actors[role], expected, write=sees is None, run=lambda s: run(s, office),
               sees=sees and (lambda r: sees(r, office)))
