"""What a screen shows, out to XLSX and CSV (``exports.views.export_view``): the screen's filters
obeyed, codes beside labels, IDs and phones as text and masked without REVEAL, no formula cell,
rare characters intact, the view's own permission, a 网格员's grids, one audit event per export
and nothing written on bad input. Real files, read back with openpyxl and csv."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chang_shan.accounts.users import create_user
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, PermissionDenied
from chang_shan.exports.views import VIEWS, export_view
from chang_shan.health import profiles
from chang_shan.health.shapes import ConditionInput, ProfileInput
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import RequestInput
from chang_shan.wills import registry
from tests.exports.people import (
    FORMULA_NOTE, PASSWORD, RARE_ID, RARE_NAME, RARE_PHONE, ZHANG_PHONE, Town, as_user, build_town, events,
    masked_id, masked_phone,
)
from tests.exports.test_exports import csv_rows, leftovers, raw_text, xlsx_rows
from tests.population.community import LI_ID, SON_ID, WANG_ID, ZHANG_ID
from tests.wills.office import will

HAIRCUT, MEALS = 1, 3  # built-in service categories 理发, 配餐
FORMULA_REQUEST = "=1+2 上门理发"
GRID1_NAMES = {"张立春", "李桂兰", "张伟", "王淑芬"}


@dataclass(frozen=True)
class Office:
    town: Town
    requests: tuple[int, ...]  # 张立春 理发 (formula), 𠀀𪚥 配餐, 王淑芬 理发 (completed)


@pytest.fixture
def office(db: Database) -> Office:
    """build_town, plus health profiles (张立春 高血压, 𠀀𪚥 其他: a formula-like name), three
    service requests, a will of 王淑芬 and accounts holding the 居民健康库 and 遗嘱库 permissions:
    doc (社区工作者), griddoc (网格员 of grid 1) and healthview (只读: no 导出)."""
    town = build_town(db)
    c = town.community
    with db.transaction("健康档案") as s:
        profiles.save_profile(s, c.zhang, ProfileInput(blood_type="1", conditions=[
            ConditionInput("疾病", "2", on_date=date(2015, 6, 1))]), expected_version=None, today=date(2025, 1, 1))
        profiles.save_profile(s, town.rare, ProfileInput(conditions=[
            ConditionInput("疾病", "13", name="+病𠀀", on_date=date(2019, 3, 1))], wandering_risk=True),
            expected_version=None, today=date(2025, 1, 1))
    with db.transaction("服务请求") as s:
        made = [
            requests.create_request(s, RequestInput(resident_id=c.zhang, category_id=HAIRCUT, content=FORMULA_REQUEST),
                                    today=date(2025, 3, 1)).row.id,
            requests.create_request(s, RequestInput(resident_id=town.rare, category_id=MEALS, content="送餐到家"),
                                    today=date(2025, 3, 2)).row.id,
            requests.create_request(s, RequestInput(resident_id=c.wang, category_id=HAIRCUT, content="理发"),
                                    today=date(2025, 3, 3)).row.id,
        ]
    with db.transaction("办结") as s:
        done = requests.get_request(s, made[2])
        requests.complete_request(s, made[2], "已理发", expected_version=done.row.version, on=date(2025, 3, 4))
    with db.transaction("账户") as s:
        create_user(s, "doc", PASSWORD, "社区工作者", can_health=True, can_wills=True)
        create_user(s, "griddoc", PASSWORD, "网格员", grid_ids=[c.grid1], can_health=True, can_wills=True)
        create_user(s, "healthview", PASSWORD, "只读", can_health=True, can_wills=True)
    as_user(db, "doc")
    with db.transaction("登记遗嘱") as s:
        registry.register_will(s, will(c.wang), today=date(2024, 3, 5))
    return Office(town, tuple(made))


def rows_of(path: Path) -> list[dict]:
    return xlsx_rows(path) if path.suffix == ".xlsx" else csv_rows(path)


def no_formula(path: Path) -> None:
    """Every cell of the workbook is a value: none is a formula, IDs and phones are strings."""
    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for title, cell in zip(header, row, strict=True):
            assert cell.data_type != "f", (title, cell.value)
            if title in ("身份证号", "联系电话") and cell.value is not None:
                assert cell.data_type == "s" and cell.number_format == "@", (title, cell.value)


# --- 万家数据库 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_residents_view_obeys_the_place_and_is_masked(db: Database, office: Office, tmp_path: Path,
                                                     suffix: str) -> None:
    c = office.town.community
    out = tmp_path / f"居民.{suffix}"
    result = export_view(db, "residents", out, filters={"grid_id": c.grid1})
    rows = rows_of(out)
    assert result.rows == 4 and result.scope == "第一网格"
    assert {row["姓名"] for row in rows} == GRID1_NAMES
    by_name = {row["姓名"]: row for row in rows}
    zhang = by_name["张立春"]
    assert zhang["身份证号"] == masked_id(ZHANG_ID) and zhang["联系电话"] == masked_phone(ZHANG_PHONE)
    assert (zhang["性别"], zhang["性别代码"], zhang["民族代码"]) == ("男", "1", "01")
    assert (zhang["与户主关系"], zhang["与户主关系代码"]) == ("户主", "02")
    text = raw_text(out)
    for full in (ZHANG_ID, LI_ID, SON_ID, WANG_ID, ZHANG_PHONE):
        assert full not in text
    if suffix == "xlsx":
        no_formula(out)
        assert by_name["张伟"]["备注"] == FORMULA_NOTE  # a string cell, shown as written
    else:
        assert by_name["张伟"]["备注"] == "'" + FORMULA_NOTE
    assert leftovers(tmp_path) == []


def test_residents_view_keeps_the_screen_order_and_the_search(db: Database, office: Office, tmp_path: Path) -> None:
    out = tmp_path / "居民.xlsx"
    export_view(db, "residents", out, filters={"age_band": "60+", "sort": "age", "descending": True})
    assert [row["姓名"] for row in xlsx_rows(out)] == ["王淑芬", RARE_NAME, "张立春", "李桂兰"]  # oldest first
    export_view(db, "residents", out, filters={"text": "张"})
    assert {row["姓名"] for row in xlsx_rows(out)} == {"张立春", "张伟"}
    export_view(db, "residents", out, filters={"household_id": office.town.community.h101, "sort": "name"})
    assert [row["姓名"] for row in xlsx_rows(out)] == ["李桂兰", "张立春", "张伟"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_rare_characters_survive_and_reveal_is_for_a_worker(db: Database, office: Office, tmp_path: Path,
                                                            suffix: str) -> None:
    as_user(db, "worker")
    out = tmp_path / f"生僻字.{suffix}"
    result = export_view(db, "residents", out, filters={"grid_id": office.town.community.grid2}, reveal=True)
    assert result.revealed
    [row] = rows_of(out)
    assert (row["姓名"], row["身份证号"], row["联系电话"]) == (RARE_NAME, RARE_ID, RARE_PHONE)
    assert RARE_NAME in raw_text(out)
    if suffix == "xlsx":
        no_formula(out)
    [event] = events(db, "export")
    assert event.detail["revealed"] is True and "含完整身份证号和电话" in event.action


def test_reveal_and_export_need_their_permissions(db: Database, office: Office, tmp_path: Path) -> None:
    out = tmp_path / "居民.xlsx"
    as_user(db, "gridder")  # may export, may not reveal
    with pytest.raises(PermissionDenied):
        export_view(db, "residents", out, reveal=True)
    as_user(db, "reader")  # may not export
    with pytest.raises(PermissionDenied):
        export_view(db, "residents", out)
    assert not out.exists() and leftovers(tmp_path) == [] and events(db, "export") == []


def test_a_gridder_exports_only_their_grid(db: Database, office: Office, tmp_path: Path) -> None:
    as_user(db, "gridder")
    out = tmp_path / "居民.csv"
    assert export_view(db, "residents", out).rows == 4
    assert {row["姓名"] for row in csv_rows(out)} == GRID1_NAMES
    out = tmp_path / "防走失卡.csv"
    export_view(db, "badges", out)
    assert {row["姓名"] for row in csv_rows(out)} == {"张立春", "李桂兰", "王淑芬"}


def test_every_export_is_audited_without_values(db: Database, office: Office, tmp_path: Path) -> None:
    out = tmp_path / "居民.xlsx"
    export_view(db, "residents", out, filters={"text": ZHANG_ID[-6:], "age_band": "60+", "include_inactive": True})
    [event] = events(db, "export")
    assert event.user_name == "doc"
    assert event.detail["view"] == "residents" and event.detail["rows"] == 1 and event.detail["format"] == "xlsx"
    assert event.detail["filters"] == {"age_band": "60+", "include_inactive": True, "text": True}
    assert event.detail["file"] == str(out) and event.detail["revealed"] is False
    assert event.action == "导出万家数据库居民（全部居民，60 岁及以上，含已迁出、已故，按查找条件，1 行，XLSX）"
    assert ZHANG_ID[-6:] not in str(event.detail) + event.action


# --- 居民健康库 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_health_view_with_a_quick_filter(db: Database, office: Office, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"健康.{suffix}"
    result = export_view(db, "health", out, filters={"quick": "profile"})
    assert result.scope == "有健康档案"
    by_name = {row["姓名"]: row for row in rows_of(out)}
    assert set(by_name) == {"张立春", RARE_NAME}
    zhang, rare = by_name["张立春"], by_name[RARE_NAME]
    assert (zhang["血型"], zhang["血型代码"], zhang["既往史疾病"], zhang["既往史疾病代码"]) == ("A型", "1", "高血压", "2")
    assert zhang["身份证号"] == masked_id(ZHANG_ID) and rare["联系电话"] == masked_phone(RARE_PHONE)
    assert rare["既往史疾病代码"] == "13" and "𠀀" in rare["既往史疾病"] and rare["走失风险"] == "是"
    if suffix == "xlsx":
        no_formula(out)
        assert rare["既往史疾病"].startswith("其他（+病𠀀")
    export_view(db, "health", out, filters={"quick": "wandering"})
    assert [row["姓名"] for row in rows_of(out)] == [RARE_NAME]
    export_view(db, "health", out)  # everyone 在册, profile or not
    assert {row["姓名"]: row["健康档案"] for row in rows_of(out)}["王淑芬"] == "无"


def test_health_view_needs_the_health_permission(db: Database, office: Office, tmp_path: Path) -> None:
    as_user(db, "worker")
    with pytest.raises(PermissionDenied):
        export_view(db, "health", tmp_path / "健康.xlsx")
    as_user(db, "healthview")  # may read health, may not export
    with pytest.raises(PermissionDenied):
        export_view(db, "health", tmp_path / "健康.xlsx")
    as_user(db, "griddoc")
    export_view(db, "health", tmp_path / "健康.csv", filters={"quick": "profile"})
    assert [row["姓名"] for row in csv_rows(tmp_path / "健康.csv")] == ["张立春"]  # 𠀀𪚥 is in grid 2
    assert not (tmp_path / "健康.xlsx").exists()


# --- 服务请求, 防走失卡, 遗嘱库 ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_requests_view_obeys_the_filter(db: Database, office: Office, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"请求.{suffix}"
    export_view(db, "requests", out, filters={"statuses": ["待办", "处理中"], "today": date(2025, 3, 10)})
    rows = rows_of(out)
    assert [row["服务对象"] for row in rows] == [RARE_NAME, "张立春"]  # newest first
    zhang = rows[1]
    assert (zhang["类别"], zhang["状态"], zhang["网格"]) == ("理发", "待办", "第一网格")
    if suffix == "xlsx":
        no_formula(out)
        assert zhang["内容"] == FORMULA_REQUEST and zhang["编号"] == office.requests[0]
    else:
        assert zhang["内容"] == "'" + FORMULA_REQUEST and zhang["编号"] == str(office.requests[0])
    export_view(db, "requests", out, filters={"category_id": HAIRCUT, "statuses": ["已完成"]})
    [done] = rows_of(out)
    assert (done["服务对象"], done["办理结果"]) == ("王淑芬", "已理发")
    export_view(db, "requests", out, filters={"text": "送餐"})
    assert [row["服务对象"] for row in rows_of(out)] == [RARE_NAME]


def test_badges_view_obeys_the_grid_and_the_search(db: Database, office: Office, tmp_path: Path) -> None:
    out = tmp_path / "防走失卡.xlsx"
    export_view(db, "badges", out, filters={"grid_id": office.town.community.grid2, "state": "未打印"})
    [row] = xlsx_rows(out)
    assert (row["姓名"], row["网格"], row["状态"]) == (RARE_NAME, "第二网格", "未打印")
    export_view(db, "badges", out, filters={"text": "王"})
    assert [row["姓名"] for row in xlsx_rows(out)] == ["王淑芬"]
    no_formula(out)


def test_wills_view_needs_the_will_permission(db: Database, office: Office, tmp_path: Path) -> None:
    out = tmp_path / "遗嘱.xlsx"
    export_view(db, "wills", out, filters={"status": "有效"})
    [row] = xlsx_rows(out)
    assert (row["立遗嘱人"], row["遗嘱形式"], row["民法典条款"], row["状态"]) == ("王淑芬", "代书遗嘱", "第1135条", "有效")
    export_view(db, "wills", out, filters={"status": "已撤回"})
    assert xlsx_rows(out) == []
    assert [cell.value for cell in load_workbook(out).worksheets[0][1]][:2] == ["登记号", "立遗嘱人"]
    as_user(db, "worker")
    with pytest.raises(PermissionDenied):
        export_view(db, "wills", tmp_path / "遗嘱2.xlsx")
    assert not (tmp_path / "遗嘱2.xlsx").exists()


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("view", "filters", "name", "message"), [
    ("people", {}, "a.xlsx", "没有名为 people 的列表"),
    ("residents", {"colour": "red"}, "a.xlsx", "没有这些导出条件：colour"),
    ("residents", {}, "a.pdf", "不支持的文件类型 .pdf"),
    ("health", {"quick": "nonsense"}, "a.csv", "没有这个筛选"),
    ("requests", {"overdue_on": "昨天"}, "a.csv", "不是日期"),
])
def test_bad_input_writes_nothing(db: Database, office: Office, tmp_path: Path, view: str, filters: dict,
                                  name: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        export_view(db, view, tmp_path / name, filters=filters)
    assert not (tmp_path / name).exists() and leftovers(tmp_path) == [] and events(db, "export") == []


def test_every_view_has_a_title_and_columns() -> None:
    assert set(VIEWS) == {"residents", "health", "requests", "badges", "wills"}
    for spec in VIEWS.values():
        titles = [col.title for col in spec.columns]
        assert len(titles) == len(set(titles)) and spec.title
