"""A day's meals: the list of who should get a meal (eating in, or delivered route by route), and
the record of who was served.

``record_meal`` writes one ``CanteenMeal`` row per person served, at the price set then
(``canteen.meal_price``); recording the same meal again replaces that day's record with the new
list (rows of people still on it stay as they were, price included). Only members taking that
meal on that day, living here then, may be recorded.

Access: reading needs ``Perm.VIEW``, recording ``Perm.EDIT``; a 网格员 sees and records the residents
of their grids only (recording replaces only their grids' rows).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import groupby

from sqlalchemy import exists, select, union
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, actor_of, require
from chang_shan.canteen.money import to_fen, yuan
from chang_shan.canteen.queries import (
    by_address, check_meal, in_scope, member_on, present_on, route_key, shown_phone, takes,
)
from chang_shan.canteen.shapes import DayLine, MealList
from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import CanteenMeal, CanteenMember, Resident
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.population import access
from chang_shan.settings import get_setting

PRICE_SETTING = "canteen.meal_price"
DELIVERY = "送餐"


def meal_price(session: Session) -> Decimal:
    """The price of a meal now (``canteen.meal_price``, default 7.00 元)."""
    price = get_setting(session, PRICE_SETTING)
    assert isinstance(price, Decimal)
    return price


def _members(on: date, meal: str):  # noqa: ANN202 - a Select
    return select(CanteenMember).where(member_on(on), takes(meal))


def _served(on: date, meal: str):  # noqa: ANN202 - a Select
    return select(CanteenMeal).where(CanteenMeal.on_date == on, CanteenMeal.meal == meal)


def meal_list(session: Session, on: date, meal: str) -> MealList:
    """Who gets ``meal`` on ``on``: members taking it that day, living here then; once the meal is
    recorded, also anyone served who is no longer on the list. Eating in by name; delivery route by
    route (routes in natural order), each by address. A served line shows how it was served."""
    require(session, Perm.VIEW)
    check_meal(meal)
    actor = actor_of(session)
    member = _members(on, meal).subquery()
    served = _served(on, meal).subquery()
    people = union(
        select(member.c.resident_id).join(Resident, Resident.id == member.c.resident_id).where(present_on(on)),
        select(served.c.resident_id),
    ).subquery()
    place = Whereabouts()
    query = place.join(
        select(Resident.id, Resident.name, Resident.name_pinyin, Resident.phone, member.c.mode, member.c.route,
               served.c.id.label("meal_id"), served.c.mode.label("served_mode"),
               served.c.route.label("served_route"), *place.columns())
        .select_from(people)
        .join(Resident, Resident.id == people.c.resident_id)
        .outerjoin(member, member.c.resident_id == Resident.id)
        .outerjoin(served, served.c.resident_id == Resident.id)
    )
    query = in_scope(session, query).order_by(*by_address(place), Resident.name_pinyin, Resident.id)
    recorded = bool(session.scalar(select(exists(_served(on, meal)))))
    eat_in: list[tuple[str, DayLine]] = []
    delivered: list[DayLine] = []
    for row in session.execute(query):
        served_now = row.meal_id is not None
        line = DayLine(
            resident_id=row.id, name=row.name, address=place.address(row),
            phone=shown_phone(actor, row.grid_id, row.phone),
            mode=row.served_mode if served_now else row.mode,
            route=(row.served_route if served_now else row.route) or "",
            served=served_now if recorded else None,
        )
        if line.mode == DELIVERY:
            delivered.append(line)  # by address (the query's order)
        else:
            eat_in.append((row.name_pinyin, line))
    eat_in.sort(key=lambda item: (item[0], item[1].name, item[1].resident_id))
    delivered.sort(key=lambda line: route_key(line.route))  # stable: each route stays by address
    routes = tuple((route, tuple(group)) for route, group in groupby(delivered, key=lambda line: line.route))
    price = _recorded_price(session, on, meal) if recorded else meal_price(session)
    return MealList(on_date=on, meal=meal, eat_in=tuple(line for _key, line in eat_in), routes=routes,
                    recorded=recorded, price=price)


def _recorded_price(session: Session, on: date, meal: str) -> Decimal:
    """The price the meal was recorded at (the newest row's, should it have changed in between)."""
    fen = session.scalar(
        select(CanteenMeal.price_fen).where(CanteenMeal.on_date == on, CanteenMeal.meal == meal)
        .order_by(CanteenMeal.id.desc()).limit(1)
    )
    return yuan(int(fen or 0))


def record_meal(session: Session, on: date, meal: str, served_resident_ids: list[int], *,
                today: date | None = None) -> int:
    """Exactly these residents got ``meal`` on ``on`` (not after ``today``): the day's record of
    that meal is replaced by this list. Returns how many were served."""
    actor = require(session, Perm.EDIT)
    check_meal(meal)
    today = today or date.today()
    if on > today:
        raise ValidationError({"on_date": "不能登记今天以后的用餐。"})
    if any(isinstance(i, bool) or not isinstance(i, int) for i in served_resident_ids):
        raise ValidationError({"served_resident_ids": "用餐人员应为居民编号。"})
    wanted = set(served_resident_ids)
    if access.scoped(actor):
        _check_grids(session, actor, wanted)
    members = {m.resident_id: m for m in session.scalars(
        _members(on, meal).join(Resident, Resident.id == CanteenMember.resident_id)
        .where(CanteenMember.resident_id.in_(sorted(wanted)), present_on(on))
    )}
    strangers = sorted(wanted - set(members))
    if strangers:
        names = dict(session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(strangers))).all())
        shown = "、".join(names.get(i, f"编号 {i}") for i in strangers)
        raise ValidationError({"served_resident_ids": f"{on:%Y-%m-%d}{meal}的用餐名单上没有：{shown}。"})
    existing = session.scalars(
        in_scope(session, _served(on, meal).join(Resident, Resident.id == CanteenMeal.resident_id))
    ).all()
    kept = set()
    for row in existing:  # as served: way, route and price stay
        if row.resident_id in wanted:
            kept.add(row.resident_id)
        else:
            session.delete(row)
    price_fen = to_fen(meal_price(session))
    for resident_id in sorted(wanted - kept):
        member = members[resident_id]
        session.add(CanteenMeal(resident_id=resident_id, on_date=on, meal=meal, mode=member.mode,
                                route=member.route, price_fen=price_fen))
    session.flush()
    return len(wanted)


def _check_grids(session: Session, actor: Actor, resident_ids: set[int]) -> None:
    """A 网格员 records only residents of their grids."""
    if not resident_ids:
        return
    place = Whereabouts()
    rows = session.execute(
        place.join(select(Resident.id, place.grid_id.label("grid_id"))).where(Resident.id.in_(sorted(resident_ids)))
    ).all()
    if any(not access.covers(actor, row.grid_id) for row in rows):
        raise PermissionDenied(access.OUTSIDE_GRIDS)

