"""诚信借款: the loans (latest first) with amount, repaid, balance and due date — overdue ones in red
with how many days —, filtered by status and text; below, the selected loan's repayments. Editors
get 借款 (Ctrl+N: the borrower is a resident found by name), 还款 (Ctrl+R: never more than the
balance; the loan is 已还清 at 0) and 核销."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from chang_shan.db.models.fees import LOAN_STATUSES
from chang_shan.ui.governance.list_tab import ListTab
from chang_shan.ui.governance.table import GREY, RED, Column
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.fees.shapes import LoanDetail, LoanRow

OVERDUE = "逾期"
REPAYMENT_COLUMNS = ("还款日期", "金额（元）", "收据号", "经办人", "备注")


def status_text(row: LoanRow) -> str:
    return f"逾期 {row.days_overdue} 天" if row.overdue else row.status


class LoansTab(ListTab):
    TITLE = "诚信借款"
    NAME = "loans"
    STRETCH = 7
    LIST_SHARE = 0.66

    def __init__(self, ops: Any, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)

    def columns(self) -> Sequence[Column]:
        return (
            Column("编号", lambda r: r.number, "JK2026-00"),
            Column("借款人", lambda r: r.borrower_name, "欧阳春花"),
            Column("住址", lambda r: r.address, "10号楼4单元502"),
            Column("电话", lambda r: r.phone, "139****0000"),
            Column("借款（元）", lambda r: r.amount, "借款（元）", right=True, kind="decimal"),
            Column("已还（元）", lambda r: r.repaid, "已还（元）", right=True, kind="decimal"),
            Column("余额（元）", lambda r: r.balance, "余额（元）", right=True, kind="decimal"),
            Column("用途", lambda r: r.purpose),
            Column("借款日期", lambda r: r.lent_on, "2026-12-31", kind="date"),
            Column("到期日", lambda r: r.due_on, "2026-12-31", kind="date"),
            Column("状态", status_text, "逾期 365 天"),
        )

    def colour(self, row: LoanRow) -> str | None:
        if row.overdue:
            return RED
        return GREY if row.status != "还款中" else None

    def tip(self, row: LoanRow) -> str | None:
        return f"已超过还款期限 {row.days_overdue} 天，余额 {row.balance:,.2f} 元" if row.overdue else None

    def build_filters(self, row: Any) -> None:
        self.status_filter = self.combo("loanStatus", "状态",
                                        [("全部", None), *((s, s) for s in LOAN_STATUSES), ("逾期", OVERDUE)], row)
        self.search = self.search_box("查找：编号、借款人、用途", row)

    def build_actions(self) -> None:
        self.lend_action = self.add_action("借款", self.lend, "Ctrl+N", "登记一笔新的诚信借款", edit=True)
        self.repay_action = self.add_action("还款", self.repay, "Ctrl+R", "登记选中借款的一笔还款", edit=True)
        self.write_off_action = self.add_action("核销", self.write_off, "Ctrl+Shift+X",
                                                "核销无法收回的余额（须写明原因）", edit=True)

    def side_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.detail_label = QLabel("请在上面选择一笔借款。")
        self.detail_label.setObjectName("loanDetail")
        self.detail_label.setWordWrap(True)
        self.repayments = read_only_table(REPAYMENT_COLUMNS, "repayments", stretch=4,
                                          samples=("2026-12-31", "12,345.00", "SJ2026-0000", "欧阳春花"))
        layout.addWidget(self.detail_label)
        layout.addWidget(self.repayments, 1)
        return panel

    def filters(self) -> dict[str, Any]:
        return {"status": self.status_filter.currentData(), "text": self.search.text().strip()}

    def filter_label(self) -> str:
        parts = [self.status_filter.currentText() if self.status_filter.currentData() else "",
                 "按关键词查找" if self.search.text().strip() else ""]
        return "，".join(p for p in parts if p) or "全部"

    def clear_filters(self) -> None:
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.status_filter.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def load(self, session: Session, filters: dict[str, Any]) -> list[Any]:
        from chang_shan.fees import queries

        overdue_only = filters["status"] == OVERDUE
        rows = queries.loans(session, status="还款中" if overdue_only else filters["status"], text=filters["text"])
        return [r for r in rows if r.overdue] if overdue_only else rows

    def summary(self, rows: list[Any]) -> str:
        going = [r for r in rows if r.status == "还款中"]
        balance = sum((r.balance for r in going), start=0)
        late = sum(1 for r in rows if r.overdue)
        return f"共 {len(rows):,} 笔，还款中 {len(going)} 笔，余额 {balance:,.2f} 元" + (f"，逾期 {late} 笔" if late else "")

    # --- the selected loan ----------------------------------------------------------------------
    def selected(self) -> None:
        row = self.current()
        if row is None:
            self.forget_detail()
            self.detail_label.setText("请在上面选择一笔借款。" if self.model.rows else "没有符合条件的借款。")
            self.repayments.setRowCount(0)
            return
        loan_id = row.id

        def read(session: Session) -> LoanDetail:
            from chang_shan.fees import queries

            return queries.loan_detail(session, loan_id)

        self.load_detail(read, self._show)

    def _show(self, detail: LoanDetail) -> None:
        self.detail = detail
        loan = detail.loan
        late = f"<span style='color:{RED}'>，已逾期 {loan.days_overdue} 天</span>" if loan.overdue else ""
        parts = [f"<b>{loan.number}　{loan.borrower_name}</b>　{loan.address}",
                 f"借款 {loan.amount:,.2f} 元（{loan.lent_on:%Y-%m-%d}），应于 {loan.due_on:%Y-%m-%d} 前还清{late}；"
                 f"已还 {loan.repaid:,.2f} 元，余额 <b>{loan.balance:,.2f}</b> 元",
                 "　".join(p for p in (f"用途：{loan.purpose}" if loan.purpose else "",
                                      f"担保人：{detail.guarantor}" if detail.guarantor else "",
                                      f"批准：{detail.approved_by}" if detail.approved_by else "") if p)]
        if detail.note:
            parts.append(f"备注：{detail.note}")
        self.detail_label.setText("<br>".join(p for p in parts if p))
        self.repayments.setRowCount(len(detail.repayments))
        for r, p in enumerate(detail.repayments):
            for c, text in enumerate((f"{p.paid_on:%Y-%m-%d}", f"{p.amount:,.2f}", p.receipt_number, p.recorded_by,
                                      p.note)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.repayments.setItem(r, c, item)
        fit_columns(self.repayments)
        self.update_actions()

    def detail_id(self, detail: LoanDetail) -> object:
        return detail.loan.id

    def update_actions(self) -> None:
        if not hasattr(self, "repayments"):
            return
        detail = self.current_detail()
        going = detail is not None and detail.loan.status == "还款中"
        self.lend_action.setEnabled(self.can_edit)
        self.repay_action.setEnabled(self.can_edit and going)
        self.write_off_action.setEnabled(self.can_edit and going)

    def open_current(self) -> None:
        if self.repay_action.isEnabled():
            self.repay()

    # --- dialogs --------------------------------------------------------------------------------
    def lend(self) -> Any:
        if not self.can_edit:
            return None
        from chang_shan.ui.governance.loan_dialogs import LendDialog

        return self.open_dialog(LendDialog(self.ops.db, parent=self))

    def repay(self) -> Any:
        return self.dialog_on_detail(self.repay_action, "loan_dialogs", "RepayDialog")

    def write_off(self) -> Any:
        return self.dialog_on_detail(self.write_off_action, "loan_dialogs", "WriteOffDialog")
