"""Who may do what with the property fees, the loans and the 八零 entries, role by role. Targets:
3号楼2单元301 (王淑芬, grid 1) for fees, 张伟 (grid 1) for loans. ``yes``: done; ``no``:
PermissionDenied and nothing written; ``hid``: read, the grid-1 target filtered out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.fees import fees, loans
from chang_shan.fees.shapes import LoanInput
from chang_shan.indicators import indicators
from tests.accounts.office import ROLES, Office
from tests.fees.helpers import TODAY

#            admin worker grid_own grid_other reader nobody
TABLE = """
record_payment   yes yes yes no  no  no
void_payment     yes yes yes no  no  no
set_rate         yes yes no  no  no  no
lend             yes yes yes no  no  no
repay            yes yes yes no  no  no
write_off        yes yes no  no  no  no
enter_indicator  yes yes no  no  no  no
household_fees   yes yes yes hid yes no
payments         yes yes yes hid yes no
payment_detail   yes yes yes no  yes no
loans            yes yes yes hid yes no
loan_detail      yes yes yes no  yes no
year_indicators  yes yes yes yes yes no
"""
EXPECTED = {line.split()[0]: dict(zip(ROLES, line.split()[1:], strict=True)) for line in TABLE.strip().splitlines()}
WRITES = {"record_payment", "void_payment", "set_rate", "lend", "repay", "write_off", "enter_indicator"}


def _setup(db: Database, o: Office) -> tuple[str, int, int]:
    """As the program: one payment of 301 and one loan of 张伟 (receipt, payment id, loan id)."""
    db.actor = SYSTEM
    with db.transaction("准备") as s:
        paid = fees.record_payment(s, o.town.h301, 2026, "5", paid_on=TODAY, today=TODAY)
        loan_id = loans.lend(s, LoanInput(o.town.son, "1000", "开小卖店", "", date(2026, 1, 5), date(2026, 6, 5),
                                          "两委会议"), today=TODAY)
    return paid.receipt_number, paid.payment_id, loan_id


def _runs(o: Office, receipt: str, payment_id: int, loan_id: int) -> dict:
    h301 = o.town.h301
    return {
        "record_payment": lambda s: fees.record_payment(s, h301, 2026, "1", paid_on=TODAY, today=TODAY),
        "void_payment": lambda s: fees.void_payment(s, payment_id, "录错", today=TODAY),
        "set_rate": lambda s: fees.set_rate(s, 2026, "0.35", today=TODAY),
        "lend": lambda s: loans.lend(s, LoanInput(o.town.li, "500", "早餐铺", "", TODAY, date(2026, 9, 1), "两委会议"),
                                     today=TODAY),
        "repay": lambda s: loans.repay(s, loan_id, 1, "100", TODAY, today=TODAY),
        "write_off": lambda s: loans.write_off(s, loan_id, 1, TODAY, "无力偿还", today=TODAY),
        "enter_indicator": lambda s: indicators.enter(s, 2025, "drugs", 0, "派出所通报", today=TODAY),
        "household_fees": lambda s: fees.household_fees(s, 2026),
        "payments": lambda s: fees.payments(s, year=2026),
        "payment_detail": lambda s: fees.payment_detail(s, receipt),
        "loans": lambda s: loans.loans(s, on=TODAY),
        "loan_detail": lambda s: loans.loan_detail(s, loan_id, on=TODAY),
        "year_indicators": lambda s: indicators.year_indicators(s, 2025, today=TODAY),
    }


def _sees(o: Office) -> dict:
    return {
        "household_fees": lambda rows: any(r.household_id == o.town.h301 for r in rows),
        "payments": lambda rows: any(r.household_id == o.town.h301 for r in rows),
        "loans": lambda rows: any(r.borrower_id == o.town.son for r in rows),
    }


def _rows(db: Database) -> dict[str, int]:
    with db.reader(actor=SYSTEM) as s:
        return {t: s.scalar(select(func.count()).select_from(Base.metadata.tables[t]))
                for t in ("property_fee_payment", "property_fee_rate", "loan", "loan_repayment", "eight_zero_entry")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", list(EXPECTED))
def test_permission(office_db: Database, office: Office, what: str, role: str) -> None:
    receipt, payment_id, loan_id = _setup(office_db, office)
    run = _runs(office, receipt, payment_id, loan_id)[what]
    expected = EXPECTED[what][role]
    office_db.actor = office.actors[role]
    before = _rows(office_db)
    if expected == "no":
        with pytest.raises(PermissionDenied):
            with office_db.transaction(what) as s:
                run(s)
        assert _rows(office_db) == before
        return
    if what in WRITES:
        with office_db.transaction(what) as s:
            run(s)
        assert _rows(office_db) != before or what in ("void_payment", "set_rate", "write_off")
        return
    with office_db.reader() as s:
        result = run(s)
    if what in _sees(office):
        assert _sees(office)[what](result) == (expected == "yes")


def test_a_grid_worker_sees_only_the_households_of_their_grid(office_db: Database, office: Office) -> None:
    office_db.actor = office.actors["grid_other"]
    with office_db.reader() as s:
        assert [r.household_id for r in fees.household_fees(s, 2026)] == [office.town.house]
        assert fees.year_summary(s, 2026).households == 1
