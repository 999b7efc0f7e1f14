"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module). The indicator's key reads as its name (零上访 …)."""

from __future__ import annotations

from typing import Any

from chang_shan.audit.trail import register_table
from chang_shan.db.models.indicators import EIGHT_ZEROS


def _indicator(value: Any) -> str:
    return EIGHT_ZEROS.get(value, str(value))


register_table("eight_zero_entry", "“八零”指标填报", {
    "year": "年度", "indicator": "指标", "count": "数量", "source": "数据来源", "entered_by": "填报人",
    "entered_on": "填报日期", "note": "备注",
}, values={"indicator": _indicator})
