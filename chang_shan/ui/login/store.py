"""What the sign-in screens ask of the database, in plain Python (no Qt): the first
administrator, the demo hint, the unlock check and the idle-lock setting.

The rules themselves live in ``chang_shan.accounts``; these are thin calls with the transaction
shape each needs (a failed password must still be committed, so the lockout counts it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from chang_shan.errors import LoginFailed, ValidationError

if TYPE_CHECKING:
    from chang_shan.accounts.permissions import Actor
    from chang_shan.db.database import Database

IDLE_MINUTES_KEY = "ui.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 5
MIN_IDLE_MINUTES, MAX_IDLE_MINUTES = 1, 120

Now = Callable[[], datetime]


def has_accounts(db: Database) -> bool:
    from chang_shan.accounts import users

    with db.sessions() as session:
        return users.has_accounts(session)


def create_first_admin(db: Database, username: str, display_name: str, password: str, again: str) -> int:
    """The very first account (a 管理员). ``ValidationError`` keyed by field when the input is bad."""
    from chang_shan.accounts import users

    if password != again:
        raise ValidationError({"again": "两次输入的密码不一致。"})
    with db.transaction("创建管理员账户", actor=None) as session:
        return users.create_user(session, username, password, "管理员", display_name=display_name)


def demo_hint(db: Database) -> str:
    """The demo administrator's name and password, while that account still has the demo
    password (it is public: once changed, the hint goes)."""
    from sqlalchemy import select

    from chang_shan.db.models import UserAccount

    try:
        from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER
    except ImportError:  # pragma: no cover - the demo is part of the program
        return ""
    with db.sessions() as session:
        stored = session.scalar(
            select(UserAccount.password_hash).where(UserAccount.username == DEMO_ADMIN_USER, UserAccount.active)
        )
    if stored is None:
        return ""
    from chang_shan.accounts.passwords import verify_password

    if not verify_password(stored, DEMO_ADMIN_PASSWORD):
        return ""
    return f"演示社区的管理员：用户名 {DEMO_ADMIN_USER}，密码 {DEMO_ADMIN_PASSWORD}"


def verify_unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> Actor:
    """The idle-locked user's own password. Failures are committed (they count toward the
    lockout, which is logged); raises ``LoginFailed`` with the service's message."""
    from chang_shan.accounts import users

    failure: LoginFailed | None = None
    with db.sessions() as session, session.begin():
        try:
            fresh = users.verify_same_user(session, actor, password, now=now)
        except LoginFailed as exc:
            failure = exc
    if failure is not None:
        raise failure
    return fresh


def idle_minutes(db: Database) -> int:
    from chang_shan.db.models import AppMeta

    with db.sessions() as session:
        meta = session.get(AppMeta, IDLE_MINUTES_KEY)
    try:
        minutes = int(meta.value) if meta is not None else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return max(MIN_IDLE_MINUTES, min(MAX_IDLE_MINUTES, minutes))


def save_idle_minutes(db: Database, minutes: int) -> None:
    """An administrator's setting (``PermissionDenied`` for anyone else)."""
    from chang_shan.accounts.permissions import Perm, require
    from chang_shan.db.models import AppMeta

    if not MIN_IDLE_MINUTES <= minutes <= MAX_IDLE_MINUTES:
        raise ValidationError({"minutes": f"锁定时间应为 {MIN_IDLE_MINUTES}–{MAX_IDLE_MINUTES} 分钟。"})
    with db.reader() as session, session.begin():
        require(session, Perm.SETTINGS, what="修改设置")
        session.merge(AppMeta(key=IDLE_MINUTES_KEY, value=str(minutes)))
