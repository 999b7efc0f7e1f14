"""A small community with real accounts: an administrator (with and without the health permission)
and one account of every other role, signed in through the real sign-in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chang_shan.accounts import users
from chang_shan.accounts.permissions import Actor
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from tests.population.community import Community, build_community

PASSWORD = "audit-pass-1"


@dataclass(frozen=True)
class Office:
    db: Database
    town: Community
    admin: Actor  # 管理员 without the health permission
    doctor_admin: Actor  # 管理员 with it
    others: dict[str, Actor]  # role → actor, every role but 管理员


@pytest.fixture
def office(db: Database) -> Office:
    town = build_community(db)
    with db.transaction("建立账户", actor=None) as s:
        users.create_user(s, "boss", PASSWORD, "管理员", display_name="主任")
    boss = sign_in(db, "boss", PASSWORD)
    with db.transaction("建立账户") as s:
        users.create_user(s, "doc", PASSWORD, "管理员", can_health=True)
        users.create_user(s, "worker", PASSWORD, "社区工作者", can_health=True, can_wills=True)
        users.create_user(s, "gridman", PASSWORD, "网格员", grid_ids=[town.grid1])
        users.create_user(s, "viewer", PASSWORD, "只读")
    others = {role: sign_in(db, name, PASSWORD) for role, name in
              (("社区工作者", "worker"), ("网格员", "gridman"), ("只读", "viewer"))}
    doc = sign_in(db, "doc", PASSWORD)
    db.actor = boss
    return Office(db, town, boss, doc, others)
