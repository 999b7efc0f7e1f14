"""SQL building blocks and small rules the canteen services share (no permission checks here: the
services that use them check first)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, actor_of
from chang_shan.care.queries import Whereabouts, active_on
from chang_shan.db.models import CanteenMember, Resident
from chang_shan.db.models.canteen import MEALS
from chang_shan.errors import ValidationError
from chang_shan.population import access, idnumber
from chang_shan.population.residents import ACTIVE

_NUMERALS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_NUMBER = re.compile(r"[0-9]+|[零一二三四五六七八九十百]+")


def check_meal(meal: str) -> str:
    if meal not in MEALS:
        raise ValidationError({"meal": "餐次应为午餐或晚餐。"})
    return meal


def takes(meal: str) -> ColumnElement[bool]:
    """The member takes ``meal`` (午餐 / 晚餐)."""
    column = CanteenMember.lunch if meal == MEALS[0] else CanteenMember.dinner
    return column.is_(True)


def member_on(on: date) -> ColumnElement[bool]:
    """The membership is in force on ``on``: started, and not stopped (停餐) on or before it."""
    return active_on(CanteenMember, on)


def present_on(on: date, resident: Any = Resident) -> ColumnElement[bool]:
    """The resident lived here on ``on``: 在册, or moved out or died after that day."""
    return or_(resident.status == ACTIVE, resident.moved_out_on > on, resident.died_on > on)


def in_scope(session: Session, query: Any, resident: Any = Resident) -> Any:
    """``query`` limited to the residents of a 网格员's grids (unchanged for everyone else)."""
    actor = actor_of(session)
    if access.scoped(actor):
        return query.where(resident.household_id.in_(access.households_in_scope(actor)))
    return query


def by_address(place: Whereabouts) -> tuple:
    """ORDER BY keys: building, unit, room (``101`` before ``1001``), as the roster orders them."""
    return (place.building.sort_key, place.building.id, place.unit.sort_key, func.length(place.household.room),
            place.household.room)


def shown_phone(actor: Actor | None, grid_id: int | None, phone: str | None) -> str:
    """The phone in full for someone who may edit the resident (``access.can_edit_resident``
    for a resident whose grid is known), else masked."""
    may_edit = actor is not None and actor.can(Perm.EDIT) and (
        not access.scoped(actor) or access.covers(actor, grid_id))
    return (phone or "") if may_edit else idnumber.mask_phone(phone)


def route_key(route: str) -> tuple:
    """Routes in their natural order: 一号线, 二号线 … 十号线, 十一号线 (and 2路 before 10路); text
    without a number after them."""
    found = _NUMBER.search(route)
    if found is None:
        return (1, 0, route)
    return (0, _number(found.group()), route)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "百" in text or "十" in text:
        total = 0
        for unit, value in (("百", 100), ("十", 10)):
            if unit in text:
                head, text = text.split(unit, 1)
                total += (_NUMERALS.get(head[-1], 1) if head else 1) * value
        return total + (_NUMERALS.get(text[-1], 0) if text else 0)
    return int("".join(str(_NUMERALS[ch]) for ch in text))

