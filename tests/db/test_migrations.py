"""Schema: migrations from empty, models and migrations agree, newer databases refused, safety copies."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from chang_shan.db import migrate
from chang_shan.db.database import Database
from chang_shan.db.engine import make_engine
from chang_shan.db.models import Base, Grid, Resident
from chang_shan.errors import NewerDatabase
from chang_shan.paths import DataDir

FTS_TABLE = "resident_search"
FTS_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")


def sqlite_tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("select name from sqlite_master where type = 'table'").fetchall()
    finally:
        connection.close()
    return {name for (name,) in rows}


def fts_tables(path: Path) -> tuple[set[str], set[str]]:
    """The FTS5 virtual tables and the ordinary "shadow" tables FTS5 keeps their index in."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%fts5%'"
        ).fetchall()
    finally:
        connection.close()
    virtual = {name for (name,) in rows}
    shadows = {f"{name}_{suffix}" for name in virtual for suffix in FTS_SHADOW_SUFFIXES}
    return virtual, shadows


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- from empty --------------------------------------------------------------------------------------


def test_migrations_from_empty_create_every_model_table_and_the_search_index(data_dir: DataDir) -> None:
    assert not data_dir.database.exists()
    with Database.open(data_dir) as db:
        assert db.safety_copy is None  # nothing to protect in a new database
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    tables = sqlite_tables(data_dir.database)
    virtual, shadows = fts_tables(data_dir.database)
    expected = set(Base.metadata.tables)
    assert {"grid", "building", "unit", "household", "resident", "resident_group", "movement",
            "role_assignment", "organisation", "change_set", "change_row", "app_meta"} <= expected
    assert expected <= tables, f"missing: {expected - tables}"
    assert FTS_TABLE in virtual
    assert "alembic_version" in tables
    # Nothing unexpected: every table is a model, a full-text index (or its shadows) or Alembic's.
    assert tables - expected - shadows - virtual == {"alembic_version"}
    assert shadows & tables  # FTS5 really made its index tables (the names above are right)
    assert list(data_dir.safety_copies.iterdir()) == []


def test_search_index_is_fts5_unicode61_and_finds_rare_characters(db: Database) -> None:
    with db.engine.connect() as connection:
        sql = connection.execute(
            text("select sql from sqlite_master where name = :name"), {"name": FTS_TABLE}
        ).scalar_one()
        assert "fts5" in sql.lower() and "unicode61" in sql
        columns = [row[1] for row in connection.execute(text(f"pragma table_info({FTS_TABLE})"))]
        assert columns[:4] == ["name", "pinyin", "initials", "address"]  # search.py may add more
        connection.execute(
            text(f"insert into {FTS_TABLE}(rowid, name, pinyin, initials, address) "
                 "values (7, '𠀀 𪚥 龘', 'x', 'x', '长 山 花 园')")
        )
        for query in ('"𪚥"', '"𠀀 𪚥"', '"花 园"'):
            found = connection.execute(
                text(f"select rowid from {FTS_TABLE} where {FTS_TABLE} match :q"), {"q": query}
            ).scalars().all()
            assert found == [7], query
        missing = connection.execute(
            text(f"select rowid from {FTS_TABLE} where {FTS_TABLE} match :q"), {"q": '"龘 𠀀"'}
        ).scalars().all()
        assert missing == []


