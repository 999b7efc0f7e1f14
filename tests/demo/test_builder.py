"""The demo community has the real community's shape (../shared/DESIGN.md) and is consistent."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chang_shan.codes import HEAD_RELATION
from chang_shan.db.database import Database
from chang_shan.db.models import (
    Building,
    CareAssignment,
    ChangeSet,
    Grid,
    HealthProfile,
    HealthVisit,
    Household,
    HouseholdTag,
    Movement,
    Organisation,
    Resident,
    ResidentGroup,
    RoleAssignment,
    Unit,
)
from chang_shan.demo import builder
from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER, build_demo
from chang_shan.errors import DomainError
from chang_shan.maintenance.check import run_checks
from chang_shan.maintenance.stats import ledger_counts
from chang_shan.paths import DataDir
from chang_shan.population import idnumber, pinyin, search
from chang_shan.population.residents import age_on
from tests.demo.template import SEED, TODAY

CHANGCHUN = ("220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122",
             "220182", "220183", "220184")


def _within(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= target * tolerance


# --- shape ---------------------------------------------------------------------------------------


def test_places_have_the_real_shape(demo_db: Database) -> None:
    with demo_db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Grid)) == 10
        grid_names = set(s.scalars(select(Grid.name)))
        assert grid_names == {f"第{n}网格" for n in "一二三四五六七八九十"}
        kinds = Counter(s.scalars(select(Building.kind)))
        assert kinds == {"楼房": 11, "平房区": 1}
        names = set(s.scalars(select(Building.name).where(Building.kind == "楼房")))
        assert names == {f"{n}号楼" for n in range(1, 12)}
        assert s.scalar(select(func.count()).select_from(Unit)) == 45
        low_rise = s.scalar(select(Building.id).where(Building.kind == "平房区"))
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.building_id == low_rise)) == 0
        # Every building has several units; every grid has at least one building.
        per_building = Counter(s.scalars(select(Unit.building_id)))
        assert len(per_building) == 11 and min(per_building.values()) >= 3
        assert len(set(s.scalars(select(Building.grid_id)))) == 10
        # Low-rise households are addressed by street and number, flats by floor and door.
        rooms = s.scalars(select(Household.room).where(Household.building_id == low_rise)).all()
        assert rooms and all(re.fullmatch(r"(长山路|团山街|长山一胡同|长山二胡同)\d+号", r) for r in rooms)
        flats = s.scalars(select(Household.room).where(Household.building_id != low_rise)).all()
        assert all(re.fullmatch(r"\d{1,2}0\d", r) for r in flats)


def test_people_have_the_real_shape(demo_db: Database) -> None:
    with demo_db.reader() as s:
        counts = ledger_counts(s, today=TODAY)
        households = s.scalar(select(func.count()).select_from(Household))
        active = s.scalars(select(Resident.birth_date).where(Resident.status == "在册")).all()
    assert _within(households, 3100, 0.03)
    assert _within(len(active), 7000, 0.03)
    aged = sum(1 for born in active if age_on(born, TODAY) >= 60)
    assert abs(aged / len(active) * 100 - 62.5) <= 1.5
    assert counts["aged_60_plus"] == aged
    assert counts["party_households"] == 161
    # "many live alone": several hundred lone elders, and more elders in 空巢 couples.
    assert counts["lone_elders"] >= 500
    assert counts["empty_nest"] >= 1000
    for key in ("disabled", "minimum_living_allowance", "extreme_poverty_support", "veterans"):
        assert counts[key] > 0, key
    assert 0 < counts["moved_out"] < 150 and 0 < counts["deceased"] < 150
    assert 15 <= counts["organisations"] <= 25 and counts["party_committee_members"] > 0


def test_summary_matches_the_database(demo: tuple[DataDir, builder.DemoSummary], demo_db: Database) -> None:
    summary = demo[1]
    with demo_db.reader() as s:
        counts = ledger_counts(s, today=TODAY)
    assert summary.households == counts["households"]
    assert summary.residents == counts["residents"]
    assert summary.residents_total == counts["residents_total"]
    assert summary.aged_60_plus == counts["aged_60_plus"]
    assert summary.lone_elders == counts["lone_elders"]
    assert summary.party_households == 161
    assert (summary.grids, summary.buildings, summary.units, summary.low_rise_areas) == (10, 11, 45, 1)
    text = summary.describe()
    assert f"{summary.residents}" in text and "3100" in text
    assert f"{DEMO_ADMIN_USER} / {DEMO_ADMIN_PASSWORD}" in text
    assert (DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD) == ("admin", "chang-shan-demo")
    assert len(text.splitlines()) >= 5


# --- people ----------------------------------------------------------------------------------------


def test_every_id_number_is_valid_and_agrees_with_the_record(demo_db: Database) -> None:
    with demo_db.reader() as s:
        rows = s.execute(select(Resident.id_number, Resident.birth_date, Resident.sex_code)).all()
    assert all(r.id_number for r in rows)
    assert len({r.id_number for r in rows}) == len(rows)
    regions = Counter()
    for number, born, sex in rows:
        facts = idnumber.parse(number, today=TODAY)
        assert facts.number == number
        assert facts.birth_date == born, number
        assert facts.sex_code == sex, number
        regions[number[:6]] += 1
    changchun = sum(n for code, n in regions.items() if code in CHANGCHUN)
    assert changchun / len(rows) > 0.7
    assert regions["220103"] == max(regions.values())  # 宽城区, where the community is
    # Elders born long before 宽城区 got its code in 1983 carry it all the same.
    assert any(
        number.startswith("220103") and born.year < 1950 for number, born, _ in rows
    )


def test_names_surnames_and_rare_characters(demo_db: Database) -> None:
    with demo_db.reader() as s:
        names = s.scalars(select(Resident.name)).all()
        ethnic = Counter(s.scalars(select(Resident.ethnicity_code).where(Resident.status == "在册")))
    surnames = Counter(pinyin.split_surname(n)[0] for n in names if "·" not in n)
    top = [name for name, _ in surnames.most_common(4)]
    assert set(top) == {"王", "李", "张", "刘"}
    for surname in ("单", "曾", "解", "仇", "朴", "欧阳", "司马", "孙", "于", "赵"):
        assert surnames[surname] > 0, surname
    assert "张立春" in names
    assert any(ord(ch) > 0xFFFF for n in names for ch in n), "no CJK Extension B character"
    for ch in ("𠀀", "𪚥", "龘", "堃", "喆", "昇"):
        assert any(ch in n for n in names), ch
    dotted = [n for n in names if "·" in n]
    assert 1 <= len(dotted) <= 3 and all(len(part) >= 2 for n in dotted for part in n.split("·"))
    assert all(1 < len(n) <= 50 for n in names)
    total = sum(ethnic.values())
    assert ethnic["01"] / total > 0.85
    for code in ("11", "10", "03", "02"):  # 满族 朝鲜族 回族 蒙古族
        assert ethnic[code] > 0, code


def test_name_pinyin_and_search_index_are_filled(demo_db: Database) -> None:
    with demo_db.reader() as s:
        rows = s.execute(select(Resident.id, Resident.name, Resident.name_pinyin)).all()
        assert all(r.name_pinyin == pinyin.sort_key(r.name) for r in rows)
        zhang = s.scalar(select(Resident.id).where(Resident.name == "张立春"))
        assert zhang in search.search_ids(s, "zlc")
        rare = s.scalar(select(Resident.id).where(Resident.name.like("%𠀀%")))
        assert rare in search.search_ids(s, "𠀀")


def test_relations_agree_with_ages(demo_db: Database) -> None:
    with demo_db.reader() as s:
        heads = dict(s.execute(select(Household.id, Household.head_id)).all())
        people = s.execute(
            select(Resident.id, Resident.household_id, Resident.relation_code, Resident.birth_date,
                   Resident.sex_code, Resident.status)
        ).all()
    by_id = {p.id: p for p in people}
    assert all(heads.values()), "every household has a head"
    for household_id, head_id in heads.items():
        head = by_id[head_id]
        assert head.household_id == household_id and head.relation_code == HEAD_RELATION
        assert head.status == "在册"
        assert age_on(head.birth_date, TODAY) >= 18
    active_heads = Counter(p.household_id for p in people if p.status == "在册" and p.relation_code == "02")
    assert set(active_heads.values()) == {1}
    for p in people:
        if p.status != "在册" or p.relation_code == "02":
            continue
        head = by_id[heads[p.household_id]]
        gap = age_on(head.birth_date, TODAY) - age_on(p.birth_date, TODAY)
        code = int(p.relation_code)
        if code in (10, 11, 12):
            assert age_on(p.birth_date, TODAY) >= 18 and abs(gap) <= 12, p
            assert (code != 11 or p.sex_code == "1") and (code != 12 or p.sex_code == "2")
        elif 20 <= code <= 39 and code not in (28, 38):
            assert gap >= 18, p  # children are a generation younger
            assert (code < 30) == (p.sex_code == "1"), p
        elif code in (28, 38):  # 女婿, 儿媳
            assert gap >= 12, p
        elif 40 <= code <= 49:
            assert gap >= 40, p
        elif 50 <= code <= 59:
            assert gap <= -18, p  # parents a generation older
        else:
            assert code == 99, p


def test_households_and_details(demo_db: Database) -> None:
    with demo_db.reader() as s:
        areas = s.scalars(select(Household.area_m2)).all()
        phones = s.scalars(select(Resident.phone).where(Resident.status == "在册")).all()
        residence = Counter(s.scalars(select(Resident.residence_type)))
        employment = Counter(s.scalars(select(Resident.employment)))
        tags = Counter(s.scalars(select(HouseholdTag.tag)))
        groups = set(s.scalars(select(ResidentGroup.group)))
    assert all(isinstance(a, Decimal) and Decimal(40) <= a <= Decimal(120) for a in areas)
    assert len({a for a in areas}) > 500
    mobiles = [p for p in phones if re.fullmatch(r"1[358]\d{9}", p)]
    landlines = [p for p in phones if re.fullmatch(r"0431-\d{8}", p)]
    assert len(mobiles) / len(phones) > 0.75 and landlines
    assert all(p == "" or p in mobiles or p in landlines for p in phones)
    assert residence.most_common(1)[0][0] == "户籍"
    assert {"常住", "流动", "人户分离"} <= set(residence)
    assert employment.most_common(1)[0][0] == "离退休"
    assert {"在职", "无业", "学生"} <= set(employment)
    assert tags["党员家庭户"] == 161 and tags["出租户"] > 0
    assert {"独居", "空巢", "残疾", "低保", "特困", "退役军人"} <= groups


def test_history_of_every_resident(demo_db: Database) -> None:
    with demo_db.reader() as s:
        people = s.execute(
            select(Resident.id, Resident.status, Resident.moved_in_on, Resident.moved_out_on,
                   Resident.died_on, Resident.birth_date, Resident.household_id)
        ).all()
        movements: dict[int, list] = {}
        for m in s.execute(select(Movement).order_by(Movement.id)).scalars():
            movements.setdefault(m.resident_id, []).append(m)
    for p in people:
        history = movements[p.id]
        first = history[0]
        assert (first.kind, first.on_date, first.to_household_id) == ("登记", p.moved_in_on, p.household_id)
        assert p.birth_date <= p.moved_in_on <= TODAY
        dates = [m.on_date for m in history]
        assert dates == sorted(dates)
        kinds = [m.kind for m in history]
        if p.status == "已故":
            assert kinds[-1] == "死亡" and history[-1].on_date == p.died_on and p.moved_in_on < p.died_on < TODAY
        elif p.status == "已迁出":
            assert kinds[-1] == "迁出" and history[-1].on_date == p.moved_out_on
        else:
            assert set(kinds) <= {"登记", "变更户主"}
            assert p.died_on is None and p.moved_out_on is None
    assert any(m.kind == "变更户主" for ms in movements.values() for m in ms)


def test_the_three_heads(demo_db: Database) -> None:
    with demo_db.reader() as s:
        current = s.execute(
            select(RoleAssignment, Resident, Household)
            .join(Resident, Resident.id == RoleAssignment.resident_id)
            .join(Household, Household.id == Resident.household_id)
            .where(RoleAssignment.end_on.is_(None))
        ).all()
        building_grid = dict(s.execute(select(Building.id, Building.grid_id)).all())
        unit_building = dict(s.execute(select(Unit.id, Unit.building_id)).all())
        former = s.scalars(select(RoleAssignment).where(RoleAssignment.end_on.is_not(None))).all()
    roles = Counter(a.role for a, _, _ in current)
    assert roles == {"网格长": 10, "楼栋长": 10, "单元长": 45}
    assert len({r.id for _, r, _ in current}) == 65, "one post per person"
    scopes = Counter((a.role, a.grid_id, a.building_id, a.unit_id) for a, _, _ in current)
    assert set(scopes.values()) == {1}
    for assignment, person, home in current:
        assert person.status == "在册" and age_on(person.birth_date, assignment.start_on) >= 18
        assert person.moved_in_on <= assignment.start_on <= TODAY
        if assignment.role == "网格长":
            assert building_grid[home.building_id] == assignment.grid_id
        elif assignment.role == "楼栋长":
            assert home.building_id == assignment.building_id
        else:
            assert home.unit_id == assignment.unit_id
            assert unit_building[assignment.unit_id] == home.building_id
    for old in former:
        assert old.start_on <= old.end_on
    assert former, "a few units keep their former 单元长 as history"


def test_organisations(demo_db: Database) -> None:
    with demo_db.reader() as s:
        organisations = s.scalars(select(Organisation)).all()
    assert len(organisations) == 20
    assert sum(o.in_party_committee for o in organisations) >= 5
    assert all(o.phone.startswith("0431-") and o.contact_name for o in organisations)


def test_nothing_is_journalled_and_the_demo_checks_clean(demo_db: Database) -> None:
    with demo_db.reader() as s:
        # No ledger row is journalled; the only entry is the audit event of the demo administrator.
        assert s.scalar(select(func.count()).select_from(ChangeSet).where(ChangeSet.kind == "change")) == 0
        assert s.execute(select(ChangeSet.kind, ChangeSet.action)).all() == [("account", "新建账户 admin（管理员）")]
    report = run_checks(demo_db, today=TODAY)
    assert report.ok, report.describe()


# --- determinism, refusal, force, failure ------------------------------------------------------


def _dump(path: Path) -> list[tuple]:
    """Every ledger row, without the timestamps of the build itself."""
    connection = sqlite3.connect(path)
    try:
        out = []
        for table in ("grid", "building", "unit", "household", "resident", "resident_group",
                      "household_tag", "movement", "role_assignment", "organisation", "health_profile",
                      "health_condition", "health_family_history", "health_self_care", "health_visit",
                      "care_assignment", "resident_contact", "service_category", "service_request",
                      "service_request_event", "canteen_member", "canteen_meal", "safety_device",
                      "device_inspection"):
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")
                       if r[1] not in ("created_at", "updated_at", "recorded_at")]
            quoted = ", ".join(f'"{c}"' for c in columns)  # "group" is a keyword
            out.append((table, connection.execute(f"SELECT {quoted} FROM {table} ORDER BY rowid").fetchall()))
        return out
    finally:
        connection.close()


def _build(folder: Path, **options) -> builder.DemoSummary:  # noqa: ANN003
    with Database.open(DataDir(folder)) as db:
        return build_demo(db, today=TODAY, **options)


@pytest.mark.slow
def test_same_seed_same_data_other_seed_other_data(demo: tuple[DataDir, builder.DemoSummary], tmp_path: Path) -> None:
    _build(tmp_path / "again", seed=SEED)
    _build(tmp_path / "other", seed=SEED + 1)
    reference = _dump(demo[0].database)
    assert _dump(DataDir(tmp_path / "again").database) == reference
    other = _dump(DataDir(tmp_path / "other").database)
    assert other != reference
    residents = dict(reference)["resident"]
    assert [r[3] for r in dict(other)["resident"][:50]] != [r[3] for r in residents[:50]]
    for table in ("health_profile", "health_visit", "care_assignment", "resident_contact", "service_request",
                  "service_request_event", "canteen_member", "canteen_meal", "safety_device", "device_inspection"):
        assert dict(reference)[table] and dict(other)[table] != dict(reference)[table], table


def test_refuses_to_build_over_existing_data(demo_copy: DataDir) -> None:
    before = _dump(demo_copy.database)
    with Database.open(demo_copy) as db, pytest.raises(DomainError) as caught:
        build_demo(db, today=TODAY)
    message = caught.value.message
    assert "已有数据" in message and "--force" in message and "\n" not in message
    assert _dump(demo_copy.database) == before
    assert not list(demo_copy.safety_copies.glob("*before-demo*"))


def test_force_keeps_a_safety_copy_and_rebuilds(demo_copy: DataDir) -> None:
    with Database.open(demo_copy) as db:
        with db.transaction("测试：改名") as s:
            s.get(Resident, 1).name = "测试改名"
            s.add(HealthVisit(resident_id=1, visited_on=TODAY, notes="测试随访"))
        summary = build_demo(db, seed=7, force=True, today=TODAY)
        with db.reader() as s:
            counts = ledger_counts(s, today=TODAY)
            assert s.scalar(select(func.count()).select_from(ChangeSet)) == 0, "the journal is emptied"
            assert s.scalar(select(Resident.name).where(Resident.id == 1)) != "测试改名"
            # The health tables were emptied and filled again, not added to.
            assert s.scalar(select(func.count()).select_from(HealthVisit).where(HealthVisit.notes == "测试随访")) == 0
            assert s.scalar(select(func.count()).select_from(HealthVisit)) == summary.health_visits
            assert s.scalar(select(func.count()).select_from(HealthProfile)) == summary.health_profiles
            assert s.scalar(select(func.count()).select_from(CareAssignment).where(
                CareAssignment.end_on.is_(None))) == summary.care_assignments
        report = run_checks(db, today=TODAY)
    assert report.ok, report.describe()
    assert summary.safety_copy is not None and summary.safety_copy.exists()
    assert summary.safety_copy.parent == demo_copy.safety_copies
    assert "备份" in summary.describe()
    saved = sqlite3.connect(summary.safety_copy)
    assert saved.execute("SELECT name FROM resident WHERE id = 1").fetchone() == ("测试改名",)
    saved.close()
    assert counts["grids"] == 10 and counts["units"] == 45 and counts["party_households"] == 161
    assert counts["households"] == summary.households


def test_a_failure_leaves_nothing_behind(data_dir: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(builder, "reindex_all", broken)
    with Database.open(data_dir) as db:
        with pytest.raises(RuntimeError):
            build_demo(db, today=TODAY)
        with db.reader() as s:
            assert s.scalar(select(func.count()).select_from(Resident)) == 0
            assert s.scalar(select(func.count()).select_from(Grid)) == 0


def test_a_failed_forced_rebuild_keeps_the_old_data(demo_copy: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _dump(demo_copy.database)

    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(builder, "reindex_all", broken)
    with Database.open(demo_copy) as db, pytest.raises(RuntimeError):
        build_demo(db, force=True, seed=99, today=TODAY)
    assert _dump(demo_copy.database) == before


def test_scale_multiplies_the_community(tmp_path: Path) -> None:
    summary = _build(tmp_path / "two", scale=2)
    assert (summary.grids, summary.buildings, summary.units, summary.low_rise_areas) == (20, 22, 90, 2)
    assert summary.households == 6200
    assert _within(summary.residents, 14000, 0.03)
    assert summary.party_households == 322
    assert abs(summary.aged_60_plus / summary.residents * 100 - 62.5) <= 1.5
    with Database.open(DataDir(tmp_path / "two")) as db:
        with db.reader() as s:
            assert len(set(s.scalars(select(Grid.code)))) == 20
            assert s.scalar(select(func.count()).select_from(Organisation)) == 40
        report = run_checks(db, today=TODAY)
    assert report.ok, report.describe()


def test_progress_is_reported(data_dir: DataDir) -> None:
    seen: list[tuple[int, int, str]] = []
    with Database.open(data_dir) as db:
        build_demo(db, today=TODAY, progress=lambda done, total, text="": seen.append((done, total, text)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert any("索引" in text for _, _, text in seen)


def test_bad_scale_is_refused(data_dir: DataDir) -> None:
    with Database.open(data_dir) as db, pytest.raises(DomainError):
        build_demo(db, scale=0)


def test_ages_follow_today(tmp_path: Path) -> None:
    """The share of elders is relative to the day of building, not to a fixed year."""
    later = date(2031, 3, 1)
    with Database.open(DataDir(tmp_path / "later")) as db:
        summary = build_demo(db, today=later)
        with db.reader() as s:
            births = s.scalars(select(Resident.birth_date).where(Resident.status == "在册")).all()
        visits = s.execute(select(HealthVisit.visited_on, HealthVisit.purpose)).all()
    aged = sum(1 for b in births if age_on(b, later) >= 60)
    assert aged == summary.aged_60_plus
    assert abs(aged / len(births) * 100 - 62.5) <= 1.5
    # Visits follow the day too: the past year before it (last year's checks from its January on).
    assert max(day for day, _ in visits) <= later
    assert min(day for day, purpose in visits if purpose != "年度体检") > later - timedelta(days=365)
    assert min(day for day, _ in visits) >= date(later.year - 1, 1, 1)


def test_progress_runs_forward_on_one_scale(data_dir: DataDir) -> None:
    seen: list[tuple[int, int]] = []
    with Database.open(data_dir) as db:
        build_demo(db, scale=2, today=TODAY, progress=lambda done, total, text="": seen.append((done, total)))
    assert len({total for _, total in seen}) == 1
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and dones[-1] == seen[-1][1]


def test_cancelling_leaves_nothing_behind(data_dir: DataDir) -> None:
    from chang_shan.progress import Cancelled

    def cancel_while_indexing(done: int, total: int, text: str = "") -> None:
        if "索引" in text:
            raise Cancelled

    with Database.open(data_dir) as db:
        with pytest.raises(Cancelled):
            build_demo(db, today=TODAY, progress=cancel_while_indexing)
        with db.reader() as s:
            assert s.scalar(select(func.count()).select_from(Resident)) == 0
            assert s.scalar(select(func.count()).select_from(Household)) == 0


def test_refuses_when_only_organisations_are_there(db: Database) -> None:
    with db.sessions() as s, s.begin():
        s.add(Organisation(name="长山花园幼儿园"))
    with pytest.raises(DomainError, match="organisation"):
        build_demo(db, today=TODAY)
    summary = build_demo(db, today=TODAY, force=True)
    assert summary.organisations == 20 and summary.safety_copy is not None


def test_the_demo_administrator_sees_every_ledger(demo_db: Database) -> None:
    """The demo shows the 居民健康库 and 遗嘱库 too: its administrator holds both permissions."""
    from chang_shan.db.models import UserAccount

    with demo_db.reader() as s:
        admin = s.scalars(select(UserAccount).where(UserAccount.username == DEMO_ADMIN_USER)).one()
    assert (admin.role, admin.can_health, admin.can_wills) == ("管理员", True, True)
