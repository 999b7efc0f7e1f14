"""The demo's safety devices: a smart gas alarm in about 92 % of households (installed over the past
five years, most during the 2022–2023 programme; a few expired or expiring this month; some
households on their second alarm, the first 已更换), and the micro fire stations: two
extinguishers and one or two smoke detectors in every stair unit, and at each street of the 平房区
(a building without units), set up four to six years ago — extinguishers past their five years
already replaced. Yearly inspections: the gas company's in the autumn, the fire checks around
11.9 (消防宣传日); 正常 mostly, a few 需维修.

As ``chang_shan.safety.devices`` records them: a household's alarm carries the household's unit and
building; expiry is the kind's service life after installation (``SERVICE_YEARS``); a replaced
device gets a 已更换 inspection on the day; ``last_inspected_on`` is its latest inspection.
Drawn from its own random stream (seed, community, "safety").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from chang_shan.db.models import DeviceInspection, SafetyDevice
from chang_shan.demo.health import _Staff
from chang_shan.demo.households import _Family, _HouseholdPlan
from chang_shan.demo.layout import LOW_RISE_STREETS
from chang_shan.demo.sampling import _random_day
from chang_shan.safety.dates import month_end, years_after
from chang_shan.safety.devices import SERVICE_YEARS

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

GAS, EXTINGUISHER, SMOKE = "燃气报警器", "灭火器", "烟感报警器"
GAS_SHARE = {"楼房": 0.94, "平房区": 0.82}  # households with an alarm
GAS_EXPIRED, GAS_EXPIRING = 4, 6  # per community: alarms past their expiry / expiring this month
GAS_REPLACED = 0.10  # households on their second alarm
WORN_OUT = 0.7  # of those: the first reached its five years (else it failed)
MODELS = {GAS: ("JT-AEC2361", "JT-GSTN9001", "JT-HW-KB12"), EXTINGUISHER: ("MFZ/ABC4",),
          SMOKE: ("JTY-GD-G3", "JTY-GF-SD05")}
SERIAL = {GAS: "RQ", EXTINGUISHER: "MH", SMOKE: "YG"}
UNIT_PLACES = {EXTINGUISHER: ("单元长家中", "1楼楼梯口"), SMOKE: ("1楼楼梯间", "顶层楼梯间")}
NEEDS_REPAIR = 0.04
REPAIR_NOTES = {
    GAS: ("电池电量低，已提醒住户更换", "自检无声，建议更换", "探头积油污，已清洁，建议复查"),
    EXTINGUISHER: ("压力表指针接近红区，需充装", "喷管老化开裂，需更换喷管"),
    SMOKE: ("指示灯不闪，需更换电池", "探测器积灰，需清洁"),
}
GAS_COMPANY = "长春燃气"


@dataclass
class _Device:
    kind: str
    installed: date
    expires: date
    status: str = "在用"
    household_id: int | None = None
    unit_id: int | None = None
    building_id: int | None = None
    location: str = ""
    inspections: list[tuple[date, str, str, str]] = field(default_factory=list)  # day, result, inspector, note


class _SafetyMixin(_Base):
    def _safety(self, index: int, households: list[_HouseholdPlan], unit_ids: dict[tuple[int, int], int],
                building_ids: dict[int, int]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/safety")
        staff = _Staff(random.Random(f"chang-shan-demo/{self.seed}/{index}/health"), self._name)
        fitters = [f"{GAS_COMPANY} {_Family(rng, '01').surname()}师傅" for _ in range(3)]
        devices: list[_Device] = []
        self._gas_alarms(rng, households, fitters, devices)
        grid_of_building = {d.building_id: d.grid_index for d in (plan.dwelling for plan in households)}
        low_rise = next(plan.dwelling.building_id for plan in households if plan.dwelling.unit_id is None)
        stations = []  # (unit id or None, building id, name of the street in the 平房区)
        for (number, _u), unit_id in sorted(unit_ids.items()):
            stations.append((unit_id, building_ids[number], ""))
        stations += [(None, low_rise, street) for street, _ in LOW_RISE_STREETS]
        opened = {bid: _random_day(rng, years_after(self.today, -6), years_after(self.today, -4))
                  for bid in sorted(set(building_ids.values()) | {low_rise})}
        for unit_id, building_id, street in stations:
            worker = staff.worker_of_grid(rng, grid_of_building[building_id])
            self._fire_station(rng, unit_id, building_id, street, opened[building_id], worker, devices)
        self._write_devices(devices)

    # --- gas alarms ------------------------------------------------------------------------------

    def _gas_alarms(self, rng: random.Random, households: list[_HouseholdPlan], fitters: list[str],
                    devices: list[_Device]) -> None:
        homes = [plan for plan in households if any(p.status == "在册" for p in plan.people)
                 and rng.random() < GAS_SHARE["平房区" if plan.dwelling.unit_id is None else "楼房"]]
        special = rng.sample(range(len(homes)), GAS_EXPIRED + GAS_EXPIRING)
        expired, expiring = set(special[:GAS_EXPIRED]), set(special[GAS_EXPIRED:])
        life = SERVICE_YEARS[GAS]
        end = month_end(self.today)
        earliest = years_after(end, -life) + timedelta(days=1)  # expires after this month
        programme = (max(earliest, years_after(self.today, -4) - timedelta(days=180)), years_after(self.today, -3))
        for n, plan in enumerate(homes):
            d = plan.dwelling
            place = {"household_id": plan.id, "unit_id": d.unit_id, "building_id": d.building_id}
            if n in expired:
                expired_on = _random_day(rng, self.today - timedelta(days=100), self.today - timedelta(days=1))
                installed = years_after(expired_on, -life)
            elif n in expiring:
                installed = years_after(_random_day(rng, self.today, end), -life)
            elif rng.random() < 0.5:
                installed = _random_day(rng, *programme)
            else:
                installed = _random_day(rng, earliest, self.today - timedelta(days=7))
            if n not in expired and n not in expiring and rng.random() < GAS_REPLACED:
                if rng.random() < WORN_OUT:  # replaced shortly before its five years were up
                    first = years_after(installed, -life) + timedelta(days=rng.randint(0, 45))
                    reason = ""
                else:
                    first = installed - timedelta(days=rng.randint(200, 1400))
                    reason = "failed"
                old = _Device(GAS, first, years_after(first, life), "已更换", location="厨房", **place)
                self._inspect_yearly(rng, old, installed - timedelta(days=1), (9, 1), (11, 30), fitters, GAS)
                if reason:
                    self._found_faulty(rng, old, installed, rng.choice(fitters))
                old.inspections.append((installed, "已更换", rng.choice(fitters), "更换为新设备"))
                devices.append(old)
            device = _Device(GAS, installed, years_after(installed, life), location="厨房", **place)
            self._inspect_yearly(rng, device, self.today, (9, 1), (11, 30), fitters, GAS)
            devices.append(device)

    # --- micro fire stations -------------------------------------------------------------------

    def _fire_station(self, rng: random.Random, unit_id: int | None, building_id: int, street: str, opened: date,
                      worker: str, devices: list[_Device]) -> None:
        place = {"unit_id": unit_id, "building_id": building_id}
        installed = opened + timedelta(days=rng.randint(0, 20))
        smoke = 2 if rng.random() < 0.6 else 1
        spots = ([(EXTINGUISHER, loc) for loc in UNIT_PLACES[EXTINGUISHER]]
                 + [(SMOKE, loc) for loc in UNIT_PLACES[SMOKE][:smoke]]) if unit_id is not None else (
            [(EXTINGUISHER, f"{street}微型消防站")] * 2 + [(SMOKE, f"{street}微型消防站")])
        for kind, location in spots:
            life = SERVICE_YEARS[kind]
            device = _Device(kind, installed, years_after(installed, life), location=location, **place)
            replaced_on = None
            if device.expires < self.today:  # past its service life: replaced shortly before
                early = device.expires - timedelta(days=rng.randint(0, 45))
                replaced_on = min(self.today - timedelta(days=1), max(installed + timedelta(days=1), early))
            elif kind == SMOKE and rng.random() < 0.05:  # failed
                replaced_on = _random_day(rng, installed + timedelta(days=200), self.today - timedelta(days=30))
            if replaced_on is None:
                self._inspect_yearly(rng, device, self.today, (10, 20), (11, 20), [worker], kind)
                devices.append(device)
                continue
            device.status = "已更换"
            self._inspect_yearly(rng, device, replaced_on - timedelta(days=1), (10, 20), (11, 20), [worker], kind)
            if kind == SMOKE:
                self._found_faulty(rng, device, replaced_on, worker)
            device.inspections.append((replaced_on, "已更换", worker, "更换为新设备"))
            devices.append(device)
            new = _Device(kind, replaced_on, years_after(replaced_on, life), location=location, **place)
            self._inspect_yearly(rng, new, self.today, (10, 20), (11, 20), [worker], kind)
            devices.append(new)

    # --- inspections and rows ------------------------------------------------------------------

    def _inspect_yearly(self, rng: random.Random, device: _Device, last: date, season_from: tuple[int, int],
                        season_to: tuple[int, int], inspectors: list[str], kind: str) -> None:
        """One check a year in the season, after installation and not after ``last`` (some missed:
        nobody home)."""
        for year in range(device.installed.year, last.year + 1):
            on = _random_day(rng, date(year, *season_from), date(year, *season_to))
            if not device.installed < on <= last or rng.random() < 0.08:
                continue
            if rng.random() < NEEDS_REPAIR:
                device.inspections.append((on, "需维修", rng.choice(inspectors), rng.choice(REPAIR_NOTES[kind])))
            else:
                device.inspections.append((on, "正常", rng.choice(inspectors), ""))

    def _found_faulty(self, rng: random.Random, device: _Device, replaced_on: date, inspector: str) -> None:
        """The check that found a device faulty, a little before it was replaced."""
        on = replaced_on - timedelta(days=rng.randint(1, 20))
        if on > device.installed and all(day < on for day, *_ in device.inspections):
            note = "探测器故障，建议更换" if device.kind == SMOKE else "报警器故障，建议更换"
            device.inspections.append((on, "需维修", inspector, note))

    def _write_devices(self, devices: list[_Device]) -> None:
        rows, inspections = [], []
        for device in devices:
            device_id = self._ids("safety_device")
            rows.append({
                "id": device_id, "kind": device.kind, "household_id": device.household_id,
                "unit_id": device.unit_id, "building_id": device.building_id, "location": device.location,
                "model": MODELS[device.kind][device_id % len(MODELS[device.kind])],
                "serial": f"{SERIAL[device.kind]}{device.installed:%Y}{device_id:06d}",
                "installed_on": device.installed,
                "last_inspected_on": max((day for day, *_ in device.inspections), default=None),
                "expires_on": device.expires, "status": device.status, "note": "",
            })
            for on, result, inspector, note in device.inspections:
                inspections.append({"device_id": device_id, "on_date": on, "result": result,
                                    "inspector": inspector, "note": note})
        inspections.sort(key=lambda row: (row["on_date"], row["device_id"]))
        for row in inspections:
            row["id"] = self._ids("device_inspection")
        self._insert(SafetyDevice.__table__, rows)
        self._insert(DeviceInspection.__table__, inspections)
        in_use = [row for row in rows if row["status"] == "在用"]
        self.counts["safety_devices"] += len(in_use)
        self.counts["gas_alarms"] += sum(1 for row in in_use if row["kind"] == GAS)
        self.counts["inspections"] += len(inspections)
