"""Importing for real: the round trip export → import changes nothing (rare characters too), new
people and households are written in one transaction with their 登记 event and search entry, a
second import of the same file changes nothing, corrections go through the resident rules, a plan
the database has moved past is refused, and the template imports once filled in."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from chang_shan.db.models import Household, Movement, Resident
from chang_shan.errors import DomainError
from chang_shan.exports import export_ledger
from chang_shan.imports import apply_import, write_template
from chang_shan.population import residents, search
from tests.exports.people import RARE_ID, RARE_NAME, RARE_PHONE, build_town
from tests.imports.books import NEW_HEAD_ID, NEW_WIFE_ID, good_rows, plan, state, write_book
from tests.population.community import KUANCHENG, id_number, person


@pytest.fixture
def town(db):
    return build_town(db)


def run(db, path, **options):
    result = plan(db, path, **options)
    assert result.problems == []
    with db.transaction("导入居民") as s:
        return apply_import(s, result)


def test_an_export_re_imported_unchanged_changes_nothing(db, town, tmp_path):
    out = tmp_path / "residents.xlsx"
    export_ledger(db, "residents", out, reveal=True)
    before = state(db)
    result = plan(db, out)
    assert (result.problems, result.counts) == ([], {"new": 0, "update": 0, "same": 5, "households_new": 0})
    rare = next(r for r in result.rows if r.values["id_number"] == RARE_ID)
    assert (rare.values["name"], rare.resident_id) == (RARE_NAME, town.rare)
    with db.transaction("导入居民") as s:
        outcome = apply_import(s, result)
    assert (outcome.new, outcome.updated, outcome.same) == (0, 0, 5)
    assert state(db) == before


def test_an_edited_export_corrects_and_adds_and_then_re_imports_as_same(db, town, tmp_path):
    out = tmp_path / "residents.xlsx"
    export_ledger(db, "residents", out, reveal=True)
    book = load_workbook(out)
    ws = book.active
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    rare_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["身份证号"]).value == RARE_ID)
    ws.cell(rare_row, col["联系电话"], "13912340000")
    ws.cell(rare_row, col["特殊人群"], "独居、残疾")
    newcomer = {"姓名": "𪚥" + "秀", "身份证号": NEW_WIFE_ID, "性别": "女", "与户主关系": "户主", "楼栋": "平房区",
                "房号": "长山路20号", "居住类型": "流动"}
    for name, value in newcomer.items():
        ws.cell(ws.max_row + 1 if name == "姓名" else ws.max_row, col[name], value)
    book.save(out)

    first = plan(db, out)
    assert first.problems == []
    assert first.counts == {"new": 1, "update": 1, "same": 4, "households_new": 1}
    with db.transaction("导入居民") as s:
        outcome = apply_import(s, first)
    assert (outcome.new, outcome.updated, outcome.households_new) == (1, 1, 1)
    with db.reader() as s:
        rare = s.get(Resident, town.rare)
        assert (rare.phone, rare.group_names) == ("13912340000", ["残疾", "独居"])
        new = s.scalar(select(Resident).where(Resident.id_number == NEW_WIFE_ID))
        assert (new.name, new.sex_code, new.birth_date, new.residence_type) == ("𪚥秀", "2", date(1962, 7, 9), "流动")
        home = s.get(Household, new.household_id)
        assert (home.room, home.head_id, home.building_id) == ("长山路20号", new.id, town.community.low_rise)
        assert [m.kind for m in s.scalars(select(Movement).where(Movement.resident_id == new.id))] == ["登记"]
        assert new.id in search.search_ids(s, "𪚥秀")
    before = state(db)
    again = plan(db, out)
    assert again.counts == {"new": 0, "update": 0, "same": 6, "households_new": 0}
    with db.transaction("导入居民") as s:
        apply_import(s, again)
    assert state(db) == before
    assert RARE_PHONE != "13912340000"


def test_new_residents_in_an_existing_empty_flat_and_the_head(db, town, tmp_path):
    outcome = run(db, write_book(tmp_path / "ok.xlsx", good_rows()))
    assert (outcome.new, outcome.households_new) == (2, 0)
    with db.reader() as s:
        flat = s.get(Household, town.community.h102)
        head = s.scalar(select(Resident).where(Resident.id_number == NEW_HEAD_ID))
        wife = s.scalar(select(Resident).where(Resident.id_number == NEW_WIFE_ID))
        assert (flat.head_id, head.household_id, wife.household_id) == (head.id, flat.id, flat.id)
        assert (wife.ethnicity_code, wife.relation_code, wife.note) == ("11", "12", "腿脚不便")


def test_a_plan_the_database_has_moved_past_is_refused(db, town, tmp_path):
    result = plan(db, write_book(tmp_path / "ok.xlsx", good_rows()))
    with db.transaction("登记") as s:
        residents.register_resident(s, person(town.community.h102, "赵志国", NEW_HEAD_ID, "02"))
    before = state(db)
    with pytest.raises(DomainError, match="数据在检查之后已有改动"), db.transaction("导入居民") as s:
        apply_import(s, result)
    assert state(db) == before


def test_a_failure_half_way_leaves_nothing(db, town, tmp_path, monkeypatch):
    result = plan(db, write_book(tmp_path / "ok.xlsx", good_rows()))
    before = state(db)

    def stop(done, total, text=""):
        if text == "更新检索":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError), db.transaction("导入居民") as s:
        apply_import(s, result, progress=stop)
    assert state(db) == before


def test_the_template_imports_cleanly_once_filled_in(db, town, tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["居民", "说明"]
    ws = book["居民"]
    header = [c.value for c in ws[1]]
    id_col = header.index("身份证号码") + 1
    assert ws.cell(2, id_col).number_format == "@" and ws.cell(50, id_col).number_format == "@"
    assert isinstance(ws.cell(2, id_col).value, str)
    ws.delete_rows(2)
    son = id_number(KUANCHENG, date(1990, 2, 2), 19)
    for values in ({"姓名": "赵志国", "身份证号码": NEW_HEAD_ID, "与户主关系": "户主", "楼栋": "3号楼", "单元": "1单元", "房号": "102"},
                   {"姓名": "赵小军", "身份证号码": son, "与户主关系": "子", "楼栋": "3号楼", "单元": "1单元", "房号": "102",
                    "特殊人群": "残疾", "出生日期": "1990年2月2日"}):
        row = ws.max_row + 1
        for name, value in values.items():
            ws.cell(row, header.index(name) + 1, value)
    book.save(path)
    outcome = run(db, path)
    assert (outcome.new, outcome.updated) == (2, 0)
