"""Recording events that are not row changes: reveals, exports, prints, logins, lockouts, accounts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import actor_of
from chang_shan.db import journal

EVENT_KINDS = {
    "reveal": "查看完整信息", "export": "导出", "print": "打印", "login": "登录", "login_failed": "登录失败",
    "lockout": "账户锁定", "account": "账户管理", "logout": "退出登录", "unlock": "解锁",
    "settings": "修改设置", "view": "查看",
    "backup": "备份", "verify_backup": "检查备份", "restore": "从备份恢复",
}


def record_event(
    session: Session, kind: str, action: str, *, resident_id: int | None = None,
    detail: dict | None = None, user_name: str | None = None,
) -> int:
    """Append an event to the audit trail (sealed into the chain when the transaction commits).

    ``detail`` must never hold a full ID number, phone or health term: say *what* was revealed
    or exported (field names, ledger, row count, file name), not the values.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}")
    if user_name is None:
        actor = actor_of(session)
        user_name = actor.username if actor else ""
    return journal.new_entry(session, action=action, user_name=user_name, kind=kind,
                             resident_id=resident_id, detail=detail)
