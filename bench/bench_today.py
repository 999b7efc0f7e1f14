"""Today list (今日待办) and health-list benchmark (issue 4), on the demo at ``--scale 15`` and at
``--scale 1``.

    .venv/bin/chang-shan --data-dir /tmp/chang-shan-bench15 demo --scale 15     # once (about 30 s)
    .venv/bin/python bench/bench_today.py --data-dir /tmp/chang-shan-bench15 --passes 5

The scale-1 demo (the real community, about 7,000 residents) is built on first use in
``--small-data-dir`` (default: a folder under the system temp directory, about 4 s); ``--no-small``
skips it.

Timed, each call in a fresh session (``db.reader()``) as the SYSTEM actor, who holds every
permission (the health lists need ``Perm.HEALTH``) and is limited to no grid:

* ``today.build_today(session, on)``: what the 今日待办 screen shows first (target: within 1 s at
  scale 1; reported as it is at scale 15);
* its parts and the other due lists: ``health.due.overdue_visits``, ``due.not_visited`` (the
  setting's days), ``due.yearly_check_due``, ``care.assignments.without_caretaker``,
  ``care.assignments.care_targets``, the birthdays section, ``health.stats.health_statistics``;
* the 居民健康库 screen's list query, ``health.finder.find_residents``, with each quick filter and
  no text, and with a typed surname;
* *the baseline*, measured in the same passes: ``naive_overdue_visits`` below, the way the
  service would be written without SQL: every visit loaded as an ORM object, each resident's
  latest visit found in Python, residents and their addresses loaded as objects. It returns the
  same rows as the service (checked on every pass), and the ratio service / naive is reported.

Also counted (a SQLAlchemy ``before_cursor_execute`` listener, one untimed call): the SQL
statements each call runs, to show whether the count grows with the data.

Nothing is written. Each figure is the median over ``--passes`` passes (the first pass warms the
caches and is dropped unless ``--passes 1``), with the spread of the kept passes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from chang_shan.accounts.permissions import SYSTEM, Perm, require  # noqa: E402
from chang_shan.care import assignments  # noqa: E402
from chang_shan.db.database import Database  # noqa: E402
from chang_shan.db.models import Building, HealthCondition, HealthVisit, Household, Resident, Unit  # noqa: E402
from chang_shan.health import due, finder, stats  # noqa: E402
from chang_shan.health.codes import FOLLOW_UP_CODES, disease  # noqa: E402
from chang_shan.health.shapes import DueRow  # noqa: E402
from chang_shan.paths import DataDir  # noqa: E402
from chang_shan.population.addresses import household_address  # noqa: E402
from chang_shan.population.residents import ACTIVE, age_on  # noqa: E402
from chang_shan.settings import get_setting  # noqa: E402
from chang_shan.today import build_today  # noqa: E402
from chang_shan.today import sections as today_sections  # noqa: E402

TODAY_TARGET_MS = 1000.0  # at scale 1
SLOW_PART_MS = 2000.0  # a part slower than this at scale 15 is worth a look at its plan
NAIVE = "naive overdue_visits (baseline)"
SERVICE = "due.overdue_visits"
BUILD = "today.build_today"


# --- the baseline ------------------------------------------------------------------------------


def naive_overdue_visits(session: Session, on: date) -> list[DueRow]:
    """``due.overdue_visits`` without SQL doing the work: every visit up to ``on`` is loaded as an
    ORM object and each resident's latest one (latest day, then latest recorded) is kept in a
    dict; residents 在册 with their households, buildings and units are loaded as objects (so the
    addresses come from the identity map, not one query per row). Unscoped: the SYSTEM actor."""
    require(session, Perm.HEALTH)
    latest: dict[int, HealthVisit] = {}
    for visit in session.scalars(select(HealthVisit).where(HealthVisit.visited_on <= on)):
        best = latest.get(visit.resident_id)
        if best is None or (visit.visited_on, visit.id) > (best.visited_on, best.id):
            latest[visit.resident_id] = visit
    followed: dict[int, set[str]] = {}
    for condition in session.scalars(select(HealthCondition).where(
            HealthCondition.category == "疾病", HealthCondition.code.in_(FOLLOW_UP_CODES))):
        followed.setdefault(condition.resident_id, set()).add(condition.code)
    # Households, buildings and units into the identity map, held here (it keeps objects only while
    # they are referenced), so that the addresses below need no query each.
    _places = [session.scalars(select(model)).all() for model in (Household, Building, Unit)]
    residents = {r.id: r for r in session.scalars(select(Resident).where(Resident.status == ACTIVE))}

    def address(resident: Resident) -> str:
        household = resident.household
        if household is None or household.building is None:
            return ""
        unit = household.unit.name if household.unit is not None else None
        return household_address(household.building.name, unit, household.room, household.building.kind)

    def diseases(resident_id: int) -> str:
        codes = followed.get(resident_id, set())
        return "、".join(disease().label(code) for code in FOLLOW_UP_CODES if code in codes)

    rows: list[tuple[Any, DueRow]] = []
    for resident_id, resident in residents.items():
        visit = latest.get(resident_id)
        if visit is None and resident_id in followed:
            row = DueRow(resident_id=resident_id, name=resident.name, age=age_on(resident.birth_date, on),
                         address=address(resident), reason=diseases(resident_id) + "随访", due_on=None,
                         days_overdue=0, last_visit_on=None)
        elif visit is not None and visit.next_due_on is not None and visit.next_due_on <= on:
            reason = {"年度体检": "年度体检", "关怀": "关怀走访"}.get(visit.purpose) or diseases(resident_id) + "随访"
            row = DueRow(resident_id=resident_id, name=resident.name, age=age_on(resident.birth_date, on),
                         address=address(resident), reason=reason, due_on=visit.next_due_on,
                         days_overdue=(on - visit.next_due_on).days, last_visit_on=visit.visited_on)
        else:
            continue
        rows.append(((row.due_on is not None, row.due_on or on, resident.name_pinyin, resident_id), row))
    return [row for _key, row in sorted(rows, key=lambda r: r[0])]


# --- what is timed -------------------------------------------------------------------------------


def parts(on: date) -> dict[str, Callable[[Session], Any]]:
    """label → a call returning what the screen would show (a list, or the statistics)."""

    def not_visited(session: Session) -> Any:
        return due.not_visited(session, on, int(get_setting(session, today_sections.NOT_VISITED_DAYS)))

    calls: dict[str, Callable[[Session], Any]] = {
        BUILD: lambda s: build_today(s, on),
        SERVICE: lambda s: due.overdue_visits(s, on),
        NAIVE: lambda s: naive_overdue_visits(s, on),
        "due.not_visited": not_visited,
        "due.yearly_check_due": lambda s: due.yearly_check_due(s, on),
        "care.without_caretaker": lambda s: assignments.without_caretaker(s, on),
        "care.care_targets": lambda s: assignments.care_targets(s, on),
        "today: birthdays section": lambda s: today_sections.birthdays(s, on),
        "health.health_statistics": lambda s: stats.health_statistics(s, on),
    }
    for quick, label in finder.QUICK_FILTERS.items():
        calls[f"finder: {label}"] = lambda s, quick=quick: finder.find_residents(s, "", quick, on=on)
    calls["finder: 王 (typed)"] = lambda s: finder.find_residents(s, "王", "", on=on)
    calls["finder: 王 + 慢病随访对象"] = lambda s: finder.find_residents(s, "王", "follow_up", on=on)
    return calls


def size_of(result: Any) -> int:
    """Rows a call returned (for the statistics: residents counted)."""
    if isinstance(result, list):
        return len(result)
    if hasattr(result, "total"):
        return int(result.total)  # TodayList, finder.Found
    if hasattr(result, "chronic_by_grid"):
        return sum(row.residents for row in result.chronic_by_grid)
    return 0


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """The SQL statements run on ``db``'s engine inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def timed(db: Database, call: Callable[[Session], Any]) -> tuple[float, Any]:
    with db.reader() as session:
        started = time.perf_counter()
        result = call(session)
        return (time.perf_counter() - started) * 1000, result