def test_models_and_migrations_agree(db: Database) -> None:
    """Alembic autogenerate finds nothing to do: only the FTS tables, which no model maps."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, Base.metadata)
    virtual, shadows = fts_tables(db.data_dir.database)
    assert FTS_TABLE in virtual
    unexplained = []
    for diff in diffs:
        if isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name in virtual | shadows:
            continue
        unexplained.append(diff)
    assert unexplained == []


def test_foreign_keys_and_check_constraints_are_in_the_database(db: Database) -> None:
    inspector = inspect(db.engine)
    building_fks = {(fk["constrained_columns"][0], fk["referred_table"]) for fk in inspector.get_foreign_keys("building")}
    assert ("grid_id", "grid") in building_fks
    resident_fks = {(fk["constrained_columns"][0], fk["referred_table"]) for fk in inspector.get_foreign_keys("resident")}
    assert ("household_id", "household") in resident_fks
    unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("resident")}
    assert ("id_number",) in unique
    with sqlite3.connect(db.data_dir.database) as raw:
        raw.execute("pragma foreign_keys=on")
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("insert into grid(code, name, note) values ('G1', '一网格', '')")
            raw.execute(
                "insert into resident(name, name_pinyin, sex_code, ethnicity_code, relation_code, phone,"
                " residence_type, employment, status, note, created_at, updated_at, version)"
                " values ('张三', '', '1', '01', '99', '', '户籍', '', '未知状态', '', '2026-01-01',"
                " '2026-01-01', 1)"
            )
    raw.close()


def test_opening_again_at_head_changes_nothing_and_makes_no_safety_copy(data_dir: DataDir) -> None:
    with Database.open(data_dir) as db, db.transaction("建网格") as session:
        session.add(Grid(code="G01", name="第一网格"))
    with Database.open(data_dir) as db:
        assert db.safety_copy is None
        assert migrate.upgrade(db.engine, safety_folder=data_dir.safety_copies) is None
        with db.reader() as session:
            assert session.scalars(select(Grid.name)).all() == ["第一网格"]
    assert list(data_dir.safety_copies.iterdir()) == []


# --- a database from a newer program -----------------------------------------------------------------


def stamp(database: Path, revision: str) -> None:
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("update alembic_version set version_num = ?", (revision,))
    connection.execute("pragma wal_checkpoint(truncate)")
    connection.close()


def test_database_from_a_newer_version_is_refused_and_left_byte_identical(data_dir: DataDir) -> None:
    with Database.open(data_dir) as db, db.transaction("建网格") as session:
        session.add(Grid(code="G01", name="第一网格"))
    stamp(data_dir.database, "9999_from_the_future")
    before = digest(data_dir.database)
    files_before = sorted(p.name for p in data_dir.root.rglob("*"))

    with pytest.raises(NewerDatabase) as caught:
        Database.open(data_dir)
    assert "9999_from_the_future" in caught.value.message
    assert "更新版本" in caught.value.message

    assert digest(data_dir.database) == before
    wal = data_dir.database.with_name(data_dir.database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing pending to be written either
    assert list(data_dir.safety_copies.iterdir()) == []
    assert sorted(p.name for p in data_dir.root.rglob("*") if not p.name.endswith(("-wal", "-shm"))) == [
        n for n in files_before if not n.endswith(("-wal", "-shm"))
    ]
    # Still refused the second time (nothing was half-migrated), and the lock was let go.
    with pytest.raises(NewerDatabase):
        Database.open(data_dir)
    connection = sqlite3.connect(data_dir.database)
    assert connection.execute("select version_num from alembic_version").fetchall() == [
        ("9999_from_the_future",)
    ]
    assert connection.execute("select name from grid").fetchall() == [("第一网格",)]
    connection.close()


def test_upgrade_refuses_an_unknown_revision_before_touching_anything(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path / "d").ensure()
    with Database.open(data_dir):
        pass
    stamp(data_dir.database, "0002_not_written_yet")
    engine = make_engine(data_dir.url)
    try:
        with pytest.raises(NewerDatabase):
            migrate.upgrade(engine, safety_folder=data_dir.safety_copies)
        assert migrate.current_revision(engine) == "0002_not_written_yet"
    finally:
        engine.dispose()
    assert list(data_dir.safety_copies.iterdir()) == []


# --- safety copies -----------------------------------------------------------------------------------


def test_safety_copy_is_a_consistent_readable_copy_of_an_open_database(db: Database, tmp_path: Path) -> None:
    with db.transaction("登记") as session:
        session.add(Grid(code="G01", name="第一网格"))
        session.add(Resident(name="𠀀𪚥龘", birth_date=date(1950, 1, 2), sex_code="2"))
    # The data is still in the WAL of the open database; the copy must include it anyway.
    wal = db.data_dir.database.with_name(db.data_dir.database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0

    copy = migrate.safety_copy(db.data_dir.database, tmp_path / "copies", "before-test")

    assert copy.parent == tmp_path / "copies"
    assert copy.name.startswith("chang-shan-before-test-") and copy.suffix == ".sqlite3"
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert connection.execute("select version_num from alembic_version").fetchall() == [
            (migrate.head_revision(),)
        ]
        assert connection.execute("select name from grid").fetchall() == [("第一网格",)]
        assert connection.execute("select name, birth_date from resident").fetchall() == [
            ("𠀀𪚥龘", "1950-01-02")
        ]
    finally:
        connection.close()
    # The copy is a database of its own: opening it as a data folder works and sees the same rows.
    copy_dir = DataDir(tmp_path / "restored").ensure()
    copy.replace(copy_dir.database)
    with Database.open(copy_dir) as restored, restored.reader() as session:
        assert session.scalars(select(Resident.name)).all() == ["𠀀𪚥龘"]


def test_schema_head_constant_is_the_newest_migration() -> None:
    from chang_shan.db.database import SCHEMA_HEAD

    assert SCHEMA_HEAD == migrate.head_revision()


def test_read_only_open_refuses_newer_and_older_schemas_and_touches_nothing(data_dir: DataDir) -> None:
    from chang_shan.errors import EnvironmentProblem

    with Database.open(data_dir) as db, db.transaction("建网格") as session:
        session.add(Grid(code="G01", name="第一网格"))
    with Database.open_existing(data_dir) as db, db.reader() as session:
        assert session.scalars(select(Grid.name)).all() == ["第一网格"]

    stamp(data_dir.database, "9999_from_the_future")
    with pytest.raises(NewerDatabase):
        Database.open_existing(data_dir)
    stamp(data_dir.database, "0000_older")  # unknown too: refused, not "upgraded"
    with pytest.raises(EnvironmentProblem):
        Database.open_existing(data_dir)
    assert list(data_dir.safety_copies.iterdir()) == []
