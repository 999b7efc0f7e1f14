"""Self-managed property fees (自管物业费) and 诚信借款 loans from the fee surplus.

A household's fee for a year is its area (m²) × the year's rate (yuan per m² per year; 0.3 unless
the year has its own rate), rounded half up to the fen. Money is kept in fen (integers) and handed
out as ``Decimal`` yuan by the services, as the canteen does: never a float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

LOAN_STATUSES = ("还款中", "已还清", "已核销")


class PropertyFeeRate(Base):
    """The rate of one year (元/平方米·年)."""

    __tablename__ = "property_fee_rate"
    __table_args__ = (CheckConstraint("rate >= 0", name="rate_nonnegative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rate: Mapped[Decimal] = mapped_column(Numeric(8, 4, asdecimal=True))
    note: Mapped[str] = mapped_column(String(200), default="")


class PropertyFeePayment(Base):
    """A payment of a household's fee for a year, with its receipt number (收据号, WY2026-00001).
    A payment entered by mistake is voided (``voided_on`` + reason), never deleted."""

    __tablename__ = "property_fee_payment"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    payer: Mapped[str] = mapped_column(String(50), default="")
    method: Mapped[str] = mapped_column(String(10), default="现金")  # 现金 / 微信 / 支付宝 / 转账
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2, asdecimal=True))  # as billed that day
    rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 4, asdecimal=True))
    recorded_by: Mapped[str] = mapped_column(String(50), default="")
    voided_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Loan(Base):
    """An 诚信借款: a small loan to a resident starting a business, repaid by ``due_on``."""

    __tablename__ = "loan"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("repaid_fen >= 0 and repaid_fen <= amount_fen", name="repaid_within_amount"),
        CheckConstraint("status in ('还款中', '已还清', '已核销')", name="status"),
        CheckConstraint("due_on >= lent_on", name="due_after_lent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # JK2026-01
    borrower_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    repaid_fen: Mapped[int] = mapped_column(Integer, default=0)  # sum of repayments (kept in step)
    purpose: Mapped[str] = mapped_column(String(200), default="")  # 开小卖店, 修鞋摊 …
    guarantor: Mapped[str] = mapped_column(String(100), default="")
    lent_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(4), default="还款中", index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(50), default="")  # 经议事 / 两委 approval
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LoanRepayment(Base):
    __tablename__ = "loan_repayment"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[str] = mapped_column(String(20), default="")
    recorded_by: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
