"""Property fees: area × the year's rate in Decimal, half up to the fen; payments never above what
is owed; a household without an area; arrears; receipt numbers per year; voiding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models.fees import PropertyFeePayment, PropertyFeeRate
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.fees import fees
from chang_shan.fees.shapes import NO_AREA, OWING, PAID_UP
from chang_shan.settings import set_setting
from tests.accounts.office import Office
from tests.fees.helpers import TODAY, pay, row_of, set_area


def _payments(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(PropertyFeePayment))


@pytest.mark.parametrize(("area", "rate", "due"), [
    ("52", "0.30", "15.60"),  # the flat
    ("52.35", "0.30", "15.71"),  # 15.705: half up, not to even
    ("52.05", "0.30", "15.62"),  # 15.615
    ("40.32", "0.30", "12.10"),  # 12.096
    ("61.2", "0.35", "21.42"),
    ("52", "0", "0.00"),
])
def test_fee_due_is_area_times_rate_half_up_to_the_fen(area: str, rate: str, due: str) -> None:
    value = fees.fee_due(Decimal(area), Decimal(rate))
    assert value == Decimal(due) and str(value) == due


def test_fee_due_refuses_floats() -> None:
    with pytest.raises(TypeError):
        fees.fee_due(52.0, Decimal("0.30"))  # type: ignore[arg-type]


def test_the_52_square_metre_flat_pays_15_60(fdb: Database, office: Office) -> None:
    h102 = office.town.h102
    set_area(fdb, h102, "52")
    row = row_of(fdb, h102, 2026)
    assert (row.area, row.rate, row.due, row.paid, row.owed, row.status) == (
        Decimal("52.00"), Decimal("0.30"), Decimal("15.60"), Decimal("0.00"), Decimal("15.60"), OWING)
    result = pay(fdb, h102, 2026, "15.60", payer="赵桂芝", method="微信")
    assert result.owed_after == Decimal("0.00")
    row = row_of(fdb, h102, 2026)
    assert (row.paid, row.owed, row.status, row.payments, row.last_paid_on) == (
        Decimal("15.60"), Decimal("0.00"), PAID_UP, 1, TODAY)
    with fdb.reader() as s:
        detail = fees.payment_detail(s, result.receipt_number)
        stored = s.get(PropertyFeePayment, result.payment_id)
    assert stored.amount_fen == 1560 and stored.area_m2 == Decimal("52.00") and stored.rate == Decimal("0.3")
    assert (detail.area, detail.rate, detail.due, detail.amount, detail.paid_before, detail.owed_after) == (
        Decimal("52.00"), Decimal("0.30"), Decimal("15.60"), Decimal("15.60"), Decimal("0.00"), Decimal("0.00"))
    assert (detail.payer, detail.method, detail.year, detail.address) == ("赵桂芝", "微信", 2026, "3号楼1单元102")
    assert detail.recorded_by == "worker"


def test_a_year_with_its_own_rate_and_the_default_setting(fdb: Database, office: Office) -> None:
    h101 = office.town.h101  # 52.5 m²
    with fdb.transaction("设定单价") as s:
        fees.set_rate(s, 2025, "0.35", "两委会议", today=TODAY)
    with fdb.reader() as s:
        assert fees.rate_for(s, 2025) == Decimal("0.35")
        assert fees.rate_for(s, 2026) == Decimal("0.30")  # the setting's default
        assert fees.rates(s) == [(2025, Decimal("0.35"), "两委会议")]
    assert row_of(fdb, h101, 2025).due == Decimal("18.38")  # 18.375 half up
    assert row_of(fdb, h101, 2026).due == Decimal("15.75")
    fdb.actor = SYSTEM
    with fdb.transaction("修改设置") as s:
        set_setting(s, "fees.default_rate", "0.40")
    assert row_of(fdb, h101, 2026).due == Decimal("21.00")  # the default moved
    assert row_of(fdb, h101, 2025).due == Decimal("18.38")  # the year's own rate did not
    with fdb.transaction("修改单价") as s:
        fees.set_rate(s, 2025, Decimal("0.3"), today=TODAY)
    with fdb.reader() as s:
        assert s.get(PropertyFeeRate, 2025).rate == Decimal("0.3")
    assert row_of(fdb, h101, 2025).due == Decimal("15.75")


@pytest.mark.parametrize(("rate", "field"), [("-0.1", "rate"), ("abc", "rate"), ("0.12345", "rate"), ("101", "rate")])
def test_bad_rates_are_refused(fdb: Database, rate: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught, fdb.transaction("设定单价") as s:
        fees.set_rate(s, 2025, rate, today=TODAY)
    assert field in caught.value.errors
    with pytest.raises(ValidationError) as caught, fdb.transaction("设定单价") as s:
        fees.set_rate(s, 2030, "0.3", today=TODAY)
    assert "year" in caught.value.errors


def test_a_rate_below_what_was_paid_is_refused(fdb: Database, office: Office) -> None:
    pay(fdb, office.town.h101, 2026, "15.75")
    with pytest.raises(DomainError, match="已有 1 户"), fdb.transaction("设定单价") as s:
        fees.set_rate(s, 2026, "0.25", today=TODAY)
    with fdb.transaction("设定单价") as s:
        fees.set_rate(s, 2026, "0.35", today=TODAY)  # higher is fine: the household owes the rest
    assert row_of(fdb, office.town.h101, 2026).owed == Decimal("2.63")  # 18.375 → 18.38 − 15.75


def test_a_payment_above_what_is_owed_is_refused(fdb: Database, office: Office) -> None:
    h301 = office.town.h301  # 61.2 m² → 18.36
    with pytest.raises(ValidationError) as caught:
        pay(fdb, h301, 2026, "18.37")
    assert caught.value.errors["amount"] == "缴费金额 18.37 元超过这一户 2026 年尚欠的 18.36 元。"
    assert _payments(fdb) == 0
    first = pay(fdb, h301, 2026, "１０")  # full-width digits from an input method
    assert first.owed_after == Decimal("8.36")
    with pytest.raises(ValidationError, match="8.36"):
        pay(fdb, h301, 2026, "8.37")
    assert pay(fdb, h301, 2026, "8.36元").owed_after == Decimal("0.00")
    with pytest.raises(DomainError, match="已经缴清"):
        pay(fdb, h301, 2026, "0.01")
    assert _payments(fdb) == 2


@pytest.mark.parametrize("amount", ["0", "-1", "15.605", "abc", "", 15.6])
def test_bad_amounts_are_refused(fdb: Database, office: Office, amount: object) -> None:
    with pytest.raises(ValidationError) as caught:
        pay(fdb, office.town.h301, 2026, amount)  # type: ignore[arg-type]
    assert "amount" in caught.value.errors
    assert _payments(fdb) == 0


def test_other_bad_payments_write_nothing(fdb: Database, office: Office) -> None:
    h301 = office.town.h301
    with pytest.raises(ValidationError) as caught:
        pay(fdb, h301, 2026, "1", paid_on=date(2026, 3, 21), method="刷卡")
    assert set(caught.value.errors) == {"paid_on", "method"}
    with pytest.raises(NotFound):
        pay(fdb, 999_999, 2026, "1")
    assert _payments(fdb) == 0


def test_a_household_without_an_area(fdb: Database, office: Office) -> None:
    house = office.town.house
    set_area(fdb, house, None)
    row = row_of(fdb, house, 2026)
    assert (row.area, row.due, row.owed, row.status) == (None, None, None, NO_AREA)
    with pytest.raises(DomainError, match="未登记面积"):
        pay(fdb, house, 2026, "10")
    assert _payments(fdb) == 0
    with fdb.reader() as s:
        assert [r.household_id for r in fees.household_fees(s, 2026, status=NO_AREA)] == [house]
        assert house not in {r.household_id for r in fees.arrears(s, 2026)}
        summary = fees.year_summary(s, 2026)
    assert (summary.households, summary.billed, summary.no_area) == (4, 3, 1)


def test_arrears_and_the_year_summary(fdb: Database, office: Office) -> None:
    town = office.town
    pay(fdb, town.h101, 2026, "15.75")  # paid up
    pay(fdb, town.h301, 2026, "10.00")  # partly: 8.36 owed
    with fdb.reader() as s:
        owing = fees.arrears(s, 2026)
        assert [(r.address, r.owed) for r in owing] == [
            ("3号楼1单元102", Decimal("14.40")), ("3号楼2单元301", Decimal("8.36")), ("平房区 长山路12号", Decimal("24.00"))]
        assert [r.head_name for r in owing] == ["", "王淑芬", "刘明"]
        assert [r.address for r in fees.household_fees(s, 2026, status=PAID_UP)] == ["3号楼1单元101"]
        assert [r.household_id for r in fees.arrears(s, 2026, text="刘明")] == [town.house]
        assert [r.household_id for r in fees.arrears(s, 2026, grid=town.grid2)] == [town.house]
        assert [r.household_id for r in fees.arrears(s, 2026, building=town.building3)] == [town.h102, town.h301]
        assert [r.household_id for r in fees.household_fees(s, 2026, text="2单元")] == [town.h301]
        assert len(fees.arrears(s, 2025)) == 4  # nothing paid for 2025
        summary = fees.year_summary(s, 2026)
        # the 物业费 tab makes the rows once and filters them: the same as asking with the filters
        every = fees.household_fees(s, 2026)
        for status, text in ((OWING, ""), (PAID_UP, ""), (None, "2单元"), (OWING, "刘明"), (None, "")):
            assert fees.filter_fees(every, status=status, text=text) == fees.household_fees(s, 2026, status=status,
                                                                                              text=text)
        assert fees.year_summary(s, 2026, rows=every) == summary
    assert summary.due == Decimal("15.75") + Decimal("14.40") + Decimal("18.36") + Decimal("24.00")
    assert (summary.paid, summary.owed) == (Decimal("25.75"), Decimal("46.76"))
    assert (summary.paid_up, summary.partly_paid, summary.unpaid, summary.payments, summary.voided) == (1, 1, 2, 2, 0)


def test_receipt_numbers_run_per_year_and_are_never_reused(fdb: Database, office: Office) -> None:
    town = office.town
    a = pay(fdb, town.h101, 2025, "5", paid_on=date(2025, 6, 1))
    b = pay(fdb, town.h101, 2025, "5", paid_on=date(2025, 6, 2))
    c = pay(fdb, town.h301, 2026, "5", paid_on=date(2026, 1, 10))  # the year paid in counts
    d = pay(fdb, town.h101, 2025, "1", paid_on=date(2026, 1, 11))  # last year's arrears, paid this year
    assert [r.receipt_number for r in (a, b, c, d)] == ["WY2025-00001", "WY2025-00002", "WY2026-00001", "WY2026-00002"]
    with fdb.transaction("作废收据") as s:
        fees.void_payment(s, d.payment_id, "金额录错", today=TODAY)
    e = pay(fdb, town.h101, 2025, "1")
    assert e.receipt_number == "WY2026-00003"


def test_a_voided_payment_stops_counting(fdb: Database, office: Office) -> None:
    h101 = office.town.h101
    first = pay(fdb, h101, 2026, "15.75")
    with pytest.raises(ValidationError) as caught, fdb.transaction("作废收据") as s:
        fees.void_payment(s, first.payment_id, "  ", today=TODAY)
    assert "reason" in caught.value.errors
    with fdb.transaction("作废收据") as s:
        fees.void_payment(s, first.payment_id, "重复录入", today=TODAY)
    row = row_of(fdb, h101, 2026)
    assert (row.paid, row.owed, row.status, row.payments) == (Decimal("0.00"), Decimal("15.75"), OWING, 0)
    with pytest.raises(DomainError, match="已于 2026-03-20 作废"), fdb.transaction("作废收据") as s:
        fees.void_payment(s, first.payment_id, "再作废一次", today=TODAY)
    with fdb.reader() as s:
        detail = fees.payment_detail(s, first.receipt_number.lower())
        rows = fees.payments(s, year=2026)
        assert fees.payments(s, year=2026, include_voided=False) == []
        assert fees.year_summary(s, 2026).voided == 1
    assert (detail.voided_on, detail.void_reason, detail.owed_after) == (TODAY, "重复录入", None)
    assert [(r.receipt_number, r.voided_on) for r in rows] == [(first.receipt_number, TODAY)]
    assert pay(fdb, h101, 2026, "15.75").owed_after == Decimal("0.00")  # can be paid again


def test_an_unknown_receipt(fdb: Database) -> None:
    with pytest.raises(NotFound, match="没有编号为 WY2026-09999 的物业费收据"), fdb.reader() as s:
        fees.payment_detail(s, "WY2026-09999")


def test_the_payer_defaults_to_the_head_of_household(fdb: Database, office: Office) -> None:
    result = pay(fdb, office.town.h101, 2026, "1")
    with fdb.reader() as s:
        assert fees.payment_detail(s, result.receipt_number).payer == "张立春"


def test_rare_characters_stay_in_the_lists(fdb: Database, office: Office) -> None:
    result = pay(fdb, office.town.h301, 2026, "1", payer="孙𠀀明")
    with fdb.reader() as s:
        assert fees.payment_detail(s, result.receipt_number).payer == "孙𠀀明"
        assert [p.payer for p in fees.payments(s, household_id=office.town.h301)] == ["孙𠀀明"]
