"""Safety devices in the audit trail (Chinese names and labels, registered as soon as the trail is
imported) and undo of the last action."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.db.models import DeviceInspection, SafetyDevice
from chang_shan.errors import NotFound, PermissionDenied
from chang_shan.population import undo
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceInput
from tests.safety.office import TODAY, SafetyOffice


@pytest.mark.parametrize(("table", "label"), [("safety_device", "安全设备"), ("device_inspection", "设备检查记录")])
def test_every_column_has_a_chinese_label(table: str, label: str) -> None:
    assert trail.TABLE_LABELS[table] == label
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields
    assert table not in trail.RESTRICTED_PREFIXES  # ledger data, not health or will data


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    script = ("from chang_shan.audit import trail\n"
              "print(trail.TABLE_LABELS['safety_device'], trail.FIELD_LABELS['device_inspection']['result'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["安全设备", "检查结果"]


def _counts(db: Database) -> tuple[int, int]:
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(SafetyDevice)) or 0,
                s.scalar(select(func.count()).select_from(DeviceInspection)) or 0)


def test_changes_are_in_the_trail_and_the_last_one_can_be_undone(
    safety_office: SafetyOffice, safety_db: Database,
) -> None:
    town = safety_office.town
    alarm = safety_office.devices["alarm"]
    safety_db.actor = safety_office.actors["worker"]
    with safety_db.transaction("新增燃气报警器 3号楼1单元101") as s:
        added = devices.add_device(s, DeviceInput("燃气报警器", household_id=town.h101, model="JT-1",
                                                  installed_on=date(2026, 11, 1)), today=TODAY)
    with safety_db.transaction("修改燃气报警器 3号楼1单元101") as s:
        devices.update_device(s, added.id, DeviceInput("燃气报警器", household_id=town.h101, model="JT-2",
                                                       installed_on=date(2026, 11, 1)), today=TODAY)
    with safety_db.transaction("检查燃气报警器 3号楼2单元301") as s:
        devices.record_inspection(s, alarm, date(2026, 11, 20), "需维修", note="报警灯不亮", today=TODAY)
    with safety_db.transaction("更换燃气报警器 3号楼2单元301") as s:
        new = devices.replace_device(s, alarm, DeviceInput(model="JT-3"), today=TODAY)

    safety_db.actor = safety_office.actors["admin"]
    with safety_db.reader() as s:
        replaced, inspected, changed, created = trail.list_entries(s, limit=4)
    assert (created.user, created.action) == ("worker", "新增燃气报警器 3号楼1单元101")
    assert "新增安全设备" in created.summary and "设备类型 燃气报警器" in created.summary
    assert "型号：JT-1 → JT-2" in changed.summary
    assert "新增设备检查记录" in inspected.summary and "检查结果 需维修" in inspected.summary
    assert "状态：在用 → 已更换" in replaced.summary and "检查结果 已更换" in replaced.summary

    before = _counts(safety_db)
    safety_db.actor = safety_office.actors["grid_own"]  # not theirs, and not an administrator
    with pytest.raises(PermissionDenied), safety_db.transaction("撤销") as s:
        undo.undo_last(s)
    safety_db.actor = safety_office.actors["worker"]
    with safety_db.transaction("撤销") as s:
        assert undo.undo_last(s) == "更换燃气报警器 3号楼2单元301"
    assert _counts(safety_db) == (before[0] - 1, before[1] - 1)
    with safety_db.reader() as s:
        old = devices.get_device(s, alarm, today=TODAY)
        assert (old.status, old.last_inspected_on) == ("在用", date(2026, 11, 20))
        assert [i.result for i in devices.inspections(s, alarm)] == ["需维修"]
        with pytest.raises(NotFound):
            devices.get_device(s, new.id)
    for action in ("检查燃气报警器 3号楼2单元301", "修改燃气报警器 3号楼1单元101", "新增燃气报警器 3号楼1单元101"):
        with safety_db.transaction("撤销") as s:
            assert undo.undo_last(s) == action
    assert _counts(safety_db) == (3, 0)
    with safety_db.reader() as s:
        assert devices.get_device(s, alarm, today=TODAY).last_inspected_on is None


def test_a_removal_is_undone(safety_office: SafetyOffice, safety_db: Database) -> None:
    safety_db.actor = safety_office.actors["grid_own"]
    extinguisher = safety_office.devices["extinguisher"]
    with safety_db.transaction("拆除灭火器 3号楼1单元") as s:
        devices.remove_device(s, extinguisher, note="损坏", today=TODAY)
    with safety_db.transaction("撤销") as s:
        assert undo.undo_last(s) == "拆除灭火器 3号楼1单元"
    with safety_db.reader() as s:
        back = devices.get_device(s, extinguisher, today=TODAY)
    assert (back.status, back.note) == ("在用", "")
