"""The today list's section of this ledger: 诚信借款逾期 — loans still being repaid after their
due date, the longest overdue first (target ``('loan', id)``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.fees.queries import overdue
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def loans_overdue(session: Session, on: date) -> list[TodayItem]:
    return [
        TodayItem(r.borrower_id, r.borrower_name,
                  f"{r.number} 借款 {r.amount} 元（{r.purpose}），余额 {r.balance} 元，逾期 {r.days_overdue} 天"
                  f"（应于 {r.due_on:%Y-%m-%d} 还清）",
                  r.due_on, r.days_overdue, ("loan", r.id))
        for r in overdue(session, on)
    ]


register_section("loans_overdue", "诚信借款逾期", loans_overdue, order=130, perm=Perm.VIEW,
                 note="已过约定还款日期仍未还清的诚信借款")
