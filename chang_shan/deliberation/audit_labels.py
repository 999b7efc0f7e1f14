"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module)."""

from __future__ import annotations

from chang_shan.audit.trail import register_table
from chang_shan.deliberation.shapes import step_name

register_table("deliberation_matter", "四步议事议题", {
    "id": "编号", "number": "议题编号", "title": "议题", "background": "事由", "category": "类别",
    "proposed_on": "提议日期", "step": "下一步骤", "status": "状态", "resolution": "决议内容",
    "notice_from": "公示开始日期", "notice_to": "公示截止日期", "notice_number": "公示发文字号",
    "closed_on": "办结日期", "close_reason": "终止原因", "created_by": "登记人", "created_at": "创建时间",
    "version": "版本",
}, values={"step": lambda v: step_name(v) or "已公示"})
register_table("deliberation_step", "四步议事步骤记录", {
    "id": "编号", "matter_id": "议题", "seq": "顺序", "step": "步骤", "held_on": "召开日期", "place": "地点",
    "host": "主持人", "participants": "参加人员", "expected": "应到人数", "present": "实到人数",
    "votes_for": "同意票数", "votes_against": "反对票数", "votes_abstain": "弃权票数", "minutes": "会议记录",
    "outcome": "结果", "back_to": "退回到步骤", "reason": "理由", "recorded_by": "记录人", "created_at": "记录时间",
}, values={"step": step_name, "back_to": step_name})
