"""The office of tests/accounts/office.py for the property fees and loans, "today" 2026-03-20.

Areas as the community has them: 3号楼1单元101 (张立春's family) 52.5 m², 102 (empty) 48 m²,
3号楼2单元301 (王淑芬) 61.2 m², the 平房区 house (刘明, grid 2) 80 m². ``set_area`` changes one
through the ORM (so the 52 m² flat of the issue exists, or a household loses its area).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models import Household
from chang_shan.fees import fees
from chang_shan.fees.shapes import PaymentResult
from tests.accounts.office import Office, copy_office

TODAY = date(2026, 3, 20)


@pytest.fixture
def fdb(office: Office, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office, the 社区工作者 signed in."""
    database = Database.open(copy_office(office, tmp_path / "fees-office"))
    database.actor = office.actors["worker"]
    try:
        yield database
    finally:
        database.close()


def set_area(db: Database, household_id: int, area: str | None) -> None:
    actor = db.actor
    db.actor = SYSTEM
    try:
        with db.transaction("修改面积") as s:
            s.get(Household, household_id).area_m2 = Decimal(area) if area is not None else None
    finally:
        db.actor = actor


def pay(db: Database, household_id: int, year: int, amount: str, paid_on: date = TODAY, **extra: object) -> PaymentResult:
    with db.transaction("收物业费") as s:
        return fees.record_payment(s, household_id, year, amount, paid_on=paid_on, today=TODAY, **extra)  # type: ignore[arg-type]


def row_of(db: Database, household_id: int, year: int):  # noqa: ANN201 - FeeRow
    with db.reader() as s:
        return next(r for r in fees.household_fees(s, year) if r.household_id == household_id)
