"""The 居民健康库's tables on the audit screen: their Chinese names, field labels and the labels of
their codes (药物过敏史：无 → 青霉素, not ['1'] → ['2']).

The health tables' values are shown only to holders of ``Perm.HEALTH``; contacts and care
assignments are ledger data (phones masked as everywhere). ``chang_shan.audit.trail`` imports
this module, so the labels exist whenever the trail is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chang_shan.accounts.permissions import Perm
from chang_shan.audit.trail import register_table
from chang_shan.codes import CodeTable
from chang_shan.health import codes

_RECORD = {"id": "编号", "resident_id": "居民"}


def _label(table: Callable[[], CodeTable]) -> Callable[[Any], str]:
    """A code as its label (血型 3 → O型); an unknown code as it is."""
    return lambda code: table().label(str(code), str(code))


def _labels(table: Callable[[], CodeTable]) -> Callable[[Any], str]:
    """A list of codes as their labels: ['2', '5'] → 青霉素、其他."""
    def words(chosen: Any) -> str:
        if not isinstance(chosen, list):
            return _label(table)(chosen)
        return "、".join(table().label(str(c), str(c)) for c in chosen) or "（未填）"
    return words


_PROFILE_CODES = {
    "blood_type": _label(codes.blood_type), "rh": _label(codes.rh), "payment": _labels(codes.payment),
    "allergies": _labels(codes.allergy), "exposures": _labels(codes.exposure),
    "disabilities": _labels(codes.disability), "marital_code": _label(codes.marital),
    "education_code": _label(codes.education), "kitchen_code": _label(codes.kitchen), "fuel_code": _label(codes.fuel),
    "water_code": _label(codes.water), "toilet_code": _label(codes.toilet), "livestock_code": _label(codes.livestock),
}

register_table("health_profile", "健康档案", {
    "resident_id": "居民", "blood_type": "血型", "rh": "RH血型", "payment": "医疗费用支付方式",
    "payment_other": "其他支付方式", "allergies": "药物过敏史", "allergy_other": "其他过敏药物",
    "exposures": "暴露史", "exposure_note": "暴露史说明", "genetic_disease": "遗传病史",
    "disabilities": "残疾情况", "disability_other": "其他残疾", "marital_code": "婚姻状况",
    "education_code": "文化程度", "kitchen_code": "厨房排风设施", "fuel_code": "燃料类型", "water_code": "饮水",
    "toilet_code": "厕所", "livestock_code": "禽畜栏", "family_doctor": "家庭医生",
    "family_doctor_phone": "家庭医生电话", "medication": "用药情况", "wandering_risk": "走失风险",
    "note": "备注", "updated_at": "更新时间", "version": "版本",
}, restricted=Perm.HEALTH, values=_PROFILE_CODES)
register_table("health_condition", "既往史", {
    **_RECORD, "category": "类别", "code": "疾病", "name": "名称", "on_date": "时间", "note": "备注",
}, restricted=Perm.HEALTH, values={"code": _label(codes.disease)})
register_table("health_family_history", "家族史", {
    "resident_id": "居民", "relative": "亲属", "code": "疾病",
}, restricted=Perm.HEALTH, values={"code": _label(codes.family_disease)})
register_table("health_self_care", "生活自理能力评估", {
    **_RECORD, "assessed_on": "评估日期", "eating": "进餐", "grooming": "梳洗", "dressing": "穿衣",
    "toileting": "如厕", "activity": "活动", "total": "总分", "assessor": "评估人", "note": "备注",
}, restricted=Perm.HEALTH)
register_table("health_visit", "随访记录", {
    **_RECORD, "visited_on": "随访日期", "kind": "方式", "purpose": "类别", "visitor": "随访人",
    "systolic": "收缩压（mmHg）", "diastolic": "舒张压（mmHg）", "glucose_tenths": "血糖（0.1 mmol/L）",
    "notes": "随访记录", "next_due_on": "下次随访日期", "recorded_at": "录入时间",
}, restricted=Perm.HEALTH)
register_table("resident_contact", "紧急联系人", {
    **_RECORD, "position": "顺序", "name": "姓名", "relation": "关系", "phone": "电话", "note": "备注",
})
register_table("care_assignment", "包保关系", {
    "id": "编号", "elder_id": "老人", "caretaker_id": "包保人", "start_on": "开始日期", "end_on": "结束日期",
    "note": "备注",
})
