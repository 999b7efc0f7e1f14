"""Members and their events: what the form refuses, 转正 after the year of probation, the
organisation relationship (在社区外, 口袋党员 found and brought back), moving between organisations,
leaving, and the stale-version guard."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, ValidationError
from chang_shan.party import members, orgs, queries
from chang_shan.party.shapes import MemberInput
from chang_shan.population import residents
from tests.party.office import TODAY, PartyOffice
from tests.population.community import KUANCHENG, id_number, person

RARE = "张𠀀春"


def errors_for(db: Database, data: MemberInput) -> dict[str, str]:
    with db.transaction("新增党员") as s, pytest.raises(ValidationError) as caught:
        members.add_member(s, data, today=TODAY)
    return caught.value.errors


def test_the_form_refuses_bad_input_field_by_field(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    assert errors_for(pdb, MemberInput(None, None, None)) == {
        "resident_id": "请选择居民。", "org_id": "请选择所在党组织（党支部或党小组）。",
        "joined_on": "请填写入党日期（政治生日）。"}
    assert errors_for(pdb, MemberInput(town.zhang, o.group1, date(1990, 1, 1)))["resident_id"] == "张立春已在党员名册中。"
    assert errors_for(pdb, MemberInput(town.wang, o.committee, date(1990, 1, 1)))["org_id"] == (
        "党员应编入党支部或党小组，请选择下一级党组织。")
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(1995, 1, 1)))["joined_on"] == (
        "入党时应年满十八岁（张伟生于 1978-01-05）。")
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2026, 3, 21)))["joined_on"] == "入党日期不能晚于今天。"
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2025, 9, 1), "预备党员", date(2026, 3, 1)))["full_on"] == (
        "预备党员还没有转正日期。")
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2025, 3, 1), "正式党员", date(2026, 2, 1)))["full_on"] == (
        "预备期为一年：转正日期不能早于 2026-03-01。")
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2005, 3, 1), org_relation="在社区外")) == {
        "relation_place": "请填写组织关系所在的党组织或单位。"}
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2005, 3, 1), phone="1380431"))["phone"].startswith("手机号码")
    with pdb.transaction("迁出") as s:
        residents.move_out(s, town.son, on_date=date(2025, 1, 1))
    assert errors_for(pdb, MemberInput(town.son, o.group1, date(2005, 3, 1)))["resident_id"] == (
        "张伟已迁出：只能登记在册居民为党员。")


def test_a_probationary_member_becomes_full_after_a_year(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    with pdb.transaction("新增党员") as s:
        member = members.add_member(s, MemberInput(town.son, o.group1, date(2025, 3, 1), "预备党员"), today=TODAY)
    with pdb.transaction("转正") as s, pytest.raises(ValidationError, match="不能早于 2026-03-01"):
        members.record_event(s, member, "转正", date(2026, 2, 28), today=TODAY)
    with pdb.transaction("转正") as s:
        members.record_event(s, member, "转正", date(2026, 3, 2), "支部大会通过", today=TODAY)
    with pdb.transaction("转正") as s, pytest.raises(DomainError, match="已是正式党员"):
        members.record_event(s, member, "转正", date(2026, 3, 3), today=TODAY)
    with pdb.reader() as s:
        detail = queries.member_detail(s, member, today=TODAY)
    assert (detail.row.kind, detail.row.full_on) == ("正式党员", date(2026, 3, 2))
    assert [(e.kind, e.on_date, e.note, e.recorded_by) for e in detail.events] == [
        ("入党", date(2025, 3, 1), "", "worker"), ("转正", date(2026, 3, 2), "支部大会通过", "worker")]


def test_organisation_relationship_and_moving_between_organisations(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    with pdb.transaction("新增党员") as s:
        pocket = members.add_member(s, MemberInput(town.wang, o.group1, date(1970, 7, 1), org_relation="口袋党员"),
                                    today=TODAY)
        outside = members.add_member(s, MemberInput(o.base.liu, o.branch2, date(2010, 5, 4), "正式党员", date(2011, 5, 10),
                                                    "在社区外", "长春市公交集团党委"), today=TODAY)
    with pdb.transaction("组织关系转入") as s:
        with pytest.raises(DomainError, match="组织关系是“口袋党员”"):
            members.record_event(s, pocket, "组织关系转入本社区", date(2026, 1, 5), today=TODAY)
        members.record_event(s, pocket, "找回口袋党员", date(2026, 1, 5), "入户走访时发现", today=TODAY)
        members.record_event(s, outside, "组织关系转入本社区", date(2026, 2, 1), today=TODAY)
    with pdb.transaction("调整党组织") as s:
        with pytest.raises(ValidationError):
            members.record_event(s, pocket, "调整党组织", date(2026, 3, 1), org_id=o.committee, today=TODAY)
        members.record_event(s, pocket, "调整党组织", date(2026, 3, 1), org_id=o.branch1, today=TODAY)
    with pdb.reader() as s:
        rows = {r.name: r for r in queries.members(s, today=TODAY)}
        assert (rows["王淑芬"].org_relation, rows["王淑芬"].org_name) == ("在本社区", "第一网格党支部")
        assert (rows["刘明"].org_relation, rows["刘明"].relation_place) == ("在本社区", "")
        events = queries.member_detail(s, pocket, today=TODAY).events
        assert [e.kind for e in events] == ["入党", "找回口袋党员", "调整党组织"]
        assert events[-1].note == "由“3号楼1单元党小组”调整到“第一网格党支部”"
        # the organisation and those under it
        assert [r.name for r in queries.members(s, org_id=o.branch1, today=TODAY)] == ["王淑芬", "张立春"]
        assert [r.name for r in queries.members(s, org_id=o.group1, today=TODAY)] == []
        assert [r.name for r in queries.members(s, org_id=o.branch1, include_sub=False, text="wangshu", today=TODAY)] == ["王淑芬"]
        # 拼音首字母 as on the 万家数据库 (the resident search)
        assert [r.name for r in queries.members(s, org_id=o.branch1, text="wsf", today=TODAY)] == ["王淑芬"]
        assert [r.name for r in queries.members(s, org_id=o.branch1, text="ZLC", today=TODAY)] == ["张立春"]


def test_leaving_ends_the_posts_and_blocks_further_changes(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    admin = o.actors["admin"]
    with pdb.transaction("任职", actor=admin) as s:
        post = orgs.assign_post(s, o.branch1, o.zhang_member, "书记", date(2024, 6, 28), today=TODAY)
    with pdb.transaction("出党") as s:
        members.record_event(s, o.zhang_member, "出党", date(2026, 3, 1), "自行脱党", today=TODAY)
    with pdb.reader() as s:
        detail = queries.member_detail(s, o.zhang_member, today=TODAY)
        assert (detail.row.status, detail.row.status_on) == ("已出党", date(2026, 3, 1))
        assert [(p.id, p.post, p.end_on) for p in detail.posts] == [(post, "书记", date(2026, 3, 1))]
        assert queries.members(s, today=TODAY) == []
        assert [m.name for m in queries.members(s, status=None, today=TODAY)] == ["张立春"]
    with pdb.transaction("转正") as s, pytest.raises(DomainError, match="已出党，不能再记录转出"):
        members.record_event(s, o.zhang_member, "转出", date(2026, 3, 2), "x", today=TODAY)
    with pdb.transaction("修改") as s, pytest.raises(DomainError, match="记录不能再修改"):
        members.update_member(s, o.zhang_member, detail.version, MemberInput(town.zhang, o.branch1, date(1975, 7, 1)))


def test_transferred_out_and_back(pdb: Database, party_office: PartyOffice) -> None:
    o = party_office
    with pdb.transaction("转出") as s:
        with pytest.raises(ValidationError, match="转往的党组织"):
            members.record_event(s, o.zhang_member, "转出", date(2026, 1, 1), today=TODAY)
        members.record_event(s, o.zhang_member, "转出", date(2026, 1, 1), "转往宽城区某社区党委", today=TODAY)
    with pdb.transaction("转入") as s:
        members.record_event(s, o.zhang_member, "转入", date(2026, 3, 1), "回到本社区", today=TODAY)
    with pdb.reader() as s:
        row = queries.member_row(s, o.zhang_member, today=TODAY)
    assert (row.status, row.status_on) == ("在册", date(2026, 3, 1))


def test_update_checks_the_version_and_keeps_the_organisation_for_events(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    with pdb.reader() as s:
        version = queries.member_detail(s, o.zhang_member, today=TODAY).version
    data = MemberInput(town.zhang, o.branch1, date(1975, 7, 1), phone="13804319999", note="老党员")
    with pdb.transaction("修改党员") as s:
        members.update_member(s, o.zhang_member, version, data, today=TODAY)
    with pdb.transaction("修改党员") as s, pytest.raises(DomainError, match="记录已被他人修改，请刷新后再试。"):
        members.update_member(s, o.zhang_member, version, data, today=TODAY)
    with pdb.reader() as s:
        detail = queries.member_detail(s, o.zhang_member, today=TODAY)
        assert (detail.row.phone, detail.note) == ("138****9999", "老党员")
    with pdb.transaction("修改党员") as s, pytest.raises(ValidationError, match="调整党组织"):
        members.update_member(s, o.zhang_member, detail.version,
                              MemberInput(town.zhang, o.group1, date(1975, 7, 1)), today=TODAY)


def test_a_rare_character_name_in_the_list(pdb: Database, party_office: PartyOffice) -> None:
    town, o = party_office.town, party_office
    with pdb.transaction("新增居民") as s:
        rid = residents.register_resident(
            s, person(town.h102, RARE, id_number(KUANCHENG, date(1961, 6, 1), 57), "02"), on_date=date(2020, 5, 1))
    with pdb.transaction("新增党员") as s:
        members.add_member(s, MemberInput(rid, o.group1, date(1985, 7, 1)), today=TODAY)
    with pdb.reader() as s:
        rows = queries.members(s, org_id=o.group1, today=TODAY)
        assert [(r.name, r.address, r.age, r.sex) for r in rows] == [(RARE, "3号楼1单元102", 64, "男")]
        assert queries.households_of(s, o.group1)[0].members == RARE
