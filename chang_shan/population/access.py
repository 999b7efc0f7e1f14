"""Who may see and change which records of the 万家数据库: the checks the population services
make before they read or write anything.

Every public service function starts with ``require`` (``Perm.VIEW`` to read, ``Perm.EDIT`` to
write), so the window and the command line are held to the same rules. A 网格员 (an actor with
``grid_ids``) sees and changes only the records of their grids: lists are filtered in SQL
(``resident_scope``), a single record outside them is ``PermissionDenied``. A record's grid is
the grid of its building: a household's building, a resident's household's building (people who
moved out or died keep their last household, so their grid still covers them).

A record that does not exist is not a permission question: these helpers let it through and the
service raises ``NotFound`` as before.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import SYSTEM, Actor, Perm, actor_of, require
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.errors import PermissionDenied

OUTSIDE_GRIDS = "这条记录不在您负责的网格内。"
ADMIN_ROLES = ("管理员", SYSTEM.role)


def scoped(actor: Actor | None) -> bool:
    """Is the actor limited to some grids (a 网格员)?"""
    return actor is not None and actor.grid_ids is not None


def covers(actor: Actor | None, grid_id: int | None) -> bool:
    """Does the actor's scope include ``grid_id``? A record with no grid is outside every 网格员's."""
    if actor is None:
        return False
    if actor.grid_ids is None:
        return True
    return grid_id is not None and grid_id in actor.grid_ids


def check_grid(actor: Actor, grid_id: int | None) -> None:
    if not covers(actor, grid_id):
        raise PermissionDenied(OUTSIDE_GRIDS)


def is_admin(actor: Actor | None) -> bool:
    """An administrator (or the program itself)."""
    return actor is not None and actor.role in ADMIN_ROLES


# --- the grid of a record -------------------------------------------------------------------


def grid_of_building(session: Session, building_id: int | None) -> int | None:
    if building_id is None:
        return None
    return session.scalar(select(Building.grid_id).where(Building.id == building_id))


def grid_of_unit(session: Session, unit_id: int | None) -> int | None:
    if unit_id is None:
        return None
    return session.scalar(
        select(Building.grid_id).join(Unit, Unit.building_id == Building.id).where(Unit.id == unit_id)
    )


def grid_of_household(session: Session, household_id: int | None) -> int | None:
    if household_id is None:
        return None
    return session.scalar(
        select(Building.grid_id).join(Household, Household.building_id == Building.id)
        .where(Household.id == household_id)
    )


def grid_of_resident(session: Session, resident_id: int) -> int | None:
    return session.scalar(
        select(Building.grid_id)
        .join(Household, Household.building_id == Building.id)
        .join(Resident, Resident.household_id == Household.id)
        .where(Resident.id == resident_id)
    )


def _exists(session: Session, model: type, record_id: int | None) -> bool:
    if record_id is None:
        return False
    return session.scalar(select(model.id).where(model.id == record_id)) is not None  # type: ignore[attr-defined]


# --- the checks -----------------------------------------------------------------------------


def require_resident(session: Session, perm: Perm, resident_id: int, *, what: str = "") -> Actor:
    """``perm``, and for a 网格员 the resident's grid (an unknown id is let through: NotFound follows)."""
    actor = require(session, perm, what=what)
    if scoped(actor) and _exists(session, Resident, resident_id):
        check_grid(actor, grid_of_resident(session, resident_id))
    return actor


def require_household(session: Session, perm: Perm, household_id: int | None, *, what: str = "") -> Actor:
    """``perm``, and for a 网格员 the household's grid (an unknown id is let through)."""
    actor = require(session, perm, what=what)
    if scoped(actor) and _exists(session, Household, household_id):
        check_grid(actor, grid_of_household(session, household_id))
    return actor


def require_building(session: Session, perm: Perm, building_id: int | None, *, what: str = "") -> Actor:
    actor = require(session, perm, what=what)
    if scoped(actor) and _exists(session, Building, building_id):
        check_grid(actor, grid_of_building(session, building_id))
    return actor


def require_all_grids(session: Session, perm: Perm, *, what: str) -> Actor:
    """``perm`` over the whole community: refused to a 网格员 (new grids, buildings and units)."""
    actor = require(session, perm, what=what)
    if scoped(actor):
        raise PermissionDenied(f"网格员不能{what}，请联系社区工作者或管理员。")
    return actor


def can_edit_resident(session: Session, actor: Actor | None, resident_id: int) -> bool:
    """May ``actor`` change this resident (so see its full ID number and phone in the form)?"""
    if actor is None or not actor.can(Perm.EDIT):
        return False
    return not scoped(actor) or covers(actor, grid_of_resident(session, resident_id))


def can_edit_household(session: Session, actor: Actor | None, household_id: int) -> bool:
    if actor is None or not actor.can(Perm.EDIT):
        return False
    return not scoped(actor) or covers(actor, grid_of_household(session, household_id))


# --- SQL filters for lists ------------------------------------------------------------------


def households_in_scope(actor: Actor) -> Select:
    """``SELECT household.id`` of the actor's grids (only for a scoped actor)."""
    return (
        select(Household.id).join(Building, Building.id == Household.building_id)
        .where(Building.grid_id.in_(sorted(actor.grid_ids or ())))
    )


def resident_scope(session: Session) -> ColumnElement[bool] | None:
    """The WHERE condition on ``Resident`` limiting a list to the actor's grids; None when the
    actor sees every grid. (Call after ``require``.)"""
    actor = actor_of(session)
    if not scoped(actor):
        return None
    return Resident.household_id.in_(households_in_scope(actor))  # type: ignore[arg-type]
