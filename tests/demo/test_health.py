"""The demo's 居民健康库 looks like an urban elderly community in Jilin and is consistent: every code
in its table, every date possible, the caretakers holding the posts that cover their elders."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from chang_shan.db.database import Database
from chang_shan.db.models import (
    CareAssignment,
    Household,
    HealthCondition,
    HealthFamilyHistory,
    HealthProfile,
    HealthSelfCare,
    HealthVisit,
    Resident,
    ResidentContact,
    ResidentGroup,
    RoleAssignment,
    Unit,
)
from chang_shan.db.models.health import CONDITION_CATEGORIES, RELATIVES, VISIT_KINDS, VISIT_PURPOSES
from chang_shan.demo import health_plan
from chang_shan.demo.builder import MOBILE_PREFIXES, DemoSummary
from chang_shan.care.assignments import care_targets
from chang_shan.health import codes, due, profiles
from chang_shan.health.stats import health_statistics
from chang_shan.maintenance.stats import shift_years
from chang_shan.paths import DataDir
from chang_shan.settings import SETTINGS
from chang_shan.population.residents import age_on
from tests.demo.template import TODAY

CHRONIC_BANDS = {  # 既往史 code: (low, high) percent of elders 60+ with a health archive
    "2": (50, 60), "3": (17, 23), "4": (12, 18), "7": (6, 10), "5": (6, 10), "6": (2.5, 5.5), "8": (0.2, 1.2),
}


def _pct(part: int, whole: int) -> float:
    return part / whole * 100 if whole else 0.0


@pytest.fixture(scope="module")
def facts(demo: tuple[DataDir, DemoSummary]):  # noqa: ANN201 - a namespace of lists and dicts
    """Everything the tests look at, read once from the shared demo."""
    database = Database.open(demo[0], lock=False)
    try:
        with database.sessions() as s:
            people = {r.id: r for r in s.execute(
                select(Resident.id, Resident.birth_date, Resident.status, Resident.sex_code, Resident.household_id,
                       Resident.moved_in_on, Resident.name)
            )}
            data = {
                "people": people,
                "active": {i for i, r in people.items() if r.status == "在册"},
                "profiles": {p.resident_id: p for p in s.scalars(select(HealthProfile))},
                "conditions": s.scalars(select(HealthCondition)).all(),
                "family": s.scalars(select(HealthFamilyHistory)).all(),
                "self_care": s.scalars(select(HealthSelfCare).order_by(HealthSelfCare.id)).all(),
                "visits": s.scalars(select(HealthVisit).order_by(HealthVisit.id)).all(),
                "care": s.scalars(select(CareAssignment).order_by(CareAssignment.id)).all(),
                "contacts": s.scalars(select(ResidentContact).order_by(ResidentContact.id)).all(),
                "lone": set(s.scalars(select(ResidentGroup.resident_id).where(ResidentGroup.group == "独居"))),
                "roles": s.scalars(select(RoleAssignment)).all(),
                "homes": {h.id: h for h in s.execute(select(Household.id, Household.building_id, Household.unit_id))},
                "unit_building": dict(s.execute(select(Unit.id, Unit.building_id)).all()),
                "grid_of_building": dict(s.execute(text("select id, grid_id from building")).all()),
            }
            s.expunge_all()
    finally:
        database.close()

    class Facts:
        pass

    f = Facts()
    f.__dict__.update(data)
    f.age = {i: age_on(r.birth_date, TODAY) for i, r in people.items()}
    f.elders = {i for i in f.active if f.age[i] >= 60}
    f.diseases = defaultdict(set)
    for c in f.conditions:
        if c.category == "疾病":
            f.diseases[c.resident_id].add(c.code)
    latest: dict[int, HealthSelfCare] = {}
    for a in sorted(f.self_care, key=lambda a: (a.assessed_on, a.id)):
        latest[a.resident_id] = a
    f.latest_self_care = latest
    f.targets = {i for i in f.elders if i in f.lone or (i in latest and latest[i].total >= codes.DEPENDENT_FROM)}
    f.visits_of = defaultdict(list)
    for v in f.visits:
        f.visits_of[v.resident_id].append(v)
    f.patients = {i for i in f.active if i in f.profiles and f.diseases[i] & set(codes.FOLLOW_UP_CODES)}
    return f


# --- profiles ------------------------------------------------------------------------------------


def test_most_elders_and_some_younger_residents_have_a_profile(facts) -> None:  # noqa: ANN001
    younger = [i for i in facts.active if facts.age[i] < 60]
    assert 80 <= _pct(sum(1 for i in facts.elders if i in facts.profiles), len(facts.elders)) <= 90
    assert 25 <= _pct(sum(1 for i in younger if i in facts.profiles), len(younger)) <= 35
    assert set(facts.profiles) <= facts.active, "only residents on the register have a health archive"


def test_blood_types_payment_allergies_and_disabilities(facts) -> None:  # noqa: ANN001
    profiles = list(facts.profiles.values())
    blood = Counter(p.blood_type for p in profiles)
    known = sum(n for code, n in blood.items() if code != "5")
    for code, share in (("1", 28), ("2", 32), ("3", 30), ("4", 10)):
        assert abs(_pct(blood[code], known) - share) <= 3, (code, blood)
    assert _pct(blood["5"], len(profiles)) < 6
    rh = Counter(p.rh for p in profiles)
    assert _pct(rh["1"], len(profiles)) < 1 and rh["2"] > 0.9 * len(profiles)
    assert all((p.rh == "3") == (p.blood_type == "5") for p in profiles)
    insured = sum(1 for p in profiles if {"1", "2"} & set(p.payment))
    assert _pct(insured, len(profiles)) >= 95
    none = sum(1 for p in profiles if p.allergies == [codes.NONE_CODE])
    assert 88 <= _pct(none, len(profiles)) <= 95
    assert {"2", "3"} <= {c for p in profiles for c in p.allergies}
    disabled = sum(1 for p in profiles if p.disabilities != [codes.NONE_CODE])
    assert 1 <= _pct(disabled, len(profiles)) <= 8


def test_family_doctors_and_medication_agree_with_the_conditions(facts) -> None:  # noqa: ANN001
    doctors = Counter(p.family_doctor for p in facts.profiles.values() if p.family_doctor)
    assert 3 <= len(doctors) <= 8, "a small list of 社区卫生服务站 doctors"
    phones = {p.family_doctor: p.family_doctor_phone for p in facts.profiles.values() if p.family_doctor}
    assert all(re.fullmatch(r"1\d{10}", phone) and phone[:3] in MOBILE_PREFIXES for phone in phones.values())
    medicine_for = defaultdict(set)
    for code, names in health_plan.MEDICINES.items():
        for name in names:
            medicine_for[name].add(code)
    dementia = {c.resident_id for c in facts.conditions if c.name in health_plan.DEMENTIA}
    for rid, p in facts.profiles.items():
        lines = [line.removesuffix(health_plan.IRREGULAR) for line in p.medication.split("；") if line]
        had = set(facts.diseases[rid]) | ({"dementia"} if rid in dementia else set())
        for line in lines:
            assert medicine_for[line] & had, (rid, line)
        if "2" in had:
            assert any("2" in medicine_for[line] for line in lines), rid
    assert any(health_plan.IRREGULAR in p.medication for p in facts.profiles.values())


def test_wandering_risk_for_a_few_of_the_oldest(facts) -> None:  # noqa: ANN001
    oldest = [i for i in facts.active if facts.age[i] >= 80]
    wandering = [i for i, p in facts.profiles.items() if p.wandering_risk]
    assert 1.5 <= _pct(len(wandering), len(oldest)) <= 5
    assert all(facts.age[i] >= 70 for i in wandering)
    dementia = {c.resident_id for c in facts.conditions if c.name in health_plan.DEMENTIA}
    assert set(wandering) <= dementia


# --- past diseases -------------------------------------------------------------------------------


def test_chronic_disease_prevalence_among_elders_and_younger_people(facts) -> None:  # noqa: ANN001
    elders = [i for i in facts.elders if i in facts.profiles]
    younger = [i for i in facts.active if facts.age[i] < 60 and i in facts.profiles]
    for code, (low, high) in CHRONIC_BANDS.items():
        elder_rate = _pct(sum(1 for i in elders if code in facts.diseases[i]), len(elders))
        young_rate = _pct(sum(1 for i in younger if code in facts.diseases[i]), len(younger))
        assert low <= elder_rate <= high, (code, elder_rate)
        if code != "8":
            assert young_rate < elder_rate / 2, (code, young_rate, elder_rate)
    assert not any(facts.diseases[i] & set(codes.CHRONIC_CODES) for i in facts.active if facts.age[i] < 18)
    # More high blood pressure with age.
    by_band = [
        _pct(sum(1 for i in elders if lo <= facts.age[i] <= hi and "2" in facts.diseases[i]),
             sum(1 for i in elders if lo <= facts.age[i] <= hi))
        for lo, hi in ((60, 69), (70, 79), (80, 120))
    ]
    assert by_band == sorted(by_band)


def test_diagnosis_dates_are_plausible(facts) -> None:  # noqa: ANN001
    late_onset = {"2", "3", "4", "5", "6", "7"}
    month = (TODAY - timedelta(days=31)).replace(day=1)
    for c in facts.conditions:
        born = facts.people[c.resident_id].birth_date
        assert c.on_date is not None and c.on_date.day == 1, c.id
        assert c.on_date <= month, c.id
        assert (c.on_date.year, c.on_date.month) >= (born.year, born.month), c.id
        if c.category == "疾病" and c.code in late_onset and facts.age[c.resident_id] >= 60:
            assert (c.on_date.year, c.on_date.month) >= (born.year + 35, born.month), c.id
        else:
            assert age_on(born, c.on_date) >= 17, c.id
    stents = [c for c in facts.conditions if c.name == health_plan.STENT]
    assert stents and all("4" in facts.diseases[c.resident_id] for c in stents)
    categories = Counter(c.category for c in facts.conditions)
    assert set(categories) == set(CONDITION_CATEGORIES)
    assert categories["疾病"] > categories["手术"] > categories["外伤"] > categories["输血"]


def test_family_history(facts) -> None:  # noqa: ANN001
    with_history = {f.resident_id for f in facts.family}
    assert 25 <= _pct(len(with_history), len(facts.profiles)) <= 45
    assert with_history <= set(facts.profiles)
    assert Counter(f.code for f in facts.family).most_common(1)[0][0] == "2"


# --- self-care -----------------------------------------------------------------------------------


def test_self_care_assessments_rise_with_age(facts) -> None:  # noqa: ANN001
    latest = facts.latest_self_care
    assert set(latest) <= facts.elders
    assert 65 <= _pct(len(latest), len(facts.elders)) <= 85, "some elders are not assessed yet"

    def dependent(lo: int, hi: int) -> float:
        group = [i for i in latest if lo <= facts.age[i] <= hi]
        return _pct(sum(1 for i in group if latest[i].total >= codes.DEPENDENT_FROM), len(group))

    assert dependent(60, 69) < dependent(70, 79) < dependent(80, 120)
    assert 18 <= dependent(80, 120) <= 32
    levels = Counter(codes.self_care_level(a.total) for a in latest.values())
    assert _pct(levels["可自理"], len(latest)) >= 80
    assert levels["轻度依赖"] > levels["中度依赖"] > levels["不能自理"] > 0
    options = {name: {score for score, _ in choices} for name, _, choices in codes.SELF_CARE_ITEMS}
    for a in facts.self_care:
        scores = {name: getattr(a, name) for name in options}
        assert all(scores[name] in options[name] for name in options), a.id
        assert a.total == sum(scores.values())
        assert shift_years(facts.people[a.resident_id].birth_date, 60) <= a.assessed_on <= TODAY
        assert a.assessor


# --- visits --------------------------------------------------------------------------------------


def test_visits_are_possible_and_consistent(facts) -> None:  # noqa: ANN001
    first = date(TODAY.year - 1, 1, 1)
    purposes = Counter(v.purpose for v in facts.visits)
    assert set(purposes) == set(VISIT_PURPOSES) and {v.kind for v in facts.visits} == set(VISIT_KINDS)
    care_days = SETTINGS["today.not_visited_days"].default
    for v in facts.visits:
        assert v.resident_id in facts.active
        assert first <= v.visited_on <= TODAY and v.visitor
        if v.purpose != "年度体检":
            assert v.visited_on > TODAY - timedelta(days=365)
        if v.systolic is not None:
            assert 30 <= v.diastolic < v.systolic - 20 and v.systolic <= 260 and v.diastolic <= 160
        if v.glucose_tenths is not None:
            assert 10 <= v.glucose_tenths <= 333
        if v.kind == "电话":
            assert v.systolic is None and v.glucose_tenths is None
        expected = {
            "随访": v.visited_on + timedelta(days=codes.FOLLOW_UP_DAYS),
            "年度体检": shift_years(v.visited_on, 1),
            "关怀": v.visited_on + timedelta(days=care_days),
        }[v.purpose]
        assert v.next_due_on == expected, v.id


def test_follow_ups_about_four_a_year_some_overdue(facts) -> None:  # noqa: ANN001
    patients = facts.patients
    follow_ups = [v for v in facts.visits if v.purpose == "随访"]
    assert {v.resident_id for v in follow_ups} <= patients
    assert 3.5 <= len(follow_ups) / len(patients) <= 4.5
    overdue = 0
    for rid in patients:
        latest = max(facts.visits_of[rid], key=lambda v: (v.visited_on, v.id), default=None)
        if latest is None or latest.next_due_on < TODAY:
            overdue += 1
        series = sorted(v.visited_on for v in facts.visits_of[rid] if v.purpose == "随访")
        assert all(75 <= (b - a).days <= 100 for a, b in zip(series, series[1:])), rid
    assert 5 <= _pct(overdue, len(patients)) <= 11


def test_blood_pressure_and_glucose_fit_the_patients(facts) -> None:  # noqa: ANN001
    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    measured = [v for v in facts.visits if v.systolic is not None]
    hypertensive = [v.systolic for v in measured if "2" in facts.diseases[v.resident_id]]
    others = [v.systolic for v in measured if "2" not in facts.diseases[v.resident_id]]
    assert mean(hypertensive) > mean(others) + 8
    assert 130 <= mean(hypertensive) <= 145 and 115 <= mean(others) <= 130
    glucose = [v for v in facts.visits if v.glucose_tenths is not None]
    diabetic = [v.glucose_tenths for v in glucose if "3" in facts.diseases[v.resident_id]]
    normal = [v.glucose_tenths for v in glucose if "3" not in facts.diseases[v.resident_id]]
    assert mean(diabetic) > 70 and mean(normal) < 61 and max(normal) < 70
    # A follow-up at home measures what the patient is followed for (a phone call measures nothing).
    home_follow_ups = [v for v in facts.visits if v.purpose == "随访" and v.kind == "上门"]
    assert home_follow_ups and all(v.systolic is not None for v in home_follow_ups)
    assert all(v.glucose_tenths is not None for v in home_follow_ups if "3" in facts.diseases[v.resident_id])


def test_yearly_check_for_most_people_65_and_over(facts) -> None:  # noqa: ANN001
    aged = [i for i in facts.active if facts.age[i] >= codes.YEARLY_CHECK_AGE]
    checked = {v.resident_id for v in facts.visits if v.purpose == "年度体检" and v.visited_on.year == TODAY.year}
    assert checked <= set(aged)
    assert 65 <= _pct(len(checked), len(aged)) <= 75


def test_care_calls_every_few_weeks_a_few_elders_not_visited(facts) -> None:  # noqa: ANN001
    calls = [v for v in facts.visits if v.purpose == "关怀"]
    assert {v.resident_id for v in calls} <= facts.targets
    recent, lapsed = 0, 0
    for rid in facts.targets:
        days = sorted(v.visited_on for v in facts.visits_of[rid])
        if days and (TODAY - days[-1]).days < 30:
            recent += 1
        elif not days or (TODAY - days[-1]).days >= 45:
            lapsed += 1
        mine = sorted(v.visited_on for v in facts.visits_of[rid] if v.purpose == "关怀")
        assert all(14 <= (b - a).days <= 35 for a, b in zip(mine, mine[1:])), rid
    assert recent + lapsed == len(facts.targets), "visited in the last four weeks, or not for 45 days"
    assert _pct(recent, len(facts.targets)) >= 93
    assert 0 < lapsed and _pct(lapsed, len(facts.targets)) <= 6
    assert any(not facts.visits_of[rid] for rid in facts.targets), "a very few never visited"
    workers = Counter(v.visitor for v in facts.visits)
    caretakers = {facts.people[c.caretaker_id].name for c in facts.care}
    doctors = {p.family_doctor for p in facts.profiles.values()} - {""}
    staff = set(workers) - caretakers - doctors
    assert 10 <= len(staff) <= 20, "visitors are the community's workers, doctors and caretakers"


# --- care and contacts ---------------------------------------------------------------------------


def test_most_care_targets_have_a_caretaker_holding_a_post_over_them(facts) -> None:  # noqa: ANN001
    active = [c for c in facts.care if c.end_on is None]
    elders = Counter(c.elder_id for c in active)
    assert set(elders.values()) == {1}, "one current caretaker per elder"
    assert set(elders) <= facts.targets
    assert 92 <= _pct(len(elders), len(facts.targets)) <= 98, "a few targets have nobody yet"
    posts = defaultdict(list)
    for role in facts.roles:
        posts[role.resident_id].append(role)
    roles = Counter()
    for c in facts.care:
        assert c.caretaker_id != c.elder_id and c.caretaker_id in facts.active
        assert c.start_on <= TODAY and (c.end_on is None or c.start_on <= c.end_on <= TODAY)
        home = facts.homes[facts.people[c.elder_id].household_id]
        grid = facts.grid_of_building[home.building_id]
        held = [
            r for r in posts[c.caretaker_id]
            if r.start_on <= c.start_on and (r.end_on is None or c.start_on <= r.end_on)
            and (r.unit_id == home.unit_id if r.role == "单元长" else
                 r.building_id == home.building_id if r.role == "楼栋长" else r.grid_id == grid)
        ]
        assert held, c.id
        roles[held[0].role] += c.end_on is None
    assert roles["单元长"] > roles["楼栋长"] > 0 and roles["网格长"] > 0
    assert any(c.end_on is not None for c in facts.care), "a handover to a new 单元长 stays as history"


def test_emergency_contacts_for_most_elders(facts) -> None:  # noqa: ANN001
    per = Counter(c.resident_id for c in facts.contacts)
    assert set(per) <= facts.elders and set(per.values()) <= {1, 2}
    assert 75 <= _pct(len(per), len(facts.elders)) <= 85
    positions = defaultdict(list)
    for c in facts.contacts:
        positions[c.resident_id].append(c.position)
        assert re.fullmatch(r"1\d{10}", c.phone) and c.phone[:3] in MOBILE_PREFIXES, c.phone
        assert 2 <= len(c.name) <= 5
        assert c.relation in ("儿子", "女儿", "侄子", "侄女", "外甥", "外甥女")
    assert all(p == list(range(1, len(p) + 1)) for p in positions.values())
    relations = Counter(c.relation for c in facts.contacts)
    assert relations["儿子"] > 0.3 * len(facts.contacts) and relations["女儿"] > 0.3 * len(facts.contacts)


# --- codes and keys --------------------------------------------------------------------------------


def test_every_code_is_in_its_table(facts) -> None:  # noqa: ANN001
    single = {
        "blood_type": codes.blood_type(), "rh": codes.rh(), "marital_code": codes.marital(),
        "kitchen_code": codes.kitchen(), "fuel_code": codes.fuel(), "water_code": codes.water(),
        "toilet_code": codes.toilet(), "livestock_code": codes.livestock(),
    }
    multi = {"payment": codes.payment(), "allergies": codes.allergy(), "exposures": codes.exposure(),
             "disabilities": codes.disability()}
    for p in facts.profiles.values():
        for name, table in single.items():
            assert getattr(p, name) in table, (name, getattr(p, name))
        assert p.education_code in codes.education() or (p.education_code == "" and facts.age[p.resident_id] < 6)
        for name, table in multi.items():
            values = getattr(p, name)
            assert values and all(v in table for v in values) and len(set(values)) == len(values), (name, values)
            assert codes.NONE_CODE not in values or values == [codes.NONE_CODE] or name == "payment"
        assert ("5" in p.allergies) == bool(p.allergy_other)
        assert ("8" in p.disabilities) == bool(p.disability_other)
        assert len(p.medication) <= 500
    for c in facts.conditions:
        if c.category == "疾病":
            assert c.code in codes.disease() and c.code != codes.NONE_CODE, c.code
            assert bool(c.name) == (c.code in ("6", "13")), c.id
        else:
            assert c.code == "" and c.name
    for f in facts.family:
        assert f.relative in RELATIVES and f.code in codes.family_disease() and f.code != codes.NONE_CODE


def test_summary_counts_the_health_data(facts, demo: tuple[DataDir, DemoSummary]) -> None:  # noqa: ANN001
    summary = demo[1]
    assert summary.health_profiles == len(facts.profiles)
    assert summary.health_visits == len(facts.visits)
    assert summary.care_assignments == sum(1 for c in facts.care if c.end_on is None)
    assert summary.without_caretaker == len(facts.targets) - summary.care_assignments > 0
    assert summary.contacts == len(facts.contacts)
    assert f"健康档案 {summary.health_profiles} 份" in summary.describe()


def test_foreign_keys_hold(demo_db: Database) -> None:
    with demo_db.reader() as s:
        for table in ("health_profile", "health_condition", "health_family_history", "health_self_care",
                      "health_visit", "care_assignment", "resident_contact"):
            assert s.execute(text(f"PRAGMA foreign_key_check({table})")).all() == [], table
        assert s.scalar(select(func.count()).select_from(HealthVisit)) > 20000


def test_the_health_service_accepts_the_demo_profiles_as_they_are(demo_db: Database, facts) -> None:  # noqa: ANN001
    """Every seventh profile, read by the service and checked again: nothing to clean, nothing refused."""
    with demo_db.reader() as s:
        for rid in sorted(facts.profiles)[::7]:
            stored = profiles.get_profile(s, rid, today=TODAY).data
            assert profiles.validate_profile(s, stored, resident_id=rid, today=TODAY) == stored, rid


def test_the_statistics_agree_with_the_due_lists(demo_db: Database, demo: tuple[DataDir, DemoSummary]) -> None:
    """On the demo, the health screen's rates and the today list's worklists count the same people."""
    with demo_db.reader() as s:
        stats = health_statistics(s, TODAY)
        targets = care_targets(s, TODAY)
        unvisited = due.not_visited(s, TODAY, SETTINGS["today.not_visited_days"].default)
        unchecked = due.yearly_check_due(s, TODAY)
    summary = demo[1]
    assert sum(row.residents for row in stats.chronic_by_grid) == summary.residents
    assert sum(row.aged_60_plus for row in stats.chronic_by_grid) == summary.aged_60_plus == sum(stats.dependency.values())
    assert sum(row.with_profile for row in stats.chronic_by_grid) == summary.health_profiles
    assert stats.care_targets == len(targets)
    assert stats.care_targets - stats.care_targets_visited == len(unvisited) > 0
    assert stats.aged_65_plus - stats.yearly_checks_done == len(unchecked) > 0
    assert 0.85 <= stats.follow_up_on_time / stats.follow_up_patients <= 0.95
