"""Follow-up visits: recording, checks, corrections, the proposed next due date, the audit trail
and undo, and every role against every visit service (tests/health/office.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit import trail
from chang_shan.db.database import Database
from chang_shan.db.models import HealthVisit
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health import visits
from chang_shan.health.shapes import VisitInput
from chang_shan.population import residents, undo
from chang_shan.settings import set_setting
from tests.health.coverage import public_functions
from tests.health.office import HealthOffice, cases, check_role, matrix

TODAY = date(2025, 6, 1)


@pytest.fixture
def hdb(health_db: Database) -> Database:
    health_db.actor = SYSTEM
    return health_db


def _record(db: Database, resident_id: int, **fields: object) -> int:
    data = VisitInput(**{"visited_on": date(2025, 5, 20), **fields})  # type: ignore[arg-type]
    with db.transaction("新增随访") as s:
        return visits.record_visit(s, resident_id, data, today=TODAY).id


def _count(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(HealthVisit)) or 0


# --- recording and reading -----------------------------------------------------------------------


def test_a_visit_is_recorded_with_blood_sugar_in_tenths_and_read_back_as_decimal(
    health_office: HealthOffice, hdb: Database
) -> None:
    zhang = health_office.town.zhang
    with hdb.transaction("新增随访 张立春") as s:
        row = visits.record_visit(s, zhang, VisitInput(
            date(2025, 5, 20), "电话", "随访", "", 135, 85, Decimal("7.2"), "  血压平稳，\r\n\r\n\r\n按时服药  ",
            date(2025, 8, 18)), today=TODAY)
    assert (row.resident_name, row.visited_on, row.kind, row.purpose) == ("张立春", date(2025, 5, 20), "电话", "随访")
    assert row.blood_pressure == "135/85"
    assert row.glucose == Decimal("7.2") and isinstance(row.glucose, Decimal)
    assert row.notes == "血压平稳，\n\n按时服药"
    assert row.visitor == "系统"  # the signed-in actor's display name
    with hdb.reader() as s:
        stored = s.execute(text("SELECT glucose_tenths, typeof(glucose_tenths) FROM health_visit")).one()
        listed = visits.list_visits(s, zhang)
    assert tuple(stored) == (72, "integer")
    assert listed == [row]


def test_visits_are_listed_newest_first_and_same_day_the_last_recorded_first(
    health_office: HealthOffice, hdb: Database
) -> None:
    zhang = health_office.town.zhang
    first = _record(hdb, zhang, visited_on=date(2025, 1, 5))
    morning = _record(hdb, zhang, visited_on=date(2025, 3, 1))
    evening = _record(hdb, zhang, visited_on=date(2025, 3, 1), kind="电话")
    with hdb.reader() as s:
        assert [v.id for v in visits.list_visits(s, zhang)] == [evening, morning, first]
        assert visits.list_visits(s, health_office.town.son) == []
        with pytest.raises(NotFound):
            visits.list_visits(s, 999_999)


def test_the_visitor_defaults_to_the_user_name_when_the_account_has_no_display_name(
    health_office: HealthOffice, health_db: Database
) -> None:
    health_db.actor = health_office.actors["worker_h"]
    with health_db.transaction("新增随访") as s:
        row = visits.record_visit(s, health_office.town.zhang, VisitInput(date(2025, 5, 1), visitor="  "),
                                  today=TODAY)
        named = visits.record_visit(s, health_office.town.zhang, VisitInput(date(2025, 5, 2), visitor="卫生站 王医生"),
                                    today=TODAY)
    assert row.visitor == "nurse"
    assert named.visitor == "卫生站 王医生"


def test_a_visit_without_a_date_is_dated_today_and_measurements_are_optional(
    health_office: HealthOffice, hdb: Database
) -> None:
    with hdb.transaction("新增随访") as s:
        row = visits.record_visit(s, health_office.town.wang, VisitInput(purpose="关怀"), today=TODAY)
    assert row.visited_on == TODAY
    assert (row.systolic, row.diastolic, row.glucose, row.blood_pressure, row.next_due_on) == (None,) * 3 + ("", None)


def test_a_yearly_check_under_65_is_allowed(health_office: HealthOffice, hdb: Database) -> None:
    _record(hdb, health_office.town.son, purpose="年度体检")  # 张伟, 47
    with hdb.reader() as s:
        assert [v.purpose for v in visits.list_visits(s, health_office.town.son)] == ["年度体检"]


@pytest.mark.parametrize(("fields", "key"), [
    ({"visited_on": date(2025, 6, 2)}, "visited_on"),  # after today
    ({"visited_on": date(1950, 3, 11)}, "visited_on"),  # before birth (张立春, born 1950-03-12)
    ({"kind": "视频"}, "kind"),
    ({"purpose": "体检"}, "purpose"),
    ({"systolic": 130}, "diastolic"),  # both or neither
    ({"diastolic": 80}, "systolic"),
    ({"systolic": 59, "diastolic": 40}, "systolic"),
    ({"systolic": 261, "diastolic": 90}, "systolic"),
    ({"systolic": 120, "diastolic": 29}, "diastolic"),
    ({"systolic": 200, "diastolic": 161}, "diastolic"),
    ({"systolic": 120, "diastolic": 120}, "diastolic"),  # not below systolic
    ({"systolic": "130", "diastolic": 80}, "systolic"),
    ({"glucose": Decimal("0.9")}, "glucose"),
    ({"glucose": Decimal("33.4")}, "glucose"),
    ({"glucose": Decimal("7.25")}, "glucose"),  # two decimals
    ({"glucose": "七点二"}, "glucose"),
    ({"glucose": Decimal("NaN")}, "glucose"),
    ({"glucose": Decimal("Infinity")}, "glucose"),
    ({"next_due_on": date(2025, 5, 20)}, "next_due_on"),  # the visit's own day
    ({"next_due_on": date(2025, 5, 1)}, "next_due_on"),
    ({"next_due_on": date(2027, 5, 21)}, "next_due_on"),  # more than two years ahead
    ({"notes": "记" * 501}, "notes"),
    ({"visitor": "王" * 51}, "visitor"),
])
def test_bad_input_is_refused_by_field_and_nothing_is_written(
    health_office: HealthOffice, hdb: Database, fields: dict, key: str
) -> None:
    with pytest.raises(ValidationError) as exc, hdb.transaction("新增随访") as s:
        visits.record_visit(s, health_office.town.zhang, VisitInput(**{"visited_on": date(2025, 5, 20), **fields}),
                            today=TODAY)
    assert key in exc.value.errors and exc.value.errors[key]
    assert _count(hdb) == 0


def test_the_limits_themselves_are_accepted(health_office: HealthOffice, hdb: Database) -> None:
    zhang = health_office.town.zhang
    low = _record(hdb, zhang, systolic=60, diastolic=30, glucose=Decimal("1.0"), visited_on=TODAY,
                  next_due_on=date(2027, 6, 1), notes="记" * 500)
    high = _record(hdb, zhang, systolic=260, diastolic=160, glucose=Decimal("33.3"),
                   visited_on=date(1950, 3, 12))  # the birth day itself
    text_sugar = _record(hdb, zhang, glucose="6.10")  # a form's text; trailing zero is still one decimal
    with hdb.reader() as s:
        rows = {v.id: v for v in visits.list_visits(s, zhang)}
    assert (rows[low].blood_pressure, rows[low].glucose) == ("60/30", Decimal("1.0"))
    assert (rows[high].blood_pressure, rows[high].glucose) == ("260/160", Decimal("33.3"))
    assert rows[text_sugar].glucose == Decimal("6.1")


def test_a_float_blood_sugar_is_a_programming_error(health_office: HealthOffice, hdb: Database) -> None:
    with pytest.raises(TypeError), hdb.transaction("新增随访") as s:
        visits.record_visit(s, health_office.town.zhang, VisitInput(date(2025, 5, 20), glucose=7.2),  # type: ignore[arg-type]
                            today=TODAY)
    assert _count(hdb) == 0


@pytest.mark.parametrize("end", ["move_out", "record_death"])
def test_people_who_moved_out_or_died_keep_their_visits_read_only(
    health_office: HealthOffice, hdb: Database, end: str
) -> None:
    wang = health_office.town.wang
    visit_id = _record(hdb, wang, purpose="关怀")
    with hdb.transaction("王淑芬") as s:
        getattr(residents, end)(s, wang, on_date=date(2025, 5, 25))
    for attempt in (
        lambda s: visits.record_visit(s, wang, VisitInput(date(2025, 5, 21)), today=TODAY),
        lambda s: visits.update_visit(s, visit_id, VisitInput(date(2025, 5, 21)), today=TODAY),
        lambda s: visits.delete_visit(s, visit_id),
    ):
        with pytest.raises(DomainError, match="的居民不能修改随访记录"), hdb.transaction("随访") as s:
            attempt(s)
    with hdb.reader() as s:
        assert [v.id for v in visits.list_visits(s, wang)] == [visit_id]


def test_a_correction_changes_the_visit_and_keeps_the_visitor(health_office: HealthOffice, hdb: Database) -> None:
    zhang = health_office.town.zhang
    visit_id = _record(hdb, zhang, visitor="王医生", systolic=150, diastolic=95)
    with hdb.transaction("修改随访") as s:
        row = visits.update_visit(s, visit_id, VisitInput(date(2025, 5, 21), "电话", "随访", "", None, None,
                                                          Decimal("6.5"), "复测", date(2025, 8, 19)), today=TODAY)
    assert (row.visited_on, row.kind, row.visitor, row.blood_pressure, row.glucose, row.notes, row.next_due_on) == (
        date(2025, 5, 21), "电话", "王医生", "", Decimal("6.5"), "复测", date(2025, 8, 19))
    with pytest.raises(ValidationError), hdb.transaction("修改随访") as s:
        visits.update_visit(s, visit_id, VisitInput(date(2025, 6, 2)), today=TODAY)
    with hdb.reader() as s:
        assert visits.list_visits(s, zhang) == [row]
    with pytest.raises(NotFound), hdb.transaction("修改随访") as s:
        visits.update_visit(s, 999_999, VisitInput(date(2025, 5, 21)), today=TODAY)


def test_a_visit_is_deleted(health_office: HealthOffice, hdb: Database) -> None:
    zhang = health_office.town.zhang
    keep, drop = _record(hdb, zhang), _record(hdb, zhang, visited_on=date(2025, 5, 21))
    with hdb.transaction("删除随访") as s:
        visits.delete_visit(s, drop)
    with hdb.reader() as s:
        assert [v.id for v in visits.list_visits(s, zhang)] == [keep]
    with pytest.raises(NotFound), hdb.transaction("删除随访") as s:
        visits.delete_visit(s, drop)


# --- the proposed next due date --------------------------------------------------------------------


def test_a_follow_up_patient_is_due_again_after_90_days(health_office: HealthOffice, hdb: Database) -> None:
    with hdb.reader() as s:
        assert visits.default_next_due(s, health_office.town.zhang, date(2025, 11, 30), "随访") == date(2026, 2, 28)
        assert visits.default_next_due(s, health_office.liu, date(2024, 12, 1), "随访") == date(2025, 3, 1)
        # 李桂兰 has no disease the 规范 follows up: no plan.
        assert visits.default_next_due(s, health_office.town.li, date(2025, 5, 1), "随访") is None


def test_the_yearly_check_is_due_a_year_later_and_a_leap_day_check_on_28_february(
    health_office: HealthOffice, hdb: Database
) -> None:
    with hdb.reader() as s:
        assert visits.default_next_due(s, health_office.town.li, date(2025, 3, 31), "年度体检") == date(2026, 3, 31)
        assert visits.default_next_due(s, health_office.town.li, date(2028, 2, 29), "年度体检") == date(2029, 2, 28)
        assert visits.default_next_due(s, health_office.town.li, date(2027, 12, 31), "年度体检") == date(2028, 12, 31)


def test_a_care_call_of_a_care_target_is_due_after_the_configured_days(
    health_office: HealthOffice, hdb: Database
) -> None:
    wang, zhang = health_office.town.wang, health_office.town.zhang
    with hdb.reader() as s:
        assert visits.default_next_due(s, wang, date(2025, 1, 31), "关怀") == date(2025, 3, 2)  # default 30 days
        assert visits.default_next_due(s, zhang, date(2025, 1, 31), "关怀") is None  # lives with family
        # 王淑芬 (born 1940-11-02) was not yet 60 on 2000-11-01: not a care target that day.
        assert visits.default_next_due(s, wang, date(2000, 11, 1), "关怀") is None
        assert visits.default_next_due(s, wang, date(2000, 11, 2), "关怀") == date(2000, 12, 2)
    with hdb.transaction("修改设置") as s:
        set_setting(s, "today.not_visited_days", 14)
    with hdb.reader() as s:
        assert visits.default_next_due(s, wang, date(2025, 2, 20), "关怀") == date(2025, 3, 6)
        with pytest.raises(ValidationError) as exc:
            visits.default_next_due(s, wang, date(2025, 2, 20), "体检")
    assert "purpose" in exc.value.errors


# --- audit trail and undo ------------------------------------------------------------------------------


def test_visits_are_in_the_audit_trail_for_health_users_only_and_the_last_one_can_be_undone(
    health_office: HealthOffice, health_db: Database
) -> None:
    zhang = health_office.town.zhang
    health_db.actor = health_office.actors["worker_h"]
    visit_id = _record(health_db, zhang, systolic=142, diastolic=91)
    with health_db.transaction("修改随访 张立春") as s:
        visits.update_visit(s, visit_id, VisitInput(date(2025, 5, 20), systolic=138, diastolic=88), today=TODAY)
    health_db.actor = health_office.actors["admin_h"]
    with health_db.reader() as s:
        changed, added = trail.list_entries(s, limit=2)
    assert (added.user, added.action, added.resident_id) == ("nurse", "新增随访", zhang)
    assert "新增随访记录" in added.summary and "收缩压（mmHg） 142" in added.summary
    assert changed.action == "修改随访 张立春" and "收缩压（mmHg）：142 → 138" in changed.summary
    health_db.actor = health_office.actors["admin"]  # no health permission: the values are hidden
    with health_db.reader() as s:
        hidden = trail.list_entries(s, limit=1)[0]
    assert "内容受限" in hidden.summary and "138" not in hidden.summary

    health_db.actor = health_office.actors["worker_h"]
    with health_db.transaction("撤销") as s:
        assert undo.undo_last(s) == "修改随访 张立春"
    with health_db.reader() as s:
        assert visits.list_visits(s, zhang)[0].blood_pressure == "142/91"
    with health_db.transaction("撤销") as s:
        assert undo.undo_last(s) == "新增随访"
    assert _count(health_db) == 0


# --- every role against every visit service ----------------------------------------------------------

#                   admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
TABLE = matrix("""
record_visit        no    yes     no     yes      yes        no           no       no
update_visit        no    yes     no     yes      yes        no           no       no
delete_visit        no    yes     no     yes      yes        no           no       no
list_visits         no    yes     no     yes      yes        no           yes      no
default_next_due    no    yes     no     yes      yes        no           yes      no
""")
WRITES = {"record_visit", "update_visit", "delete_visit"}


@pytest.mark.parametrize(("action", "role", "expected"), cases(TABLE))
def test_role_against_visit_service(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str
) -> None:
    zhang = health_office.town.zhang  # grid 1, a 高血压 patient
    health_db.actor = SYSTEM
    visit_id = _record(health_db, zhang)
    runs = {
        "record_visit": lambda s: visits.record_visit(s, zhang, VisitInput(date(2025, 5, 21)), today=TODAY),
        "update_visit": lambda s: visits.update_visit(s, visit_id, VisitInput(date(2025, 5, 22)), today=TODAY),
        "delete_visit": lambda s: visits.delete_visit(s, visit_id),
        "list_visits": lambda s: visits.list_visits(s, zhang),
        "default_next_due": lambda s: visits.default_next_due(s, zhang, date(2025, 5, 20), "随访"),
    }
    sees = {
        "list_visits": lambda result: [v.id for v in result] == [visit_id],
        "default_next_due": lambda result: result == date(2025, 8, 18),
    }
    check_role(health_db, health_office.actors[role], expected, write=action in WRITES, run=runs[action],
               sees=sees.get(action))


def test_the_table_covers_every_public_visit_service() -> None:
    internal = {"one_year_after", "glucose_tenths", "is_follow_up_patient"}  # helpers: no permission of their own
    assert public_functions(visits) - internal == set(TABLE)
