"""Build the demo community: a synthetic 长山花园社区 with the real community's shape.

One community (``scale=1``) has 10 grids, 11 high-rise buildings with 45 stair units, a low-rise
area (平房区) addressed by street and number, 3,100 households and about 7,000 residents of whom
62.5 % are 60 or older, many living alone; 161 党员家庭户; the 三长 (a 网格长 per grid, a 楼栋长
for 10 buildings, a 单元长 per unit); about 20 organisations; a few people already moved out or
dead, with their history. ``scale=N`` builds N such communities side by side (for performance
work: 15 make a street office of about 100,000 residents).

The data are made up but plausible: names spread as in Jilin, ID numbers with real Changchun region
codes and valid check digits that agree with birth date and sex, relations consistent with ages.
The same seed, scale and day give the same data. A folder without any account also gets the demo
administrator ``admin`` / ``chang-shan-demo``; existing accounts are kept as they are.

Speed: rows go in with Core bulk inserts and are not written to the change journal (a demo is
not a user's action to undo). Everything is one transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from chang_shan.codes import HEAD_RELATION
from chang_shan.db.base import Base, utcnow
from chang_shan.db.database import Database
from chang_shan.db.migrate import safety_copy
from chang_shan.db.models import (
    Building,
    Grid,
    Household,
    HouseholdTag,
    Movement,
    Organisation,
    Resident,
    ResidentGroup,
    RoleAssignment,
    Unit,
)
from chang_shan.demo import names as N
from chang_shan.errors import DomainError
from chang_shan.maintenance.stats import shift_years
from chang_shan.population.idnumber import check_digit
from chang_shan.population.pinyin import sort_key
from chang_shan.population.search import reindex_all
from chang_shan.progress import Progress, no_progress

DEMO_ADMIN_USER = "admin"
DEMO_ADMIN_PASSWORD = "chang-shan-demo"
DEFAULT_SEED = 20261121

COMMUNITY_NAME = "长山花园社区"
PARTY_HOUSEHOLD_TAG = "党员家庭户"
PARTY_HOUSEHOLDS = 161

GRID_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

# Per community: (building number, grid index, units, floors, flats per floor, year built).
BUILDINGS: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 0, 5, 16, 4, 1999),
    (2, 1, 5, 16, 4, 1999),
    (3, 2, 4, 18, 4, 2001),
    (4, 3, 4, 18, 4, 2001),
    (5, 4, 4, 17, 4, 2003),
    (6, 5, 4, 17, 4, 2003),
    (7, 6, 4, 16, 4, 2005),
    (8, 7, 4, 16, 4, 2005),
    (9, 8, 4, 11, 4, 1996),
    (10, 9, 4, 11, 4, 1996),
    (11, 9, 3, 11, 4, 1997),
)
BUILDINGS_WITH_LOUDONGZHANG = 10  # the 11th building's 楼栋长 post is vacant
LOW_RISE_GRID = 8
LOW_RISE_STREETS = (("长山路", 160), ("团山街", 120), ("长山一胡同", 60), ("长山二胡同", 60))
HIGH_RISE_HOUSEHOLDS = 2700  # of 2,756 flats; the rest stand empty and are not registered
LOW_RISE_HOUSEHOLDS = sum(n for _, n in LOW_RISE_STREETS)

# Household kinds and how many of each a community has (3,100 in all).
TEMPLATE_COUNTS: tuple[tuple[str, int], ...] = (
    ("lone_elder", 880),
    ("elder_couple", 1080),
    ("elder_with_child", 400),
    ("three_gen_elder_head", 220),
    ("three_gen_mid_head", 260),
    ("nuclear", 180),
    ("single", 30),
    ("young_couple", 25),
    ("tenants", 25),
)
assert sum(n for _, n in TEMPLATE_COUNTS) == HIGH_RISE_HOUSEHOLDS + LOW_RISE_HOUSEHOLDS

ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("01", 90.5), ("11", 5.0), ("10", 2.2), ("03", 1.5), ("02", 0.8),
)
CHANGCHUN_REGIONS: tuple[tuple[str, float], ...] = (
    ("220103", 50), ("220102", 12), ("220104", 10), ("220105", 8), ("220106", 6),
    ("220122", 4), ("220182", 3), ("220183", 3), ("220112", 2), ("220202", 2),
)
YANBIAN_REGIONS: tuple[tuple[str, float], ...] = (("222401", 5), ("222402", 2), ("222403", 2), ("222405", 1))
OUTSIDE_REGIONS: tuple[tuple[str, float], ...] = (
    ("220202", 6), ("220302", 4), ("220402", 3), ("220502", 3), ("220702", 3), ("220802", 3),
    ("230102", 3), ("230103", 2), ("210102", 2), ("210202", 1), ("370102", 2), ("130102", 1),
    ("150102", 1),
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)

GENERAL_ELDER_AGES = ((60, 69, 40), (70, 79, 34), (80, 89, 21), (90, 99, 5))
LONE_ELDER_AGES = ((60, 69, 24), (70, 79, 36), (80, 89, 30), (90, 100, 10))

ORGANISATIONS: tuple[tuple[str, str, bool, str], ...] = (
    # (name, kind, member of the 大党委, contact's role)
    ("团山街道长山花园社区卫生服务站", "医疗卫生", True, "站长"),
    ("长山花园幼儿园", "学校", False, "园长"),
    ("宽城区长山小学", "学校", True, "校长"),
    ("宽城区第二十中学", "学校", True, "书记"),
    ("团山派出所长山警务室", "机关单位", True, "社区民警"),
    ("宽城区消防救援大队团山站", "机关单位", True, "站长"),
    ("国网长春供电公司宽城营业厅", "驻区单位", True, "主任"),
    ("长春燃气团山营业厅", "驻区单位", True, "经理"),
    ("中国邮政长山花园营业所", "驻区单位", False, "所长"),
    ("长春农商银行团山支行", "驻区单位", True, "行长"),
    ("长山花园自管物业服务站", "物业", True, "站长"),
    ("长山花园乐龄食堂", "社会组织", False, "负责人"),
    ("长山花园红马甲志愿服务队", "社会组织", False, "队长"),
    ("长山老年大学（社区教学点）", "社会组织", False, "负责人"),
    ("吉林长山建设工程有限公司", "驻区单位", False, "经理"),
    ("长山花园农贸市场", "商户", False, "市场主任"),
    ("益康大药房长山店", "商户", False, "店长"),
    ("便民理发店", "商户", False, "店主"),
    ("长春市宽城区法律援助中心团山工作站", "机关单位", False, "主任"),
    ("长山花园居家养老服务中心", "社会组织", True, "主任"),
)


@dataclass(frozen=True)
class DemoSummary:
    scale: int
    seed: int
    grids: int
    buildings: int
    low_rise_areas: int
    units: int
    households: int
    residents: int
    residents_total: int
    aged_60_plus: int
    lone_elders: int
    party_households: int
    role_assignments: int
    organisations: int
    moved_out: int
    deceased: int
    seconds: float
    safety_copy: Path | None = None
    # The demo administrator (DEMO_ADMIN_USER) was created: the folder had no account yet.
    admin_created: bool = False

    def describe(self) -> str:
        share = self.aged_60_plus / self.residents * 100 if self.residents else 0.0
        lines = [
            f"已建立演示社区（{COMMUNITY_NAME}，规模 ×{self.scale}，随机种子 {self.seed}，用时 {self.seconds:.1f} 秒）：",
            f"  网格 {self.grids} 个，楼栋 {self.buildings} 栋（另有平房区 {self.low_rise_areas} 片），单元 {self.units} 个",
            f"  住户 {self.households} 户，在册居民 {self.residents} 人（60 岁及以上 {self.aged_60_plus} 人，占 {share:.1f}%）",
            f"  独居老人 {self.lone_elders} 人，党员家庭户 {self.party_households} 户，三长在任 {self.role_assignments} 人",
            f"  驻区单位 {self.organisations} 个；已迁出 {self.moved_out} 人，已故 {self.deceased} 人（保留历史）",
        ]
        if self.safety_copy is not None:
            lines.append(f"  原有数据已备份到：{self.safety_copy}")
        if self.admin_created:
            lines.append(f"演示管理员：{DEMO_ADMIN_USER} / {DEMO_ADMIN_PASSWORD}（用户名 / 密码）")
        else:
            lines.append("数据文件夹中原有账户保持不变，未新建演示管理员：请用原有账户登录。")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Public entry point


def build_demo(
    db: Database,
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    progress: Progress = no_progress,
    today: date | None = None,
) -> DemoSummary:
    """Fill the data folder with ``scale`` demo communities. See the module docstring.

    Refuses (``DomainError``, nothing written) when the folder already holds residents or places,
    unless ``force``: then a safety copy is taken and the ledgers are emptied and rebuilt.
    """
    if scale < 1:
        raise DomainError(f"规模倍数应为正整数，现在是 {scale}。")
    started = time.perf_counter()
    today = today or date.today()
    copy: Path | None = None
    with db.sessions() as session:
        with session.begin():
            connection = session.connection()
            existing = _existing_data(connection)
            if existing and not force:
                raise DomainError(
                    f"数据文件夹中已有数据（{existing}），未做任何改动。"
                    "如确需重建演示社区，请加 --force（会先备份原有数据）。"
                )
        if existing:
            if db.engine.dialect.name == "sqlite":
                copy = safety_copy(db.data_dir.database, db.data_dir.safety_copies, "before-demo")
        with session.begin():
            connection = session.connection()
            if existing:
                progress(0, 0, "清空原有台账")
                _wipe_ledgers(connection)
            builder = _Builder(connection, seed=seed, today=today)
            # One bar for the whole build: a community weighs 100, its share of the index 40.
            built, indexing = 100 * scale, 40 * scale
            total = built + indexing
            for index in range(scale):
                progress(100 * index, total, f"生成第 {index + 1}/{scale} 个社区")
                builder.build_community(index)

            def index_progress(done: int, of: int, _text: str = "") -> None:
                progress(built + (indexing * done // of if of else 0), total, "建立搜索索引")

            index_progress(0, 1)
            reindex_all(session, index_progress)
            builder.fix_sequences()
            admin_created = _create_demo_admin(session)
            progress(total, total, "完成")
            counts = builder.counts
    return DemoSummary(
        scale=scale,
        seed=seed,
        grids=counts["grids"],
        buildings=counts["buildings"],
        low_rise_areas=counts["low_rise_areas"],
        units=counts["units"],
        households=counts["households"],
        residents=counts["residents"],
        residents_total=counts["residents_total"],
        aged_60_plus=counts["aged_60_plus"],
        lone_elders=counts["lone_elders"],
        party_households=counts["party_households"],
        role_assignments=counts["role_assignments"],
        organisations=counts["organisations"],
        moved_out=counts["moved_out"],
        deceased=counts["deceased"],
        seconds=time.perf_counter() - started,
        safety_copy=copy,
        admin_created=admin_created,
    )


def _create_demo_admin(session: Session) -> bool:
    """The demo administrator, when the folder has no account at all (the first account needs no
    signed-in creator). Existing accounts are never touched. Returns whether it was created."""
    from chang_shan.accounts import users

    if users.has_accounts(session):
        return False
    users.create_user(session, DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD, "管理员", display_name="演示管理员")
    return True


def _existing_data(connection: Connection) -> str:
    """A short description of the ledger data already there ("" when there is none)."""
    residents = connection.scalar(select(func.count()).select_from(Resident.__table__)) or 0
    households = connection.scalar(select(func.count()).select_from(Household.__table__)) or 0
    grids = connection.scalar(select(func.count()).select_from(Grid.__table__)) or 0
    if residents or households or grids:
        return f"居民 {residents} 人，住户 {households} 户，网格 {grids} 个"
    for table in ledger_tables():
        if table.name in JOURNAL_TABLES:
            continue
        if connection.execute(select(1).select_from(table).limit(1)).first() is not None:
            return f"表 {table.name} 中有记录"
    return ""


LEDGER_ROOTS = ("grid", "building", "unit", "household", "resident", "organisation")
JOURNAL_TABLES = ("change_row", "change_set")


def ledger_tables() -> list[Table]:
    """Tables a rebuild empties: the places and people, everything that refers to them
    (later ledgers too), and the change journal, whose entries would point at rows that are gone.
    In dependency order, children first."""
    doomed = set(LEDGER_ROOTS) | set(JOURNAL_TABLES)
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.tables.values():
            if table.name in doomed:
                continue
            if any(fk.column.table.name in doomed for fk in table.foreign_keys):
                doomed.add(table.name)
                changed = True
    return [t for t in reversed(Base.metadata.sorted_tables) if t.name in doomed]


def _wipe_ledgers(connection: Connection) -> None:
    connection.execute(update(Household.__table__).values(head_id=None))
    for table in ledger_tables():
        connection.execute(table.delete())
    # The search index is emptied and rebuilt by ``reindex_all`` at the end.


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass
class _Person:
    sex: str
    age: int
    relation: str
    surname: str
    ethnicity: str
    status: str = "在册"
    groups: set[str] = field(default_factory=set)
    given: str | None = None
    region: str | None = None
    residence_type: str | None = None
    took_over_as_head: bool = False  # a widow(er) who became 户主 when the head died
    # filled in later
    id: int = 0
    birth: date | None = None
    moved_in_on: date | None = None
    moved_out_on: date | None = None
    died_on: date | None = None
    name: str = ""


@dataclass
class _Dwelling:
    building_id: int
    unit_id: int | None
    room: str
    area: Decimal
    year_built: int
    grid_index: int
    building_number: int | None  # None for the low-rise area
    unit_index: int | None


def _weighted(rng: random.Random, items: tuple[tuple[Any, float], ...]) -> Any:
    values = [v for v, _ in items]
    weights = [w for _, w in items]
    return rng.choices(values, weights)[0]


def _age(rng: random.Random, bands: tuple[tuple[int, int, float], ...]) -> int:
    lo, hi, _ = rng.choices(bands, [b[2] for b in bands])[0]
    return rng.randint(lo, hi)


def _birth_for_age(rng: random.Random, today: date, age: int) -> date:
    latest = shift_years(today, -age)
    earliest = shift_years(today, -age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _random_day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _generation(age: int) -> str:
    if age >= 60:
        return "old"
    if age >= 31:
        return "mid"
    return "young"


class _Builder:
    def __init__(self, connection: Connection, *, seed: int, today: date) -> None:
        self.connection = connection
        self.seed = seed
        self.today = today
        self.now = utcnow()
        self.used_ids: set[str] = set()
        self.next_id = {
            name: (connection.scalar(select(func.max(table.c.id))) or 0) + 1
            for name, table in (
                ("grid", Grid.__table__), ("building", Building.__table__), ("unit", Unit.__table__),
                ("household", Household.__table__), ("resident", Resident.__table__),
                ("movement", Movement.__table__), ("role_assignment", RoleAssignment.__table__),
                ("organisation", Organisation.__table__),
            )
        }
        self.counts = dict.fromkeys(
            (
                "grids", "buildings", "low_rise_areas", "units", "households", "residents",
                "residents_total", "aged_60_plus", "lone_elders", "party_households",
                "role_assignments", "organisations", "moved_out", "deceased",
            ),
            0,
        )
        self.sixty_cutoff = shift_years(today, -60)

    def _ids(self, table: str, count: int = 1) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return first

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.connection.execute(insert(table), rows)

    # -- one community -------------------------------------------------------------------------

    def build_community(self, index: int) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}")
        grid_ids, dwellings, building_ids, unit_ids = self._places(index, rng)
        households = self._households(rng, dwellings)
        self._apply_special_names(rng, households, index)
        self._write_people(rng, households)
        self._roles(rng, index, households, grid_ids, building_ids, unit_ids)
        self._organisations(rng, index, grid_ids)

    def _places(self, index: int, rng: random.Random):  # noqa: ANN202 - internal tuple
        prefix = "" if index == 0 else f"{index + 1}区"
        grid_rows = []
        grid_ids = []
        for g in range(len(GRID_NUMERALS)):
            gid = self._ids("grid")
            grid_ids.append(gid)
            grid_rows.append(
                {
                    "id": gid, "code": f"{index + 1:02d}{g + 1:02d}",
                    "name": f"{prefix}第{GRID_NUMERALS[g]}网格", "note": "",
                }
            )
        self._insert(Grid.__table__, grid_rows)
        self.counts["grids"] += len(grid_rows)

        building_rows, unit_rows = [], []
        flats: list[_Dwelling] = []
        building_ids: dict[int, int] = {}
        unit_ids: dict[tuple[int, int], int] = {}
        for number, grid_index, units, floors, per_floor, year in BUILDINGS:
            bid = self._ids("building")
            building_ids[number] = bid
            building_rows.append(
                {
                    "id": bid, "grid_id": grid_ids[grid_index], "name": f"{number}号楼", "kind": "楼房",
                    "address": f"{prefix}长山花园{number}号楼（长山路{86 + 2 * number}号）",
                    "sort_key": number,
                }
            )
            base_area = rng.choice((48, 56, 62, 68, 75))
            for u in range(1, units + 1):
                uid = self._ids("unit")
                unit_ids[(number, u)] = uid
                unit_rows.append({"id": uid, "building_id": bid, "name": f"{u}单元", "sort_key": u})
                for floor in range(1, floors + 1):
                    for door in range(1, per_floor + 1):
                        area = base_area + (12 if door in (1, per_floor) else 0) + rng.uniform(-6, 8)
                        flats.append(
                            _Dwelling(
                                bid, uid, f"{floor}{door:02d}", _area(area), year, grid_index, number, u
                            )
                        )
        low_id = self._ids("building")
        building_rows.append(
            {
                "id": low_id, "grid_id": grid_ids[LOW_RISE_GRID], "name": "平房区", "kind": "平房区",
                "address": f"{prefix}长山路、团山街及长山一、二胡同", "sort_key": 100,
            }
        )
        self._insert(Building.__table__, building_rows)
        self._insert(Unit.__table__, unit_rows)
        self.counts["buildings"] += len(BUILDINGS)
        self.counts["low_rise_areas"] += 1
        self.counts["units"] += len(unit_rows)

        vacant = set(rng.sample(range(len(flats)), len(flats) - HIGH_RISE_HOUSEHOLDS))
        dwellings = [d for i, d in enumerate(flats) if i not in vacant]
        for street, count in LOW_RISE_STREETS:
            for n in range(1, count + 1):
                dwellings.append(
                    _Dwelling(
                        low_id, None, f"{street}{n}号", _area(rng.uniform(40, 82)),
                        rng.randint(1965, 1992), LOW_RISE_GRID, None, None,
                    )
                )
        return grid_ids, dwellings, building_ids, unit_ids

    def _households(self, rng: random.Random, dwellings: list[_Dwelling]):  # noqa: ANN202
        kinds = [kind for kind, count in TEMPLATE_COUNTS for _ in range(count)]
        assert len(kinds) == len(dwellings), (len(kinds), len(dwellings))
        rng.shuffle(kinds)
        households = []
        for dwelling, kind in zip(dwellings, kinds, strict=True):
            ethnicity = _weighted(rng, ETHNICITIES)
            people = _TEMPLATES[kind](_Family(rng, ethnicity))
            households.append(_HouseholdPlan(dwelling, kind, people, ethnicity))
        return households

    def _apply_special_names(self, rng: random.Random, households: list, index: int) -> None:
        """The two names with "·" (as tenants) and a few rare-character names in every community."""
        tenants = [h for h in households if h.kind == "tenants"]
        for plan, (name, sex, ethnicity, region, age) in zip(tenants, N.DOT_NAMES, strict=False):
            person = _Person(sex, age, HEAD_RELATION, "", ethnicity, given=name, region=region,
                             residence_type="流动")
            plan.people = [person]
            plan.ethnicity = ethnicity
        taken: set[int] = set()
        lone = [h.people[0] for h in households if h.kind == "lone_elder" and len(h.people) == 1]
        for surname, ethnicity in N.SHOWCASE_SURNAMES:
            options = [p for p in lone if p.ethnicity == ethnicity and id(p) not in taken] or [
                p for p in lone if id(p) not in taken
            ]
            person = rng.choice(options)
            person.surname = surname
            person.ethnicity = ethnicity
            taken.add(id(person))
        singles = [
            h.people[0] for h in households
            if h.kind == "single" and h.people[0].sex == "1" and h.people[0].age >= 31
        ]
        person = rng.choice(singles)
        person.surname, person.given = N.SHOWCASE_NAME
        person.ethnicity = "01"
        taken.add(id(person))
        candidates = [
            p for h in households for p in h.people
            if p.status == "在册" and p.ethnicity == "01" and id(p) not in taken
        ]
        for given, sex, generation in N.RARE_GIVEN:
            options = [
                p for p in candidates
                if p.sex == sex and _generation(p.age) == generation and id(p) not in taken
            ]
            person = rng.choice(options)
            person.given = given
            taken.add(id(person))

    def _write_people(self, rng: random.Random, households: list) -> None:
        today = self.today
        hh_rows, resident_rows, group_rows, tag_rows, movement_rows = [], [], [], [], []
        heads: list[dict[str, int]] = []
        eligible_party: list[int] = []
        for plan in households:
            dwelling = plan.dwelling
            hid = self._ids("household")
            plan.id = hid
            residence = "流动" if plan.kind == "tenants" else _weighted(
                rng, (("户籍", 85), ("常住", 8), ("人户分离", 7))
            )
            since = _random_day(rng, date(dwelling.year_built, 6, 1), today - timedelta(days=60))
            if plan.kind == "tenants":
                since = _random_day(rng, today - timedelta(days=6 * 365), today - timedelta(days=30))
            family_region = self._region(rng, plan.ethnicity, residence)
            head_person = plan.people[0]
            for person in plan.people:
                person.id = self._ids("resident")
                person.birth = _birth_for_age(rng, today, person.age)
                person.moved_in_on = max(since, person.birth)
                person.name = self._name(rng, person)
                region = person.region or (
                    family_region if rng.random() < 0.75 else self._region(rng, person.ethnicity, residence)
                )
                # People who died or moved out keep their last household (as the services do).
                if person.status == "已故":
                    person.died_on = _later_day(rng, person.moved_in_on, today)
                elif person.status == "已迁出":
                    person.moved_out_on = _later_day(rng, person.moved_in_on, today)
                phone = self._phone(rng, person.age)
                resident_rows.append(
                    {
                        "id": person.id, "household_id": hid,
                        "id_number": self._id_number(rng, region, person.birth, person.sex),
                        "name": person.name, "name_pinyin": sort_key(person.name), "sex_code": person.sex,
                        "birth_date": person.birth, "ethnicity_code": person.ethnicity,
                        "relation_code": person.relation, "phone": phone,
                        "residence_type": person.residence_type or residence,
                        "employment": _employment(rng, person.age, person.sex, person.status),
                        "status": person.status, "moved_in_on": person.moved_in_on,
                        "moved_out_on": person.moved_out_on, "died_on": person.died_on,
                        "note": "", "created_at": self.now, "updated_at": self.now, "version": 1,
                    }
                )
                movement_rows.append(
                    self._movement(person.id, "登记", person.moved_in_on, to_household=hid,
                                   note="出生登记" if person.moved_in_on == person.birth else "")
                )
                if person.died_on:
                    movement_rows.append(self._movement(person.id, "死亡", person.died_on, from_household=hid))
                    self.counts["deceased"] += 1
                elif person.moved_out_on:
                    movement_rows.append(
                        self._movement(person.id, "迁出", person.moved_out_on, from_household=hid,
                                       note=rng.choice(("迁往外地子女处", "购房迁出", "工作调动")))
                    )
                    self.counts["moved_out"] += 1
                else:
                    self.counts["residents"] += 1
                    if person.birth <= self.sixty_cutoff:
                        self.counts["aged_60_plus"] += 1
                        if "独居" in person.groups:
                            self.counts["lone_elders"] += 1
                    for group in sorted(person.groups):
                        group_rows.append({"resident_id": person.id, "group": group})
                if phone and not plan.phone and person.status == "在册":
                    plan.phone = phone
                self.counts["residents_total"] += 1
            # A widow(er) who became 户主 when the former head died.
            for person in plan.people:
                if person.took_over_as_head:
                    late = next(p for p in plan.people if p.status == "已故")
                    on = min(late.died_on + timedelta(days=rng.randint(7, 60)), today)
                    movement_rows.append(
                        self._movement(person.id, "变更户主", on, from_household=hid, to_household=hid,
                                       note=f"原户主：{late.name}（已故）")
                    )
            hh_rows.append(
                {
                    "id": hid, "building_id": dwelling.building_id, "unit_id": dwelling.unit_id,
                    "room": dwelling.room, "area_m2": dwelling.area, "head_id": None,
                    "phone": plan.phone, "note": "", "created_at": self.now, "dissolved_on": None, "version": 1,
                }
            )
            heads.append({"hid": hid, "head": head_person.id})
            tags = set(plan.tags)
            if plan.kind == "tenants":
                tags.add("出租户")
            if any("低保" in p.groups for p in plan.people if p.status == "在册"):
                tags.add("困难户")
            for tag in sorted(tags):
                tag_rows.append({"household_id": hid, "tag": tag})
            if plan.kind != "tenants" and any(
                p.age >= 22 and p.status == "在册" for p in plan.people
            ):
                eligible_party.append(hid)
        for hid in sorted(rng.sample(eligible_party, PARTY_HOUSEHOLDS)):
            tag_rows.append({"household_id": hid, "tag": PARTY_HOUSEHOLD_TAG})
        self.counts["party_households"] += PARTY_HOUSEHOLDS

        self._insert(Household.__table__, hh_rows)
        self._insert(Resident.__table__, resident_rows)
        hh = Household.__table__
        self.connection.execute(
            update(hh).where(hh.c.id == bindparam("hid")).values(head_id=bindparam("head")), heads
        )
        self._insert(ResidentGroup.__table__, group_rows)
        self._insert(HouseholdTag.__table__, tag_rows)
        self._insert(Movement.__table__, movement_rows)
        self.counts["households"] += len(hh_rows)

    def _movement(
        self, resident_id: int, kind: str, on: date, *, from_household: int | None = None,
        to_household: int | None = None, note: str = "",
    ) -> dict[str, Any]:
        return {
            "id": self._ids("movement"), "resident_id": resident_id, "kind": kind, "on_date": on,
            "from_household_id": from_household, "to_household_id": to_household, "note": note,
            "recorded_at": self.now,
        }

    def _roles(self, rng, index, households, grid_ids, building_ids, unit_ids) -> None:  # noqa: ANN001
        """三长 among active residents living in the scope; a few units also keep a former 单元长."""
        by_grid: dict[int, list[_Person]] = {}
        by_building: dict[int, list[_Person]] = {}
        by_unit: dict[tuple[int, int], list[_Person]] = {}
        for plan in households:
            d = plan.dwelling
            for person in plan.people:
                if person.status != "在册":
                    continue
                by_grid.setdefault(d.grid_index, []).append(person)
                if d.building_number is not None:
                    by_building.setdefault(d.building_number, []).append(person)
                    by_unit.setdefault((d.building_number, d.unit_index), []).append(person)
        chosen: set[int] = set()
        rows = []
        earliest = date(2016, 1, 1)

        def pick(pool: list[_Person], lo: int, hi: int) -> _Person:
            options = [p for p in pool if lo <= p.age <= hi and p.id not in chosen]
            if not options:
                options = [p for p in pool if p.age >= 18 and p.id not in chosen]
            person = rng.choice(options)
            chosen.add(person.id)
            return person

        def start_for(person: _Person) -> date:
            adult = shift_years(person.birth, 18)
            first = max(earliest, person.moved_in_on, adult)
            return _random_day(rng, first, max(first, self.today - timedelta(days=60)))

        def row(person: _Person, role: str, start: date, end: date | None = None, **scope: int) -> None:
            rows.append(
                {
                    "id": self._ids("role_assignment"), "resident_id": person.id, "role": role,
                    "grid_id": scope.get("grid_id"), "building_id": scope.get("building_id"),
                    "unit_id": scope.get("unit_id"), "start_on": start, "end_on": end,
                    "note": "" if end is None else "换届卸任",
                }
            )

        for g, gid in enumerate(grid_ids):
            person = pick(by_grid[g], 30, 62)
            row(person, "网格长", start_for(person), grid_id=gid)
        for number, bid in sorted(building_ids.items())[:BUILDINGS_WITH_LOUDONGZHANG]:
            person = pick(by_building[number], 45, 75)
            row(person, "楼栋长", start_for(person), building_id=bid)
        for (number, u), uid in sorted(unit_ids.items()):
            person = pick(by_unit[(number, u)], 40, 76)
            start = start_for(person)
            if u == 1 and number <= 3:
                former = pick(by_unit[(number, u)], 50, 85)
                first = max(date(2012, 1, 1), former.moved_in_on, shift_years(former.birth, 18))
                former_start = _random_day(rng, first, max(first, start - timedelta(days=400)))
                if former_start < start - timedelta(days=30):
                    row(former, "单元长", former_start, start - timedelta(days=1), unit_id=uid)
            row(person, "单元长", start, unit_id=uid)
        self._insert(RoleAssignment.__table__, rows)
        self.counts["role_assignments"] += sum(1 for r in rows if r["end_on"] is None)

    def _organisations(self, rng: random.Random, index: int, grid_ids: list[int]) -> None:
        suffix = "" if index == 0 else f"（{index + 1}区）"
        rows = []
        for name, kind, committee, contact_role in ORGANISATIONS:
            surname = _weighted(rng, N.HAN_SURNAMES)
            rows.append(
                {
                    "id": self._ids("organisation"), "name": name + suffix, "kind": kind,
                    "grid_id": rng.choice(grid_ids),
                    "address": f"长山路{rng.randint(1, 180)}号",
                    "contact_name": surname + rng.choice(N.GIVEN[("mid", rng.choice("12"))]),
                    "phone": f"0431-8{rng.randint(0, 9999999):07d}",
                    "in_party_committee": committee,
                    "note": f"联系人：{contact_role}",
                }
            )
        self._insert(Organisation.__table__, rows)
        self.counts["organisations"] += len(rows)

    # -- people's details ----------------------------------------------------------------------

    def _region(self, rng: random.Random, ethnicity: str, residence: str) -> str:
        if residence == "流动":
            return _weighted(rng, OUTSIDE_REGIONS)
        if ethnicity == "10" and rng.random() < 0.6:
            return _weighted(rng, YANBIAN_REGIONS)
        if residence in ("常住", "人户分离") and rng.random() < 0.5:
            return _weighted(rng, OUTSIDE_REGIONS)
        return _weighted(rng, CHANGCHUN_REGIONS)

    def _id_number(self, rng: random.Random, region: str, birth: date, sex: str) -> str:
        """GB 11643: region, birth date, sequence (odd for men, even for women), check digit."""
        while True:
            sequence = rng.randrange(500) * 2 + (1 if sex == "1" else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _name(self, rng: random.Random, person: _Person) -> str:
        if person.given and "·" in person.given:
            return person.given
        generation = _generation(person.age)
        given = person.given
        if given is None:
            if person.ethnicity == "10" and generation != "young":
                given = rng.choice(N.KOREAN_GIVEN_MALE if person.sex == "1" else N.KOREAN_GIVEN_FEMALE)
            elif person.ethnicity == "02" and generation != "young" and rng.random() < 0.5:
                return rng.choice(N.MONGOL_GIVEN_MALE if person.sex == "1" else N.MONGOL_GIVEN_FEMALE)
            else:
                given = rng.choice(N.GIVEN[(generation, person.sex)])
        return person.surname + given

    def _phone(self, rng: random.Random, age: int) -> str:
        if age < 12:
            return ""
        if age < 18:
            return _mobile(rng) if rng.random() < 0.4 else ""
        if age >= 80:
            roll = rng.random()
            if roll < 0.45:
                return _mobile(rng)
            if roll < 0.8:
                return f"0431-8{rng.randint(0, 9999999):07d}"
            return ""
        return _mobile(rng) if rng.random() < 0.97 else f"0431-8{rng.randint(0, 9999999):07d}"

    # -- after all communities -----------------------------------------------------------------

    def fix_sequences(self) -> None:
        """Explicit ids bypass PostgreSQL's sequences; move them past the rows written."""
        if self.connection.dialect.name != "postgresql":
            return
        for name in self.next_id:
            self.connection.execute(
                text(
                    f"select setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(select coalesce(max(id), 1) from {name}))"
                )
            )


