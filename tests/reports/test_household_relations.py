"""居民社会关系信息档案: members with their GB/T 4761 relation code and label, contacts masked,
caretakers, the 三长 over the household; rare characters; the grid worker's scope."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from chang_shan.care import assignments, contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.population import roles
from chang_shan.reports import household_relations, registry
from tests.exports.people import RARE_NAME, RARE_PHONE, Town, as_user, build_town, events
from tests.population.community import LI_ID, SON_ID, ZHANG_ID
from tests.reports.test_roster import pdffonts, pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)


@pytest.fixture
def town(db: Database) -> Town:
    town = build_town(db)
    c = town.community
    with db.transaction("三长、联系人、包保") as s:
        roles.assign_role(s, c.li, "单元长", c.unit1, start_on=date(2021, 1, 1))
        roles.assign_role(s, c.wang, "楼栋长", c.building3, start_on=date(2021, 3, 1))
        contacts.set_contacts(s, c.zhang, [ContactInput("张秀英", "女儿", "13904310099", "住在南关区"),
                                           ContactInput("王强", "侄子", "0431-85551234")])
        assignments.assign_caretaker(s, c.zhang, c.wang, start_on=date(2024, 1, 1))
    return town


def test_members_relations_contacts_caretakers_and_posts(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "archive.pdf"
    result = household_relations.build(db, out, household=town.community.h101, date=ON)
    assert (result.rows, result.pages, result.scope) == (3, 1, "3号楼1单元101")
    text = pdftotext(out)
    flat = "".join(text.split())
    assert "居民社会关系信息档案" in text and "建档（打印）日期：2026年5月1日" in flat
    for expected in ("02户主", "12妻", "20子", "张立春", "李桂兰", "张伟", "党员家庭户", "52.50平方米", "第一网格"):
        assert expected in flat, expected
    assert flat.index("02户主") < flat.index("12妻") < flat.index("20子")  # the head first
    for number in (ZHANG_ID, LI_ID, SON_ID):
        assert number not in text and number[:6] + "********" + number[-4:] in text
    assert "139****0099" in text and "13904310099" not in text and "85551234" not in text
    assert "张秀英" in text and "女儿" in text and "住在南关区" in text
    assert "包保人" in text and "王淑芬" in text and "2024年1月1日" in flat
    assert "单元长" in text and "楼栋长" in text and "3号楼1单元" in text and "2021年3月1日" in flat
    info = pdfinfo(out)
    assert info["Title"].strip() == "居民社会关系信息档案（3号楼1单元101）"
    assert info["Page size"].split()[:3] == ["595.276", "x", "841.89"]
    assert all(row[-5] == "yes" for row in pdffonts(out))
    [event] = events(db, "print")
    assert event.detail["report"] == "household_relations" and event.detail["household"] == town.community.h101


def test_rare_characters_and_an_empty_household(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "house.pdf"
    result = registry.run(db, "household_relations", out, options={"household": town.community.house, "date": ON})
    text = pdftotext(out)
    assert result.missing_characters == "" and RARE_NAME in text
    assert RARE_PHONE not in text and "139****5678" in text
    assert "（未登记紧急联系人）" in text and "（未设三长）" in text
    empty = household_relations.build(db, tmp_path / "empty.pdf", household=town.community.h102, date=ON)
    assert empty.rows == 0 and "（该户没有在册成员）" in pdftotext(tmp_path / "empty.pdf")


def test_scope_permission_and_bad_input(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "gridder")  # grid 1 only
    assert household_relations.build(db, tmp_path / "ok.pdf", household=town.community.h301).rows == 1
    with pytest.raises(PermissionDenied):
        household_relations.build(db, tmp_path / "no.pdf", household=town.community.house)
    with pytest.raises(NotFound):
        household_relations.build(db, tmp_path / "no.pdf", household=9999)
    with pytest.raises(DomainError, match="--household"):
        registry.run(db, "household_relations", tmp_path / "no.pdf", options={})
    assert not (tmp_path / "no.pdf").exists()
