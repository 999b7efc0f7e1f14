"""The 乐龄食堂's tables on the audit screen: their Chinese names and field labels (ledger data:
no extra permission). ``chang_shan.audit.trail`` imports this module, so the labels exist whenever
the trail is read."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("canteen_member", "食堂用餐人员", {
    "id": "编号", "resident_id": "居民", "mode": "用餐方式", "lunch": "午餐", "dinner": "晚餐", "route": "送餐线路",
    "start_on": "开始日期", "end_on": "停餐日期", "note": "备注",
})
register_table("canteen_meal", "食堂用餐记录", {
    "id": "编号", "resident_id": "居民", "on_date": "日期", "meal": "餐次", "mode": "用餐方式", "route": "送餐线路",
    "price_fen": "价格（分）",
})
