"""包保制: assigning and ending caretakers, who cares for whom on a day, the care targets and those
without a caretaker, suggested caretakers, masked phones, the audit trail and undo, every role.

The health office (tests/health/office.py): 王淑芬 (grid 1, 3号楼2单元301, born 1940-11-02) lives
alone and was assessed 轻度依赖 on 2024-03-01; 张立春 (phone 13804310001) and 李桂兰 (单元长 of
3号楼1单元 since 2021) live in 3号楼1单元101 with their son 张伟; 刘明 lives in the 平房区 (grid 2).
"""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit import trail
from chang_shan.care import assignments
from chang_shan.care.shapes import CareRow
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health import selfcare, visits
from chang_shan.health.shapes import SelfCareInput, VisitInput
from chang_shan.population import residents, roles, undo
from tests.health.coverage import public_functions
from tests.health.office import (  # noqa: F401 - fixtures
    HealthOffice, cases, check_role, everything, health_db, health_office, matrix,
)

TODAY = date(2025, 6, 1)


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    """Signed in as the 社区工作者 (no health permission: care is not health data)."""
    health_db.actor = health_office.actors["worker"]
    return health_db


def _assign(db: Database, elder: int, caretaker: int, start: date, note: str = "") -> CareRow:
    with db.transaction("指定包保人") as s:
        return assignments.assign_caretaker(s, elder, caretaker, start, note, today=TODAY)


def _as_system(db: Database, action: str, run) -> None:  # noqa: ANN001
    actor, db.actor = db.actor, SYSTEM
    try:
        with db.transaction(action) as s:
            run(s)
    finally:
        db.actor = actor


# --- assigning and ending ------------------------------------------------------------------------------


