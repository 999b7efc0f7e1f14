"""Search and resident-table benchmark (issue 2, "Speed"), on a database at ``--scale 15``.

    .venv/bin/chang-shan --data-dir /tmp/cs-search15 demo --scale 15      # once (about 20 s)
    .venv/bin/python bench/bench_search.py --data-dir /tmp/cs-search15 --passes 5

Targets: search-as-you-type answers a keystroke in under 30 ms at the 95th percentile; the
resident table shows its first rows in under 200 ms.

*A keystroke* is what the table does for the text typed so far, each step timed on its own:
``query.count_residents`` + ``query.resident_ids(limit=50)`` (the first page, sorted by name) +
``query.resident_rows`` for those 50, in a fresh session. The keystrokes are every prefix of
realistic queries drawn from the database itself (seeded): names typed character by character,
pinyin letter by letter, initials, given names in pinyin, heteronym surnames in both readings,
one-character surnames, rare-character names, the last four digits of ID numbers, birth dates,
whole ID numbers digit by digit, phone numbers (last four and whole), addresses (``3``, ``3号``,
``3号楼``, ``3号楼 2单元``, ``301``, ``3-2-301``) and two-word searches.

*The baseline*, measured in the same run over the same keystrokes: the same three steps with a
plain ``name LIKE '%x%'`` in place of the search (names only; it cannot do pinyin, initials, ID
numbers, phones or addresses), as a naive implementation would.

*First rows*: ``count_residents`` + ``resident_ids(limit=100)`` sorted by name + ``resident_rows``
for the 100, unfiltered. Its baseline: the same with the index walk switched off, i.e. the plan
SQLite picks on its own (it sorts every resident to keep 100). Also timed without a baseline:
the first rows sorted by other columns and with common filters (aged 60+, 80+, 独居, one grid),
and the whole sorted id list for each.

Also reported, without targets: the whole sorted id list per keystroke (what a table that holds
every id needs, as the window does after its first page), the first rows sorted by the other
columns, and rebuilding the search index (``search.reindex_all``, rolled back afterwards, so the
database is left as it was).

Nothing is written to the database. Each figure is the median over ``--passes`` passes of the
per-pass percentile (the first pass warms the caches and is dropped unless ``--passes 1``).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from chang_shan.accounts.permissions import SYSTEM  # noqa: E402
from chang_shan.db.database import Database  # noqa: E402
from chang_shan.db.models import Building, Household, Resident, Unit  # noqa: E402
from chang_shan.paths import DataDir  # noqa: E402
from chang_shan.population import query, search  # noqa: E402
from chang_shan.population.addresses import building_label, unit_label  # noqa: E402
from chang_shan.population.pinyin import initials, syllable_readings  # noqa: E402

SEARCH_TARGET_MS = 30.0
FIRST_ROWS_TARGET_MS = 200.0
PAGE = 50
FIRST_PAGE = 100


# --- the queries ---------------------------------------------------------------------------------


def prefixes(value: str) -> list[str]:
    return [value[:n] for n in range(1, len(value) + 1)]


@dataclass(frozen=True)
class Keystroke:
    kind: str
    typed: str


def keystrokes(session, seed: int) -> list[Keystroke]:  # noqa: ANN001 - a Session
    """Every prefix of realistic queries, drawn from the database with a fixed seed."""
    rng = random.Random(seed)
    rows = session.execute(
        select(
            Resident.name, Resident.id_number, Resident.phone, Building.name.label("building"), Building.kind,
            Unit.name.label("unit"), Household.room,
        )
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(Resident.status == "在册")
        .order_by(Resident.id)
    ).all()
    sample = rng.sample(rows, 24)
    out: list[Keystroke] = []

    def add(kind: str, typed: str, *, whole: bool = False) -> None:
        for p in [typed] if whole else prefixes(typed):
            if p.strip():
                out.append(Keystroke(kind, p))

    for row in sample[:8]:
        add("name", row.name)
        reading = syllable_readings(row.name)[0]
        add("pinyin", "".join(reading))
        add("initials", initials(reading))
    for row in sample[8:12]:
        reading = syllable_readings(row.name)[0]
        add("pinyin", "".join(reading[1:]))  # the given name alone
    for surname in ("王", "李", "张", "刘"):
        add("name", surname)
    for name in ("单", "曾", "区"):
        heteronym = session.scalar(
            select(Resident.name).where(Resident.name.like(f"{name}%"), Resident.status == "在册").limit(1)
        )
        if heteronym:
            for reading in syllable_readings(heteronym):
                add("pinyin", "".join(reading))
    rare = session.scalars(
        select(Resident.name).where(Resident.status == "在册").order_by(Resident.id)
    ).all()
    rare_names = [n for n in rare if any(ord(ch) > 0xFFFF for ch in n)][:3]
    for name in rare_names:
        add("rare", name)
    for row in sample[12:18]:
        if row.id_number:
            add("id", row.id_number[-4:])
            add("id", row.id_number[6:14])  # a birth date
        digits = search.digits_of(row.phone)
        if digits:
            add("phone", digits[-4:])
    for row in sample[18:20]:
        if row.id_number:
            add("id", row.id_number)  # a whole ID number, digit by digit
        if row.phone:
            add("phone", row.phone)
    for row in sample[20:24]:
        if row.kind == "平房区":
            add("address", row.room)
            continue
        building, unit = building_label(row.building), unit_label(row.unit)
        add("address", building)
        add("address", f"{building} {unit}")
        add("address", row.room)
        add("address", f"{row.building.rstrip('号楼')}-{(row.unit or '').rstrip('单元')}-{row.room}")
    for row in sample[:3]:
        building = building_label(row.building)
        add("two words", f"{row.name[0]} {building}")
        add("two words", f"{row.name[0]} {row.room}")
    return out


# --- one keystroke ---------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def keystroke_ms(db: Database, typed: str) -> tuple[float, float, float]:
    """(count, first page of ids, rows) in ms."""
    filt = query.ResidentFilter(text=typed)
    with db.reader() as session:
        count_ms, _ = timed(lambda: query.count_residents(session, filt))
        ids_ms, ids = timed(lambda: query.resident_ids(session, filt, limit=PAGE))
        rows_ms, _ = timed(lambda: query.resident_rows(session, ids))  # type: ignore[arg-type]
    return count_ms, ids_ms, rows_ms


def baseline_ms(db: Database, typed: str) -> tuple[float, float, float]:
    """The same three steps with ``name LIKE '%typed%'`` (names only)."""
    pattern = f"%{typed.strip()}%"
    where = (Resident.status == "在册", Resident.name.like(pattern))
    with db.reader() as session:
        count_ms, _ = timed(lambda: session.scalar(select(func.count()).select_from(Resident).where(*where)))
        ids_ms, ids = timed(lambda: list(session.scalars(
            select(Resident.id).where(*where).order_by(Resident.name_pinyin, Resident.name, Resident.id).limit(PAGE)
        )))
        rows_ms, _ = timed(lambda: query.resident_rows(session, ids))  # type: ignore[arg-type]
    return count_ms, ids_ms, rows_ms


def full_list_ms(db: Database, typed: str) -> float:
    with db.reader() as session:
        ms, _ = timed(lambda: query.resident_ids(session, query.ResidentFilter(text=typed)))
    return ms


def first_rows_ms(
    db: Database, *, sort: str = "name", walk: bool = True, filt: query.ResidentFilter | None = None
) -> tuple[float, int]:
    filt = filt or query.ResidentFilter()
    saved = query._plan
    if not walk:
        query._plan = lambda *args: query._DEFAULT  # type: ignore[assignment]
    try:
        with db.reader() as session:
            started = time.perf_counter()
            total = query.count_residents(session, filt)
            ids = query.resident_ids(session, filt, sort=sort, limit=FIRST_PAGE)
            rows = query.resident_rows(session, ids)
            ms = (time.perf_counter() - started) * 1000
    finally:
        query._plan = saved  # type: ignore[assignment]
    assert len(rows) == min(FIRST_PAGE, total)
    return ms, total


# --- figures -------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values), "n": len(values)}


def median_of(passes: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(p[key] for p in passes) for key in passes[0]}


def run(data_dir: Path, passes: int, seed: int, reindex: bool) -> dict:
    db = Database.open(DataDir(data_dir.resolve()), lock=False)
    db.actor = SYSTEM  # the services check the signed-in user; the benchmark reads as the program
    try:
        with db.reader() as session:
            residents = session.scalar(select(func.count()).select_from(Resident).where(Resident.status == "在册"))
            strokes = keystrokes(session, seed)
            analyzed = bool(session.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar())
        per_pass: dict[str, list[dict[str, float]]] = defaultdict(list)
        worst: list[tuple[float, str, str]] = []
        for n in range(passes):
            ours: list[float] = []
            base: list[float] = []
            full: list[float] = []
            steps: dict[str, list[float]] = defaultdict(list)
            kinds: dict[str, list[float]] = defaultdict(list)
            order = list(strokes)
            random.Random(seed + n).shuffle(order)  # no pass favours a kind with warm caches
            for stroke in order:
                count_ms, ids_ms, rows_ms = keystroke_ms(db, stroke.typed)
                total = count_ms + ids_ms + rows_ms
                ours.append(total)
                kinds[stroke.kind].append(total)
                steps["count"].append(count_ms)
                steps["ids"].append(ids_ms)
                steps["rows"].append(rows_ms)
                base.append(sum(baseline_ms(db, stroke.typed)))
                full.append(full_list_ms(db, stroke.typed))
                if n == passes - 1:
                    worst.append((total, stroke.kind, stroke.typed))
            if n == 0 and passes > 1:
                continue  # the warm-up pass
            per_pass["search"].append(summary(ours))
            per_pass["baseline"].append(summary(base))
            per_pass["full_list"].append(summary(full))
            for step, values in steps.items():
                per_pass[f"step {step}"].append(summary(values))
            for kind, values in kinds.items():
                per_pass[f"kind {kind}"].append(summary(values))
        with db.reader() as session:
            grid_id = session.scalar(select(Building.grid_id).order_by(Building.id).limit(1))
        filters = {
            "aged 60+": query.ResidentFilter(age_band="60+"),
            "aged 80+": query.ResidentFilter(age_band="80+"),
            "独居": query.ResidentFilter(group="独居"),
            "one grid": query.ResidentFilter(grid_id=grid_id),
        }
        first = defaultdict(list)
        for n in range(max(passes, 5)):
            first["walk"].append(first_rows_ms(db)[0])
            first["sqlite plan"].append(first_rows_ms(db, walk=False)[0])
            for sort in ("age", "address", "id_number", "phone"):
                first[f"by {sort}"].append(first_rows_ms(db, sort=sort)[0])
            with db.reader() as session:
                ms, _ = timed(lambda: query.resident_ids(session, query.ResidentFilter()))
            first["whole id list"].append(ms)
            for label, filt in filters.items():
                first[f"{label}"].append(first_rows_ms(db, filt=filt)[0])
                with db.reader() as session:
                    ms, _ = timed(lambda filt=filt: query.resident_ids(session, filt))
                first[f"{label}, whole list"].append(ms)
        result = {
            "database": str(data_dir),
            "residents_active": residents,
            "analyzed": analyzed,
            "keystrokes": len(strokes),
            "search": {k: median_of(v) for k, v in per_pass.items()},
            "first_rows": {k: statistics.median(v) for k, v in first.items()},
            "slowest": [f"{ms:.1f} ms {kind} {typed!r}" for ms, kind, typed in sorted(worst, reverse=True)[:10]],
        }
        result["index_mb"] = index_sizes(db)
        if reindex:
            with db.sessions() as session, session.begin():
                some = list(session.scalars(select(Resident.id).order_by(Resident.id).limit(5_000)))
                started = time.perf_counter()
                search.index_residents(session, some)
                result["index_residents"] = {"residents": len(some), "seconds": time.perf_counter() - started}
                started = time.perf_counter()
                count = search.reindex_all(session)
                result["reindex_all"] = {"residents": count, "seconds": time.perf_counter() - started}
                session.rollback()
        return result
    finally:
        db.close()


def index_sizes(db: Database) -> dict[str, float]:
    """MB per FTS table with its shadow tables (needs SQLite's dbstat; empty without it)."""
    try:
        with db.reader() as session:
            rows = session.execute(text(
                "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'resident%' GROUP BY name"
            )).all()
    except Exception:  # noqa: BLE001 - dbstat not compiled in: no sizes
        return {}
    sizes: dict[str, float] = defaultdict(float)
    for name, size in rows:
        for table_name in (search.TABLE, search.DIGITS_TABLE):
            if name == table_name or name.startswith(table_name + "_"):
                sizes[table_name] += size / 1_048_576
        if name == "resident":
            sizes["resident (table)"] += size / 1_048_576
    return dict(sizes)


def report(result: dict) -> str:
    s = result["search"]
    lines = [
        f"database {result['database']}: {result['residents_active']:,} residents on the register, "
        f"{result['keystrokes']} keystrokes, planner statistics {'present' if result['analyzed'] else 'MISSING'}",
        "",
        "search-as-you-type, ms per keystroke (count + first 50 ids + 50 rows):",
    ]
    for key in ["search", "baseline", "full_list"] + sorted(k for k in s if k.startswith("step ")) + sorted(
            k for k in s if k.startswith("kind ")):
        v = s[key]
        lines.append(f"  {key:18s} p50 {v['p50']:6.1f}  p95 {v['p95']:6.1f}  max {v['max']:6.1f}  (n={int(v['n'])})")
    p95, base95 = s["search"]["p95"], s["baseline"]["p95"]
    lines.append(f"  p95 {p95:.1f} ms against the target {SEARCH_TARGET_MS:.0f} ms: "
                 f"{'met' if p95 < SEARCH_TARGET_MS else 'NOT met'}; "
                 f"{p95 / base95:.2f}× the LIKE baseline's p95 ({base95:.1f} ms), "
                 f"{s['search']['p50'] / s['baseline']['p50']:.2f}× at p50")
    f = result["first_rows"]
    lines += ["", "resident table, first 100 rows (count + ids + rows), median ms:"]
    for key, value in f.items():
        lines.append(f"  {key:18s} {value:7.1f}")
    lines.append(f"  first rows {f['walk']:.1f} ms against the target {FIRST_ROWS_TARGET_MS:.0f} ms: "
                 f"{'met' if f['walk'] < FIRST_ROWS_TARGET_MS else 'NOT met'}; "
                 f"{f['walk'] / f['sqlite plan']:.3f}× SQLite's own plan ({f['sqlite plan']:.1f} ms)")
    lines += ["", "slowest keystrokes (last pass):"] + [f"  {w}" for w in result["slowest"]]
    if result.get("index_mb"):
        lines += ["", "size: " + ", ".join(f"{k} {v:.1f} MB" for k, v in sorted(result["index_mb"].items()))]
    if "reindex_all" in result:
        r, i = result["reindex_all"], result["index_residents"]
        lines += [f"index_residents: {i['residents']:,} residents in {i['seconds']:.2f} s; "
                  f"reindex_all: {r['residents']:,} residents in {r['seconds']:.1f} s (both rolled back)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, type=Path, help="a data folder with the demo at --scale 15")
    parser.add_argument("--passes", type=int, default=5, help="passes over all keystrokes (the first warms up)")
    parser.add_argument("--seed", type=int, default=2026, help="which residents the queries come from")
    parser.add_argument("--reindex", action="store_true", help="also time search.reindex_all (rolled back)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.data_dir / "chang-shan.sqlite3").exists():
        print(f"bench_search: no database in {args.data_dir}; run chang-shan --data-dir DIR demo --scale 15",
              file=sys.stderr)
        return 2
    result = run(args.data_dir, args.passes, args.seed, args.reindex)
    result["machine"] = f"{platform.platform()}, Python {platform.python_version()}, " \
                        f"SQLite {__import__('sqlite3').sqlite_version}, {__import__('os').cpu_count()} cores"
    result["date"] = date.today().isoformat()
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
