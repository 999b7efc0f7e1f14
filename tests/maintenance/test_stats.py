"""``ledger_counts``: stable keys, values that agree with the rows, JSON-friendly; the 居民健康库
and 包保 counts exact on a small community and in step with the demo's own summary."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

from sqlalchemy import select

from chang_shan.care import assignments
from chang_shan.db.database import Database
from chang_shan.db.models import Resident, RoleAssignment
from chang_shan.demo.builder import DemoSummary
from chang_shan.health import profiles, selfcare, visits
from chang_shan.health.codes import CHRONIC_CODES
from chang_shan.health.shapes import ConditionInput, ProfileInput, SelfCareInput, VisitInput
from chang_shan.maintenance.stats import LABELS, ledger_counts, shift_years
from chang_shan.paths import DataDir
from chang_shan.population import residents
from chang_shan.population.residents import age_on
from tests.demo.template import TODAY
from tests.population.community import KUANCHENG, Community, build_community, id_number, person

KEYS = (
    "grids", "buildings", "low_rise_areas", "units", "households", "residents", "residents_total",
    "moved_out", "deceased", "aged_60_plus", "organisations", "role_assignments_active",
    "party_households", "lone_elders",
    "health_profiles", "chronic_patients", "visits_last_year", "care_targets", "care_without_caretaker",
    "wandering_risk",
)
HEALTH_KEYS = KEYS[-6:]


def _sql(data_dir: DataDir, query: str, *params: object) -> int:
    connection = sqlite3.connect(data_dir.database)
    try:
        return connection.execute(query, params).fetchone()[0]
    finally:
        connection.close()


def test_keys_are_stable_and_json_friendly(demo_db: Database) -> None:
    with demo_db.reader() as s:
        counts = ledger_counts(s, today=TODAY)
    for key in KEYS:
        assert key in counts, key
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values())
    assert json.loads(json.dumps(counts)) == counts
    assert list(counts) == list(LABELS), "every key has a Chinese label, in output order"


def test_values_agree_with_the_rows(demo: tuple[DataDir, object], demo_db: Database) -> None:
    data_dir = demo[0]
    with demo_db.reader() as s:
        counts = ledger_counts(s, today=TODAY)
        births = s.scalars(select(Resident.birth_date).where(Resident.status == "在册")).all()
    assert counts["grids"] == _sql(data_dir, "SELECT count(*) FROM grid") == 10
    assert counts["buildings"] == _sql(data_dir, "SELECT count(*) FROM building WHERE kind = '楼房'") == 11
    assert counts["low_rise_areas"] == 1
    assert counts["units"] == 45
    assert counts["households"] == _sql(data_dir, "SELECT count(*) FROM household")
    assert counts["residents"] == _sql(data_dir, "SELECT count(*) FROM resident WHERE status = '在册'")
    assert counts["residents_total"] == counts["residents"] + counts["moved_out"] + counts["deceased"]
    assert counts["moved_out"] == _sql(data_dir, "SELECT count(*) FROM resident WHERE status = '已迁出'")
    assert counts["deceased"] == _sql(data_dir, "SELECT count(*) FROM resident WHERE status = '已故'")
    assert counts["aged_60_plus"] == sum(1 for b in births if age_on(b, TODAY) >= 60)
    assert counts["aged_80_plus"] == sum(1 for b in births if age_on(b, TODAY) >= 80)
    assert counts["party_households"] == 161
    assert counts["lone_elders"] == _sql(
        data_dir,
        "SELECT count(*) FROM resident r JOIN resident_group g ON g.resident_id = r.id "
        "WHERE g.\"group\" = '独居' AND r.status = '在册' AND r.birth_date <= ?",
        shift_years(TODAY, -60).isoformat(),
    )
    assert counts["role_assignments_active"] == 65
    assert (counts["grid_heads"], counts["building_heads"], counts["unit_heads"]) == (10, 10, 45)
    assert counts["organisations"] == 20
    assert counts["movements"] == _sql(data_dir, "SELECT count(*) FROM movement")


def test_health_and_care_counts_agree_with_the_demo(demo: tuple[DataDir, DemoSummary], demo_db: Database) -> None:
    data_dir, summary = demo
    with demo_db.reader() as s:
        counts = ledger_counts(s, today=TODAY)
    # Every demo profile belongs to someone 在册; every care target has a caretaker but a few.
    assert counts["health_profiles"] == summary.health_profiles > 4000
    assert counts["care_targets"] == summary.care_assignments + summary.without_caretaker
    assert counts["care_without_caretaker"] == summary.without_caretaker > 0
    chronic = ", ".join(f"'{code}'" for code in CHRONIC_CODES)
    assert counts["chronic_patients"] == _sql(
        data_dir,
        "SELECT count(DISTINCT c.resident_id) FROM health_condition c JOIN resident r ON r.id = c.resident_id "
        f"WHERE r.status = '在册' AND c.category = '疾病' AND c.code IN ({chronic})",
    ) > 1000
    # The demo also holds last year's 年度体检, older than a year: its summary counts every visit.
    assert counts["visits_last_year"] == _sql(
        data_dir, "SELECT count(*) FROM health_visit WHERE visited_on > ? AND visited_on <= ?",
        shift_years(TODAY, -1).isoformat(), TODAY.isoformat(),
    )
    assert 0 < counts["visits_last_year"] < summary.health_visits
    assert counts["wandering_risk"] == _sql(
        data_dir, "SELECT count(*) FROM health_profile p JOIN resident r ON r.id = p.resident_id "
        "WHERE r.status = '在册' AND p.wandering_risk",
    ) > 0


ON = date(2026, 3, 15)
ZHAO_ID = id_number(KUANCHENG, date(1944, 2, 2), 66)  # 赵秀珍, female


def _health_town(db: Database) -> Community:
    """The small community as of ON:

    - 张立春 76: 高血压, 走失风险; visited 10 days ago (and again after ON: not yet counted);
    - 李桂兰 73: an operation only (no chronic disease); self-care 9 (dependent: a care target),
      looked after by her son; visited exactly a year ago (not counted) and a year less a day ago;
    - 张伟 48: 糖尿病 and 冠心病 (one patient); visited on ON itself;
    - 王淑芬 85, lives alone (a care target): her caretaker's assignment ended in January;
    - 赵秀珍 82: 高血压, 走失风险, dependent, visited in February, died in March: only her visit counts.
    """
    c = build_community(db)
    year_ago = shift_years(ON, -1)
    with db.transaction("健康档案与包保") as s:
        profiles.save_profile(s, c.zhang, ProfileInput(
            conditions=[ConditionInput("疾病", "2", on_date=date(2015, 1, 1))], wandering_risk=True,
        ), expected_version=None, today=ON)
        profiles.save_profile(s, c.li, ProfileInput(
            conditions=[ConditionInput("手术", name="阑尾切除术", on_date=date(2000, 7, 1))],
        ), expected_version=None, today=ON)
        profiles.save_profile(s, c.son, ProfileInput(conditions=[
            ConditionInput("疾病", "3", on_date=date(2020, 1, 1)), ConditionInput("疾病", "4", on_date=date(2022, 5, 1)),
        ]), expected_version=None, today=ON)
        selfcare.record_self_care(s, c.li, SelfCareInput(assessed_on=date(2026, 1, 10), grooming=3, toileting=1,
                                                          activity=5), today=ON)
        assignments.assign_caretaker(s, c.li, c.son, date(2026, 2, 1), today=ON)
        ended = assignments.assign_caretaker(s, c.wang, c.zhang, date(2025, 6, 1), today=ON)
        assignments.end_assignment(s, ended.id, date(2026, 1, 31), today=ON)
        for resident_id, on in ((c.zhang, ON - timedelta(days=10)), (c.li, year_ago),
                                (c.li, year_ago + timedelta(days=1)), (c.son, ON)):
            visits.record_visit(s, resident_id, VisitInput(visited_on=on, purpose="关怀"), today=ON)
        later = ON + timedelta(days=5)
        visits.record_visit(s, c.zhang, VisitInput(visited_on=later, purpose="关怀"), today=later)
        zhao = residents.register_resident(s, person(c.house, "赵秀珍", ZHAO_ID, "02"), on_date=date(2020, 5, 1))
        profiles.save_profile(s, zhao, ProfileInput(
            conditions=[ConditionInput("疾病", "2", on_date=date(2010, 1, 1))], wandering_risk=True,
        ), expected_version=None, today=ON)
        selfcare.record_self_care(s, zhao, SelfCareInput(assessed_on=date(2026, 1, 5), grooming=7, toileting=10),
                                  today=ON)
        visits.record_visit(s, zhao, VisitInput(visited_on=date(2026, 2, 20), purpose="随访"), today=ON)
        residents.record_death(s, zhao, on_date=date(2026, 3, 1))
    return c


def test_health_and_care_counts_on_a_small_community(db: Database) -> None:
    c = _health_town(db)
    with db.reader() as s:
        counts = ledger_counts(s, today=ON)
    assert {key: counts[key] for key in HEALTH_KEYS} == {
        "health_profiles": 3, "chronic_patients": 2, "visits_last_year": 4, "care_targets": 2,
        "care_without_caretaker": 1, "wandering_risk": 1,
    }
    with db.transaction("王淑芬的包保人") as s:
        assignments.assign_caretaker(s, c.wang, c.son, ON, today=ON)
    with db.reader() as s:
        assert ledger_counts(s, today=ON)["care_without_caretaker"] == 0
    with db.transaction("张伟迁出") as s:  # his two elders lose their caretaker (``_end_care``)
        residents.move_out(s, c.son, on_date=ON)
    with db.reader() as s:
        after = ledger_counts(s, today=ON)
    assert (after["care_targets"], after["care_without_caretaker"]) == (2, 2)
    assert (after["health_profiles"], after["chronic_patients"]) == (2, 1), "only residents 在册"
    assert after["visits_last_year"] == 4, "a visit made stays made"


def test_counts_follow_changes(demo_copy: DataDir) -> None:
    with Database.open(demo_copy) as db:
        with db.reader() as s:
            before = ledger_counts(s, today=TODAY)
        with db.sessions() as s, s.begin():
            resident = s.scalars(select(Resident).where(Resident.status == "在册").limit(1)).one()
            resident.status = "已故"
            resident.died_on = TODAY
            assignment = s.scalars(select(RoleAssignment).where(RoleAssignment.end_on.is_(None)).limit(1)).one()
            assignment.end_on = TODAY
        with db.reader() as s:
            after = ledger_counts(s, today=TODAY)
    assert after["residents"] == before["residents"] - 1
    assert after["deceased"] == before["deceased"] + 1
    assert after["residents_total"] == before["residents_total"]
    assert after["role_assignments_active"] == before["role_assignments_active"] - 1


def test_aged_60_plus_counts_the_birthday_itself(db: Database) -> None:
    today = date(2026, 11, 21)
    with db.sessions() as s, s.begin():
        s.add_all([
            Resident(name="满六十", birth_date=date(1966, 11, 21)),
            Resident(name="差一天", birth_date=date(1966, 11, 22)),
        ])
    with db.reader() as s:
        assert ledger_counts(s, today=today)["aged_60_plus"] == 1


def test_an_empty_database_counts_zero(db: Database) -> None:
    with db.reader() as s:
        counts = ledger_counts(s)
    assert set(counts.values()) == {0}


def test_shift_years_on_29_february() -> None:
    assert shift_years(date(2028, 2, 29), -60) == date(1968, 2, 29)
    assert shift_years(date(2028, 2, 29), -61) == date(1967, 2, 28)
