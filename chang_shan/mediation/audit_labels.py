"""This ledger's tables on the audit screen: Chinese names and field labels (``audit.trail``
imports this module)."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("mediation_mediator", "人民调解员", {
    "id": "编号", "resident_id": "居民", "name": "姓名", "role": "职务", "phone": "电话", "start_on": "任职日期",
    "end_on": "离任日期",
})
register_table("mediation_case", "人民调解案件", {
    "id": "编号", "number": "案件编号", "kind": "纠纷类型", "received_on": "受理日期", "source": "案件来源",
    "facts": "纠纷的主要事实", "disputed_matters": "争议事项", "responsibilities": "各方当事人的责任",
    "status": "状态", "mediated_on": "调解日期", "agreement_terms": "协议内容", "performance_method": "履行方式",
    "performance_due": "履行期限", "oral_agreement": "口头协议", "referred_to": "移交单位", "escalated": "矛盾升级",
    "escalated_note": "矛盾升级情况", "note": "备注", "created_by": "登记人", "created_at": "登记时间",
    "version": "版本",
})
register_table("mediation_party", "调解案件当事人", {
    "id": "编号", "case_id": "调解案件", "position": "顺序", "side": "当事人身份", "resident_id": "居民",
    "name": "姓名", "sex_code": "性别", "age": "年龄", "ethnicity_code": "民族", "occupation": "职业",
    "address": "单位或者住所", "id_number": "身份证号码", "phone": "电话",
})
register_table("mediation_case_mediator", "调解案件的调解员", {"case_id": "调解案件", "mediator_id": "调解员"})
register_table("mediation_visit", "调解协议回访", {
    "id": "编号", "case_id": "调解案件", "visited_on": "回访日期", "performance": "履行情况", "note": "回访情况",
    "visitor": "回访人",
})
