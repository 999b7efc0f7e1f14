"""The organisation tree: levels and parents, dissolving, posts (one 书记 / 组长 at a time), the
tree's counts and secretaries, the roster print's choices."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, PermissionDenied, ValidationError
from chang_shan.party import members, orgs, queries
from chang_shan.party.shapes import MemberInput
from tests.party.office import TODAY, PartyOffice


def test_levels_and_parents(pdb: Database, party_office: PartyOffice) -> None:
    o = party_office
    pdb.actor = o.actors["admin"]
    cases = [
        (dict(level="党小组", name="错挂党小组", parent_id=o.committee), {"parent_id": "党小组的上级应是一个党支部。"}),
        (dict(level="党支部", name="无上级党支部", parent_id=None), {"parent_id": "党支部的上级应是一个党委。"}),
        (dict(level="党委", name="另一个党委", parent_id=o.committee), {"parent_id": "社区党委是最上一级，没有上级党组织。"}),
        (dict(level="党支部", name="第二网格党支部", parent_id=o.committee), {"name": "上级党组织下已有“第二网格党支部”。"}),
        (dict(level="党支部", name="", parent_id=o.committee), {"name": "请填写党组织名称，如“第一网格党支部”。"}),
        (dict(level="党小组", name="错楼党小组", parent_id=o.branch2, building_id=o.town.building3,
              unit_id=o.town.unit2, grid_id=o.town.grid2), {"building_id": "所选楼栋不在所选网格。"}),
    ]
    for values, expected in cases:
        with pdb.transaction("新建党组织") as s, pytest.raises(ValidationError) as caught:
            orgs.create_org(s, **values, today=TODAY)  # type: ignore[arg-type]
        assert caught.value.errors == expected, values
    with pdb.transaction("新建党组织") as s:
        group = orgs.create_org(s, level="党小组", name="平房区党小组", parent_id=o.branch2, grid_id=o.town.grid2,
                                building_id=o.town.low_rise, today=TODAY)
    with pdb.reader() as s:
        [root] = queries.org_tree(s)
    assert root.name == "长山花园社区党委"
    assert [(c.name, [g.name for g in c.children]) for c in root.children] == [
        ("第一网格党支部", ["3号楼1单元党小组"]), ("第二网格党支部", ["平房区党小组"])]
    with pdb.reader() as s:
        version = s.get(orgs.PartyOrg, group).version  # type: ignore[union-attr]
    with pdb.transaction("修改党组织") as s:
        orgs.update_org(s, group, version, name="长山路党小组", today=TODAY)
    with pdb.transaction("修改党组织") as s, pytest.raises(DomainError, match="记录已被他人修改"):
        orgs.update_org(s, group, version, name="又改名", today=TODAY)
    with pdb.transaction("修改党组织") as s:  # moved to the other 党支部
        orgs.update_org(s, group, version + 1, parent_id=o.branch1, today=TODAY)
    with pdb.reader() as s:
        assert [g.name for g in queries.org_tree(s)[0].children[0].children] == ["3号楼1单元党小组", "长山路党小组"]


def test_dissolving_waits_for_members_and_children(pdb: Database, party_office: PartyOffice) -> None:
    o = party_office
    pdb.actor = o.actors["admin"]
    with pdb.transaction("撤销") as s, pytest.raises(DomainError, match="下还有 1 个党组织"):
        orgs.dissolve_org(s, o.branch1, date(2026, 3, 1), today=TODAY)
    with pdb.transaction("新增党员") as s:
        member = members.add_member(s, MemberInput(o.town.wang, o.group1, date(1970, 7, 1)), today=TODAY)
    with pdb.transaction("撤销") as s, pytest.raises(DomainError, match="还有 1 名党员"):
        orgs.dissolve_org(s, o.group1, date(2026, 3, 1), today=TODAY)
    with pdb.transaction("调整") as s:
        members.record_event(s, member, "调整党组织", date(2026, 3, 1), org_id=o.branch1, today=TODAY)
        orgs.dissolve_org(s, o.group1, date(2026, 3, 1), today=TODAY)
    with pdb.reader() as s:
        assert [c.name for c in queries.org_tree(s)[0].children[0].children] == []
        assert [c.dissolved_on for c in queries.org_tree(s, include_dissolved=True)[0].children[0].children] == [
            date(2026, 3, 1)]
        assert queries.branch_choices(s) == [(o.committee, "长山花园社区党委"), (o.branch1, "\u3000第一网格党支部"),
                                             (o.branch2, "\u3000第二网格党支部")]


def test_posts_and_the_tree_counts(pdb: Database, party_office: PartyOffice) -> None:
    o, town = party_office, party_office.town
    pdb.actor = o.actors["admin"]
    with pdb.transaction("新增党员") as s:
        li = members.add_member(s, MemberInput(town.li, o.group1, date(1976, 7, 1)), today=TODAY)
        wang = members.add_member(s, MemberInput(town.wang, o.group1, date(1960, 7, 1)), today=TODAY)
        liu = members.add_member(s, MemberInput(o.base.liu, o.branch2, date(2010, 7, 1)), today=TODAY)
    with pdb.transaction("任职") as s:
        secretary = orgs.assign_post(s, o.branch1, li, "书记", date(2024, 6, 28), today=TODAY)
        orgs.assign_post(s, o.group1, wang, "组长", date(2024, 6, 28), today=TODAY)
        orgs.assign_post(s, o.committee, li, "委员", date(2024, 6, 28), today=TODAY)
        with pytest.raises(ValidationError, match="党小组的职务只能是：组长"):
            orgs.assign_post(s, o.group1, wang, "书记", date(2024, 6, 28), today=TODAY)
        with pytest.raises(ValidationError, match="不在“第二网格党支部”"):
            orgs.assign_post(s, o.branch2, wang, "委员", date(2024, 6, 28), today=TODAY)
        with pytest.raises(DomainError, match="已有书记"):
            orgs.assign_post(s, o.branch1, o.zhang_member, "书记", date(2025, 1, 1), today=TODAY)
    with pdb.transaction("换届") as s:
        orgs.end_post(s, secretary, date(2026, 3, 1), today=TODAY)
        orgs.assign_post(s, o.branch1, o.zhang_member, "书记", date(2026, 3, 1), today=TODAY)
        orgs.assign_post(s, o.branch2, liu, "书记", date(2026, 3, 1), today=TODAY)
    with pdb.reader() as s:
        [root] = queries.org_tree(s)
        branch1, branch2 = root.children
        assert (root.member_count, root.household_count) == (4, 3)
        assert (branch1.secretary, branch1.member_count, branch1.household_count) == ("张立春", 3, 2)
        assert (branch1.children[0].secretary, branch1.children[0].member_count) == ("王淑芬", 2)
        assert (branch2.secretary, branch2.member_count) == ("刘明", 1)
        rows = {r.name: r.posts for r in queries.members(s, today=TODAY)}
        assert rows == {"李桂兰": "委员（长山花园社区党委）", "王淑芬": "组长（3号楼1单元党小组）",
                        "张立春": "书记（第一网格党支部）", "刘明": "书记（第二网格党支部）"}


def test_a_grid_worker_cannot_change_the_network(pdb: Database, party_office: PartyOffice) -> None:
    o = party_office
    pdb.actor = o.actors["grid_own"]
    with pdb.transaction("新建党组织") as s, pytest.raises(PermissionDenied, match="网格员不能建立或调整党组织"):
        orgs.create_org(s, level="党小组", name="3号楼2单元党小组", parent_id=o.branch1, today=TODAY)
