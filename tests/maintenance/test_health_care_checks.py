"""``run_checks`` on the 居民健康库 and 包保 tables: each kind of problem put into a copy of the demo
is found by exactly its check, and the report never shows a health value."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.health import codes
from chang_shan.maintenance.check import run_checks
from chang_shan.paths import DataDir
from chang_shan.population import residents, search
from tests.demo.template import TODAY
from tests.maintenance.test_check import Injection, _one, assert_found

# What a health problem must never show: the meaning of a code (a disease, an allergy …).
HEALTH_WORDS = {
    label
    for table in (codes.disease(), codes.family_disease(), codes.allergy(), codes.exposure(), codes.disability(),
                  codes.blood_type(), codes.rh())
    for code, label in table.entries
    if code != codes.NONE_CODE and label not in ("其他", "不详")
}


def _ignoring_check_constraints(s: Session, sql: str, **params: object) -> None:
    """A row the schema's CHECK constraints would refuse (a hand-edited database). SQLite's
    integrity check reports the broken constraint too, and the ledger's check says what it means."""
    s.execute(text("PRAGMA ignore_check_constraints = ON"))
    s.execute(text(sql), params)
    s.execute(text("PRAGMA ignore_check_constraints = OFF"))


def _profile(s: Session) -> int:
    return _one(s, "SELECT resident_id FROM health_profile ORDER BY resident_id LIMIT 1").resident_id


def _quiet_resident_with_visits(s: Session):  # noqa: ANN202 - a Row
    """An active resident with visits who heads no household, holds no post and is in no open
    包保 assignment: changing their status upsets nothing but the visits."""
    return _one(
        s,
        "SELECT r.id, max(v.visited_on) AS last_on FROM resident r JOIN health_visit v ON v.resident_id = r.id "
        "WHERE r.status = '在册' AND r.relation_code != '02' "
        "AND r.id NOT IN (SELECT resident_id FROM role_assignment) "
        "AND r.id NOT IN (SELECT elder_id FROM care_assignment WHERE end_on IS NULL) "
        "AND r.id NOT IN (SELECT caretaker_id FROM care_assignment WHERE end_on IS NULL) "
        "GROUP BY r.id ORDER BY r.id LIMIT 1",
    )


# --- 健康档案 codes -------------------------------------------------------------------------


