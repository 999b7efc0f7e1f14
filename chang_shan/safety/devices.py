"""Safety devices: adding, correcting, inspecting, replacing and removing them, and reading them
back (one device, a filtered list, what expires by the end of a month).

A device is placed by its kind (``chang_shan.safety.placement``): a 燃气报警器 in a household that
is not dissolved, a 灭火器 or 烟感报警器 in a unit or a building without units (the 平房区). It is
installed on a day not after today and expires after it (by default the kind's service life later,
``SERVICE_YEARS``; 29 February → 28 February). Inspections fall between the installation and
today. Only a device 在用 can be inspected, replaced (it becomes 已更换, a new device of the same
kind takes its place and the old one gets a 已更换 inspection that day) or removed (已拆除, the day
and reason added to its note). Retired devices stay on record.

Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the devices of their grids (a
device's grid is its household's, unit's or building's): lists are filtered in SQL, a single
device outside them is ``PermissionDenied``. Bad input raises ``ValidationError`` by field before
anything is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, actor_of, require
from chang_shan.db.models import DeviceInspection, SafetyDevice
from chang_shan.db.models.safety import DEVICE_KINDS, INSPECTION_RESULTS
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population import access
from chang_shan.population.text import clean_note
from chang_shan.safety.coverage import coverage  # noqa: F401 - part of this module's interface
from chang_shan.safety.dates import month_end, years_after
from chang_shan.safety.placement import IN_USE, REMOVED, REPLACED, Location, Placement, resolve
from chang_shan.safety.shapes import DeviceFilter, DeviceInput, DeviceRow, InspectionRow

SERVICE_YEARS = {"燃气报警器": 5, "灭火器": 5, "烟感报警器": 10}
LONGEST_LIFE_YEARS = 30  # an expiry later than this after installation is a typing slip
_TEXT = {"location": "具体位置", "model": "型号", "serial": "编号"}
_LIMITS = {name: column_limit(SafetyDevice, name) for name in (*_TEXT, "note")}
_INSPECTOR_LIMIT = column_limit(DeviceInspection, "inspector")
_INSPECTION_NOTE_LIMIT = column_limit(DeviceInspection, "note")


def default_expiry(kind: str, installed_on: date) -> date:
    """The expiry a device gets when none is given: its kind's service life after installation."""
    return years_after(installed_on, SERVICE_YEARS[kind])


# --- checking what is written ------------------------------------------------------------------


def _device(session: Session, device_id: int, perm: Perm) -> SafetyDevice:
    """``perm``, the device (or ``NotFound``), and for a 网格员 the device's grid."""
    actor = require(session, perm)
    device = session.get(SafetyDevice, device_id)
    if device is None:
        raise NotFound("该设备不存在。")
    if access.scoped(actor):
        access.check_grid(actor, _grid_of(session, device_id))
    return device


def _grid_of(session: Session, device_id: int) -> int | None:
    place = Location()
    query = place.join(select(place.grid_id).select_from(SafetyDevice))
    return session.scalar(query.where(SafetyDevice.id == device_id))


def _in_use(device: SafetyDevice, what: str) -> None:
    if device.status != IN_USE:
        raise DomainError(f"该设备{device.status}，不能再{what}。")


def _check_day(errors: dict[str, str], key: str, label: str, day: date, *, today: date,
               installed_on: date | None) -> None:
    if day > today:
        errors[key] = f"{label}不能晚于今天。"
    elif installed_on is not None and day < installed_on:
        errors[key] = f"{label}不能早于安装日期（{installed_on:%Y-%m-%d}）。"


def _checked(
    session: Session, actor: Actor, data: DeviceInput, *, today: date, installed_on: date | None = None,
    first_inspection: date | None = None,
) -> tuple[Placement, dict[str, Any]]:
    """The place and the column values of ``data`` (``installed_on`` None: the given default), or
    ``ValidationError``; a place outside a 网格员's grids is ``PermissionDenied`` first."""
    errors: dict[str, str] = {}
    placement = resolve(session, errors, data.kind, data.household_id, data.unit_id, data.building_id)
    if placement is not None and access.scoped(actor):
        access.check_grid(actor, placement.grid_id)
    values: dict[str, Any] = {
        name: clean_field(errors, name, label, getattr(data, name), _LIMITS[name]) for name, label in _TEXT.items()
    }
    values["note"] = clean_field(errors, "note", "备注", data.note, _LIMITS["note"], clean_note)
    installed = data.installed_on or installed_on or today
    if installed > today:
        errors["installed_on"] = "安装日期不能晚于今天。"
    elif first_inspection is not None and installed > first_inspection:
        errors["installed_on"] = f"安装日期不能晚于已有的检查日期（{first_inspection:%Y-%m-%d}）。"
    expires = data.expires_on
    if expires is None and data.kind in SERVICE_YEARS:
        expires = default_expiry(data.kind, installed)
    if expires is not None and expires <= installed:
        errors["expires_on"] = f"到期日期须晚于安装日期（{installed:%Y-%m-%d}）。"
    elif expires is not None and expires > years_after(installed, LONGEST_LIFE_YEARS):
        errors["expires_on"] = f"到期日期不能晚于安装后 {LONGEST_LIFE_YEARS} 年，请检查。"
    if errors:
        raise ValidationError(errors)
    assert placement is not None
    values.update(kind=data.kind, household_id=placement.household_id, unit_id=placement.unit_id,
                  building_id=placement.building_id, installed_on=installed, expires_on=expires)
    return placement, values


