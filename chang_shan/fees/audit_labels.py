"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module). Amounts kept in fen read as yuan."""

from __future__ import annotations

from typing import Any

from chang_shan.audit.trail import register_table
from chang_shan.canteen.money import yuan


def _yuan(value: Any) -> str:
    return f"{yuan(value)} 元" if isinstance(value, int) and not isinstance(value, bool) else str(value)


register_table("property_fee_rate", "物业费单价", {
    "year": "年度", "rate": "单价（元/平方米·年）", "note": "说明",
})
register_table("property_fee_payment", "物业费缴费", {
    "id": "编号", "household_id": "住户", "year": "缴费年度", "amount_fen": "金额", "paid_on": "缴费日期",
    "receipt_number": "收据号", "payer": "缴费人", "method": "缴费方式", "area_m2": "计费面积（平方米）",
    "rate": "计费单价", "recorded_by": "收款人", "voided_on": "作废日期", "void_reason": "作废原因",
    "note": "备注", "created_at": "创建时间",
}, values={"amount_fen": _yuan})
register_table("loan", "诚信借款", {
    "id": "编号", "number": "借款编号", "borrower_id": "借款人", "amount_fen": "借款金额", "repaid_fen": "已还金额",
    "purpose": "借款用途", "guarantor": "担保人", "lent_on": "借款日期", "due_on": "约定还款日期", "status": "状态",
    "closed_on": "结清（核销）日期", "approved_by": "审批", "note": "备注", "created_at": "创建时间",
    "version": "版本",
}, values={"amount_fen": _yuan, "repaid_fen": _yuan})
register_table("loan_repayment", "诚信借款还款", {
    "id": "编号", "loan_id": "借款", "paid_on": "还款日期", "amount_fen": "还款金额", "receipt_number": "收据号",
    "recorded_by": "经办人", "note": "备注",
}, values={"amount_fen": _yuan})
