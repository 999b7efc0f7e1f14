"""The data the safety-device services exchange with forms, the today list and the coverage view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class DeviceInput:
    kind: str = "燃气报警器"  # 燃气报警器 (a household) / 灭火器, 烟感报警器 (a unit, or a building without units)
    household_id: int | None = None
    unit_id: int | None = None
    building_id: int | None = None  # derived from the household or unit when None
    location: str = ""
    model: str = ""
    serial: str = ""
    installed_on: date | None = None  # None = today
    expires_on: date | None = None  # None = installed_on + the kind's service life (SERVICE_YEARS)
    note: str = ""


@dataclass(frozen=True)
class DeviceRow:
    id: int
    kind: str
    place: str  # '3号楼2单元301' (household) / '3号楼2单元' (unit) / '平房区 长山路' (building)
    household_id: int | None
    unit_id: int | None
    building_id: int | None
    grid_id: int | None
    location: str
    model: str
    serial: str
    installed_on: date
    last_inspected_on: date | None
    expires_on: date
    status: str  # 在用 / 已更换 / 已拆除
    note: str
    days_to_expiry: int  # as of the listing day; negative when expired


@dataclass(frozen=True)
class InspectionRow:
    id: int
    device_id: int
    on_date: date
    result: str
    inspector: str
    note: str


@dataclass
class DeviceFilter:
    kinds: tuple[str, ...] | None = None
    grid_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None
    include_retired: bool = False  # also 已更换 / 已拆除
    expiring_by: date | None = None  # only devices in use expiring on or before this day


@dataclass(frozen=True)
class UnitCoverage:
    """One stair unit (or a building without units): households, how many have a gas alarm in use,
    extinguishers and smoke detectors in use, and what is expired or expires in the month."""

    building_id: int
    unit_id: int | None
    place: str
    grid_id: int | None
    households: int
    with_gas_alarm: int
    extinguishers: int
    smoke_detectors: int
    expired: int
    expiring_this_month: int
