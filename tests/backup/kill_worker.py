"""SIGKILL at random moments: the worker process and the harness that kills it and checks the data.

The worker (``python tests/backup/kill_worker.py write DATA_DIR START``) opens the data folder as
the program does (``Database.open``: folder lock, WAL, ``synchronous=FULL``), says ``ready`` and
then commits one building with three units per transaction, through ``db.transaction`` (change
journal and audit chain included), named ``<n>号楼𠀀``. Only after ``transaction()`` has returned
does it write ``ack <n>`` to stdout (a file, flushed: what the kernel got survives the kill).
It stops by itself after ``--max-seconds`` so a lost harness never leaves it running.

The harness (``WriteLane``) runs the worker again and again on one data folder, kills it with
SIGKILL after a random delay (now and then before it is even ready: during the open and the WAL
recovery), and then checks: ``PRAGMA integrity_check`` is ``ok``; every acknowledged building
(this run's and every earlier run's) is there with its three units; nothing appears that was
never started (at most the one commit in flight when the kill came); the rare character came
through; and, every ``checks_every`` runs, ``maintenance.check.run_checks`` finds nothing.

tests/backup/test_kill.py runs it in CI; bench/bench_backup.py runs it longer.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

WORKER = Path(__file__).resolve()
REPO = WORKER.parents[2]
RARE = "𠀀"
GRID_CODE = "K"
UNITS_PER_BUILDING = 3
READY_TIMEOUT = 60.0  # seconds for a worker to open the folder (a loaded CI machine)
EXIT_TIMEOUT = 10.0  # seconds for a killed worker to be reaped


# --- the worker (runs in its own process) --------------------------------------------------------

def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _open(data_dir: Path):  # noqa: ANN202 - a Database; imported late to keep the harness light
    from chang_shan.accounts.permissions import SYSTEM
    from chang_shan.db.database import Database
    from chang_shan.paths import DataDir

    db = Database.open(DataDir(data_dir))
    db.actor = SYSTEM
    return db


def building_name(number: int) -> str:
    return f"{number}号楼{RARE}"


def write_loop(data_dir: Path, start: int, max_seconds: float, *, ack_early: bool = False) -> None:
    """``ack_early`` is the broken control: it says ``ack`` before the commit, as a program that
    reports success too soon would (the benchmark shows the harness catches it)."""
    from sqlalchemy import select

    from chang_shan.db.models import Grid
    from chang_shan.population import places

    db = _open(data_dir)
    with db.reader() as session:
        grid_id = session.scalar(select(Grid.id).where(Grid.code == GRID_CODE))
    _say("ready")
    deadline = time.monotonic() + max_seconds
    number = start
    while time.monotonic() < deadline:
        with db.transaction("楼栋") as session:
            building = places.create_building(session, grid_id=grid_id, name=building_name(number))
            for unit in range(1, UNITS_PER_BUILDING + 1):
                places.create_unit(session, building_id=building, name=str(unit))
            if ack_early:
                _say(f"ack {number}")
        if not ack_early:
            _say(f"ack {number}")
        number += 1
    db.close()


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=30.0)
    sub = parser.add_subparsers(dest="mode", required=True)
    write = sub.add_parser("write")
    write.add_argument("data_dir", type=Path)
    write.add_argument("start", type=int)
    write.add_argument("--ack-early", action="store_true")
    args = parser.parse_args(argv)
    if args.mode == "write":
        write_loop(args.data_dir, args.start, args.max_seconds, ack_early=args.ack_early)
    return 0


# --- the harness (runs in the test or the benchmark) --------------------------------------------

def make_template(folder: Path) -> Path:
    """A migrated data folder with the one grid the worker writes into (copied for each lane)."""
    from chang_shan.population import places

    db = _open(folder)
    try:
        with db.transaction("网格") as session:
            places.create_grid(session, code=GRID_CODE, name=f"杀进程测试网格{RARE}")
    finally:
        db.close()
    return folder


@dataclass
class Killed:
    """One worker run: what it acknowledged and how it ended."""

    acks: list[int]
    returncode: int | None
    before_ready: bool
    stderr: str


def spawn(args: list[str], log_dir: Path) -> tuple[subprocess.Popen, Path, Path]:
    out, err = log_dir / "worker.out", log_dir / "worker.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=stdout, stderr=stderr,
                                cwd=REPO, start_new_session=True)
    return proc, out, err


def _wait_for_ready(proc: subprocess.Popen, out: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.read_bytes().startswith(b"ready\n"):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def run_and_kill(args: list[str], log_dir: Path, *, delay: float, before_ready: bool) -> Killed:
    """Start the worker, SIGKILL it ``delay`` seconds after it is ready (or after its start when
    ``before_ready``), reap it; never waits longer than READY_TIMEOUT + EXIT_TIMEOUT."""
    proc, out, err = spawn(args, log_dir)
    try:
        if not before_ready and not _wait_for_ready(proc, out, READY_TIMEOUT):
            raise AssertionError(f"the worker never became ready: {err.read_text(errors='replace')[-2000:]}")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=EXIT_TIMEOUT)
    finally:
        if proc.poll() is None:  # an assertion above: never leave it running
            proc.kill()
            proc.wait(timeout=EXIT_TIMEOUT)
    acks = [int(line[4:]) for line in out.read_text().splitlines() if line.startswith("ack ")]
    return Killed(acks, proc.returncode, before_ready, err.read_text(errors="replace"))


def integrity(database: Path) -> str:
    """``ok``, or what SQLite says is wrong (a file too damaged to check says so by raising)."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        return "; ".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def buildings_in(database: Path) -> dict[int, int]:
    """The worker's buildings now in the database: number → how many units it has."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        rows = connection.execute(
            "SELECT b.name, (SELECT count(*) FROM unit u WHERE u.building_id = b.id) FROM building b "
            "JOIN grid g ON g.id = b.grid_id WHERE g.code = ?", (GRID_CODE,)).fetchall()
    finally:
        connection.close()
    found = {}
    for name, units in rows:
        if not name.endswith(f"号楼{RARE}"):
            raise AssertionError(f"a building's name did not survive: {name!r}")
        found[int(name.split("号楼")[0])] = units
    return found


def run_checks_problems(data_dir: Path) -> list[str]:
    from chang_shan.maintenance.check import run_checks

    db = _open(data_dir)
    try:
        report = run_checks(db)
    finally:
        db.close()
    return [f"{problem.check}: {problem.message}" for problem in report.problems]


@dataclass
class WriteLane:
    """One data folder killed again and again; ``failures`` lists every broken promise."""

    data_dir: Path
    rng: random.Random
    max_delay: float = 0.15
    before_ready_share: float = 0.1
    checks_every: int = 10
    ack_early: bool = False
    durable: set[int] = field(default_factory=set)
    next_number: int = 1
    runs: int = 0
    acknowledged: int = 0
    kills_mid_write: int = 0
    failures: list[str] = field(default_factory=list)

    def run_once(self) -> Killed:
        before_ready = self.rng.random() < self.before_ready_share
        delay = self.rng.uniform(0, 0.6 if before_ready else self.max_delay)
        start = self.next_number
        args = ["write", str(self.data_dir), str(start), *(["--ack-early"] if self.ack_early else [])]
        killed = run_and_kill(args, self.data_dir.parent,
                              delay=delay, before_ready=before_ready)
        self.runs += 1
        self.acknowledged += len(killed.acks)
        self.kills_mid_write += bool(killed.acks)
        label = f"run {self.runs} ({self.data_dir.name}, start {start}, {len(killed.acks)} acks)"
        if killed.returncode != -signal.SIGKILL:
            self.failures.append(f"{label}: ended with {killed.returncode}, not SIGKILL: {killed.stderr[-1000:]}")
        if killed.acks and killed.acks != list(range(start, start + len(killed.acks))):
            self.failures.append(f"{label}: acknowledgements out of order")
        self.failures.extend(f"{label}: {problem}" for problem in self.verify(killed, start))
        return killed

    def verify(self, killed: Killed, start: int) -> list[str]:
        database = self.data_dir / "chang-shan.sqlite3"
        result = integrity(database)
        if result != "ok":
            return [f"integrity_check: {result}"]  # nothing else can be read reliably
        problems = []
        present = buildings_in(database)
        promised = self.durable | set(killed.acks)
        lost = sorted(promised - present.keys())
        if lost:
            problems.append(f"acknowledged commits lost: {lost[:10]}")
        in_flight = killed.acks[-1] + 1 if killed.acks else start
        unexplained = sorted(present.keys() - promised - {in_flight})
        if unexplained:
            problems.append(f"buildings that were never committed: {unexplained[:10]}")
        partial = sorted(number for number, units in present.items() if units != UNITS_PER_BUILDING)
        if partial:
            problems.append(f"half a transaction (a building without its {UNITS_PER_BUILDING} units): {partial[:10]}")
        if self.checks_every and self.runs % self.checks_every == 0:
            problems.extend(f"run_checks: {problem}" for problem in run_checks_problems(self.data_dir))
        self.durable = set(present)
        self.next_number = max([in_flight, *present]) + 1
        return problems


def new_lanes(work: Path, count: int, seed: int, **options: float) -> list[WriteLane]:
    template = make_template(work / "template" / "data")
    lanes = []
    for index in range(count):
        folder = work / f"lane-{index}"
        folder.mkdir(parents=True)
        shutil.copytree(template, folder / "data", ignore=shutil.ignore_patterns("*.lock"))
        lanes.append(WriteLane(folder / "data", random.Random(seed * 1000 + index), **options))
    return lanes


def run_lanes(lanes: list[WriteLane], runs_per_lane: int) -> None:
    """Each lane in its own thread (the waiting is on other processes, so the GIL is no limit)."""
    from concurrent.futures import ThreadPoolExecutor

    def drive(lane: WriteLane) -> None:
        for _ in range(runs_per_lane):
            lane.run_once()

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for future in [pool.submit(drive, lane) for lane in lanes]:
            future.result()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
