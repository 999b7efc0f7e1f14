"""The monthly study day: who must be marked, what is refused, follow-ups, the lists, the next
study day from the setting."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, ValidationError
from chang_shan.party import members, study
from chang_shan.party.shapes import MemberInput
from chang_shan.settings import set_setting
from tests.party.office import TODAY, PartyOffice

HELD = date(2026, 3, 15)


@pytest.fixture
def three(pdb: Database, party_office: PartyOffice) -> tuple[int, int, int]:
    """张立春 (branch 1), 李桂兰 and 王淑芬 (its 党小组) as members; 刘明 in branch 2."""
    o, town = party_office, party_office.town
    with pdb.transaction("新增党员") as s:
        li = members.add_member(s, MemberInput(town.li, o.group1, date(1976, 7, 1)), today=TODAY)
        wang = members.add_member(s, MemberInput(town.wang, o.group1, date(1960, 7, 1)), today=TODAY)
        members.add_member(s, MemberInput(o.base.liu, o.branch2, date(2010, 7, 1)), today=TODAY)
    return o.zhang_member, li, wang


def record(db: Database, org_id: int, held: date = HELD, **values: object) -> int:
    with db.transaction("登记主题党日") as s:
        return study.record_study_day(s, org_id, held, **{"topic": "重温入党誓词", **values}, today=TODAY)  # type: ignore[arg-type]


def problems(db: Database, org_id: int, held: date = HELD, **values: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        record(db, org_id, held, **values)
    return caught.value.errors


def test_every_member_is_marked_and_nothing_else(pdb: Database, party_office: PartyOffice, three) -> None:  # noqa: ANN001
    zhang, li, wang = three
    o = party_office
    with pdb.reader() as s:
        assert study.expected_members(s, o.branch1, HELD) == sorted([zhang, li, wang])
        assert study.expected_members(s, o.branch1, date(1970, 1, 15)) == [wang]  # only she had joined
    assert problems(pdb, o.branch1, present_ids=[zhang, li], absent={}) == {
        "attendance": "还有 1 名党员没有记录出席或缺席。"}
    assert problems(pdb, o.branch1, present_ids=[zhang, li, wang], absent={wang: "生病"}) == {
        "attendance": "有 1 名党员同时记为出席和缺席。"}
    with pdb.reader() as s:
        [liu_id] = study.expected_members(s, o.branch2, HELD)
    assert problems(pdb, o.branch1, present_ids=[zhang, li, wang, liu_id], absent={}) == {
        "attendance": "有 1 人不是“第一网格党支部”当天的党员。"}
    assert problems(pdb, o.branch1, date(2026, 4, 15), present_ids=[zhang, li, wang], absent={}) == {
        "held_on": "主题党日还没有举行：日期不能晚于今天。"}
    assert problems(pdb, o.group1, present_ids=[li, wang], absent={})["org_id"].startswith("主题党日由党支部")
    assert problems(pdb, o.branch1, topic=" ", present_ids=[zhang, li, wang], absent={}) == {
        "topic": "请填写主题，如“学习贯彻党的二十届三中全会精神”。"}
    day = record(pdb, o.branch1, present_ids=[zhang, li], absent={wang: " 生病住院 "}, place="社区党群服务中心")
    assert problems(pdb, o.branch1, present_ids=[zhang, li, wang], absent={}) == {
        "held_on": "“第一网格党支部” 2026-03-15 的主题党日已经登记过了。"}
    with pdb.reader() as s:
        [row] = study.study_days(s, year=2026)
        assert (row.id, row.org_name, row.present, row.absent, row.pending, row.place) == (
            day, "第一网格党支部", 2, 1, 1, "社区党群服务中心")
        lines = study.attendance(s, day)
        assert [(a.name, a.present, a.absence_reason) for a in lines] == [
            ("王淑芬", False, "生病住院"), ("张立春", True, ""), ("李桂兰", True, "")]
        assert study.study_days(s, org_id=o.branch2) == [] and study.study_days(s, year=2025) == []


def test_follow_up_rules(pdb: Database, party_office: PartyOffice, three) -> None:  # noqa: ANN001
    zhang, li, wang = three
    o = party_office
    day = record(pdb, o.branch1, present_ids=[zhang, li], absent={wang: "外出"})
    with pdb.transaction("跟进") as s:
        with pytest.raises(DomainError, match="出席了这次主题党日"):
            study.follow_up(s, day, zhang, date(2026, 3, 16), "x", today=TODAY)
        with pytest.raises(ValidationError) as caught:
            study.follow_up(s, day, wang, date(2026, 3, 14), "", today=TODAY)
        assert caught.value.errors == {"on_date": "跟进日期不能早于主题党日（2026-03-15）。",
                                       "note": "请写明如何跟进，如“谈心谈话，已补学”。"}
        study.follow_up(s, day, wang, date(2026, 3, 18), "谈心谈话，已补学", today=TODAY)
        with pytest.raises(DomainError, match="已于 2026-03-18 跟进过"):
            study.follow_up(s, day, wang, date(2026, 3, 19), "再次", today=TODAY)
    with pdb.reader() as s:
        assert study.study_days(s)[0].pending == 0
        [line] = [a for a in study.attendance(s, day) if not a.present]
        assert (line.followed_up_on, line.follow_up_note) == (date(2026, 3, 18), "谈心谈话，已补学")


def test_next_study_day_follows_the_setting(pdb: Database, party_office: PartyOffice) -> None:
    with pdb.reader() as s:
        assert study.next_study_day(s, date(2026, 3, 15)) == date(2026, 3, 15)
        assert study.next_study_day(s, date(2026, 3, 16)) == date(2026, 4, 15)
        assert study.next_study_day(s, date(2026, 12, 20)) == date(2027, 1, 15)
    pdb.actor = party_office.actors["admin"]
    with pdb.transaction("修改设置") as s:
        set_setting(s, "party.study_day", 10)
    with pdb.reader() as s:
        assert study.next_study_day(s, date(2026, 3, 16)) == date(2026, 4, 10)
