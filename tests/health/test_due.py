"""What is due on a day, with pinned dates (the lists take ``on``; nothing reads the clock):
overdue follow-ups, elders not visited for a while, the yearly check; the boundary days, month
ends, the leap day; the number of SQL statements does not grow with the community; every role.

The health office (tests/health/office.py): 张立春 (grid 1, born 1950-03-12) has 高血压, 刘明
(grid 2, born 1985) 糖尿病, 王淑芬 (grid 1, born 1940-11-02) lives alone and was assessed 轻度依赖
on 2024-03-01; 李桂兰 (born 1952-08-30) and 张伟 (born 1978) have no health data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models import HealthCondition, HealthVisit, Household, Resident, ResidentGroup
from chang_shan.health import due, selfcare, visits
from chang_shan.health.shapes import DueRow, SelfCareInput, VisitInput
from chang_shan.population import residents
from tests.health.coverage import public_functions
from tests.health.office import HealthOffice, cases, check_role, matrix


@pytest.fixture
def hdb(health_db: Database) -> Database:
    health_db.actor = SYSTEM
    return health_db


def _visit(db: Database, resident_id: int, on: date, purpose: str = "随访", next_due: date | None = None) -> int:
    with db.transaction("新增随访") as s:
        return visits.record_visit(s, resident_id, VisitInput(on, purpose=purpose, next_due_on=next_due),
                                   today=date(2030, 1, 1)).id


def _overdue(db: Database, on: date) -> dict[int, DueRow]:
    with db.reader() as s:
        return {row.resident_id: row for row in due.overdue_visits(s, on)}


# --- overdue follow-ups --------------------------------------------------------------------------------


def test_follow_up_patients_never_visited_are_due_with_their_diseases(
    health_office: HealthOffice, hdb: Database
) -> None:
    rows = _overdue(hdb, date(2025, 6, 1))
    assert set(rows) == {health_office.town.zhang, health_office.liu}
    zhang = rows[health_office.town.zhang]
    assert (zhang.name, zhang.age, zhang.address, zhang.reason) == ("张立春", 75, "3号楼1单元101", "高血压随访")
    assert (zhang.due_on, zhang.days_overdue, zhang.last_visit_on) == (None, 0, None)
    assert rows[health_office.liu].reason == "糖尿病随访"
    assert rows[health_office.liu].address == "平房区 长山路12号"


def test_the_due_day_itself_is_due_today_and_each_later_day_counts(
    health_office: HealthOffice, hdb: Database
) -> None:
    zhang = health_office.town.zhang
    _visit(hdb, zhang, date(2025, 1, 10), next_due=date(2025, 4, 10))
    assert zhang not in _overdue(hdb, date(2025, 4, 9))
    today = _overdue(hdb, date(2025, 4, 10))[zhang]
    assert (today.due_on, today.days_overdue, today.last_visit_on) == (date(2025, 4, 10), 0, date(2025, 1, 10))
    assert _overdue(hdb, date(2025, 4, 20))[zhang].days_overdue == 10


def test_month_ends_count_real_days(health_office: HealthOffice, hdb: Database) -> None:
    zhang = health_office.town.zhang
    with hdb.reader() as s:
        planned = visits.default_next_due(s, zhang, date(2025, 11, 30), "随访")
    assert planned == date(2026, 2, 28)  # 90 days on: through December, January and February
    _visit(hdb, zhang, date(2025, 11, 30), next_due=date(2026, 1, 31))
    assert _overdue(hdb, date(2026, 2, 1))[zhang].days_overdue == 1
    assert _overdue(hdb, date(2026, 2, 28))[zhang].days_overdue == 28
    assert _overdue(hdb, date(2026, 3, 1))[zhang].days_overdue == 29  # February 2026 has 28 days


def test_a_later_visit_clears_an_earlier_due_date_from_its_own_day(
    health_office: HealthOffice, hdb: Database
) -> None:
    zhang = health_office.town.zhang
    _visit(hdb, zhang, date(2025, 1, 10), next_due=date(2025, 4, 10))
    _visit(hdb, zhang, date(2025, 4, 15), next_due=date(2025, 7, 14))
    assert _overdue(hdb, date(2025, 4, 14))[zhang].days_overdue == 4  # as of that day, the later visit is ahead
    assert zhang not in _overdue(hdb, date(2025, 4, 15))
    assert _overdue(hdb, date(2025, 7, 14))[zhang].due_on == date(2025, 7, 14)


def test_the_latest_follow_up_decides_even_without_a_plan_and_same_day_the_last_recorded(
    health_office: HealthOffice, hdb: Database
) -> None:
    zhang = health_office.town.zhang
    _visit(hdb, zhang, date(2025, 1, 10), next_due=date(2025, 4, 10))
    _visit(hdb, zhang, date(2025, 2, 1), purpose="关怀")  # a care call is no follow-up: the plan stands
    assert _overdue(hdb, date(2025, 6, 1))[zhang].due_on == date(2025, 4, 10)
    _visit(hdb, zhang, date(2025, 2, 15))  # a follow-up without a next date: nothing due after it
    assert zhang not in _overdue(hdb, date(2025, 6, 1))
    _visit(hdb, zhang, date(2025, 3, 1), purpose="年度体检", next_due=date(2025, 5, 1))
    _visit(hdb, zhang, date(2025, 3, 1), next_due=date(2025, 5, 20))  # same day, recorded later
    _visit(hdb, zhang, date(2025, 3, 5), purpose="关怀", next_due=date(2025, 4, 5))  # its plan is not this one
    row = _overdue(hdb, date(2025, 6, 1))[zhang]
    assert (row.due_on, row.reason, row.last_visit_on) == (date(2025, 5, 20), "高血压随访", date(2025, 3, 1))


def test_reasons_follow_the_purpose_and_never_followed_up_come_first(health_office: HealthOffice, hdb: Database) -> None:
    town = health_office.town
    _visit(hdb, town.li, date(2025, 1, 1), purpose="年度体检", next_due=date(2025, 5, 1))
    _visit(hdb, town.wang, date(2025, 1, 1), purpose="关怀", next_due=date(2025, 3, 1))  # 久未走访's business
    _visit(hdb, town.son, date(2025, 1, 1), next_due=date(2025, 5, 25))
    _visit(hdb, town.zhang, date(2025, 1, 1), purpose="关怀")  # called, but never followed up
    with hdb.reader() as s:
        rows = due.overdue_visits(s, date(2025, 6, 1))
    assert [(r.name, r.reason, r.days_overdue) for r in rows] == [
        ("刘明", "糖尿病随访", 0), ("张立春", "高血压随访", 0),  # never followed up (name order)
        ("李桂兰", "年度体检", 31), ("张伟", "随访", 7),
    ]


def test_a_patient_with_two_followed_diseases_and_one_who_died(health_office: HealthOffice, hdb: Database) -> None:
    town = health_office.town
    with hdb.transaction("既往史") as s:
        s.add_all([HealthCondition(resident_id=town.zhang, category="疾病", code="3"),
                   HealthCondition(resident_id=town.zhang, category="疾病", code="13", name="痛风")])
    assert _overdue(hdb, date(2025, 6, 1))[town.zhang].reason == "高血压、糖尿病随访"
    with hdb.transaction("死亡") as s:
        residents.record_death(s, health_office.liu, on_date=date(2025, 5, 1))
    assert set(_overdue(hdb, date(2025, 6, 1))) == {town.zhang}


# --- not visited ------------------------------------------------------------------------------------------


def _not_visited(db: Database, on: date, days: int = 30) -> dict[int, DueRow]:
    with db.reader() as s:
        return {row.resident_id: row for row in due.not_visited(s, on, days)}


def test_a_care_target_never_visited_is_listed_with_the_days_setting(
    health_office: HealthOffice, hdb: Database
) -> None:
    rows = _not_visited(hdb, date(2025, 6, 1))
    assert list(rows) == [health_office.town.wang]
    wang = rows[health_office.town.wang]
    assert (wang.reason, wang.due_on, wang.days_overdue, wang.last_visit_on) == ("独居老人走访", None, 30, None)
    assert (wang.age, wang.address) == (84, "3号楼2单元301")


def test_a_visit_exactly_the_days_ago_is_due_today_and_a_day_later_is_not(
    health_office: HealthOffice, hdb: Database
) -> None:
    wang = health_office.town.wang
    _visit(hdb, wang, date(2025, 5, 2), purpose="关怀")
    row = _not_visited(hdb, date(2025, 6, 1))[wang]  # 30 days ago
    assert (row.due_on, row.days_overdue, row.last_visit_on) == (date(2025, 6, 1), 30, date(2025, 5, 2))
    assert _not_visited(hdb, date(2025, 6, 20))[wang].days_overdue == 49
    assert wang not in _not_visited(hdb, date(2025, 5, 31))
    _visit(hdb, wang, date(2025, 5, 3), purpose="随访")  # any kind of visit counts
    assert wang not in _not_visited(hdb, date(2025, 6, 1))
    assert wang in _not_visited(hdb, date(2025, 6, 1), days=7)


def test_visits_after_the_day_do_not_count(health_office: HealthOffice, hdb: Database) -> None:
    wang = health_office.town.wang
    _visit(hdb, wang, date(2025, 6, 2), purpose="关怀")
    assert _not_visited(hdb, date(2025, 6, 1))[wang].last_visit_on is None


def test_a_dependent_elder_is_listed_by_the_latest_assessment_without_the_score(
    health_office: HealthOffice, hdb: Database
) -> None:
    li = health_office.town.li  # lives with her family
    with hdb.transaction("评估") as s:
        selfcare.record_self_care(s, li, SelfCareInput(date(2025, 1, 1), eating=3, grooming=1), today=date(2025, 1, 1))
        selfcare.record_self_care(s, li, SelfCareInput(date(2025, 3, 1), grooming=3), today=date(2025, 3, 1))
    assert _not_visited(hdb, date(2025, 2, 1))[li].reason == "需照护老人走访"  # total 4: 轻度依赖
    assert li not in _not_visited(hdb, date(2025, 3, 1))  # total 3 from that day: 可自理
    assert li not in _not_visited(hdb, date(2024, 12, 31))  # not assessed yet


def test_not_visited_shows_no_health_values(health_office: HealthOffice, hdb: Database) -> None:
    row = _not_visited(hdb, date(2025, 6, 1))[health_office.town.wang]
    assert not any(ch.isdigit() for ch in row.reason)
    assert set(vars(row)) == {"resident_id", "name", "age", "address", "reason", "due_on", "days_overdue",
                              "last_visit_on"}


# --- the yearly check ------------------------------------------------------------------------------------


def _yearly(db: Database, on: date) -> dict[int, DueRow]:
    with db.reader() as s:
        return {row.resident_id: row for row in due.yearly_check_due(s, on)}


def test_everyone_65_or_older_without_a_check_this_year(health_office: HealthOffice, hdb: Database) -> None:
    town = health_office.town
    rows = _yearly(hdb, date(2025, 6, 1))
    assert set(rows) == {town.zhang, town.li, town.wang}  # not 张伟 (47) nor 刘明 (39)
    assert (rows[town.li].reason, rows[town.li].due_on, rows[town.li].days_overdue) == ("年度体检", None, 0)
    _visit(hdb, town.zhang, date(2025, 3, 1), purpose="年度体检")
    _visit(hdb, town.li, date(2025, 3, 1), purpose="随访")  # another kind of visit does not count
    assert set(_yearly(hdb, date(2025, 6, 1))) == {town.li, town.wang}
    assert town.zhang in _yearly(hdb, date(2025, 2, 28))  # as of a day before the check


def test_the_65th_birthday_itself_counts(health_office: HealthOffice, hdb: Database) -> None:
    li = health_office.town.li  # born 1952-08-30
    assert li not in _yearly(hdb, date(2017, 8, 29))
    assert _yearly(hdb, date(2017, 8, 30))[li].age == 65


def test_last_years_check_sets_the_due_day_a_year_on(health_office: HealthOffice, hdb: Database) -> None:
    li = health_office.town.li
    _visit(hdb, li, date(2024, 12, 31), purpose="年度体检")
    new_year = _yearly(hdb, date(2025, 1, 1))[li]  # a new calendar year: due again
    assert (new_year.due_on, new_year.days_overdue, new_year.last_visit_on) == (date(2025, 12, 31), 0, date(2024, 12, 31))
    assert li not in _yearly(hdb, date(2024, 12, 31))
    late = _yearly(hdb, date(2026, 2, 1))[li]
    assert (late.due_on, late.days_overdue) == (date(2025, 12, 31), 32)


def test_a_leap_day_check_is_due_on_28_february(health_office: HealthOffice, hdb: Database) -> None:
    li = health_office.town.li
    _visit(hdb, li, date(2028, 2, 29), purpose="年度体检")
    row = _yearly(hdb, date(2029, 3, 1))[li]
    assert (row.due_on, row.days_overdue, row.last_visit_on) == (date(2029, 2, 28), 1, date(2028, 2, 29))
    assert _yearly(hdb, date(2029, 2, 28))[li].days_overdue == 0


def test_yearly_list_order_never_checked_first_then_longest_ago(health_office: HealthOffice, hdb: Database) -> None:
    town = health_office.town
    _visit(hdb, town.zhang, date(2024, 5, 1), purpose="年度体检")
    _visit(hdb, town.li, date(2023, 5, 1), purpose="年度体检")
    with hdb.reader() as s:
        assert [r.name for r in due.yearly_check_due(s, date(2025, 6, 1))] == ["王淑芬", "李桂兰", "张立春"]


# --- SQL, not loops over the residents ---------------------------------------------------------------------


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _run_all(db: Database, on: date) -> tuple[int, tuple[int, int, int]]:
    with _statements(db) as seen, db.reader() as s:
        sizes = (len(due.overdue_visits(s, on)), len(due.not_visited(s, on, 30)), len(due.yearly_check_due(s, on)))
    return len(seen), sizes


def _crowd(db: Database, health_office: HealthOffice, count: int) -> None:
    """``count`` more elders (bulk): lone, hypertensive, visited twice, the latest overdue."""
    with db.engine.begin() as connection:
        household = connection.execute(select(Household.id).where(Household.id == health_office.town.h102)).scalar()
        first = connection.execute(insert(Resident).returning(Resident.id), [
            {"household_id": household, "name": f"老人{i}", "birth_date": date(1945, 1, 1) + timedelta(days=i),
             "status": "在册", "relation_code": "99"} for i in range(count)
        ]).scalars().all()
        connection.execute(insert(ResidentGroup), [{"resident_id": r, "group": "独居"} for r in first])
        connection.execute(insert(HealthCondition), [{"resident_id": r, "category": "疾病", "code": "2"} for r in first])
        connection.execute(insert(HealthVisit), [
            {"resident_id": r, "visited_on": day, "kind": "上门", "purpose": "随访", "next_due_on": day + timedelta(90)}
            for r in first for day in (date(2024, 6, 1), date(2024, 12, 1))
        ])


def test_the_number_of_statements_does_not_grow_with_the_community(
    health_office: HealthOffice, hdb: Database
) -> None:
    on = date(2025, 6, 1)
    few_statements, few = _run_all(hdb, on)
    _crowd(hdb, health_office, 1200)
    many_statements, many = _run_all(hdb, on)
    assert many == (few[0] + 1200, few[1] + 1200, few[2] + 1200)
    # Two queries more at most: the reasons' disease names are read 900 residents at a time.
    assert many_statements <= few_statements + 2


# --- every role ---------------------------------------------------------------------------------------------

#                   admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
TABLE = matrix("""
overdue_visits      no    yes     no     yes      yes        hid          yes      no
not_visited         yes   yes     yes    yes      yes        hid          yes      no
yearly_check_due    no    yes     no     yes      yes        hid          yes      no
""")


@pytest.mark.parametrize(("action", "role", "expected"), cases(TABLE))
def test_role_against_due_list(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str
) -> None:
    on = date(2025, 6, 1)
    target = health_office.town.wang if action == "not_visited" else health_office.town.zhang  # grid 1
    runs = {
        "overdue_visits": lambda s: due.overdue_visits(s, on),
        "not_visited": lambda s: due.not_visited(s, on, 30),
        "yearly_check_due": lambda s: due.yearly_check_due(s, on),
    }
    check_role(health_db, health_office.actors[role], expected, write=False, run=runs[action],
               sees=lambda rows: target in {r.resident_id for r in rows})
    if expected == "hid":  # the 网格员 of grid 2 sees their own residents
        health_db.actor = health_office.actors[role]
        with health_db.reader() as s:
            assert {r.resident_id for r in runs[action](s)} <= {health_office.liu}


def test_the_table_covers_every_public_due_list() -> None:
    assert public_functions(due) == set(TABLE)
