"""Build the demo community: a synthetic 长山花园社区 with the real community's shape.

One community (``scale=1``) has 10 grids, 11 high-rise buildings with 45 stair units, a low-rise
area (平房区) addressed by street and number, 3,100 households and about 7,000 residents of whom
62.5 % are 60 or older, many living alone; 161 党员家庭户; the 三长 (a 网格长 per grid, a 楼栋长
for 10 buildings, a 单元长 per unit); about 20 organisations; a few people already moved out or
dead, with their history; the 居民健康库 (``health``): health profiles for most elders with the
chronic diseases of an elderly city population, self-care assessments, a year of follow-ups,
yearly checks and care calls, caretakers (包保) and emergency contacts; the 便民档案库: a year of
service requests with their history (``services``), the 乐龄食堂's members and meals (``canteen``),
gas alarms, extinguishers and smoke detectors with their inspections (``safety``); the 防走失卡
(``badges``): the office's hotline, the families' consents, photos and a register of badges printed
some months ago, a few of them stale since; the 遗嘱库 (``wills``): about 210 registered wills with
their witnesses, chains, revocations and testators who died since. ``scale=N`` builds N such
communities side by side (for performance work: 15 make a street office of about 100,000
residents).

The data are made up but plausible: names spread as in Jilin, ID numbers with real Changchun region
codes and valid check digits that agree with birth date and sex, relations consistent with ages.
The same seed, scale and day give the same data. A folder without any account also gets the demo
administrator ``admin`` / ``chang-shan-demo``; existing accounts are kept as they are.

Speed: rows go in as bulk inserts (``writer``) and are not written to the change journal (a demo is
not a user's action to undo). Everything is one transaction: a failure leaves nothing behind.
"""

import random
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.orm import Session

from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.db.migrate import safety_copy
from chang_shan.db.models import Grid, Household, Resident, ServiceCategory
from chang_shan.demo.badges import _BadgesMixin
from chang_shan.demo.canteen import _CanteenMixin
from chang_shan.demo.health import _HealthMixin
from chang_shan.demo.households import ETHNICITIES, GENERAL_ELDER_AGES, LONE_ELDER_AGES, TEMPLATE_COUNTS
from chang_shan.demo.identity import CHANGCHUN_REGIONS, MOBILE_PREFIXES, OUTSIDE_REGIONS, YANBIAN_REGIONS
from chang_shan.demo.layout import (
    BUILDINGS,
    BUILDINGS_WITH_LOUDONGZHANG,
    GRID_NUMERALS,
    HIGH_RISE_HOUSEHOLDS,
    LOW_RISE_GRID,
    LOW_RISE_HOUSEHOLDS,
    LOW_RISE_STREETS,
    _LayoutMixin,
)
from chang_shan.demo.residents import PARTY_HOUSEHOLD_TAG, PARTY_HOUSEHOLDS, _ResidentsMixin
from chang_shan.demo.roles import ORGANISATIONS, _RolesMixin
from chang_shan.demo.safety import _SafetyMixin
from chang_shan.demo.services import _ServicesMixin
from chang_shan.demo.wills import _WillsMixin
from chang_shan.demo.party import _PartyMixin
from chang_shan.demo.volunteers import _VolunteersMixin
from chang_shan.demo.governance import _GovernanceMixin
from chang_shan.demo.writer import _BulkWriter
from chang_shan.errors import DomainError
from chang_shan.population.search import reindex_all
from chang_shan.progress import Progress, no_progress

__all__ = [
    "BUILDINGS",
    "BUILDINGS_WITH_LOUDONGZHANG",
    "CHANGCHUN_REGIONS",
    "COMMUNITY_NAME",
    "DEFAULT_SEED",
    "DEMO_ADMIN_PASSWORD",
    "DEMO_ADMIN_USER",
    "ETHNICITIES",
    "GENERAL_ELDER_AGES",
    "GRID_NUMERALS",
    "HIGH_RISE_HOUSEHOLDS",
    "JOURNAL_TABLES",
    "LEDGER_ROOTS",
    "LONE_ELDER_AGES",
    "LOW_RISE_GRID",
    "LOW_RISE_HOUSEHOLDS",
    "LOW_RISE_STREETS",
    "MOBILE_PREFIXES",
    "ORGANISATIONS",
    "OUTSIDE_REGIONS",
    "PARTY_HOUSEHOLDS",
    "PARTY_HOUSEHOLD_TAG",
    "TEMPLATE_COUNTS",
    "YANBIAN_REGIONS",
    "DemoSummary",
    "build_demo",
    "ledger_tables",
]

