"""党建与志愿者, 议事调解与物业 benchmark (issues 10 and 11), on the demo at ``--scale 15``.

    .venv/bin/python -m chang_shan demo --scale 15 --data-dir /tmp/bench15     # once (about 1 min)
    .venv/bin/python bench/bench_governance.py --data-dir /tmp/bench15 --passes 5

The database in ``--data-dir`` is never written: it is copied first (SQLite's backup API) into a
scratch folder under the system temp directory, removed at the end. On the copy the bench signs
in as the demo administrator (``admin``, the account ``demo`` makes; the sign-in itself writes
its audit entry into the copy) and times, each call in a fresh session (``db.reader()``), as the
screens load them on their worker thread:

* 物业费: ``fees.queries.household_fees(year)`` for the whole office, ``arrears(year)``,
  ``year_summary(year)``, and what the 物业费 tab loads (both, as ``fees_tab`` does);
* 志愿者: ``volunteers.queries.volunteers()``, ``top_volunteers(year)``, ``ledger(v)`` of the
  volunteer with the longest ledger;
* 党组织: ``party.queries.org_tree()``, ``members()``;
* ``mediation.queries.cases()``, ``deliberation.queries.matters()``;
* ``indicators.dashboard`` of three years (the current year's 零就业家庭 counted live from the
  residents);
* the today list's sections of these ledgers (``today.registry``: each provider alone, and the
  list built from those sections as ``build_today`` builds it).

*The baseline* of each read, measured in the same passes: the very SQL statements the call ran
(captured once with a ``before_cursor_execute`` listener, parameters included), replayed on a
DB-API connection of the same engine with every row fetched, so the same rows are read without
the ORM and without the Python shaping. The ratio call / baseline is what the Python side costs;
the count of statements shows whether that SQL grows with the data (one query per row would).

The points counter (written on the copy): ``--redeem`` sequential ``volunteers.points.redeem``
calls of one item, each in its own ``db.transaction`` (as the 积分兑换 counter runs it), timed
per call; its baseline is the same writes in plain SQL on a ``sqlite3`` connection with the
program's pragmas (``BEGIN IMMEDIATE``, claim the balance and the stock, insert the receipt, its
line and the ledger entry, ``COMMIT``: no ORM, no change journal). Rounds alternate the two.
Then two threads redeem at once from the same volunteer, and two threads race for the last
points of a balance that covers exactly ``--race`` redemptions (exactly that many must succeed,
the rest be refused with 积分不足, the balance end at 0).

Each read figure is the median over ``--passes`` passes (the first warms the caches and is
dropped unless ``--passes 1``), with the spread of the kept passes. ``--profile LABEL`` prints
cProfile's top functions of one call instead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from chang_shan.accounts.permissions import Perm, require  # noqa: E402
from chang_shan.accounts.signin import sign_in  # noqa: E402
from chang_shan.db.database import Database  # noqa: E402
from chang_shan.db.engine import SQLITE_PRAGMAS  # noqa: E402
from chang_shan.db.models import Household, PartyMember  # noqa: E402
from chang_shan.db.models.deliberation import DeliberationMatter  # noqa: E402
from chang_shan.db.models.fees import PropertyFeePayment  # noqa: E402
from chang_shan.db.models.mediation import MediationCase  # noqa: E402
from chang_shan.db.models.volunteers import (  # noqa: E402
    Volunteer,
    VolunteerPointEntry,
    VolunteerRedemption,
    VolunteerRewardItem,
)
from chang_shan.db.numbering import yearly_number  # noqa: E402
from chang_shan.deliberation import queries as deliberation_queries  # noqa: E402
from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER  # noqa: E402
from chang_shan.errors import DomainError  # noqa: E402
from chang_shan.fees import queries as fee_queries  # noqa: E402
from chang_shan.indicators import indicators  # noqa: E402
from chang_shan.mediation import queries as mediation_queries  # noqa: E402
from chang_shan.party import queries as party_queries  # noqa: E402
from chang_shan.paths import DataDir  # noqa: E402
from chang_shan.today import registry  # noqa: E402
from chang_shan.today.shapes import TodayList, TodaySection  # noqa: E402
from chang_shan.volunteers import points  # noqa: E402
from chang_shan.volunteers import queries as volunteer_queries  # noqa: E402

# The today list's sections of issues 10 and 11.
TODAY_KEYS = ("party_birthdays", "party_study_followup", "volunteer_pending", "deliberation_notice_due",
              "mediation_visits_due", "loans_overdue")
TODAY_BUILD = "today: these six sections built"
SLOW_MS = 1000.0  # a call slower than this at scale 15 is worth a profile (screens load on a worker)


# --- the reads -------------------------------------------------------------------------------------


def build_sections(session: Session, on: date, keys: tuple[str, ...] = TODAY_KEYS) -> TodayList:
    """``today.registry.build_today`` limited to the sections ``keys``."""
    actor = require(session, Perm.VIEW)
    built = [
        TodaySection(s.key, s.title, tuple(registry.most_urgent_first(s.provider(session, on))),
                     s.note_for(session, on))
        for s in registry.sections()
        if s.key in keys and actor.can(s.perm)
    ]
    return TodayList(on, tuple(built))


def reads(on: date, ledger_volunteer: int) -> dict[str, Callable[[Session], Any]]:
    """label → a call returning what the screen shows."""
    year = on.year
    years = [year - 2, year - 1, year]

    def fees_tab_load(s: Session, year: int) -> Any:  # as ui/governance/fees_tab.FeesTab.load does
        every = fee_queries.household_fees(s, year)
        return fee_queries.filter_fees(every, status=None, text=""), fee_queries.year_summary(s, year, rows=every)

    def section(key: str) -> Callable[[Session], Any]:
        [found] = [s for s in registry.sections() if s.key == key]
        return lambda s: registry.most_urgent_first(found.provider(s, on))

    calls: dict[str, Callable[[Session], Any]] = {
        "fees.household_fees(year)": lambda s: fee_queries.household_fees(s, year),
        "fees.arrears(year)": lambda s: fee_queries.arrears(s, year),
        "fees.year_summary(year)": lambda s: fee_queries.year_summary(s, year),
        "物业费 tab (household_fees + year_summary)": lambda s: fees_tab_load(s, year),
        "volunteers.volunteers()": lambda s: volunteer_queries.volunteers(s),
        "volunteers.top_volunteers(year)": lambda s: volunteer_queries.top_volunteers(s, year),
        "volunteers.ledger(v)": lambda s: volunteer_queries.ledger(s, ledger_volunteer),
        "party.org_tree()": lambda s: party_queries.org_tree(s),
        "party.members()": lambda s: party_queries.members(s),
        "mediation.cases()": lambda s: mediation_queries.cases(s),
        "deliberation.matters()": lambda s: deliberation_queries.matters(s),
        "indicators.dashboard(3 years)": lambda s: indicators.dashboard(s, years, today=on),
        "numbering: next 积分兑换 number (DH)": lambda s: yearly_number(s, VolunteerRedemption.number, "DH", year),
        "numbering: next 物业费 receipt (WY)":
            lambda s: yearly_number(s, PropertyFeePayment.receipt_number, "WY", year, width=5),
    }
    for key in TODAY_KEYS:
        calls[f"today: {key}"] = section(key)
    calls[TODAY_BUILD] = lambda s: build_sections(s, on)
    return calls


def size_of(result: Any) -> int:
    """Rows a call returned (a tree: its nodes; the dashboard: its values; a summary: households)."""
    if isinstance(result, tuple):
        return size_of(result[0])
    if isinstance(result, dict):
        return sum(len(v) for v in result.values())
    if isinstance(result, TodayList):
        return result.total
    if isinstance(result, list):
        if result and hasattr(result[0], "children"):
            return sum(1 + size_of(list(node.children)) for node in result)
        return len(result)
    if hasattr(result, "households"):
        return int(result.households)
    return 0


@contextmanager
def capturing(db: Database) -> Iterator[list[tuple[str, Any, bool]]]:
    """The SQL statements (with their parameters) run on ``db``'s engine inside the block."""
    statements: list[tuple[str, Any, bool]] = []

    def seen(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # noqa: ANN001
        statements.append((statement, parameters, executemany))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def timed(db: Database, call: Callable[[Session], Any]) -> tuple[float, Any]:
    with db.reader() as session:
        started = time.perf_counter()
        result = call(session)
        return (time.perf_counter() - started) * 1000, result


def replay_ms(db: Database, statements: list[tuple[str, Any, bool]]) -> tuple[float, int]:
    """The statements run again on a DB-API connection, every row fetched: (ms, rows fetched)."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        fetched = 0
        started = time.perf_counter()
        for statement, parameters, many in statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters or ())
                fetched += len(cursor.fetchall())
        ms = (time.perf_counter() - started) * 1000
        cursor.close()
        raw.rollback()
        return ms, fetched
    finally:
        raw.close()


def measure_reads(db: Database, on: date, passes: int, ledger_volunteer: int) -> dict:
    calls = reads(on, ledger_volunteer)
    statements: dict[str, list] = {}
    for label, call in calls.items():
        with capturing(db) as seen:
            timed(db, call)
        statements[label] = list(seen)
    samples: dict[str, list[float]] = {label: [] for label in calls}
    baseline: dict[str, list[float]] = {label: [] for label in calls}
    rows: dict[str, int] = {}
    fetched: dict[str, int] = {}
    for n in range(passes):
        for label, call in calls.items():
            ms, result = timed(db, call)
            base_ms, fetched[label] = replay_ms(db, statements[label])
            rows[label] = size_of(result)
            if n > 0 or passes == 1:
                samples[label].append(ms)
                baseline[label].append(base_ms)
    return {
        "passes_kept": max(1, passes - 1),
        "ms": {label: statistics.median(v) for label, v in samples.items()},
        "spread_ms": {label: [min(v), max(v)] for label, v in samples.items()},
        "baseline_ms": {label: statistics.median(v) for label, v in baseline.items()},
        "rows": rows,
        "sql_rows": fetched,
        "statements": {label: len(s) for label, s in statements.items()},
    }


def profile(db: Database, on: date, label: str, ledger_volunteer: int, top: int) -> str:
    calls = reads(on, ledger_volunteer)
    if label not in calls:
        raise SystemExit(f"no call {label!r}; the calls: {', '.join(calls)}")
    timed(db, calls[label])  # warm
    profiler = cProfile.Profile()
    with db.reader() as session:
        profiler.enable()
        calls[label](session)
        profiler.disable()
    out = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

    stats = pstats.Stats(profiler, stream=Sink())  # type: ignore[arg-type]
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return "".join(out)


# --- the points counter ------------------------------------------------------------------------------


def redeem_once(db: Database, volunteer_id: int, item_id: int, on: date) -> Any:
    with db.transaction("积分兑换（基准测试）") as session:
        return points.redeem(session, volunteer_id, [(item_id, 1)], today=on)


class PlainCounter:
    """The same writes as one redemption of one item, in plain SQL on a sqlite3 connection."""

    def __init__(self, path: Path, volunteer_id: int, item_id: int, price: int, on: date) -> None:
        self.con = sqlite3.connect(str(path), isolation_level=None, timeout=5)
        for pragma in SQLITE_PRAGMAS:
            self.con.execute(pragma)
        self.volunteer_id, self.item_id, self.price, self.on = volunteer_id, item_id, price, on
        self.serial = 0

    def redeem(self) -> None:
        con, v, p = self.con, self.volunteer_id, self.price
        self.serial += 1
        now = datetime.utcnow().isoformat(sep=" ")  # noqa: DTZ003 - as the models store it (naive UTC)
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("UPDATE volunteer SET points_balance = points_balance - ?, version = version + 1 "
                           "WHERE id = ? AND points_balance >= ?", (p, v, p)).rowcount != 1:
                raise RuntimeError("积分不足")
            if con.execute("UPDATE volunteer_reward_item SET stock = stock - 1, version = version + 1 "
                           "WHERE id = ? AND stock >= 1 AND active", (self.item_id,)).rowcount != 1:
                raise RuntimeError("库存不足")
            balance = con.execute("SELECT points_balance FROM volunteer WHERE id = ?", (v,)).fetchone()[0]
            rid = con.execute(
                "INSERT INTO volunteer_redemption (number, volunteer_id, on_date, total_points, recorded_by, note, "
                "created_at) VALUES (?, ?, ?, ?, ?, '', ?)",
                (f"BENCH-{self.serial:07d}", v, self.on.isoformat(), p, DEMO_ADMIN_USER, now)).lastrowid
            con.execute("INSERT INTO volunteer_redemption_line (redemption_id, item_id, quantity, points_each) "
                        "VALUES (?, ?, 1, ?)", (rid, self.item_id, p))
            con.execute("INSERT INTO volunteer_point_entry (volunteer_id, on_date, kind, points, balance_after, "
                        "redemption_id, note, recorded_by, created_at) VALUES (?, ?, '兑换', ?, ?, ?, '', ?, ?)",
                        (v, self.on.isoformat(), -p, balance, rid, DEMO_ADMIN_USER, now))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.con.close()


def balance_of(db: Database, volunteer_id: int) -> int:
    with db.reader() as session:
        return session.scalar(select(Volunteer.points_balance).where(Volunteer.id == volunteer_id)) or 0


def stock_of(db: Database, item_id: int) -> int:
    with db.reader() as session:
        return session.scalar(select(VolunteerRewardItem.stock).where(VolunteerRewardItem.id == item_id)) or 0


def set_balance(db: Database, volunteer_id: int, wanted: int, on: date) -> None:
    delta = wanted - balance_of(db, volunteer_id)
    if delta:
        with db.transaction("基准测试：调整积分") as session:
            points.adjust(session, volunteer_id, delta, "基准测试", today=on)


def race(db: Database, volunteer_id: int, item_id: int, on: date, per_thread: int, threads: int = 2) -> dict:
    """``threads`` threads, each redeeming ``per_thread`` times at once: outcomes and wall time."""
    barrier = threading.Barrier(threads + 1)
    outcomes: list[list[tuple[str, float]]] = [[] for _ in range(threads)]

    def work(k: int) -> None:
        barrier.wait()
        for _ in range(per_thread):
            started = time.perf_counter()
            try:
                redeem_once(db, volunteer_id, item_id, on)
                outcome = "ok"
            except DomainError as exc:
                outcome = "积分不足" if exc.message.startswith("积分不足") else f"refused: {exc.message[:30]}"
            except OperationalError as exc:
                outcome = f"sqlite: {str(exc.orig)[:40]}"
            outcomes[k].append((outcome, (time.perf_counter() - started) * 1000))

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    wall = (time.perf_counter() - started) * 1000
    flat = [o for per in outcomes for o in per]
    counts: dict[str, int] = {}
    for outcome, _ms in flat:
        counts[outcome] = counts.get(outcome, 0) + 1
    ok_ms = [ms for outcome, ms in flat if outcome == "ok"]
    return {"wall_ms": wall, "outcomes": counts, "ok_median_ms": statistics.median(ok_ms) if ok_ms else None,
            "ok_per_s": len(ok_ms) / wall * 1000 if wall else 0.0}


def measure_counter(db: Database, path: Path, on: date, n: int, rounds: int, race_n: int) -> dict:
    with db.reader() as session:
        item = session.scalars(select(VolunteerRewardItem).where(VolunteerRewardItem.active.is_(True))
                               .order_by(VolunteerRewardItem.points, VolunteerRewardItem.id)).first()
        assert item is not None, "the demo has no goods in its catalogue"
        item_id, price = item.id, item.points
        pair = session.scalars(select(Volunteer.id).where(Volunteer.left_on.is_(None))
                               .order_by(Volunteer.points_balance.desc(), Volunteer.id).limit(2)).all()
    service_volunteer, plain_volunteer = pair
    total = n * rounds * 2 + race_n * 4 + 10
    with db.transaction("基准测试：补货") as session:
        points.restock(session, item_id, total)
    set_balance(db, service_volunteer, price * (n * rounds + n + 10), on)
    set_balance(db, plain_volunteer, price * (n * rounds + 10), on)
    redeem_once(db, service_volunteer, item_id, on)  # warm: mappers, statement cache
    plain = PlainCounter(path, plain_volunteer, item_id, price, on)
    before = balance_of(db, service_volunteer)
    service_ms: list[float] = []
    plain_ms: list[float] = []
    service_wall: list[float] = []
    plain_wall: list[float] = []
    try:
        for _round in range(rounds):
            started = time.perf_counter()
            for _ in range(n):
                t0 = time.perf_counter()
                redeem_once(db, service_volunteer, item_id, on)
                service_ms.append((time.perf_counter() - t0) * 1000)
            service_wall.append(time.perf_counter() - started)
            started = time.perf_counter()
            for _ in range(n):
                t0 = time.perf_counter()
                plain.redeem()
                plain_ms.append((time.perf_counter() - t0) * 1000)
            plain_wall.append(time.perf_counter() - started)
    finally:
        plain.close()
    after = balance_of(db, service_volunteer)
    assert before - after == price * n * rounds, (before, after)
    # Two threads at once, from the same volunteer (the row both claim), plenty of points.
    set_balance(db, service_volunteer, price * (n + 10), on)
    concurrent = race(db, service_volunteer, item_id, on, n // 2)
    # Two threads racing for the last points: exactly race_n redemptions may succeed.
    set_balance(db, service_volunteer, price * race_n, on)
    stock_before = stock_of(db, item_id)
    last_points = race(db, service_volunteer, item_id, on, race_n)
    last_points["balance_after"] = balance_of(db, service_volunteer)
    last_points["stock_taken"] = stock_before - stock_of(db, item_id)
    with db.reader() as session:
        last_points["ledger_consistent"] = bool(session.scalar(
            select(func.sum(VolunteerPointEntry.points)).where(VolunteerPointEntry.volunteer_id == service_volunteer))
            == balance_of(db, service_volunteer))
    return {
        "n": n, "rounds": rounds, "price": price,
        "service_median_ms": statistics.median(service_ms),
        "service_p90_ms": statistics.quantiles(service_ms, n=10)[-1],
        "service_per_s": statistics.median([n / w for w in service_wall]),
        "plain_median_ms": statistics.median(plain_ms),
        "plain_p90_ms": statistics.quantiles(plain_ms, n=10)[-1],
        "plain_per_s": statistics.median([n / w for w in plain_wall]),
        "concurrent": concurrent, "race_n": race_n, "last_points": last_points,
    }


# --- facts, the copy, figures ----------------------------------------------------------------------


def facts(db: Database, on: date) -> dict:
    with db.reader() as session:
        def count(query: Any) -> int:
            return int(session.scalar(query) or 0)

        return {
            "households": count(select(func.count()).select_from(Household).where(Household.dissolved_on.is_(None))),
            "volunteers_active": count(select(func.count()).select_from(Volunteer).where(Volunteer.left_on.is_(None))),
            "point_entries": count(select(func.count()).select_from(VolunteerPointEntry)),
            "party_members": count(select(func.count()).select_from(PartyMember)),
            "mediation_cases": count(select(func.count()).select_from(MediationCase)),
            "matters": count(select(func.count()).select_from(DeliberationMatter)),
            "fee_payments_year": count(select(func.count()).select_from(PropertyFeePayment)
                                       .where(PropertyFeePayment.year == on.year)),
        }


def longest_ledger(db: Database) -> tuple[int, int]:
    with db.reader() as session:
        row = session.execute(select(VolunteerPointEntry.volunteer_id, func.count()).group_by(
            VolunteerPointEntry.volunteer_id).order_by(func.count().desc()).limit(1)).one()
        return int(row[0]), int(row[1])


def copy_database(source: Path, scratch: Path) -> float:
    started = time.perf_counter()
    scratch.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(scratch / source.name))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return time.perf_counter() - started


def padded(label: str, width: int) -> str:
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)
    return label + " " * max(0, width - columns)


def report(result: dict) -> str:
    f, r = result["facts"], result["reads"]
    lines = [
        f"on {result['on']}; {result['machine']}; {result['date']}; load average "
        f"{result['load_before']:.1f} before, {result['load_after']:.1f} after",
        f"{result['database']} (copied in {result['copy_s']:.1f} s), signed in as {result['actor']}: "
        f"{f['households']:,} households, {f['volunteers_active']:,} volunteers (not left), "
        f"{f['point_entries']:,} ledger entries, {f['party_members']:,} party members, {f['mediation_cases']:,} "
        f"mediation cases, {f['matters']:,} matters, {f['fee_payments_year']:,} fee payments this year; "
        f"ledger(v) of {result['ledger_volunteer']} ({result['ledger_entries']} entries); "
        f"median of {r['passes_kept']} passes",
        "",
        f"{padded('call', 46)} {'ms':>9} {'spread':>15} {'rows':>7} {'SQL':>4} {'baseline':>9} {'ratio':>7}",
    ]
    for label, ms in r["ms"].items():
        low, high = r["spread_ms"][label]
        base = r["baseline_ms"][label]
        lines.append(f"{padded(label, 46)} {ms:9.1f} {low:7.0f}–{high:<7.0f} {r['rows'][label]:7d} "
                     f"{r['statements'][label]:4d} {base:9.1f} {ms / base if base else float('inf'):6.1f}×")
    slow = [label for label, ms in r["ms"].items() if ms > SLOW_MS]
    lines.append(f"slower than {SLOW_MS / 1000:.0f} s: {', '.join(slow) or 'none'}")
    c = result.get("counter")
    if c:
        lines += [
            "",
            f"points counter: {c['n']} redemptions × {c['rounds']} rounds, one item of {c['price']} points each",
            f"  points.redeem, own transaction: median {c['service_median_ms']:.1f} ms, "
            f"p90 {c['service_p90_ms']:.1f} ms, {c['service_per_s']:.0f}/s",
            f"  plain SQL (baseline):           median {c['plain_median_ms']:.1f} ms, p90 {c['plain_p90_ms']:.1f} ms, "
            f"{c['plain_per_s']:.0f}/s; ratio {c['service_median_ms'] / c['plain_median_ms']:.1f}×",
        ]
        k = c["concurrent"]
        lines.append(f"  two threads at once, same volunteer, {c['n']} in all: {k['wall_ms']:.0f} ms, "
                     f"{k['ok_per_s']:.0f}/s ({k['ok_per_s'] / c['service_per_s']:.2f}× sequential), median call "
                     f"{k['ok_median_ms'] or 0:.1f} ms; {k['outcomes']}")
        lp = c["last_points"]
        lines.append(f"  two threads racing for {c['race_n']} redemptions' worth ({c['race_n']} tries each): "
                     f"{lp['outcomes']}; balance after {lp['balance_after']}, stock taken {lp['stock_taken']}, "
                     f"ledger sums to the balance: {lp['ledger_consistent']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, type=Path, help="a data folder with the demo at --scale 15")
    parser.add_argument("--passes", type=int, default=5, help="passes over every read (the first warms up)")
    parser.add_argument("--redeem", type=int, default=200, help="sequential redemptions per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the redemptions (service, then plain SQL)")
    parser.add_argument("--race", type=int, default=20, help="redemptions' worth of points the two threads race for")
    parser.add_argument("--no-counter", action="store_true", help="reads only")
    parser.add_argument("--on", type=date.fromisoformat, default=None, help="the day, YYYY-MM-DD (default today)")
    parser.add_argument("--profile", metavar="LABEL", help="cProfile one call (a label of the table) and stop")
    parser.add_argument("--top", type=int, default=30, help="functions --profile prints")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    source = args.data_dir / "chang-shan.sqlite3"
    if not source.exists():
        print(f"bench_governance: no database in {args.data_dir}; run chang-shan --data-dir DIR demo --scale 15",
              file=sys.stderr)
        return 2
    on = args.on or date.today()
    load_before = os.getloadavg()[0]
    scratch = Path(tempfile.mkdtemp(prefix="chang-shan-bench-gov-"))
    try:
        copy_s = copy_database(source.resolve(), scratch)
        db = Database.open(DataDir(scratch), lock=True)
        try:
            actor = sign_in(db, DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD)
            ledger_volunteer, ledger_entries = longest_ledger(db)
            if args.profile:
                print(profile(db, on, args.profile, ledger_volunteer, args.top))
                return 0
            result: dict[str, Any] = {
                "on": on.isoformat(), "date": date.today().isoformat(), "database": str(args.data_dir),
                "copy_s": copy_s, "actor": f"{actor.username}（{actor.role}）", "facts": facts(db, on),
                "ledger_volunteer": ledger_volunteer, "ledger_entries": ledger_entries, "load_before": load_before,
                "machine": f"{platform.platform()}, Python {platform.python_version()}, "
                           f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores",
            }
            result["reads"] = measure_reads(db, on, args.passes, ledger_volunteer)
            if not args.no_counter:
                result["counter"] = measure_counter(db, scratch / source.name, on, args.redeem, args.rounds, args.race)
            result["load_after"] = os.getloadavg()[0]
        finally:
            db.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