def _later_day(rng: random.Random, since: date, today: date) -> date:
    """A day after ``since`` (preferably a while after) and before today."""
    last = today - timedelta(days=1)
    first = min(since + timedelta(days=200), last)
    return max(since + timedelta(days=1), _random_day(rng, first, last))


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"


def _area(value: float) -> Decimal:
    return Decimal(f"{min(120.0, max(40.0, value)):.2f}")


def _employment(rng: random.Random, age: int, sex: str, status: str) -> str:
    if age < 6:
        return "学龄前"
    if age < 18:
        return "学生"
    if age < 23:
        return "学生" if rng.random() < 0.75 else _weighted(rng, (("在职", 3), ("灵活就业", 1)))
    retire_age = 60 if sex == "1" else 50
    if age >= retire_age:
        if age >= 60:
            return _weighted(rng, (("离退休", 88), ("无业", 9), ("务农", 3)))
        return _weighted(rng, (("离退休", 65), ("在职", 20), ("无业", 15)))
    return _weighted(
        rng,
        (("在职", 55), ("个体经营", 10), ("灵活就业", 13), ("无业", 9), ("失业", 5), ("离退休", 3),
         ("务农", 2), ("学生", 1 if age < 28 else 0)),
    )


# ---------------------------------------------------------------------------------------------
# Household templates: who lives together, with relations (GB/T 4761) consistent with ages.


