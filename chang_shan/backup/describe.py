"""A backup's header in plain words (the CLI before a restore, and the restore dialog)."""

from __future__ import annotations

from chang_shan.backup.container import BackupHeader

SUMMARY_LABELS = {
    "residents": ("居民", "人"), "households": ("住户", "户"), "health_profiles": ("健康档案", "份"),
    "health_visits": ("随访记录", "条"), "wills": ("遗嘱登记", "份"), "service_requests": ("服务请求", "条"),
    "accounts": ("账户", "个"), "audit_entries": ("操作记录", "条"), "files": ("照片和扫描件", "个"),
}


def header_lines(header: BackupHeader) -> list[str]:
    created = header.created_at
    parts = [f"{label} {header.summary[key]} {unit}" for key, (label, unit) in SUMMARY_LABELS.items()
             if key in header.summary]
    return [
        f"备份时间：{created:%Y-%m-%d %H:%M}",
        f"程序版本：{header.app_version}（数据库结构版本 {header.schema}）",
        "内容：" + "，".join(parts),
    ]
