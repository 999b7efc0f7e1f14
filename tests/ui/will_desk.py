"""The 遗嘱库's test office for the window's tests: the small community (tests/population/
community.py: 张立春, his wife 李桂兰 and son 张伟 in 3号楼1单元101, 王淑芬 alone in 301), accounts
with and without the will permission, and wills registered through the real services (as the
program itself, so the signed-in user is free to be anyone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.wills import registry
from chang_shan.wills.shapes import PersonInput, WillInput, WitnessInput
from tests.population.community import Community, build_community, id_number

PASSWORD = "will-pass-1"
# Two neighbours from outside the community's households: valid witnesses.
NEIGHBOUR_ID = id_number("220103", date(1960, 4, 1), 81)
FRIEND_ID = id_number("220103", date(1958, 9, 9), 92)


@dataclass
class WillDesk:
    town: Community
    users: dict[str, int] = field(default_factory=dict)


def witness(name: str, number: str = "", relation: str = "邻居", phone: str = "") -> WitnessInput:
    return WitnessInput(name, number, relation, phone, True, True, True)


def two_witnesses() -> list[WitnessInput]:
    return [witness("赵大勇", NEIGHBOUR_ID, phone="13904319999"), witness("钱秀云", FRIEND_ID)]


def will_input(town: Community, *, testator: str = "zhang", form: str = "代书", made: date = date(2024, 3, 1),
               registered: date | None = date(2024, 3, 5), **extra: object) -> WillInput:
    data = WillInput(testator_id=getattr(town, testator), form=form, made_on=made, registered_on=registered,
                     custody_kind="档案柜", cabinet="A-03", file_number="0012",
                     capacity_note="神志清楚，对答切题", checks_confirmed=True,
                     witnesses=two_witnesses() if form != "自书" else [],
                     persons=[PersonInput("查看人", "张伟", "儿子", "", "13904310033")])
    for name, value in extra.items():
        setattr(data, name, value)
    return data


def register(db: Database, data: WillInput) -> int:
    with db.transaction("登记遗嘱", actor=SYSTEM) as s:
        return registry.register_will(s, data).id


def build_will_desk(db: Database) -> WillDesk:
    desk = WillDesk(build_community(db))
    with db.transaction("账户", actor=SYSTEM) as s:
        for name, role, wills, display in (("boss", "管理员", False, "主任"), ("clerk", "社区工作者", True, "刘文书"),
                                           ("plain", "社区工作者", False, "王芳"), ("viewer", "只读", True, "")):
            desk.users[name] = users.create_user(s, name, PASSWORD, role, can_wills=wills, display_name=display)
    return desk


@pytest.fixture
def will_desk(db: Database) -> WillDesk:
    return build_will_desk(db)


def as_user(db: Database, username: str) -> None:
    db.actor = None
    sign_in(db, username, PASSWORD)
