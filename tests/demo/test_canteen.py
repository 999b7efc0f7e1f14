"""The demo's 乐龄食堂: who eats there and how, and a year of meals that each fit a membership."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import CanteenMeal, CanteenMember, Household, Resident, ResidentGroup
from chang_shan.demo.builder import DemoSummary
from chang_shan.maintenance.stats import shift_years
from chang_shan.paths import DataDir
from tests.demo.reading import demo_session
from tests.demo.template import TODAY

ROUTES = {"一号线（1–4号楼）", "二号线（5–8号楼）", "三号线（9–11号楼、平房区）"}


@pytest.fixture(scope="module")
def facts(demo: tuple[DataDir, DemoSummary]):  # noqa: ANN201
    with demo_session(demo) as s:
        return {
            "members": list(s.scalars(select(CanteenMember).order_by(CanteenMember.id))),
            "people": {r.id: r for r in s.execute(select(Resident.id, Resident.birth_date, Resident.status,
                                                         Resident.moved_in_on, Resident.household_id))},
            "lone": set(s.scalars(select(ResidentGroup.resident_id).where(ResidentGroup.group == "独居"))),
            "buildings": dict(s.execute(select(Household.id, Household.building_id)).all()),
        }


def test_about_ninety_members_a_third_delivered(facts, demo: tuple[DataDir, DemoSummary]) -> None:  # noqa: ANN001
    members, people = facts["members"], facts["people"]
    active = [m for m in members if m.end_on is None]
    delivered = [m for m in active if m.mode == "送餐"]
    assert 85 <= len(active) <= 95 and 30 <= len(delivered) <= 40
    assert (len(active), len(delivered)) == (demo[1].canteen_members, demo[1].canteen_delivered)
    seventy_five, sixty = shift_years(TODAY, -75), shift_years(TODAY, -60)
    for m in delivered:  # lone elders of 75 and over, on one of three routes
        assert m.resident_id in facts["lone"] and people[m.resident_id].birth_date <= seventy_five
        assert m.route in ROUTES
    assert {m.route for m in delivered} == ROUTES
    # A route serves the buildings its name says: one building is on one route only.
    routes_of_building = defaultdict(set)
    for m in delivered:
        routes_of_building[facts["buildings"][people[m.resident_id].household_id]].add(m.route)
    assert all(len(routes) == 1 for routes in routes_of_building.values())
    assert all(m.route == "" for m in members if m.mode == "堂食")
    assert all(people[m.resident_id].birth_date <= sixty and people[m.resident_id].status == "在册" for m in members)
    assert sum(m.lunch for m in active) >= 0.9 * len(active)
    assert sum(m.lunch and m.dinner for m in active) >= 0.6 * len(active)
    assert all(m.lunch or m.dinner for m in members)


def test_one_membership_at_a_time(facts) -> None:  # noqa: ANN001
    by_person = defaultdict(list)
    for m in facts["members"]:
        assert m.end_on is None or m.end_on > m.start_on
        assert m.start_on >= facts["people"][m.resident_id].moved_in_on and m.start_on <= TODAY
        by_person[m.resident_id].append(m)
    for spells in by_person.values():
        spells.sort(key=lambda m: m.start_on)
        assert sum(1 for m in spells if m.end_on is None) <= 1
        for before, after in zip(spells, spells[1:], strict=False):
            assert before.end_on is not None and before.end_on <= after.start_on
    ended = [m for m in facts["members"] if m.end_on is not None]
    assert 5 <= len(ended) <= 20 and all(m.note for m in ended)
    switched = [spells for spells in by_person.values() if len(spells) > 1]
    assert switched and all([m.mode for m in spells] == ["堂食", "送餐"] for spells in switched)


def test_a_year_of_meals_each_within_a_membership(demo_db: Database, demo: tuple[DataDir, DemoSummary]) -> None:
    meal, member = CanteenMeal.__table__, CanteenMember.__table__
    takes = ((meal.c.meal == "午餐") & member.c.lunch) | ((meal.c.meal == "晚餐") & member.c.dinner)
    fits = (select(1).where(member.c.resident_id == meal.c.resident_id, member.c.start_on <= meal.c.on_date,
                            (member.c.end_on.is_(None)) | (member.c.end_on > meal.c.on_date), takes,
                            member.c.mode == meal.c.mode, member.c.route == meal.c.route).exists())
    with demo_db.reader() as s:
        total, first, last, prices = s.execute(select(func.count(), func.min(meal.c.on_date), func.max(meal.c.on_date),
                                                      func.group_concat(meal.c.price_fen.distinct()))).one()
        misfits = s.scalar(select(func.count()).select_from(meal).where(~fits))
        per_day = dict(s.execute(select(meal.c.on_date, func.count()).group_by(meal.c.on_date)).all())
        delivered = s.scalar(select(func.count()).select_from(meal).where(meal.c.mode == "送餐"))
    assert 40_000 <= total <= 65_000 and total == demo[1].canteen_meals
    assert first == shift_years(TODAY, -1) + timedelta(days=1) and last == TODAY - timedelta(days=1)  # today: not yet
    assert prices == "700" and misfits == 0
    assert len(per_day) == (TODAY - first).days and 0.3 <= delivered / total <= 0.5
    # A few absences: the meals served are most, not all, of those the members take.
    expected = 0
    with demo_db.reader() as s:
        for m in s.scalars(select(CanteenMember)):
            start = max(m.start_on, first)
            end = min(m.end_on or TODAY, TODAY)
            expected += max(0, (end - start).days) * (m.lunch + m.dinner)
    assert 0.88 <= total / expected <= 0.98
