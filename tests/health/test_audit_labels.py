"""The health and care tables on the audit screen: Chinese names and field labels, registered as
soon as the trail is imported, with health values restricted to the health permission."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chang_shan.accounts.permissions import Perm
from chang_shan.audit import trail
from chang_shan.db.base import Base

TABLES = {
    "health_profile": ("健康档案", Perm.HEALTH), "health_condition": ("既往史", Perm.HEALTH),
    "health_family_history": ("家族史", Perm.HEALTH), "health_self_care": ("生活自理能力评估", Perm.HEALTH),
    "health_visit": ("随访记录", Perm.HEALTH), "resident_contact": ("紧急联系人", None),
    "care_assignment": ("包保关系", None),
}


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    label, perm = TABLES[table]
    assert trail.TABLE_LABELS[table] == label
    fields = trail.FIELD_LABELS[table]
    columns = set(Base.metadata.tables[table].c.keys())
    assert set(fields) == columns
    assert all(_han(text) for text in fields.values()), fields
    assert trail.RESTRICTED_PREFIXES.get(table) is perm


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    """A fresh interpreter that imports only the audit trail (as the audit screen and the CLI do)."""
    script = (
        "from chang_shan.audit import trail\n"
        "print(trail.TABLE_LABELS['health_profile'], trail.FIELD_LABELS['resident_contact']['relation'],"
        " trail.RESTRICTED_PREFIXES['health_visit'].value)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                         encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["健康档案", "关系", "health"]
