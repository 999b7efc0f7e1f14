"""党员名册 and 党员家庭户门牌: the party network of the test town (tests/exports/people.py) printed,
read back with poppler: names (𠀀𪚥 too), masked IDs, the organisation's members only, page
counts, refusals, the command line."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models.party import PartyMember, PartyOrg
from chang_shan.errors import NotFound, PermissionDenied
from chang_shan.party import members, orgs
from chang_shan.party.shapes import MemberInput
from chang_shan.population import residents
from chang_shan.reports import party_placards, party_roster, registry
from chang_shan.settings import set_setting
from tests.exports.people import RARE_ID, RARE_NAME, Town, as_user, build_town, events, masked_id
from tests.population.community import KUANCHENG, LI_ID, SON_ID, WANG_ID, ZHANG_ID, id_number, person
from tests.reports.test_roster import pdffonts, pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)
COMMUNITY = "长山花园社区"


@dataclass(frozen=True)
class Party:
    town: Town
    committee: int  # 长山花园社区党委
    branch1: int  # 第一网格党支部
    branch2: int  # 第二网格党支部
    group: int  # 3号楼1单元党小组
    zhang: int  # member ids
    li: int
    wang: int
    rare: int
    son: int  # 已转出


def _org(s, level: str, name: str, parent: int | None, **extra: object) -> int:  # noqa: ANN001
    """The organisation of that name (the test community may already have it), else a new one."""
    found = s.scalar(select(PartyOrg.id).where(PartyOrg.name == name))
    return found if found is not None else orgs.create_org(s, level=level, name=name, parent_id=parent, today=ON,
                                                           **extra)


def _member(s, resident_id: int, org_id: int, joined: date, **extra: object) -> int:  # noqa: ANN001
    """``resident_id`` a member of ``org_id`` (moved there if the test community made them a member)."""
    found = s.scalar(select(PartyMember).where(PartyMember.resident_id == resident_id))
    data = MemberInput(resident_id, org_id, joined, **extra)  # type: ignore[arg-type]
    if found is None:
        return members.add_member(s, data, today=ON)
    if found.org_id != org_id:
        members.record_event(s, found.id, "调整党组织", date(2020, 1, 1), org_id=org_id, today=ON)
    members.update_member(s, found.id, found.version, data, today=ON)
    return found.id


def build_party(db: Database, town: Town | None = None) -> Party:
    """The network written through the party services (on ``town``, else a new test town)."""
    town = town or build_town(db)
    c = town.community
    with db.transaction("党组织") as s:
        set_setting(s, "office.community_name", COMMUNITY)
        committee = _org(s, "党委", "长山花园社区党委", None)
        branch1 = _org(s, "党支部", "第一网格党支部", committee, grid_id=c.grid1)
        branch2 = _org(s, "党支部", "第二网格党支部", committee, grid_id=c.grid2)
        group = _org(s, "党小组", "3号楼1单元党小组", branch1, building_id=c.building3, unit_id=c.unit1)
        zhang = _member(s, c.zhang, group, date(1975, 7, 1), full_on=date(1976, 7, 1), phone="13804319999")
        li = _member(s, c.li, group, date(2025, 12, 1), kind="预备党员")
        wang = _member(s, c.wang, branch1, date(1968, 3, 8), org_relation="口袋党员")
        rare = _member(s, town.rare, branch2, date(1980, 10, 1), org_relation="在社区外",
                       relation_place="南关区桃源街道党工委")
        son = _member(s, c.son, group, date(2001, 6, 20))
        members.record_event(s, son, "转出", date(2024, 1, 1), "转往朝阳区某街道党工委", today=ON)
        orgs.assign_post(s, group, zhang, "组长", date(2020, 1, 1), today=ON)
        orgs.assign_post(s, branch1, wang, "书记", date(2019, 1, 1), today=ON)
        ended = orgs.assign_post(s, branch1, zhang, "委员", date(2010, 1, 1), today=ON)
        orgs.end_post(s, ended, date(2015, 1, 1), today=ON)
    return Party(town, committee, branch1, branch2, group, zhang, li, wang, rare, son)


@pytest.fixture
def party(db: Database) -> Party:
    return build_party(db)


def flat(path: Path) -> str:
    return "".join(pdftotext(path).split())


# --- 党员名册 -------------------------------------------------------------------------------------


def test_roster_of_everyone_lists_members_in_good_standing_by_organisation(db: Database, party: Party,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "party.pdf"
    result = party_roster.build(db, out, date=ON)
    assert (result.rows, result.pages, result.scope, result.missing_characters) == (4, 1, "全部党组织", "")
    text = pdftotext(out)
    squeezed = "".join(text.split())
    assert "长山花园社区党员名册" in squeezed
    assert "在册党员4人（正式党员3人，预备党员1人）" in squeezed
    for name in ("张立春", "李桂兰", "王淑芬", RARE_NAME):
        assert name in text, name
    assert "张伟" not in text  # 已转出
    for number in (ZHANG_ID, LI_ID, WANG_ID, RARE_ID):
        assert number not in squeezed and masked_id(number) in squeezed
    assert SON_ID not in squeezed and "13804319999" not in squeezed and "138****9999" in squeezed
    # the tree's order: the 第一网格党支部's own members, its 党小组, then the 第二网格党支部
    assert squeezed.index("第一网格党支部（1人）") < squeezed.index("第一网格党支部·3号楼1单元党小组（2人）") \
        < squeezed.index("第二网格党支部（1人）")
    assert squeezed.index("张立春") < squeezed.index("李桂兰")  # by 入党日期 within the group
    for expected in ("1975-07-01", "正式党员1976-07-01", "预备党员", "口袋党员", "在社区外（南关区桃源街道党工委）",
                     "组长", "书记", "3号楼1单元101", "平房区长山路12号", "第1页共1页"):
        assert expected in squeezed, expected
    assert "委员" not in squeezed  # a post that ended before the day
    assert pdfinfo(out)["Title"].strip() == "党员名册（全部党组织）"
    assert all(row[-5] == "yes" for row in pdffonts(out))
    [event] = events(db, "print")
    assert event.detail["report"] == "party_roster" and event.detail["rows"] == 4
    assert event.action == "打印党员名册（全部党组织，4 人，1 页）"


def test_roster_of_a_branch_covers_its_groups_and_nothing_else(db: Database, party: Party, tmp_path: Path) -> None:
    out = tmp_path / "b1.pdf"
    result = party_roster.build(db, out, branch=party.branch1, date=ON)
    text = pdftotext(out)
    assert result.rows == 3 and result.scope == "第一网格党支部"
    assert "张立春" in text and "王淑芬" in text and RARE_NAME not in text
    group = party_roster.build(db, tmp_path / "g.pdf", branch=party.group, date=ON)
    text = pdftotext(tmp_path / "g.pdf")
    assert group.rows == 2 and "王淑芬" not in text and "李桂兰" in text
    two = party_roster.build(db, tmp_path / "b2.pdf", branch=party.branch2, date=ON)
    assert two.rows == 1 and RARE_NAME in pdftotext(tmp_path / "b2.pdf")


def test_roster_refuses_an_unknown_branch_and_writes_nothing(db: Database, party: Party, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="没有编号为 999 的党组织"):
        party_roster.build(db, tmp_path / "x.pdf", branch=999, date=ON)
    assert not (tmp_path / "x.pdf").exists()
    assert events(db, "print") == []


def test_roster_runs_onto_numbered_pages_with_the_group_continued(db: Database, party: Party, tmp_path: Path) -> None:
    c = party.town.community
    digits = "零一二三四五六七八九"
    with db.transaction("多名党员") as s:
        for i in range(45):
            number = id_number(KUANCHENG, date(1950 + i % 20, 4, 5), 200 + i * 2)
            rid = residents.register_resident(s, person(c.h102, "党" + digits[i // 10] + digits[i % 10], number, "20"),
                                              on_date=date(2021, 1, 1))
            _member(s, rid, party.group, date(1990, 1, 1 + i % 28))
    out = tmp_path / "many.pdf"
    result = party_roster.build(db, out, branch=party.group, date=ON)
    pages = int(pdfinfo(out)["Pages"])
    assert result.pages == pages >= 2 and result.rows == 47
    text = pdftotext(out)
    for n in range(1, pages + 1):
        assert f"第 {n} 页 共 {pages} 页" in text
    assert text.count("组织关系") == pages  # the header repeats
    assert "".join(text.split()).count("3号楼1单元党小组（续）") == pages - 1
    assert "党四四" in text


def test_grid_worker_gets_the_members_of_their_grids(db: Database, party: Party, tmp_path: Path) -> None:
    as_user(db, "gridder")  # grid 1 only
    result = party_roster.build(db, tmp_path / "mine.pdf", date=ON)
    text = pdftotext(tmp_path / "mine.pdf")
    assert result.rows == 3 and RARE_NAME not in text and "张立春" in text


def cli_user(db: Database) -> str:
    """An account with the password tests/cli/process.py signs in with; the database closed."""
    from chang_shan.accounts.users import create_user
    from tests.accounts.office import PASSWORD

    with db.transaction("账户") as s:
        create_user(s, "clerk", PASSWORD, "社区工作者")
    db.close()
    return "clerk"


def test_roster_command_line(db: Database, party: Party, data_dir, tmp_path: Path) -> None:  # noqa: ANN001
    from tests.cli.process import chang_shan

    user = cli_user(db)
    out = tmp_path / "名册.pdf"
    done = chang_shan(data_dir.root, "report", "party_roster", "--branch", str(party.branch1), "--date", "2026-05-01",
                      "--out", str(out), user=user)
    assert done.returncode == 0, done.stderr
    assert "已生成党员名册（第一网格党支部，3 人，1 页）" in done.stdout
    assert "王淑芬" in pdftotext(out)
    bad = chang_shan(data_dir.root, "report", "party_roster", "--branch", "999", "--out", str(tmp_path / "x.pdf"),
                     user=user)
    assert bad.returncode != 0 and "没有编号为 999 的党组织" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    wrong = chang_shan(data_dir.root, "report", "party_roster", "--team", "1", "--out", str(tmp_path / "y.pdf"),
                       user=user)
    assert wrong.returncode != 0 and "不接受选项 --team" in wrong.stderr


# --- 党员家庭户门牌 -----------------------------------------------------------------------------------


def test_placards_one_per_household_of_a_member_in_good_standing(db: Database, party: Party, tmp_path: Path) -> None:
    out = tmp_path / "placards.pdf"
    result = party_placards.build(db, out)
    assert (result.rows, result.pages, result.unit, result.missing_characters) == (3, 1, "户", "")
    text = pdftotext(out)
    squeezed = "".join(text.split())
    assert squeezed.count("党员家庭户") == 3
    assert squeezed.count("长山花园社区党委") == 3
    for expected in ("3号楼1单元101", "3号楼2单元301", "平房区长山路12号", "党员：张立春李桂兰", "党员：王淑芬",
                     f"党员：{RARE_NAME}", "3号楼1单元党小组", "第二网格党支部"):
        assert expected in squeezed, expected
    assert "张伟" not in squeezed  # 已转出: his name is on no placard
    for number in (ZHANG_ID, LI_ID, WANG_ID, RARE_ID):
        assert number[-8:] not in squeezed
    info = pdfinfo(out)
    assert info["Page size"].split()[:3] == ["595.276", "x", "841.89"]  # A4 portrait
    assert info["Title"].strip() == "党员家庭户门牌（全部网格）"
    [event] = events(db, "print")
    assert event.action == "打印党员家庭户门牌（全部网格，3 户，1 页）"


def test_placards_follow_the_members(db: Database, party: Party, tmp_path: Path) -> None:
    """A member who has moved away (转出) or whose resident has moved out puts no placard up."""
    with db.transaction("转出") as s:
        members.record_event(s, party.wang, "转出", date(2026, 4, 1), "转往南关区", today=ON)
        residents.move_out(s, party.town.rare, on_date=date(2026, 4, 1))
    result = party_placards.build(db, tmp_path / "p.pdf")
    squeezed = flat(tmp_path / "p.pdf")
    assert result.rows == 1 and "3号楼1单元101" in squeezed and "王淑芬" not in squeezed and RARE_NAME not in squeezed


def test_placards_eight_to_a_sheet_with_cut_marks(db: Database, party: Party, tmp_path: Path) -> None:
    from chang_shan.population import households

    c = party.town.community
    with db.transaction("多户党员") as s:
        for i in range(10):
            h = households.create_household(s, households.HouseholdInput(c.building3, c.unit2, f"{5 + i}01", "60"))
            number = id_number(KUANCHENG, date(1960, 5, 1 + i), 300 + i * 2)
            rid = residents.register_resident(s, person(h, f"刘{'一二三四五六七八九十'[i]}", number, "02"),
                                              on_date=date(2021, 1, 1))
            _member(s, rid, party.branch1, date(1990, 7, 1))
    out = tmp_path / "sheets.pdf"
    result = party_placards.build(db, out, grid="01", building="3")
    assert result.rows == 12 and result.pages == 2 == int(pdfinfo(out)["Pages"])
    assert result.scope == "第一网格 3号楼"
    pages = pdftotext(out).split("\f")
    assert "".join(pages[0].split()).count("党员家庭户") == 8
    assert "".join(pages[1].split()).count("党员家庭户") == 4
    assert "刘十" in pages[1] and "第 2 页 共 2 页" in pages[1]
    grid2 = party_placards.build(db, tmp_path / "g2.pdf", grid="02")
    assert grid2.rows == 1 and RARE_NAME in pdftotext(tmp_path / "g2.pdf")


def test_placards_for_a_grid_worker_and_an_unknown_building(db: Database, party: Party, tmp_path: Path) -> None:
    as_user(db, "gridder")
    mine = party_placards.build(db, tmp_path / "mine.pdf")
    assert mine.rows == 2 and RARE_NAME not in pdftotext(tmp_path / "mine.pdf")
    with pytest.raises(PermissionDenied):
        party_placards.build(db, tmp_path / "no.pdf", grid="02")
    with pytest.raises(NotFound, match="没有楼栋 9"):
        party_placards.build(db, tmp_path / "no.pdf", grid="01", building="9")
    assert not (tmp_path / "no.pdf").exists()


def test_no_placards_says_so(db: Database, party: Party, tmp_path: Path) -> None:
    with db.transaction("全部转出") as s:
        for member in s.scalars(select(PartyMember.id).where(PartyMember.status == "在册")).all():
            members.record_event(s, member, "转出", date(2026, 4, 1), "转往南关区", today=ON)
    result = registry.run(db, "party_placards", tmp_path / "none.pdf", options={"grid": "01"})
    assert result.rows == 0 and result.pages == 1
    assert "（第一网格没有党员家庭户）" in pdftotext(tmp_path / "none.pdf")


def test_many_members_wrap_between_names_never_inside_one(db: Database, party: Party, tmp_path: Path) -> None:
    c = party.town.community
    names = ("欧阳春花花", "司马长风", "诸葛明亮亮", "上官婉儿")
    with db.transaction("一户多名党员") as s:
        for i, name in enumerate(names):
            number = id_number(KUANCHENG, date(1960, 1, 1 + i), 400 + 2 * i)
            rid = residents.register_resident(s, person(c.h101, name, number, "20"), on_date=date(2021, 1, 1))
            _member(s, rid, party.group, date(1990, 1, 1))
    out = tmp_path / "p.pdf"
    party_placards.build(db, out, grid="01")
    lines = [line for line in pdftotext(out, layout=True).splitlines() if any(n in line for n in names)]
    assert len(lines) == 2  # two lines of names on the placard of 101
    for name in (*names, "张立春", "李桂兰"):
        assert sum(name in line for line in lines) == 1, name  # each name whole on one line
