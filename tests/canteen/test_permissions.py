"""Who may do what in the 乐龄食堂, function by function and role by role. The target is 王淑芬
(grid 1); the roles are those of tests/health/office.py — the canteen needs no health permission,
so the columns with and without it agree. ``yes``: done; ``no``: PermissionDenied and nothing
written; ``hid``: read, the target filtered out (a 网格员 of another grid)."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.canteen import meals, members, statements
from chang_shan.canteen.shapes import MemberInput
from chang_shan.db.database import Database
from tests.canteen.office import RECORDED, TODAY, CanteenOffice
from tests.health.office import cases, check_role, matrix

#            admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
TABLE = matrix("""
add_member        yes yes yes yes yes no  no  no
update_member     yes yes yes yes yes no  no  no
end_membership    yes yes yes yes yes no  no  no
record_meal       yes yes yes yes yes no  no  no
list_members      yes yes yes yes yes hid yes no
routes            yes yes yes yes yes yes yes no
meal_list         yes yes yes yes yes hid yes no
statement         yes yes yes yes yes no  yes no
month_statements  yes yes yes yes yes hid yes no
meal_price        yes yes yes yes yes yes yes no
""")
WRITES = {"add_member", "update_member", "end_membership", "record_meal"}


def _runs(o: CanteenOffice) -> dict:
    town = o.town
    wang = o.member_of[town.wang]
    return {
        "add_member": lambda s: members.add_member(s, MemberInput(town.son, "堂食"), today=TODAY),
        "update_member": lambda s: members.update_member(
            s, wang, MemberInput(town.wang, "送餐", True, False, "一号线"), today=TODAY),
        "end_membership": lambda s: members.end_membership(s, wang, TODAY, today=TODAY),
        "record_meal": lambda s: meals.record_meal(s, date(2025, 3, 4), "午餐", [town.wang], today=TODAY),
        "list_members": lambda s: members.list_members(s, TODAY),
        "routes": lambda s: members.routes(s, today=TODAY),
        "meal_list": lambda s: meals.meal_list(s, RECORDED, "午餐"),
        "statement": lambda s: statements.statement(s, town.wang, 2025, 3),
        "month_statements": lambda s: statements.month_statements(s, 2025, 3),
        "meal_price": lambda s: meals.meal_price(s),
    }


def _sees(o: CanteenOffice) -> dict:
    wang = o.town.wang
    return {
        "list_members": lambda rows: any(r.resident_id == wang for r in rows),
        "routes": lambda names: "一号线" in names,
        "meal_list": lambda listing: any(line.resident_id == wang for _r, lines in listing.routes for line in lines),
        "statement": lambda st: st.resident_id == wang and st.meals == 2,
        "month_statements": lambda rows: any(r.resident_id == wang for r in rows),
        "meal_price": lambda price: str(price) == "7.00",
    }


def test_the_table_covers_every_public_function() -> None:
    public = {f"{name}" for module in (members, meals, statements) for name in module.__dict__
              if not name.startswith("_") and callable(module.__dict__[name])
              and module.__dict__[name].__module__ == module.__name__}
    assert public - {"month_bounds"} == set(TABLE)


@pytest.mark.parametrize(("action", "role", "expected"), cases(TABLE))
def test_role(cdb: Database, canteen_office: CanteenOffice, action: str, role: str, expected: str) -> None:
    check_role(cdb, canteen_office.actors[role], expected, write=action in WRITES, run=_runs(canteen_office)[action],
               sees=_sees(canteen_office).get(action))