DEMO_ADMIN_USER = "admin"
DEMO_ADMIN_PASSWORD = "chang-shan-demo"
DEFAULT_SEED = 20261121

COMMUNITY_NAME = "长山花园社区"


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
    # 居民健康库: profiles, visits of the past year, current care assignments, care targets without
    # a caretaker, emergency contacts.
    health_profiles: int = 0
    health_visits: int = 0
    care_assignments: int = 0
    without_caretaker: int = 0
    contacts: int = 0
    # 便民档案库: requests of the past year (still open), canteen members today (delivered) and the
    # meals served, safety devices in use (gas alarms) and their inspections.
    service_requests: int = 0
    open_requests: int = 0
    canteen_members: int = 0
    canteen_delivered: int = 0
    canteen_meals: int = 0
    safety_devices: int = 0
    gas_alarms: int = 0
    inspections: int = 0
    # 遗嘱库: registered wills (every status).
    wills: int = 0
    # 防走失卡: recorded consents, photos, badges printed (their contact's phone changed since: stale).
    badge_consents: int = 0
    badge_photos: int = 0
    badges_printed: int = 0
    badges_stale: int = 0
    # 党建: organisations of the network (党小组 among them), members, study days held.
    party_orgs: int = 0
    party_groups: int = 0
    party_members: int = 0
    study_days: int = 0
    # 志愿者: teams, volunteers, service records of the past year, their hours, redemptions.
    volunteer_teams: int = 0
    volunteers: int = 0
    volunteer_services: int = 0
    volunteer_hours: int = 0
    redemptions: int = 0
    # 议事调解与物业: matters, mediation cases, fee payments, loans, 八零 entries.
    matters: int = 0
    mediation_cases: int = 0
    fee_payments: int = 0
    loans: int = 0
    eight_zero_entries: int = 0

    def describe(self) -> str:
        share = self.aged_60_plus / self.residents * 100 if self.residents else 0.0
        lines = [
            f"已建立演示社区（{COMMUNITY_NAME}，规模 ×{self.scale}，随机种子 {self.seed}，用时 {self.seconds:.1f} 秒）：",
            f"  网格 {self.grids} 个，楼栋 {self.buildings} 栋（另有平房区 {self.low_rise_areas} 片），单元 {self.units} 个",
            f"  住户 {self.households} 户，在册居民 {self.residents} 人（60 岁及以上 {self.aged_60_plus} 人，占 {share:.1f}%）",
            f"  独居老人 {self.lone_elders} 人，党员家庭户 {self.party_households} 户，三长在任 {self.role_assignments} 人",
            f"  驻区单位 {self.organisations} 个；已迁出 {self.moved_out} 人，已故 {self.deceased} 人（保留历史）",
            f"  健康档案 {self.health_profiles} 份，随访和体检记录 {self.health_visits} 条；"
            f"包保老人 {self.care_assignments} 人（另有 {self.without_caretaker} 人尚无包保人），紧急联系人 {self.contacts} 位",
            f"  便民服务请求 {self.service_requests} 件（办理中 {self.open_requests} 件）；乐龄食堂就餐 {self.canteen_members} 人"
            f"（送餐 {self.canteen_delivered} 人），一年用餐 {self.canteen_meals} 份",
            f"  在用安全设备 {self.safety_devices} 台（燃气报警器 {self.gas_alarms} 台），检查记录 {self.inspections} 条",
            f"  遗嘱库登记遗嘱 {self.wills} 份",
            f"  防走失卡已打印 {self.badges_printed} 张（家属电话已变、需重印 {self.badges_stale} 张），"
            f"同意书 {self.badge_consents} 份，照片 {self.badge_photos} 张",
            f"  党组织 {self.party_orgs} 个（党小组 {self.party_groups} 个），党员 {self.party_members} 名，主题党日 {self.study_days} 次",
            f"  志愿服务队 {self.volunteer_teams} 支，注册志愿者 {self.volunteers} 名，一年服务记录 {self.volunteer_services} 条"
            f"（{self.volunteer_hours} 小时），积分兑换 {self.redemptions} 次",
            f"  四步议事议题 {self.matters} 个，人民调解案件 {self.mediation_cases} 件，物业费缴费 {self.fee_payments} 笔，"
            f"诚信借款 {self.loans} 笔",
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
            builder.use_session(session, db.data_dir.files)
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
        health_profiles=counts["health_profiles"],
        health_visits=counts["health_visits"],
        care_assignments=counts["care_assignments"],
        without_caretaker=counts["without_caretaker"],
        contacts=counts["contacts"],
        service_requests=counts["service_requests"],
        open_requests=counts["open_requests"],
        canteen_members=counts["canteen_members"],
        canteen_delivered=counts["canteen_delivered"],
        canteen_meals=counts["canteen_meals"],
        safety_devices=counts["safety_devices"],
        gas_alarms=counts["gas_alarms"],
        inspections=counts["inspections"],
        wills=counts["wills"],
        badge_consents=counts["badge_consents"],
        badge_photos=counts["badge_photos"],
        badges_printed=counts["badges_printed"],
        badges_stale=counts["badges_stale"],
        **{key: counts[key] for key in (
            "party_orgs", "party_groups", "party_members", "study_days", "volunteer_teams", "volunteers",
            "volunteer_services", "volunteer_hours", "redemptions", "matters", "mediation_cases", "fee_payments",
            "loans", "eight_zero_entries")},
    )


