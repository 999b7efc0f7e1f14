"""The 便民档案库's test office: the small community (tests/population/community.py), real
accounts — two 社区工作者 (王芳, 李娜), a 只读 viewer — and service requests taken in through the
real services (as the program itself, so the signed-in user is free to be anyone); the ``desk``
fixture and ``open_tab``, the 服务请求 tab shown and loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee, RequestInput
from chang_shan.ui.widgets.requests_tab import RequestsTab
from tests.population.community import Community, build_community

PASSWORD = "desk-pass-1"


@dataclass
class Desk:
    town: Community
    users: dict[str, int]  # user name → account id
    categories: dict[str, int]  # category name → id


def build_desk(db: Database) -> Desk:
    town = build_community(db)
    accounts: dict[str, int] = {}
    with db.transaction("账户", actor=SYSTEM) as s:
        for name, role, display in (("boss", "管理员", "主任"), ("wangfang", "社区工作者", "王芳"),
                                    ("lina", "社区工作者", "李娜"), ("viewer", "只读", "")):
            accounts[name] = users.create_user(s, name, PASSWORD, role, display_name=display)
    with db.reader(actor=SYSTEM) as s:
        categories = {c.name: c.id for c in requests.categories(s)}
    return Desk(town, accounts, categories)


@pytest.fixture
def desk(db: Database) -> Desk:
    return build_desk(db)


def open_tab(qtbot, operations) -> RequestsTab:  # noqa: ANN001
    """The 服务请求 tab on its own, shown and loaded."""
    tab = RequestsTab(operations)
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    tab.start()
    qtbot.waitUntil(lambda: operations.idle and tab.category.count() > 1)
    return tab


def as_user(db: Database, username: str) -> None:
    db.actor = None
    sign_in(db, username, PASSWORD)


def take_in(db: Database, desk: Desk, *, category: str = "理发", content: str = "上门理发", resident: str = "wang",
            received: date | None = None, due: date | None = None, assignee: Assignee | None = None) -> int:
    """A request for a resident of the town (by attribute name), as the program itself."""
    data = RequestInput(resident_id=getattr(desk.town, resident), category_id=desk.categories[category],
                        channel="电话", content=content, received_on=received, due_on=due)
    with db.transaction(f"受理服务请求 {content}", actor=SYSTEM) as s:
        return requests.create_request(s, data, assignee=assignee).row.id


def version(db: Database, request_id: int) -> int:
    with db.reader(actor=SYSTEM) as s:
        return requests.get_request(s, request_id).row.version
