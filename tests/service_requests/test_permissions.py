"""Every public function of the request services against every role: 只读 reads, a 网格员 reaches
the requests of their grids only (and does not manage the community's categories), nobody signed
in gets nothing; and a guard that the table lists every public function."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.service_requests import requests, stats
from chang_shan.service_requests import today as today_sections
from chang_shan.service_requests.shapes import Assignee, RequestFilter
from tests.health.coverage import public_functions
from tests.health.office import cases, check_role
from tests.service_requests.office import (
    BATH, WATCHED, ServiceOffice, intake, new_request, snapshot, step, table,
)

ON = date(2026, 11, 20)

#                         admin worker grid_own grid_other reader nobody
TABLE = table("""
categories                yes   yes    yes      yes        yes    no
add_category              yes   yes    no       no         no     no
rename_category           yes   yes    no       no         no     no
set_category_active       yes   yes    no       no         no     no
workers                   yes   yes    yes      yes        yes    no
get_request               yes   yes    yes      no         yes    no
list_requests             yes   yes    yes      hid        yes    no
overdue_requests          yes   yes    yes      hid        yes    no
revisit_due_on            yes   yes    yes      yes        yes    no
awaiting_revisit          yes   yes    yes      hid        yes    no
create_request            yes   yes    yes      no         no     no
update_request            yes   yes    yes      no         no     no
assign_request            yes   yes    yes      no         no     no
take_over                 yes   yes    yes      no         no     no
complete_request          yes   yes    yes      no         no     no
record_revisit            yes   yes    yes      no         no     no
reopen_request            yes   yes    yes      no         no     no
request_statistics        yes   yes    yes      hid        yes    no
today.overdue_requests    yes   yes    yes      hid        yes    no
today.awaiting_revisit    yes   yes    yes      hid        yes    no
""")
WRITES = {"add_category", "rename_category", "set_category_active", "create_request", "update_request",
          "assign_request", "take_over", "complete_request", "record_revisit", "reopen_request"}


def _targets(db: Database, office: ServiceOffice) -> dict[str, int]:
    """An open request of 张立春 (grid 1) held by 王芳 and overdue on ``ON``, a completed one
    awaiting its call-back, and a category of the office's own."""
    db.actor = SYSTEM
    with db.transaction("类别") as s:
        own = requests.add_category(s, "助浴").id
    wang = Assignee("worker", user_id=office.user_ids["wang"])
    open_id = new_request(db, intake(office.town.zhang), today=date(2026, 3, 1), assignee=wang).row.id
    done_id = new_request(db, intake(office.town.zhang, BATH), today=date(2026, 3, 1), assignee=wang).row.id
    step(db, "完成", lambda s: requests.complete_request(s, done_id, "已办", expected_version=1, on=date(2026, 3, 5)))
    return {"open": open_id, "done": done_id, "category": own}


def _runs(office: ServiceOffice, t: dict[str, int]) -> dict[str, Any]:
    zhang = office.town.zhang
    return {
        "categories": lambda s: requests.categories(s),
        "add_category": lambda s: requests.add_category(s, "陪诊"),
        "rename_category": lambda s: requests.rename_category(s, t["category"], "助浴服务"),
        "set_category_active": lambda s: requests.set_category_active(s, t["category"], False),
        "workers": lambda s: requests.workers(s),
        "get_request": lambda s: requests.get_request(s, t["open"], today=ON),
        "list_requests": lambda s: requests.list_requests(s, RequestFilter(), today=ON),
        "overdue_requests": lambda s: requests.overdue_requests(s, ON),
        "revisit_due_on": lambda s: requests.revisit_due_on(s, date(2026, 3, 5)),
        "awaiting_revisit": lambda s: requests.awaiting_revisit(s, ON),
        "create_request": lambda s: requests.create_request(s, intake(zhang, content="新的请求"), today=ON),
        "update_request": lambda s: requests.update_request(s, t["open"], intake(zhang, content="改过的内容"),
                                                            expected_version=1),
        "assign_request": lambda s: requests.assign_request(s, t["open"], Assignee("team", team="家政服务队"),
                                                            expected_version=1, today=ON),
        "take_over": lambda s: requests.take_over(s, t["open"], expected_version=1, today=ON),
        "complete_request": lambda s: requests.complete_request(s, t["open"], "已办", expected_version=1, on=ON),
        "record_revisit": lambda s: requests.record_revisit(s, t["done"], "满意", expected_version=2, on=ON),
        "reopen_request": lambda s: requests.reopen_request(s, t["done"], "没办好", expected_version=2, on=ON),
        "request_statistics": lambda s: stats.request_statistics(s, 2026, today=ON),
        "today.overdue_requests": lambda s: today_sections.overdue_requests(s, ON),
        "today.awaiting_revisit": lambda s: today_sections.awaiting_revisit(s, ON),
    }


