"""Backups (issue 9): time per backup, verify and restore on the demo at ``--scale 15``, and the
SIGKILL loops of tests/backup/test_kill.py run longer.

    .venv/bin/python -m bench.bench_backup --data-dir /tmp/chang-shan-bench15 --passes 3 \\
        --write-kills 1000 --restore-kills 100 --backup-kills 100 --control-kills 200

The demo (``--data-dir``) is built on first use as ``python -m bench`` does, then copied into
``--work-dir`` so the timed backups (which record an audit event and the last backup) never change
it. Timed, each pass (the median and the spread over ``--passes``):

* ``create_backup``: snapshot (SQLite backup API), tar + gzip + AES-256-GCM (scrypt n=2**15),
  fsync, rename, and the read-back check (decrypt, unpack, integrity_check, counts, SHA-256);
* ``verify_backup`` of the file alone;
* ``restore_backup`` into an empty data folder, and over a data folder that has a database
  (the current one checkpointed and copied aside first).

The kill loops use tests/backup/kill_worker.py (real worker processes, real SIGKILL): the write
loop (two data folders side by side), restores and backups killed at random moments of a small
data folder, and a *control*: the write loop with a worker that acknowledges before it commits
(``--ack-early``), which the same checks must catch — the failures it reports are the harness
proving it can see a lost commit.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.backup.create import create_backup
from chang_shan.backup.restore import restore_backup
from chang_shan.backup.verify import verify_backup
from chang_shan.db.database import Database
from chang_shan.paths import DataDir
from tests.backup import kill_worker

PASSPHRASE = kill_worker.PASSPHRASE
MB = 1 << 20


def build_demo(data_dir: Path, scale: int) -> None:
    if (data_dir / "chang-shan.sqlite3").exists():
        return
    print(f"building the demo at --scale {scale} in {data_dir} …", flush=True)
    subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), "demo", "--scale", str(scale)],
                   check=True, timeout=3600)


def _copy_folder(source: Path, target: Path) -> DataDir:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.lock"))
    return DataDir(target)


def _timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})"


def time_backups(demo: Path, work: Path, passes: int) -> None:
    source = _copy_folder(demo, work / "source")
    over = work / "restore-over"
    stick = work / "stick"
    times: dict[str, list[float]] = {"backup (create, incl. read-back check)": [], "verify": [],
                                     "restore into an empty folder": [], "restore over existing data": []}
    size = 0
    for number in range(1, passes + 1):
        if stick.exists():
            shutil.rmtree(stick)
        stick.mkdir()
        with Database.open(source) as db:
            db.actor = SYSTEM
            elapsed, result = _timed(lambda: create_backup(db, stick, PASSPHRASE, thin=False))
        times["backup (create, incl. read-back check)"].append(elapsed)
        size = result.size
        elapsed, _ = _timed(lambda: verify_backup(result.path, PASSPHRASE))
        times["verify"].append(elapsed)
        empty = work / "restore-empty"
        if empty.exists():
            shutil.rmtree(empty)
        elapsed, _ = _timed(lambda: restore_backup(DataDir(empty), result.path, PASSPHRASE, actor=SYSTEM))
        times["restore into an empty folder"].append(elapsed)
        target = _copy_folder(demo, over)
        elapsed, _ = _timed(lambda: restore_backup(target, result.path, PASSPHRASE, actor=SYSTEM))
        times["restore over existing data"].append(elapsed)
        print(f"pass {number}: " + ", ".join(f"{key.split(' (')[0]} {value[-1]:.2f} s" for key, value in times.items()),
              flush=True)
    database = (demo / "chang-shan.sqlite3").stat().st_size
    print(f"\ndatabase {database / MB:.1f} MiB, backup file {size / MB:.1f} MiB ({size / database:.0%})")
    for key, values in times.items():
        print(f"  {key:42s} {_summary(values)}")


def write_kills(work: Path, runs: int, *, ack_early: bool, seed: int) -> None:
    lanes = kill_worker.new_lanes(work, 2, seed, ack_early=ack_early, checks_every=0 if ack_early else 25)
    started = time.monotonic()
    kill_worker.run_lanes(lanes, runs // 2)
    failures = [failure for lane in lanes for failure in lane.failures]
    failed_runs = len({failure.split(":")[0] for failure in failures})
    title = "control (acknowledged before the commit)" if ack_early else "write loop"
    print(f"\n{title}: {sum(lane.runs for lane in lanes)} kills in {time.monotonic() - started:.0f} s, "
          f"{sum(lane.kills_mid_write for lane in lanes)} after at least one acknowledged commit, "
          f"{sum(lane.acknowledged for lane in lanes)} commits acknowledged, "
          f"{sum(len(lane.durable) for lane in lanes)} buildings in the end; "
          f"runs with a failure: {failed_runs}")
    for failure in failures[:5]:
        print(f"  {failure}")


def outcome_kills(work: Path, restores: int, backups: int, seed: int) -> None:
    case = kill_worker.RestoreCase.build(work / "case")
    for name, runs, function in (("restore", restores, kill_worker.run_restore_kills),
                                 ("backup", backups, kill_worker.run_backup_kills)):
        if not runs:
            continue
        started = time.monotonic()
        outcomes = function(work / name, case, runs, seed)
        steps = ", ".join(f"{step} {seconds:.3f}" for step, seconds in outcomes.timing.items())
        print(f"\n{name}: {outcomes.runs} runs in {time.monotonic() - started:.0f} s (steps after ready, s: {steps})")
        print(f"  outcomes: {dict(sorted(outcomes.states.items()))}")
        if outcomes.leftovers:
            print(f"  left behind (not failures): {dict(sorted(outcomes.leftovers.items()))}")
        print(f"  failures: {len(outcomes.failures)}")
        for failure in outcomes.failures[:5]:
            print(f"  {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_backup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "chang-shan-bench15")
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "chang-shan-bench-backup")
    parser.add_argument("--passes", type=int, default=3, help="timed passes (0: no timing)")
    parser.add_argument("--write-kills", type=int, default=1000)
    parser.add_argument("--restore-kills", type=int, default=100)
    parser.add_argument("--backup-kills", type=int, default=100)
    parser.add_argument("--control-kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.work_dir.exists():
        shutil.rmtree(args.work_dir)
    args.work_dir.mkdir(parents=True)
    try:
        if args.passes:
            build_demo(args.data_dir, args.scale)
            time_backups(args.data_dir, args.work_dir / "timed", args.passes)
        if args.write_kills:
            write_kills(args.work_dir / "write", args.write_kills, ack_early=False, seed=args.seed)
        if args.control_kills:
            write_kills(args.work_dir / "control", args.control_kills, ack_early=True, seed=args.seed)
        if args.restore_kills or args.backup_kills:
            outcome_kills(args.work_dir / "outcomes", args.restore_kills, args.backup_kills, args.seed)
    finally:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
