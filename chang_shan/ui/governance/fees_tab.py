"""物业费: a year's households (address order) with area, rate, due, paid and owed; 只看欠费; the
year's totals above; beside the list, the selected household's payments of the year (voided ones
struck out in grey). Editors get 收费 (Ctrl+N: the receipt print opens afterwards), 作废 (the
selected payment, with the reason) and 单价 (the year's rate); everyone prints a receipt (Ctrl+P)
and the year's 欠费清单."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from chang_shan.ui import ops as ops_module
from chang_shan.ui.governance.list_tab import ListTab
from chang_shan.ui.governance.table import GREY, RED, Column
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.fees.shapes import FeeRow, PaymentRow, YearSummary

PAYMENT_COLUMNS = ("收据号", "日期", "金额（元）", "方式", "缴费人", "状态")


def owed_cell(row: FeeRow) -> object:
    return row.owed if row.owed is not None else "面积未登记"


class FeesTab(ListTab):
    TITLE = "物业费"
    NAME = "fees"
    STRETCH = 0
    LIST_SHARE = 0.64
    SPLIT = Qt.Orientation.Horizontal

    def __init__(self, ops: Any, parent: QWidget | None = None) -> None:
        self._payments_request = 0
        self.payment_rows: list[PaymentRow] = []
        self.year_summary: YearSummary | None = None
        super().__init__(ops, parent)

    def columns(self) -> Sequence[Column]:
        return (
            Column("住址", lambda r: r.address, "10号楼4单元1502"),
            Column("网格", lambda r: r.grid_name, "第十网格"),
            Column("户主", lambda r: r.head_name, "欧阳春花"),
            Column("面积㎡", lambda r: r.area, "1,234.56", right=True, kind="decimal"),
            Column("应缴元", lambda r: r.due, "1,234.56", right=True, kind="decimal"),
            Column("已缴元", lambda r: r.paid, "1,234.56", right=True, kind="decimal"),
            Column("欠缴元", owed_cell, "面积未登记", right=True),
            Column("状态", lambda r: r.status, "面积未登记"),
        )

    def key(self, row: FeeRow) -> object:
        return row.household_id

    def colour(self, row: FeeRow) -> str | None:
        if row.status == "欠费":
            return RED
        return GREY if row.due is None else None

    def tip(self, row: FeeRow) -> str | None:
        if row.due is None:
            return "这一户没有登记面积，算不出物业费：请在万家数据库中填写面积。"
        return f"{row.area} ㎡ × {row.rate} 元 = {row.due} 元"

    def build_filters(self, row: Any) -> None:
        this_year = date.today().year
        self.year = self.combo("feeYear", "年份", [(f"{y}年", y) for y in range(this_year + 1, this_year - 6, -1)], row)
        self.year.setCurrentIndex(1)  # this year
        self.owing = QCheckBox("只看欠费")
        self.owing.setObjectName("owingOnly")
        self.owing.setToolTip("只列出这一年还没有缴清物业费的住户")
        self.owing.toggled.connect(lambda _on: self.apply_now())
        row.addWidget(self.owing)
        self.search = self.search_box("查找：住址、户主姓名", row)

    def build_actions(self) -> None:
        self.pay_action = self.add_action("收费", self.take_payment, "Ctrl+N", "收选中住户这一年的物业费，并打印收据",
                                          edit=True)
        self.void_action = self.add_action("作废", self.void_payment, "Ctrl+Shift+V",
                                           "作废右边选中的缴费记录（须写明原因）", edit=True)
        self.rate_action = self.add_action("单价", self.set_rate, "Ctrl+Shift+J", "设定这一年的物业费单价（元/平方米·年）",
                                           edit=True)
        self.receipt_action = self.add_action("打印收据", self.print_receipt, "Ctrl+P", "打印右边选中的缴费收据",
                                              separator=True)
        self.arrears_action = self.add_action("欠费清单", self.print_arrears, "Ctrl+Shift+P", "打印这一年的物业费欠费清单")

    def side_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.totals = QLabel("")
        self.totals.setObjectName("feeTotals")
        self.totals.setWordWrap(True)
        self.household_label = QLabel("请在左边选择一户。")
        self.household_label.setObjectName("feeHousehold")
        self.household_label.setWordWrap(True)
        self.payments = read_only_table(PAYMENT_COLUMNS, "feePayments", stretch=4,
                                        samples=("WY2026-00000", "2026-12-31", "1,234.00", "支付宝", "", "已作废"))
        self.payments.itemSelectionChanged.connect(self.update_actions)
        self.payments.doubleClicked.connect(lambda _i: self.print_receipt())
        layout.addWidget(self.totals)
        layout.addWidget(self.household_label)
        layout.addWidget(QLabel("这一年的缴费记录："))
        layout.addWidget(self.payments, 1)
        return panel

    def filters(self) -> dict[str, Any]:
        return {"year": self.year.currentData(), "status": "欠费" if self.owing.isChecked() else None,
                "text": self.search.text().strip()}

    def filter_label(self) -> str:
        parts = [self.year.currentText(), "只看欠费" if self.owing.isChecked() else "",
                 "按关键词查找" if self.search.text().strip() else ""]
        return "，".join(p for p in parts if p)

    def clear_filters(self) -> None:
        self.owing.setChecked(False)
        self.search.clear()

    def load(self, session: Session, filters: dict[str, Any]) -> list[Any]:
        from chang_shan.fees import queries

        year = filters["year"]
        every = queries.household_fees(session, year)  # once for the list and the year's totals
        rows = queries.filter_fees(every, status=filters["status"], text=filters["text"])
        return rows, queries.year_summary(session, year, rows=every)

    def extra_loaded(self, s: YearSummary) -> None:
        self.year_summary = s
        self.totals.setText(
            f"<b>{s.year} 年</b>　单价 {s.rate} 元/㎡·年<br>应收 {s.due:,.2f} 元，已收 {s.paid:,.2f} 元，"
            f"<span style='color:{RED}'>欠 {s.owed:,.2f} 元</span><br>"
            f"缴清 {s.paid_up:,} 户，部分缴 {s.partly_paid:,} 户，未缴 {s.unpaid:,} 户"
            + (f"，面积未登记 {s.no_area:,} 户" if s.no_area else ""))

    def summary(self, rows: list[Any]) -> str:
        owing = sum(1 for r in rows if r.status == "欠费")
        return f"列出 {len(rows):,} 户，欠费 {owing:,} 户"

    # --- the selected household's payments ------------------------------------------------------
    def selected(self) -> None:
        row = self.current()
        self._payments_request += 1
        request = self._payments_request
        if row is None:
            self.household_label.setText("请在左边选择一户。")
            self._show_payments([])
            return
        self.household_label.setText(f"<b>{row.address}</b>　户主 {row.head_name or '（无）'}<br>"
                                     + (f"面积 {row.area} ㎡，应缴 {row.due:,.2f} 元，已缴 {row.paid:,.2f} 元，"
                                        f"欠 {row.owed:,.2f} 元" if row.due is not None and row.owed is not None
                                        else "面积未登记，算不出物业费"))
        household_id, year = row.household_id, self.year.currentData()

        def load(session: Session) -> list[PaymentRow]:
            from chang_shan.fees import queries

            return queries.payments(session, year=year, household_id=household_id)

        def shown(rows: list[PaymentRow]) -> None:
            if request == self._payments_request:
                self._show_payments(rows)

        self.ops.query(load, success=shown, failure=lambda exc: ops_module.show_error(self, exc), parent=self)

    def _show_payments(self, rows: list[PaymentRow]) -> None:
        self.payment_rows = rows
        self.payments.setRowCount(len(rows))
        for r, p in enumerate(rows):
            state = f"已作废：{p.void_reason}" if p.voided_on else "有效"
            cells = (p.receipt_number, f"{p.paid_on:%Y-%m-%d}", f"{p.amount:,.2f}", p.method, p.payer, state)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if p.voided_on:
                    item.setForeground(Qt.GlobalColor.gray)
                    font = item.font()
                    font.setStrikeOut(c == 2)
                    item.setFont(font)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.payments.setItem(r, c, item)
        fit_columns(self.payments)
        valid = [r for r, p in enumerate(rows) if not p.voided_on]
        if valid:
            self.payments.selectRow(valid[0])
        self.update_actions()

    def current_payment(self) -> PaymentRow | None:
        selected = self.payments.selectionModel().selectedRows() if hasattr(self, "payments") else []
        if not selected or selected[0].row() >= len(self.payment_rows):
            return None
        return self.payment_rows[selected[0].row()]

    def update_actions(self) -> None:
        if not hasattr(self, "payments"):
            return
        row = self.current()
        payment = self.current_payment()
        owes = row is not None and row.owed is not None and row.owed > 0
        self.pay_action.setEnabled(self.can_edit and owes)
        self.pay_action.setStatusTip("收选中住户这一年的物业费" if owes else
                                     "这一户面积未登记，不能收费" if row is not None and row.due is None else
                                     "这一户这一年已缴清" if row is not None else "请先选择一户")
        self.void_action.setEnabled(self.can_edit and payment is not None and payment.voided_on is None)
        self.rate_action.setEnabled(self.can_edit)
        self.receipt_action.setEnabled(payment is not None)

    def open_current(self) -> None:
        if self.pay_action.isEnabled():
            self.take_payment()

    # --- dialogs and prints ---------------------------------------------------------------------
    def take_payment(self) -> Any:
        row = self.current()
        if not self.can_edit or row is None or not self.pay_action.isEnabled():
            return None
        from chang_shan.ui.governance.fees_dialogs import PaymentDialog

        def then(done: Any) -> None:
            number = getattr(done, "receipt_number", "")
            if number:
                self.open_report("fee_receipt", {"receipt": number})

        return self.open_dialog(PaymentDialog(self.ops.db, row, self.year.currentData(), parent=self), then=then)

    def void_payment(self) -> Any:
        payment = self.current_payment()
        if not self.can_edit or payment is None or not self.void_action.isEnabled():
            return None
        from chang_shan.ui.governance.fees_dialogs import VoidDialog

        return self.open_dialog(VoidDialog(self.ops.db, payment, parent=self))

    def set_rate(self) -> Any:
        if not self.can_edit:
            return None
        from chang_shan.ui.governance.fees_dialogs import RateDialog

        rate = self.year_summary.rate if self.year_summary and self.year_summary.year == self.year.currentData() \
            else Decimal("0.30")
        return self.open_dialog(RateDialog(self.ops.db, self.year.currentData(), rate, parent=self))

    def print_receipt(self) -> Any:
        payment = self.current_payment()
        if payment is None:
            return None
        return self.open_report("fee_receipt", {"receipt": payment.receipt_number})

    def print_arrears(self) -> Any:
        return self.open_report("fee_arrears", {"year": self.year.currentData()})
