"""``ledger_counts``: stable keys, values that agree with the rows, JSON-friendly."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import Resident, RoleAssignment
from chang_shan.maintenance.stats import LABELS, ledger_counts, shift_years
from chang_shan.paths import DataDir
from chang_shan.population.residents import age_on
from tests.demo.template import TODAY

KEYS = (
    "grids", "buildings", "low_rise_areas", "units", "households", "residents", "residents_total",
    "moved_out", "deceased", "aged_60_plus", "organisations", "role_assignments_active",
    "party_households", "lone_elders",
)


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
