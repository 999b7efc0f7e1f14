"""``run_checks`` passes on a fresh demo and finds each kind of problem put into a copy of it."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from chang_shan.db.database import Database
from chang_shan.maintenance import check
from chang_shan.maintenance.check import run_checks
from chang_shan.paths import DataDir
from chang_shan.population import idnumber, search
from tests.demo.template import TODAY

FULL_ID = re.compile(r"\d{17}[\dXx]")


def _one(s: Session, sql: str, **params: object):  # noqa: ANN202 - a Row
    return s.execute(text(sql), params).first()


def _flat(s: Session, kind: str = "楼房"):  # noqa: ANN202
    """A household (with its head) in a building of this kind whose head holds no post."""
    return _one(
        s,
        "SELECT h.id, h.head_id, h.building_id, h.unit_id FROM household h JOIN building b ON b.id = h.building_id "
        "WHERE b.kind = :kind AND h.head_id NOT IN (SELECT resident_id FROM role_assignment) ORDER BY h.id LIMIT 1",
        kind=kind,
    )


def _member(s: Session):  # noqa: ANN202
    """An active resident who is neither a head nor holds a post nor is in an open 包保 assignment."""
    return _one(
        s,
        "SELECT id, household_id, id_number, birth_date, sex_code FROM resident WHERE status = '在册' "
        "AND relation_code != '02' AND id NOT IN (SELECT resident_id FROM role_assignment) "
        "AND id NOT IN (SELECT elder_id FROM care_assignment WHERE end_on IS NULL "
        "UNION SELECT caretaker_id FROM care_assignment WHERE end_on IS NULL) ORDER BY id LIMIT 1",
    )


def _members_of(s: Session, household_id: int) -> list[int]:
    return list(s.execute(text("SELECT id FROM resident WHERE household_id = :h"), {"h": household_id}).scalars())


# Each injection changes a copy of the demo and returns (the check keys that must report it,
# a text the report must contain). It keeps the search index in step unless the index is the point.
Injection = Callable[[Session], tuple[set[str], str]]


def head_not_a_member(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    b = _one(s, "SELECT id, head_id FROM household WHERE id != :a ORDER BY id DESC LIMIT 1", a=a.id)
    s.execute(text("UPDATE household SET head_id = :head WHERE id = :id"), {"head": b.head_id, "id": a.id})
    return {"household_head"}, f"户 #{a.id} "


def head_with_wrong_relation(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    s.execute(text("UPDATE resident SET relation_code = '10' WHERE id = :id"), {"id": a.head_id})
    return {"household_head"}, f"居民 #{a.head_id} "


def head_moved_out(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    s.execute(text("UPDATE resident SET status = '已迁出', moved_out_on = :d WHERE id = :id"),
              {"id": a.head_id, "d": TODAY})
    search.index_residents(s, [a.head_id])
    return {"household_head"}, "已迁出"


def second_member_claims_head(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET relation_code = '02' WHERE id = :id"), {"id": m.id})
    return {"household_head"}, f"居民 #{m.id} "


def wrong_check_digit(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    last = m.id_number[-1]
    wrong = m.id_number[:-1] + ("0" if last != "0" else "1")
    s.execute(text("UPDATE resident SET id_number = :n WHERE id = :id"), {"n": wrong, "id": m.id})
    search.index_residents(s, [m.id])
    return {"id_number"}, "校验位"


def birth_date_disagrees(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET birth_date = date(birth_date, '-1 day') WHERE id = :id"), {"id": m.id})
    return {"id_number"}, "出生日期"


def sex_disagrees(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET sex_code = :x WHERE id = :id"),
              {"x": "2" if m.sex_code == "1" else "1", "id": m.id})
    return {"id_number"}, "性别"


def lowercase_x_stored(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT id, id_number FROM resident WHERE id_number LIKE '%X' ORDER BY id LIMIT 1")
    s.execute(text("UPDATE resident SET id_number = :n WHERE id = :id"), {"n": row.id_number.lower(), "id": row.id})
    search.index_residents(s, [row.id])
    return {"id_number"}, "标准 18 位"


def duplicate_unit_head(s: Session) -> tuple[set[str], str]:
    post = _one(s, "SELECT unit_id FROM role_assignment WHERE role = '单元长' AND end_on IS NULL ORDER BY id LIMIT 1")
    other = _one(
        s,
        "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE h.unit_id = :u "
        "AND r.status = '在册' AND r.id NOT IN (SELECT resident_id FROM role_assignment) LIMIT 1",
        u=post.unit_id,
    )
    s.execute(
        text("INSERT INTO role_assignment (resident_id, role, unit_id, start_on, note) "
             "VALUES (:r, '单元长', :u, :d, '')"),
        {"r": other.id, "u": post.unit_id, "d": TODAY - timedelta(days=10)},
    )
    return {"roles"}, "同时有 2 位在任单元长"


def post_held_by_the_dead(s: Session) -> tuple[set[str], str]:
    holder = _one(
        s,
        "SELECT a.resident_id FROM role_assignment a WHERE a.end_on IS NULL "
        "AND a.resident_id NOT IN (SELECT head_id FROM household) ORDER BY a.id LIMIT 1",
    )
    s.execute(text("UPDATE resident SET status = '已故', died_on = :d WHERE id = :id"),
              {"id": holder.resident_id, "d": TODAY})
    search.index_residents(s, [holder.resident_id])
    return {"roles"}, "已故"


def flat_without_unit(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    s.execute(text("UPDATE household SET unit_id = NULL WHERE id = :id"), {"id": a.id})
    search.index_residents(s, _members_of(s, a.id))
    return {"household_place"}, f"户 #{a.id} "


def low_rise_with_unit(s: Session) -> tuple[set[str], str]:
    a = _flat(s, "平房区")
    unit = _one(s, "SELECT id FROM unit ORDER BY id LIMIT 1")
    s.execute(text("UPDATE household SET unit_id = :u WHERE id = :id"), {"u": unit.id, "id": a.id})
    search.index_residents(s, _members_of(s, a.id))
    return {"household_place"}, "平房区"


def unit_of_another_building(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    unit = _one(s, "SELECT id FROM unit WHERE building_id != :b ORDER BY id LIMIT 1", b=a.building_id)
    s.execute(text("UPDATE household SET unit_id = :u WHERE id = :id"), {"u": unit.id, "id": a.id})
    search.index_residents(s, _members_of(s, a.id))
    return {"household_place"}, f"户 #{a.id} "


def resident_without_household(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET household_id = NULL WHERE id = :id"), {"id": m.id})
    search.index_residents(s, [m.id])
    return {"resident_household"}, f"居民 #{m.id} "


def household_dissolved_with_people_in_it(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    s.execute(text("UPDATE household SET dissolved_on = :d WHERE id = :id"), {"d": TODAY, "id": a.id})
    return {"resident_household"}, "注销"


def movements_out_of_order(s: Session) -> tuple[set[str], str]:
    m = _one(
        s,
        "SELECT r.id, r.birth_date, r.moved_in_on, r.household_id FROM resident r WHERE r.status = '在册' "
        "AND r.moved_in_on > date(r.birth_date, '+30 days') ORDER BY r.id LIMIT 1",
    )
    s.execute(
        text("INSERT INTO movement (resident_id, kind, on_date, from_household_id, to_household_id, note, "
             "recorded_at) VALUES (:r, '转户', date(:d, '-10 days'), :h, :h, '', CURRENT_TIMESTAMP)"),
        {"r": m.id, "d": m.moved_in_on, "h": m.household_id},
    )
    return {"movements"}, "先后颠倒"


def movement_before_birth(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE movement SET on_date = date(:b, '-10 days') WHERE resident_id = :id"),
              {"b": m.birth_date, "id": m.id})
    return {"movements"}, "早于出生日期"


def dead_without_a_date(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET status = '已故' WHERE id = :id"), {"id": m.id})
    search.index_residents(s, [m.id])
    return {"movements"}, "没有死亡日期"


def index_entry_missing(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text(f"DELETE FROM {search.TABLE} WHERE rowid = :id"), {"id": m.id})
    return {"search_index"}, "缺少 1 位居民"


def index_name_outdated(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET name = '新名字' WHERE id = :id"), {"id": m.id})
    return {"search_index"}, "姓名已过时"


def index_state_outdated(s: Session) -> tuple[set[str], str]:
    m = _member(s)
    s.execute(text("UPDATE resident SET status = '已迁出', moved_out_on = :d WHERE id = :id"), {"id": m.id, "d": TODAY})
    return {"search_index"}, "在册状态已过时"


def index_address_outdated(s: Session) -> tuple[set[str], str]:
    a = _flat(s)
    s.execute(text("UPDATE household SET room = '9999' WHERE id = :id"), {"id": a.id})
    return {"search_index"}, "住址已过时"


def index_entry_without_resident(s: Session) -> tuple[set[str], str]:
    s.execute(text(f"INSERT INTO {search.TABLE} (rowid, name) VALUES (999999, '幽 灵')"))
    return {"search_index"}, "#999999"


INJECTIONS: list[Injection] = [
    head_not_a_member, head_with_wrong_relation, head_moved_out, second_member_claims_head,
    wrong_check_digit, birth_date_disagrees, sex_disagrees, lowercase_x_stored,
    duplicate_unit_head, post_held_by_the_dead,
    flat_without_unit, low_rise_with_unit, unit_of_another_building,
    resident_without_household, household_dissolved_with_people_in_it,
    movements_out_of_order, movement_before_birth, dead_without_a_date,
    index_entry_missing, index_name_outdated, index_state_outdated, index_address_outdated,
    index_entry_without_resident,
]


def _assert_no_full_id_numbers(report: check.CheckReport) -> None:
    assert not FULL_ID.search(report.describe())
    assert not FULL_ID.search(str(report.as_dict()))


def test_a_fresh_demo_passes(demo_db: Database) -> None:
    report = run_checks(demo_db, today=TODAY)
    assert report.ok, report.describe()
    assert report.problems == [] and report.problem_count == 0
    lines = report.describe().splitlines()
    assert len(lines) == 1 and "检查通过" in lines[0]
    assert report.as_dict()["ok"] is True
    assert report.as_dict()["checks"] == [key for key, _, _ in check.CHECKS]
    assert report.checked["residents"] > 7000


@pytest.mark.parametrize("inject", INJECTIONS, ids=lambda f: f.__name__)
def test_each_kind_of_problem_is_found(demo_copy: DataDir, inject: Injection) -> None:
    assert_found(demo_copy, inject)


def assert_found(demo_copy: DataDir, inject: Injection) -> check.CheckReport:
    """Inject one problem into the copy: exactly the expected checks report it, mentioning it."""
    with Database.open(demo_copy) as db:
        with db.sessions() as s, s.begin():
            expected, mention = inject(s)
        report = run_checks(db, today=TODAY)
    assert not report.ok
    found = {p.check for p in report.problems}
    assert found == expected, report.describe()
    assert mention in report.describe()
    lines = report.describe().splitlines()
    assert len(lines) == len(report.problems)
    assert all(line.startswith("【") for line in lines)
    _assert_no_full_id_numbers(report)
    data = report.as_dict()
    assert data["ok"] is False and data["problem_count"] == len(report.problems)
    assert {p["check"] for p in data["problems"]} == expected
    return report


def test_a_broken_foreign_key_is_found(demo_copy: DataDir) -> None:
    connection = sqlite3.connect(demo_copy.database)  # foreign keys are off in a bare connection
    connection.execute("INSERT INTO household_tag (household_id, tag) VALUES (999999, '出租户')")
    connection.commit()
    connection.close()
    with Database.open(demo_copy) as db:
        report = run_checks(db, today=TODAY)
    assert {p.check for p in report.problems} == {"foreign_keys"}
    assert "household_tag" in report.describe() and "household" in report.describe()


def test_a_damaged_file_is_found(demo_copy: DataDir) -> None:
    """Two indexes swapped in the schema: every row is "missing" from both."""
    connection = sqlite3.connect(demo_copy.database)
    pages = dict(connection.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE name IN ('ix_resident_phone', 'ix_resident_name')"
    ).fetchall())
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_resident_phone'",
                       (pages["ix_resident_name"],))
    connection.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_resident_name'",
                       (pages["ix_resident_phone"],))
    connection.commit()
    connection.close()
    with Database.open(demo_copy, lock=False, migrate=False) as db:
        report = run_checks(db, today=TODAY)
    assert "integrity" in {p.check for p in report.problems}
    assert "数据库文件损坏" in report.describe()
    assert report.omitted.get("integrity", 0) > 0, "a long list is cut, and says how much was left out"
    assert len(report.describe().splitlines()) <= len(check.CHECKS) * (check.MAX_LISTED + 1)


def test_many_problems_are_listed_up_to_a_limit(demo_copy: DataDir) -> None:
    with Database.open(demo_copy) as db:
        with db.sessions() as s, s.begin():
            s.execute(text(
                "UPDATE resident SET sex_code = CASE sex_code WHEN '1' THEN '2' ELSE '1' END "
                "WHERE id IN (SELECT id FROM resident ORDER BY id LIMIT 60)"
            ))
        report = run_checks(db, today=TODAY)
    assert len(report.problems) == check.MAX_LISTED
    assert report.omitted == {"id_number": 60 - check.MAX_LISTED}
    assert report.problem_count == 60
    lines = report.describe().splitlines()
    assert len(lines) == check.MAX_LISTED + 1
    assert f"另有 {60 - check.MAX_LISTED} 处" in lines[-1]


def test_a_check_that_cannot_run_is_reported(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx: object):  # noqa: ANN202
        raise OperationalError("SELECT 1", {}, Exception("no such table: resident_health"))
        yield  # pragma: no cover

    monkeypatch.setattr(check, "CHECKS", [*check.CHECKS, ("health", "健康档案", broken)])
    report = run_checks(demo_db, today=TODAY)
    assert [p.check for p in report.problems] == ["health"]
    assert "无法完成“健康档案”检查" in report.describe() and "resident_health" in report.describe()


def test_labels_mask_the_id_number(demo_db: Database) -> None:
    with demo_db.reader() as s:
        row = _member(s)
        ctx = check.CheckContext(s, TODAY)  # the label helper itself
        label = ctx.resident(row.id)
    assert idnumber.mask(row.id_number) in label and row.id_number not in label
    assert label.startswith(f"居民 #{row.id} ")
