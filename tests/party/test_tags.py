"""The 党员家庭户 tag follows the member ledger: a member added tags the household, moving household
moves it, death / moving out / 转出 remove it when no other member lives there; the household form
cannot set or clear it; ``check`` finds a tag that disagrees and ``sync_party_tags`` repairs it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import HouseholdTag, PartyMember
from chang_shan.maintenance.check import run_checks
from chang_shan.party import households as party_households
from chang_shan.party import members, queries
from chang_shan.party.shapes import MemberInput
from chang_shan.population import households, residents, undo
from tests.party.office import TODAY, PartyOffice

TAG = "党员家庭户"


def tagged(db: Database) -> set[int]:
    with db.reader() as s:
        return set(s.scalars(select(HouseholdTag.household_id).where(HouseholdTag.tag == TAG)))


def add(db: Database, resident_id: int, org_id: int, joined: date = date(1990, 7, 1), **extra: object) -> int:
    with db.transaction("新增党员") as s:
        return members.add_member(s, MemberInput(resident_id, org_id, joined, **extra), today=TODAY)  # type: ignore[arg-type]


def party_check_messages(db: Database) -> list[str]:
    return [p.message for p in run_checks(db, today=TODAY).problems if p.check == "party_tags"]


def test_the_office_starts_consistent(pdb: Database, party_office: PartyOffice) -> None:
    assert tagged(pdb) == {party_office.town.h101}
    assert party_check_messages(pdb) == []


def test_adding_a_member_tags_the_household(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    add(pdb, town.wang, party_office.group1)
    assert tagged(pdb) == {town.h101, town.h301}
    with pdb.reader() as s:
        assert [h.address for h in queries.households_of(s, party_office.committee)] == ["3号楼1单元101", "3号楼2单元301"]
        assert [tuple(h) for h in queries.households_of(s, party_office.group1)] == [(town.h301, "3号楼2单元301", "王淑芬")]
    assert party_check_messages(pdb) == []


def test_moving_household_moves_the_tag(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    add(pdb, town.wang, party_office.group1)
    with pdb.transaction("转户") as s:
        residents.move_to_household(s, town.wang, town.h102, relation_code="02", on_date=date(2025, 6, 1))
    assert tagged(pdb) == {town.h101, town.h102}
    # 张立春 moves in with her: 101 keeps no member, 102 has two
    with pdb.transaction("转户") as s:
        residents.move_to_household(s, town.zhang, town.h102, relation_code="97", on_date=date(2025, 6, 2))
    assert tagged(pdb) == {town.h102}
    with pdb.reader() as s:
        assert [tuple(h) for h in queries.households_of(s, party_office.committee)] == [
            (town.h102, "3号楼1单元102", "王淑芬、张立春")]
    assert party_check_messages(pdb) == []


def test_death_keeps_the_tag_while_another_member_lives_there(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    li = add(pdb, town.li, party_office.group1, date(1980, 3, 5))
    with pdb.transaction("登记死亡") as s:
        residents.record_death(s, town.zhang, on_date=date(2025, 12, 1))
    assert tagged(pdb) == {town.h101}  # 李桂兰 is still a member there
    with pdb.reader() as s:
        detail = queries.member_detail(s, party_office.zhang_member, today=TODAY)
        assert (detail.row.status, detail.row.status_on) == ("已故", date(2025, 12, 1))
        assert [(e.kind, e.on_date) for e in detail.events][-1] == ("去世", date(2025, 12, 1))
        assert [m.name for m in queries.members(s, today=TODAY)] == ["李桂兰"]
    with pdb.transaction("转出") as s:
        members.record_event(s, li, "转出", date(2026, 1, 10), "转往长春市南关区某社区党委", today=TODAY)
    assert tagged(pdb) == set()
    assert party_check_messages(pdb) == []


def test_moving_out_removes_the_tag_but_not_the_membership(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    with pdb.transaction("迁出") as s:
        residents.move_out(s, town.zhang, on_date=date(2025, 12, 1))
    assert tagged(pdb) == set()
    with pdb.reader() as s:
        [row] = queries.members(s, today=TODAY)
        assert (row.name, row.status, row.resident_status) == ("张立春", "在册", "已迁出")  # 待办理转出
    assert party_check_messages(pdb) == []


def test_the_household_form_neither_sets_nor_clears_the_tag(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    for household_id, wanted in ((town.h301, [TAG, "困难户"]), (town.h101, ["出租户"])):
        with pdb.reader() as s:
            data = households.household_detail(s, household_id).as_input()
        data.tags = wanted
        with pdb.transaction("修改户") as s:
            households.update_household(s, household_id, data)
    with pdb.reader() as s:
        assert households.household_detail(s, town.h301).tags == ("困难户",)
        assert households.household_detail(s, town.h101).tags == ("党员家庭户", "出租户")


def test_undo_of_an_add_takes_the_member_and_the_tag_back(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    add(pdb, town.wang, party_office.group1)
    with pdb.reader() as s:
        assert undo.last_action(s).action == "新增党员"  # type: ignore[union-attr]
    with pdb.transaction("撤销") as s:
        undo.undo_last(s)
    assert tagged(pdb) == {town.h101}
    with pdb.reader() as s:
        assert s.scalar(select(PartyMember.id).where(PartyMember.resident_id == town.wang)) is None
    assert party_check_messages(pdb) == []


def test_check_finds_a_disagreeing_tag_and_sync_repairs_it(pdb: Database, party_office: PartyOffice) -> None:
    town = party_office.town
    with pdb.sessions() as s, s.begin():  # damage behind the services' back, as an old version might have
        s.add(HouseholdTag(household_id=town.h301, tag=TAG))
        s.delete(s.get(HouseholdTag, (town.h101, TAG)))
    assert party_check_messages(pdb) == [
        f"户 #{town.h101} 3号楼1单元101：户内有在册党员，但没有“党员家庭户”标签。",
        f"户 #{town.h301} 3号楼2单元301：有“党员家庭户”标签，但户内没有在册党员。",
    ]
    with pdb.transaction("整理党员家庭户标签") as s:
        assert party_households.sync_party_tags(s) == ([town.h101], [town.h301])
    assert tagged(pdb) == {town.h101}
    assert party_check_messages(pdb) == []
