"""Statistics of the 居民健康库 screen: chronic conditions by grid, dependency levels of the elders,
and how well visits cover those who need them.

All counts are of residents 在册 that the actor may see (a 网格员: the residents and grids of their
grids), ages counted on ``on``. Two grouped SQL queries make them, whatever the size of the
community: one pass over the residents (joined to each one's latest self-care assessment, groups
and visit flags) grouped by grid and self-care total, and one over the 既往史 grouped by grid and
disease:

- ``chronic_by_grid``: per grid, residents, those 60+, those with a health profile, and per
  chronic 既往史 disease (``CHRONIC_CODES``) how many residents have it, and how many have any;
- ``dependency``: the elders 60+ by the level of their latest self-care assessment on or before
  ``on`` (``SELF_CARE_LEVELS``), and ``未评估`` for those never assessed;
- ``care_targets`` / ``care_targets_visited``: elders 60+ living alone (独居) or dependent (latest
  total ``DEPENDENT_FROM`` or more), and those visited (any kind of visit) within the not-visited
  days of the settings (``today.not_visited_days``) — the complement of the today list's 久未走访;
- ``follow_up_patients`` / ``follow_up_on_time``: residents with a disease followed up
  (``FOLLOW_UP_CODES``), and those with a 随访 or a 年度体检 (which the 规范 lets stand for a
  follow-up) within ``FOLLOW_UP_DAYS``;
- ``aged_65_plus`` / ``yearly_checks_done``: residents 65+ (``YEARLY_CHECK_AGE``), and those with a
  年度体检 in ``on``'s calendar year.

"Within N days" means the N days ending on ``on`` (a visit exactly N days before ``on`` is one day
too old), as in the due lists. Needs ``Perm.HEALTH``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.care.queries import ELDER_AGE, LONE, aged_at_least, latest_rows
from chang_shan.db.models import (
    Building,
    Grid,
    HealthCondition,
    HealthProfile,
    HealthSelfCare,
    HealthVisit,
    Household,
    Resident,
    ResidentGroup,
)
from chang_shan.health.codes import (
    CHRONIC_CODES,
    DEPENDENT_FROM,
    FOLLOW_UP_CODES,
    FOLLOW_UP_DAYS,
    SELF_CARE_LEVELS,
    YEARLY_CHECK_AGE,
    self_care_level,
)
from chang_shan.population import access
from chang_shan.population.residents import ACTIVE
from chang_shan.settings import get_setting

NOT_ASSESSED = "未评估"
NOT_ELDER = -1  # the self-care "total" of residents under 60 in the one pass (not a level)
_COVERAGE = ("care_targets", "care_targets_visited", "follow_up_patients", "follow_up_on_time", "aged_65_plus",
             "yearly_checks_done")


@dataclass(frozen=True)
class GridChronicRow:
    grid_id: int
    grid_name: str
    residents: int
    aged_60_plus: int
    with_profile: int
    counts: dict[str, int]  # every code of CHRONIC_CODES → residents with that disease
    any_chronic: int  # residents with at least one of them


@dataclass(frozen=True)
class HealthStatistics:
    chronic_by_grid: list[GridChronicRow]  # the grids the actor may see, in code order
    dependency: dict[str, int]  # SELF_CARE_LEVELS and NOT_ASSESSED → elders 60+
    care_targets: int
    care_targets_visited: int
    follow_up_patients: int
    follow_up_on_time: int
    aged_65_plus: int
    yearly_checks_done: int


def health_statistics(session: Session, on: date) -> HealthStatistics:
    require(session, Perm.HEALTH, what="查看健康统计")
    days = int(get_setting(session, "today.not_visited_days"))
    scope = access.resident_scope(session)
    people = (
        select(Resident.id.label("id"), Resident.birth_date.label("birth_date"), Building.grid_id.label("grid_id"))
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Resident.status == ACTIVE, *(() if scope is None else (scope,)))
        .subquery()
    )
    totals: dict[int, dict[str, int]] = {}
    dependency = dict.fromkeys((*SELF_CARE_LEVELS, NOT_ASSESSED), 0)
    coverage = dict.fromkeys(_COVERAGE, 0)
    for row in session.execute(_one_pass(people, on, days)):
        grid = totals.setdefault(row.grid_id, dict.fromkeys(("residents", "elders", "profiles", "any_chronic"), 0))
        for key in grid:
            grid[key] += getattr(row, key)
        for key in coverage:
            coverage[key] += getattr(row, key)
        if row.elder_total != NOT_ELDER:
            dependency[NOT_ASSESSED if row.elder_total is None else self_care_level(row.elder_total)] += row.elders
    return HealthStatistics(
        chronic_by_grid=_grid_rows(session, totals, _chronic_counts(session, people)),
        dependency=dependency,
        **coverage,
    )


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.count(case((condition, 1)))


def _residents_with(*conditions: Any, model: Any = HealthVisit) -> Any:
    """Subquery (resident_id): the residents with a row of ``model`` meeting ``conditions``."""
    return select(model.resident_id).where(*conditions).group_by(model.resident_id).subquery()


def _visits(on: date, days: int) -> Any:
    """Subquery (resident_id, visited, followed, checked) over the visits up to ``on``: one in the
    ``days`` days up to ``on``, a 随访 or 年度体检 in the ``FOLLOW_UP_DAYS``, a 年度体检 this year."""

    def within(window: int) -> ColumnElement[bool]:
        return HealthVisit.visited_on > on - timedelta(days=window)

    def flag(condition: ColumnElement[bool]) -> Any:
        return func.max(case((condition, 1), else_=0))

    year = date(on.year, 1, 1)
    return (
        select(
            HealthVisit.resident_id, flag(within(days)).label("visited"),
            flag(and_(within(FOLLOW_UP_DAYS), HealthVisit.purpose.in_(("随访", "年度体检")))).label("followed"),
            flag(and_(HealthVisit.visited_on >= year, HealthVisit.purpose == "年度体检")).label("checked"),
        )
        .where(HealthVisit.visited_on <= on,
               HealthVisit.visited_on >= min(year, on - timedelta(days=max(days, FOLLOW_UP_DAYS))))
        .group_by(HealthVisit.resident_id).subquery()
    )


def _one_pass(people: Any, on: date, days: int) -> Any:
    """Every count but the diseases', grouped by grid and (for elders) the latest self-care total."""
    latest = latest_rows(HealthSelfCare, HealthSelfCare.assessed_on, on, HealthSelfCare.total.label("total"))
    lone = _residents_with(ResidentGroup.group == LONE, model=ResidentGroup)
    diseases = HealthCondition.category == "疾病"
    patients = _residents_with(diseases, HealthCondition.code.in_(FOLLOW_UP_CODES), model=HealthCondition)
    chronic = _residents_with(diseases, HealthCondition.code.in_(CHRONIC_CODES), model=HealthCondition)
    visits = _visits(on, days)
    elder = aged_at_least(ELDER_AGE, on, people.c)
    target = and_(elder, or_(lone.c.resident_id.is_not(None), latest.c.total >= DEPENDENT_FROM))
    patient = patients.c.resident_id.is_not(None)
    aged = aged_at_least(YEARLY_CHECK_AGE, on, people.c)
    elder_total = case((elder, latest.c.total), else_=NOT_ELDER).label("elder_total")
    return (
        select(
            people.c.grid_id, elder_total, func.count().label("residents"), _count_if(elder).label("elders"),
            func.count(HealthProfile.resident_id).label("profiles"),
            func.count(chronic.c.resident_id).label("any_chronic"),
            _count_if(target).label("care_targets"),
            _count_if(and_(target, visits.c.visited == 1)).label("care_targets_visited"),
            _count_if(patient).label("follow_up_patients"),
            _count_if(and_(patient, visits.c.followed == 1)).label("follow_up_on_time"),
            _count_if(aged).label("aged_65_plus"),
            _count_if(and_(aged, visits.c.checked == 1)).label("yearly_checks_done"),
        )
        .select_from(people)
        .outerjoin(HealthProfile, HealthProfile.resident_id == people.c.id)
        .outerjoin(latest, latest.c.resident_id == people.c.id)
        .outerjoin(lone, lone.c.resident_id == people.c.id)
        .outerjoin(patients, patients.c.resident_id == people.c.id)
        .outerjoin(chronic, chronic.c.resident_id == people.c.id)
        .outerjoin(visits, visits.c.resident_id == people.c.id)
        .group_by(people.c.grid_id, elder_total)
    )


