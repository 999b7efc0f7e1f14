"""The unit-by-unit coverage of safety devices: one row for every unit of every building, and one
for every building without units (the 平房区), even where there is no device at all.

Per row: households not dissolved, how many of them have a 燃气报警器 在用, the 灭火器 and
烟感报警器 在用 of the unit (or building), and the devices 在用 of the row (its households'
included) already expired on ``today`` or expiring by the end of its month. Three SQL queries
make it whatever the size of the community: the places, the households grouped by unit, and the
devices grouped by unit. Needs ``Perm.VIEW``; a 网格员 sees the rows of their grids.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Household, SafetyDevice, Unit
from chang_shan.population import access
from chang_shan.safety.dates import month_end
from chang_shan.safety.placement import EXTINGUISHER, GAS_ALARM, IN_USE, SMOKE_DETECTOR, Location, place_of
from chang_shan.safety.shapes import UnitCoverage

Key = tuple[int, int | None]  # (building id, unit id or None for a building without units)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def coverage(session: Session, *, today: date | None = None, grid_id: int | None = None) -> list[UnitCoverage]:
    """The coverage rows of ``grid_id`` (default: every grid the user sees), in building and unit
    order; expiry counted on ``today`` (default the real today)."""
    actor = require(session, Perm.VIEW)
    today = today or date.today()
    last = month_end(today)
    grids = set(actor.grid_ids) if access.scoped(actor) else None  # type: ignore[arg-type]
    if grid_id is not None:
        grids = {grid_id} & grids if grids is not None else {grid_id}
    places = select(Building.id, Building.name, Building.address, Building.grid_id, Unit.id.label("unit_id"),
                    Unit.name.label("unit_name")).outerjoin(Unit, Unit.building_id == Building.id)
    buildings = None
    if grids is not None:
        places = places.where(Building.grid_id.in_(sorted(grids)))
        buildings = select(Building.id).where(Building.grid_id.in_(sorted(grids)))
    rows = session.execute(places.order_by(Building.sort_key, Building.id, Unit.sort_key, Unit.id)).all()
    homes = _households(session, buildings)
    devices = _devices(session, buildings, today, last)
    result = []
    for row in rows:
        key = (row.id, row.unit_id)
        households, with_alarm = homes.get(key, (0, 0))
        extinguishers, smoke, expired, expiring = devices.get(key, (0, 0, 0, 0))
        result.append(UnitCoverage(
            building_id=row.id, unit_id=row.unit_id, place=place_of(row.name, row.address, row.unit_name),
            grid_id=row.grid_id, households=households, with_gas_alarm=with_alarm, extinguishers=extinguishers,
            smoke_detectors=smoke, expired=expired, expiring_this_month=expiring,
        ))
    return result


def _households(session: Session, buildings: Any) -> dict[Key, tuple[int, int]]:
    """(households not dissolved, those with a gas alarm 在用) per unit."""
    alarm = exists().where(SafetyDevice.household_id == Household.id, SafetyDevice.kind == GAS_ALARM,
                           SafetyDevice.status == IN_USE)
    query = (select(Household.building_id, Household.unit_id, func.count(), _count(alarm))
             .where(Household.dissolved_on.is_(None)).group_by(Household.building_id, Household.unit_id))
    if buildings is not None:
        query = query.where(Household.building_id.in_(buildings))
    return {(b, u): (n, alarms) for b, u, n, alarms in session.execute(query)}


def _devices(session: Session, buildings: Any, today: date, last: date) -> dict[Key, tuple[int, int, int, int]]:
    """(extinguishers, smoke detectors, expired, expiring by ``last``) 在用 per unit."""
    place = Location()
    query = place.join(select(
        place.building_id, place.unit_id,
        _count(and_(SafetyDevice.kind == EXTINGUISHER, SafetyDevice.household_id.is_(None))),
        _count(and_(SafetyDevice.kind == SMOKE_DETECTOR, SafetyDevice.household_id.is_(None))),
        _count(SafetyDevice.expires_on < today),
        _count(and_(SafetyDevice.expires_on >= today, SafetyDevice.expires_on <= last)),
    ), names=False).where(SafetyDevice.status == IN_USE).group_by(place.building_id, place.unit_id)
    if buildings is not None:
        query = query.where(place.building_id.in_(buildings))
    return {(b, u): tuple(counts) for b, u, *counts in session.execute(query)}  # type: ignore[misc]