def _apply(device: SafetyDevice, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(device, name, value)


def _inspector(actor: Actor) -> str:
    return actor.display_name or actor.username


# --- writing ------------------------------------------------------------------------------------


def add_device(session: Session, data: DeviceInput, *, today: date | None = None) -> DeviceRow:
    """A new device 在用 (``installed_on`` None: today; ``expires_on`` None: the service life)."""
    actor = require(session, Perm.EDIT)
    today = today or date.today()
    _placement, values = _checked(session, actor, data, today=today)
    device = SafetyDevice(status=IN_USE, **values)
    session.add(device)
    session.flush()
    return get_device(session, device.id, today=today)


def update_device(session: Session, device_id: int, data: DeviceInput, *, today: date | None = None) -> DeviceRow:
    """Correct a device (kind, place, dates, text). ``installed_on`` None keeps the recorded day;
    ``expires_on`` None is the service life after it. Its status does not change here."""
    device = _device(session, device_id, Perm.EDIT)
    actor = actor_of(session)
    assert actor is not None
    today = today or date.today()
    first = min((i.on_date for i in device.inspections), default=None)
    _placement, values = _checked(session, actor, data, today=today, installed_on=device.installed_on,
                                  first_inspection=first)
    _apply(device, values)
    session.flush()
    return get_device(session, device.id, today=today)


def replace_device(
    session: Session, device_id: int, data: DeviceInput, *, on: date | None = None, today: date | None = None,
) -> DeviceRow:
    """A new device in place of one 在用, on ``on`` (default today): the old one becomes 已更换 with
    a 已更换 inspection that day; the new one has the old one's kind and place (those of ``data``
    are not used), is installed on ``data.installed_on`` or ``on``, and gets ``data``'s text and
    expiry. Returns the new device."""
    old = _device(session, device_id, Perm.EDIT)
    _in_use(old, "更换")
    actor = actor_of(session)
    assert actor is not None
    today = today or date.today()
    on = on or today
    errors: dict[str, str] = {}
    _check_day(errors, "on", "更换日期", on, today=today, installed_on=old.installed_on)
    if errors:
        raise ValidationError(errors)
    # The old one's place: its household (wherever that is now), else its unit, else its building.
    in_household, in_unit = old.household_id is not None, old.unit_id is not None
    new_data = DeviceInput(
        kind=old.kind, household_id=old.household_id, unit_id=None if in_household else old.unit_id,
        building_id=None if in_household or in_unit else old.building_id, location=data.location,
        model=data.model, serial=data.serial, installed_on=data.installed_on or on, expires_on=data.expires_on,
        note=data.note,
    )
    _placement, values = _checked(session, actor, new_data, today=today)
    if values["installed_on"] < old.installed_on:
        raise ValidationError({"installed_on": f"新设备的安装日期不能早于旧设备的安装日期（{old.installed_on:%Y-%m-%d}）。"})
    old.status = REPLACED
    old.inspections.append(DeviceInspection(on_date=on, result=REPLACED, inspector=_inspector(actor),
                                            note="更换为新设备"))
    old.last_inspected_on = max(on, old.last_inspected_on or on)
    device = SafetyDevice(status=IN_USE, **values)
    session.add(device)
    session.flush()
    return get_device(session, device.id, today=today)


def remove_device(
    session: Session, device_id: int, *, on: date | None = None, note: str = "", today: date | None = None,
) -> DeviceRow:
    """A device 在用 is taken away on ``on`` (default today): 已拆除, with '拆除于 日期：原因' added
    to its note. It stays on record and no longer counts anywhere."""
    device = _device(session, device_id, Perm.EDIT)
    _in_use(device, "拆除")
    today = today or date.today()
    on = on or today
    errors: dict[str, str] = {}
    _check_day(errors, "on", "拆除日期", on, today=today, installed_on=device.installed_on)
    reason = clean_note(note)
    line = f"拆除于 {on:%Y-%m-%d}" + (f"：{reason}" if reason else "")
    combined = f"{device.note}\n{line}" if device.note else line
    if len(combined) > _LIMITS["note"]:
        room = _LIMITS["note"] - (len(combined) - len(reason))
        errors["note"] = f"拆除原因太长：加上原有备注最多还能写 {max(room, 0)} 个字。"
    if errors:
        raise ValidationError(errors)
    device.status = REMOVED
    device.note = combined
    session.flush()
    return get_device(session, device.id, today=today)


def record_inspection(
    session: Session, device_id: int, on: date | None, result: str, inspector: str = "", note: str = "", *,
    today: date | None = None,
) -> InspectionRow:
    """An inspection of a device 在用 on ``on`` (None: today), between its installation and today.
    ``result`` 正常 or 需维修 (a new device is ``replace_device``); an empty inspector is the
    signed-in user. The device's ``last_inspected_on`` follows its latest inspection."""
    device = _device(session, device_id, Perm.EDIT)
    _in_use(device, "检查")
    actor = actor_of(session)
    assert actor is not None
    today = today or date.today()
    on = on or today
    errors: dict[str, str] = {}
    _check_day(errors, "on", "检查日期", on, today=today, installed_on=device.installed_on)
    if result == REPLACED:
        errors["result"] = "换了新设备请用“更换”登记（旧设备会记为已更换）。"
    elif result not in INSPECTION_RESULTS:
        allowed = "、".join(r for r in INSPECTION_RESULTS if r != REPLACED)
        errors["result"] = f"检查结果只能是：{allowed}。"
    inspector = clean_field(errors, "inspector", "检查人", inspector, _INSPECTOR_LIMIT) or _inspector(actor)
    note = clean_field(errors, "note", "备注", note, _INSPECTION_NOTE_LIMIT, clean_note)
    if errors:
        raise ValidationError(errors)
    inspection = DeviceInspection(on_date=on, result=result, inspector=inspector, note=note)
    device.inspections.append(inspection)
    device.last_inspected_on = max(on, device.last_inspected_on or on)
    session.flush()
    return _inspection_row(inspection)


# --- reading -------------------------------------------------------------------------------------


def get_device(session: Session, device_id: int, *, today: date | None = None) -> DeviceRow:
    _device(session, device_id, Perm.VIEW)
    return _rows(session, SafetyDevice.id == device_id, today=today or date.today())[0]


def inspections(session: Session, device_id: int) -> list[InspectionRow]:
    """The device's inspections, newest first (same day: the one recorded last first)."""
    _device(session, device_id, Perm.VIEW)
    found = session.scalars(
        select(DeviceInspection).where(DeviceInspection.device_id == device_id)
        .order_by(DeviceInspection.on_date.desc(), DeviceInspection.id.desc())
    )
    return [_inspection_row(i) for i in found]


def list_devices(session: Session, flt: DeviceFilter, *, today: date | None = None) -> list[DeviceRow]:
    """The devices matching ``flt`` that the user may see, by building, unit and room, then kind.
    Without ``include_retired`` only devices 在用."""
    require(session, Perm.VIEW)
    place = Location()
    conditions: list[ColumnElement[bool]] = []
    if not flt.include_retired:
        conditions.append(SafetyDevice.status == IN_USE)
    if flt.kinds is not None:
        conditions.append(SafetyDevice.kind.in_(flt.kinds))
    if flt.grid_id is not None:
        conditions.append(place.grid_id == flt.grid_id)
    if flt.building_id is not None:
        conditions.append(place.building_id == flt.building_id)
    if flt.unit_id is not None:
        conditions.append(place.unit_id == flt.unit_id)
    if flt.household_id is not None:
        conditions.append(SafetyDevice.household_id == flt.household_id)
    if flt.expiring_by is not None:
        conditions += [SafetyDevice.status == IN_USE, SafetyDevice.expires_on <= flt.expiring_by]
    return _rows(session, *conditions, today=today or date.today(), place=place)


def expiring(session: Session, on: date) -> list[DeviceRow]:
    """Devices 在用 expiring on or before the last day of ``on``'s month that the user may see:
    those already expired first, then by date (``days_to_expiry`` counted from ``on``)."""
    require(session, Perm.VIEW)
    place = Location()
    return _rows(session, SafetyDevice.status == IN_USE, SafetyDevice.expires_on <= month_end(on), today=on,
                 place=place, order=(SafetyDevice.expires_on, *place.order()))


_KIND_ORDER = case({kind: position for position, kind in enumerate(DEVICE_KINDS)}, value=SafetyDevice.kind)


def _rows(session: Session, *conditions: Any, today: date, place: Location | None = None,
          order: tuple | None = None) -> list[DeviceRow]:
    place = place or Location()
    query = place.join(select(SafetyDevice, *place.columns())).where(*conditions)
    actor = actor_of(session)
    if access.scoped(actor):
        query = query.where(place.grid_id.in_(sorted(actor.grid_ids or ())))  # type: ignore[union-attr]
    query = query.order_by(*(order or place.order()), _KIND_ORDER, SafetyDevice.id)
    result = []
    for row in session.execute(query):
        d = row.SafetyDevice
        result.append(DeviceRow(
            id=d.id, kind=d.kind, place=Location.place(row), household_id=d.household_id,
            unit_id=row.place_unit_id, building_id=row.place_building_id, grid_id=row.grid_id,
            location=d.location, model=d.model, serial=d.serial, installed_on=d.installed_on,
            last_inspected_on=d.last_inspected_on, expires_on=d.expires_on, status=d.status, note=d.note,
            days_to_expiry=(d.expires_on - today).days,
        ))
    return result


def _inspection_row(i: DeviceInspection) -> InspectionRow:
    return InspectionRow(id=i.id, device_id=i.device_id, on_date=i.on_date, result=i.result, inspector=i.inspector,
                         note=i.note)
