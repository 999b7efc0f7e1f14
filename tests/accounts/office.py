"""The community office with real accounts, built once per test run through the services, and
cheap copies of it for tests that write.

On top of tests/population/community.py (grid 1: building 3 with the households 101, 102, 301;
grid 2: the 平房区 house): 刘明 lives in the 平房区 house (grid 2), 李桂兰 is 3号楼1单元's 单元长,
an organisation sits in each grid, and the last action (修改居民 李桂兰) was made by the
社区工作者. The accounts are made with ``users.create_user`` (the first, the administrator,
without anyone signed in) and the actors come from ``signin.sign_in``:

==========  ===============  ==============================
role key    account          what it is
==========  ===============  ==============================
admin       boss             管理员
worker      worker           社区工作者
grid_own    grid1man         网格员 of grid 1 (the targets)
grid_other  grid2man         网格员 of grid 2
reader      viewer           只读
nobody      —                nobody signed in (actor None)
==========  ===============  ==============================
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.db.models import Organisation
from chang_shan.paths import DataDir
from chang_shan.population import residents, roles
from tests.population.community import KUANCHENG, Community, build_community, id_number, person

PASSWORD = "office-pass-1"
LIU_ID = id_number(KUANCHENG, date(1985, 9, 9), 55)  # 刘明, male, grid 2
ROLES = ("admin", "worker", "grid_own", "grid_other", "reader", "nobody")
ACCOUNTS = {  # role key → (user name, role, grids: "own" / "other")
    "admin": ("boss", "管理员", None),
    "worker": ("worker", "社区工作者", None),
    "grid_own": ("grid1man", "网格员", "own"),
    "grid_other": ("grid2man", "网格员", "other"),
    "reader": ("viewer", "只读", None),
}


@dataclass(frozen=True)
class Office:
    data_dir: DataDir  # the template: read-only, copy it to write
    town: Community
    liu: int  # 刘明 in the 平房区 house (grid 2)
    unit_leader: int  # the assignment: 李桂兰, 单元长 of 3号楼1单元
    org1: str  # organisation names in grid 1 and grid 2
    org2: str
    actors: dict[str, Actor | None]  # role key → actor (nobody → None)


def build_office(root: Path) -> Office:
    data_dir = DataDir(root / "office-template")
    with Database.open(data_dir) as db:
        db.actor = SYSTEM
        town = build_community(db)
        with db.transaction("建立测试社区") as s:
            liu = residents.register_resident(s, person(town.house, "刘明", LIU_ID, "02"), on_date=date(2020, 5, 1))
            unit_leader = roles.assign_role(s, town.li, "单元长", town.unit1, start_on=date(2021, 1, 1))
            s.add(Organisation(name="长山小学", kind="驻区单位", grid_id=town.grid1))
            s.add(Organisation(name="长山卫生站", kind="驻区单位", grid_id=town.grid2))
        # The first account: nobody is signed in, and it must be an administrator.
        db.actor = None
        with db.sessions() as s, s.begin():
            users.create_user(s, "boss", PASSWORD, "管理员", display_name="主任")
        sign_in(db, "boss", PASSWORD)
        grids = {"own": [town.grid1], "other": [town.grid2]}
        with db.transaction("建立账户") as s:
            for key, (name, role, scope) in ACCOUNTS.items():
                if key != "admin":
                    users.create_user(s, name, PASSWORD, role, grid_ids=grids[scope] if scope else None)
        actors: dict[str, Actor | None] = {key: sign_in(db, name, PASSWORD) for key, (name, _r, _g) in ACCOUNTS.items()}
        actors["nobody"] = None
        # The newest action is the 社区工作者's.
        db.actor = actors["worker"]
        with db.transaction("修改居民 李桂兰") as s:
            data = residents.resident_detail(s, town.li).as_input()
            data.employment = "退休"
            residents.update_resident(s, town.li, data)
    return Office(data_dir, town, liu, unit_leader, "长山小学", "长山卫生站", actors)


def copy_office(office: Office, target: Path) -> DataDir:
    """A writable copy of the template's database."""
    copy = DataDir(target)
    copy.ensure()
    src = sqlite3.connect(office.data_dir.database)
    dst = sqlite3.connect(copy.database)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return copy
