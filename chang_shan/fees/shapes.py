"""The data the property-fee and loan services exchange with forms, lists and prints. Money is
``Decimal`` yuan (two places), never a float."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

OWING = "欠费"
PAID_UP = "已缴清"
NO_AREA = "面积未登记"
FEE_STATUSES = (OWING, PAID_UP, NO_AREA)
METHODS = ("现金", "微信", "支付宝", "转账")


@dataclass(frozen=True)
class FeeRow:
    """A household's fee for one year. ``due`` and ``owed`` are None when its area is not
    registered (``status`` 面积未登记): the fee cannot be worked out."""

    household_id: int
    address: str
    grid_name: str
    head_name: str
    area: Decimal | None
    rate: Decimal
    due: Decimal | None
    paid: Decimal  # the year's payments, voided ones left out
    owed: Decimal | None
    status: str  # 欠费 / 已缴清 / 面积未登记
    payments: int  # how many (not voided)
    last_paid_on: date | None


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    receipt_number: str  # WY2026-00001
    owed_after: Decimal


@dataclass(frozen=True)
class PaymentRow:
    id: int
    receipt_number: str
    household_id: int
    address: str
    year: int
    amount: Decimal
    paid_on: date
    payer: str
    method: str
    recorded_by: str
    voided_on: date | None
    void_reason: str


@dataclass(frozen=True)
class PaymentDetail:
    """One payment as its receipt prints it: the household, area × rate = due (as billed that
    day), the amount, what was paid for the year before it and what is still owed after it."""

    id: int
    receipt_number: str
    household_id: int
    address: str
    head_name: str
    year: int
    area: Decimal | None
    rate: Decimal | None
    due: Decimal | None  # area × rate as billed on the payment
    amount: Decimal
    paid_before: Decimal  # the year's earlier payments (not voided)
    owed_after: Decimal | None  # None without an area, or for a voided payment
    paid_on: date
    payer: str
    method: str
    recorded_by: str
    voided_on: date | None
    void_reason: str
    note: str


@dataclass(frozen=True)
class YearSummary:
    year: int
    rate: Decimal
    households: int  # listed for the year
    billed: int  # with an area
    no_area: int
    due: Decimal
    paid: Decimal
    owed: Decimal
    paid_up: int  # households that have paid the whole fee
    partly_paid: int
    unpaid: int
    payments: int  # not voided
    voided: int


@dataclass
class LoanInput:
    borrower_id: int | None = None
    amount: Decimal | str = ""
    purpose: str = ""  # 开小卖店, 修鞋摊 …
    guarantor: str = ""
    lent_on: date | None = None  # None = today
    due_on: date | None = None
    approved_by: str = ""  # 两委会议 of 2026-03-02 …
    note: str = ""


@dataclass(frozen=True)
class RepaymentRow:
    id: int
    paid_on: date
    amount: Decimal
    receipt_number: str
    recorded_by: str
    note: str


@dataclass(frozen=True)
class LoanRow:
    id: int
    number: str  # JK2026-01
    borrower_id: int
    borrower_name: str
    address: str
    phone: str  # masked
    amount: Decimal
    repaid: Decimal
    balance: Decimal
    purpose: str
    lent_on: date
    due_on: date
    status: str  # 还款中 / 已还清 / 已核销
    closed_on: date | None
    days_overdue: int  # 0 unless 还款中 and past due_on on the day asked about
    version: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class LoanDetail:
    loan: LoanRow
    guarantor: str
    approved_by: str
    note: str
    repayments: tuple[RepaymentRow, ...] = field(default_factory=tuple)
