"""``chang-shan check`` finds a tampered audit trail: a real database, a real process, and the
tampering done as an intruder would, with plain SQL on the file."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit.events import record_event
from chang_shan.db import journal
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.paths import DataDir
from chang_shan.population import search
from tests.demo.template import copy_data_dir
from tests.population.community import build_community

FULL_ID = re.compile(r"\d{17}[\dX]")


def run_check(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", CHANG_SHAN_HOME=str(data_dir.parent / "home"))
    return subprocess.run(
        [sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), "check", *extra],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env, stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def journalled(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    """A small community, edits, an undo and events: a dozen entries with rows, sealed."""
    data_dir = DataDir(tmp_path_factory.mktemp("chain") / "data")
    with Database.open(data_dir) as db:
        db.actor = SYSTEM
        town = build_community(db)
        for phone in ("13800000001", "13800000002", "13800000003"):
            with db.transaction("修改居民 张立春") as s:
                s.get(Resident, town.zhang).phone = phone
                s.flush()
                search.index_residents(s, [town.zhang])  # as the service does
        with db.transaction("撤销") as s:
            journal.undo_last(s, user_name="system")
            search.index_residents(s, [town.zhang])
        with db.transaction("导出") as s:
            record_event(s, "export", "导出居民台账", detail={"ledger": "residents", "rows": 4})
        with db.transaction("修改居民 王淑芬") as s:
            s.get(Resident, town.wang).note = "每周三送餐"
    return data_dir


@pytest.fixture
def copy(journalled: DataDir, tmp_path: Path) -> DataDir:
    return copy_data_dir(journalled, tmp_path / "data")


def tamper(data_dir: DataDir, *statements: str) -> None:
    connection = sqlite3.connect(data_dir.database)
    try:
        for statement in statements:
            assert connection.execute(statement).rowcount >= 1, statement
        connection.commit()
    finally:
        connection.close()


def entry_ids(data_dir: DataDir) -> list[int]:
    connection = sqlite3.connect(data_dir.database)
    try:
        return [r[0] for r in connection.execute("SELECT id FROM change_set ORDER BY id")]
    finally:
        connection.close()


def test_an_untouched_trail_passes(copy: DataDir) -> None:
    result = run_check(copy.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout
    report = json.loads(run_check(copy.root, "--json").stdout)
    assert "audit_chain" in report["checks"] and report["ok"]


def _failed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(line.startswith("【审计记录】") for line in lines), lines
    assert not FULL_ID.search(result.stdout)
    return lines


def test_an_edited_action_is_detected(copy: DataDir) -> None:
    target = entry_ids(copy)[3]
    tamper(copy, f"UPDATE change_set SET action = '无关的操作' WHERE id = {target}")
    (line,) = _failed(run_check(copy.root))
    assert f"审计记录 #{target}" in line and "内容被改动过" in line


def test_an_edited_user_or_time_is_detected(copy: DataDir) -> None:
    target = entry_ids(copy)[-2]
    tamper(copy, f"UPDATE change_set SET user_name = 'nobody', at = '2020-01-01 00:00:00.000000' WHERE id = {target}")
    (line,) = _failed(run_check(copy.root))
    assert f"#{target}" in line


def test_an_edited_row_value_is_detected(copy: DataDir) -> None:
    tamper(copy, "UPDATE change_row SET \"after\" = '{\"phone\": \"13999999999\"}' "
                 "WHERE id = (SELECT max(id) FROM change_row WHERE table_name = 'resident' AND op = 'update'"
                 " AND change_set_id < (SELECT max(id) FROM change_set))")
    (line,) = _failed(run_check(copy.root))
    assert "内容被改动过" in line


def test_a_hash_recomputed_by_the_intruder_breaks_the_next_link(copy: DataDir) -> None:
    """Editing an entry and fixing its own hash is not enough: the next entry's link breaks."""
    from chang_shan.db import audit_chain
    from chang_shan.db.engine import make_engine

    ids = entry_ids(copy)
    target = ids[2]
    tamper(copy, f"UPDATE change_set SET action = '伪造' WHERE id = {target}")
    engine = make_engine(copy.url)
    with engine.begin() as connection:
        connection.exec_driver_sql(  # the intruder reseals only the entry they edited
            "UPDATE change_set SET hash = '' WHERE id = ?", (target,)
        )
        audit_chain.seal(connection, [target])
    engine.dispose()
    lines = _failed(run_check(copy.root))
    assert any(f"#{ids[3]}" in line and "链接断开" in line for line in lines)


def test_a_deleted_entry_is_detected(copy: DataDir) -> None:
    ids = entry_ids(copy)
    middle = ids[-3]  # a change with rows, nobody's undo target
    tamper(copy, f"DELETE FROM change_row WHERE change_set_id = {middle}",
           f"DELETE FROM change_set WHERE id = {middle}")
    (line,) = _failed(run_check(copy.root))
    following = ids[ids.index(middle) + 1]
    assert f"审计记录 #{following} 之前的记录被删除或改动" in line
    report = json.loads(run_check(copy.root, "--json").stdout)
    assert report["ok"] is False
    assert [(p["check"], p["table"], p["id"]) for p in report["problems"]] == [("audit_chain", "change_set", following)]


def test_deleting_an_undone_action_is_detected_twice(copy: DataDir) -> None:
    connection = sqlite3.connect(copy.database)
    undone, undo = connection.execute("SELECT undoes_id, id FROM change_set WHERE undoes_id IS NOT NULL").fetchone()
    connection.close()
    tamper(copy, f"DELETE FROM change_row WHERE change_set_id = {undone}", f"DELETE FROM change_set WHERE id = {undone}")
    result = run_check(copy.root)
    assert result.returncode == 1
    assert f"审计记录 #{undo} 之前的记录被删除或改动" in result.stdout
    assert "【引用完整性】表 change_set" in result.stdout  # the undo points at an entry that is gone


def test_a_deleted_row_of_an_entry_is_detected(copy: DataDir) -> None:
    tamper(copy, "DELETE FROM change_row WHERE id = (SELECT min(id) FROM change_row WHERE table_name = 'resident')")
    (line,) = _failed(run_check(copy.root))
    assert "内容被改动过" in line
