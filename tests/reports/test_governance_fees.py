"""物业费收据 (52 m² × 0.30 = 15.60, 壹拾伍元陆角整, 作废), 物业费欠费清单 (totals, scope, 面积未登记)
and the “八零”指标统计表 (three years, derived and entered figures, sources) — real payments and
entries through the fee and indicator services, PDFs read back with pdftotext."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import NotFound, PermissionDenied
from chang_shan.fees.fees import record_payment, set_rate, void_payment
from chang_shan.indicators.indicators import enter
from chang_shan.reports import eight_zero, fee_arrears, fee_receipt, registry
from tests.exports.people import RARE_NAME, Town, as_user, events
from tests.reports.governance_data import add_case, add_mediators, flat, lines, out, set_area, town  # noqa: F401
from tests.reports.test_roster import pdffonts, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 6, 1)


def pay(db: Database, household: int, amount: str, *, year: int = 2026, paid_on: date = date(2026, 3, 5),
        payer: str = "") -> str:
    with db.transaction("收物业费") as s:
        return record_payment(s, household, year, amount, paid_on=paid_on, payer=payer, method="微信",
                              today=ON).receipt_number


@pytest.mark.parametrize(("amount", "text"), [
    ("15.60", "壹拾伍元陆角整"), ("15.66", "壹拾伍元陆角陆分"), ("16", "壹拾陆元整"), ("0.30", "叁角整"),
    ("1409.50", "壹仟肆佰零玖元伍角整"), ("325.04", "叁佰贰拾伍元零肆分"), ("100010.00", "壹拾万零壹拾元整"),
])
def test_capitals(amount: str, text: str) -> None:
    assert fee_receipt.capitals(Decimal(amount)) == text


def test_receipt_of_52_square_metres(db: Database, town: Town, out: Path) -> None:
    set_area(db, town.community.h101, "52")
    number = pay(db, town.community.h101, "15.60")
    target = out / "receipt.pdf"
    result = fee_receipt.build(db, target, receipt=number)
    assert number == "WY2026-00001" and result.scope == number and result.pages == 1
    text = flat(target)
    assert "长山社区物业费收据" in text and f"No.{number}" in text and "收款日期：2026年3月5日" in text
    assert "3号楼1单元101" in text and "张立春" in text and "2026年度" in text
    assert "52.00平方米×0.30元/平方米·年=15.60元" in text
    assert "¥15.60元" in text and "人民币壹拾伍元陆角整" in text and "微信" in text
    rows = lines(target)
    assert any(row.startswith("本年此前已缴0.00元") and row.endswith("尚欠0.00元") for row in rows), rows
    assert "长山社区（盖章）" in text and "作废" not in text
    for row in pdffonts(target):
        assert row[-5] == "yes", row
    [event] = events(db, "print")
    assert event.detail == {**event.detail, "report": "fee_receipt", "receipt": number, "voided": False}


def test_part_payment_rate_of_the_year_and_a_rare_payer(db: Database, town: Town, out: Path) -> None:
    with db.transaction("单价") as s:
        set_rate(s, 2026, "0.35", today=ON)
    first = pay(db, town.community.house, "10", payer=RARE_NAME)  # 80 m² × 0.35 = 28.00
    second = pay(db, town.community.house, "8.5", paid_on=date(2026, 4, 1))
    fee_receipt.build(db, out / "second.pdf", receipt=second.lower())
    text = flat(out / "second.pdf")
    assert "80.00平方米×0.35元/平方米·年=28.00元" in text and "人民币捌元伍角整" in text
    assert any(r.startswith("本年此前已缴10.00元") and r.endswith("尚欠9.50元") for r in lines(out / "second.pdf"))
    fee_receipt.build(db, out / "first.pdf", receipt=first)
    assert RARE_NAME in pdftotext(out / "first.pdf") and "人民币壹拾元整" in flat(out / "first.pdf")


def test_voided_receipt_is_marked_and_unknown_refused(db: Database, town: Town, out: Path) -> None:
    set_area(db, town.community.h101, "52")
    number = pay(db, town.community.h101, "15.60")
    with db.transaction("作废") as s:
        from chang_shan.fees.queries import payment_detail

        void_payment(s, payment_detail(s, number).id, "收错户", today=ON)
    fee_receipt.build(db, out / "void.pdf", receipt=number)
    text = flat(out / "void.pdf")
    assert "作废" in text and "收错户" in text
    with pytest.raises(NotFound, match="没有编号为 WY2026-09999 的物业费收据"):
        fee_receipt.build(db, out / "x.pdf", receipt="WY2026-09999")
    with pytest.raises(NotFound, match="请指定收据号"):
        registry.run(db, "fee_receipt", out / "x.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["void.pdf"]


def arrears_town(db: Database, town: Town) -> None:
    """h101 52.5 m² paid up (15.75); h102 48 m² unpaid (14.40); h301 61.2 m² paid 10 of 18.36; the
    平房区 house without an area."""
    c = town.community
    pay(db, c.h101, "15.75")
    pay(db, c.h301, "10", paid_on=date(2026, 2, 1))
    with db.transaction("面积未登记") as s:
        from chang_shan.db.models import Household

        s.get(Household, c.house).area_m2 = None


def test_arrears_list_with_totals_and_households_without_area(db: Database, town: Town, out: Path) -> None:
    arrears_town(db, town)
    target = out / "arrears.pdf"
    result = fee_arrears.build(db, target, year=2026, on_date=ON)
    assert result.rows == 2 and result.unit == "户" and result.scope == "2026年度 全部网格"
    text = flat(target)
    assert "长山社区物业费欠费清单（2026年度）" in text and "欠费2户，欠缴合计22.76元" in text
    rows = lines(target)
    assert "13号楼1单元102—48.000.3014.400.0014.40未缴" in rows, rows  # no head: the empty flat
    assert "23号楼2单元301王淑芬61.200.3018.3610.008.362026-02-01" in rows
    assert "合计2户32.7610.0022.76" in rows
    assert "3号楼1单元101" not in text  # paid up
    assert "面积未登记、无法计算应缴的住户1户" in text and "平房区长山路12号" in text
    assert RARE_NAME in pdftotext(target)  # the house's head
    second = fee_arrears.build(db, out / "g2.pdf", year=2026, grid="02", on_date=ON)
    assert second.rows == 0 and "（2026年度没有欠费住户）" in flat(out / "g2.pdf")
    building = registry.run(db, "fee_arrears", out / "b3.pdf", options={"year": 2026, "grid": "01", "building": "3"})
    assert building.rows == 2 and "第一网格3号楼" in building.scope.replace(" ", "")


def test_gridder_sees_only_their_grid(db: Database, town: Town, out: Path) -> None:
    arrears_town(db, town)
    as_user(db, "gridder")
    mine = fee_arrears.build(db, out / "mine.pdf", year=2026, on_date=ON)
    assert mine.rows == 2 and "平房区" not in flat(out / "mine.pdf")
    with pytest.raises(PermissionDenied):
        fee_arrears.build(db, out / "theirs.pdf", year=2026, grid="02", on_date=ON)
    assert not (out / "theirs.pdf").exists()


def test_eight_zero_three_years_with_sources(db: Database, town: Town, out: Path) -> None:
    add_case(db, town, number="TJ2026-001", escalated=True, mediators=add_mediators(db))
    add_case(db, town, number="TJ2025-001", kind="家庭暴力", received=date(2025, 5, 1))
    with db.transaction("八零") as s:
        for year in (2024, 2025, 2026):
            enter(s, year, "petitions", 0, "街道信访办通报", today=ON)
        enter(s, 2024, "drugs", 0, "派出所通报", today=ON)
        enter(s, 2025, "drugs", 1, "派出所通报", today=ON)
        enter(s, 2025, "domestic_violence", 1, "区妇联通报", today=ON)
        enter(s, 2026, "crime", 0, "派出所通报", today=ON)
        enter(s, 2025, "crime", 0, "长山派出所", today=ON)
    target = out / "eight.pdf"
    result = eight_zero.build(db, target, year=2026, on_date=ON)
    assert result.rows == 8 and result.scope == "2024—2026年" and result.pages == 1
    text = flat(target)
    assert "长山社区“八零”指标统计表" in text and "2026年达标4项（共8项）" in text
    rows = lines(target)
    assert "1零上访000达标街道信访办通报" in rows, rows
    assert "2零吸毒01未填报—派出所通报" in rows
    assert "3零犯罪未填报00达标2025年：长山派出所；2026年：派出所通报" in rows
    assert "7零矛盾升级0*0*1*未达标由人民调解记录统计" in rows
    violence = "".join(rows[rows.index(next(r for r in rows if r.startswith("8零家庭暴力"))) - 1:][:3])
    assert "8零家庭暴力0*2*0*达标" in violence
    assert "2024、2026年：由人民调解记录统计；2025年：人民调解记录1起；区妇联通报1起" in text
    assert any(r.startswith("6零就业家庭动态为零") and "由居民就业状况统计（2026-06-01）" in r for r in rows)
    assert "带*的数字由本系统的记录统计" in text
    long = "街道信访办通报：" + "物业维修问题到区上访一人次，经社区、街道和物业公司三方协调已化解。" * 4
    with db.transaction("长来源") as s:
        enter(s, 2026, "dropouts", 0, long, today=ON)
    eight_zero.build(db, target, year=2026, on_date=ON)
    assert "4零辍学未填报未填报0达标见表下（4）" in lines(target)
    assert f"（4）零辍学：{long}" in flat(target)  # never cut with "…"
    default = registry.run(db, "eight_zero", out / "default.pdf", options={"year": 2025})
    assert default.scope == "2023—2025年"
