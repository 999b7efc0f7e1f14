"""Roles, permissions and the signed-in user (the *actor*) of a session.

The actor travels on the SQLAlchemy session (``session.info``), put there by
``Database.transaction`` / ``Database.reader``; services call ``require(session, ...)`` before
they read or write protected data, so the GUI and the CLI are held to the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy.orm import Session

from chang_shan.db.database import ACTOR_KEY

from chang_shan.errors import PermissionDenied


class Perm(str, Enum):
    VIEW = "view"  # see the ledgers (masked), print masked
    EDIT = "edit"  # change the 万家数据库 (网格员: only their grids)
    REVEAL = "reveal"  # show a full ID number or phone (audited)
    EXPORT = "export"  # write ledgers out to files (audited)
    HEALTH = "health"  # 居民健康库 (granted per person)
    WILLS = "wills"  # 遗嘱库 (granted per person)
    ACCOUNTS = "accounts"  # create and change accounts
    SETTINGS = "settings"
    RESTORE = "restore"  # replace the database from a backup
    AUDIT = "audit"  # read and export the audit trail


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    "管理员": frozenset({Perm.VIEW, Perm.EDIT, Perm.REVEAL, Perm.EXPORT, Perm.ACCOUNTS, Perm.SETTINGS,
                      Perm.RESTORE, Perm.AUDIT}),
    "社区工作者": frozenset({Perm.VIEW, Perm.EDIT, Perm.REVEAL, Perm.EXPORT}),
    "网格员": frozenset({Perm.VIEW, Perm.EDIT, Perm.EXPORT}),
    "只读": frozenset({Perm.VIEW}),
}

PERM_LABELS = {
    Perm.VIEW: "查看台账", Perm.EDIT: "修改台账", Perm.REVEAL: "查看完整身份证号和电话",
    Perm.EXPORT: "导出数据", Perm.HEALTH: "居民健康库", Perm.WILLS: "遗嘱库", Perm.ACCOUNTS: "管理账户",
    Perm.SETTINGS: "修改设置", Perm.RESTORE: "从备份恢复", Perm.AUDIT: "查看审计记录",
}

_ACTOR = ACTOR_KEY

# Tables (by name prefix) whose contents only holders of a permission may read, undo or see in the
# audit trail: the 居民健康库 and the 遗嘱库 (PIPL art. 28 sensitive data).
RESTRICTED_PREFIXES: dict[str, Perm] = {"health": Perm.HEALTH, "will": Perm.WILLS}


# Columns of ordinary tables that hold restricted data: the medical note a family agreed to put on
# an elder's badge is health data (writing it needs Perm.HEALTH, and so does undoing a change to it).
RESTRICTED_COLUMNS: dict[tuple[str, str], Perm] = {
    ("badge_consent", "medical_note"): Perm.HEALTH,
    ("badge_consent", "include_medical"): Perm.HEALTH,
}


def change_permissions(table: str, before: dict | None, after: dict | None) -> set[Perm]:
    """The extra permissions a recorded change of one row touches: its table's, and those of the
    restricted columns whose value it changed (or held, for an insert or a delete)."""
    perms: set[Perm] = set()
    perm = table_permission(table)
    if perm is not None:
        perms.add(perm)
    for (column_table, column), column_perm in RESTRICTED_COLUMNS.items():
        if column_table != table:
            continue
        old, new = (before or {}).get(column), (after or {}).get(column)
        if old != new and (old or new):
            perms.add(column_perm)
    return perms


def table_permission(table: str) -> Perm | None:
    """The extra permission a table's rows need (None for ordinary ledger tables)."""
    for prefix, perm in RESTRICTED_PREFIXES.items():
        if table.startswith(prefix):
            return perm
    return None


@dataclass(frozen=True)
class Actor:
    """Who is working. ``grid_ids`` limits a 网格员 (None = every grid)."""

    username: str
    role: str
    permissions: frozenset[Perm]
    grid_ids: frozenset[int] | None = None
    user_id: int | None = None
    display_name: str = field(default="", compare=False)

    def can(self, perm: Perm) -> bool:
        return perm in self.permissions

    def covers_grid(self, grid_id: int | None) -> bool:
        return self.grid_ids is None or grid_id in self.grid_ids


def actor_for(username: str, role: str, *, can_health: bool = False, can_wills: bool = False,
              grid_ids: list[int] | None = None, user_id: int | None = None, display_name: str = "") -> Actor:
    perms = set(ROLE_PERMISSIONS[role])
    if can_health:
        perms.add(Perm.HEALTH)
    if can_wills:
        perms.add(Perm.WILLS)
    scope = frozenset(grid_ids or ()) if role == "网格员" else None
    return Actor(username, role, frozenset(perms), scope, user_id, display_name)


# The program itself (demo builder, migrations, maintenance): every permission, no grid limit.
SYSTEM = Actor("system", "系统", frozenset(Perm), None, None, "系统")


def set_actor(session: Session, actor: Actor | None) -> None:
    session.info[_ACTOR] = actor


def actor_of(session: Session) -> Actor | None:
    return session.info.get(_ACTOR)


def require(session: Session, perm: Perm, *, grid_id: int | None = None, what: str = "") -> Actor:
    """The actor, if it has ``perm`` (and covers ``grid_id`` when given); else ``PermissionDenied``."""
    actor = actor_of(session)
    if actor is None:
        raise PermissionDenied("请先登录。")
    if not actor.can(perm):
        raise PermissionDenied(f"您的账户（{actor.role}）没有“{what or PERM_LABELS[perm]}”的权限。")
    if grid_id is not None and not actor.covers_grid(grid_id):
        raise PermissionDenied("这条记录不在您负责的网格内。")
    return actor
