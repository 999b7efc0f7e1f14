"""A small community with rare characters and accounts of every role, for export and report tests.

On top of tests/population/community.py: 𠀀𪚥 (two CJK Extension B characters) head the 平房区
house in the second grid, with a phone; a resident's note looks like a formula. Accounts: one per
role; the 网格员 covers the first grid only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from chang_shan.accounts.signin import sign_in
from chang_shan.accounts.users import create_user
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Resident
from chang_shan.population import residents
from tests.population.community import (
    KUANCHENG, LI_ID, SON_ID, WANG_ID, ZHANG_ID, Community, build_community, id_number, person,
)

RARE_NAME = "\U00020000\U0002A6A5"  # 𠀀𪚥
RARE_ID = id_number(KUANCHENG, date(1948, 2, 3), 55)
RARE_PHONE = "13912345678"
ZHANG_PHONE = "13804310001"
FORMULA_NOTE = "=HYPERLINK(\"http://x\",\"点我\")"
PASSWORD = "correct horse 长山 2024"
ROLES = {"admin": "管理员", "worker": "社区工作者", "gridder": "网格员", "reader": "只读"}

FULL_IDS = (ZHANG_ID, LI_ID, SON_ID, WANG_ID, RARE_ID)
FULL_PHONES = (ZHANG_PHONE, RARE_PHONE)


def masked_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


@dataclass(frozen=True)
class Town:
    community: Community
    rare: int


def build_town(db: Database) -> Town:
    community = build_community(db)
    with db.transaction("生僻字居民") as s:
        rare = residents.register_resident(
            s, person(community.house, RARE_NAME, RARE_ID, "02", phone=RARE_PHONE), on_date=date(2021, 1, 1))
        son = s.get(Resident, community.son)
        son.note = FORMULA_NOTE
    with db.transaction("账户") as s:
        create_user(s, "admin", PASSWORD, "管理员")
        create_user(s, "worker", PASSWORD, "社区工作者")
        create_user(s, "gridder", PASSWORD, "网格员", grid_ids=[community.grid1])
        create_user(s, "reader", PASSWORD, "只读")
    return Town(community, rare)


def as_user(db: Database, username: str) -> None:
    sign_in(db, username, PASSWORD)


def events(db: Database, kind: str) -> list[ChangeSet]:
    with db.reader() as s:
        rows = s.scalars(select(ChangeSet).where(ChangeSet.kind == kind).order_by(ChangeSet.id)).all()
        s.expunge_all()
        return list(rows)