@dataclass
class _HouseholdPlan:
    dwelling: _Dwelling
    kind: str
    people: list[_Person]
    ethnicity: str
    tags: tuple[str, ...] = ()
    id: int = 0
    phone: str = ""


class _Family:
    """Helpers that make people for one household: shared surname lines, ethnicity."""

    def __init__(self, rng: random.Random, ethnicity: str) -> None:
        self.rng = rng
        self.ethnicity = ethnicity

    def surname(self, ethnicity: str | None = None) -> str:
        pools = {"11": N.MANCHU_SURNAMES, "10": N.KOREAN_SURNAMES, "03": N.HUI_SURNAMES, "02": N.MONGOL_SURNAMES}
        return _weighted(self.rng, pools.get(ethnicity or self.ethnicity, N.HAN_SURNAMES))

    def spouse_ethnicity(self) -> str:
        if self.ethnicity == "01":
            return "11" if self.rng.random() < 0.04 else "01"
        return self.ethnicity if self.rng.random() < 0.75 else "01"

    def person(self, sex: str, age: int, relation: str, surname: str | None = None,
               ethnicity: str | None = None) -> _Person:
        ethnicity = ethnicity or self.ethnicity
        return _Person(sex, age, relation, surname or self.surname(ethnicity), ethnicity)

    def couple(self, husband_age: int, wife_age: int, *, wife_head: bool = False) -> tuple[_Person, _Person]:
        """(head, spouse)."""
        husband_ethnicity = self.ethnicity
        wife_ethnicity = self.spouse_ethnicity()
        if wife_head:
            wife = self.person("2", wife_age, HEAD_RELATION, ethnicity=self.ethnicity)
            husband = self.person("1", husband_age, self._spouse_code("11"), ethnicity=self.spouse_ethnicity())
            return wife, husband
        husband = self.person("1", husband_age, HEAD_RELATION, ethnicity=husband_ethnicity)
        wife = self.person("2", wife_age, self._spouse_code("12"), ethnicity=wife_ethnicity)
        return husband, wife

    def _spouse_code(self, specific: str) -> str:
        return "10" if self.rng.random() < 0.15 else specific

    def children(self, father: _Person | None, mother: _Person | None, ages: list[int],
                 *, son_codes: str = "2", daughter_codes: str = "3",
                 surname: str | None = None) -> list[_Person]:
        """Children of the head (codes 2x sons, 3x daughters), eldest first by sex."""
        rng = self.rng
        ethnicity = (father or mother).ethnicity  # type: ignore[union-attr]
        family_surname = surname or (father.surname if father else mother.surname)  # type: ignore[union-attr]
        if rng.random() < 0.05 and mother is not None:
            family_surname = mother.surname
        sexes = [rng.choice("12") for _ in ages]
        people = []
        sons = sexes.count("1")
        daughters = sexes.count("2")
        son_rank = daughter_rank = 0
        for age, sex in sorted(zip(ages, sexes, strict=True), reverse=True):
            if sex == "1":
                son_rank += 1
                code = _child_code(son_codes, sons, son_rank)
            else:
                daughter_rank += 1
                code = _child_code(daughter_codes, daughters, daughter_rank)
            people.append(self.person(sex, age, code, surname=family_surname, ethnicity=ethnicity))
        return people


