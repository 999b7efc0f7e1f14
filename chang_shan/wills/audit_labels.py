"""The will registry's tables on the audit screen: their Chinese names and field labels. Their
values are shown only to holders of ``Perm.WILLS``. ``chang_shan.audit.trail`` imports this module,
so the labels exist whenever the trail is read."""

from __future__ import annotations

from chang_shan.accounts.permissions import Perm
from chang_shan.audit.trail import register_table

register_table("will_registration", "遗嘱登记", {
    "id": "编号", "number": "登记号", "testator_id": "立遗嘱人", "form": "遗嘱形式", "made_on": "立遗嘱日期",
    "registered_on": "登记日期", "registered_by": "登记人", "executor_name": "遗嘱执行人",
    "executor_phone": "执行人电话", "custody_kind": "保管方式", "cabinet": "档案柜", "file_number": "卷宗号",
    "custody_note": "保管说明", "notary_office": "公证机构", "notary_certificate": "公证书编号",
    "capacity_note": "行为能力说明", "emergency_note": "危急情况", "emergency_over_on": "危急情况消除日期",
    "checks_confirmed": "已核对", "status": "状态", "superseded_by_id": "被取代于", "revoked_on": "撤回日期",
    "revocation_note": "撤回说明", "activated_on": "启用日期", "viewers_notified_on": "通知查看人日期",
    "note": "备注", "created_at": "创建时间", "updated_at": "更新时间", "version": "版本",
}, restricted=Perm.WILLS)
register_table("will_witness", "遗嘱见证人", {
    "id": "编号", "will_id": "遗嘱登记", "position": "顺序", "name": "姓名", "id_number": "身份证号码",
    "relation": "与立遗嘱人关系", "phone": "电话", "not_heir_confirmed": "已核实非继承人、受遗赠人",
    "no_interest_confirmed": "已核实无利害关系", "capacity_confirmed": "已核实有完全民事行为能力",
}, restricted=Perm.WILLS)
register_table("will_person", "遗嘱相关人员（查看人、提取人、继承人、受遗赠人）", {
    "id": "编号", "will_id": "遗嘱登记", "role": "类别", "position": "顺序", "name": "姓名",
    "relation": "与立遗嘱人关系", "id_number": "身份证号码", "phone": "电话",
}, restricted=Perm.WILLS)
register_table("will_attachment", "遗嘱附件", {
    "id": "编号", "will_id": "遗嘱登记", "kind": "类别", "file": "文件", "sha256": "校验值",
    "original_name": "原文件名", "size": "大小（字节）", "added_at": "添加时间",
}, restricted=Perm.WILLS)
