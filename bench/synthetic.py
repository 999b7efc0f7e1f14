"""A synthetic street office for the search benchmark, for use before (or beside) ``chang-shan demo``.

It writes straight through SQLAlchemy Core (no journal, no validation) into a database created by
the production code (``Database.open`` runs the migrations), then builds the search index with
``search.reindex_all``. The shape follows the real community (DESIGN.md) times ``scale``: per
community 10 grids, 11 buildings with 45 units, a low-rise area, about 3,100 households and
7,000 residents, 62.5 % aged 60 or over, a few rare-character names, heteronym surnames,
checksum-valid ID numbers (长春 region codes), mobile and landline phones, 已迁出/已故 residents
and special groups.

    .venv/bin/python -m bench.synthetic --data-dir /tmp/cs-synth --scale 15
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Resident, ResidentGroup, Unit
from chang_shan.paths import DataDir
from chang_shan.population import search
from chang_shan.population.idnumber import check_digit
from chang_shan.population.pinyin import sort_key

# Surnames by rough frequency in the north-east (the first ones are the most common).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁"
)
HETERONYM_SURNAMES = "单曾解区仇朴查翟盖乐"
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强淑珍淑兰凤兰玉珍"
    "春立春海燕子涵浩然欣怡宇轩梓萱一诺雨桐振华德福文彬晓东晓梅秋菊冬梅凤霞桂芝玉梅长海长春"
)
RARE = ("𠀀", "𪚥", "㐀", "䶮", "𡒄", "堃", "喆", "犇", "淼", "昇")
REGIONS = ("220102", "220103", "220103", "220103", "220104", "220105", "220106", "220112", "220122",
           "220181", "220182", "220183", "220201", "222401", "230103", "210102", "110105")
GROUPS = ("独居", "空巢", "残疾", "低保", "特困", "退役军人")
STREETS = ("长山路", "团山街", "北安路", "凯旋路")


def _given(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.25 else 2
    chars = [rng.choice(GIVEN) for _ in range(n)]
    if rng.random() < 0.004:
        chars[-1] = rng.choice(RARE)
    return "".join(chars)


# Shares in per cent of the most common surnames (national figures), then a decaying tail.
_TOP = (7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.3, 2.2, 1.7, 1.6, 1.3, 1.3, 1.1, 1.1, 1.0, 1.0, 0.9, 0.9, 0.9, 0.8)
_WEIGHTS = list(_TOP) + [0.7 * 0.97 ** i for i in range(len(SURNAMES) - len(_TOP))]
_CUMULATIVE = [sum(_WEIGHTS[: i + 1]) for i in range(len(_WEIGHTS))]


def _surname(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.015:
        return rng.choice(HETERONYM_SURNAMES)
    if roll < 0.018:
        return rng.choice(COMPOUND_SURNAMES)
    return rng.choices(SURNAMES, cum_weights=_CUMULATIVE)[0]


def _birth(rng: random.Random, today: date) -> date:
    if rng.random() < 0.625:
        age = rng.randint(60, 98)
    else:
        age = rng.randint(0, 59)
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def _id_number(rng: random.Random, born: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randint(0, 499) * 2 + (1 if male else 0)
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
        number = first17 + check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _phone(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return ""
    if roll < 0.35:
        return f"0431-8{rng.randint(0, 9_999_999):07d}"
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def build(db: Database, *, scale: int, seed: int = 20261121, today: date | None = None,
          progress=None) -> int:  # noqa: ANN001 - progress(done, total, text)
    """Fill an empty database; returns the number of residents."""
    rng = random.Random(seed)
    today = today or date.today()
    used: set[str] = set()
    next_id = {"grid": 1, "building": 1, "unit": 1, "household": 1, "resident": 1}

    def take(kind: str) -> int:
        value = next_id[kind]
        next_id[kind] += 1
        return value

    grids, buildings, units, households, residents, groups = [], [], [], [], [], []
    building_order = 0
    for community in range(scale):
        grid_ids = [take("grid") for _ in range(10)]
        for n, gid in enumerate(grid_ids, 1):
            grids.append({"id": gid, "code": f"{community + 1:02d}{n:02d}", "name": f"第{n}网格", "note": ""})
        flats = []  # (building id, unit id)
        for b in range(1, 12):
            building_order += 1
            bid = take("building")
            buildings.append({"id": bid, "grid_id": grid_ids[(b - 1) % 10], "name": f"{b}号楼",
                              "kind": "楼房", "address": "", "sort_key": building_order})
            n_units = 5 if b == 1 else 4  # 5 + 10 × 4 = 45 units
            for u in range(1, n_units + 1):
                uid = take("unit")
                units.append({"id": uid, "building_id": bid, "name": f"{u}单元", "sort_key": u})
                flats.append((bid, uid))
        building_order += 1
        low_rise = take("building")
        buildings.append({"id": low_rise, "grid_id": grid_ids[-1], "name": "平房区", "kind": "平房区",
                          "address": "", "sort_key": building_order})
        flat_count = 2_800
        per_unit = flat_count // len(flats) + 1
        rooms = []
        for bid, uid in flats:
            for i in range(per_unit):
                floor, door = divmod(i, 4)
                rooms.append((bid, uid, f"{floor + 1}{door + 1:02d}"))
        rooms = rooms[:flat_count]
        for street_no in range(300):
            rooms.append((low_rise, None, f"{rng.choice(STREETS)}{street_no + 1}号"))
        for bid, uid, room in rooms:
            hid = take("household")
            households.append({"id": hid, "building_id": bid, "unit_id": uid, "room": room,
                               "phone": "", "note": "", "created_at": today, "head_id": None})
            size = rng.choices((1, 2, 3, 4, 5), weights=(25, 40, 20, 10, 5))[0]
            family = _surname(rng)
            for member in range(size):
                rid = take("resident")
                male = rng.random() < 0.48
                born = _birth(rng, today)
                surname = family if member == 0 or rng.random() < 0.5 else _surname(rng)
                name = surname + _given(rng)
                roll = rng.random()
                status = "在册" if roll < 0.90 else ("已迁出" if roll < 0.96 else "已故")
                residents.append({
                    "id": rid, "household_id": hid,
                    "id_number": _id_number(rng, born, male, used) if rng.random() < 0.97 else None,
                    "name": name, "name_pinyin": sort_key(name), "sex_code": "1" if male else "2",
                    "birth_date": born, "ethnicity_code": "01",
                    "relation_code": "02" if member == 0 else rng.choice(("10", "20", "30", "50", "99")),
                    "phone": _phone(rng), "residence_type": "户籍", "employment": "", "status": status,
                    "note": "", "created_at": today, "updated_at": today, "version": 1,
                })
                if member == 0:
                    households[-1]["head_id"] = rid
                age = (today - born).days // 365
                if age >= 60 and size == 1 and rng.random() < 0.8:
                    groups.append({"resident_id": rid, "group": "独居"})
                elif rng.random() < 0.05:
                    groups.append({"resident_id": rid, "group": rng.choice(GROUPS)})
    with db.sessions() as session, session.begin():
        for table, rows in ((Grid, grids), (Building, buildings), (Unit, units)):
            session.execute(insert(table.__table__), rows)
        heads = {h["id"]: h.pop("head_id") for h in households}
        session.execute(insert(Household.__table__), households)
        for start in range(0, len(residents), 5_000):
            session.execute(insert(Resident.__table__), residents[start:start + 5_000])
        session.execute(insert(ResidentGroup.__table__), groups)
        session.execute(
            Household.__table__.update().where(Household.__table__.c.id == _bind("hid")).values(head_id=_bind("head")),
            [{"hid": hid, "head": head} for hid, head in heads.items() if head],
        )
        search.reindex_all(session, progress=progress)
    return len(residents)


def _bind(name: str):  # noqa: ANN202
    from sqlalchemy import bindparam

    return bindparam(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    data_dir = DataDir(args.data_dir.resolve())
    if data_dir.database.exists():
        raise SystemExit(f"{data_dir.database} exists already; choose an empty folder")
    started = time.perf_counter()
    with Database.open(data_dir) as db:
        count = build(db, scale=args.scale, seed=args.seed)
    print(f"{count} residents in {time.perf_counter() - started:.1f} s → {data_dir.database}")


if __name__ == "__main__":
    main()