def measure(data_dir: Path, on: date, passes: int) -> dict:
    db = Database.open(DataDir(data_dir.resolve()), lock=False)
    db.actor = SYSTEM  # every permission, no grid limit
    try:
        with db.reader() as session:
            facts = {
                "database": str(data_dir),
                "residents_active": session.scalar(
                    select(func.count()).select_from(Resident).where(Resident.status == ACTIVE)),
                "visits": session.scalar(select(func.count()).select_from(HealthVisit)),
                "analyzed": bool(session.execute(text(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()),
            }
        calls = parts(on)
        samples: dict[str, list[float]] = {label: [] for label in calls}
        rows: dict[str, int] = {}
        for n in range(passes):
            results = {}
            for label, call in calls.items():
                ms, results[label] = timed(db, call)
                rows[label] = size_of(results[label])
                if n > 0 or passes == 1:
                    samples[label].append(ms)
            if results[NAIVE] != results[SERVICE]:
                raise SystemExit(f"the baseline lists other rows than the service in {data_dir}: "
                                 f"{len(results[NAIVE])} against {len(results[SERVICE])}")
        statements: dict[str, int] = {}
        for label, call in calls.items():
            with counting(db) as seen:
                timed(db, call)
            statements[label] = len(seen)
        with db.reader() as session:
            sections = {s.title: s.count for s in build_today(session, on).sections}
        return {
            **facts,
            "passes_kept": max(1, passes - 1),
            "ms": {label: statistics.median(values) for label, values in samples.items()},
            "spread_ms": {label: [min(values), max(values)] for label, values in samples.items()},
            "rows": rows,
            "statements": statements,
            "today_sections": sections,
        }
    finally:
        db.close()


# --- figures -------------------------------------------------------------------------------------


def padded(label: str, width: int) -> str:
    """``label`` padded to ``width`` columns of a terminal (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)
    return label + " " * max(0, width - columns)


def report(result: dict) -> str:
    runs = result["runs"]
    labels = list(runs[0]["ms"])
    lines = [f"on {result['on']}; {result['machine']}; {result['date']}; load average "
             f"{result['load_before']:.1f} before, {result['load_after']:.1f} after"]
    for run in runs:
        lines.append(f"{run['scale']}: {run['database']}: {run['residents_active']:,} residents on the register, "
                     f"{run['visits']:,} visits, planner statistics {'present' if run['analyzed'] else 'MISSING'}, "
                     f"median of {run['passes_kept']} passes")
    head = "".join(f" | {run['scale']:>8s} ms   spread        rows  SQL" for run in runs)
    lines += ["", f"{'call':34s}{head}"]
    for label in labels:
        cells = ""
        for run in runs:
            low, high = run["spread_ms"][label]
            cells += (f" | {run['ms'][label]:11.1f} {low:7.0f}–{high:<7.0f} {run['rows'][label]:6d} "
                      f"{run['statements'][label]:4d}")
        lines.append(f"{padded(label, 34)}{cells}")
    lines.append("")
    for run in runs:
        ms = run["ms"]
        lines.append(f"{run['scale']}: overdue_visits {ms[SERVICE]:.0f} ms against the naive baseline "
                     f"{ms[NAIVE]:.0f} ms: {ms[SERVICE] / ms[NAIVE]:.3f}× "
                     f"(same {run['rows'][SERVICE]:,} rows); build_today runs {run['statements'][BUILD]} "
                     f"SQL statements; sections {run['today_sections']}")
        slow = [label for label in labels if label not in (BUILD, NAIVE) and ms[label] > SLOW_PART_MS]
        lines.append(f"  parts slower than {SLOW_PART_MS / 1000:.0f} s: {', '.join(slow) or 'none'}")
    small = next((run for run in runs if run["scale"] == "scale 1"), None)
    if small is not None:
        ms = small["ms"][BUILD]
        lines.append(f"today list at scale 1: {ms:.0f} ms against the target {TODAY_TARGET_MS:.0f} ms: "
                     f"{'met' if ms < TODAY_TARGET_MS else 'NOT met'}")
    return "\n".join(lines)


def ensure_demo(data_dir: Path, scale: int) -> None:
    if not (data_dir / "chang-shan.sqlite3").exists():
        print(f"building the demo at --scale {scale} in {data_dir} …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), "demo",
                        "--scale", str(scale)], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, type=Path, help="a data folder with the demo at --scale 15")
    parser.add_argument("--small-data-dir", type=Path, default=Path(tempfile.gettempdir()) / "chang-shan-bench1",
                        help="a data folder with the demo at --scale 1 (built on first use)")
    parser.add_argument("--no-small", action="store_true", help="only the --data-dir database")
    parser.add_argument("--passes", type=int, default=5, help="passes over every call (the first warms up)")
    parser.add_argument("--on", type=date.fromisoformat, default=None,
                        help="the day of the lists, YYYY-MM-DD (default today; the demo dates its data from "
                             "the day it was built)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.data_dir / "chang-shan.sqlite3").exists():
        print(f"bench_today: no database in {args.data_dir}; run chang-shan --data-dir DIR demo --scale 15",
              file=sys.stderr)
        return 2
    on = args.on or date.today()
    load_before = os.getloadavg()[0]
    runs = []
    if not args.no_small:
        ensure_demo(args.small_data_dir, 1)
        runs.append({"scale": "scale 1", **measure(args.small_data_dir, on, args.passes)})
    runs.append({"scale": "scale 15", **measure(args.data_dir, on, args.passes)})
    result = {
        "on": on.isoformat(), "runs": runs, "date": date.today().isoformat(),
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "machine": f"{platform.platform()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
                   f"{os.cpu_count()} cores",
    }
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
