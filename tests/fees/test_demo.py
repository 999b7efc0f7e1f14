"""The demo's property fees and loans, read back through the services: three years at 0.30 on the
households' own areas, about 8 % arrears this year, receipts numbered per year, one voided; a dozen
loans whose balances agree with their repayments, one or two overdue on the today list."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from chang_shan.db.models import Household
from chang_shan.db.models.fees import Loan, LoanRepayment, PropertyFeePayment, PropertyFeeRate
from chang_shan.fees import fees, loans
from chang_shan.fees.shapes import OWING, PAID_UP
from chang_shan.today.registry import build_today
from tests.demo.template import TODAY

YEARS = (TODAY.year - 2, TODAY.year - 1, TODAY.year)


def _due_fen(area: Decimal) -> int:
    """area × 0.30 in fen, half up, in integers: hundredths of m² × 30 = ten-thousandths of a yuan."""
    hundredths = int(area * 100)
    return (hundredths * 30 + 50) // 100


def test_the_demo_areas_look_real(demo_db) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        areas = list(s.scalars(select(Household.area_m2)))
    assert None not in areas
    assert 40 <= min(areas) and max(areas) <= 96
    assert 55 <= sum(areas) / len(areas) <= 75


def test_three_years_of_fees_on_the_real_areas(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        assert {r.year: r.rate for r in s.scalars(select(PropertyFeeRate))} == dict.fromkeys(YEARS, Decimal("0.3"))
        stored = list(s.scalars(select(PropertyFeePayment)))
        by_year = {year: fees.household_fees(s, year) for year in YEARS}
        summaries = {year: fees.year_summary(s, year) for year in YEARS}
    assert demo[1].fee_payments == len(stored)
    households = len(by_year[TODAY.year])
    assert households == 3100
    for year, rows in by_year.items():
        for r in rows:
            assert r.rate == Decimal("0.30")
            assert r.due is not None and int(r.due * 100) == _due_fen(r.area)
            assert r.owed == r.due - r.paid and r.owed >= 0
            assert (r.status == PAID_UP) == (r.paid == r.due)
        owing = sum(1 for r in rows if r.status == OWING) / households
        assert (0.05 <= owing <= 0.11) if year == TODAY.year else (0.005 <= owing <= 0.05), (year, owing)
        partly = summaries[year].partly_paid
        assert partly >= 10 and summaries[year].unpaid >= 10
    # the stored amounts and dates
    for p in stored:
        assert p.area_m2 is not None and p.rate == Decimal("0.3") and p.amount_fen > 0
        assert p.paid_on.year == p.year and p.paid_on < TODAY
    instalments = Counter((p.household_id, p.year) for p in stored if p.voided_on is None)
    assert sum(1 for n in instalments.values() if n == 2) >= 100


def test_receipt_numbers_run_per_year_without_gaps(demo_db) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        stored = sorted(s.scalars(select(PropertyFeePayment)), key=lambda p: p.receipt_number)
    by_year: dict[int, list[PropertyFeePayment]] = {}
    for p in stored:
        by_year.setdefault(p.paid_on.year, []).append(p)
    for year, payments in by_year.items():
        assert [p.receipt_number for p in payments] == [f"WY{year}-{n:05d}" for n in range(1, len(payments) + 1)]
        assert [p.paid_on for p in payments] == sorted(p.paid_on for p in payments)  # in the order paid
    [voided] = [p for p in stored if p.voided_on is not None]
    [original] = [p for p in stored if p.receipt_number in voided.void_reason]
    assert (original.household_id, original.year, original.amount_fen, original.voided_on) == (
        voided.household_id, voided.year, voided.amount_fen, None)


def test_a_demo_receipt_reads_back(demo_db) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        number = s.scalar(select(PropertyFeePayment.receipt_number).where(PropertyFeePayment.voided_on.is_(None))
                          .order_by(PropertyFeePayment.id.desc()).limit(1))
        detail = fees.payment_detail(s, number)
    assert detail.due == detail.paid_before + detail.amount + detail.owed_after
    assert detail.address and detail.payer and detail.recorded_by


def test_the_demo_loans(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        stored = list(s.scalars(select(Loan)))
        repaid = Counter()
        for r in s.scalars(select(LoanRepayment)):
            repaid[r.loan_id] += r.amount_fen
        rows = loans.loans(s, on=TODAY)
        late = loans.overdue(s, TODAY)
        section = build_today(s, TODAY).section("loans_overdue")
    assert demo[1].loans == len(stored) == 12
    assert all(loan.repaid_fen == repaid[loan.id] for loan in stored)
    statuses = Counter(r.status for r in rows)
    assert statuses["已还清"] >= 4 and statuses["已核销"] <= 1 and statuses["还款中"] >= 3
    assert 1 <= len(late) <= 2 and all(r.balance > 0 for r in late)
    assert section is not None and [i.target for i in section.items] == [("loan", r.id) for r in late]
    assert all(r.closed_on is not None for r in rows if r.status != "还款中")
    assert len({r.borrower_id for r in rows}) == len(rows)
    numbers = sorted(r.number for r in rows)
    assert len(set(numbers)) == len(numbers) and all(n.startswith("JK") for n in numbers)
    assert all(r.lent_on < r.due_on and r.lent_on >= date(YEARS[0], 1, 1) for r in rows)
