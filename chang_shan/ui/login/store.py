"""What the sign-in screens ask of the database, in plain Python (no Qt): the first
administrator, the demo hint, the unlock check and the idle-lock setting.

The rules themselves live in ``chang_shan.accounts``; these are thin calls with the transaction
shape each needs (a failed password must still be committed, so the lockout counts it).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from chang_shan.errors import ValidationError

if TYPE_CHECKING:
    from concurrent.futures import Future

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
    password (it is public: once changed, the hint goes).

    The Argon2 check takes about 0.1 s; ``prefetch_demo_hint`` may have done it already on a
    background thread. That answer is used only for the very hash it checked: a new password (or
    a new account) is stored with a new salted hash, so anything changed since is checked again.
    """
    demo = _demo_account()
    if demo is None:  # pragma: no cover - the demo is part of the program
        return ""
    stored = _demo_password_hash(db, demo[0])
    if stored is None:
        return ""
    prefetched = _prefetched.pop(db, None)
    if prefetched is not None:
        try:
            checked, hint = prefetched.result()
        except Exception:  # noqa: BLE001 - the background check failed: check here instead
            checked, hint = None, ""
        if checked == stored:
            return hint
    return _hint_for(stored, *demo)


def prefetch_demo_hint(db: Database) -> None:
    """Start ``demo_hint``'s password check on a background thread, so that the login dialog
    shown next need not wait for it (Argon2 releases the GIL: the start-up goes on meanwhile)."""
    import threading
    from concurrent.futures import Future

    demo = _demo_account()
    if demo is None or db in _prefetched:  # pragma: no cover - the demo is part of the program
        return
    future: Future[tuple[str | None, str]] = Future()

    def work() -> None:
        try:
            stored = _demo_password_hash(db, demo[0])
            future.set_result((stored, "" if stored is None else _hint_for(stored, *demo)))
        except BaseException as exc:  # noqa: BLE001 - handed to demo_hint, which checks again
            future.set_exception(exc)

    _prefetched[db] = future
    threading.Thread(target=work, name="chang-shan-demo-hint", daemon=True).start()


# Database → the background check started by prefetch_demo_hint: (hash checked, hint).
_prefetched: weakref.WeakKeyDictionary[Database, Future[tuple[str | None, str]]] = weakref.WeakKeyDictionary()


def _demo_account() -> tuple[str, str] | None:
    try:
        from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER
    except ImportError:  # pragma: no cover - the demo is part of the program
        return None
    return DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD


def _demo_password_hash(db: Database, username: str) -> str | None:
    from sqlalchemy import select

    from chang_shan.db.models import UserAccount

    with db.sessions() as session:
        return session.scalar(
            select(UserAccount.password_hash).where(UserAccount.username == username, UserAccount.active)
        )


def _hint_for(stored: str, username: str, password: str) -> str:
    from chang_shan.accounts.passwords import verify_password

    if not verify_password(stored, password):
        return ""
    return f"演示社区的管理员：用户名 {username}，密码 {password}"


def verify_unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> Actor:
    """The idle-locked user's own password (see ``accounts.signin.verify_unlock``)."""
    from chang_shan.accounts.signin import verify_unlock as check

    return check(db, actor, password, now=now)


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
