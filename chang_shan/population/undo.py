"""Undo of the last recorded action, keeping the search index in step with the data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.db import journal
from chang_shan.db.models import Resident
from chang_shan.population import search


@dataclass(frozen=True)
class PendingUndo:
    id: int
    action: str


def last_action(session: Session) -> PendingUndo | None:
    """What "撤销" would undo now, for the menu text; None when there is nothing."""
    change_set = journal.last_undoable(session)
    return PendingUndo(change_set.id, change_set.action) if change_set else None


def undo_last(session: Session, *, user_name: str = "", expected_id: int | None = None) -> str:
    """Revert the newest action (see ``journal.undo_last``) and re-index the residents it touched.

    Pass the ``PendingUndo.id`` the user saw, so a newer action saved meanwhile is never undone
    by mistake.
    """
    target = journal.last_undoable(session)
    rows = list(target.rows) if target else []
    action = journal.undo_last(session, user_name=user_name, expected_id=expected_id)
    resident_ids = {r.resident_id for r in rows if r.resident_id}
    household_ids = [r.row_key.get("id") for r in rows if r.table_name == "household"]
    if household_ids:
        resident_ids.update(
            session.scalars(select(Resident.id).where(Resident.household_id.in_(household_ids))).all()
        )
    if resident_ids:
        search.index_residents(session, sorted(resident_ids))
    return action
