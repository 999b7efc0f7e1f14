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

``restore DATA_DIR BACKUP`` and ``backup DATA_DIR TARGET`` run one ``restore_backup`` or
``create_backup`` (passphrase from ``CHANG_SHAN_BACKUP_PASSPHRASE``) and say ``at <step> <s>`` as
they reach the steps around the swap or the rename; ``run_restore_kills`` and ``run_backup_kills``
kill them anywhere or aimed at those steps, then ``check_restore`` / ``check_backup`` judge what is
left (old or restored database, whole; every ``*.csbak`` verifies).

tests/backup/test_kill.py runs it in CI; bench/bench_backup.py runs it longer.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

WORKER = Path(__file__).resolve()
REPO = WORKER.parents[2]
RARE = "𠀀"
GRID_CODE = "K"
UNITS_PER_BUILDING = 3
READY_TIMEOUT = 60.0  # seconds for a worker to open the folder (a loaded CI machine)
EXIT_TIMEOUT = 10.0  # seconds for a killed worker to be reaped
PASSPHRASE_ENV = "CHANG_SHAN_BACKUP_PASSPHRASE"
PASSPHRASE = "长山办公室备份口令𠀀"


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


_READY_AT = [0.0]


def _ready() -> None:
    _READY_AT[0] = time.monotonic()
    _say("ready")


def _mark(module: object, name: str) -> None:
    """Say ``at <name> <seconds since ready>`` when ``module.name`` is called (observation only:
    the harness learns where the steps fall, to aim some kills at them)."""
    function = getattr(module, name)

    def marked(*args: object, **kwargs: object) -> object:
        _say(f"at {name} {time.monotonic() - _READY_AT[0]:.4f}")
        return function(*args, **kwargs)

    setattr(module, name, marked)


def restore_once(data_dir: Path, backup: Path) -> None:
    from chang_shan.backup import restore
    from chang_shan.paths import DataDir

    _mark(restore, "_set_aside")  # then the swap (one rename), then:
    _mark(restore, "_finish_files")
    _ready()
    restore.restore_backup(DataDir(data_dir), backup, os.environ[PASSPHRASE_ENV])
    _say("done")


def backup_once(data_dir: Path, target: Path) -> None:
    from chang_shan.backup import create

    db = _open(data_dir)
    _mark(create, "write_backup_file")  # the .part, then the rename to the final name, then:
    _mark(create, "verify_backup")
    _mark(create, "_record")
    _ready()
    result = create.create_backup(db, target, os.environ[PASSPHRASE_ENV])
    _say(f"done {result.path.name}")
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
    for mode, what in (("restore", "backup"), ("backup", "target")):
        command = sub.add_parser(mode)
        command.add_argument("data_dir", type=Path)
        command.add_argument(what, type=Path)
    args = parser.parse_args(argv)
    if args.mode == "write":
        write_loop(args.data_dir, args.start, args.max_seconds, ack_early=args.ack_early)
    elif args.mode == "restore":
        restore_once(args.data_dir, args.backup)
    else:
        backup_once(args.data_dir, args.target)
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
    done: bool = False  # a restore or backup worker that finished before the kill came


def spawn(args: list[str], log_dir: Path) -> tuple[subprocess.Popen, Path, Path]:
    out, err = log_dir / "worker.out", log_dir / "worker.err"
    env = {**os.environ, PASSPHRASE_ENV: PASSPHRASE}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=stdout, stderr=stderr,
                                cwd=REPO, env=env, start_new_session=True)
    return proc, out, err


