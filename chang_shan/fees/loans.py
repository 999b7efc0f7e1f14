"""诚信借款: small loans from the property-fee surplus to residents starting a business.

A loan (JK2026-01, numbered by the year it is lent in) goes to a resident 在册 who has no other loan
still being repaid, with a purpose and a due date; repayments lower its balance and never exceed
it; the repayment that brings the balance to 0 closes it (已还清, ``closed_on`` that day). A loan
that cannot be recovered is written off (已核销) with a reason — the 两委's decision, so not a
网格员's. Still 还款中 after its due date, it is overdue (the today list's 诚信借款逾期).

Writing needs ``Perm.EDIT`` (a 网格员: borrowers of their grids); callers pass the ``version`` they
read, and a stale one is refused. The lists are in ``fees.queries`` (re-exported here).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.canteen.money import to_fen, yuan
from chang_shan.db.models import Resident
from chang_shan.db.models.fees import Loan, LoanRepayment
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.db.numbering import yearly_number
from chang_shan.fees.amounts import amount_into
from chang_shan.fees.queries import loan_detail, loan_id_of, loans, overdue
from chang_shan.fees.shapes import LoanInput
from chang_shan.population import access
from chang_shan.population.text import clean_text

__all__ = ["LoanInput", "lend", "loan_detail", "loan_id_of", "loans", "overdue", "repay", "write_off"]

STALE = "记录已被他人修改，请刷新后再试。"
OPEN = "还款中"


def _who(session: Session) -> str:
    actor = actor_of(session)
    return (actor.display_name or actor.username)[:50] if actor else ""


def _text(errors: dict[str, str], field: str, value: str, label: str, limit: int, *, required: bool = False) -> str:
    text = clean_text(value or "")
    if required and not text:
        errors[field] = f"请填写{label}。"
    elif len(text) > limit:
        errors[field] = f"{label}最多 {limit} 个字。"
    return text


def lend(session: Session, data: LoanInput, *, today: date | None = None) -> int:
    """Record a loan; returns its id (its number is JK<year lent>-NN)."""
    require(session, Perm.EDIT)
    today = today or date.today()
    errors: dict[str, str] = {}
    borrower = session.get(Resident, data.borrower_id) if data.borrower_id else None
    if borrower is None:
        errors["borrower_id"] = "请选择借款的居民。"
    else:
        access.require_resident(session, Perm.EDIT, borrower.id)
        if borrower.status != "在册":
            errors["borrower_id"] = f"{borrower.name}已{borrower.status.removeprefix('已')}，不能借款。"
    amount = amount_into(errors, data.amount, "amount", "借款金额")
    lent_on = data.lent_on or today
    if lent_on > today:
        errors["lent_on"] = "借款日期不能晚于今天。"
    if data.due_on is None:
        errors["due_on"] = "请填写约定还款日期。"
    elif data.due_on <= lent_on:
        errors["due_on"] = "约定还款日期应晚于借款日期。"
    purpose = _text(errors, "purpose", data.purpose, "借款用途", 200, required=True)
    guarantor = _text(errors, "guarantor", data.guarantor, "担保人", 100)
    approved_by = _text(errors, "approved_by", data.approved_by, "审批（会议）", 50, required=True)
    note = _text(errors, "note", data.note, "备注", 500)
    if errors:
        raise ValidationError(errors)
    assert borrower is not None and amount is not None and data.due_on is not None
    open_loan = session.scalar(select(Loan.number).where(Loan.borrower_id == borrower.id, Loan.status == OPEN))
    if open_loan is not None:
        raise DomainError(f"{borrower.name}尚有未还清的诚信借款 {open_loan}，还清后才能再借。")
    loan = Loan(number=yearly_number(session, Loan.number, "JK", lent_on.year, width=2), borrower_id=borrower.id,
                amount_fen=to_fen(amount), repaid_fen=0, purpose=purpose, guarantor=guarantor, lent_on=lent_on,
                due_on=data.due_on, status=OPEN, approved_by=approved_by, note=note)
    session.add(loan)
    session.flush()
    return loan.id


def _loan_to_write(session: Session, loan_id: int, version: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        require(session, Perm.EDIT)
        raise NotFound("没有这笔诚信借款。")
    access.require_resident(session, Perm.EDIT, loan.borrower_id)
    if loan.version != version:
        raise DomainError(STALE)
    if loan.status != OPEN:
        raise DomainError(f"借款 {loan.number} {loan.status}，不能再登记。")
    return loan


def repay(session: Session, loan_id: int, version: int, amount: Decimal | str, paid_on: date, receipt_number: str = "",
          note: str = "", *, today: date | None = None) -> Decimal:
    """A repayment; returns the balance after it. Never more than the balance; at 0 the loan is
    已还清 (closed that day)."""
    loan = _loan_to_write(session, loan_id, version)
    today = today or date.today()
    errors: dict[str, str] = {}
    value = amount_into(errors, amount, "amount", "还款金额")
    if paid_on > today:
        errors["paid_on"] = "还款日期不能晚于今天。"
    elif paid_on < loan.lent_on:
        errors["paid_on"] = f"还款日期不能早于借款日期 {loan.lent_on:%Y-%m-%d}。"
    receipt = _text(errors, "receipt_number", receipt_number, "收据号", 20)
    note = _text(errors, "note", note, "备注", 200)
    balance = loan.amount_fen - loan.repaid_fen
    if value is not None and to_fen(value) > balance:
        errors["amount"] = f"还款金额 {value} 元超过借款余额 {yuan(balance)} 元。"
    if errors:
        raise ValidationError(errors)
    assert value is not None
    session.add(LoanRepayment(loan_id=loan.id, paid_on=paid_on, amount_fen=to_fen(value), receipt_number=receipt,
                              recorded_by=_who(session), note=note))
    loan.repaid_fen += to_fen(value)
    if loan.repaid_fen == loan.amount_fen:
        loan.status, loan.closed_on = "已还清", paid_on
    session.flush()
    return yuan(loan.amount_fen - loan.repaid_fen)


def write_off(session: Session, loan_id: int, version: int, on_date: date, reason: str, *,
              today: date | None = None) -> None:
    """Write off what is left of a loan (已核销): the 两委's decision, with its reason."""
    access.require_all_grids(session, Perm.EDIT, what="核销诚信借款")
    loan = _loan_to_write(session, loan_id, version)
    today = today or date.today()
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, "核销原因", 200, required=True)
    if on_date > today:
        errors["on_date"] = "核销日期不能晚于今天。"
    elif on_date < loan.lent_on:
        errors["on_date"] = f"核销日期不能早于借款日期 {loan.lent_on:%Y-%m-%d}。"
    if errors:
        raise ValidationError(errors)
    line = f"{on_date:%Y-%m-%d} 核销余额 {yuan(loan.amount_fen - loan.repaid_fen)} 元：{reason}"
    loan.note = f"{loan.note}\n{line}".strip()[-500:]
    loan.status, loan.closed_on = "已核销", on_date
    session.flush()
