"""The demo's 乐龄食堂: about 90 elders signed up (about 35 of them lone elders of 75 and over who get
their meals delivered on three routes), most taking lunch and many both meals, and every meal
served over the past year at 7 yuan (700 fen), with the days someone did not come (ill, away at a
child's, in hospital). Today's meals are not recorded yet: the day's list is still to be served.

A few people stopped during the year (moved to a child's, a care home); a few who used to eat in
get their meals delivered now (the eat-in membership ends the day the delivery starts: a
membership is in force from ``start_on`` to the day before ``end_on``, as ``canteen.queries``
reads it). Drawn from its own random stream (seed, community, "canteen").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from chang_shan.codes import HEAD_RELATION
from chang_shan.db.models import CanteenMeal, CanteenMember
from chang_shan.db.models.canteen import MEALS
from chang_shan.demo.health import SPOUSES
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.sampling import _random_day
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

MEAL_PRICE_FEN = 700  # the setting canteen.meal_price's default, 7.00 yuan
DELIVERED = 35  # lone elders of DELIVERY_AGE and over
DELIVERY_AGE = 75
EAT_IN = 55
SWITCHED = 3  # of the delivered: ate in until some time this year
STOPPED = 8  # stopped during the year
# Routes by building number (the 平房区 is on the third).
ROUTES = ((range(1, 5), "一号线（1–4号楼）"), (range(5, 9), "二号线（5–8号楼）"), (range(9, 101), "三号线（9–11号楼、平房区）"))
STOP_NOTES = ("随子女到外地居住", "入住养老院", "自行做饭，不再用餐", "住院治疗，停餐")
SWITCH_NOTE = "行动不便，由堂食改为送餐"
LUNCH_ONLY_OR_BOTH = {"送餐": 0.8, "堂食": 0.7}  # share taking dinner as well
MISSED = 0.04  # a meal someone does not come for (or is not home for the delivery)


@dataclass
class _Membership:
    person: _Person
    mode: str
    lunch: bool
    dinner: bool
    route: str
    start: date
    end: date | None = None
    note: str = ""
    away: set[date] = field(default_factory=set)


def _couple(a: _Person, b: _Person) -> bool:
    """The head of the household and their spouse (GB/T 4761: 02 户主, 10/11/12 配偶)."""
    relations = {a.relation, b.relation}
    return HEAD_RELATION in relations and bool(relations.intersection(SPOUSES))


def _route(plan: _HouseholdPlan, prefix: str) -> str:
    number = plan.dwelling.building_number or 100
    return prefix + next(name for numbers, name in ROUTES if number in numbers)


class _CanteenMixin(_Base):
    def _canteen(self, index: int, households: list[_HouseholdPlan]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/canteen")
        prefix = "" if index == 0 else f"{index + 1}区"
        opened = shift_years(self.today, -5)  # the canteen has served for five years
        window = shift_years(self.today, -1) + timedelta(days=1)
        settled = self.today - timedelta(days=120)  # newcomers are not members yet
        elders = [(p, plan) for plan in households for p in plan.people
                  if p.status == "在册" and p.birth <= self.sixty_cutoff and p.moved_in_on <= settled]
        delivery_cut = shift_years(self.today, -DELIVERY_AGE)
        lone = [(p, plan) for p, plan in elders if "独居" in p.groups and p.birth <= delivery_cut]
        delivered = rng.sample(lone, DELIVERED)
        taken = {p.id for p, _ in delivered}
        weights = [2.0 if "独居" in p.groups else (1.5 if p.age >= 70 else 1.0) for p, _ in elders]
        chosen: list[tuple[_Person, _HouseholdPlan]] = []
        while len(chosen) < EAT_IN + STOPPED:
            person, plan = rng.choices(elders, weights)[0]
            if person.id in taken:
                continue
            taken.add(person.id)
            chosen.append((person, plan))
            spouse = next((p for p in plan.people if p is not person and p.status == "在册" and p.age >= 60
                           and p.id not in taken and _couple(p, person)), None)
            if spouse is not None and rng.random() < 0.5 and len(chosen) < EAT_IN + STOPPED:
                taken.add(spouse.id)
                chosen.append((spouse, plan))

        memberships = []
        for n, (person, plan) in enumerate(delivered):
            start = self._joined(rng, person, opened, window)
            route = _route(plan, prefix)
            if n < SWITCHED:
                eat_in_from = start
                start = _random_day(rng, max(window, start + timedelta(days=30)), self.today - timedelta(days=20))
                memberships.append(self._membership(rng, person, "堂食", "", eat_in_from, end=start, note="改为送餐"))
                memberships.append(self._membership(rng, person, "送餐", route, start, note=SWITCH_NOTE))
            else:
                memberships.append(self._membership(rng, person, "送餐", route, start))
        for n, (person, plan) in enumerate(chosen):
            start = self._joined(rng, person, opened, window)
            if n < STOPPED:
                end = _random_day(rng, max(window, start + timedelta(days=30)), self.today - timedelta(days=1))
                memberships.append(self._membership(rng, person, "堂食", "", start, end=end, note=rng.choice(STOP_NOTES)))
            else:
                memberships.append(self._membership(rng, person, "堂食", "", start))
        self._write_canteen(rng, memberships, window)

    def _joined(self, rng: random.Random, person: _Person, opened: date, window: date) -> date:
        """When the person signed up: seven in ten before the past year, the others during it."""
        first = max(opened, person.moved_in_on, shift_years(person.birth, 60))
        if first < window and rng.random() < 0.7:
            return _random_day(rng, first, window - timedelta(days=1))
        return _random_day(rng, max(first, window), self.today - timedelta(days=60))

    def _membership(self, rng: random.Random, person: _Person, mode: str, route: str, start: date, *,
                    end: date | None = None, note: str = "") -> _Membership:
        lunch = rng.random() < 0.95
        dinner = not lunch or rng.random() < LUNCH_ONLY_OR_BOTH[mode]
        member = _Membership(person, mode, lunch, dinner, route, start, end, note)
        if rng.random() < 0.5:  # away for a while: in hospital, at a child's
            for _ in range(1 if rng.random() < 0.7 else 2):
                first = _random_day(rng, self.today - timedelta(days=364), self.today - timedelta(days=1))
                member.away.update(first + timedelta(days=i) for i in range(rng.randint(3, 14)))
        return member

    def _write_canteen(self, rng: random.Random, memberships: list[_Membership], window: date) -> None:
        memberships.sort(key=lambda m: (m.start, m.person.id))
        rows = [
            {"id": self._ids("canteen_member"), "resident_id": m.person.id, "mode": m.mode, "lunch": m.lunch,
             "dinner": m.dinner, "route": m.route, "start_on": m.start, "end_on": m.end, "note": m.note}
            for m in memberships
        ]
        self._insert(CanteenMember.__table__, rows)
        active = [m for m in memberships if m.end is None]
        self.counts["canteen_members"] += len(active)
        self.counts["canteen_delivered"] += sum(1 for m in active if m.mode == "送餐")
        days = [window + timedelta(days=i) for i in range((self.today - window).days)]  # today: not yet
        served = []  # (day index, meal, membership index): drawn member by member, written day by day
        for n, m in enumerate(memberships):
            first = max(0, (m.start - window).days)
            last = len(days) if m.end is None else min(len(days), (m.end - window).days)
            for meal in (0, 1) if m.lunch and m.dinner else (0,) if m.lunch else (1,):
                served += [(i, meal, n) for i in range(first, last)
                           if days[i] not in m.away and rng.random() >= MISSED]
        served.sort()
        first_id = self._ids("canteen_meal", len(served))
        meals = [{"id": first_id + k, "resident_id": m.person.id, "on_date": days[i], "meal": MEALS[meal],
                  "mode": m.mode, "route": m.route, "price_fen": MEAL_PRICE_FEN}
                 for k, (i, meal, m) in enumerate((i, meal, memberships[n]) for i, meal, n in served)]
        self._insert(CanteenMeal.__table__, meals)
        self.counts["canteen_meals"] += len(meals)
