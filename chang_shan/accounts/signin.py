"""Signing in to an open Database: the failure count and the audit entry are committed even when
the password is wrong."""

from __future__ import annotations

from datetime import datetime

from chang_shan.accounts import users
from chang_shan.accounts.permissions import Actor
from chang_shan.db.database import Database
from chang_shan.errors import LoginFailed


def _check_committed(db: Database, username: str, password: str, now: datetime | None) -> Actor:
    """``users.authenticate`` in a transaction that commits even when it raises ``LoginFailed``:
    the failure count and the audit entry must stay."""
    failure: LoginFailed | None = None
    with db.sessions() as session, session.begin():
        try:
            actor = users.authenticate(session, username, password, now=now)
        except LoginFailed as exc:
            failure = exc
    if failure is not None:
        raise failure
    return actor


def sign_in(db: Database, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check the password and make the user the Database's actor. Raises ``LoginFailed``."""
    actor = _check_committed(db, username, password, now)
    db.actor = actor
    return actor


def verify_unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> Actor:
    """An idle-locked window: the same user's password. Failures count toward the lockout."""
    return _check_committed(db, actor.username, password, now)


def sign_out(db: Database) -> None:
    from chang_shan.audit.events import record_event

    if db.actor is not None:
        with db.transaction("退出登录") as session:
            record_event(session, "logout", f"退出登录：{db.actor.username}")
    db.actor = None
