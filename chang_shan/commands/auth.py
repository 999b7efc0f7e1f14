"""Signing in on the command line: every protected command runs as a real account.

The account comes from ``CHANG_SHAN_USER`` and its password from ``CHANG_SHAN_PASSWORD``; either one
missing is asked for when the command runs in a terminal, and refused with one line otherwise (a
scheduled task must never hang on a prompt). A wrong password counts toward the lockout exactly as
in the window (five in a row lock the account for 15 minutes), and is recorded in the audit trail.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys

from chang_shan.accounts import users
from chang_shan.accounts.permissions import PERM_LABELS, Actor, Perm
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.errors import LoginFailed, PermissionDenied

ENV_USER = "CHANG_SHAN_USER"
ENV_PASSWORD = "CHANG_SHAN_PASSWORD"

log = logging.getLogger(__name__)


def interactive() -> bool:
    """Is there a person at a terminal to answer a prompt?"""
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def ask(prompt: str) -> str:
    """One line from the terminal, the prompt on stderr (stdout stays clean for --json)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise KeyboardInterrupt
    return line.rstrip("\r\n")


def ask_secret(prompt: str) -> str:
    return getpass.getpass(prompt, stream=sys.stderr)


def credentials() -> tuple[str, str]:
    """The user name and password from the environment, or from prompts in a terminal."""
    username = (os.environ.get(ENV_USER) or "").strip()
    password = os.environ.get(ENV_PASSWORD) or ""
    if not username:
        if not interactive():
            raise LoginFailed(f"此命令需要登录：请设置环境变量 {ENV_USER} 和 {ENV_PASSWORD}。")
        username = ask("用户名：").strip()
        if not username:
            raise LoginFailed("未输入用户名。")
    if not password:
        if not interactive():
            raise LoginFailed(f"此命令需要登录：请设置环境变量 {ENV_PASSWORD}（用户 {username} 的密码）。")
        password = ask_secret(f"{username} 的密码：")
        if not password:
            raise LoginFailed("未输入密码。")
    return username, password


def sign_in_from_env(db: Database, *, require: Perm | None = None) -> Actor:
    """Sign in to ``db`` as the account named in the environment (or at the prompt) and make it
    the Database's actor. Raises ``LoginFailed`` (one line, nothing else done) when there is no
    account yet, no credentials, or a wrong password; ``PermissionDenied`` when ``require`` is
    given and the account lacks it."""
    with db.reader() as session:
        if not users.has_accounts(session):
            raise LoginFailed("还没有任何账户：请先用 chang-shan user add 用户名 --role 管理员 建立管理员账户。")
    username, password = credentials()
    try:
        actor = sign_in(db, username, password)
    except LoginFailed as exc:
        log.warning("命令行登录失败：%s：%s", username[:32], exc.message)
        raise
    log.info("命令行登录：%s（%s）", actor.username, actor.role)
    if require is not None and not actor.can(require):
        raise PermissionDenied(f"账户 {actor.username}（{actor.role}）没有“{PERM_LABELS[require]}”的权限。")
    return actor