def _create_demo_admin(session: Session) -> bool:
    """The demo administrator, when the folder has no account at all (the first account needs no
    signed-in creator). Existing accounts are never touched. Returns whether it was created."""
    from chang_shan.accounts import users

    if users.has_accounts(session):
        return False
    # The demo shows every ledger, so its administrator also holds the 居民健康库 and 遗嘱库
    # permissions; a real office grants those per person (账户管理).
    users.create_user(session, DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD, "管理员", display_name="演示管理员",
                      can_health=True, can_wills=True)
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


LEDGER_ROOTS = ("grid", "building", "unit", "household", "resident", "organisation",
                # governance tables that refer to no person or place (their children follow)
                "volunteer_team", "volunteer_point_rule", "volunteer_reward_item", "property_fee_rate",
                "eight_zero_entry", "deliberation_matter", "mediation_case")
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
    # The office's own service categories go with the requests; the built-in ones are configuration.
    category = ServiceCategory.__table__
    connection.execute(category.delete().where(category.c.builtin.is_(False)))
    # The search index is emptied and rebuilt by ``reindex_all`` at the end.

# ---------------------------------------------------------------------------------------------
# Generation: one community at a time, from the parts in the sibling modules.


class _Builder(_LayoutMixin, _ResidentsMixin, _RolesMixin, _HealthMixin, _ServicesMixin, _CanteenMixin, _SafetyMixin,
               _BadgesMixin, _WillsMixin, _PartyMixin, _VolunteersMixin, _GovernanceMixin, _BulkWriter):
    """Places (``layout``), households and residents (``households``, ``residents``,
    ``identity``), 三长 and organisations (``roles``), the 居民健康库 (``health``, ``care``,
    ``visits``), the 便民档案库 (``services``, ``canteen``, ``safety``), the 防走失卡 (``badges``,
    ``portraits``), the 遗嘱库 (``wills``), written by ``writer``."""

    def build_community(self, index: int) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}")
        grid_ids, dwellings, building_ids, unit_ids = self._places(index, rng)
        households = self._households(rng, dwellings)
        self._apply_special_names(rng, households, index)
        self._write_people(rng, households)
        self._roles(rng, index, households, grid_ids, building_ids, unit_ids)
        self._organisations(rng, index, grid_ids)
        self._health(index, households, grid_ids)
        self._service_requests(index, households, grid_ids)
        self._canteen(index, households)
        self._safety(index, households, unit_ids, building_ids)
        self._badges(index, households)
        self._wills(index, households)
        self._party(index, households, grid_ids, building_ids, unit_ids)
        self._volunteers(index, households)
        self._governance(index, households)
