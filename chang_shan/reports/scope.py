"""Which part of the community a report or an export covers: a grid, a building, a unit, or all —
never more than the signed-in user may see (a 网格员 only their own grids)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import actor_of
from chang_shan.db.models import Building, Grid, Household, Unit
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.population.addresses import building_label, unit_label


@dataclass(frozen=True)
class Scope:
    grid_ids: tuple[int, ...] | None  # None: every grid
    building_id: int | None = None
    unit_id: int | None = None
    label: str = "全部网格"
    grid_code: str | None = None
    building_name: str | None = None
    unit_name: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on ``Building`` and ``Household`` (the query joins both)."""
        conditions: list[ColumnElement[bool]] = []
        if self.grid_ids is not None:
            conditions.append(Building.grid_id.in_(self.grid_ids))
        if self.building_id is not None:
            conditions.append(Household.building_id == self.building_id)
        if self.unit_id is not None:
            conditions.append(Household.unit_id == self.unit_id)
        return conditions

    @property
    def limited(self) -> bool:
        return self.grid_ids is not None or self.building_id is not None


def _same_place(name: str, wanted: str, label) -> bool:  # noqa: ANN001
    return name == wanted or label(name) == label(wanted)


def resolve(session: Session, *, grid: str | None = None, building: str | None = None,
            unit: str | None = None) -> Scope:
    """The scope for ``--grid CODE [--building NAME [--unit NAME]]``, within the actor's grids.

    Building names are unique within a grid; ``3`` and ``3号楼`` name the same building.
    """
    actor = actor_of(session)
    allowed = actor.grid_ids if actor is not None else None
    grid_row = None
    if grid:
        grid_row = session.execute(select(Grid.id, Grid.code, Grid.name).where(Grid.code == grid.strip())).first()
        if grid_row is None:
            raise NotFound(f"没有编号为 {grid} 的网格。")
        if allowed is not None and grid_row.id not in allowed:
            raise PermissionDenied(f"网格 {grid_row.code}（{grid_row.name}）不在您负责的范围内。")
    if unit and not building:
        raise DomainError("指定单元时请同时用 --building 指定楼栋。")
    building_row = unit_row = None
    if building:
        query = select(Building.id, Building.name, Building.grid_id)
        if grid_row is not None:
            query = query.where(Building.grid_id == grid_row.id)
        matches = [b for b in session.execute(query) if _same_place(b.name, building.strip(), building_label)]
        if not matches:
            raise NotFound(f"没有楼栋 {building}" + (f"（网格 {grid_row.code}）。" if grid_row else "。"))
        if len(matches) > 1:
            raise DomainError(f"有 {len(matches)} 个网格都有楼栋 {building}，请用 --grid 指定网格。")
        building_row = matches[0]
        if allowed is not None and building_row.grid_id not in allowed:
            raise PermissionDenied(f"楼栋 {building_label(building_row.name)} 不在您负责的网格内。")
        if unit:
            units = session.execute(select(Unit.id, Unit.name).where(Unit.building_id == building_row.id))
            unit_row = next((u for u in units if _same_place(u.name, unit.strip(), unit_label)), None)
            if unit_row is None:
                raise NotFound(f"{building_label(building_row.name)}没有单元 {unit}。")
    if grid_row is not None:
        grid_ids: tuple[int, ...] | None = (grid_row.id,)
    elif allowed is not None:
        grid_ids = tuple(sorted(allowed))
    else:
        grid_ids = None
    parts = []
    if grid_row is not None:
        parts.append(grid_row.name)
    elif allowed is not None:
        names = session.scalars(select(Grid.name).where(Grid.id.in_(allowed)).order_by(Grid.code))
        parts.append("、".join(names))
    if building_row is not None:
        parts.append(building_label(building_row.name) + (unit_label(unit_row.name) if unit_row else ""))
    return Scope(
        grid_ids=grid_ids, building_id=building_row.id if building_row else None,
        unit_id=unit_row.id if unit_row else None, label=" ".join(parts) or "全部网格",
        grid_code=grid_row.code if grid_row else None,
        building_name=building_row.name if building_row else None, unit_name=unit_row.name if unit_row else None,
    )
