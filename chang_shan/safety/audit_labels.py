"""The safety devices' tables on the audit screen: their Chinese names and field labels.
``chang_shan.audit.trail`` imports this module, so the labels exist whenever the trail is read."""

from __future__ import annotations

from chang_shan.audit.trail import register_table

register_table("safety_device", "安全设备", {
    "id": "编号", "kind": "设备类型", "household_id": "所在户", "unit_id": "单元", "building_id": "楼栋",
    "location": "具体位置", "model": "型号", "serial": "出厂编号", "installed_on": "安装日期",
    "last_inspected_on": "最近检查日期", "expires_on": "到期日期", "status": "状态", "note": "备注",
})
register_table("device_inspection", "设备检查记录", {
    "id": "编号", "device_id": "设备", "on_date": "检查日期", "result": "检查结果", "inspector": "检查人",
    "note": "备注",
})
