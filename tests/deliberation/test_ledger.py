"""The 四步议事 ledger around the steps: the today list's 议事公示期满待确认, who may read and write,
the audit screen's labels."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.deliberation import matters, queries
from chang_shan.deliberation.shapes import MatterInput
from chang_shan.errors import PermissionDenied
from chang_shan.today.registry import build_today
from tests.accounts.office import Office
from tests.deliberation.helpers import TODAY, new_matter, passed, record, through


def test_the_today_list_shows_ended_notices(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 4)  # notice 2026-01-31 … 2026-02-06
    other = new_matter(db, "停车收费")
    through(db, other, 3)
    record(db, other, passed(4, date(2026, 2, 3)))  # notice 2026-02-03 … 2026-02-09
    with db.reader() as s:
        assert build_today(s, date(2026, 2, 6)).section("deliberation_notice_due").items == ()
        section = build_today(s, date(2026, 2, 9)).section("deliberation_notice_due")
        later = build_today(s, date(2026, 2, 12)).section("deliberation_notice_due")
    assert section.title == "议事公示期满待确认"
    [item] = section.items
    assert (item.name, item.due_on, item.days_overdue, item.target) == ("燃气管道更新", date(2026, 2, 7), 2, ("matter", mid))
    assert item.text == "YS2026-001 公示期 2026-01-31 至 2026-02-06 已满，无异议的请确认决议"
    assert [i.target for i in later.items] == [("matter", mid), ("matter", other)]  # the longest waiting first
    with db.transaction("确认决议") as s:
        matters.close_notice(s, mid, queries.matter_detail(s, mid).version, date(2026, 2, 12), today=TODAY)
    with db.reader() as s:
        assert [i.target for i in build_today(s, date(2026, 2, 12)).section("deliberation_notice_due").items] == [
            ("matter", other)]


def test_the_section_comes_after_the_volunteers(db: Database) -> None:
    from chang_shan.today.registry import sections

    keys = {s.key: s.order for s in sections()}
    assert keys["deliberation_notice_due"] == 120


@pytest.mark.parametrize("role", ["reader", "grid_own"])
def test_readers_read_and_only_editors_write(office: Office, office_db: Database, role: str) -> None:
    office_db.actor = office.actors["worker"]
    mid = new_matter(office_db)
    office_db.actor = office.actors[role]
    with office_db.reader() as s:
        assert [r.id for r in queries.matters(s)] == [mid]
        assert queries.matter_choices(s)[0][0] == "YS2026-001"
    if role == "reader":
        with pytest.raises(PermissionDenied), office_db.transaction("新增议题") as s:
            matters.create_matter(s, MatterInput("停车收费", "", "", TODAY), today=TODAY)
        with pytest.raises(PermissionDenied), office_db.transaction("记录") as s:
            matters.record_step(s, mid, 1, passed(1, date(2026, 1, 10)), today=TODAY)
    else:  # a 网格员 speaks for the grid in the community's matters
        assert record(office_db, mid, passed(1, date(2026, 1, 10))).next_step == 2


def test_nobody_signed_in_reads_nothing(office: Office, office_db: Database) -> None:
    office_db.actor = None
    with pytest.raises(PermissionDenied), office_db.reader() as s:
        queries.matters(s)
    with pytest.raises(PermissionDenied), office_db.reader() as s:
        queries.matter_choices(s)


TABLES = {"deliberation_matter": "四步议事议题", "deliberation_step": "四步议事步骤记录"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    script = ("from chang_shan.audit import trail\n"
              "print(trail.TABLE_LABELS['deliberation_step'], trail.FIELD_LABELS['deliberation_step']['votes_for'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["四步议事步骤记录", "同意票数"]


def test_a_recorded_step_reads_in_chinese_on_the_audit_screen(office: Office, office_db: Database) -> None:
    office_db.actor = office.actors["worker"]
    mid = new_matter(office_db)
    record(office_db, mid, passed(1, date(2026, 1, 10)))
    office_db.actor = office.actors["admin"]
    with office_db.reader() as s:
        [entry] = trail.list_entries(s, limit=1)
    assert entry.action == "记录议事步骤 1"
    assert "四步议事步骤记录" in entry.summary and "第一步 社区党委提议" in entry.summary
    assert "下一步骤" in entry.summary and "第二步 社区“两委”商议" in entry.summary
