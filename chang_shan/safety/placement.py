"""Where a safety device is: the placement rules of each kind, and the SQL that finds a device's
household, unit, building and grid.

A 燃气报警器 belongs to a household (one not dissolved when it is placed); a 灭火器 or 烟感报警器 to a
stair unit, or — where there are no units, as in the 平房区 — to a building. The unit and building
of a household's device are stored with it, but lists read them through the household (a household
whose address is corrected takes its devices along), so ``Location`` is the one place that knows
how to join them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from chang_shan.db.models import Building, Household, SafetyDevice, Unit
from chang_shan.db.models.safety import DEVICE_KINDS
from chang_shan.population.addresses import building_label, household_address, unit_label

GAS_ALARM, EXTINGUISHER, SMOKE_DETECTOR = DEVICE_KINDS
IN_USE, REPLACED, REMOVED = "在用", "已更换", "已拆除"


@dataclass(frozen=True)
class Placement:
    """Where a new or changed device goes (ids checked), and the grid that decides who may."""

    household_id: int | None
    unit_id: int | None
    building_id: int
    grid_id: int


def resolve(
    session: Session, errors: dict[str, str], kind: str, household_id: int | None, unit_id: int | None,
    building_id: int | None,
) -> Placement | None:
    """The placement of a device of ``kind`` (None, with notes in ``errors``, when it is wrong)."""
    if kind not in DEVICE_KINDS:
        errors["kind"] = f"请选择设备类型（{'、'.join(DEVICE_KINDS)}）。"
        return None
    if kind == GAS_ALARM:
        return _in_household(session, errors, household_id, unit_id, building_id)
    if household_id is not None:
        errors["household_id"] = f"{kind}登记在单元（平房区登记在楼栋），不登记在住户。"
        return None
    if unit_id is not None:
        return _in_unit(session, errors, unit_id, building_id)
    if building_id is None:
        errors["unit_id"] = "请选择单元（平房区请选择楼栋）。"
        return None
    building = session.get(Building, building_id)
    if building is None:
        errors["building_id"] = "该楼栋不存在。"
        return None
    if session.scalar(select(Unit.id).where(Unit.building_id == building_id).limit(1)) is not None:
        errors["unit_id"] = f"{building_label(building.name)}有单元，{kind}请登记在单元。"
        return None
    return Placement(None, None, building.id, building.grid_id)


def _in_household(
    session: Session, errors: dict[str, str], household_id: int | None, unit_id: int | None, building_id: int | None,
) -> Placement | None:
    if household_id is None:
        errors["household_id"] = "燃气报警器请登记在住户。"
        return None
    household = session.get(Household, household_id)
    if household is None:
        errors["household_id"] = "该住户不存在。"
        return None
    if household.dissolved_on is not None:
        errors["household_id"] = f"该住户已于 {household.dissolved_on:%Y-%m-%d} 注销。"
        return None
    if unit_id is not None and unit_id != household.unit_id:
        errors["unit_id"] = "所选单元与住户所在单元不一致。"
    if building_id is not None and building_id != household.building_id:
        errors["building_id"] = "所选楼栋与住户所在楼栋不一致。"
    if "unit_id" in errors or "building_id" in errors:
        return None
    return Placement(household.id, household.unit_id, household.building_id, household.building.grid_id)


def _in_unit(session: Session, errors: dict[str, str], unit_id: int, building_id: int | None) -> Placement | None:
    unit = session.get(Unit, unit_id)
    if unit is None:
        errors["unit_id"] = "该单元不存在。"
        return None
    if building_id is not None and building_id != unit.building_id:
        errors["building_id"] = "所选楼栋与单元所在楼栋不一致。"
        return None
    return Placement(None, unit.id, unit.building_id, unit.building.grid_id)


# --- reading: a device's place in a query -------------------------------------------------------


class Location:
    """The household, unit, building and grid of ``SafetyDevice`` rows, joined into a query.

    A household's device is where its household is now; a unit's or building's where it was put.
    """

    def __init__(self) -> None:
        self.household = aliased(Household)
        self.unit = aliased(Unit)
        self.building = aliased(Building)
        in_household = SafetyDevice.household_id.is_not(None)
        self.unit_id: Any = case((in_household, self.household.unit_id), else_=SafetyDevice.unit_id)
        self.building_id: Any = func.coalesce(self.household.building_id, SafetyDevice.building_id)

    @property
    def grid_id(self) -> Any:
        return self.building.grid_id

    def join(self, query: Select, *, names: bool = True) -> Select:
        """``query`` (over ``SafetyDevice``) joined to the household, and with ``names`` to the
        unit and building as well (for the place text and the grid)."""
        query = query.outerjoin(self.household, self.household.id == SafetyDevice.household_id)
        if names:
            query = (query.outerjoin(self.unit, self.unit.id == self.unit_id)
                     .join(self.building, self.building.id == self.building_id))
        return query

    def columns(self) -> tuple:
        return (
            self.unit_id.label("place_unit_id"), self.building_id.label("place_building_id"),
            self.grid_id.label("grid_id"), self.household.room.label("room"), self.unit.name.label("unit_name"),
            self.building.name.label("building_name"), self.building.kind.label("building_kind"),
            self.building.address.label("building_address"),
        )

    def order(self) -> tuple:
        """Building, unit, room order (the unit's own devices before its households'; rooms as
        numbers: 101 before 1001, by length first)."""
        return (self.building.sort_key, self.building.id, self.unit.sort_key, self.unit.id,
                self.household.room.is_not(None), func.length(self.household.room), self.household.room)

    @staticmethod
    def place(row: Any) -> str:
        """'3号楼2单元301' (household), '3号楼2单元' (unit), '平房区 长山路' (building)."""
        if row.room is not None:
            return household_address(row.building_name, row.unit_name, row.room, row.building_kind)
        return place_of(row.building_name, row.building_address, row.unit_name)


def place_of(building_name: str, building_address: str, unit_name: str | None) -> str:
    """A unit ('3号楼2单元') or a building without units ('平房区 长山路')."""
    if unit_name is not None:
        return building_label(building_name) + unit_label(unit_name)
    return f"{building_label(building_name)} {building_address or ''}".strip()