def _sees(t: dict[str, int]) -> dict[str, Any]:
    return {
        "categories": lambda rows: "理发" in [c.name for c in rows],
        "workers": lambda rows: "王芳（社区工作者）" in [w.label for w in rows],
        "get_request": lambda detail: detail.row.id == t["open"],
        "list_requests": lambda rows: sorted(r.id for r in rows) == sorted((t["open"], t["done"])),
        "overdue_requests": lambda rows: [r.id for r in rows] == [t["open"]],
        "revisit_due_on": lambda day: day == date(2026, 3, 8),
        "awaiting_revisit": lambda rows: [r.id for r in rows] == [t["done"]],
        "request_statistics": lambda figures: (figures.received, figures.overdue) == (2, 1),
        "today.overdue_requests": lambda items: [i.target for i in items] == [("request", t["open"])],
        "today.awaiting_revisit": lambda items: [i.target for i in items] == [("request", t["done"])],
    }


@pytest.mark.parametrize(("name", "role", "outcome"), cases(TABLE))
def test_role_against_request_service(service_office: ServiceOffice, sdb: Database, name: str, role: str,
                                      outcome: str) -> None:
    targets = _targets(sdb, service_office)
    check_role(sdb, service_office.actors[role], outcome, write=name in WRITES, run=_runs(service_office, targets)[name],
               sees=_sees(targets).get(name), tables=WATCHED)


def test_a_grid_worker_takes_requests_only_in_their_grids(service_office: ServiceOffice, sdb: Database) -> None:
    town = service_office.town
    sdb.actor = service_office.actors["grid_own"]
    mine = new_request(sdb, intake(town.wang), today=ON)
    assert mine.created_by == "grid1man"
    before = snapshot(sdb)
    for data in (intake(service_office.base.liu), intake(household_id=town.house)):  # both in grid 2
        with pytest.raises(PermissionDenied, match="不在您负责的网格内"), sdb.transaction("受理") as s:
            requests.create_request(s, data, today=ON)
    assert snapshot(sdb) == before
    sdb.actor = service_office.actors["grid_other"]
    with pytest.raises(PermissionDenied, match="不在您负责的网格内"), sdb.transaction("接手") as s:
        requests.take_over(s, mine.row.id, expected_version=1)
    with pytest.raises(PermissionDenied, match="不在您负责的网格内"), sdb.transaction("改对象") as s:
        # nor move one of their own requests into someone else's grid
        theirs = requests.create_request(s, intake(service_office.base.liu), today=ON)
        requests.update_request(s, theirs.row.id, intake(town.zhang), expected_version=1)
    assert snapshot(sdb) == before


def test_the_table_covers_every_public_function() -> None:
    listed = set(TABLE)
    assert public_functions(requests) == {n for n in listed if "." not in n and n != "request_statistics"}
    assert public_functions(stats) == {"request_statistics"}
    assert {f"today.{n}" for n in public_functions(today_sections)} == {n for n in listed if n.startswith("today.")}
