"""The canteen's PDFs read back with poppler: delivery lists (a page per route, 堂食 apart, phones
masked, a signature line) and the monthly statement (lines, count, total, the amount in capitals);
who may print them, and the audit event (no personal values in its detail)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.canteen import meals, members
from chang_shan.canteen.shapes import MemberInput
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.population import residents
from chang_shan.reports import canteen, registry
from chang_shan.settings import set_setting
from tests.accounts.office import PASSWORD, copy_office
from tests.canteen.office import RECORDED, TODAY, ZHAO_PHONE, CanteenOffice
from tests.exports.people import RARE_NAME, events
from tests.population.community import KUANCHENG, id_number, person
from tests.reports.test_roster import pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _pages(path: Path) -> list[str]:
    """Each page's text in reading order with all white space taken out (poppler spaces out the
    columns as it sees fit)."""
    return [re.sub(r"\s+", "", page) for page in pdftotext(path, layout=True).split("\f")[:-1]]


def _text(path: Path) -> str:
    return "".join(_pages(path))


def test_delivery_lists_a_page_per_route_and_eat_in_apart(cdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "送餐单.pdf"
    result = canteen.build_delivery(cdb, out, on_date=RECORDED)
    assert (result.name, result.pages, result.rows, result.scope, result.missing_characters) == (
        "canteen_delivery", 6, 8, "2025-03-03 午餐、晚餐", "")
    pages = _pages(out)
    assert len(pages) == 6 == int(pdfinfo(out)["Pages"])
    heads = [(p[:p.index("日期")], p[p.index("餐次：") + 3:][:2]) for p in pages]
    assert heads == [("乐龄食堂送餐单", "午餐"), ("乐龄食堂送餐单", "午餐"), ("乐龄食堂堂食名单", "午餐"),
                     ("乐龄食堂送餐单", "晚餐"), ("乐龄食堂送餐单", "晚餐"), ("乐龄食堂堂食名单", "晚餐")]
    first = pages[0]
    for text in ("日期：2025年3月3日（星期一）", "线路：一号线", "共2份", "序号", "姓名", "住址", "联系电话", "送达",
                 "3号楼1单元102", "3号楼2单元301", "139****0102", "送餐员签名", "第1页共6页"):
        assert text in first
    assert first.index("赵桂芝") < first.index("王淑芬")  # by address
    assert ZHAO_PHONE not in _text(out)  # masked, even for a worker who may see it in full
    assert "线路：二号线" in pages[1] and "刘明" in pages[1] and "平房区长山路12号" in pages[1]
    assert "王淑芬" not in pages[1] and "张立春" not in pages[1]
    assert "张立春" in pages[2] and "138****0001" in pages[2] and "到餐" in pages[2] and "经办人签名" in pages[2]
    assert "赵桂芝" not in pages[3] and "王淑芬" in pages[3]  # 赵桂芝 takes lunch only
    assert "李桂兰" in pages[5] and "张立春" in pages[5]


def test_a_long_route_runs_onto_more_pages(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path) -> None:
    digits = "零一二三四五六七八九"
    with cdb.transaction("多人", actor=SYSTEM) as s:
        for i in range(40):
            number = id_number(KUANCHENG, date(1940, 1, 1) + timedelta(days=i), 200 + 2 * i)
            rid = residents.register_resident(
                s, person(canteen_office.town.house, "钱" + digits[i // 10] + digits[i % 10], number, "99"),
                on_date=date(2020, 5, 1))
            members.add_member(s, MemberInput(rid, "送餐", True, False, "二号线", date(2025, 3, 1)), today=TODAY)
    out = tmp_path / "long.pdf"
    result = canteen.build_delivery(cdb, out, on_date=date(2025, 3, 4), meal="午餐")
    pages = _pages(out)
    assert result.pages == len(pages) == 4 and result.rows == 44  # 一号线, 二号线 (2 pages), 堂食
    assert "共41份" in pages[1] and "二号线（续）" in pages[2] and "送餐员签名" not in pages[1]
    assert "送餐员签名" in pages[2] and pages[2].count("联系电话") == 1  # the header again, the signature last
    assert pages[1].count("平房区长山路12号") + pages[2].count("平房区长山路12号") == 41 and "41钱" in pages[2]


def test_an_empty_day_still_prints_each_meal(cdb: Database, tmp_path: Path) -> None:
    result = canteen.build_delivery(cdb, tmp_path / "empty.pdf", on_date=date(2024, 12, 1))
    assert (result.pages, result.rows) == (2, 0)
    pages = _pages(tmp_path / "empty.pdf")
    assert all("乐龄食堂堂食名单" in p and "（无）" in p and "共0份" in p for p in pages)


def test_the_print_is_audited_without_personal_values(cdb: Database, canteen_office: CanteenOffice,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "lunch.pdf"
    canteen.build_delivery(cdb, out, on_date=RECORDED, meal="午餐")
    canteen.build_statement(cdb, tmp_path / "st.pdf", resident_id=canteen_office.town.wang, year=2025, month=3,
                            on_date=TODAY)
    delivery, statement = events(cdb, "print")
    assert delivery.action == "打印乐龄食堂送餐单（2025-03-03 午餐，4 人，3 页）" and delivery.user_name == "worker"
    assert delivery.detail == {"report": "canteen_delivery", "rows": 4, "pages": 3, "file": str(out),
                               "date": "2025-03-03", "meals": ["午餐"], "routes": 2}
    assert statement.action == "打印乐龄食堂用餐结算单（王淑芬 2025年3月，1 人，1 页）"
    assert statement.detail == {"report": "canteen_statement", "rows": 1, "pages": 1, "file": str(tmp_path / "st.pdf"),
                                "year": 2025, "month": 3, "meals": 2}
    details = json.dumps([delivery.detail, statement.detail], ensure_ascii=False)
    assert not any(name in details for name in ("王淑芬", "赵桂芝", "刘明", "张立春", ZHAO_PHONE, "0102"))


def test_the_monthly_statement(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path) -> None:
    with cdb.transaction("修改设置", actor=SYSTEM) as s:
        set_setting(s, "office.community_name", "长山花园社区")
    out = tmp_path / "statement.pdf"
    result = canteen.build_statement(cdb, out, resident_id=canteen_office.town.wang, year=2025, month=3,
                                     on_date=date(2025, 4, 1))
    assert (result.name, result.pages, result.rows, result.scope) == ("canteen_statement", 1, 1, "王淑芬 2025年3月")
    text = _text(out)
    for part in ("长山花园社区乐龄食堂用餐结算单", "姓名：王淑芬", "结算月份：2025年3月", "住址：3号楼2单元301",
                 "2025-03-03", "星期一", "午餐", "晚餐", "送餐", "7.00", "用餐2次（其中送餐2次）",
                 "合计金额：14.00元", "合计金额（大写）：人民币壹拾肆元整", "经办人", "用餐人（家属）签字",
                 "制表日期：2025年4月1日"):
        assert part in text
    assert text.index("午餐") < text.index("晚餐")
    assert pdfinfo(out)["Title"].strip() == "乐龄食堂用餐结算单（2025年3月）"


def test_a_long_statement_with_a_price_change(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path) -> None:
    zhang = canteen_office.town.zhang
    with cdb.transaction("登记用餐", actor=SYSTEM) as s:
        for n in range(31):
            day = date(2025, 1, 1) + timedelta(days=n)
            if n == 15:
                set_setting(s, "canteen.meal_price", "7.50")
            for meal in ("午餐", "晚餐") if n < 30 else ("午餐",):
                meals.record_meal(s, day, meal, [zhang], today=TODAY)
    out = tmp_path / "january.pdf"
    result = canteen.build_statement(cdb, out, resident_id=zhang, year=2025, month=1, on_date=TODAY)
    pages = _pages(out)
    assert result.pages == len(pages) == 2
    assert "张立春2025年1月（续）" in pages[1] and pages[1].count("金额（元）") == 1
    # 30 meals at 7.00 and 31 at 7.50: 210.00 + 232.50
    assert "用餐61次（其中送餐0次）" in pages[1] and "合计金额：442.50元" in pages[1]
    assert "人民币肆佰肆拾贰元伍角" in pages[1]
    text = "".join(pages)
    assert text.count("7.00") == 30 and text.count("7.50") == 31


def test_an_empty_statement(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path) -> None:
    canteen.build_statement(cdb, tmp_path / "none.pdf", resident_id=canteen_office.town.son, year=2025, month=3)
    text = _text(tmp_path / "none.pdf")
    assert "本月无用餐记录" in text and "合计金额：0.00元" in text and "人民币零元整" in text
    assert text.startswith("乐龄食堂用餐结算单姓名")  # no community name set


def test_rare_characters_print_and_stay_searchable(cdb: Database, canteen_office: CanteenOffice,
                                                  tmp_path: Path) -> None:
    with cdb.transaction("生僻字", actor=SYSTEM) as s:
        number = id_number(KUANCHENG, date(1944, 2, 3), 77)
        rid = residents.register_resident(s, person(canteen_office.town.house, RARE_NAME, number, "99"),
                                          on_date=date(2020, 5, 1))
        members.add_member(s, MemberInput(rid, "送餐", route="二号线", start_on=date(2025, 3, 1)), today=TODAY)
        meals.record_meal(s, date(2025, 3, 4), "午餐", [rid], today=TODAY)
    delivery = canteen.build_delivery(cdb, tmp_path / "d.pdf", on_date=date(2025, 3, 4), meal="午餐")
    statement = canteen.build_statement(cdb, tmp_path / "s.pdf", resident_id=rid, year=2025, month=3)
    assert delivery.missing_characters == statement.missing_characters == ""
    assert RARE_NAME in pdftotext(tmp_path / "d.pdf") and RARE_NAME in pdftotext(tmp_path / "s.pdf")


@pytest.mark.parametrize(("role", "delivery", "statement"), [
    ("admin", "all", "yes"), ("worker", "all", "yes"), ("reader_h", "all", "yes"),
    ("grid_own_h", "grid 1", "yes"), ("grid_other_h", "grid 2", "no"), ("nobody", "no", "no"),
])
def test_who_may_print(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path, role: str, delivery: str,
                       statement: str) -> None:
    cdb.actor = canteen_office.actors[role]
    lists, st = tmp_path / "lists.pdf", tmp_path / "st.pdf"
    if delivery == "no":
        with pytest.raises(PermissionDenied):
            canteen.build_delivery(cdb, lists, on_date=RECORDED, meal="午餐")
    else:
        canteen.build_delivery(cdb, lists, on_date=RECORDED, meal="午餐")
        text = pdftotext(lists)
        assert ("王淑芬" in text) is (delivery != "grid 2") and ("刘明" in text) is (delivery != "grid 1")
    if statement == "no":
        with pytest.raises(PermissionDenied):
            canteen.build_statement(cdb, st, resident_id=canteen_office.town.wang, year=2025, month=3)
    else:
        canteen.build_statement(cdb, st, resident_id=canteen_office.town.wang, year=2025, month=3)
        assert "王淑芬" in pdftotext(st)
    assert lists.exists() is (delivery != "no") and st.exists() is (statement != "no")
    cdb.actor = SYSTEM
    assert len(events(cdb, "print")) == (delivery != "no") + (statement != "no")


def test_bad_input_writes_no_file(cdb: Database, canteen_office: CanteenOffice, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        canteen.build_delivery(cdb, tmp_path / "x.pdf", on_date=RECORDED, meal="早餐")
    with pytest.raises(ValidationError):
        canteen.build_statement(cdb, tmp_path / "x.pdf", resident_id=canteen_office.town.wang, year=2025, month=13)
    assert not (tmp_path / "x.pdf").exists() and events(cdb, "print") == []


def test_the_named_report(cdb: Database, tmp_path: Path) -> None:
    assert any(line.startswith("canteen_delivery\t乐龄食堂送餐单") for line in registry.listing())
    result = registry.run(cdb, "canteen_delivery", tmp_path / "today.pdf")
    assert result.name == "canteen_delivery" and result.scope == f"{date.today():%Y-%m-%d} 午餐、晚餐"
    assert subprocess.run(["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(tmp_path / "today.pdf"),
                           str(tmp_path / "page")], check=True).returncode == 0
    assert list(tmp_path.glob("page*.png"))


def test_the_command_line(canteen_office: CanteenOffice, tmp_path: Path) -> None:
    folder = copy_office(canteen_office.health.base, tmp_path / "data").root
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    env.update(PYTHONIOENCODING="utf-8", CHANG_SHAN_USER="viewer", CHANG_SHAN_PASSWORD=PASSWORD)
    out = tmp_path / "today.pdf"
    done = subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(folder), "report", "canteen_delivery",
                           "--out", str(out)], capture_output=True, encoding="utf-8", env=env, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已生成乐龄食堂送餐单（{date.today():%Y-%m-%d} 午餐、晚餐，8 人，6 页）：{out}"
    assert int(pdfinfo(out)["Pages"]) == 6  # every member, today as on any day since 2025
