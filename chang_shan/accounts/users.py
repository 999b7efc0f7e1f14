"""Accounts: create, sign in (with lockout), change, reset passwords. Every change is audited."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts import passwords
from chang_shan.accounts.permissions import Actor, Perm, actor_for, actor_of, require
from chang_shan.audit.events import record_event
from chang_shan.db.base import utcnow
from chang_shan.db.models import Grid, UserAccount, UserGrid
from chang_shan.db.models.accounts import ROLE_NAMES
from chang_shan.errors import LoginFailed, NotFound, ValidationError

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_MINUTES = 15
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    can_health: bool
    can_wills: bool
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    grid_ids: tuple[int, ...]


def has_accounts(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(UserAccount)) or 0) > 0


def _actor(user: UserAccount) -> Actor:
    return actor_for(user.username, user.role, can_health=user.can_health, can_wills=user.can_wills,
                     grid_ids=user.grid_ids, user_id=user.id, display_name=user.display_name)


def _validate(session: Session, username: str, role: str, grid_ids: list[int], *, user_id: int | None) -> None:
    errors: dict[str, str] = {}
    if not _USERNAME.match(username):
        errors["username"] = "用户名为 2–32 位字母、数字、汉字或 _ . -。"
    elif session.scalar(select(UserAccount.id).where(UserAccount.username == username)) not in (None, user_id):
        errors["username"] = f"用户名“{username}”已被使用。"
    if role not in ROLE_NAMES:
        errors["role"] = "角色只能是：" + "、".join(ROLE_NAMES) + "。"
    elif role == "网格员" and not grid_ids:
        errors["grid_ids"] = "网格员至少要负责一个网格。"
    known = set(session.scalars(select(Grid.id).where(Grid.id.in_(grid_ids))).all()) if grid_ids else set()
    if set(grid_ids) - known:
        errors["grid_ids"] = "所选网格不存在。"
    if errors:
        raise ValidationError(errors)


def create_user(
    session: Session, username: str, password: str, role: str, *, display_name: str = "",
    grid_ids: list[int] | None = None, can_health: bool = False, can_wills: bool = False,
) -> int:
    """A new account. The very first account may be created by nobody and must be a 管理员;
    after that only an administrator creates accounts."""
    username = username.strip()
    first = not has_accounts(session)
    if first:
        if role != "管理员":
            raise ValidationError({"role": "第一个账户必须是管理员。"})
        creator = username
    else:
        creator = require(session, Perm.ACCOUNTS).username
    grid_ids = sorted(set(grid_ids or []))
    _validate(session, username, role, grid_ids, user_id=None)
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})
    user = UserAccount(username=username, display_name=display_name.strip(), role=role,
                       password_hash=passwords.hash_password(password), can_health=can_health,
                       can_wills=can_wills)
    user.grids = [UserGrid(grid_id=g) for g in grid_ids] if role == "网格员" else []
    session.add(user)
    session.flush()
    record_event(session, "account", f"新建账户 {username}（{role}）", user_name=creator,
                 detail={"user": username, "role": role, "grids": grid_ids, "health": can_health,
                         "wills": can_wills})
    return user.id


def authenticate(session: Session, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check a password. Five failures in a row lock the account for 15 minutes (logged).

    Runs inside the caller's transaction, which must be committed even when this raises
    ``LoginFailed`` (the failure count and the audit entry must stay): use
    ``Database.sign_in`` rather than calling this directly.
    """
    now = now or utcnow()
    user = session.scalar(select(UserAccount).where(UserAccount.username == username.strip()))
    if user is None or not user.active:
        record_event(session, "login_failed", f"登录失败：{username.strip()[:32]}", user_name=username.strip()[:32])
        raise LoginFailed("用户名或密码不正确。")
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        raise LoginFailed(f"密码连续输错 {MAX_FAILURES} 次，账户已锁定，请 {minutes} 分钟后再试，或请管理员解锁。")
    if not passwords.verify_password(user.password_hash, password):
        user.failed_logins += 1
        record_event(session, "login_failed", f"登录失败：{user.username}（第 {user.failed_logins} 次）",
                     user_name=user.username)
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            record_event(session, "lockout", f"账户锁定：{user.username}（{LOCK_MINUTES} 分钟）",
                         user_name=user.username)
            log.warning("账户锁定：%s，连续 %d 次密码错误，锁定 %d 分钟", user.username, MAX_FAILURES, LOCK_MINUTES)
            raise LoginFailed(f"密码连续输错 {MAX_FAILURES} 次，账户已锁定 {LOCK_MINUTES} 分钟。")
        left = MAX_FAILURES - user.failed_logins
        raise LoginFailed(f"用户名或密码不正确。再输错 {left} 次账户将被锁定 {LOCK_MINUTES} 分钟。")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record_event(session, "login", f"登录：{user.username}", user_name=user.username)
    return _actor(user)


