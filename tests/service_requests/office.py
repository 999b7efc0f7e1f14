"""The community office of tests/accounts/office.py with the people who take service requests,
built once per test run; cheap copies for tests that write.

Added accounts (all made by the administrator through ``users.create_user``):

==========  ===========  ======================================
role key    account      what it is
==========  ===========  ======================================
wang        wangfang     社区工作者 王芳
li          limin        社区工作者 李敏 (the B of 王芳's AB岗)
(none)      laozhao      社区工作者 老赵, account disabled
==========  ===========  ======================================

The office's own roles (``ROLES``: admin 主任, worker, grid_own (grid 1), grid_other (grid 2),
reader, nobody) are the ones of the permission tables. 张立春, 李桂兰, 张伟 live in 3号楼1单元101
and 王淑芬 in 3号楼2单元301 (grid 1); 刘明 in the 平房区 house (grid 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.db.models import UserAccount
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee, RequestDetail, RequestInput
from tests.accounts.office import PASSWORD, ROLES, Office, build_office, copy_office
from tests.health.office import everything, matrix

HAIRCUT, BATH, MEALS, MEDICINE, HOUSEWORK, ERRANDS, REPAIRS = range(1, 8)  # the built-in categories' ids
_WORKERS = {"wang": ("wangfang", "王芳"), "li": ("limin", "李敏")}


@dataclass(frozen=True)
class ServiceOffice:
    base: Office
    actors: dict[str, Actor | None]  # ROLES and 'wang', 'li'
    user_ids: dict[str, int]  # 'wang', 'li', 'laozhao' (disabled), and the office's accounts by role key

    @property
    def town(self):  # noqa: ANN201 - tests.population.community.Community
        return self.base.town


def build_service_office(root: Path) -> ServiceOffice:
    base = build_office(root)
    with Database.open(base.data_dir) as db:
        db.actor = base.actors["admin"]
        with db.transaction("建立账户") as s:
            for name, display in _WORKERS.values():
                users.create_user(s, name, PASSWORD, "社区工作者", display_name=display)
            retired = users.create_user(s, "laozhao", PASSWORD, "社区工作者", display_name="老赵")
            users.update_user(s, retired, role="社区工作者", display_name="老赵", active=False)
        actors = dict(base.actors)
        actors.update({key: sign_in(db, name, PASSWORD) for key, (name, _d) in _WORKERS.items()})
        with db.reader() as s:
            ids = dict(s.execute(select(UserAccount.username, UserAccount.id)).all())
    user_ids = {key: ids[name] for key, (name, _d) in _WORKERS.items()}
    user_ids.update(laozhao=ids["laozhao"], admin=ids["boss"], worker=ids["worker"], grid_own=ids["grid1man"],
                    grid_other=ids["grid2man"], reader=ids["viewer"])
    return ServiceOffice(base, actors, user_ids)


@pytest.fixture(scope="session")
def service_office(tmp_path_factory: pytest.TempPathFactory) -> ServiceOffice:
    """The template (read-only): built once per run."""
    return build_service_office(tmp_path_factory.mktemp("service-office"))


@pytest.fixture
def sdb(service_office: ServiceOffice, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office with 社区工作者 王芳 signed in."""
    database = Database.open(copy_office(service_office.base, tmp_path / "service-office"))
    database.actor = service_office.actors["wang"]
    try:
        yield database
    finally:
        database.close()


# --- making requests ---------------------------------------------------------------------------


def intake(resident_id: int | None = None, category_id: int = HAIRCUT, **fields: Any) -> RequestInput:
    return RequestInput(resident_id=resident_id, category_id=category_id,
                        content=fields.pop("content", "上门理发"), **fields)


def new_request(db: Database, data: RequestInput, *, today: date, assignee: Assignee | None = None) -> RequestDetail:
    with db.transaction("受理服务请求") as s:
        return requests.create_request(s, data, assignee=assignee, today=today)


def step(db: Database, action: str, run: Callable[[Any], RequestDetail]) -> RequestDetail:
    """One change in its own transaction, as the window makes it."""
    with db.transaction(action) as s:
        return run(s)


# --- checking one role against one service (tests/health/office.py's table and check) ------------

WATCHED = ("service_category", "service_request", "service_request_event", "change_set", "change_row")


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of the request tables and of the journal."""
    return everything(db, WATCHED)


def table(text_: str) -> dict[str, dict[str, str]]:
    """``function  yes no hid …`` lines, one outcome per role of ``ROLES``."""
    return matrix(text_, ROLES)
