"""Places: the grid → building → unit tree with counts, households in a place, new places,
and the organisations in the area.

Access (``population.access``): ``Perm.VIEW`` to read, ``Perm.EDIT`` to create places; a 网格员
sees only their grids in the tree and their buildings' households, and creates no grids,
buildings or units (the community's layout is the office's business).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Grid, Household, Organisation, Resident, Unit
from chang_shan.db.models.places import BUILDING_KINDS
from chang_shan.errors import NotFound, ValidationError
from chang_shan.population import access
from chang_shan.population.addresses import household_address
from chang_shan.population.text import clean_text

ACTIVE = "在册"


@dataclass(frozen=True)
class UnitNode:
    id: int
    name: str
    households: int
    residents: int


@dataclass(frozen=True)
class BuildingNode:
    id: int
    name: str
    kind: str
    units: tuple[UnitNode, ...]
    households: int
    residents: int


@dataclass(frozen=True)
class GridNode:
    id: int
    code: str
    name: str
    buildings: tuple[BuildingNode, ...]

    @property
    def households(self) -> int:
        return sum(b.households for b in self.buildings)

    @property
    def residents(self) -> int:
        return sum(b.residents for b in self.buildings)


@dataclass(frozen=True)
class HouseholdSummary:
    id: int
    address: str
    room: str
    head_name: str
    members: int
    tags: tuple[str, ...]


def place_tree(session: Session) -> list[GridNode]:
    """Every grid with its buildings and units, and how many households and residents each holds.
    A 网格员 gets only their grids (filtered in SQL, counts included)."""
    actor = require(session, Perm.VIEW)
    grids = sorted(actor.grid_ids) if access.scoped(actor) else None  # type: ignore[arg-type]

    def in_grids(query, building_id=Household.building_id):  # noqa: ANN001, ANN202
        if grids is None:
            return query
        return query.where(building_id.in_(select(Building.id).where(Building.grid_id.in_(grids))))

    households = dict(
        session.execute(
            in_grids(select(Household.unit_id, func.count())
                     .where(Household.dissolved_on.is_(None), Household.unit_id.is_not(None)))
            .group_by(Household.unit_id)
        ).all()
    )
    residents = dict(
        session.execute(
            in_grids(select(Household.unit_id, func.count(Resident.id))
                     .join(Resident, Resident.household_id == Household.id)
                     .where(Resident.status == ACTIVE, Household.unit_id.is_not(None)))
            .group_by(Household.unit_id)
        ).all()
    )
    b_households = dict(
        session.execute(
            in_grids(select(Household.building_id, func.count()).where(Household.dissolved_on.is_(None)))
            .group_by(Household.building_id)
        ).all()
    )
    b_residents = dict(
        session.execute(
            in_grids(select(Household.building_id, func.count(Resident.id))
                     .join(Resident, Resident.household_id == Household.id)
                     .where(Resident.status == ACTIVE))
            .group_by(Household.building_id)
        ).all()
    )
    units_by_building: dict[int, list[UnitNode]] = defaultdict(list)
    for unit in session.scalars(
        in_grids(select(Unit), Unit.building_id).order_by(Unit.building_id, Unit.sort_key, Unit.id)
    ):
        units_by_building[unit.building_id].append(
            UnitNode(unit.id, unit.name, households.get(unit.id, 0), residents.get(unit.id, 0))
        )
    buildings_by_grid: dict[int, list[BuildingNode]] = defaultdict(list)
    for building in session.scalars(
        in_grids(select(Building), Building.id).order_by(Building.grid_id, Building.sort_key, Building.id)
    ):
        buildings_by_grid[building.grid_id].append(
            BuildingNode(
                building.id, building.name, building.kind, tuple(units_by_building[building.id]),
                b_households.get(building.id, 0), b_residents.get(building.id, 0),
            )
        )
    return [
        GridNode(grid.id, grid.code, grid.name, tuple(buildings_by_grid[grid.id]))
        for grid in session.scalars(
            (select(Grid) if grids is None else select(Grid).where(Grid.id.in_(grids))).order_by(Grid.code, Grid.id)
        )
    ]


def households_in(session: Session, *, building_id: int, unit_id: int | None = None) -> list[HouseholdSummary]:
    """The households of a building (or of one of its units), in room order, heads' names included."""
    access.require_building(session, Perm.VIEW, building_id)
    building = session.get(Building, building_id)
    if building is None:
        raise NotFound("楼栋不存在。")
    query = select(Household).where(Household.building_id == building_id, Household.dissolved_on.is_(None))
    if unit_id is not None:
        query = query.where(Household.unit_id == unit_id)
    households = session.scalars(query.options(selectinload(Household.tags))).all()
    member_counts = dict(
        session.execute(
            select(Resident.household_id, func.count())
            .where(Resident.status == ACTIVE, Resident.household_id.in_([h.id for h in households]))
            .group_by(Resident.household_id)
        ).all()
    ) if households else {}
    head_ids = [h.head_id for h in households if h.head_id]
    heads = dict(session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(head_ids))).all()) if head_ids else {}
    units = {u.id: (u.sort_key, u.name) for u in building.units}
    households = sorted(households, key=lambda h: (units.get(h.unit_id, (0, ""))[0], _room_key(h.room)))
    return [
        HouseholdSummary(
            h.id,
            household_address(building.name, units[h.unit_id][1] if h.unit_id in units else None, h.room, building.kind),
            h.room,
            heads.get(h.head_id, "") if h.head_id else "",
            member_counts.get(h.id, 0),
            tuple(h.tag_names),
        )
        for h in households
    ]


