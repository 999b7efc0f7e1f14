"""``chang-shan user add NAME --role ROLE`` and ``chang-shan user list``.

The new account's password comes from ``CHANG_SHAN_NEW_PASSWORD`` or is asked for twice in a
terminal (never taken from the command line, where other users of the machine could see it). The
very first account may be made without signing in and must be a 管理员; after that the command runs
as ``CHANG_SHAN_USER`` / ``CHANG_SHAN_PASSWORD`` (see ``commands.auth``), who needs the accounts
permission. Bad input is refused with one line before anything is written.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from datetime import datetime, timezone

from sqlalchemy import select

from chang_shan.accounts import passwords, users
from chang_shan.accounts.permissions import Perm
from chang_shan.commands import auth
from chang_shan.db.models import Grid
from chang_shan.db.models.accounts import ROLE_NAMES
from chang_shan.errors import DomainError, ValidationError
from chang_shan.paths import DataDir

ENV_NEW_PASSWORD = "CHANG_SHAN_NEW_PASSWORD"
FIRST_ROLE = "管理员"
DISPLAY_NAME_MAX = 50

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # noqa: SLF001 - argparse's own type
    user = subparsers.add_parser("user", help="账户管理（新建、列出）")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser(
        "add", help="新建账户（密码来自环境变量 CHANG_SHAN_NEW_PASSWORD 或提示输入）",
    )
    add.add_argument("name", metavar="NAME", help="用户名（2–32 位字母、数字、汉字或 _ . -）")
    add.add_argument("--role", required=True, choices=ROLE_NAMES, help="角色：" + "、".join(ROLE_NAMES))
    add.add_argument("--display-name", default="", help="显示的姓名")
    add.add_argument("--grid", action="append", default=[], metavar="CODE",
                     help="网格员负责的网格（网格编号或名称；可重复）")
    add.add_argument("--health", action="store_true", help="可以查看居民健康库")
    add.add_argument("--wills", action="store_true", help="可以查看遗嘱库")
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", help="列出账户（管理员）")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    listing.set_defaults(handler=cmd_list)

    for parser in (add, listing):  # --data-dir may come after the action too (cli adds it to "user")
        parser.add_argument("--data-dir", default=argparse.SUPPRESS,
                            help="数据文件夹（默认：系统用户数据目录，或环境变量 CHANG_SHAN_HOME）")


# --- user add ----------------------------------------------------------------------------------


def new_password(username: str) -> str:
    """From ``CHANG_SHAN_NEW_PASSWORD``, or typed twice at a terminal; checked for strength."""
    password = os.environ.get(ENV_NEW_PASSWORD)
    if not password:
        if not auth.interactive():
            raise DomainError(f"请用环境变量 {ENV_NEW_PASSWORD} 提供新账户的密码（不在终端中运行时无法提示输入）。")
        password = auth.ask_secret(f"新账户 {username} 的密码：")
        if not password:
            raise DomainError("未输入密码，未建立账户。")
        if auth.ask_secret("再输入一次：") != password:
            raise DomainError("两次输入的密码不一致，未建立账户。")
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})
    return password


def _precheck(args: argparse.Namespace) -> None:
    """What can be judged without the database (so a refused command creates nothing)."""
    name = args.name.strip()
    if not users._USERNAME.match(name):  # noqa: SLF001 - the service's own rule, checked early
        raise ValidationError({"username": "用户名为 2–32 位字母、数字、汉字或 _ . -。"})
    if len(args.display_name.strip()) > DISPLAY_NAME_MAX:
        raise ValidationError({"display_name": f"显示的姓名最多 {DISPLAY_NAME_MAX} 个字。"})
    if args.grid and args.role != "网格员":
        raise ValidationError({"grid_ids": "只有网格员需要指定网格（--grid）。"})
    if args.role == "网格员" and not args.grid:
        raise ValidationError({"grid_ids": "网格员至少要负责一个网格：请用 --grid 指定网格编号。"})


def _grid_ids(session, wanted: list[str]) -> list[int]:  # noqa: ANN001 - a Session
    grids = session.execute(select(Grid.id, Grid.code, Grid.name)).all()
    ids = []
    for text in wanted:
        text = text.strip()
        found = [g.id for g in grids if g.code == text] or [g.id for g in grids if g.name == text]
        if len(found) != 1:
            raise ValidationError({"grid_ids": f"网格“{text}”不存在。" if not found else f"有多个网格叫“{text}”，请用网格编号。"})
        ids.append(found[0])
    return ids


def cmd_add(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.db.database import Database

    _precheck(args)
    name = args.name.strip()
    password: str | None = None
    if not data_dir.database.exists():
        # No database yet: refuse before one is created.
        if args.role != FIRST_ROLE:
            raise ValidationError({"role": "第一个账户必须是管理员。"})
        password = new_password(name)
    with Database.open(data_dir) as db:
        with db.reader() as session:
            first = not users.has_accounts(session)
        if first and args.role != FIRST_ROLE:
            raise ValidationError({"role": "第一个账户必须是管理员。"})
        if not first:
            auth.sign_in_from_env(db, require=Perm.ACCOUNTS)  # who is asking first, then the new password
        if password is None:
            password = new_password(name)
        with db.transaction(f"新建账户 {name}") as session:
            grid_ids = _grid_ids(session, args.grid)
            users.create_user(
                session, name, password, args.role, display_name=args.display_name, grid_ids=grid_ids,
                can_health=args.health, can_wills=args.wills,
            )
    creator = db.actor.username if db.actor is not None else name
    log.info("新建账户 %s（%s），操作人 %s", name, args.role, creator)
    extras = "、".join(label for flag, label in ((args.health, "居民健康库"), (args.wills, "遗嘱库")) if flag)
    print(f"已建立账户 {name}（{args.role}）" + (f"，另可查看{extras}" if extras else "") + "。")
    return 0


# --- user list ---------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def cmd_list(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.db.database import Database

    with Database.open_existing(data_dir) as db:
        auth.sign_in_from_env(db, require=Perm.ACCOUNTS)
        with db.reader() as session:
            rows = users.list_users(session)
            codes = {gid: code for gid, code in session.execute(select(Grid.id, Grid.code))}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    listed = []
    for row in rows:
        locked = row.locked_until is not None and row.locked_until > now
        listed.append({
            "username": row.username, "display_name": row.display_name, "role": row.role,
            "health": row.can_health, "wills": row.can_wills, "active": row.active,
            "locked_until": _local(row.locked_until) if locked else "",
            "last_login": _local(row.last_login_at),
            "grids": [codes.get(g, str(g)) for g in row.grid_ids],
        })
    if args.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 0
    for item in listed:
        notes = [label for key, label in (("health", "健康库"), ("wills", "遗嘱库")) if item[key]]
        if item["grids"]:
            notes.append("网格 " + "、".join(item["grids"]))
        if not item["active"]:
            notes.append("已停用")
        if item["locked_until"]:
            notes.append(f"锁定至 {item['locked_until']}")
        last = f"最近登录 {item['last_login']}" if item["last_login"] else "从未登录"
        print("\t".join([item["username"], item["display_name"] or "-", item["role"],
                         "；".join(notes) or "-", last]))
    return 0