def _chronic_counts(session: Session, people: Any) -> dict[int, dict[str, int]]:
    """grid id → chronic disease code → residents with it."""
    lines = (
        select(HealthCondition.resident_id, HealthCondition.code)
        .where(HealthCondition.category == "疾病", HealthCondition.code.in_(CHRONIC_CODES)).distinct().subquery()
    )
    counts: dict[int, dict[str, int]] = {}
    for grid_id, code, number in session.execute(
        select(people.c.grid_id, lines.c.code, func.count())
        .join(lines, lines.c.resident_id == people.c.id).group_by(people.c.grid_id, lines.c.code)
    ):
        counts.setdefault(grid_id, {})[code] = number
    return counts


def _grid_rows(session: Session, totals: dict[int, dict[str, int]], counts: dict[int, dict[str, int]]
               ) -> list[GridChronicRow]:
    """A row for each grid the actor may see (one without residents too), in code order."""
    grids = select(Grid.id, Grid.name).order_by(Grid.code, Grid.id)
    actor = actor_of(session)
    if access.scoped(actor):
        grids = grids.where(Grid.id.in_(sorted(actor.grid_ids or ())))  # type: ignore[union-attr]
    rows = []
    for grid_id, name in session.execute(grids):
        total = totals.get(grid_id, {})
        rows.append(GridChronicRow(
            grid_id=grid_id, grid_name=name, residents=total.get("residents", 0),
            aged_60_plus=total.get("elders", 0), with_profile=total.get("profiles", 0),
            counts={code: counts.get(grid_id, {}).get(code, 0) for code in CHRONIC_CODES},
            any_chronic=total.get("any_chronic", 0),
        ))
    return rows
