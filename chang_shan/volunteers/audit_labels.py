"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module)."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("volunteer_team", "志愿服务队", {
    "id": "编号", "name": "服务队名称", "service": "服务内容", "sort_key": "排序", "founded_on": "成立日期",
    "dissolved_on": "撤销日期", "note": "备注", "version": "版本",
})
register_table("volunteer", "志愿者", {
    "id": "编号", "number": "志愿者编号", "kind": "类别", "resident_id": "居民", "name": "姓名", "sex_code": "性别",
    "id_number": "身份证号码", "phone": "电话", "organisation": "工作单位", "school": "学校", "major": "院系专业",
    "student_number": "学号", "enrolment_year": "入学年份", "skills": "特长", "registered_on": "登记日期",
    "left_on": "退出日期", "points_balance": "积分余额", "note": "备注", "created_at": "创建时间", "version": "版本",
})
register_table("volunteer_team_member", "志愿服务队队员", {
    "id": "编号", "team_id": "服务队", "volunteer_id": "志愿者", "role": "队内职务", "joined_on": "入队日期",
    "left_on": "离队日期",
})
register_table("volunteer_service", "志愿服务记录", {
    "id": "编号", "volunteer_id": "志愿者", "team_id": "服务队", "service_request_id": "服务请求",
    "served_on": "服务日期", "place": "服务地点", "kind": "服务类别", "content": "服务内容",
    "hours": "服务时长（小时，不含路途）", "entered_by": "录入人", "reported_by": "报送人", "status": "状态",
    "confirmed_by": "确认人", "confirmed_on": "确认日期", "return_reason": "退回原因", "created_at": "创建时间",
    "version": "版本",
})
register_table("volunteer_point_rule", "志愿服务积分规则", {
    "id": "编号", "kind": "服务类别", "points_per_hour": "每小时积分", "points_per_service": "每次积分",
    "start_on": "起始日期", "end_on": "截止日期", "note": "说明",
})
register_table("volunteer_point_entry", "志愿者积分明细", {
    "id": "编号", "volunteer_id": "志愿者", "on_date": "日期", "kind": "类别", "points": "积分",
    "balance_after": "变动后余额", "service_id": "服务记录", "redemption_id": "兑换单", "note": "说明",
    "recorded_by": "经办人", "created_at": "创建时间",
})
register_table("volunteer_reward_item", "积分兑换物品", {
    "id": "编号", "name": "物品名称", "unit": "单位", "points": "所需积分", "stock": "库存", "active": "可兑换",
    "note": "说明", "version": "版本",
})
register_table("volunteer_redemption", "积分兑换单", {
    "id": "编号", "number": "兑换单号", "volunteer_id": "志愿者", "on_date": "兑换日期", "total_points": "合计积分",
    "recorded_by": "经办人", "note": "备注", "created_at": "创建时间",
})
register_table("volunteer_redemption_line", "积分兑换明细", {
    "id": "编号", "redemption_id": "兑换单", "item_id": "物品", "quantity": "数量", "points_each": "单价（积分）",
})