def _wait_for(proc: subprocess.Popen, out: Path, line: bytes, timeout: float) -> bool:
    """Until the worker has said ``line`` (the start of a line); False when it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = out.read_bytes()
        if said.startswith(line) or b"\n" + line in said:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    return False


def run_and_kill(args: list[str], log_dir: Path, *, delay: float, before_ready: bool = False,
                 after: str | None = None) -> Killed:
    """Start the worker, SIGKILL it ``delay`` seconds after it is ready (or after its start when
    ``before_ready``, or after it said ``at <after>``), reap it; never waits longer than
    READY_TIMEOUT + FINISH_TIMEOUT + EXIT_TIMEOUT."""
    proc, out, err = spawn(args, log_dir)
    try:
        if not before_ready and not _wait_for(proc, out, b"ready\n", READY_TIMEOUT):
            raise AssertionError(f"the worker never became ready: {err.read_text(errors='replace')[-2000:]}")
        if after is None or _wait_for(proc, out, f"at {after} ".encode(), FINISH_TIMEOUT):
            time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=EXIT_TIMEOUT)
    finally:
        if proc.poll() is None:  # an assertion above: never leave it running
            proc.kill()
            proc.wait(timeout=EXIT_TIMEOUT)
    lines = out.read_text().splitlines()
    acks = [int(line[4:]) for line in lines if line.startswith("ack ")]
    return Killed(acks, proc.returncode, before_ready, err.read_text(errors="replace"),
                  done=any(line.startswith("done") for line in lines))


def integrity(database: Path) -> str:
    """``ok``, or what SQLite says is wrong (a file too damaged to check says so by raising)."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        return "; ".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def buildings_in(database: Path, grid: str = GRID_CODE) -> dict[int, int]:
    """The buildings of ``grid`` now in the database: number → how many units it has."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        rows = connection.execute(
            "SELECT b.name, (SELECT count(*) FROM unit u WHERE u.building_id = b.id) FROM building b "
            "JOIN grid g ON g.id = b.grid_id WHERE g.code = ?", (grid,)).fetchall()
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
        label = f"run {self.runs} ({self.data_dir.parent.name}, start {start}, {len(killed.acks)} acks)"
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


# --- restore and backup under SIGKILL ------------------------------------------------------------

OLD_GRID, NEW_GRID = "OLD", "NEW"
OLD_PHOTO, NEW_PHOTO = Path("old") / f"旧照片{RARE}.jpg", Path("new") / f"新照片{RARE}.jpg"
FINISH_TIMEOUT = 120.0  # seconds for an unkilled restore or backup (the calibration run)


def _folder_with(root: Path, grid: str, photo: Path, buildings: int) -> Path:
    """A data folder holding one grid ``grid`` with ``buildings`` buildings and one photo."""
    from chang_shan.population import places

    db = _open(root)
    try:
        with db.transaction("网格") as session:
            grid_id = places.create_grid(session, code=grid, name=f"{grid}网格{RARE}")
            for number in range(1, buildings + 1):
                building = places.create_building(session, grid_id=grid_id, name=building_name(number))
                for unit in range(1, UNITS_PER_BUILDING + 1):
                    places.create_unit(session, building_id=building, name=str(unit))
        (db.data_dir.files / photo).parent.mkdir(parents=True)
        (db.data_dir.files / photo).write_bytes(photo.name.encode("utf-8") * 4000)
    finally:
        db.close()
    return root


@dataclass
class RestoreCase:
    """An 'old' data folder (grid OLD, its photo) and a backup of a 'new' one (grid NEW, its photo)."""

    old_template: Path
    backup: Path

    @classmethod
    def build(cls, work: Path, buildings: int = 300) -> "RestoreCase":
        from chang_shan.backup.create import create_backup

        old = _folder_with(work / "old" / "data", OLD_GRID, OLD_PHOTO, buildings)
        new = _folder_with(work / "new" / "data", NEW_GRID, NEW_PHOTO, buildings)
        (work / "stick").mkdir()
        db = _open(new)
        try:
            backup = create_backup(db, work / "stick", PASSPHRASE).path
        finally:
            db.close()
        return cls(old, backup)


def grids_in(database: Path) -> set[str]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return {row[0] for row in connection.execute("SELECT code FROM grid")}
    finally:
        connection.close()


def _whole_database(database: Path, what: str) -> tuple[str | None, list[str]]:
    """(OLD or NEW, problems) for a database that must be one of the two, whole."""
    if not database.exists():
        return None, [f"{what}: no database at all"]
    result = integrity(database)
    if result != "ok":
        return None, [f"{what}: integrity_check: {result}"]
    grids = grids_in(database) & {OLD_GRID, NEW_GRID}
    if len(grids) != 1:
        return None, [f"{what}: neither the old nor the restored database, but {sorted(grids)}"]
    (grid,) = grids
    present = buildings_in(database, grid)
    if len(present) != len(set(present)) or any(units != UNITS_PER_BUILDING for units in present.values()):
        return grid, [f"{what}: buildings without their units"]
    return grid, []


def _photo_problems(files: Path, photo: Path, other: Path, what: str) -> list[str]:
    problems = []
    if not (files / photo).is_file() or (files / photo).read_bytes() != photo.name.encode("utf-8") * 4000:
        problems.append(f"{what}: the photo {photo} is missing or changed")
    if (files / other).exists():
        problems.append(f"{what}: the other side's photo {other} is there too")
    return problems


@dataclass
class Outcomes:
    """What the kills left, by kind, and every broken promise."""

    runs: int = 0
    states: dict[str, int] = field(default_factory=dict)
    leftovers: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    timing: dict[str, float] = field(default_factory=dict)  # seconds from ready to each step

    def count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


def calibrate(make_args: Callable[[], list[str]], log_dir: Path, runs: int = 3) -> dict[str, float]:
    """Seconds from ``ready`` to each marked step and to ``done`` (the median of ``runs`` runs left
    to finish): the kills are aimed within them."""
    timings: list[dict[str, float]] = []
    for _ in range(runs):
        args = make_args()
        proc, out, err = spawn(args, log_dir)
        try:
            if not _wait_for(proc, out, b"ready\n", READY_TIMEOUT):
                raise AssertionError(f"the worker never became ready: {err.read_text(errors='replace')[-2000:]}")
            started = time.monotonic()
            while b"\ndone" not in out.read_bytes() and proc.poll() is None:
                if time.monotonic() - started > FINISH_TIMEOUT:
                    raise AssertionError(f"the worker took more than {FINISH_TIMEOUT} s: {args}")
                time.sleep(0.002)
            elapsed = time.monotonic() - started
            proc.wait(timeout=EXIT_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=EXIT_TIMEOUT)
        lines = out.read_text().splitlines()
        if proc.returncode != 0 or not any(line.startswith("done") for line in lines):
            raise AssertionError(f"the worker failed: {err.read_text(errors='replace')[-2000:]}")
        timing = {line.split()[1]: float(line.split()[2]) for line in lines if line.startswith("at ")}
        timings.append({**timing, "done": elapsed})
    return {key: sorted(t[key] for t in timings)[len(timings) // 2] for key in timings[0]}


def _aimed_kill(rng: random.Random, timing: dict[str, float]) -> dict:
    """A third of the kills anywhere in the whole run (a delay after ready); the others aimed at
    one of the marked steps: a delay, within the step's calibrated length, after the worker said
    it reached it (so a loaded machine does not make them miss the rename or the swap)."""
    steps = sorted(timing.items(), key=lambda item: item[1])
    if rng.random() < 1 / 3:
        return {"delay": rng.uniform(0, timing["done"] * 1.05)}
    index = rng.randrange(len(steps) - 1)
    (step, at), (_, ends) = steps[index], steps[index + 1]
    return {"delay": rng.uniform(0, ends - at), "after": step}


def _fresh_copy(template: Path, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(template, folder / "data", ignore=shutil.ignore_patterns("*.lock"))
    return folder / "data"


def check_restore(data_dir: Path, killed: Killed) -> tuple[str, list[str]]:
    """After a restore killed at any moment: the database is the old one or the restored one, whole,
    before anything else runs; the program's next start (``Database.open``, which finishes or
    discards an interrupted restore under the lock) keeps it, and the photos then match it."""
    from chang_shan.backup.restore import STAGING
    from chang_shan.paths import DataDir

    folder = DataDir(data_dir)
    state, problems = _whole_database(folder.database, "right after the kill")
    if killed.done and state != NEW_GRID:
        problems.append("the restore said done, but the database is not the backup's")
    _open(data_dir).close()
    after, more = _whole_database(folder.database, "after the next Database.open")
    problems += more
    if after != state:
        problems.append(f"the next Database.open changed the database ({state} → {after})")
    if (data_dir / STAGING).exists():
        problems.append("the staging folder is still there")
    asides = sorted(folder.safety_copies.glob("before-restore-*"))
    if after == NEW_GRID:
        problems += _photo_problems(folder.files, NEW_PHOTO, OLD_PHOTO, "restored")
        kept = [aside for aside in asides if (aside / folder.database.name).exists()]
        if len(kept) != 1:
            problems.append(f"the old database was not kept aside ({len(kept)} copies)")
        else:
            grid, more = _whole_database(kept[0] / folder.database.name, "the copy kept aside")
            problems += more + ([] if grid == OLD_GRID else ["the copy kept aside is not the old database"])
            problems += _photo_problems(kept[0] / "files", OLD_PHOTO, NEW_PHOTO, "kept aside")
    elif after == OLD_GRID:
        problems += _photo_problems(folder.files, OLD_PHOTO, NEW_PHOTO, "old")
    if after == NEW_GRID and not problems:
        problems += [f"run_checks: {problem}" for problem in run_checks_problems(data_dir)]
    return after or "broken", problems


def check_backup(data_dir: Path, target: Path, killed: Killed) -> tuple[str, list[str], list[str]]:
    """After a backup killed at any moment: every file under a final name (``*.csbak``) verifies
    whole; the live database is untouched. Returns (state, problems, leftovers)."""
    from chang_shan.backup.verify import verify_backup
    from chang_shan.errors import DomainError

    problems = []
    finals = sorted(target.glob("*.csbak"))
    for final in finals:
        try:
            verify_backup(final, PASSPHRASE)
        except DomainError as exc:
            problems.append(f"{final.name} has the final name but does not verify: {exc}")
    if killed.done and not finals:
        problems.append("the backup said done, but there is no file")
    grid, more = _whole_database(data_dir / "chang-shan.sqlite3", "the live database")
    problems += more + ([] if grid in (NEW_GRID, None) else [f"the live database changed: {grid}"])
    leftovers = [f"{path.name}" for path in target.glob("*.part")]
    leftovers += [f"{path.name}" for path in data_dir.glob(".backup-*")]
    state = "done" if killed.done else ("final name, killed before done" if finals else "no final file")
    return state, problems, leftovers


def run_restore_kills(work: Path, case: RestoreCase, runs: int, seed: int) -> Outcomes:
    """Kill restores at random moments over the length of one whole restore."""
    rng, outcomes = random.Random(seed), Outcomes()
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "restore-run"
    timing = calibrate(lambda: ["restore", str(_fresh_copy(case.old_template, folder)), str(case.backup)], work)
    outcomes.timing = timing
    for run in range(1, runs + 1):
        data_dir = _fresh_copy(case.old_template, folder)
        killed = run_and_kill(["restore", str(data_dir), str(case.backup)], work,
                              **_aimed_kill(rng, timing))
        state, problems = check_restore(data_dir, killed)
        outcomes.runs += 1
        outcomes.count(outcomes.states, "restore had finished" if killed.done else
                       f"killed, then {'restored' if state == NEW_GRID else 'old' if state == OLD_GRID else state}")
        if not killed.done and killed.returncode != -signal.SIGKILL:
            problems.append(f"ended with {killed.returncode}: {killed.stderr[-1000:]}")
        outcomes.failures += [f"restore run {run}: {problem}" for problem in problems]
    return outcomes


def run_backup_kills(work: Path, case: RestoreCase, runs: int, seed: int) -> Outcomes:
    """Kill ``create_backup`` at random moments over the length of one whole backup."""
    rng, outcomes = random.Random(seed), Outcomes()
    work.mkdir(parents=True, exist_ok=True)
    template = case.backup.parents[1] / "new" / "data"
    folder, target = work / "backup-run", work / "backup-target"

    def fresh() -> Path:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        return _fresh_copy(template, folder)

    timing = calibrate(lambda: ["backup", str(fresh()), str(target)], work)
    outcomes.timing = timing
    for run in range(1, runs + 1):
        data_dir = fresh()
        killed = run_and_kill(["backup", str(data_dir), str(target)], work,
                              **_aimed_kill(rng, timing))
        state, problems, leftovers = check_backup(data_dir, target, killed)
        outcomes.runs += 1
        outcomes.count(outcomes.states, state)
        for leftover in leftovers:
            outcomes.count(outcomes.leftovers, ".part" if leftover.endswith(".part") else ".backup-* folder")
        if not killed.done and killed.returncode != -signal.SIGKILL:
            problems.append(f"ended with {killed.returncode}: {killed.stderr[-1000:]}")
        outcomes.failures += [f"backup run {run}: {problem}" for problem in problems]
    return outcomes


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
