"""三长: 网格长 per grid, 楼栋长 per building, 单元长 per unit, held by residents with dates.

Access (``population.access``): ``Perm.VIEW`` to read, ``Perm.EDIT`` to assign or end a post; a
网格员 reaches posts over their grids (and their buildings and units) held by their residents.
``end_roles_of`` is internal: ``move_out`` and ``record_death`` have checked already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Grid, Household, Resident, RoleAssignment, Unit
from chang_shan.db.models.roles import ROLES
from chang_shan.errors import NotFound, ValidationError
from chang_shan.population import access, idnumber
from chang_shan.population.addresses import building_label, unit_label

_SCOPE = {"网格长": ("grid_id", Grid), "楼栋长": ("building_id", Building), "单元长": ("unit_id", Unit)}


@dataclass(frozen=True)
class Holder:
    assignment_id: int
    role: str
    scope_name: str
    resident_id: int
    name: str
    phone_masked: str
    start_on: date
    end_on: date | None


def _current(on_date: date):  # noqa: ANN202 - an SQL condition
    return and_(RoleAssignment.start_on <= on_date,
                or_(RoleAssignment.end_on.is_(None), RoleAssignment.end_on > on_date))


def assign_role(
    session: Session, resident_id: int, role: str, scope_id: int, *, start_on: date | None = None, note: str = ""
) -> int:
    """Give ``role`` over a grid/building/unit to a resident; the previous holder's term ends that day."""
    actor = access.require_resident(session, Perm.EDIT, resident_id)
    start_on = start_on or date.today()
    if role not in ROLES:
        raise ValidationError({"role": "职务只能是：" + "、".join(ROLES) + "。"})
    column, model = _SCOPE[role]
    scope = session.get(model, scope_id)
    if scope is not None and access.scoped(actor):
        access.check_grid(actor, _grid_of_scope(session, column, scope_id))
    if scope is None:
        raise ValidationError({"scope": f"请选择{role}负责的{'网格' if model is Grid else '楼栋' if model is Building else '单元'}。"})
    if model is Building and scope.kind != "楼房":  # type: ignore[union-attr]
        raise ValidationError({"scope": "平房区不设楼栋长，请指定网格长负责。"})
    resident = session.get(Resident, resident_id)
    if resident is None or resident.status != "在册":
        raise ValidationError({"resident_id": "只能指定在册居民担任。"})
    for previous in session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.role == role, getattr(RoleAssignment, column) == scope_id, _current(start_on)
        )
    ):
        if previous.resident_id == resident_id:
            raise ValidationError({"resident_id": f"{resident.name}已经是该{role}。"})
        previous.end_on = start_on
    assignment = RoleAssignment(resident_id=resident_id, role=role, start_on=start_on, note=note,
                                **{column: scope_id})
    session.add(assignment)
    session.flush()
    return assignment.id


def _grid_of_scope(session: Session, column: str, scope_id: int | None) -> int | None:
    if column == "grid_id":
        return scope_id
    if column == "building_id":
        return access.grid_of_building(session, scope_id)
    return access.grid_of_unit(session, scope_id)


def _grid_of_assignment(session: Session, assignment: RoleAssignment) -> int | None:
    if assignment.grid_id is not None:
        return assignment.grid_id
    if assignment.building_id is not None:
        return access.grid_of_building(session, assignment.building_id)
    return access.grid_of_unit(session, assignment.unit_id)


def end_role(session: Session, assignment_id: int, *, end_on: date | None = None) -> None:
    actor = require(session, Perm.EDIT)
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None:
        raise NotFound("该任职记录不存在。")
    if access.scoped(actor):
        access.check_grid(actor, _grid_of_assignment(session, assignment))
    end_on = end_on or date.today()
    if end_on < assignment.start_on:
        raise ValidationError({"end_on": "卸任日期不能早于任职日期。"})
    assignment.end_on = end_on
    session.flush()


def end_roles_of(session: Session, resident_id: int, *, end_on: date) -> list[str]:
    """End every post the resident holds on ``end_on`` (they moved out or died): the post is
    vacant from that day, the assignment stays as history. Returns what ended, e.g. ``3号楼1单元单元长``."""
    ended = []
    for holder in _holders(session, RoleAssignment.resident_id == resident_id, end_on):
        assignment = session.get(RoleAssignment, holder.assignment_id)
        assignment.end_on = max(end_on, assignment.start_on)  # type: ignore[union-attr]
        ended.append(f"{holder.scope_name}{holder.role}")
    session.flush()
    return ended


def _holders(session: Session, condition, on_date: date) -> list[Holder]:  # noqa: ANN001
    rows = session.execute(
        select(RoleAssignment, Resident.name, Resident.phone, Grid.name, Building.name, Unit.name)
        .join(Resident, Resident.id == RoleAssignment.resident_id)
        .outerjoin(Grid, Grid.id == RoleAssignment.grid_id)
        .outerjoin(Building, Building.id == RoleAssignment.building_id)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .where(condition, _current(on_date))
        .order_by(RoleAssignment.role, RoleAssignment.id)
    ).all()
    result = []
    for a, name, phone, grid_name, building_name, unit_name in rows:
        if a.unit_id is not None:
            unit = session.get(Unit, a.unit_id)
            scope = f"{building_label(unit.building.name)}{unit_label(unit_name)}" if unit else unit_label(unit_name)
        elif building_name:
            scope = building_label(building_name)
        else:
            scope = grid_name or ""
        result.append(Holder(a.id, a.role, scope, a.resident_id, name, idnumber.mask_phone(phone),
                             a.start_on, a.end_on))
    return result


def current_holders(session: Session, *, on_date: date | None = None) -> list[Holder]:
    """Everyone holding a 三长 post on ``on_date`` (a 网格员: the posts over their grids)."""
    actor = require(session, Perm.VIEW)
    condition = RoleAssignment.id.is_not(None)
    if access.scoped(actor):
        grids = sorted(actor.grid_ids)  # type: ignore[arg-type]
        buildings = select(Building.id).where(Building.grid_id.in_(grids))
        units = select(Unit.id).where(Unit.building_id.in_(buildings))
        condition = or_(RoleAssignment.grid_id.in_(grids), RoleAssignment.building_id.in_(buildings),
                        RoleAssignment.unit_id.in_(units))
    return _holders(session, condition, on_date or date.today())


def responsible_for(session: Session, household_id: int, *, on_date: date | None = None) -> list[Holder]:
    """Who looks after a household: its 单元长, 楼栋长 and 网格长, nearest first."""
    access.require_household(session, Perm.VIEW, household_id)
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound("该户不存在。")
    condition = or_(
        RoleAssignment.unit_id == household.unit_id if household.unit_id else False,
        RoleAssignment.building_id == household.building_id,
        RoleAssignment.grid_id == household.building.grid_id,
    )
    order = {"单元长": 0, "楼栋长": 1, "网格长": 2}
    return sorted(_holders(session, condition, on_date or date.today()), key=lambda h: order[h.role])


def roles_of(session: Session, resident_id: int, *, on_date: date | None = None) -> list[Holder]:
    """The posts a resident holds on ``on_date``."""
    access.require_resident(session, Perm.VIEW, resident_id)
    return _holders(session, RoleAssignment.resident_id == resident_id, on_date or date.today())
