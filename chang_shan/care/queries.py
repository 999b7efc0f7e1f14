"""SQL building blocks of the care and due lists (no permission checks here: the services that
use them check first).

- ``Whereabouts``: a resident's address and grid, joined into the list's own query (aliased, so
  one query may hold two people: an elder and a caretaker);
- ``latest_rows`` / ``last_visits``: each resident's newest row of a dated table, as subqueries
  (one pass over the table, never a loop over the residents);
- ``is_lone`` / ``is_dependent`` / ``is_care_target``: who should have a caretaker on a day;
- ``posts``: the 三长 posts people hold on a day, labelled ``楼栋长（3号楼）``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan.db.models import (
    Building, Grid, HealthSelfCare, HealthVisit, Household, Resident, ResidentGroup, RoleAssignment, Unit,
)
from chang_shan.health.codes import DEPENDENT_FROM
from chang_shan.population.addresses import building_label, household_address, unit_label
from chang_shan.population.query import years_before
from chang_shan.population.residents import ACTIVE

LONE = "独居"  # the special group of residents living alone
DEPENDENT = "需照护"  # the reason shown for a dependent elder (never the score)
ELDER_AGE = 60
POST_ORDER = ("单元长", "楼栋长", "网格长")  # nearest first


class Whereabouts:
    """The address and grid of ``resident`` (``Resident`` or an alias of it) in a query."""

    def __init__(self, resident: Any = Resident) -> None:
        self.resident = resident
        self.household = aliased(Household)
        self.building = aliased(Building)
        self.unit = aliased(Unit)

    @property
    def grid_id(self) -> Any:
        return self.building.grid_id

    def columns(self, prefix: str = "") -> tuple:
        return (
            self.household.room.label(f"{prefix}room"), self.building.name.label(f"{prefix}building"),
            self.building.kind.label(f"{prefix}building_kind"), self.unit.name.label(f"{prefix}unit"),
            self.building.grid_id.label(f"{prefix}grid_id"),
        )

    def join(self, query: Select) -> Select:
        return (
            query.outerjoin(self.household, self.household.id == self.resident.household_id)
            .outerjoin(self.building, self.building.id == self.household.building_id)
            .outerjoin(self.unit, self.unit.id == self.household.unit_id)
        )

    @staticmethod
    def address(row: Any, prefix: str = "") -> str:
        building = getattr(row, f"{prefix}building")
        if building is None:
            return ""
        return household_address(building, getattr(row, f"{prefix}unit"), getattr(row, f"{prefix}room"),
                                 getattr(row, f"{prefix}building_kind"))


def aged_at_least(years: int, on: date, resident: Any = Resident) -> ColumnElement[bool]:
    """``years`` or older on ``on`` (a resident without a birth date is not)."""
    return resident.birth_date <= years_before(on, years)


def latest_rows(model: Any, date_column: Any, on: date, *columns: Any, where: tuple = ()) -> Any:
    """Subquery (resident_id, *columns): each resident's newest row of ``model`` dated on or
    before ``on`` (among the rows matching ``where``); two rows on the same day: the one recorded
    last. One pass over the table (a window per resident), whatever the number of residents; join
    it, do not test ids ``IN`` it (SQLite would walk the whole list for each row)."""
    ranked = (
        select(model.resident_id.label("resident_id"), *columns, func.row_number().over(
            partition_by=model.resident_id, order_by=(date_column.desc(), model.id.desc())).label("rank"))
        .where(date_column <= on, *where).subquery()
    )
    return select(ranked.c.resident_id, *(ranked.c[c.key] for c in columns)).where(ranked.c.rank == 1).subquery()


def last_visits(on: date, *where: Any) -> Any:
    """Subquery (resident_id, last_on): each resident's latest visit on or before ``on``."""
    return (
        select(HealthVisit.resident_id.label("resident_id"), func.max(HealthVisit.visited_on).label("last_on"))
        .where(HealthVisit.visited_on <= on, *where).group_by(HealthVisit.resident_id).subquery()
    )


def is_lone(resident: Any = Resident) -> ColumnElement[bool]:
    return resident.id.in_(select(ResidentGroup.resident_id).where(ResidentGroup.group == LONE))


def is_dependent(on: date, resident: Any = Resident) -> ColumnElement[bool]:
    """The latest self-care assessment on or before ``on`` totals ``DEPENDENT_FROM`` or more."""
    latest = latest_rows(HealthSelfCare, HealthSelfCare.assessed_on, on, HealthSelfCare.total.label("total"))
    return resident.id.in_(select(latest.c.resident_id).where(latest.c.total >= DEPENDENT_FROM))


def is_care_target(on: date, resident: Any = Resident) -> ColumnElement[bool]:
    """在册, 60 or older on ``on``, and living alone or dependent."""
    return and_(resident.status == ACTIVE, aged_at_least(ELDER_AGE, on, resident),
                or_(is_lone(resident), is_dependent(on, resident)))


def active_on(model: Any, on: date) -> ColumnElement[bool]:
    """A dated assignment in force on ``on``: started, and not ended on or before it."""
    return and_(model.start_on <= on, or_(model.end_on.is_(None), model.end_on > on))


@dataclass(frozen=True)
class Post:
    resident_id: int
    role: str
    label: str  # 单元长（3号楼2单元）


def posts(session: Session, condition: Any, on: date) -> list[Post]:
    """The posts (RoleAssignment) meeting ``condition`` in force on ``on``, nearest first."""
    unit_building = aliased(Building)
    rows = session.execute(
        select(RoleAssignment.id, RoleAssignment.resident_id, RoleAssignment.role, Grid.name.label("grid"),
               Building.name.label("building"), Unit.name.label("unit"), unit_building.name.label("unit_building"))
        .outerjoin(Grid, Grid.id == RoleAssignment.grid_id)
        .outerjoin(Building, Building.id == RoleAssignment.building_id)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .outerjoin(unit_building, unit_building.id == Unit.building_id)
        .where(condition, active_on(RoleAssignment, on))
    ).all()
    result = []
    for row in sorted(rows, key=lambda r: (POST_ORDER.index(r.role) if r.role in POST_ORDER else 9, r.id)):
        if row.unit is not None:
            scope = building_label(row.unit_building or "") + unit_label(row.unit)
        elif row.building is not None:
            scope = building_label(row.building)
        else:
            scope = row.grid or ""
        result.append(Post(row.resident_id, row.role, f"{row.role}（{scope}）"))
    return result


def post_labels(session: Session, resident_ids: list[int], on: date) -> dict[int, str]:
    """resident id → their posts on ``on``, ``楼栋长（3号楼）、单元长（…）`` (absent: no post)."""
    labels: dict[int, list[str]] = {}
    wanted = sorted(set(resident_ids))
    for start in range(0, len(wanted), 900):
        for post in posts(session, RoleAssignment.resident_id.in_(wanted[start:start + 900]), on):
            labels.setdefault(post.resident_id, []).append(post.label)
    return {rid: "、".join(items) for rid, items in labels.items()}