def blood_type_unknown(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_profile SET blood_type = '9' WHERE resident_id = :r"), {"r": _profile(s)})
    return {"health_codes"}, "血型代码无效"


def no_allergy_and_penicillin(s: Session) -> tuple[set[str], str]:
    s.execute(text("""UPDATE health_profile SET allergies = '["1", "2"]' WHERE resident_id = :r"""), {"r": _profile(s)})
    return {"health_codes"}, "药物过敏史选了“无”，又选了其他项"


def disabilities_not_a_list(s: Session) -> tuple[set[str], str]:
    s.execute(text("""UPDATE health_profile SET disabilities = '"7"' WHERE resident_id = :r"""), {"r": _profile(s)})
    return {"health_codes"}, "残疾情况不是代码列表"


def payment_code_unknown(s: Session) -> tuple[set[str], str]:
    s.execute(text("""UPDATE health_profile SET payment = '["99"]' WHERE resident_id = :r"""), {"r": _profile(s)})
    return {"health_codes"}, "医疗费用支付方式中有无效的代码"


def disease_code_unknown(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT id FROM health_condition WHERE category = '疾病' ORDER BY id LIMIT 1")
    s.execute(text("UPDATE health_condition SET code = '99' WHERE id = :id"), {"id": row.id})
    return {"health_codes"}, f"一条既往史（#{row.id}）的疾病代码无效"


def condition_category_unknown(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT id FROM health_condition WHERE category = '手术' ORDER BY id LIMIT 1")
    _ignoring_check_constraints(s, "UPDATE health_condition SET category = '病史' WHERE id = :id", id=row.id)
    return {"health_codes", "integrity"}, "类别无效"


def operation_with_disease_code(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT id FROM health_condition WHERE category = '手术' ORDER BY id LIMIT 1")
    s.execute(text("UPDATE health_condition SET code = '2' WHERE id = :id"), {"id": row.id})
    return {"health_codes"}, "手术记录带有疾病代码"


def family_none_and_a_disease(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT resident_id, relative FROM health_family_history WHERE code != '1' ORDER BY resident_id LIMIT 1")
    s.execute(text("INSERT INTO health_family_history (resident_id, relative, code) VALUES (:r, :rel, '1')"),
              {"r": row.resident_id, "rel": row.relative})
    return {"health_codes"}, f"家族史（{row.relative}）选了“无”，又选了其他项"


# --- 自理能力评估 -----------------------------------------------------------------------------


def self_care_total_wrong(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_self_care SET total = total + 1 WHERE id = (SELECT min(id) FROM health_self_care)"))
    return {"self_care"}, "总分与各项评分之和不符"


def self_care_score_not_on_the_form(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_self_care SET eating = 2, total = total - eating + 2 "
                   "WHERE id = (SELECT min(id) FROM health_self_care)"))
    return {"self_care"}, "进餐的评分不是表中的分值"


# --- 随访记录 ----------------------------------------------------------------------------------


def next_due_on_the_visit_day(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_visit SET next_due_on = visited_on WHERE id = (SELECT min(id) FROM health_visit)"))
    return {"visits"}, "下次随访日期不晚于随访日期"


def blood_pressure_half_missing(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_visit SET diastolic = NULL "
                   "WHERE id = (SELECT min(id) FROM health_visit WHERE systolic IS NOT NULL)"))
    return {"visits"}, "血压只填了收缩压、舒张压中的一项"


def diastolic_not_below_systolic(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE health_visit SET diastolic = systolic "
                   "WHERE id = (SELECT min(id) FROM health_visit WHERE systolic IS NOT NULL)"))
    return {"visits"}, "舒张压不低于收缩压"


def visit_before_birth(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT v.id, r.birth_date FROM health_visit v JOIN resident r ON r.id = v.resident_id "
                  "ORDER BY v.id LIMIT 1")
    s.execute(text("UPDATE health_visit SET visited_on = date(:b, '-1 day') WHERE id = :id"),
              {"b": row.birth_date, "id": row.id})
    return {"visits"}, "随访日期早于出生日期"


def visit_after_death(s: Session) -> tuple[set[str], str]:
    row = _quiet_resident_with_visits(s)
    s.execute(text("UPDATE resident SET status = '已故', died_on = date(:d, '-1 day') WHERE id = :id"),
              {"d": row.last_on, "id": row.id})
    search.index_residents(s, [row.id])
    return {"visits"}, "随访日期晚于死亡日期"


def visit_after_moving_out(s: Session) -> tuple[set[str], str]:
    row = _quiet_resident_with_visits(s)
    s.execute(text("UPDATE resident SET status = '已迁出', moved_out_on = date(:d, '-1 day') WHERE id = :id"),
              {"d": row.last_on, "id": row.id})
    search.index_residents(s, [row.id])
    return {"visits"}, "随访日期晚于迁出日期"


# --- 包保 and contacts -------------------------------------------------------------------------


def care_ends_before_it_starts(s: Session) -> tuple[set[str], str]:
    s.execute(text("UPDATE care_assignment SET end_on = date(start_on, '-1 day') "
                   "WHERE id = (SELECT min(id) FROM care_assignment WHERE end_on IS NOT NULL)"))
    return {"care_assignments"}, "的结束日期（"


def two_open_assignments(s: Session) -> tuple[set[str], str]:
    row = _one(s, "SELECT elder_id, caretaker_id FROM care_assignment WHERE end_on IS NULL ORDER BY id LIMIT 1")
    other = _one(s, "SELECT resident_id FROM role_assignment WHERE end_on IS NULL AND resident_id NOT IN (:e, :c) "
                    "ORDER BY id LIMIT 1", e=row.elder_id, c=row.caretaker_id)
    s.execute(text("INSERT INTO care_assignment (elder_id, caretaker_id, start_on, note) VALUES (:e, :c, :d, '')"),
              {"e": row.elder_id, "c": other.resident_id, "d": TODAY})
    return {"care_assignments"}, f"居民 #{row.elder_id} "


def elder_moved_out_but_still_cared_for(s: Session) -> tuple[set[str], str]:
    row = _one(
        s,
        "SELECT a.elder_id FROM care_assignment a JOIN resident r ON r.id = a.elder_id WHERE a.end_on IS NULL "
        "AND r.relation_code != '02' AND r.id NOT IN (SELECT resident_id FROM role_assignment) ORDER BY a.id LIMIT 1",
    )
    s.execute(text("UPDATE resident SET status = '已迁出', moved_out_on = :d WHERE id = :id"),
              {"d": TODAY, "id": row.elder_id})
    search.index_residents(s, [row.elder_id])
    return {"care_assignments"}, "已迁出，但包保记录"


def caretaker_dead_but_still_caring(s: Session) -> tuple[set[str], str]:
    dead = _one(s, "SELECT id FROM resident WHERE status = '已故' ORDER BY id LIMIT 1")
    s.execute(text("UPDATE care_assignment SET caretaker_id = :c "
                   "WHERE id = (SELECT min(id) FROM care_assignment WHERE end_on IS NULL)"), {"c": dead.id})
    return {"care_assignments"}, f"包保人居民 #{dead.id} "


def own_caretaker(s: Session) -> tuple[set[str], str]:
    _ignoring_check_constraints(s, "UPDATE care_assignment SET caretaker_id = elder_id "
                                   "WHERE id = (SELECT min(id) FROM care_assignment WHERE end_on IS NULL)")
    return {"care_assignments", "integrity"}, "包保人登记成了其本人"


def _two_contacts(s: Session) -> int:
    return _one(s, "SELECT resident_id FROM resident_contact GROUP BY resident_id HAVING count(*) = 2 "
                   "ORDER BY resident_id LIMIT 1").resident_id


def contacts_with_a_gap(s: Session) -> tuple[set[str], str]:
    resident_id = _two_contacts(s)
    s.execute(text("UPDATE resident_contact SET position = 3 WHERE resident_id = :r AND position = 2"),
              {"r": resident_id})
    return {"contacts"}, f"居民 #{resident_id} "


def contacts_numbered_twice(s: Session) -> tuple[set[str], str]:
    resident_id = _two_contacts(s)
    s.execute(text("UPDATE resident_contact SET position = 1 WHERE resident_id = :r"), {"r": resident_id})
    return {"contacts"}, "2 位紧急联系人的顺序号不是 1 到 2 连续不重复"


INJECTIONS: list[Injection] = [
    blood_type_unknown, no_allergy_and_penicillin, disabilities_not_a_list, payment_code_unknown,
    disease_code_unknown, condition_category_unknown, operation_with_disease_code, family_none_and_a_disease,
    self_care_total_wrong, self_care_score_not_on_the_form,
    next_due_on_the_visit_day, blood_pressure_half_missing, diastolic_not_below_systolic,
    visit_before_birth, visit_after_death, visit_after_moving_out,
    care_ends_before_it_starts, two_open_assignments, elder_moved_out_but_still_cared_for,
    caretaker_dead_but_still_caring, own_caretaker,
    contacts_with_a_gap, contacts_numbered_twice,
]


@pytest.mark.parametrize("inject", INJECTIONS, ids=lambda f: f.__name__)
def test_each_kind_of_problem_is_found(demo_copy: DataDir, inject: Injection) -> None:
    report = assert_found(demo_copy, inject)
    assert len(report.problems) == len({p.check for p in report.problems}), report.describe()
    ours = [p for p in report.problems if p.check != "integrity"]
    assert len(ours) == 1 and ours[0].table is not None and ours[0].record_id is not None
    shown = report.describe() + str(report.as_dict())
    assert not [word for word in HEALTH_WORDS if word in shown], shown


def test_health_words_are_real_labels() -> None:
    """The guard above would pass vacuously without them."""
    assert {"高血压", "青霉素", "AB型", "阳性", "肢体残疾"} <= HEALTH_WORDS
    assert "无" not in HEALTH_WORDS


def test_leaving_through_the_services_keeps_the_check_clean(demo_copy: DataDir) -> None:
    """Moving out and death end the 包保 of the elder and of the caretaker (``_end_care``): the
    check and the services agree."""
    with Database.open(demo_copy) as db:
        db.actor = SYSTEM
        with db.reader() as s:
            elder = _one(
                s,
                "SELECT a.elder_id FROM care_assignment a JOIN resident r ON r.id = a.elder_id "
                "WHERE a.end_on IS NULL AND r.relation_code != '02' ORDER BY a.id LIMIT 1",
            ).elder_id
            caretaker = _one(
                s,
                "SELECT a.caretaker_id FROM care_assignment a JOIN resident r ON r.id = a.caretaker_id "
                "WHERE a.end_on IS NULL AND a.elder_id != :e AND r.relation_code != '02' ORDER BY a.id LIMIT 1",
                e=elder,
            ).caretaker_id
            open_before = s.execute(text("SELECT count(*) FROM care_assignment WHERE end_on IS NULL")).scalar()
            theirs = s.execute(
                text("SELECT count(*) FROM care_assignment WHERE end_on IS NULL AND (elder_id = :e OR caretaker_id IN (:e, :c))"),
                {"e": elder, "c": caretaker},
            ).scalar()
        with db.transaction("迁出与死亡") as s:
            residents.move_out(s, elder, on_date=TODAY)
            residents.record_death(s, caretaker, on_date=TODAY)
        report = run_checks(db, today=TODAY)
        with db.reader() as s:
            open_after = s.execute(text("SELECT count(*) FROM care_assignment WHERE end_on IS NULL")).scalar()
    assert report.ok, report.describe()
    assert theirs >= 2 and open_after == open_before - theirs
