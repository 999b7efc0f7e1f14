"""Migration 0002 on a database written by the previous version (schema 0001): the journal becomes
a sealed hash chain, undone actions stay undone (the ``undone`` flag goes; the undo entries that
point at them remain), and the ledgers are untouched. A safety copy is taken first."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import Connection, select, text

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit import trail
from chang_shan.db import audit_chain, journal, migrate
from chang_shan.db.database import Database
from chang_shan.db.engine import make_engine
from chang_shan.db.models import Household, Resident
from chang_shan.db.models.journal import ChangeSet
from chang_shan.paths import DataDir

AT = "2026-03-0{day} 0{hour}:15:00.000000"
PHONE_BEFORE, PHONE_UNDONE = "13800000001", "13900000002"
ID_NUMBER = "220103195003120115"


def _j(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _entry(c: Connection, entry_id: int, action: str, *, day: int, undoes: int | None = None, undone: bool = False,
           rows: list[tuple[str, dict, str, dict | None, dict | None, int | None]] = ()) -> None:
    c.execute(text("INSERT INTO change_set (id, at, user_name, action, undoes_id, undone) "
                   "VALUES (:id, :at, :user, :action, :undoes, :undone)"),
              {"id": entry_id, "at": AT.format(day=day, hour=day), "user": "小王", "action": action,
               "undoes": undoes, "undone": undone})
    for table, key, op, before, after, resident in rows:
        c.execute(text('INSERT INTO change_row (change_set_id, table_name, row_key, op, "before", "after", resident_id) '
                       "VALUES (:set, :table, :key, :op, :before, :after, :resident)"),
                  {"set": entry_id, "table": table, "key": _j(key), "op": op,
                   "before": None if before is None else _j(before), "after": None if after is None else _j(after),
                   "resident": resident})


def _fill_0001(c: Connection) -> None:
    """Data and journal as version 0001 wrote them (raw SQL: today's models have other columns)."""
    now = "2026-03-01 01:00:00.000000"
    c.execute(text("INSERT INTO grid (id, code, name, note) VALUES (1, '01', '第一网格', '')"))
    c.execute(text("INSERT INTO building (id, grid_id, name, kind, address, sort_key) VALUES (1, 1, '3', '楼房', '', 3)"))
    c.execute(text("INSERT INTO unit (id, building_id, name, sort_key) VALUES (1, 1, '1', 1)"))
    c.execute(text("INSERT INTO household (id, building_id, unit_id, room, area_m2, head_id, phone, note, created_at, "
                   "dissolved_on, version) VALUES (1, 1, 1, '101', 52.50, NULL, '', '门口有台阶', :now, NULL, 2)"),
              {"now": now})
    c.execute(text(
        "INSERT INTO resident (id, household_id, id_number, name, name_pinyin, sex_code, birth_date, ethnicity_code, "
        "relation_code, phone, residence_type, employment, status, moved_in_on, moved_out_on, died_on, note, "
        "created_at, updated_at, version) VALUES (1, 1, :idn, '王秀英', 'wang xiu ying', '1', '1950-03-12', '01', "
        "'02', :phone, '户籍', '', '在册', '2020-05-01', NULL, NULL, '', :now, :now, 3)"),
        {"idn": ID_NUMBER, "phone": PHONE_BEFORE, "now": now})
    c.execute(text("UPDATE household SET head_id = 1 WHERE id = 1"))
    household_row = {"id": 1, "building_id": 1, "unit_id": 1, "room": "101", "area_m2": {"$dec": "52.50"},
                     "head_id": None, "phone": "", "note": "", "dissolved_on": None, "version": 1}
    _entry(c, 1, "新建住户 3号楼1单元101", day=1, rows=[("household", {"id": 1}, "insert", None, household_row, None)])
    _entry(c, 2, "登记居民 王秀英", day=2, rows=[
        ("resident", {"id": 1}, "insert", None,
         {"id": 1, "name": "王秀英", "id_number": ID_NUMBER, "phone": PHONE_BEFORE, "birth_date": {"$d": "1950-03-12"}},
         1),
        ("household", {"id": 1}, "update", {"head_id": None, "version": 1}, {"head_id": 1, "version": 2}, None),
    ])
    _entry(c, 3, "修改居民 王秀英", day=3, undone=True, rows=[
        ("resident", {"id": 1}, "update", {"phone": PHONE_BEFORE, "version": 1}, {"phone": PHONE_UNDONE, "version": 2}, 1),
    ])
    _entry(c, 4, "撤销：修改居民 王秀英", day=4, undoes=3, rows=[
        ("resident", {"id": 1}, "update", {"phone": PHONE_UNDONE, "version": 2}, {"phone": PHONE_BEFORE, "version": 1}, 1),
    ])
    _entry(c, 5, "修改住户 3号楼1单元101", day=5, rows=[
        ("household", {"id": 1}, "update", {"note": "", "version": 1}, {"note": "门口有台阶", "version": 2}, None),
    ])


@pytest.fixture
def at_0001(data_dir: DataDir) -> DataDir:
    data_dir.ensure()
    engine = make_engine(data_dir.url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        assert migrate.current_revision(engine) == "0001"
        with engine.begin() as connection:
            _fill_0001(connection)
    finally:
        engine.dispose()
    return data_dir


def _columns(path, table: str) -> set[str]:  # noqa: ANN001
    connection = sqlite3.connect(path)
    try:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()


def test_upgrade_seals_the_old_journal_and_keeps_undone_actions_undone(at_0001: DataDir) -> None:
    assert "undone" in _columns(at_0001.database, "change_set")
    with Database.open(at_0001) as db:
        db.actor = SYSTEM
        # A safety copy of the 0001 database was taken before anything changed.
        assert db.safety_copy is not None and db.safety_copy.exists()
        assert "undone" in _columns(db.safety_copy, "change_set")
        assert "undone" not in _columns(at_0001.database, "change_set")
        assert migrate.current_revision(db.engine) == migrate.head_revision()

        with db.reader() as s:
            count, problems = audit_chain.verify(s.connection())
            assert (count, problems) == (5, [])
            entries = s.scalars(select(ChangeSet).order_by(ChangeSet.id)).all()
            assert entries[0].prev_hash == audit_chain.GENESIS
            assert all(e.hash and e.prev_hash == (entries[i - 1].hash if i else audit_chain.GENESIS)
                       for i, e in enumerate(entries))
            assert {e.kind for e in entries} == {"change"} and all(e.detail is None for e in entries)
            assert entries[2].at == datetime(2026, 3, 3, 3, 15) and entries[2].user_name == "小王"
            # Undone is still known as undone, from the undo entry that points at it.
            assert journal.is_undone(s, 3)
            assert not journal.is_undone(s, 5) and not journal.is_undone(s, 2) and not journal.is_undone(s, 4)
            assert journal.last_undoable(s).id == 5
            # The ledgers are as they were.
            resident = s.get(Resident, 1)
            assert (resident.name, resident.id_number, resident.phone, resident.version) == (
                "王秀英", ID_NUMBER, PHONE_BEFORE, 3)
            household = s.get(Household, 1)
            assert (household.note, household.head_id, str(household.area_m2), household.version) == (
                "门口有台阶", 1, "52.50", 2)
            # The administrator's trail reads the migrated entries too.
            rows = {r.id: r for r in trail.list_entries(s)}
            assert rows[3].undone and rows[4].kind_label == "撤销" and rows[4].undoes_id == 3
            assert "电话：139****0002 → 138****0001" in rows[4].summary
            assert ID_NUMBER not in " ".join(r.summary for r in rows.values())

        # Work goes on: a migrated action can be undone, and the chain grows intact.
        with db.transaction("撤销") as s:
            assert journal.undo_last(s, user_name="system", expected_id=5) == "修改住户 3号楼1单元101"
        with db.reader() as s:
            assert s.get(Household, 1).note == ""
            assert journal.is_undone(s, 5) and journal.last_undoable(s).id == 2
            assert audit_chain.verify(s.connection()) == (6, [])


def test_the_upgraded_chain_detects_tampering_with_migrated_entries(at_0001: DataDir) -> None:
    with Database.open(at_0001):
        pass
    connection = sqlite3.connect(at_0001.database)
    connection.execute("UPDATE change_set SET undoes_id = NULL WHERE id = 4")  # "un-undo" the edit
    connection.commit()
    connection.close()
    engine = make_engine(at_0001.url)
    try:
        with engine.connect() as c:
            _count, problems = audit_chain.verify(c)
    finally:
        engine.dispose()
    assert [p.entry_id for p in problems] == [4]


def test_a_0001_database_without_journal_entries_upgrades(at_0001: DataDir) -> None:
    connection = sqlite3.connect(at_0001.database)
    connection.execute("DELETE FROM change_row")
    connection.execute("DELETE FROM change_set")
    connection.commit()
    connection.close()
    with Database.open(at_0001) as db, db.reader() as s:
        assert db.safety_copy is not None and migrate.current_revision(db.engine) == migrate.head_revision()
        assert audit_chain.verify(s.connection()) == (0, [])
        assert s.get(Resident, 1).phone == PHONE_BEFORE and s.get(Household, 1).note == "门口有台阶"


def test_a_failed_upgrade_restores_the_database_from_its_safety_copy(
    at_0001: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chang_shan.errors import EnvironmentProblem

    before = sqlite3.connect(at_0001.database)
    rows_before = before.execute("select id, name, phone from resident order by id").fetchall()
    before.close()
    real_upgrade = command.upgrade

    def upgrade_then_fail(config, revision):  # noqa: ANN001 - alembic's signature
        real_upgrade(config, revision)
        raise RuntimeError("the disk went away mid-upgrade")

    monkeypatch.setattr(migrate.command, "upgrade", upgrade_then_fail)
    with pytest.raises(EnvironmentProblem, match="已恢复到升级前的状态"):
        Database.open(at_0001)
    after = sqlite3.connect(at_0001.database)
    assert after.execute("select version_num from alembic_version").fetchall() == [("0001",)]
    assert after.execute("select id, name, phone from resident order by id").fetchall() == rows_before
    assert "user_account" not in {r[0] for r in after.execute("select name from sqlite_master")}
    after.close()
    monkeypatch.setattr(migrate.command, "upgrade", real_upgrade)
    Database.open(at_0001).close()  # and the next start upgrades cleanly