def _room_key(room: str) -> tuple[int, str]:
    digits = "".join(ch for ch in room if ch.isdigit())
    return (int(digits) if digits else 0, room)


def create_grid(session: Session, *, code: str, name: str) -> int:
    access.require_all_grids(session, Perm.EDIT, what="新建网格")
    code, name = clean_text(code), clean_text(name)
    errors = {}
    if not code:
        errors["code"] = "请填写网格编号。"
    elif session.scalar(select(Grid.id).where(Grid.code == code)):
        errors["code"] = f"网格编号 {code} 已存在。"
    if not name:
        errors["name"] = "请填写网格名称。"
    if errors:
        raise ValidationError(errors)
    grid = Grid(code=code, name=name)
    session.add(grid)
    session.flush()
    return grid.id


def create_building(session: Session, *, grid_id: int, name: str, kind: str = "楼房", address: str = "") -> int:
    access.require_all_grids(session, Perm.EDIT, what="新建楼栋")
    name = clean_text(name)
    errors = {}
    if session.get(Grid, grid_id) is None:
        errors["grid_id"] = "请选择网格。"
    if not name:
        errors["name"] = "请填写楼栋名称。"
    elif session.scalar(select(Building.id).where(Building.grid_id == grid_id, Building.name == name)):
        errors["name"] = f"该网格已有“{name}”。"
    if kind not in BUILDING_KINDS:
        errors["kind"] = "楼栋类型只能是楼房或平房区。"
    if errors:
        raise ValidationError(errors)
    sort_key = (session.scalar(select(func.max(Building.sort_key))) or 0) + 1
    building = Building(grid_id=grid_id, name=name, kind=kind, address=clean_text(address), sort_key=sort_key)
    session.add(building)
    session.flush()
    return building.id


def create_unit(session: Session, *, building_id: int, name: str) -> int:
    access.require_all_grids(session, Perm.EDIT, what="新建单元")
    name = clean_text(name)
    building = session.get(Building, building_id)
    errors = {}
    if building is None:
        errors["building_id"] = "请选择楼栋。"
    elif building.kind != "楼房":
        errors["building_id"] = "平房区没有单元。"
    if not name:
        errors["name"] = "请填写单元名称。"
    elif session.scalar(select(Unit.id).where(Unit.building_id == building_id, Unit.name == name)):
        errors["name"] = f"该楼栋已有“{name}”。"
    if errors:
        raise ValidationError(errors)
    sort_key = (session.scalar(select(func.max(Unit.sort_key)).where(Unit.building_id == building_id)) or 0) + 1
    unit = Unit(building_id=building_id, name=name, sort_key=sort_key)
    session.add(unit)
    session.flush()
    return unit.id


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: str
    grid_name: str
    address: str
    contact_name: str
    phone: str
    in_party_committee: bool


def list_organisations(session: Session) -> list[OrganisationRow]:
    """The organisations in the area. A 网格员 sees those of their grids and the community-wide
    ones (no grid)."""
    actor = require(session, Perm.VIEW)
    query = select(Organisation, Grid.name).outerjoin(Grid, Grid.id == Organisation.grid_id)
    if access.scoped(actor):
        query = query.where(
            (Organisation.grid_id.is_(None)) | Organisation.grid_id.in_(sorted(actor.grid_ids))  # type: ignore[arg-type]
        )
    rows = session.execute(query.order_by(Organisation.name)).all()
    return [
        OrganisationRow(o.id, o.name, o.kind, grid_name or "", o.address, o.contact_name, o.phone, o.in_party_committee)
        for o, grid_name in rows
    ]
