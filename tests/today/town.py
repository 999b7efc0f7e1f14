"""The office (tests/accounts/office.py) with what a today list is about, built once per test run
through the services, and pinned to dates in 2026 (the fake clock is the ``on`` passed in).

Added to the office's people:

==========  ===========  ==========================================  =====================
name        born         lives                                        why
==========  ===========  ==========================================  =====================
赵德福      1946-11-23   3号楼1单元102 (grid 1)                       turns 80 in Nov 2026
孙玉珍      1926-11-30   3号楼1单元102 (grid 1)                       turns 100
李寿山      1925-11-01   3号楼1单元102 (grid 1)                       turns 101 (100+)
周长林      1941-11-10   3号楼1单元102 (grid 1)                       turns 85: no birthday
郑春花      1936-02-29   3号楼1单元102 (grid 1)                       90 in 2026 (kept 2月28日)
冯秋月      1946-03-01   3号楼1单元102 (grid 1)                       80 in March, not February
吴国强      1946-11-02   3号楼1单元102 (grid 1), moved out 2025       not 在册: no birthday
钱秀英      1936-11-05   平房区 长山路14号 (grid 2), lives alone       turns 90; 独居, no caretaker
==========  ===========  ==========================================  =====================

王淑芬 (lone, grid 1, born 1940-11-02) has 李桂兰 as caretaker from 2026-01-01 and a 关怀 visit on
2026-09-01. 张立春 and 刘明 (高血压) and 赵德福 (糖尿病) are follow-up patients: see ``VISITS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM, Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.paths import DataDir
from chang_shan.population import households, residents
from tests.accounts.office import PASSWORD, Office, build_office
from tests.population.community import KUANCHENG, id_number, person

ON = date(2026, 11, 21)  # the day most tests look at


@dataclass(frozen=True)
class Town:
    office: Office
    people: dict[str, int]  # name → resident id (the office's and the added ones)
    actors: dict[str, Actor | None]  # the office's, plus 'nurse' (社区工作者 with 居民健康库) and
    # 'grid_nurse' (网格员 of grid 1 with 居民健康库)

    @property
    def data_dir(self) -> DataDir:
        return self.office.data_dir


ADDED = (  # name, born, serial, household ('h102' or 'alone2'), groups
    ("赵德福", date(1946, 11, 23), 101, "h102", []),
    ("孙玉珍", date(1926, 11, 30), 102, "h102", []),
    ("李寿山", date(1925, 11, 1), 103, "h102", []),
    ("周长林", date(1941, 11, 10), 105, "h102", []),
    ("郑春花", date(1936, 2, 29), 106, "h102", []),
    ("冯秋月", date(1946, 3, 1), 108, "h102", []),
    ("吴国强", date(1946, 11, 2), 107, "h102", []),
    ("钱秀英", date(1936, 11, 5), 110, "alone2", ["独居"]),
)


_built: dict[Path, Town] = {}


def town_template(root: Path) -> Town:
    """Build (once per process) the town under ``root``. Treat it as read-only (copy it with
    ``tests.accounts.office.copy_office(town.office, target)`` to write)."""
    if root not in _built:
        _built[root] = build_town(root)
    return _built[root]


def build_town(root: Path) -> Town:
    office = build_office(root)
    town = office.town
    with Database.open(office.data_dir) as db:
        db.actor = SYSTEM
        with db.transaction("建立今日待办测试数据") as s:
            homes = {
                "h102": town.h102,
                "alone2": households.create_household(
                    s, households.HouseholdInput(town.low_rise, None, "长山路14号", "40")),
            }
            people = {"张立春": town.zhang, "李桂兰": town.li, "张伟": town.son, "王淑芬": town.wang,
                      "刘明": office.liu}
            for name, born, serial, home, groups in ADDED:
                relation = "02" if home == "alone2" else "99"
                people[name] = residents.register_resident(
                    s, person(homes[home], name, id_number(KUANCHENG, born, serial), relation, groups=groups),
                    on_date=date(2020, 5, 1))
            residents.move_out(s, people["吴国强"], on_date=date(2025, 6, 1))
        add_care(db, people)
        db.actor = office.actors["admin"]
        with db.transaction("建立账户") as s:
            users.create_user(s, "nurse", PASSWORD, "社区工作者", can_health=True)
            users.create_user(s, "gridnurse", PASSWORD, "网格员", grid_ids=[town.grid1], can_health=True)
        actors = dict(office.actors)
        actors["nurse"] = sign_in(db, "nurse", PASSWORD)
        actors["grid_nurse"] = sign_in(db, "gridnurse", PASSWORD)
    return Town(office, people, actors)


def add_care(db: Database, people: dict[str, int]) -> None:
    """Health profiles, a caretaker and visits, through the health and care services."""
    from chang_shan.care.assignments import assign_caretaker
    from chang_shan.health.profiles import save_profile
    from chang_shan.health.shapes import ConditionInput, ProfileInput, VisitInput
    from chang_shan.health.visits import record_visit

    def patient(code: str) -> ProfileInput:
        return ProfileInput(conditions=[ConditionInput(code=code, on_date=date(2015, 3, 1))])

    with db.transaction("健康档案") as s:
        save_profile(s, people["张立春"], patient("2"), expected_version=None)  # 高血压
        save_profile(s, people["刘明"], patient("2"), expected_version=None)
        save_profile(s, people["赵德福"], patient("3"), expected_version=None)  # 糖尿病, never visited
    with db.transaction("包保") as s:
        assign_caretaker(s, people["王淑芬"], people["李桂兰"], date(2026, 1, 1))
    for name, visited, purpose, next_due in VISITS:
        with db.transaction(f"新增随访 {name}") as s:
            record_visit(s, people[name], VisitInput(visited_on=visited, kind="上门", purpose=purpose,
                                                      visitor="社区医生", next_due_on=next_due), today=ON)


VISITS = (  # name, visited on, purpose, next due
    ("张立春", date(2026, 3, 1), "随访", date(2026, 6, 1)),  # an older visit: only the latest counts
    ("张立春", date(2026, 6, 1), "随访", date(2026, 9, 1)),  # overdue 81 days on ON
    ("刘明", date(2026, 8, 1), "随访", date(2026, 11, 1)),  # overdue 20 days on ON (grid 2)
    ("李桂兰", date(2026, 10, 1), "随访", date(2026, 12, 30)),  # not yet due
    ("王淑芬", date(2026, 9, 1), "关怀", None),  # lone elder: 81 days without a visit on ON
)
