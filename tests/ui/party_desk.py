"""A small party network and volunteer corps on the test community (``tests/ui/conftest.build_town``),
made through the services, for the 党建与志愿者 screen's tests; accounts to sign in as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QApplication

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.party import members as party_members
from chang_shan.party import orgs, queries
from chang_shan.party.shapes import MemberInput
from chang_shan.volunteers import points, registry, service_records
from chang_shan.volunteers.shapes import ServiceInput, VolunteerInput
from tests.ui.conftest import Town, build_town

PASSWORD = "correct horse 9"
DAY = date(2026, 3, 20)  # the screen's "today" in these tests


@dataclass
class PartyDesk:
    town: Town
    committee: int = 0
    branch: int = 0
    group: int = 0
    member: dict[str, int] = field(default_factory=dict)
    team: int = 0
    volunteer: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    service: int = 0


def build_party_desk(db: Database) -> PartyDesk:
    town = build_town(db)
    desk = PartyDesk(town)
    with db.transaction("党组织", actor=SYSTEM) as s:
        # The town has the 党委 and 第一网格党支部 already, 张立春 a member of the branch.
        roots = queries.org_tree(s)
        desk.committee = roots[0].id
        desk.branch = roots[0].children[0].id
        desk.member["张立春"] = queries.member_of_resident(s, town.ids["张立春"])
        desk.group = orgs.create_org(s, level="党小组", name="3号楼党小组", parent_id=desk.branch,
                                     building_id=town.building3, today=DAY)
        for name, joined in (("张伟", date(2005, 3, 8)), ("张𠀀春", date(1990, 3, 1))):
            desk.member[name] = party_members.add_member(
                s, MemberInput(resident_id=town.ids[name], org_id=desk.group, joined_on=joined), today=DAY)
    with db.transaction("志愿者", actor=SYSTEM) as s:
        desk.team = registry.create_team(s, "关爱老人服务队", service="探访独居老人、代购")
        desk.volunteer["李桂兰"] = registry.register_volunteer(
            s, VolunteerInput(kind="居民", resident_id=town.ids["李桂兰"], registered_on=date(2025, 1, 5)), today=DAY)
        desk.volunteer["陈晓"] = registry.register_volunteer(
            s, VolunteerInput(kind="大学生", name="陈晓", sex_code="2", school="长春师范大学", major="社会工作",
                              student_number="2023010101", enrolment_year=2023, registered_on=date(2025, 9, 1)),
            today=DAY)
        registry.add_to_team(s, desk.team, desk.volunteer["李桂兰"], "队长", date(2025, 1, 5), today=DAY)
        points.set_rule(s, "关爱老人", 10, 5, date(2025, 1, 1))
        desk.items["大米"] = points.add_item(s, "大米 5kg", "袋", 50, 3)
        desk.items["洗衣液"] = points.add_item(s, "洗衣液", "桶", 30, 10)
        desk.service = service_records.record_service(s, ServiceInput(
            volunteer_id=desk.volunteer["李桂兰"], team_id=desk.team, served_on=date(2026, 3, 18), place="3号楼2单元",
            kind="关爱老人", content="为独居老人王淑芬代购米面、打扫卫生", hours=Decimal("2.5")), today=DAY)
    return desk


@pytest.fixture
def party_desk(db: Database, monkeypatch: pytest.MonkeyPatch) -> PartyDesk:
    from chang_shan.ui.party import base

    monkeypatch.setattr(base, "today", lambda: DAY)
    for module in ("party_dialogs", "party_tabs", "volunteer_dialogs", "volunteer_tabs", "counter", "ranking"):
        mod = __import__(f"chang_shan.ui.party.{module}", fromlist=["today"])
        if hasattr(mod, "today"):
            monkeypatch.setattr(mod, "today", lambda: DAY)
    return build_party_desk(db)


def add_users(db: Database) -> None:
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员", display_name="主任")
        users.create_user(s, "clerk", PASSWORD, "社区工作者", display_name="刘文书")
        users.create_user(s, "viewer", PASSWORD, "只读")


def as_user(db: Database, username: str) -> None:
    db.actor = None
    sign_in(db, username, PASSWORD)


def wait_idle(qtbot, screen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle and all(not getattr(t, "_debounce", None) or not t._debounce.isActive()
                                                    for t in getattr(screen, "tab_list", ())))
    QApplication.processEvents()
