"""The canteen tables on the audit screen: Chinese names and field labels for every column, there
as soon as the trail is imported; a membership change reads in Chinese and belongs to the person."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chang_shan.audit import trail
from chang_shan.canteen import members
from chang_shan.canteen.shapes import MemberInput
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from tests.canteen.office import TODAY, CanteenOffice

TABLES = {"canteen_member": "食堂用餐人员", "canteen_meal": "食堂用餐记录"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields
    assert table not in trail.RESTRICTED_PREFIXES  # ledger data, not health data


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    script = ("from chang_shan.audit import trail\n"
              "print(trail.TABLE_LABELS['canteen_meal'], trail.FIELD_LABELS['canteen_member']['route'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["食堂用餐记录", "送餐线路"]


def test_a_change_on_the_audit_screen(cdb: Database, canteen_office: CanteenOffice) -> None:
    son = canteen_office.town.son
    with cdb.transaction("新增用餐人员 张伟") as s:
        members.add_member(s, MemberInput(son, "送餐", route="三号线", note="少盐"), today=TODAY)
    cdb.actor = canteen_office.actors["admin"]
    with cdb.reader() as s:
        [entry] = trail.list_entries(s, resident_id=son, limit=1)
    assert entry.action == "新增用餐人员 张伟" and entry.resident_name == "张伟"
    assert "食堂用餐人员" in entry.summary and "送餐线路" in entry.summary and "三号线" in entry.summary
