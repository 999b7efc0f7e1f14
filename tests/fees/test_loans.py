"""诚信借款: numbers per year, repayments never above the balance, 已还清 at 0, stale versions,
write-offs, overdue loans on the today list (a fake date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models.fees import Loan, LoanRepayment
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.fees import loans
from chang_shan.fees.shapes import LoanInput
from chang_shan.today.registry import build_today
from tests.accounts.office import Office
from tests.fees.helpers import TODAY

LENT = date(2026, 1, 10)
DUE = date(2026, 7, 10)


def _lend(db: Database, borrower: int, amount: str = "5000", **extra: object) -> int:
    values: dict[str, object] = {"borrower_id": borrower, "amount": amount, "purpose": "开小卖店进货",
                                 "guarantor": "李桂兰（母亲）", "lent_on": LENT, "due_on": DUE,
                                 "approved_by": "社区“两委”会议 2026-01-05"}
    values.update(extra)
    with db.transaction("诚信借款") as s:
        return loans.lend(s, LoanInput(**values), today=TODAY)  # type: ignore[arg-type]


def _detail(db: Database, loan_id: int, on: date = TODAY):  # noqa: ANN202 - LoanDetail
    with db.reader() as s:
        return loans.loan_detail(s, loan_id, on=on)


def _repay(db: Database, loan_id: int, amount: str, paid_on: date = TODAY) -> Decimal:
    version = _detail(db, loan_id).loan.version
    with db.transaction("还款") as s:
        return loans.repay(s, loan_id, version, amount, paid_on, "HK-001", today=TODAY)


def test_a_loan_repaid_to_zero(fdb: Database, office: Office) -> None:
    son = office.town.son
    loan_id = _lend(fdb, son)
    row = _detail(fdb, loan_id).loan
    assert (row.number, row.borrower_name, row.amount, row.balance, row.status) == (
        "JK2026-01", "张伟", Decimal("5000.00"), Decimal("5000.00"), "还款中")
    assert row.address == "3号楼1单元101" and row.phone == ""
    assert _repay(fdb, loan_id, "1200", date(2026, 2, 10)) == Decimal("3800.00")
    with pytest.raises(ValidationError) as caught:
        _repay(fdb, loan_id, "3800.01")
    assert caught.value.errors["amount"] == "还款金额 3800.01 元超过借款余额 3800.00 元。"
    assert _repay(fdb, loan_id, "3800") == Decimal("0.00")
    detail = _detail(fdb, loan_id)
    assert (detail.loan.status, detail.loan.closed_on, detail.loan.repaid, detail.loan.balance) == (
        "已还清", TODAY, Decimal("5000.00"), Decimal("0.00"))
    assert [(r.paid_on, r.amount, r.receipt_number) for r in detail.repayments] == [
        (date(2026, 2, 10), Decimal("1200.00"), "HK-001"), (TODAY, Decimal("3800.00"), "HK-001")]
    assert (detail.guarantor, detail.approved_by) == ("李桂兰（母亲）", "社区“两委”会议 2026-01-05")
    with pytest.raises(DomainError, match="已还清"):
        _repay(fdb, loan_id, "1")
    with fdb.reader() as s:
        assert s.scalar(select(func.sum(LoanRepayment.amount_fen))) == s.get(Loan, loan_id).repaid_fen == 500000


def test_numbers_and_one_open_loan_per_borrower(fdb: Database, office: Office) -> None:
    town = office.town
    first = _lend(fdb, town.son)
    with pytest.raises(DomainError, match="张伟尚有未还清的诚信借款 JK2026-01"):
        _lend(fdb, town.son, "1000")
    second = _lend(fdb, office.liu, "3000")
    last_year = _lend(fdb, town.li, "2000", lent_on=date(2025, 12, 1))
    with fdb.reader() as s:
        numbers = {s.get(Loan, i).number for i in (first, second, last_year)}
    assert numbers == {"JK2026-01", "JK2026-02", "JK2025-01"}


def test_bad_loans_write_nothing(fdb: Database, office: Office) -> None:
    with pytest.raises(ValidationError) as caught:
        _lend(fdb, office.town.son, "0", purpose="", due_on=LENT, approved_by="", lent_on=LENT)
    assert set(caught.value.errors) == {"amount", "purpose", "due_on", "approved_by"}
    with pytest.raises(ValidationError) as caught:
        _lend(fdb, None, lent_on=date(2026, 3, 21), due_on=date(2026, 9, 1))  # type: ignore[arg-type]
    assert set(caught.value.errors) == {"borrower_id", "lent_on"}
    with fdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Loan)) == 0


def test_a_stale_version_is_refused(fdb: Database, office: Office) -> None:
    loan_id = _lend(fdb, office.town.son)
    version = _detail(fdb, loan_id).loan.version
    _repay(fdb, loan_id, "100")
    with pytest.raises(DomainError, match="记录已被他人修改"), fdb.transaction("还款") as s:
        loans.repay(s, loan_id, version, "100", TODAY, today=TODAY)
    assert _detail(fdb, loan_id).loan.balance == Decimal("4900.00")


def test_repayment_dates(fdb: Database, office: Office) -> None:
    loan_id = _lend(fdb, office.town.son)
    for day, field in ((date(2026, 1, 9), "paid_on"), (date(2026, 3, 21), "paid_on")):
        with pytest.raises(ValidationError) as caught:
            _repay(fdb, loan_id, "1", day)
        assert field in caught.value.errors


def test_write_off(fdb: Database, office: Office) -> None:
    loan_id = _lend(fdb, office.town.son)
    _repay(fdb, loan_id, "2000", date(2026, 2, 1))
    version = _detail(fdb, loan_id).loan.version
    with pytest.raises(ValidationError), fdb.transaction("核销") as s:
        loans.write_off(s, loan_id, version, TODAY, "", today=TODAY)
    with fdb.transaction("核销") as s:
        loans.write_off(s, loan_id, version, TODAY, "借款人重病，两委会议决定核销", today=TODAY)
    detail = _detail(fdb, loan_id)
    assert (detail.loan.status, detail.loan.closed_on, detail.loan.balance) == ("已核销", TODAY, Decimal("3000.00"))
    assert detail.note == "2026-03-20 核销余额 3000.00 元：借款人重病，两委会议决定核销"
    with fdb.reader() as s:
        assert loans.overdue(s, date(2026, 12, 1)) == []  # a written-off loan is not overdue
    _lend(fdb, office.town.son, "1000")  # no open loan any more


def test_overdue_loans_on_the_today_list(fdb: Database, office: Office) -> None:
    town = office.town
    late = _lend(fdb, town.son, "5000")
    _repay(fdb, late, "1000", date(2026, 2, 1))
    on_time = _lend(fdb, office.liu, "2000", due_on=date(2026, 12, 31))
    paid = _lend(fdb, town.li, "1000")
    _repay(fdb, paid, "1000")
    day = date(2026, 7, 20)  # ten days after DUE
    with fdb.reader() as s:
        rows = loans.overdue(s, day)
        assert [(r.id, r.days_overdue, r.balance) for r in rows] == [(late, 10, Decimal("4000.00"))]
        assert loans.overdue(s, DUE) == []  # due today is not late yet
        assert [r.id for r in loans.loans(s, status="逾期", on=day)] == [late]
        assert {r.id for r in loans.loans(s, status="还款中", on=day)} == {late, on_time}
        assert [r.id for r in loans.loans(s, text="张伟", on=day)] == [late]
        section = build_today(s, day).section("loans_overdue")
    assert section is not None and section.title == "诚信借款逾期"
    [item] = section.items
    assert (item.resident_id, item.name, item.days_overdue, item.due_on, item.target) == (
        town.son, "张伟", 10, DUE, ("loan", late))
    assert item.text == "JK2026-01 借款 5000.00 元（开小卖店进货），余额 4000.00 元，逾期 10 天（应于 2026-07-10 还清）"
    with fdb.reader() as s:
        assert build_today(s, DUE).section("loans_overdue").count == 0


def test_unknown_loans(fdb: Database) -> None:
    with fdb.reader() as s:
        with pytest.raises(NotFound):
            loans.loan_detail(s, 12345)
        with pytest.raises(NotFound, match="没有编号为 JK2026-99 的诚信借款"):
            loans.loan_id_of(s, "JK2026-99")
    with pytest.raises(NotFound), fdb.transaction("还款") as s:
        loans.repay(s, 12345, 1, "1", TODAY, today=TODAY)
