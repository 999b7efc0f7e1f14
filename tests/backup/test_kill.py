"""SIGKILL at random moments never loses an acknowledged commit nor damages the database; a
killed restore leaves the old or the restored data whole; a killed backup leaves no damaged file
under a final name.

Real processes (tests/backup/kill_worker.py), real SIGKILL, real SQLite files in tmp folders.
CI runs 100 kills of the write loop (two data folders side by side, under a minute), 12 restores
and 12 backups; the benchmark (bench/bench_backup.py) runs more. The checks themselves are tested
first: each broken promise they look for is staged by hand and must be reported.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from tests.backup import kill_worker
from tests.backup.kill_worker import Killed, WriteLane

KILL_LANES = 2
KILL_RUNS_PER_LANE = 50  # 100 kills in all


@pytest.fixture
def lane(tmp_path: Path) -> WriteLane:
    (only,) = kill_worker.new_lanes(tmp_path, 1, seed=0, checks_every=1)
    return only


def _add_building(lane: WriteLane, number: int, units: int) -> None:
    connection = sqlite3.connect(lane.data_dir / "chang-shan.sqlite3")
    with connection:
        grid = connection.execute("SELECT id FROM grid WHERE code = ?", (kill_worker.GRID_CODE,)).fetchone()[0]
        building = connection.execute(
            "INSERT INTO building (grid_id, name, kind, address, sort_key) VALUES (?, ?, '楼房', '', ?)",
            (grid, kill_worker.building_name(number), number)).lastrowid
        for unit in range(1, units + 1):
            connection.execute("INSERT INTO unit (building_id, name, sort_key) VALUES (?, ?, 0)", (building, str(unit)))
    connection.close()


def test_the_checks_report_a_lost_acknowledged_commit(lane: WriteLane) -> None:
    _add_building(lane, 1, kill_worker.UNITS_PER_BUILDING)
    problems = lane.verify(Killed(acks=[1, 2, 3], returncode=-9, before_ready=False, stderr=""), start=1)
    assert problems == ["acknowledged commits lost: [2, 3]"]
    # …and one that was acknowledged in an earlier run and is gone now
    lane.durable = {1, 2}
    problems = lane.verify(Killed(acks=[], returncode=-9, before_ready=False, stderr=""), start=3)
    assert problems == ["acknowledged commits lost: [2]"]


def test_the_checks_allow_only_the_commit_in_flight(lane: WriteLane) -> None:
    _add_building(lane, 1, kill_worker.UNITS_PER_BUILDING)
    _add_building(lane, 2, kill_worker.UNITS_PER_BUILDING)  # committed, killed before its ack
    assert lane.verify(Killed(acks=[1], returncode=-9, before_ready=False, stderr=""), start=1) == []
    assert lane.durable == {1, 2} and lane.next_number == 3
    _add_building(lane, 5, kill_worker.UNITS_PER_BUILDING)  # never started by any worker
    problems = lane.verify(Killed(acks=[], returncode=-9, before_ready=False, stderr=""), start=3)
    assert problems == ["buildings that were never committed: [5]"]


def test_the_checks_report_half_a_transaction(lane: WriteLane) -> None:
    _add_building(lane, 1, 1)
    problems = lane.verify(Killed(acks=[1], returncode=-9, before_ready=False, stderr=""), start=1)
    assert problems == ["half a transaction (a building without its 3 units): [1]"]


def test_the_checks_report_a_damaged_file(lane: WriteLane) -> None:
    for number in range(1, 200):
        _add_building(lane, number, kill_worker.UNITS_PER_BUILDING)
    database = lane.data_dir / "chang-shan.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    # the building table's root page (a fixed page in the middle of the file lands wherever the
    # schema of the day puts it: a free or unused page is damage integrity_check cannot see)
    root = connection.execute("select rootpage from sqlite_master where name = 'building'").fetchone()[0]
    connection.close()
    data = bytearray(database.read_bytes())
    start = (root - 1) * page
    data[start + 8:start + page] = b"\xa5" * (page - 8)  # one page's content overwritten
    database.write_bytes(bytes(data))
    problems = lane.verify(Killed(acks=[], returncode=-9, before_ready=False, stderr=""), start=200)
    assert len(problems) == 1 and problems[0].startswith("integrity_check: ")
    assert problems[0] != "integrity_check: ok"


def test_the_worker_is_killed_mid_write_and_its_acks_are_read(lane: WriteLane) -> None:
    killed = kill_worker.run_and_kill(["write", str(lane.data_dir), "1"], lane.data_dir.parent,
                                      delay=0.5, before_ready=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert killed.acks and killed.acks == list(range(1, len(killed.acks) + 1))
    assert lane.verify(killed, start=1) == []
    assert set(killed.acks) <= lane.durable


@pytest.mark.slow
def test_sigkill_in_a_write_loop_never_loses_an_acknowledged_commit(tmp_path: Path) -> None:
    lanes = kill_worker.new_lanes(tmp_path, KILL_LANES, seed=9)
    kill_worker.run_lanes(lanes, KILL_RUNS_PER_LANE)
    failures = [failure for lane in lanes for failure in lane.failures]
    assert failures == []
    assert sum(lane.runs for lane in lanes) == KILL_LANES * KILL_RUNS_PER_LANE
    # the kills really came mid-write, with commits acknowledged before them
    assert sum(lane.kills_mid_write for lane in lanes) >= KILL_LANES * KILL_RUNS_PER_LANE // 3
    assert sum(lane.acknowledged for lane in lanes) >= KILL_LANES * KILL_RUNS_PER_LANE


RESTORE_KILLS = 12
BACKUP_KILLS = 12


@pytest.fixture(scope="module")
def restore_case(tmp_path_factory: pytest.TempPathFactory) -> kill_worker.RestoreCase:
    return kill_worker.RestoreCase.build(tmp_path_factory.mktemp("restore-case"))


def test_the_restore_checks_report_a_mix_and_a_missing_database(
        restore_case: kill_worker.RestoreCase, tmp_path: Path) -> None:
    data_dir = kill_worker._fresh_copy(restore_case.old_template, tmp_path / "folder")
    survived = Killed(acks=[], returncode=-9, before_ready=False, stderr="")
    assert kill_worker.check_restore(data_dir, survived) == ("OLD", [])
    connection = sqlite3.connect(data_dir / "chang-shan.sqlite3")
    with connection:
        connection.execute("INSERT INTO grid (code, name, note) VALUES ('NEW', '混进来的', '')")
    connection.close()
    state, problems = kill_worker.check_restore(data_dir, survived)
    assert state == "broken" and "neither the old nor the restored database" in problems[0]
    (data_dir / "chang-shan.sqlite3").unlink()
    state, problems = kill_worker.check_restore(data_dir, survived)
    assert state == "broken" and problems[0] == "right after the kill: no database at all"


def test_the_backup_checks_report_a_damaged_file_under_the_final_name(
        restore_case: kill_worker.RestoreCase, tmp_path: Path) -> None:
    target = tmp_path / "stick"
    target.mkdir()
    cut = target / restore_case.backup.name
    cut.write_bytes(restore_case.backup.read_bytes()[:-100])
    data_dir = restore_case.backup.parents[1] / "new" / "data"
    state, problems, _ = kill_worker.check_backup(data_dir, target, Killed([], -9, False, ""))
    assert state == "final name, killed before done"
    assert len(problems) == 1 and problems[0].startswith(f"{cut.name} has the final name but does not verify: ")


@pytest.mark.slow
def test_sigkill_during_a_restore_leaves_the_old_or_the_restored_data_whole(
        restore_case: kill_worker.RestoreCase, tmp_path: Path) -> None:
    outcomes = kill_worker.run_restore_kills(tmp_path, restore_case, RESTORE_KILLS, seed=9)
    assert outcomes.failures == []
    assert outcomes.runs == RESTORE_KILLS
    assert outcomes.states.get("restore had finished", 0) <= RESTORE_KILLS // 2, outcomes.states


@pytest.mark.slow
def test_sigkill_during_a_backup_never_leaves_a_damaged_file_under_the_final_name(
        restore_case: kill_worker.RestoreCase, tmp_path: Path) -> None:
    outcomes = kill_worker.run_backup_kills(tmp_path, restore_case, BACKUP_KILLS, seed=9)
    assert outcomes.failures == []
    assert outcomes.runs == BACKUP_KILLS
    assert outcomes.states.get("done", 0) <= BACKUP_KILLS // 2, outcomes.states
