"""The catalogue of damaged workbooks: each defect the office's spreadsheets have, written by the
test itself, with the exact problems the dry run reports (sheet, row, column, reason) and the
database left exactly as it was — by the dry run and by a refused apply."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError
from chang_shan.imports import apply_import
from chang_shan.imports.cells import NUMBER_ID
from tests.exports.people import RARE_NAME, build_town
from tests.imports.books import (
    NEW_HEAD_ID, NEW_WIFE_ID, as_macro_workbook, good_rows, ole_file, plan, problems, state, write_book,
)
from tests.population.community import KUANCHENG, ZHANG_ID, id_number


@pytest.fixture
def town(db: Database):
    return build_town(db)


def unchanged_after(db: Database, path: Path, expected: list[tuple[int, str, str, str]], **options: object):
    """Plan ``path``; its problems are ``expected``; applying is refused; nothing changed."""
    before = state(db)
    result = plan(db, path, **options)
    assert problems(result) == expected
    assert all(p.sheet == result.sheet for p in result.problems)
    with pytest.raises(DomainError, match="未导入任何数据"), db.transaction("导入") as s:
        apply_import(s, result)
    assert state(db) == before
    return result


def test_a_clean_workbook_plans_two_new_residents_in_a_new_household_of_an_empty_flat(db, town, tmp_path):
    result = plan(db, write_book(tmp_path / "ok.xlsx", good_rows()))
    assert result.problems == []
    assert result.counts == {"new": 2, "update": 0, "same": 0, "households_new": 0}  # 102 exists, empty
    assert [(r.row, r.action, r.address) for r in result.rows] == [(2, "new", "3号楼1单元102"), (3, "new", "3号楼1单元102")]
    wife = result.rows[1].values
    assert (wife["birth_date"], wife["ethnicity_code"], wife["relation_code"], wife["residence_type"]) == (
        date(1962, 7, 9), "11", "12", "常住")


def test_the_header_row_is_found_under_a_merged_title_and_a_blank_row(db, town, tmp_path):
    path = write_book(tmp_path / "titled.xlsx", good_rows(), above=[["长山花园社区居民花名册"], [], ["填表日期：2024年5月"]],
                      merges=["A1:L1"])
    result = plan(db, path)
    assert (result.header_row, result.problems, result.counts["new"]) == (4, [], 2)
    assert [c.field for c in result.columns][:3] == ["name", "id_number", "sex"]
    assert result.preview[0][:2] == ["赵志国", NEW_HEAD_ID]


def test_wrong_check_digit(db, town, tmp_path):
    rows = good_rows()
    wrong = NEW_HEAD_ID[:17] + ("0" if NEW_HEAD_ID[17] != "0" else "1")
    rows[0][1] = wrong
    unchanged_after(db, write_book(tmp_path / "check.xlsx", rows), [
        (2, "B", "id_number", f"身份证号码校验位不正确（最后一位应为 {NEW_HEAD_ID[17]}），请核对是否输错。"),
    ])


def test_id_numbers_stored_as_numbers_are_refused_never_guessed(db, town, tmp_path):
    rows = good_rows()
    rows[0][1] = int(NEW_HEAD_ID[:15])  # a number cell (a 15-digit one even fits, and is still refused)
    rows[1][1] = float(NEW_WIFE_ID[:17] + "0")  # what Excel keeps of 18 digits
    third = ["钱多", "2.20103E+17", "男", "1970-01-01", "汉族", "子", "", "3", "1", "102", "户籍", ""]
    unchanged_after(db, write_book(tmp_path / "numbers.xlsx", [*rows, third]), [
        (2, "B", "id_number", NUMBER_ID), (3, "B", "id_number", NUMBER_ID), (4, "B", "id_number", NUMBER_ID),
    ])


def test_dates_as_serial_numbers_and_dotted_or_chinese_text_are_converted(db, town, tmp_path):
    rows = good_rows()
    rows[0][3] = (date(1960, 4, 1) - date(1899, 12, 30)).days  # 常规-formatted date cell
    rows[1][3] = "1962年7月9日"
    no_id = ["周小草", "", "女", "1949.12.31", "汉族", "女", "", "3", "1", "102", "户籍", ""]
    result = plan(db, write_book(tmp_path / "dates.xlsx", [*rows, no_id]))
    assert result.problems == []
    assert [r.values["birth_date"] for r in result.rows] == [date(1960, 4, 1), date(1962, 7, 9), date(1949, 12, 31)]


def test_unreadable_dates_and_a_birth_date_that_is_not_the_id_numbers(db, town, tmp_path):
    rows = good_rows()
    rows[0][3] = "1960-04-02"
    rows[1][3] = "六二年七月"
    unchanged_after(db, write_book(tmp_path / "birth.xlsx", rows), [
        (2, "D", "birth_date", "出生日期 1960-04-02 与身份证号码中的 1960-04-01 不一致。"),
        (3, "D", "birth_date", "无法识别的日期“六二年七月”：请写成 1949-12-31 这样的形式。"),
    ])


def test_merged_cells_in_the_data_area(db, town, tmp_path):
    rows = good_rows()
    rows[1][7] = None  # under the merge: the building written once for both rows
    unchanged_after(db, write_book(tmp_path / "merged.xlsx", rows, merges=["H2:H3"]), [
        (2, "H", "building", "合并单元格 H2:H3：导入前请取消合并，并在每一行填上各自的内容。"),
    ])


def test_duplicates_inside_the_file(db, town, tmp_path):
    rows = good_rows()
    again = list(rows[0])
    old_form = list(rows[1])
    old_form[1] = NEW_WIFE_ID[:6] + NEW_WIFE_ID[8:17]  # the 15-digit form of the same number
    twin = list(rows[0])
    twin[1] = id_number(KUANCHENG, date(1960, 4, 1), 63)  # same name and birth date, another number
    twin[5] = "子"
    unchanged_after(db, write_book(tmp_path / "dupes.xlsx", [*rows, again, old_form, twin]), [
        (4, "B", "id_number", "与第 2 行的身份证号码重复。"),
        (5, "B", "id_number", "与第 3 行是同一人（15 位旧号码与 18 位号码）。"),
        (6, "B", "id_number", "与第 2 行姓名、出生日期相同，但身份证号码不同：请核对是否同一人。"),
    ])


def test_duplicates_against_the_database(db, town, tmp_path):
    other = id_number(KUANCHENG, date(1950, 3, 12), 13)  # 张立春's name and birth date, another number
    rows = [["张立春", other, "男", "", "汉族", "子", "", "3", "1", "102", "户籍", ""]]
    result = unchanged_after(db, write_book(tmp_path / "db-dupe.xlsx", rows), [
        (2, "B", "id_number", f"系统中已有同名、同出生日期的居民（编号 {town.community.zhang}），身份证号码不同：请核对是否同一人。"),
    ])
    assert result.rows == []


def test_a_15_digit_number_finds_the_resident_registered_with_18_digits(db, town, tmp_path):
    rows = [["张立春", ZHANG_ID[:6] + ZHANG_ID[8:17], "男", "1950-03-12", "汉族", "户主", "13804310001", "3", "1", "101",
             "户籍", ""]]
    result = plan(db, write_book(tmp_path / "old.xlsx", rows))
    assert (result.problems, result.counts["same"]) == ([], 1)
    assert result.rows[0].resident_id == town.community.zhang


def test_unknown_sex_ethnicity_and_relation_labels(db, town, tmp_path):
    rows = good_rows()
    rows[0][2], rows[0][4] = "男士", "汉人"
    rows[1][5] = "老伴"
    unchanged_after(db, write_book(tmp_path / "labels.xlsx", rows), [
        (2, "C", "sex", "未知的性别“男士”：应为 男 或 女（代码 1 或 2）。"),
        (2, "E", "ethnicity", "未知的民族“汉人”：应为 GB/T 3304 中的民族名称，如 汉族、满族、朝鲜族。"),
        (3, "F", "relation", "未知的与户主关系“老伴”：应为 GB/T 4761 中的关系，如 户主、配偶、子、女、父亲、母亲、非亲属。"),
    ])


def test_sex_that_contradicts_the_id_number(db, town, tmp_path):
    rows = good_rows()
    rows[0][2] = "女"
    unchanged_after(db, write_book(tmp_path / "sex.xlsx", rows), [
        (2, "C", "sex", "性别“女”与身份证号码不一致（号码中为男）。"),
    ])


def test_addresses_that_are_not_found_say_which_part(db, town, tmp_path):
    base = good_rows()[0]
    rows = []
    for i, (building, unit, room) in enumerate([("9号楼", "1", "101"), ("3", "5单元", "101"), ("3", "", "101"),
                                                ("3", "1", ""), ("平房区", "1", "长山路14号")]):
        row = list(base)
        row[0], row[1], row[5] = f"测试{'甲乙丙丁戊'[i]}", id_number(KUANCHENG, date(1980, 1, 1 + i), 101 + 2 * i), "户主"
        row[3] = ""
        row[7], row[8], row[9] = building, unit, room
        rows.append(row)
    unchanged_after(db, write_book(tmp_path / "address.xlsx", rows), [
        (2, "H", "building", "找不到楼栋“9号楼”：请核对楼号，或先在程序中建立这个楼栋。"),
        (3, "I", "unit", "3号楼没有“5单元”：请核对单元号。"),
        (4, "I", "unit", "请填写单元（3号楼是楼房）。"),
        (5, "J", "room", "请填写房号（平房区填门牌地址，如 长山路12号）。"),
        (6, "I", "unit", "平房区的户没有单元，请把单元留空。"),
    ])


def test_a_second_head_for_a_household_that_has_one(db, town, tmp_path):
    rows = [["钱大", id_number(KUANCHENG, date(1966, 6, 6), 17), "男", "", "汉族", "户主", "", "3", "1", "101", "户籍", ""]]
    unchanged_after(db, write_book(tmp_path / "head.xlsx", rows), [
        (2, "F", "relation", "这一户已有户主；如需更换户主，请在程序中使用“变更户主”。"),
    ])


def test_a_resident_at_another_address_is_not_moved_by_an_import(db, town, tmp_path):
    rows = [["张立春", ZHANG_ID, "男", "", "汉族", "户主", "", "3", "2", "301", "户籍", ""]]
    unchanged_after(db, write_book(tmp_path / "move.xlsx", rows), [
        (2, "J", "room", "此人在系统中登记在3号楼1单元101，表中为3号楼2单元301；转户请在程序中办理。"),
    ])


def test_masked_id_numbers_and_phones_from_an_export_are_refused(db, town, tmp_path):
    rows = good_rows()
    rows[0][1] = NEW_HEAD_ID[:6] + "********" + NEW_HEAD_ID[-4:]
    rows[0][6] = "139****0061"
    unchanged_after(db, write_book(tmp_path / "masked.xlsx", rows), [
        (2, "B", "id_number", "身份证号码已遮盖（导出时未显示完整号码），无法导入。请用含完整号码的表格。"),
        (2, "G", "phone", "电话号码已遮盖（导出时未显示完整号码），无法导入。请用含完整号码的表格。"),
    ])


def test_a_missing_required_column_is_one_problem_on_the_header_row(db, town, tmp_path):
    headers = ("姓名", "身份证号码", "性别", "与户主关系", "楼号", "单元")
    rows = [["赵志国", NEW_HEAD_ID, "男", "户主", "3", "1"]]
    unchanged_after(db, write_book(tmp_path / "no-room.xlsx", rows, headers=headers), [
        (1, "", "room", "表中没有“房号”列：请在列对应中指定哪一列是房号。"),
    ])


def test_a_mapping_names_an_unusual_header(db, town, tmp_path):
    headers = ("姓名", "身份证号码", "性别", "出生日期", "民族", "与户主关系", "手机号", "楼号", "单元", "位置", "人员类型", "备注")
    path = write_book(tmp_path / "mapped.xlsx", good_rows(), headers=headers)
    assert problems(plan(db, path))[0][2:] == ("room", "表中没有“房号”列：请在列对应中指定哪一列是房号。")
    mapped = plan(db, path, mapping={"位置": "房号", "L": "不导入"})
    assert (mapped.problems, mapped.counts["new"]) == ([], 2)
    by_letter = {c.letter: (c.field, c.auto) for c in mapped.columns}
    assert (by_letter["J"], by_letter["L"], by_letter["A"]) == (("room", False), (None, False), ("name", True))
    with pytest.raises(DomainError, match="没有名为“楼层”的字段"):
        plan(db, path, mapping={"位置": "楼层"})


def test_a_grid_worker_imports_only_into_their_grids(db, town, tmp_path):
    from tests.exports.people import as_user

    rows = [["钱大", id_number(KUANCHENG, date(1966, 6, 6), 17), "男", "", "汉族", "户主", "", "平房区", "", "长山路14号",
             "户籍", ""]]
    as_user(db, "gridder")
    unchanged_after(db, write_book(tmp_path / "grid.xlsx", rows), [
        (2, "H", "building", "平房区不在您负责的网格内。"),
    ])


def written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: written(p, b""), "是空的（0 字节）"),
    (lambda p: written(p, "姓名,身份证号码\n张三,1\n".encode()), "不是 Excel 工作簿（.xlsx）：文件内容不是 Excel 格式"),
    (lambda p: ole_file(p, encrypted=False), "旧版 Excel 97-2003 工作簿（.xls）"),
    (lambda p: ole_file(p, encrypted=True), "设有打开密码（已加密）"),
    (lambda p: as_macro_workbook(write_book(p.with_name("plain.xlsx"), good_rows()), p), "含宏的工作簿（.xlsm）"),
])
def test_files_that_cannot_be_read_are_one_clear_error_each(db, town, tmp_path, make, message):
    path = make(tmp_path / "居民.xlsx")
    before = state(db)
    with pytest.raises(DomainError) as caught:
        plan(db, path)
    assert message in caught.value.message
    assert "居民.xlsx" in caught.value.message
    assert state(db) == before


def test_a_macro_workbook_with_its_own_suffix_and_a_workbook_without_data(db, town, tmp_path):
    with pytest.raises(DomainError, match="含宏的工作簿"):
        plan(db, as_macro_workbook(write_book(tmp_path / "a.xlsx", good_rows()), tmp_path / "b.xlsm"))
    with pytest.raises(DomainError, match="在表头（第 1 行）下面没有数据"):
        plan(db, write_book(tmp_path / "headers-only.xlsx", []))
    with pytest.raises(DomainError, match="找不到表头"):
        plan(db, write_book(tmp_path / "no-header.xlsx", [["x", 1]], headers=("甲", "乙")))


def test_rare_characters_survive_the_dry_run(db, town, tmp_path):
    rows = good_rows()
    rows[0][0] = RARE_NAME + "国"
    result = plan(db, write_book(tmp_path / "rare.xlsx", rows))
    assert result.problems == []
    assert result.rows[0].values["name"] == RARE_NAME + "国"
