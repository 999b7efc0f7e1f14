"""诚信借款 dialogs: 借款 (the borrower found among the residents, amount, purpose, guarantor, the
approving meeting, dates), 还款 (the amount defaulting to the balance, never above it) and 核销
(what is left, written off by the 两委's decision)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from chang_shan.fees.shapes import LoanInput
from chang_shan.ui.forms.resident_search import ResidentSearch
from chang_shan.ui.governance.dialog_base import UNDO_HINT, GovDialog, money_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.fees.shapes import LoanDetail


def loan_header(detail: LoanDetail) -> str:
    loan = detail.loan
    return f"{loan.number}　{loan.borrower_name}　借款 {loan.amount:,.2f} 元，余额 {loan.balance:,.2f} 元"


class LendDialog(GovDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记诚信借款", save_text="登记借款", columns=2, width=760, parent=parent)
        self.borrower = ResidentSearch(db, placeholder="借款人：按姓名、拼音首字母或住址查找居民", rows=4)
        self.borrower.setObjectName("borrower")
        self.borrower.chosen.connect(lambda: self._changed("borrower_id"))
        self.form.add_row("borrower_id", "借款人", self.borrower, required=True, full_width=True,  # type: ignore[union-attr]
                          focus=self.borrower.search)
        self.amount = self.money_row("amount", "借款金额", maximum=100_000)
        self.purpose = self.line_row("purpose", "用途", placeholder="如 开小卖店、修鞋摊", required=True, column=1)
        self.lent_on = self.date_row("lent_on", "借款日期")
        self.due_on = self.date_row("due_on", "约定还款日", value=date.today() + timedelta(days=365), future=True, column=1)
        self.guarantor = self.line_row("guarantor", "担保人", placeholder="姓名、与借款人关系", max_length=100)
        self.approved_by = self.line_row("approved_by", "审批", placeholder="如 2026年3月两委会议", required=True,
                                         column=1, max_length=50)
        self.note = self.line_row("note", "备注", max_length=500)
        self._dirty = False
        self.borrower.search.setFocus()

    def data(self) -> LoanInput:
        return LoanInput(self.borrower.resident_id(), money_of(self.amount), self.purpose.text(), self.guarantor.text(),
                         self.lent_on.value(), self.due_on.value(), self.approved_by.text(), self.note.text())

    def check(self) -> dict[str, str]:
        errors = {}
        if self.borrower.resident_id() is None:
            errors["borrower_id"] = "请选择借款的居民。"
        if money_of(self.amount) <= 0:
            errors["amount"] = "请填写借款金额。"
        return errors

    def action_name(self) -> str:
        return f"诚信借款 {self.borrower.resident_name()} {money_of(self.amount)}元"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import loans

        self.saved_key = loans.lend(session, self.data())
        self.done_message = f"已登记 {self.borrower.resident_name()} 的诚信借款 {money_of(self.amount):,.2f} 元"


class RepayDialog(GovDialog):
    def __init__(self, db: Database, detail: LoanDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记还款", save_text="登记还款", header=loan_header(detail), parent=parent)
        self.detail = detail
        self.amount = self.money_row("amount", "还款金额", value=detail.loan.balance, maximum=float(detail.loan.balance))
        self.paid_on = self.date_row("paid_on", "还款日期")
        self.receipt = self.line_row("receipt_number", "收据号", placeholder="可不填", max_length=20)
        self.note = self.line_row("note", "备注", max_length=200)
        self._dirty = False
        self.amount.setFocus()
        self.amount.selectAll()

    def check(self) -> dict[str, str]:
        amount = money_of(self.amount)
        if amount <= 0:
            return {"amount": "请填写还款金额。"}
        if amount > self.detail.loan.balance:
            return {"amount": f"还款金额不能超过余额 {self.detail.loan.balance:,.2f} 元。"}
        return {}

    def action_name(self) -> str:
        return f"诚信借款还款 {self.detail.loan.number} {money_of(self.amount)}元"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import loans

        balance = loans.repay(session, self.detail.loan.id, self.detail.loan.version, money_of(self.amount),
                              self.paid_on.value(), self.receipt.text(), self.note.text())
        self.saved_key = self.detail.loan.id
        self.done_message = f"{self.detail.loan.number} 已还 {money_of(self.amount):,.2f} 元，" + (
            "已还清" if balance <= 0 else f"余额 {balance:,.2f} 元")
        return balance


class WriteOffDialog(GovDialog):
    def __init__(self, db: Database, detail: LoanDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="核销借款", save_text="确认核销", header=loan_header(detail), parent=parent)
        self.detail = detail
        self.on_date = self.date_row("on_date", "核销日期")
        self.reason = self.line_row("reason", "核销原因", placeholder="如 借款人去世、两委会议决定", required=True,
                                    max_length=200)
        self.note(f"核销后余额 {detail.loan.balance:,.2f} 元不再催收，借款状态为“已核销”。{UNDO_HINT}")
        self._dirty = False
        self.reason.setFocus()

    def check(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "请写明核销原因。"}

    def action_name(self) -> str:
        return f"核销诚信借款 {self.detail.loan.number}"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import loans

        loans.write_off(session, self.detail.loan.id, self.detail.loan.version, self.on_date.value(), self.reason.text())
        self.saved_key = self.detail.loan.id
        self.done_message = f"{self.detail.loan.number} 已核销"
