"""The demo's 居民健康库: health profiles (个人基本信息表), past diseases, operations and family
history, self-care assessments; then care assignments and contacts (``care``) and the visits of
the past year (``visits``).

Rates and material are in ``health_plan``. Everything is drawn from its own random stream
(seed, community, "health"), so the places and people come out as they did before health data
existed, and the same seed and day give the same health data.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from chang_shan.db.models import HealthCondition, HealthFamilyHistory, HealthProfile, HealthSelfCare
from chang_shan.demo import health_plan as H
from chang_shan.demo.care import _CareMixin
from chang_shan.demo.households import _Family, _Person
from chang_shan.demo.identity import _mobile
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.demo.visits import _VisitsMixin
from chang_shan.health.codes import SELF_CARE_ITEMS, SELF_CARE_LEVELS, self_care_level
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

DOCTORS = 6  # 家庭医生 of the community's 卫生服务站
WORKERS = 20  # community workers: two 网格员 per grid
SPOUSES = ("10", "11", "12")
IN_LAWS = ("28", "38")


def _band(table: tuple[tuple[int, Any], ...], age: int) -> Any:
    """The value of the first ``(up_to_age, value)`` row that covers ``age``."""
    return next(value for up_to, value in table if age <= up_to)


@cache
def _tumour_sites(sex: str) -> tuple[tuple[str, float], ...]:
    return tuple((name, weight) for name, weight, only in H.TUMOUR_SITES if only in ("", sex))


@cache
def _self_care_combinations() -> dict[str, tuple[list[tuple[int, ...]], list[float]]]:
    """Every combination of the five item scores, grouped by level, with how likely it is."""
    fields = [name for name, _, _ in SELF_CARE_ITEMS]
    scores = [[score for score, _ in options] for _, _, options in SELF_CARE_ITEMS]
    grouped: dict[str, tuple[list[tuple[int, ...]], list[float]]] = {level: ([], []) for level in SELF_CARE_LEVELS}
    for values in itertools.product(*scores):
        weight = math.prod(H.SELF_CARE_SCORE_WEIGHTS[f][v] for f, v in zip(fields, values, strict=True))
        if sum(values) == 0:
            weight *= 6  # most people who manage alone score nothing at all
        combos, weights = grouped[self_care_level(sum(values))]
        combos.append(values)
        weights.append(weight)
    return grouped


class _Staff:
    """The community's family doctors (name, mobile) and workers, made up per community."""

    def __init__(self, rng: random.Random, name_for) -> None:  # noqa: ANN001 - _IdentityMixin._name
        taken: set[str] = set()

        def new_name(age_lo: int, age_hi: int) -> str:
            while True:
                person = _Person(rng.choice("12"), rng.randint(age_lo, age_hi), "", _Family(rng, "01").surname(), "01")
                name = name_for(rng, person)
                if name not in taken:
                    taken.add(name)
                    return name

        self.doctors = [(new_name(35, 55), _mobile(rng)) for _ in range(DOCTORS)]
        self.workers = [new_name(24, 50) for _ in range(WORKERS)]

    def doctor_of_grid(self, grid_index: int) -> tuple[str, str]:
        return self.doctors[grid_index * len(self.doctors) // 10 % len(self.doctors)]

    def worker_of_grid(self, rng: random.Random, grid_index: int) -> str:
        return self.workers[(2 * grid_index + rng.randrange(2)) % len(self.workers)]


class _HealthMixin(_CareMixin, _VisitsMixin, _Base):
    def _health(self, index: int, households: list, grid_ids: list[int]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/health")
        people = [
            H._Resident(person, plan, grid_ids[plan.dwelling.grid_index], lone="独居" in person.groups)
            for plan in households for person in plan.people if person.status == "在册"
        ]
        staff = _Staff(rng, self._name)
        self._archive(rng, people, staff)
        self._care(rng, people)
        self._visits(rng, people, staff)

    # --- the archive ---------------------------------------------------------------------------

    def _archive(self, rng: random.Random, people: list[H._Resident], staff: _Staff) -> None:
        profiles, conditions, family, assessments = [], [], [], []
        environment: dict[int, dict[str, str]] = {}
        for r in people:
            person = r.person
            chance = H.PROFILE_DISABLED if "残疾" in person.groups else _band(H.PROFILE_BY_AGE, person.age)
            if rng.random() >= chance:
                continue
            r.profile = True
            self._diseases(rng, r, conditions)
            signed = 0.95 if r.follow_up else (0.8 if person.age >= 60 else 0.35)
            if rng.random() < signed:
                r.doctor = staff.doctor_of_grid(r.plan.dwelling.grid_index)
            if r.plan.id not in environment:
                environment[r.plan.id] = self._environment(rng, r)
            profiles.append(self._profile_row(rng, r, environment[r.plan.id]))
            self._family_history(rng, r, family)
            if person.age >= 60:
                self._self_care(rng, r, staff, assessments)
        self._insert(HealthProfile.__table__, profiles)
        self._insert(HealthCondition.__table__, conditions)
        self._insert(HealthFamilyHistory.__table__, family)
        self._insert(HealthSelfCare.__table__, assessments)
        self.counts["health_profiles"] += len(profiles)

    def _onset(self, rng: random.Random, birth: date, lo_age: int, hi_age: int) -> date:
        """A month (day 1) when the person was between ``lo_age`` and ``hi_age``, a month ago at the latest."""
        lo_age = min(lo_age, hi_age)
        day = shift_years(birth, rng.randint(lo_age, hi_age)) + timedelta(days=rng.randrange(365))
        day = max(birth, min(day, self.today - timedelta(days=31)))
        return day.replace(day=1)

    def _condition(self, r: H._Resident, category: str, on: date, code: str = "", name: str = "") -> dict[str, Any]:
        return {
            "id": self._ids("health_condition"), "resident_id": r.person.id, "category": category,
            "code": code, "name": name, "on_date": on, "note": "",
        }

    def _diseases(self, rng: random.Random, r: H._Resident, rows: list[dict[str, Any]]) -> None:
        person, age = r.person, r.person.age
        if age >= 60:
            rates, factor = H.ELDER_RATES, _band(H.ELDER_GRADIENT, age)
        elif age >= 40:
            rates, factor = H.MIDDLE_RATES, 1.0
        elif age >= 18:
            rates, factor = H.YOUNG_RATES, 1.0
        else:
            return
        flat = (H.MENTAL, H.TB, H.HEPATITIS)
        adjusted = {code: rate if code in flat else min(0.95, rate * factor) for code, rate in rates}
        for code, rate in adjusted.items():
            if code == H.HYPERTENSION and H.STROKE in adjusted:
                stroke = adjusted[H.STROKE]
                if H.STROKE in r.diseases:
                    rate = H.STROKE_HYPERTENSIVE
                else:
                    rate = max(0.0, (rate - stroke * H.STROKE_HYPERTENSIVE) / (1 - stroke))
            if rng.random() >= rate:
                continue
            if code in (H.MENTAL, H.TB):
                lo, hi = 18, min(age, 40)
            elif code == H.HEPATITIS:
                lo, hi = 20, min(age, 50)
            elif code in (H.CANCER, H.STROKE):
                lo, hi = max(35 if age >= 40 else 18, age - 15), age
            else:
                lo, hi = max(35 if age >= 40 else 18, age - 30), age
            on = self._onset(rng, person.birth, lo, hi)
            r.diseases[code] = on
            name = ""
            if code == H.CANCER:
                name = _weighted(rng, _tumour_sites(person.sex))
            rows.append(self._condition(r, "疾病", on, code, name))
        scale = 1.0 if age >= 60 else (0.33 if age >= 40 else 0.0)
        for name, rate in H.OTHER_DISEASES:
            if name == "前列腺增生" and person.sex != "1":
                continue
            if rng.random() < rate * scale:
                rows.append(self._condition(r, "疾病", self._onset(rng, person.birth, max(40, age - 20), age),
                                            H.OTHER, name))
        if age >= 70 and rng.random() < _band(H.DEMENTIA_RATE, age):
            r.dementia = True
            rows.append(self._condition(r, "疾病", self._onset(rng, person.birth, max(65, age - 8), age),
                                        H.OTHER, rng.choice(H.DEMENTIA)))
        self._operations(rng, r, rows)

    def _operations(self, rng: random.Random, r: H._Resident, rows: list[dict[str, Any]]) -> None:
        person, age = r.person, r.person.age
        if H.CHD in r.diseases and rng.random() < 0.3:
            on = _random_day(rng, r.diseases[H.CHD], self.today - timedelta(days=31)).replace(day=1)
            rows.append(self._condition(r, "手术", max(on, r.diseases[H.CHD]), name=H.STENT))
        if rng.random() < (0.15 if age >= 60 else 0.06):
            options = [(n, w, y) for n, w, sex, y in H.OPERATIONS if sex in ("", person.sex) and y <= age]
            name, _, youngest = rng.choices(options, [w for _, w, _ in options])[0]
            on = self._onset(rng, person.birth, max(18, youngest), age)
            rows.append(self._condition(r, "手术", on, name=name))
            if rng.random() < 0.08:
                rows.append(self._condition(r, "输血", on, name=H.TRANSFUSION))
        if rng.random() < (0.04 if age >= 60 else 0.02):
            rows.append(self._condition(r, "外伤", self._onset(rng, person.birth, 18, age), name=rng.choice(H.INJURIES)))

    def _family_history(self, rng: random.Random, r: H._Resident, rows: list[dict[str, Any]]) -> None:
        if rng.random() >= 0.35:
            return
        seen: set[tuple[str, str]] = set()
        for _ in range(1 if rng.random() < 0.7 else 2):
            key = (_weighted(rng, H.FAMILY_RELATIVES), _weighted(rng, H.FAMILY_DISEASES))
            if key not in seen:
                seen.add(key)
                rows.append({"resident_id": r.person.id, "relative": key[0], "code": key[1]})

    def _self_care(self, rng: random.Random, r: H._Resident, staff: _Staff, rows: list[dict[str, Any]]) -> None:
        person, age = r.person, r.person.age
        if not r.dementia and rng.random() >= 0.9:
            return  # not assessed yet
        chance = _band(H.DEPENDENT_BY_AGE, age) * (2 if H.STROKE in r.diseases else 1)
        if r.dementia or rng.random() < chance:
            level = _weighted(rng, H.DEPENDENT_LEVELS_90 if age >= 90 else H.DEPENDENT_LEVELS)
        else:
            level = SELF_CARE_LEVELS[0]
        sixty = shift_years(person.birth, 60)
        latest = _random_day(rng, max(sixty, self.today - timedelta(days=330)), self.today)
        assessor = (r.doctor or rng.choice(staff.doctors))[0]
        dates_levels = [(latest, level)]
        previous = latest - timedelta(days=rng.randint(330, 400))
        if previous >= sixty and rng.random() < 0.35:
            better = SELF_CARE_LEVELS[max(0, SELF_CARE_LEVELS.index(level) - rng.randint(0, 1))]
            dates_levels.append((previous, better))
        for on, lvl in reversed(dates_levels):
            combos, weights = _self_care_combinations()[lvl]
            values = rng.choices(combos, weights)[0]
            row = {name: v for (name, _, _), v in zip(SELF_CARE_ITEMS, values, strict=True)}
            rows.append({
                "id": self._ids("health_self_care"), "resident_id": person.id, "assessed_on": on, **row,
                "total": sum(values), "assessor": assessor, "note": "",
            })
        r.self_care = sum(rows[-1][name] for name, _, _ in SELF_CARE_ITEMS)

    # --- the profile page ----------------------------------------------------------------------

    def _environment(self, rng: random.Random, r: H._Resident) -> dict[str, str]:
        if r.plan.dwelling.unit_id is not None:
            kitchen, fuel, toilet, livestock = _weighted(rng, H.FLAT_KITCHEN), _weighted(rng, H.FLAT_FUEL), "1", "1"
        else:
            kitchen, fuel = _weighted(rng, H.HOUSE_KITCHEN), _weighted(rng, H.HOUSE_FUEL)
            toilet, livestock = _weighted(rng, H.HOUSE_TOILET), "4" if rng.random() < 0.03 else "1"
        return {"kitchen_code": kitchen, "fuel_code": fuel, "water_code": "1", "toilet_code": toilet,
                "livestock_code": livestock}

    def _profile_row(self, rng: random.Random, r: H._Resident, environment: dict[str, str]) -> dict[str, Any]:
        person, age = r.person, r.person.age
        if rng.random() < H.BLOOD_UNKNOWN:
            blood, rh = "5", "3"
        else:
            blood, rh = _weighted(rng, H.BLOOD_TYPES), "1" if rng.random() < H.RH_NEGATIVE else "2"
        if person.residence_type == "流动":
            payment = [_weighted(rng, H.PAYMENT_MIGRANT)]
        elif age < 18:
            payment = ["2"]
        else:
            payment = [_weighted(rng, H.PAYMENT_ELDER if age >= 60 else H.PAYMENT_ADULT)]
        if person.groups & {"低保", "特困"}:
            payment.append("4")
        if 18 <= age < 60 and rng.random() < 0.06:
            payment.append("5")
        allergy = _weighted(rng, H.ALLERGIES)
        disabilities, disability_other = ["1"], ""
        if "残疾" in person.groups:
            disabilities = ["7"] if H.MENTAL in r.diseases else sorted(
                {_weighted(rng, H.DISABILITIES) for _ in range(1 if rng.random() < 0.85 else 2)}, key=int
            )
            disability_other = H.DISABILITY_OTHER if "8" in disabilities else ""
        r.wandering = r.dementia and rng.random() < _band(H.WANDERING_IF_DEMENTIA, age)
        doctor_name, doctor_phone = r.doctor or ("", "")
        return {
            "resident_id": person.id, "blood_type": blood, "rh": rh, "payment": sorted(payment, key=int),
            "payment_other": "", "allergies": [allergy],
            "allergy_other": rng.choice(H.ALLERGY_OTHER) if allergy == "5" else "",
            "exposures": ["1"], "exposure_note": "", "genetic_disease": "",
            "disabilities": disabilities, "disability_other": disability_other,
            "marital_code": self._marital(rng, r), "education_code": self._education(rng, age),
            **environment,
            "family_doctor": doctor_name, "family_doctor_phone": doctor_phone,
            "medication": self._medication(rng, r), "wandering_risk": r.wandering, "note": "",
            "updated_at": self.now, "version": 1,
        }

    def _medication(self, rng: random.Random, r: H._Resident) -> str:
        lines = []
        for code in sorted(r.diseases, key=int):
            if code in H.MEDICINES:
                line = rng.choice(H.MEDICINES[code])
                if code == H.HYPERTENSION and rng.random() < 0.08:
                    line += H.IRREGULAR
                if line not in lines:
                    lines.append(line)
        if r.dementia:
            lines.append(rng.choice(H.MEDICINES["dementia"]))
        return "；".join(lines)

    def _marital(self, rng: random.Random, r: H._Resident) -> str:
        person, age = r.person, r.person.age
        others = {p.relation for p in r.plan.people if p is not person and p.status == "在册"}
        if age < 20:
            return "1"
        married = (
            person.relation in SPOUSES + IN_LAWS
            or (person.relation == "02" and others & set(SPOUSES))
            or (person.relation[0] in "23" and others & set(IN_LAWS))
            or (person.relation[0] == "5" and sum(1 for p in r.plan.people
                                                  if p.relation[0] == "5" and p.status == "在册") == 2)
        )
        if married:
            return "2"
        if person.relation[0] == "5" or (age >= 60 and person.relation == "02"):
            return _weighted(rng, (("3", 80), ("4", 14), ("1", 6)))
        if person.relation == "99" or age < 30:
            return "1"
        return _weighted(rng, (("1", 55), ("4", 40), ("3", 5)))

    def _education(self, rng: random.Random, age: int) -> str:
        if age >= 60:
            code = _weighted(rng, H.EDUCATION_ELDER)
            return "90" if age >= 85 and rng.random() < 0.15 else code
        if age >= 31:
            return _weighted(rng, H.EDUCATION_MIDDLE)
        if age >= 22:
            return _weighted(rng, H.EDUCATION_YOUNG)
        return _band(((5, ""), (12, "80"), (15, "70"), (18, "60"), (200, "30")), age)