def _get(session: Session, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound("该账户不存在。")
    return user


def list_users(session: Session) -> list[UserRow]:
    require(session, Perm.ACCOUNTS)
    return [
        UserRow(u.id, u.username, u.display_name, u.role, u.can_health, u.can_wills, u.active,
                u.locked_until, u.last_login_at, tuple(u.grid_ids))
        for u in session.scalars(select(UserAccount).order_by(UserAccount.username))
    ]


def update_user(
    session: Session, user_id: int, *, role: str, display_name: str = "", grid_ids: list[int] | None = None,
    can_health: bool = False, can_wills: bool = False, active: bool = True,
) -> None:
    admin = require(session, Perm.ACCOUNTS)
    user = _get(session, user_id)
    grid_ids = sorted(set(grid_ids or []))
    _validate(session, user.username, role, grid_ids, user_id=user.id)
    if user.id == admin.user_id and (role != "管理员" or not active):
        raise ValidationError({"role": "不能取消自己的管理员身份或停用自己的账户。"})
    if user.role == "管理员" and (role != "管理员" or not active) and _active_admins(session) <= 1:
        raise ValidationError({"role": "至少要保留一个启用的管理员账户。"})
    before = {"role": user.role, "grids": user.grid_ids, "health": user.can_health, "wills": user.can_wills,
              "active": user.active}
    user.role, user.display_name = role, display_name.strip()
    user.can_health, user.can_wills, user.active = can_health, can_wills, active
    user.grids = [UserGrid(grid_id=g) for g in grid_ids] if role == "网格员" else []
    session.flush()
    after = {"role": role, "grids": grid_ids if role == "网格员" else [], "health": can_health,
             "wills": can_wills, "active": active}
    record_event(session, "account", f"修改账户 {user.username}",
                 detail={"user": user.username, "before": before, "after": after})


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(UserAccount).where(UserAccount.role == "管理员", UserAccount.active)
    ) or 0


def reset_password(session: Session, user_id: int, new_password: str) -> None:
    """An administrator sets a new password (and lifts a lockout)."""
    require(session, Perm.ACCOUNTS)
    user = _get(session, user_id)
    problem = passwords.password_problem(new_password)
    if problem:
        raise ValidationError({"password": problem})
    user.password_hash = passwords.hash_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    record_event(session, "account", f"重设密码 {user.username}", detail={"user": user.username})


def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    actor = actor_of(session)
    if actor is None or actor.user_id is None:
        raise LoginFailed("请先登录。")
    user = _get(session, actor.user_id)
    if not passwords.verify_password(user.password_hash, old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    problem = passwords.password_problem(new_password)
    if problem:
        raise ValidationError({"password": problem})
    user.password_hash = passwords.hash_password(new_password)
    record_event(session, "account", f"修改密码 {user.username}", detail={"user": user.username})


def unlock(session: Session, user_id: int) -> None:
    require(session, Perm.ACCOUNTS)
    user = _get(session, user_id)
    user.failed_logins, user.locked_until = 0, None
    record_event(session, "unlock", f"解锁账户 {user.username}", detail={"user": user.username})
