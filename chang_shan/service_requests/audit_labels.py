"""The 便民档案库's request tables on the audit screen: their Chinese names and field labels.
``chang_shan.audit.trail`` imports this module, so the labels exist whenever the trail is read."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("service_category", "服务类别", {
    "id": "编号", "name": "名称", "position": "顺序", "builtin": "内置", "active": "启用",
})
register_table("service_request", "服务请求", {
    "id": "编号", "resident_id": "居民", "household_id": "住户", "category_id": "服务类别", "channel": "受理渠道",
    "content": "服务内容", "received_on": "受理日期", "due_on": "应办日期", "status": "状态",
    "assignee_kind": "办理人类型", "assignee_user_id": "办理人（工作人员）", "assignee_team": "办理人（服务队）",
    "assignee_resident_id": "办理人（居民）", "started_on": "接单日期", "completed_on": "完成日期",
    "result": "办理结果", "revisited_on": "回访日期", "satisfaction": "满意度", "revisit_note": "回访记录",
    "reopened": "重新打开次数", "created_by": "受理人", "created_at": "录入时间", "version": "版本",
})
register_table("service_request_event", "服务请求记录", {
    "id": "编号", "request_id": "服务请求", "on_date": "日期", "kind": "环节", "user_name": "经办人",
    "text": "说明", "recorded_at": "录入时间",
})
