"""Undo of the last recorded action, keeping the search index in step with the data.

Only the newest action can be undone (``journal.undo_last``), and only by the user who made it
or by an administrator: the menu (``last_action``) offers it to them alone, and ``undo_last``
refuses everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, PERM_LABELS, actor_of, change_permissions, require
from chang_shan.db import journal
from chang_shan.db.models import ChangeSet, Resident
from chang_shan.errors import PermissionDenied
from chang_shan.population import access, search


@dataclass(frozen=True)
class PendingUndo:
    id: int
    action: str


def _may_undo(actor: Actor | None, change_set: ChangeSet) -> bool:
    if actor is None or not actor.can(Perm.EDIT):
        return False
    # Undoing a health or will change rewrites that data: it needs the ledger's own permission
    # (also for one's own change made before the permission was withdrawn).
    for row in change_set.rows:
        if any(not actor.can(perm) for perm in change_permissions(row.table_name, row.before, row.after)):
            return False
    return access.is_admin(actor) or (bool(change_set.user_name) and change_set.user_name == actor.username)


def last_action(session: Session) -> PendingUndo | None:
    """What "撤销" would undo now, for the menu text; None when there is nothing the signed-in
    user may undo (the newest action is someone else's and they are not an administrator, or
    they may not edit at all, or nobody is signed in)."""
    change_set = journal.last_undoable(session)
    if change_set is None or not _may_undo(actor_of(session), change_set):
        return None
    return PendingUndo(change_set.id, change_set.action)


def undo_last(session: Session, *, user_name: str = "", expected_id: int | None = None) -> str:
    """Revert the newest action (see ``journal.undo_last``) and re-index the residents it touched.

    Pass the ``PendingUndo.id`` the user saw, so a newer action saved meanwhile is never undone
    by mistake. Needs ``Perm.EDIT``, and the action must be the user's own unless they are an
    administrator. The undo is recorded under ``user_name`` (default: the signed-in user).
    """
    actor = require(session, Perm.EDIT, what="撤销操作")
    target = journal.last_undoable(session)
    # (When the newest action is not the one the user saw, journal.undo_last says so instead.)
    if target is not None and (expected_id is None or target.id == expected_id) and not _may_undo(actor, target):
        restricted = sorted({p for r in target.rows for p in change_permissions(r.table_name, r.before, r.after)
                             if not actor.can(p)})
        if restricted:
            raise PermissionDenied(
                f"最近的操作“{target.action}”修改了{'、'.join(PERM_LABELS[p] for p in restricted)}的数据，"
                "您的账户没有这项权限，不能撤销。"
            )
        who = f"“{target.user_name}”" if target.user_name else "其他用户"
        raise PermissionDenied(f"最近的操作“{target.action}”是{who}做的，只有本人或管理员可以撤销。")
    rows = list(target.rows) if target else []
    action = journal.undo_last(session, user_name=user_name or actor.username, expected_id=expected_id)
    resident_ids = {r.resident_id for r in rows if r.resident_id}
    household_ids = [r.row_key.get("id") for r in rows if r.table_name == "household"]
    if household_ids:
        resident_ids.update(
            session.scalars(select(Resident.id).where(Resident.household_id.in_(household_ids))).all()
        )
    if resident_ids:
        search.index_residents(session, sorted(resident_ids))
    return action
