"""The demo's safety devices: gas alarms in most homes, a micro fire station in every unit and street
of the 平房区, each device where its kind belongs, its dates and inspections as the services keep them."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import Building, DeviceInspection, Household, SafetyDevice, Unit
from chang_shan.demo.builder import DemoSummary
from chang_shan.demo.layout import LOW_RISE_STREETS
from chang_shan.paths import DataDir
from chang_shan.safety import devices as service
from chang_shan.safety.dates import month_end, years_after
from tests.demo.reading import demo_session, grouped
from tests.demo.template import TODAY

GAS, EXTINGUISHER, SMOKE = "燃气报警器", "灭火器", "烟感报警器"


@pytest.fixture(scope="module")
def facts(demo: tuple[DataDir, DemoSummary]):  # noqa: ANN201
    with demo_session(demo) as s:
        return {
            "devices": list(s.scalars(select(SafetyDevice).order_by(SafetyDevice.id))),
            "inspections": grouped(s, DeviceInspection, "device_id"),
            "households": {h.id: h for h in s.execute(select(Household.id, Household.unit_id,
                                                             Household.building_id))},
            "units": dict(s.execute(select(Unit.id, Unit.building_id)).all()),
            "kinds": dict(s.execute(select(Building.id, Building.kind)).all()),
        }


def test_gas_alarms_in_most_homes(facts, demo: tuple[DataDir, DemoSummary]) -> None:  # noqa: ANN001
    in_use = [d for d in facts["devices"] if d.status == "在用"]
    gas = [d for d in in_use if d.kind == GAS]
    per_home = Counter(d.household_id for d in gas)
    assert max(per_home.values()) == 1
    assert 0.89 <= len(per_home) / len(facts["households"]) <= 0.95
    assert (len(in_use), len(gas)) == (demo[1].safety_devices, demo[1].gas_alarms)
    # Installed over the past five years (those already expired a little before).
    assert all(d.installed_on > years_after(TODAY, -5) - timedelta(days=120) for d in gas)
    replaced = [d for d in facts["devices"] if d.kind == GAS and d.status == "已更换"]
    assert 0.05 <= len(replaced) / len(gas) <= 0.15


def test_every_device_is_where_its_kind_belongs(facts) -> None:  # noqa: ANN001
    households, units, kinds = facts["households"], facts["units"], facts["kinds"]
    for d in facts["devices"]:
        if d.kind == GAS:
            home = households[d.household_id]
            assert (d.unit_id, d.building_id) == (home.unit_id, home.building_id), d.id
        else:
            assert d.household_id is None, d.id
            if d.unit_id is not None:
                assert d.building_id == units[d.unit_id]
            else:
                assert kinds[d.building_id] == "平房区"
    stations = Counter((d.kind, d.unit_id, d.building_id) for d in facts["devices"]
                       if d.status == "在用" and d.kind != GAS)
    for unit_id, building_id in units.items():  # a micro fire station in every unit
        assert stations[(EXTINGUISHER, unit_id, building_id)] == 2
        assert stations[(SMOKE, unit_id, building_id)] in (1, 2)
    low_rise = next(b for b, kind in kinds.items() if kind == "平房区")
    assert stations[(EXTINGUISHER, None, low_rise)] == 2 * len(LOW_RISE_STREETS)
    assert stations[(SMOKE, None, low_rise)] == len(LOW_RISE_STREETS)


def test_dates_replacements_and_inspections(facts) -> None:  # noqa: ANN001
    life = service.SERVICE_YEARS
    inspections = facts["inspections"]
    successors = defaultdict(list)
    for d in facts["devices"]:
        if d.status == "在用":
            successors[(d.kind, d.household_id, d.unit_id, d.building_id)].append(d)
    for d in facts["devices"]:
        assert d.expires_on == years_after(d.installed_on, life[d.kind]) and d.installed_on <= TODAY, d.id
        days = [i.on_date for i in inspections[d.id]]
        assert days == sorted(days) and all(d.installed_on < day <= TODAY for day in days), d.id
        assert d.last_inspected_on == (max(days) if days else None), d.id
        assert all(i.inspector for i in inspections[d.id])
        if d.status == "已更换":
            last = inspections[d.id][-1]
            assert last.result == "已更换" and sum(i.result == "已更换" for i in inspections[d.id]) == 1
            new = successors[(d.kind, d.household_id, d.unit_id, d.building_id)]
            assert any(n.installed_on == last.on_date > d.installed_on for n in new), d.id
        else:
            assert d.status == "在用" and all(i.result != "已更换" for i in inspections[d.id])
    results = Counter(i.result for found in inspections.values() for i in found)
    total = sum(results.values())
    assert results["正常"] / total >= 0.9 and 0.02 <= results["需维修"] / total <= 0.07
    assert all(i.note for found in inspections.values() for i in found if i.result == "需维修")
    # The gas company's checks this autumn (September to November) have reached most homes so far.
    gas = [d for d in facts["devices"] if d.kind == GAS and d.status == "在用"
           and d.installed_on < TODAY.replace(month=9, day=1)]
    assert sum(1 for d in gas if d.last_inspected_on and d.last_inspected_on.year == TODAY.year) >= 0.75 * len(gas)


def test_a_few_expired_or_expiring_this_month(demo_db: Database) -> None:
    with demo_db.reader() as s:
        due = service.expiring(s, TODAY)
    expired = [d for d in due if d.expires_on < TODAY]
    assert 2 <= len(expired) <= 10 and 3 <= len(due) - len(expired) <= 15
    assert all(d.status == "在用" and d.expires_on <= month_end(TODAY) for d in due)
    assert {d.kind for d in due} >= {GAS}
