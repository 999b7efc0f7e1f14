"""Permissions: a 只读 account reads but cannot write; a 网格员 sees and changes only members living
in their grids; nobody signed in sees nothing."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.party import members, queries, study
from chang_shan.party.shapes import MemberInput
from chang_shan.today.registry import build_today
from tests.party.office import TODAY, PartyOffice


@pytest.fixture
def liu_member(pdb: Database, party_office: PartyOffice) -> int:
    with pdb.transaction("新增党员") as s:
        return members.add_member(s, MemberInput(party_office.base.liu, party_office.branch2, date(2010, 7, 1)),
                                  today=TODAY)


def test_read_only_reads_but_cannot_write(pdb: Database, party_office: PartyOffice, liu_member: int) -> None:
    o = party_office
    pdb.actor = o.actors["reader"]
    with pdb.reader() as s:
        assert [r.name for r in queries.members(s, today=TODAY)] == ["张立春", "刘明"]
        assert queries.member_detail(s, liu_member, today=TODAY).row.name == "刘明"
    for write in (
        lambda s: members.add_member(s, MemberInput(o.town.wang, o.group1, date(1970, 1, 1)), today=TODAY),
        lambda s: members.record_event(s, liu_member, "出党", date(2026, 1, 1), today=TODAY),
        lambda s: study.record_study_day(s, o.branch2, date(2026, 3, 15), topic="学习", present_ids=[liu_member],
                                         absent={}, today=TODAY),
    ):
        with pdb.transaction("改") as s, pytest.raises(PermissionDenied):
            write(s)


def test_a_grid_worker_reaches_only_their_grids(pdb: Database, party_office: PartyOffice, liu_member: int) -> None:
    o = party_office
    pdb.actor = o.actors["grid_other"]  # grid 2: 刘明's
    with pdb.reader() as s:
        assert [r.name for r in queries.members(s, today=TODAY)] == ["刘明"]
        assert [h.address for h in queries.households_of(s, o.committee)] == ["平房区 长山路12号"]
        with pytest.raises(PermissionDenied):
            queries.member_detail(s, o.zhang_member, today=TODAY)
        assert [n.name for n in queries.org_tree(s)] == ["长山花园社区党委"]  # the tree itself is not personal
    with pdb.transaction("新增党员") as s, pytest.raises(PermissionDenied):
        members.add_member(s, MemberInput(o.town.wang, o.group1, date(1970, 1, 1)), today=TODAY)
    with pdb.transaction("出党") as s, pytest.raises(PermissionDenied):
        members.record_event(s, o.zhang_member, "其他", date(2026, 1, 1), "x", today=TODAY)
    with pdb.transaction("主题党日") as s, pytest.raises(PermissionDenied):  # 张立春 lives in grid 1
        study.record_study_day(s, o.committee, date(2026, 3, 15), topic="学习", present_ids=[o.zhang_member, liu_member],
                               absent={}, today=TODAY)
    with pdb.transaction("主题党日") as s:
        day = study.record_study_day(s, o.branch2, date(2026, 3, 15), topic="学习", present_ids=[], absent={liu_member: "外出"},
                                     today=TODAY)
    pdb.actor = o.actors["grid_own"]
    with pdb.reader() as s:
        assert study.attendance(s, day) == []  # 刘明 is not in grid 1
        assert build_today(s, TODAY).section("party_study_followup").items == ()  # type: ignore[union-attr]
        assert [r.name for r in queries.members(s, today=TODAY)] == ["张立春"]


def test_nobody_signed_in_sees_nothing(pdb: Database) -> None:
    pdb.actor = None
    with pdb.reader() as s, pytest.raises(PermissionDenied):
        queries.members(s)
