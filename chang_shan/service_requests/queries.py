"""SQL of the request lists: one SELECT gives every ``RequestRow`` column (category, whom it is
for and where, the grid, who has it), so a list of any length is one query. No permission checks
here: the services check first and pass the actor for the grid scope.

A request's place is its household (the resident's household when none was recorded); its grid is
that household's building's grid, which limits a 网格员.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import aliased

from chang_shan.accounts.permissions import Actor
from chang_shan.db.models import Building, Household, Resident, ServiceCategory, ServiceRequest, Unit, UserAccount
from chang_shan.population.access import scoped
from chang_shan.population.addresses import household_address
from chang_shan.population.text import clean_text
from chang_shan.service_requests.shapes import RequestFilter, RequestRow

OPEN = ("待办", "处理中")
CLOSED = ("已完成", "已回访")

FOR_PERSON = aliased(Resident, name="for_person")
_HOME = aliased(Household, name="home")
_BUILDING = aliased(Building, name="home_building")
_UNIT = aliased(Unit, name="home_unit")
_ACCOUNT = aliased(UserAccount, name="assignee_account")
_HELPER = aliased(Resident, name="assignee_person")
GRID_ID = _BUILDING.grid_id


def with_place(query: Select) -> Select:
    """``query`` (over ``ServiceRequest``) joined to whom it is for, the household and its building."""
    return (
        query.outerjoin(FOR_PERSON, FOR_PERSON.id == ServiceRequest.resident_id)
        .outerjoin(_HOME, _HOME.id == ServiceRequest.household_id)
        .outerjoin(_BUILDING, _BUILDING.id == _HOME.building_id)
    )


def in_scope(query: Select, actor: Actor | None) -> Select:
    """Only the requests of a 网格员's grids (``query`` made with ``with_place``)."""
    if not scoped(actor):
        return query
    return query.where(GRID_ID.in_(sorted(actor.grid_ids or ())))  # type: ignore[union-attr]


def rows_query(actor: Actor | None) -> Select:
    """Every request the actor may see, with the columns of a ``RequestRow`` (unordered)."""
    query = select(
        ServiceRequest, ServiceCategory.name.label("category"), FOR_PERSON.name.label("for_person"),
        _HOME.room.label("room"), _BUILDING.name.label("building"), _BUILDING.kind.label("building_kind"),
        _UNIT.name.label("unit"), GRID_ID.label("grid_id"), _ACCOUNT.display_name.label("account_name"),
        _ACCOUNT.username.label("account_user"), _ACCOUNT.role.label("account_role"),
        _HELPER.name.label("helper_name"),
    ).join(ServiceCategory, ServiceCategory.id == ServiceRequest.category_id)
    query = (
        with_place(query).outerjoin(_UNIT, _UNIT.id == _HOME.unit_id)
        .outerjoin(_ACCOUNT, _ACCOUNT.id == ServiceRequest.assignee_user_id)
        .outerjoin(_HELPER, _HELPER.id == ServiceRequest.assignee_resident_id)
    )
    return in_scope(query, actor)


def is_open(on: date | None = None) -> ColumnElement[bool]:
    """Open (待办 or 处理中); with ``on``: and past due on that day."""
    if on is None:
        return ServiceRequest.status.in_(OPEN)
    return ServiceRequest.status.in_(OPEN) & (ServiceRequest.due_on < on)


def filtered(query: Select, flt: RequestFilter) -> Select:
    """``query`` (from ``rows_query``) narrowed by the list's filter."""
    conditions: list[Any] = []
    if flt.statuses is not None:
        conditions.append(ServiceRequest.status.in_(flt.statuses))
    for value, column in ((flt.category_id, ServiceRequest.category_id),
                          (flt.assignee_user_id, ServiceRequest.assignee_user_id),
                          (flt.resident_id, ServiceRequest.resident_id),
                          (flt.household_id, ServiceRequest.household_id), (flt.grid_id, GRID_ID)):
        if value is not None:
            conditions.append(column == value)
    if flt.received_from is not None:
        conditions.append(ServiceRequest.received_on >= flt.received_from)
    if flt.received_to is not None:
        conditions.append(ServiceRequest.received_on <= flt.received_to)
    if flt.overdue_on is not None:
        conditions.append(is_open(flt.overdue_on))
    words = clean_text(flt.text)
    if words:
        conditions.append(or_(*(column.contains(words, autoescape=True) for column in (
            ServiceRequest.content, ServiceRequest.result, FOR_PERSON.name))))
    return query.where(*conditions)


def _assignee_label(r: Any) -> str:
    request: ServiceRequest = r.ServiceRequest
    if request.assignee_kind == "worker" and r.account_user is not None:
        return f"{r.account_name or r.account_user}（{r.account_role}）"
    if request.assignee_kind == "team":
        return request.assignee_team
    if request.assignee_kind == "person":
        return r.helper_name or ""
    return ""


def to_row(r: Any, on: date) -> RequestRow:
    """A result row of ``rows_query`` as the lists show it; days overdue as of ``on``."""
    request: ServiceRequest = r.ServiceRequest
    address = household_address(r.building, r.unit, r.room, r.building_kind) if r.building is not None else ""
    late = request.status in OPEN and request.due_on < on
    return RequestRow(
        id=request.id, category_id=request.category_id, category=r.category, channel=request.channel,
        content=request.content, resident_id=request.resident_id, household_id=request.household_id,
        for_name=r.for_person or f"{address}（户）", address=address, grid_id=r.grid_id,
        received_on=request.received_on, due_on=request.due_on, status=request.status,
        assignee_kind=request.assignee_kind, assignee_user_id=request.assignee_user_id,
        assignee_label=_assignee_label(r), completed_on=request.completed_on, revisited_on=request.revisited_on,
        satisfaction=request.satisfaction, reopened=request.reopened, version=request.version,
        days_overdue=(on - request.due_on).days if late else None,
    )