def _child_code(prefix: str, count: int, rank: int) -> str:
    """GB/T 4761: 21 独生子 / 22 长子 / 23 次子 / 24 三子 …; the same for daughters in 3x."""
    if count == 1:
        return prefix + "1"
    return prefix + str(min(rank + 1, 6))


def _groups_for_elder(f: _Family, person: _Person) -> None:
    rng = f.rng
    if rng.random() < 0.06:
        person.groups.add("残疾")
    if person.sex == "1" and rng.random() < 0.07:
        person.groups.add("退役军人")


def _lone_elder(f: _Family) -> list[_Person]:
    rng = f.rng
    sex = "2" if rng.random() < 0.7 else "1"
    person = f.person(sex, _age(rng, LONE_ELDER_AGES), HEAD_RELATION)
    person.groups.add("独居")
    _groups_for_elder(f, person)
    if rng.random() < 0.05:
        person.groups.add("特困")
    elif rng.random() < 0.04:
        person.groups.add("低保")
    if rng.random() < 0.02:
        person.groups.add("失独")
    people = [person]
    if rng.random() < 0.05:
        # The spouse died here; if he was the 户主, she took over.
        late_age = min(100, max(60, person.age + (rng.randint(0, 5) if sex == "2" else -rng.randint(0, 5))))
        late_sex = "1" if sex == "2" else "2"
        late = f.person(late_sex, late_age, HEAD_RELATION if late_sex == "1" else "12")
        late.status = "已故"
        if late_sex == "1":
            person.took_over_as_head = True
        people.append(late)
    if rng.random() < 0.02:
        child_age = rng.randint(25, max(25, min(59, person.age - 22)))
        child = f.children(person if sex == "1" else None, person if sex == "2" else None, [child_age])[0]
        child.status = "已迁出"
        people.append(child)
    return people


