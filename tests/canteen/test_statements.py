"""Monthly statements: each meal at its own price, totals exact in Decimal yuan (never a float),
the month's summary per person."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.canteen import meals, statements
from chang_shan.canteen.shapes import Statement
from chang_shan.db.database import Database
from chang_shan.errors import NotFound, ValidationError
from chang_shan.settings import set_setting
from tests.canteen.office import TODAY, CanteenOffice


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _serve(db: Database, ids: list[int], days: list[date], meals_: tuple[str, ...] = ("午餐", "晚餐"),
           price: str | None = None) -> None:
    """Record ``ids`` for each meal of each day (at ``price``, set first, when given)."""
    with db.transaction("登记用餐", actor=SYSTEM) as s:
        if price is not None:
            set_setting(s, "canteen.meal_price", price)
        for day in days:
            for meal in meals_:
                meals.record_meal(s, day, meal, ids, today=TODAY)


def _statement(db: Database, resident_id: int, year: int, month: int) -> Statement:
    with db.reader() as s:
        return statements.statement(s, resident_id, year, month)


def _assert_decimal(statement: Statement) -> None:
    assert type(statement.total) is Decimal and statement.total == statement.total.quantize(Decimal("0.01"))
    assert all(type(line.price) is Decimal for line in statement.lines)


def test_the_statement_of_a_month(cdb: Database, canteen_office: CanteenOffice) -> None:
    st = _statement(cdb, canteen_office.town.wang, 2025, 3)
    assert (st.resident_id, st.name, st.address, st.year, st.month) == (
        canteen_office.town.wang, "王淑芬", "3号楼2单元301", 2025, 3)
    assert [(line.on_date, line.meal, line.mode, line.price) for line in st.lines] == [
        (date(2025, 3, 3), "午餐", "送餐", Decimal("7.00")), (date(2025, 3, 3), "晚餐", "送餐", Decimal("7.00"))]
    assert (st.meals, st.total, str(st.total)) == (2, Decimal("14.00"), "14.00")
    _assert_decimal(st)


def test_ten_and_twenty_fen_make_thirty(cdb: Database, canteen_office: CanteenOffice) -> None:
    zhang = canteen_office.town.zhang
    _serve(cdb, [zhang], [date(2025, 2, 3)], ("午餐",), price="0.10")
    _serve(cdb, [zhang], [date(2025, 2, 3)], ("晚餐",), price="0.20")
    st = _statement(cdb, zhang, 2025, 2)
    assert [line.price for line in st.lines] == [Decimal("0.10"), Decimal("0.20")]
    assert st.total == Decimal("0.30") and str(st.total) == "0.30"
    _assert_decimal(st)
    assert sum(float(line.price) for line in st.lines) != 0.30  # what a float would have made of it


def test_sixty_one_meals_at_seven_yuan(cdb: Database, canteen_office: CanteenOffice) -> None:
    zhang = canteen_office.town.zhang
    january = _days(date(2025, 1, 1), date(2025, 1, 31))
    _serve(cdb, [zhang], january, ("午餐",))
    _serve(cdb, [zhang], january[:-1], ("晚餐",))  # no dinner on the 31st
    st = _statement(cdb, zhang, 2025, 1)
    assert st.meals == 61 == len(st.lines)
    assert st.total == Decimal("427.00") and str(st.total) == "427.00"
    _assert_decimal(st)
    assert [(line.on_date.day, line.meal) for line in st.lines[-3:]] == [(30, "午餐"), (30, "晚餐"), (31, "午餐")]


def test_a_price_change_in_the_month(cdb: Database, canteen_office: CanteenOffice) -> None:
    zhang = canteen_office.town.zhang
    _serve(cdb, [zhang], _days(date(2025, 2, 1), date(2025, 2, 14)))
    _serve(cdb, [zhang], _days(date(2025, 2, 15), date(2025, 2, 28)), price="7.35")
    st = _statement(cdb, zhang, 2025, 2)
    prices = [line.price for line in st.lines]
    assert prices == [Decimal("7.00")] * 28 + [Decimal("7.35")] * 28
    assert st.total == Decimal("401.80")  # 28 × 7.00 + 28 × 7.35
    _assert_decimal(st)
    # Recording a day again later keeps its meals at the price they were served at.
    _serve(cdb, [zhang], [date(2025, 2, 1)], price="8.00")
    assert _statement(cdb, zhang, 2025, 2).total == Decimal("401.80")


def test_month_statements(cdb: Database, canteen_office: CanteenOffice) -> None:
    town, zhao, liu = canteen_office.town, canteen_office.zhao, canteen_office.liu
    _serve(cdb, [town.wang, liu, town.zhang], _days(date(2025, 1, 1), date(2025, 1, 10)), ("午餐",), price="6.90")
    _serve(cdb, [zhao], _days(date(2025, 1, 11), date(2025, 1, 12)), ("午餐",), price="7.05")
    _serve(cdb, [town.li], [date(2025, 1, 31)], ("晚餐",))
    with cdb.reader() as s:
        summary = statements.month_statements(s, 2025, 1)
    assert [(r.name, r.meals, r.delivered, r.total) for r in summary] == [
        ("李桂兰", 1, 0, Decimal("7.05")), ("刘明", 10, 10, Decimal("69.00")), ("王淑芬", 10, 10, Decimal("69.00")),
        ("张立春", 10, 0, Decimal("69.00")), ("赵桂芝", 2, 2, Decimal("14.10")),
    ]
    assert all(type(r.total) is Decimal for r in summary)
    assert sum((r.total for r in summary), Decimal(0)) == Decimal("228.15")
    for row in summary:  # each summary agrees with the person's statement
        st = _statement(cdb, row.resident_id, 2025, 1)
        assert (st.meals, st.total) == (row.meals, row.total)
    with cdb.reader() as s:
        assert statements.month_statements(s, 2025, 2) == []
        assert [r.name for r in statements.month_statements(s, 2025, 3)] == ["李桂兰", "刘明", "王淑芬", "张立春",
                                                                          "赵桂芝"]
    cdb.actor = canteen_office.actors["grid_other_h"]
    with cdb.reader() as s:
        assert [r.name for r in statements.month_statements(s, 2025, 1)] == ["刘明"]


def test_a_month_without_meals(cdb: Database, canteen_office: CanteenOffice) -> None:
    st = _statement(cdb, canteen_office.town.son, 2025, 3)
    assert (st.lines, st.meals, st.total, str(st.total)) == ((), 0, Decimal("0.00"), "0.00")


@pytest.mark.parametrize(("year", "month", "errors"), [
    (2025, 13, {"month": "月份应为 1–12。"}), (2025, 0, {"month": "月份应为 1–12。"}),
    (1999, 1, {"year": "年份应为 2000–2999 之间的整数。"}),
    (2025.0, 1.0, {"year": "年份应为 2000–2999 之间的整数。", "month": "月份应为 1–12。"}),
])
def test_bad_months(cdb: Database, canteen_office: CanteenOffice, year, month, errors: dict) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught, cdb.reader() as s:
        statements.statement(s, canteen_office.town.wang, year, month)
    assert caught.value.errors == errors
    with pytest.raises(ValidationError), cdb.reader() as s:
        statements.month_statements(s, year, month)


def test_unknown_resident(cdb: Database) -> None:
    with pytest.raises(NotFound), cdb.reader() as s:
        statements.statement(s, 9999, 2025, 3)
