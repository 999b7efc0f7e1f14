"""The party tables on the audit screen: a Chinese name and a label for every column; a member's
change reads in Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.party import members
from chang_shan.party.shapes import MemberInput
from tests.party.office import TODAY, PartyOffice

TABLES = {"party_org": "党组织", "party_member": "党员", "party_member_event": "党员变动", "party_post": "党内职务",
          "party_study_day": "主题党日", "party_study_attendance": "主题党日出席"}


def test_every_party_table_is_labelled() -> None:
    party_tables = {name for name in Base.metadata.tables if name.startswith("party_")}
    assert party_tables == set(TABLES)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields
    assert table not in trail.RESTRICTED_PREFIXES


def test_a_new_member_on_the_audit_screen(pdb: Database, party_office: PartyOffice) -> None:
    wang = party_office.town.wang
    with pdb.transaction("新增党员 王淑芬") as s:
        members.add_member(s, MemberInput(wang, party_office.group1, date(1962, 7, 1)), today=TODAY)
    pdb.actor = party_office.actors["admin"]
    with pdb.reader() as s:
        [entry] = trail.list_entries(s, limit=1)
    assert entry.action == "新增党员 王淑芬"
    assert "党员" in entry.summary and "入党日期（政治生日）" in entry.summary