def test_an_assignment_shows_the_elder_and_the_caretakers_posts(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    row = _assign(db, town.wang, town.li, date(2025, 1, 1), "  每周 上门两次 ")
    assert (row.elder_id, row.elder_name, row.elder_age, row.elder_address) == (town.wang, "王淑芬", 84, "3号楼2单元301")
    assert (row.caretaker_id, row.caretaker_name, row.caretaker_roles) == (town.li, "李桂兰", "单元长（3号楼1单元）")
    assert (row.start_on, row.end_on, row.active, row.note) == (date(2025, 1, 1), None, True, "每周 上门两次")
    with db.reader() as s:
        assert assignments.caretaker_of(s, town.wang, TODAY) == row
        assert assignments.list_assignments(s, on=TODAY) == [row]


def test_a_new_caretaker_ends_the_current_one_on_the_new_start_day(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    first = _assign(db, town.wang, town.li, date(2025, 1, 1))
    second = _assign(db, town.wang, town.zhang, date(2025, 3, 1))
    with db.reader() as s:
        history = assignments.list_assignments(s, on=TODAY, include_ended=True)
        assert [(r.id, r.caretaker_name, r.start_on, r.end_on) for r in history] == [
            (first.id, "李桂兰", date(2025, 1, 1), date(2025, 3, 1)), (second.id, "张立春", date(2025, 3, 1), None)]
        assert [r.id for r in assignments.list_assignments(s, on=TODAY)] == [second.id]
        assert [r.id for r in assignments.list_assignments(s, on=date(2025, 2, 28))] == [first.id]
        assert assignments.caretaker_of(s, town.wang, date(2024, 12, 31)) is None
        assert assignments.caretaker_of(s, town.wang, date(2025, 2, 28)).caretaker_name == "李桂兰"  # type: ignore[union-attr]
        assert assignments.caretaker_of(s, town.wang, date(2025, 3, 1)).caretaker_name == "张立春"  # type: ignore[union-attr]


def _died(db: Database, resident_id: int) -> None:
    _as_system(db, "死亡", lambda s: residents.record_death(s, resident_id, on_date=date(2025, 5, 1)))


@pytest.mark.parametrize(("caretaker", "start", "note", "key"), [
    ("wang", date(2025, 1, 1), "", "caretaker_id"),  # the elder herself
    ("dead", date(2025, 1, 1), "", "caretaker_id"),
    ("nobody", date(2025, 1, 1), "", "caretaker_id"),
    ("zhang", date(2025, 6, 2), "", "start_on"),  # after today
    ("zhang", date(2024, 12, 31), "", "start_on"),  # before the current caretaker's start
    ("li", date(2025, 4, 1), "", "caretaker_id"),  # already the caretaker
    ("zhang", date(2025, 4, 1), "注" * 201, "note"),
])
def test_bad_assignments_are_refused_by_field_and_nothing_is_written(
    health_office: HealthOffice, db: Database, caretaker: str, start: date, note: str, key: str
) -> None:
    town = health_office.town
    _assign(db, town.wang, town.li, date(2025, 1, 1))
    _died(db, town.son)
    who = {"wang": town.wang, "dead": town.son, "nobody": 999_999, "zhang": town.zhang, "li": town.li}[caretaker]
    before = everything(db)
    with pytest.raises(ValidationError) as exc, db.transaction("指定包保人") as s:
        assignments.assign_caretaker(s, town.wang, who, start, note, today=TODAY)
    assert key in exc.value.errors and exc.value.errors[key]
    assert everything(db) == before


def test_no_caretaker_for_someone_who_died_or_is_unknown(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    _died(db, town.wang)
    with pytest.raises(DomainError, match="王淑芬已故"), db.transaction("指定包保人") as s:
        assignments.assign_caretaker(s, town.wang, town.li, date(2025, 5, 2), today=TODAY)
    with pytest.raises(NotFound), db.transaction("指定包保人") as s:
        assignments.assign_caretaker(s, 999_999, town.li, date(2025, 5, 2), today=TODAY)


def test_ending_an_assignment(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    row = _assign(db, town.wang, town.li, date(2025, 1, 1))
    for end, key in ((date(2024, 12, 31), "end_on"), (date(2025, 6, 2), "end_on")):
        with pytest.raises(ValidationError) as exc, db.transaction("结束包保") as s:
            assignments.end_assignment(s, row.id, end, today=TODAY)
        assert key in exc.value.errors
    with db.transaction("结束包保") as s:
        ended = assignments.end_assignment(s, row.id, date(2025, 1, 1), today=TODAY)  # the start day itself
    assert (ended.end_on, ended.active) == (date(2025, 1, 1), False)
    with db.reader() as s:
        assert assignments.caretaker_of(s, town.wang, date(2025, 1, 1)) is None
    with pytest.raises(DomainError, match="已于 2025-01-01 结束"), db.transaction("结束包保") as s:
        assignments.end_assignment(s, row.id, TODAY, today=TODAY)
    with pytest.raises(NotFound), db.transaction("结束包保") as s:
        assignments.end_assignment(s, 999_999, TODAY, today=TODAY)


def test_a_caretakers_elders(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    _assign(db, town.wang, town.zhang, date(2025, 1, 1))
    _assign(db, health_office.liu, town.zhang, date(2025, 2, 1))
    with db.reader() as s:
        assert [r.elder_name for r in assignments.elders_of(s, town.zhang, TODAY)] == ["刘明", "王淑芬"]
        assert [r.elder_name for r in assignments.elders_of(s, town.zhang, date(2025, 1, 15))] == ["王淑芬"]
        assert assignments.elders_of(s, town.li, TODAY) == []
        with pytest.raises(NotFound):
            assignments.elders_of(s, 999_999, TODAY)
    db.actor = health_office.actors["grid_own_h"]  # 网格员 of grid 1: 刘明 lives in grid 2
    with db.reader() as s:
        assert [r.elder_name for r in assignments.elders_of(s, town.zhang, TODAY)] == ["王淑芬"]
        assert [r.elder_name for r in assignments.list_assignments(s, on=TODAY)] == ["王淑芬"]


# --- care targets ------------------------------------------------------------------------------------------


def _targets(db: Database, on: date, **filters: object) -> dict[int, assignments.CareTarget]:
    with db.reader() as s:
        return {t.resident_id: t for t in assignments.care_targets(s, on, **filters)}  # type: ignore[arg-type]


def test_a_lone_dependent_elder_is_a_care_target(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    targets = _targets(db, TODAY)
    assert list(targets) == [town.wang]
    wang = targets[town.wang]
    assert (wang.name, wang.age, wang.address, wang.grid_id) == ("王淑芬", 84, "3号楼2单元301", town.grid1)
    assert (wang.reasons, wang.caretaker_id, wang.caretaker_name, wang.last_visit_on) == (("独居", "需照护"), None, "", None)
    _as_system(db, "随访", lambda s: visits.record_visit(s, town.wang, VisitInput(date(2025, 5, 1), purpose="关怀"),
                                                        today=TODAY))
    _assign(db, town.wang, town.li, date(2025, 1, 1))
    wang = _targets(db, TODAY)[town.wang]
    assert (wang.caretaker_id, wang.caretaker_name, wang.last_visit_on) == (town.li, "李桂兰", date(2025, 5, 1))
    assert _targets(db, date(2025, 4, 30))[town.wang].last_visit_on is None  # as of that day


def test_the_60th_birthday_and_the_latest_assessment_decide(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    # 王淑芬 turned 60 on 2000-11-02, long before her assessment: then a target for living alone only.
    assert town.wang not in _targets(db, date(2000, 11, 1))
    assert _targets(db, date(2000, 11, 2))[town.wang].reasons == ("独居",)
    # 李桂兰 (born 1952-08-30) lives with her family: a target while dependent and 60 or older.
    _as_system(db, "评估", lambda s: selfcare.record_self_care(
        s, town.li, SelfCareInput(date(2012, 1, 1), activity=5), today=TODAY))
    _as_system(db, "评估", lambda s: selfcare.record_self_care(
        s, town.li, SelfCareInput(date(2013, 1, 1), activity=1), today=TODAY))
    assert town.li not in _targets(db, date(2012, 8, 29))
    assert _targets(db, date(2012, 8, 30))[town.li].reasons == ("需照护",)
    assert town.li not in _targets(db, date(2013, 1, 1))  # total 1 from then on: 可自理


def test_targets_by_grid_and_only_residents_who_live_here(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town
    assert list(_targets(db, TODAY, grid_id=town.grid1)) == [town.wang]
    assert _targets(db, TODAY, grid_id=town.grid2) == {}
    _died(db, town.wang)
    assert _targets(db, TODAY) == {}


def test_elders_without_a_caretaker_stand_out(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town

    def lonely(on: date = TODAY) -> list[int]:
        with db.reader() as s:
            return [t.resident_id for t in assignments.without_caretaker(s, on)]

    assert lonely() == [town.wang]
    row = _assign(db, town.wang, town.son, date(2025, 1, 1))
    assert lonely() == [] and lonely(date(2024, 12, 31)) == [town.wang]
    with db.transaction("结束包保") as s:
        assignments.end_assignment(s, row.id, date(2025, 5, 1), today=TODAY)
    assert lonely() == [town.wang]
    _assign(db, town.wang, town.son, date(2025, 5, 2))
    _died(db, town.son)  # the caretaker died: she has nobody again
    assert lonely() == [town.wang]
    with db.reader() as s:
        assert _targets(db, TODAY)[town.wang].caretaker_id is None


# --- suggestions ---------------------------------------------------------------------------------------------


def test_suggested_caretakers_nearest_post_first_with_their_load(health_office: HealthOffice, db: Database) -> None:
    town = health_office.town

    def posts(s) -> None:  # noqa: ANN001
        roles.assign_role(s, town.son, "单元长", town.unit2, start_on=date(2024, 1, 1))
        roles.assign_role(s, town.zhang, "楼栋长", town.building3, start_on=date(2024, 1, 1))
        roles.assign_role(s, town.li, "网格长", town.grid1, start_on=date(2024, 1, 1))
        roles.assign_role(s, health_office.liu, "网格长", town.grid2, start_on=date(2024, 1, 1))

    _as_system(db, "三长", posts)
    _assign(db, health_office.liu, town.zhang, date(2025, 1, 1))
    with db.reader() as s:
        options = assignments.suggested_caretakers(s, town.wang, TODAY)
        assert [(o.name, o.role, o.caring_for) for o in options] == [
            ("张伟", "单元长（3号楼2单元）", 0), ("张立春", "楼栋长（3号楼）", 1), ("李桂兰", "网格长（第一网格）", 0)]
        assert assignments.suggested_caretakers(s, town.wang, date(2023, 12, 31)) == []
        # 李桂兰 is 单元长 of her own unit and 网格长: suggested once, nearest post; never to herself.
        assert [(o.name, o.role) for o in assignments.suggested_caretakers(s, town.zhang, TODAY)] == [
            ("李桂兰", "单元长（3号楼1单元）")]
        assert "李桂兰" not in {o.name for o in assignments.suggested_caretakers(s, town.li, TODAY)}
        # The 平房区 has no units and no 楼栋长; 刘明 is its 网格长 himself.
        assert assignments.suggested_caretakers(s, health_office.liu, TODAY) == []
        with pytest.raises(NotFound):
            assignments.suggested_caretakers(s, 999_999, TODAY)


# --- phones --------------------------------------------------------------------------------------------------


def test_caretaker_phones_are_full_only_for_who_may_edit_the_caretaker(
    health_office: HealthOffice, db: Database
) -> None:
    town = health_office.town

    def liu_phone(s) -> None:  # noqa: ANN001
        data = residents.resident_detail(s, health_office.liu).as_input()
        data.phone = "13904319876"
        residents.update_resident(s, health_office.liu, data)

    _as_system(db, "电话", liu_phone)
    _assign(db, town.wang, town.zhang, date(2025, 1, 1))  # caretaker in grid 1
    _assign(db, town.li, health_office.liu, date(2025, 1, 1))  # caretaker in grid 2

    def phones(role: str) -> dict[str, str]:
        db.actor = health_office.actors[role]
        with db.reader() as s:
            return {r.caretaker_name: r.caretaker_phone for r in assignments.list_assignments(s, on=TODAY)}

    assert phones("worker") == {"张立春": "13804310001", "刘明": "13904319876"}
    assert phones("reader_h") == {"张立春": "138****0001", "刘明": "139****9876"}
    assert phones("grid_own_h") == {"张立春": "13804310001", "刘明": "139****9876"}


# --- audit trail and undo --------------------------------------------------------------------------------


def test_assignments_are_in_the_audit_trail_under_the_elder_and_the_last_one_can_be_undone(
    health_office: HealthOffice, db: Database
) -> None:
    town = health_office.town
    first = _assign(db, town.wang, town.li, date(2025, 1, 1))
    second = _assign(db, town.wang, town.zhang, date(2025, 3, 1))
    db.actor = health_office.actors["admin"]
    with db.reader() as s:
        entries = trail.list_entries(s, resident_id=town.wang, limit=2)
    assert [(e.user, e.action, e.resident_name) for e in entries] == [("worker", "指定包保人", "王淑芬")] * 2
    assert "结束日期：（空） → 2025-03-01" in entries[0].summary and "新增包保关系" in entries[0].summary
    assert "开始日期 2025-01-01" in entries[1].summary
    assert f"李桂兰（#{town.li}）" in entries[1].summary  # the caretaker named, not a bare id

    db.actor = health_office.actors["worker"]
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "指定包保人"
    with db.reader() as s:
        assert assignments.list_assignments(s, on=TODAY, include_ended=True) == [first]
        assert second.id not in {r.id for r in assignments.list_assignments(s, include_ended=True)}


# --- every role against every care service ----------------------------------------------------------------

#                       admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
TABLE = matrix("""
assign_caretaker        yes   yes     yes    yes      yes        no           no       no
end_assignment          yes   yes     yes    yes      yes        no           no       no
caretaker_of            yes   yes     yes    yes      yes        no           yes      no
elders_of               yes   yes     yes    yes      yes        hid          yes      no
list_assignments        yes   yes     yes    yes      yes        hid          yes      no
care_targets            yes   yes     yes    yes      yes        hid          yes      no
without_caretaker       yes   yes     yes    yes      yes        hid          yes      no
suggested_caretakers    yes   yes     yes    yes      yes        no           yes      no
""")
WRITES = {"assign_caretaker", "end_assignment"}


@pytest.mark.parametrize(("action", "role", "expected"), cases(TABLE))
def test_role_against_care_service(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str
) -> None:
    town = health_office.town  # the target: 王淑芬 (grid 1); her brother-in-law 张立春 is 楼栋长
    health_db.actor = SYSTEM
    with health_db.transaction("准备") as s:
        roles.assign_role(s, town.zhang, "楼栋长", town.building3, start_on=date(2024, 1, 1))
        kept = assignments.assign_caretaker(s, town.li, town.son, date(2025, 1, 1), today=TODAY)  # for ending
    runs = {
        "assign_caretaker": lambda s: assignments.assign_caretaker(s, town.wang, town.zhang, date(2025, 2, 1),
                                                                   today=TODAY),
        "end_assignment": lambda s: assignments.end_assignment(s, kept.id, date(2025, 2, 1), today=TODAY),
        "caretaker_of": lambda s: assignments.caretaker_of(s, town.li, TODAY),
        "elders_of": lambda s: assignments.elders_of(s, town.son, TODAY),
        "list_assignments": lambda s: assignments.list_assignments(s, on=TODAY),
        "care_targets": lambda s: assignments.care_targets(s, TODAY),
        "without_caretaker": lambda s: assignments.without_caretaker(s, TODAY),
        "suggested_caretakers": lambda s: assignments.suggested_caretakers(s, town.wang, TODAY),
    }
    sees = {
        "caretaker_of": lambda row: row is not None and row.id == kept.id,
        "elders_of": lambda rows: [r.id for r in rows] == [kept.id],
        "list_assignments": lambda rows: kept.id in {r.id for r in rows},
        "care_targets": lambda rows: town.wang in {t.resident_id for t in rows},
        "without_caretaker": lambda rows: town.wang in {t.resident_id for t in rows},
        "suggested_caretakers": lambda options: [o.name for o in options] == ["张立春"],
    }
    check_role(health_db, health_office.actors[role], expected, write=action in WRITES, run=runs[action],
               sees=sees.get(action))


def test_the_table_covers_every_public_care_service() -> None:
    assert public_functions(assignments) == set(TABLE)
