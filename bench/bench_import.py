"""Importing 100,000 residents from Excel: the dry run (``plan_import``) and the import
(``apply_import``, one transaction), against openpyxl's own read-only read of the same file as
the baseline (every row's values, nothing else: the least any import must spend).

The workbook is generated: a street office's shape (165 buildings of 4 units with 68 flats each,
about 44,900 households of 1–4 people), checksum-valid ID numbers, the usual Chinese headers, dates
as text, 1 row in 250 with a rare character. The database is fresh (the places only), so every
row is new; then the same file is checked again, when every row is 'same' (a re-import).

    .venv/bin/python -m bench.bench_import --rows 100000
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bench.synthetic import REGIONS, SURNAMES, _given
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.imports import apply_import, plan_import
from chang_shan.paths import DataDir
from chang_shan.population import places
from chang_shan.population.idnumber import check_digit

HEADERS = ("姓名", "身份证号码", "性别", "出生日期", "民族", "与户主关系", "联系电话", "楼栋", "单元", "房号", "居住类型", "备注")
BUILDINGS, UNITS, FLOORS, FLATS = 165, 4, 17, 4
RELATIONS = ("户主", "配偶", "子", "女", "母亲")


def build_places(db: Database) -> None:
    with db.transaction("楼栋") as s:
        grids = [places.create_grid(s, code=f"{g:02d}", name=f"第{g}网格") for g in range(1, 16)]
        for b in range(1, BUILDINGS + 1):
            building = places.create_building(s, grid_id=grids[b % len(grids)], name=str(b))
            for u in range(1, UNITS + 1):
                places.create_unit(s, building_id=building, name=str(u))


def write_workbook(path: Path, rows: int, seed: int = 8) -> int:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    ws = book.create_sheet("居民")
    ws.append(list(HEADERS))
    used: set[str] = set()
    people: set[tuple[str, date]] = set()
    written = 0
    flats = [(b, u, f"{floor}{flat:02d}") for b in range(1, BUILDINGS + 1) for u in range(1, UNITS + 1)
             for floor in range(1, FLOORS + 1) for flat in range(1, FLATS + 1)]
    for building, unit, room in flats:
        if written == rows:
            break
        for member in range(rng.choice((1, 2, 2, 3, 4))):
            if written == rows:
                break
            born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 33000))
            while True:
                first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
                number = first17 + check_digit(first17)
                if number not in used:
                    used.add(number)
                    break
            sex = "男" if int(number[16]) % 2 else "女"
            name = rng.choice(SURNAMES) + _given(rng)
            while (name, born) in people:  # the dry run rightly flags one name and birth date twice
                name = rng.choice(SURNAMES) + _given(rng)
            people.add((name, born))
            ws.append([name, number, sex, f"{born:%Y-%m-%d}", "汉族",
                       RELATIONS[min(member, len(RELATIONS) - 1)], f"139{rng.randrange(10**8):08d}",
                       f"{building}号楼", f"{unit}单元", room, "户籍", ""])
            written += 1
    book.save(path)
    return written


def timed(label: str, work):  # noqa: ANN001, ANN201
    start_cpu, start = time.process_time(), time.perf_counter()
    result = work()
    print(f"{label:<44} {time.perf_counter() - start:8.1f} s wall {time.process_time() - start_cpu:8.1f} s CPU", flush=True)
    return result


def openpyxl_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book["居民"].iter_rows(values_only=True))
    book.close()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="chang-shan-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "residents.xlsx"
    rows = timed(f"generate {args.rows:,} rows (openpyxl write-only)", lambda: write_workbook(path, args.rows))
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {rows:,} rows)")
    db = Database.open(DataDir(work / "data"))
    db.actor = SYSTEM
    try:
        build_places(db)
        timed("baseline: openpyxl read-only, every row", lambda: openpyxl_read(path))
        with db.reader() as s:
            plan = timed("plan_import (dry run, all new)", lambda: plan_import(s, path))
        print(f"  counts {plan.counts}, problems {len(plan.problems)}")
        for problem in plan.problems[:5]:
            print("  " + problem.describe())
        with db.transaction("导入居民") as s:
            result = timed("apply_import (one transaction, commit excluded)", lambda: apply_import(s, plan))
            commit_start = time.perf_counter()
        print(f"  commit {time.perf_counter() - commit_start:.1f} s; {result.describe()}")
        with db.reader() as s:
            again = timed("plan_import again (re-import: all same)", lambda: plan_import(s, path))
        print(f"  counts {again.counts}")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
