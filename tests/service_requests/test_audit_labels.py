"""The request tables on the audit screen: Chinese names and a label for every column, registered
as soon as the trail is imported; a request's change shows there in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from tests.service_requests.office import ServiceOffice, intake, new_request

TABLES = {"service_category": "服务类别", "service_request": "服务请求", "service_request_event": "服务请求记录"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in fields.values()), fields
    assert trail.RESTRICTED_PREFIXES.get(table) is None  # ledger data, not health or wills


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    script = ("from chang_shan.audit import trail\n"
              "print(trail.TABLE_LABELS['service_request'], trail.FIELD_LABELS['service_request_event']['kind'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["服务请求", "环节"]


def test_a_request_on_the_audit_screen(service_office: ServiceOffice, sdb: Database) -> None:
    new_request(sdb, intake(service_office.town.zhang, content="上门理发"), today=date(2026, 5, 1))
    sdb.actor = service_office.actors["admin"]
    with sdb.reader() as s:
        newest = trail.list_entries(s, limit=1)[0]
    assert newest.action == "受理服务请求" and newest.resident_name == "张立春"
    assert "服务内容" in newest.summary and "上门理发" in newest.summary