def _elder_couple(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = _age(rng, GENERAL_ELDER_AGES)
    wife_age = min(100, max(60, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.2)
    people = [head, spouse]
    for person in people:
        person.groups.add("空巢")
        _groups_for_elder(f, person)
    if rng.random() < 0.03:
        head.groups.add("低保")
        spouse.groups.add("低保")
    if rng.random() < 0.015:
        head.groups.add("失独")
        spouse.groups.add("失独")
    if rng.random() < 0.03:
        younger = min(husband_age, wife_age)
        child_age = rng.randint(25, max(25, min(59, younger - 22)))
        father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
        child = f.children(father, mother, [child_age])[0]
        child.status = "已迁出"
        people.append(child)
    return people


def _elder_with_child(f: _Family) -> list[_Person]:
    rng = f.rng
    child_age = rng.randint(25, 59)
    parent_age = rng.randint(max(60, child_age + 22), min(99, child_age + 38))
    if rng.random() < 0.6:
        wife_age = min(100, max(60, parent_age - rng.randint(-2, 5)))
        wife_age = max(wife_age, child_age + 20)
        head, spouse = f.couple(parent_age, wife_age)
        father, mother = head, spouse
        people = [head, spouse]
    else:
        sex = "2" if rng.random() < 0.7 else "1"
        head = f.person(sex, parent_age, HEAD_RELATION)
        father, mother = (head, None) if sex == "1" else (None, head)
        people = [head]
    for person in people:
        _groups_for_elder(f, person)
    child = f.children(father, mother, [child_age])[0]
    if rng.random() < 0.05:
        child.groups.add("残疾")
    people.append(child)
    return people


def _three_gen_elder_head(f: _Family) -> list[_Person]:
    """Grandparents head the household; a married son (or daughter) and a grandchild live in."""
    rng = f.rng
    middle_age = rng.randint(28, 45)
    grand_age = rng.randint(max(60, middle_age + 22), min(98, middle_age + 38))
    wife_age = max(60, middle_age + 20, min(100, grand_age - rng.randint(-2, 5)))
    head, spouse = f.couple(grand_age, wife_age)
    people = [head, spouse]
    if rng.random() < 0.15:  # widowed grandparent
        people = [head]
        spouse = None
    for person in people:
        _groups_for_elder(f, person)
    child = f.children(head, spouse, [middle_age])[0]
    in_law_age = max(22, middle_age + rng.randint(-4, 3))
    if child.sex == "1":
        in_law = f.person("2", in_law_age, "38", ethnicity=f.spouse_ethnicity())  # 儿媳
        father = child
        grand_codes = ("41", "42")  # 孙子 孙女
    else:
        in_law = f.person("1", in_law_age, "28", ethnicity=f.spouse_ethnicity())  # 女婿
        father = in_law
        grand_codes = ("43", "44")  # 外孙子 外孙女
    youngest_parent = min(middle_age, in_law_age)
    grandchildren = []
    for _ in range(1 if rng.random() < 0.85 else 2):
        age = rng.randint(0, max(0, youngest_parent - 22))
        sex = rng.choice("12")
        grandchildren.append(
            f.person(sex, age, grand_codes[0] if sex == "1" else grand_codes[1], surname=father.surname,
                     ethnicity=child.ethnicity)
        )
    return people + [child, in_law] + grandchildren


def _three_gen_mid_head(f: _Family) -> list[_Person]:
    """A middle-aged couple heads the household, with a child and an elderly parent."""
    rng = f.rng
    husband_age = rng.randint(35, 58)
    wife_age = max(30, min(58, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.15)
    father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
    youngest = min(husband_age, wife_age)
    ages = [rng.randint(0, min(30, youngest - 22))]
    if rng.random() < 0.2:
        ages.append(rng.randint(0, min(30, youngest - 22)))
    kids = f.children(father, mother, ages)
    head_parent = rng.random() < 0.6  # the head's own parent, or the spouse's
    base = head if head_parent else spouse
    parents = []
    parent_age = rng.randint(max(60, base.age + 20), min(100, base.age + 38))
    both = rng.random() < 0.15
    sexes = ["1", "2"] if both else [rng.choice("12") if rng.random() < 0.4 else "2"]
    for sex in sexes:
        age = parent_age if sex == "1" or not both else max(60, base.age + 20, parent_age - rng.randint(0, 4))
        if head_parent:
            code = "51" if sex == "1" else "52"  # 父亲 母亲
        elif head.sex == "1":
            code = "55" if sex == "1" else "56"  # 岳父 岳母
        else:
            code = "53" if sex == "1" else "54"  # 公公 婆婆
        surname = base.surname if sex == "1" else None
        person = f.person(sex, age, code, surname=surname, ethnicity=base.ethnicity)
        _groups_for_elder(f, person)
        parents.append(person)
    return [head, spouse, *kids, *parents]


def _nuclear(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = rng.randint(28, 58)
    wife_age = max(24, min(58, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.2)
    father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
    youngest = min(husband_age, wife_age)
    count = 1 if rng.random() < 0.7 else 2
    ages = [rng.randint(0, min(30, max(0, youngest - 22))) for _ in range(count)]
    kids = f.children(father, mother, ages)
    if rng.random() < 0.04:
        head.groups.add("低保")
    if head.sex == "1" and rng.random() < 0.06:
        head.groups.add("退役军人")
    return [head, spouse, *kids]


def _single(f: _Family) -> list[_Person]:
    rng = f.rng
    person = f.person(rng.choice("12"), rng.randint(22, 59), HEAD_RELATION)
    if rng.random() < 0.1:
        person.groups.add("残疾")
    return [person]


def _young_couple(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = rng.randint(24, 38)
    head, spouse = f.couple(husband_age, max(22, husband_age - rng.randint(-2, 4)))
    return [head, spouse]


def _tenants(f: _Family) -> list[_Person]:
    """People renting a flat (流动人口): a couple, or one or two unrelated workers."""
    rng = f.rng
    if rng.random() < 0.5:
        husband_age = rng.randint(24, 48)
        head, spouse = f.couple(husband_age, max(21, husband_age - rng.randint(-2, 4)))
        people = [head, spouse]
        if rng.random() < 0.4:
            people += f.children(head, spouse, [rng.randint(0, max(0, spouse.age - 22))])
    else:
        people = [f.person(rng.choice("12"), rng.randint(20, 50), HEAD_RELATION)]
        if rng.random() < 0.5:
            people.append(f.person(rng.choice("12"), rng.randint(20, 50), "99"))  # 非亲属
    return people


_TEMPLATES: dict[str, Callable[[_Family], list[_Person]]] = {
    "lone_elder": _lone_elder,
    "elder_couple": _elder_couple,
    "elder_with_child": _elder_with_child,
    "three_gen_elder_head": _three_gen_elder_head,
    "three_gen_mid_head": _three_gen_mid_head,
    "nuclear": _nuclear,
    "single": _single,
    "young_couple": _young_couple,
    "tenants": _tenants,
}

