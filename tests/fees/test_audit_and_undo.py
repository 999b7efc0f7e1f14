"""The fee and loan tables on the audit screen (every column in Chinese, amounts in yuan), and undo
of a payment, a void, a repayment through the change journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.fees import fees, loans
from chang_shan.fees.shapes import LoanInput, OWING, PAID_UP
from chang_shan.population import undo
from tests.accounts.office import Office
from tests.fees.helpers import TODAY, pay, row_of

TABLES = {"property_fee_rate": "物业费单价", "property_fee_payment": "物业费缴费", "loan": "诚信借款",
          "loan_repayment": "诚信借款还款"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields
    assert table not in trail.RESTRICTED_PREFIXES


def _undo(db: Database) -> str:
    with db.transaction("撤销") as s:
        return undo.undo_last(s)


def test_a_payment_on_the_audit_screen_and_undone(fdb: Database, office: Office) -> None:
    h101 = office.town.h101
    result = pay(fdb, h101, 2026, "15.75")
    worker = fdb.actor
    fdb.actor = office.actors["admin"]
    with fdb.reader() as s:
        [entry] = trail.list_entries(s, record=("property_fee_payment", result.payment_id), limit=1)
    assert entry.action == "收物业费" and entry.user == "worker"
    assert "物业费缴费" in entry.summary and "金额" in entry.summary and "15.75 元" in entry.summary
    assert "1575" not in entry.summary
    fdb.actor = worker
    assert row_of(fdb, h101, 2026).status == PAID_UP
    _undo(fdb)
    row = row_of(fdb, h101, 2026)
    assert (row.paid, row.status, row.payments) == (Decimal("0.00"), OWING, 0)
    assert pay(fdb, h101, 2026, "15.75").receipt_number == result.receipt_number  # never printed: free again


def test_a_void_undone(fdb: Database, office: Office) -> None:
    h101 = office.town.h101
    result = pay(fdb, h101, 2026, "15.75")
    with fdb.transaction("作废收据") as s:
        fees.void_payment(s, result.payment_id, "录错", today=TODAY)
    assert row_of(fdb, h101, 2026).status == OWING
    _undo(fdb)
    assert row_of(fdb, h101, 2026).status == PAID_UP
    with fdb.reader() as s:
        assert fees.payment_detail(s, result.receipt_number).voided_on is None


def test_a_repayment_undone(fdb: Database, office: Office) -> None:
    with fdb.transaction("诚信借款") as s:
        loan_id = loans.lend(s, LoanInput(office.town.son, "1000", "修鞋摊", "", date(2026, 1, 5), date(2026, 6, 5),
                                          "两委会议"), today=TODAY)
    with fdb.transaction("还款") as s:
        loans.repay(s, loan_id, 1, "1000", TODAY, today=TODAY)
    with fdb.reader() as s:
        assert loans.loan_detail(s, loan_id).loan.status == "已还清"
    _undo(fdb)
    with fdb.reader() as s:
        detail = loans.loan_detail(s, loan_id)
    assert (detail.loan.status, detail.loan.balance, detail.loan.closed_on, detail.repayments) == (
        "还款中", Decimal("1000.00"), None, ())
    fdb.actor = office.actors["admin"]
    with fdb.reader() as s:
        entries = trail.list_entries(s, record=("loan", loan_id), limit=5)
    assert any("诚信借款" in e.summary and "借款金额" in e.summary and "1000.00 元" in e.summary for e in entries)


def test_a_loan_is_about_its_borrower_in_the_audit_trail(fdb: Database, office: Office) -> None:
    with fdb.transaction("诚信借款") as s:
        loan_id = loans.lend(s, LoanInput(office.town.son, "1000", "修鞋摊", "", date(2026, 1, 5), date(2026, 6, 5),
                                          "两委会议"), today=TODAY)
    fdb.actor = office.actors["admin"]
    with fdb.reader() as s:
        by_person = trail.list_entries(s, resident_id=office.town.son, limit=5)
        [entry] = trail.list_entries(s, record=("loan", loan_id), limit=1)
        son = s.get(Resident, office.town.son).name
    assert entry.id in {e.id for e in by_person}  # found when the trail is filtered by the borrower
    assert entry.resident_id == office.town.son and entry.resident_name == son
    assert f"借款人 {son}（#{office.town.son}）" in entry.summary
