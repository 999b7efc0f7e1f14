"""物业费 dialogs: 收费 (a household's payment for a year: what is due — area × rate —, what is
paid and owed, the amount defaulting to what is owed; the receipt number comes from the service,
and the receipt print opens after saving), 作废 (a payment entered by mistake, with the reason: it
keeps its receipt number) and 单价 (the year's rate, 元/平方米·年)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from chang_shan.fees.shapes import METHODS
from chang_shan.ui.governance.dialog_base import UNDO_HINT, GovDialog, money_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.fees.shapes import FeeRow, PaymentRow


def yuan_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f} 元"


class PaymentDialog(GovDialog):
    def __init__(self, db: Database, row: FeeRow, year: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="收物业费", save_text="收费并出收据",
                         header=f"{row.address}　户主 {row.head_name or '（无）'}　{year} 年", parent=parent)
        self.row, self.year = row, year
        bill = QLabel(f"面积 {row.area} ㎡ × 单价 {row.rate} 元/㎡·年 = 应缴 {yuan_text(row.due)}；"
                      f"已缴 {yuan_text(row.paid)}，尚欠 {yuan_text(row.owed)}")
        bill.setObjectName("bill")
        bill.setWordWrap(True)
        self.form.add_row("bill", "应缴", bill)  # type: ignore[union-attr]
        self.amount = self.money_row("amount", "本次缴费", value=row.owed if row.owed and row.owed > 0 else None)
        self.paid_on = self.date_row("paid_on", "缴费日期")
        self.payer = self.line_row("payer", "缴费人", placeholder=f"留空则为户主{row.head_name}" if row.head_name else "",
                                   max_length=50)
        self.method = self.combo_row("method", "缴费方式", [(m, m) for m in METHODS])
        self.note = self.line_row("note", "备注", max_length=200)
        self._dirty = False
        self.amount.setFocus()
        self.amount.selectAll()

    def check(self) -> dict[str, str]:
        amount = money_of(self.amount)
        if amount <= 0:
            return {"amount": "请填写缴费金额。"}
        if self.row.owed is not None and amount > self.row.owed:
            return {"amount": f"缴费金额 {amount} 元超过这一户 {self.year} 年尚欠的 {self.row.owed} 元。"}
        return {}

    def action_name(self) -> str:
        return f"收物业费 {self.row.address} {self.year}年 {money_of(self.amount)}元"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import fees

        result = fees.record_payment(session, self.row.household_id, self.year, money_of(self.amount),
                                     paid_on=self.paid_on.value(), payer=self.payer.text(),
                                     method=self.method.currentData(), note=self.note.text())
        self.saved_key = self.row.household_id
        self.receipt_number = result.receipt_number
        owed = "已缴清" if result.owed_after <= 0 else f"尚欠 {result.owed_after:,.2f} 元"
        self.done_message = f"已收 {self.row.address} {self.year} 年物业费 {money_of(self.amount):,.2f} 元，" \
                            f"收据 {result.receipt_number}，{owed}"
        return result


class VoidDialog(GovDialog):
    def __init__(self, db: Database, payment: PaymentRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="作废缴费记录", save_text="确认作废",
                         header=f"收据 {payment.receipt_number}　{payment.address}　{payment.year} 年　"
                                f"{payment.amount:,.2f} 元（{payment.paid_on:%Y-%m-%d} {payment.method}）", parent=parent)
        self.payment = payment
        self.reason = self.line_row("reason", "作废原因", placeholder="如 金额录错、重复录入", required=True,
                                    max_length=200)
        self.note(f"作废后这笔钱不再计入已缴，收据号 {payment.receipt_number} 保留不再使用。{UNDO_HINT}")
        self._dirty = False
        self.reason.setFocus()

    def check(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "请写明作废原因。"}

    def action_name(self) -> str:
        return f"作废物业费收据 {self.payment.receipt_number}"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import fees

        fees.void_payment(session, self.payment.id, self.reason.text())
        self.saved_key = self.payment.household_id
        self.done_message = f"收据 {self.payment.receipt_number} 已作废"


class RateDialog(GovDialog):
    def __init__(self, db: Database, year: int, rate: Decimal, parent: QWidget | None = None) -> None:
        super().__init__(db, title=f"{year} 年物业费单价", save_text="保存单价",
                         header=f"{year} 年物业费单价（元/平方米·年）", parent=parent)
        self.year = year
        self.rate = self.money_row("rate", "单价", value=rate, maximum=100)
        self.rate.setPrefix("")
        self.rate.setDecimals(4)
        self.rate.setSuffix(" 元/㎡·年")
        self.note = self.line_row("note", "依据", placeholder="如 2026年居民代表会议决议", max_length=200)
        hint = QLabel(f"一户的物业费 = 面积 × 单价（四舍五入到分），如 52 ㎡ × {rate} = "
                      f"{(Decimal(52) * rate).quantize(Decimal('0.01'))} 元。已收的钱不受影响；"
                      "如有住户已缴的多于新单价应缴的，不能改。")
        hint.setWordWrap(True)
        hint.setProperty("formRole", "hint")
        self.body.addWidget(hint)
        self._dirty = False

    def action_name(self) -> str:
        return f"设定 {self.year} 年物业费单价 {money_of(self.rate)} 元"

    def perform(self, session: Session) -> Any:
        from chang_shan.fees import fees

        fees.set_rate(session, self.year, money_of(self.rate).normalize() if money_of(self.rate) else Decimal("0"),
                      self.note.text())
        self.done_message = f"{self.year} 年物业费单价已设为 {money_of(self.rate)} 元/㎡·年"


def today_year() -> int:
    return date.today().year
