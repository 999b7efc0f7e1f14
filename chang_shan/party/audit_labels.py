"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module)."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("party_org", "党组织", {
    "id": "编号", "parent_id": "上级党组织", "level": "层级", "name": "名称", "grid_id": "网格",
    "building_id": "楼栋", "unit_id": "单元", "sort_key": "排序", "founded_on": "成立日期",
    "dissolved_on": "撤销日期", "note": "备注", "version": "版本",
})
register_table("party_member", "党员", {
    "id": "编号", "resident_id": "居民", "org_id": "所在党组织", "joined_on": "入党日期（政治生日）",
    "kind": "党员类别", "full_on": "转正日期", "org_relation": "组织关系", "relation_place": "组织关系所在地",
    "status": "状态", "status_on": "状态日期", "phone": "联系电话", "note": "备注", "created_at": "登记时间",
    "version": "版本",
})
register_table("party_member_event", "党员变动", {
    "id": "编号", "member_id": "党员", "kind": "变动类别", "on_date": "日期", "note": "说明",
    "recorded_by": "登记人", "created_at": "登记时间",
})
register_table("party_post", "党内职务", {
    "id": "编号", "org_id": "党组织", "member_id": "党员", "post": "职务", "start_on": "任职日期",
    "end_on": "结束日期",
})
register_table("party_study_day", "主题党日", {
    "id": "编号", "org_id": "党组织", "held_on": "日期", "topic": "主题", "place": "地点", "note": "备注",
    "recorded_by": "登记人",
})
register_table("party_study_attendance", "主题党日出席", {
    "study_day_id": "主题党日", "member_id": "党员", "present": "出席", "absence_reason": "缺席原因",
    "followed_up_on": "跟进日期", "follow_up_note": "跟进情况",
})
