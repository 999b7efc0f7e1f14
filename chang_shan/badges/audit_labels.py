"""The 防走失卡 tables on the audit screen: their Chinese names and field labels.

None of them is restricted by table: badges, prints, consents and photos are ledger data. The one
health item, the consent's medical note, is free text: the trail hides health terms in it from an
administrator without the health permission (the terms below join ``logs.HEALTH_TERMS``), and
masks ID numbers and phones as everywhere. ``chang_shan.audit.trail`` imports this module.
"""

from __future__ import annotations

from chang_shan.audit.trail import register_table
from chang_shan.db.models.badges import BADGE_LAYOUTS
from chang_shan.logs import add_health_terms

LAYOUT_LABELS = dict(zip(BADGE_LAYOUTS, ("多枚A4（带裁切线）", "证卡", "标签"), strict=True))
OUTPUT_LABELS = {"pdf": "保存为PDF", "printer": "打印机"}

# What a medical note may say beyond the common terms (see consent.suggest_medical_note).
add_health_terms("走失风险", "认知障碍", "青霉素过敏", "磺胺过敏", "链霉素过敏", "药物过敏", "过敏")

register_table("badge", "防走失卡", {
    "id": "编号", "resident_id": "居民", "number": "卡号", "created_at": "建卡时间",
})
register_table("badge_print", "防走失卡打印记录", {
    "id": "编号", "badge_id": "防走失卡", "version": "版本", "content_hash": "内容校验码",
    "part_hashes": "各项校验码", "layout": "版式", "printed_at": "打印时间", "printed_by": "打印人",
    "output": "输出方式",
}, values={"layout": lambda v: LAYOUT_LABELS.get(str(v), str(v)),
           "output": lambda v: OUTPUT_LABELS.get(str(v), str(v))})
register_table("badge_consent", "防走失卡同意书", {
    "id": "编号", "resident_id": "居民", "include_address": "印住址", "include_photo": "印照片",
    "include_medical": "印健康提示", "medical_note": "健康提示", "max_contacts": "家属人数",
    "given_by": "同意人", "given_on": "同意日期", "note": "备注", "version": "版本",
})
register_table("resident_photo", "居民照片", {
    "id": "编号", "resident_id": "居民", "file": "照片文件", "sha256": "文件校验码", "width": "宽（像素）",
    "height": "高（像素）", "updated_at": "更新时间",
})
