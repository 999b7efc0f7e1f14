"""The 红马甲 points bank: rules, the ledger's entries, the catalogue and redemptions.

The balance lives on the volunteer row and every ledger entry keeps the balance after it, so the
entries of a volunteer always add up to the balance. Two counters may redeem for the same volunteer
(or the last bag of rice) at the same moment; the balance and the stock must never go below zero.
Each change therefore starts with ONE conditional UPDATE that claims the row —
``UPDATE volunteer SET points_balance = points_balance WHERE id = :v AND points_balance >= :t``
(and ``… volunteer_reward_item … stock >= :q AND active``) — which takes the database's write
lock (SQLite) or the row's lock (PostgreSQL) until the transaction ends: rowcount 0 means
"积分不足" / "库存不足" and nothing has been written. The row is then read again and changed
through the ORM (version checked), so the change journal records it and 撤销 puts it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerPointRule,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
)
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population import access
from chang_shan.population.text import clean_note, clean_text
from chang_shan.volunteers import queries
from chang_shan.db.numbering import yearly_number
from chang_shan.volunteers.numbers import REDEMPTION_PREFIX
from chang_shan.volunteers.registry import STALE, check_version
from chang_shan.volunteers.shapes import RedemptionResult

CHANGED_MEANWHILE = "积分或库存刚被另一处改动，本次操作没有完成，请刷新后再试。"


def user_name(session: Session) -> str:
    actor = actor_of(session)
    return getattr(actor, "username", "") or ""


# --- claiming rows (see the module docstring) --------------------------------------------------------


def claim_balance(session: Session, volunteer_id: int, need: int = 0) -> Volunteer | None:
    """The volunteer row, claimed for this transaction and read afresh, if its balance is at least
    ``need``; None otherwise (nothing written)."""
    table = Volunteer.__table__
    claimed = session.execute(update(table).where(table.c.id == volunteer_id, table.c.points_balance >= need)
                              .values(points_balance=table.c.points_balance)).rowcount
    if not claimed:
        return None
    return session.get(Volunteer, volunteer_id, populate_existing=True)


def claim_stock(session: Session, item_id: int, need: int = 0, *, active: bool = True) -> VolunteerRewardItem | None:
    """The catalogue item, claimed and read afresh, if at least ``need`` are in stock (and it is
    active when ``active``); None otherwise."""
    table = VolunteerRewardItem.__table__
    query = update(table).where(table.c.id == item_id, table.c.stock >= need)
    if active:
        query = query.where(table.c.active.is_(True))
    if not session.execute(query.values(stock=table.c.stock)).rowcount:
        return None
    return session.get(VolunteerRewardItem, item_id, populate_existing=True)


def flush(session: Session) -> None:
    """Flush; a row changed meanwhile (the version check) is a refusal, never a half write."""
    try:
        session.flush()
    except StaleDataError as stale:
        raise DomainError(CHANGED_MEANWHILE) from stale


def book(session: Session, volunteer: Volunteer, points: int, kind: str, on: date, *, note: str = "",
         service_id: int | None = None, redemption_id: int | None = None) -> VolunteerPointEntry:
    """Move a claimed volunteer's balance by ``points`` and write the ledger entry with the
    balance after it (the caller has checked the balance is enough)."""
    after = volunteer.points_balance + points
    assert after >= 0
    volunteer.points_balance = after
    entry = VolunteerPointEntry(volunteer_id=volunteer.id, on_date=on, kind=kind, points=points, balance_after=after,
                                service_id=service_id, redemption_id=redemption_id, note=note[:200],
                                recorded_by=user_name(session))
    session.add(entry)
    return entry


def _name(session: Session, volunteer_id: int) -> str:
    row = session.execute(select(queries.NAME, Volunteer.number, Volunteer.points_balance)
                          .outerjoin(queries.Resident, queries.Resident.id == Volunteer.resident_id)
                          .where(Volunteer.id == volunteer_id)).one()
    return f"{row[0]}（{row[1]}）"


def _balance(session: Session, volunteer_id: int) -> int:
    return session.scalar(select(Volunteer.points_balance).where(Volunteer.id == volunteer_id)
                          .execution_options(populate_existing=True)) or 0


# --- rules ---------------------------------------------------------------------------------------------


def points_for(rule: VolunteerPointRule, hours: Decimal) -> int:
    """Per hour × hours, rounded half up to a whole point, plus the points per service."""
    by_hours = (Decimal(rule.points_per_hour) * Decimal(hours)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(by_hours) + rule.points_per_service


def set_rule(session: Session, kind: str, points_per_hour: int, points_per_service: int, start_on: date, *,
             note: str = "") -> int:
    """A rule for ``kind`` from ``start_on``; the kind's rule in force before closes the day
    before. Services already confirmed keep the points they earned."""
    access.require_all_grids(session, Perm.EDIT, what="设置积分规则")
    errors: dict[str, str] = {}
    clean_kind = clean_field(errors, "kind", "服务类别", kind, column_limit(VolunteerPointRule, "kind"), clean_text)
    if not clean_kind and "kind" not in errors:
        errors["kind"] = "请填写服务类别，如 关爱老人、代购、清雪。"
    for key, value in (("points_per_hour", points_per_hour), ("points_per_service", points_per_service)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[key] = "积分应为不小于 0 的整数。"
    clean = clean_field(errors, "note", "说明", note, column_limit(VolunteerPointRule, "note"), clean_note)
    if errors:
        raise ValidationError(errors)
    later = session.scalar(select(VolunteerPointRule.start_on).where(
        VolunteerPointRule.kind == clean_kind, VolunteerPointRule.start_on >= start_on)
        .order_by(VolunteerPointRule.start_on))
    if later is not None:
        raise ValidationError({"start_on": f"“{clean_kind}”已有自 {later:%Y-%m-%d} 起的规则：新规则的起始日期须晚于它。"})
    for previous in session.scalars(select(VolunteerPointRule).where(
            VolunteerPointRule.kind == clean_kind,
            (VolunteerPointRule.end_on.is_(None)) | (VolunteerPointRule.end_on >= start_on))):
        previous.end_on = start_on - timedelta(days=1)
    rule = VolunteerPointRule(kind=clean_kind, points_per_hour=points_per_hour, points_per_service=points_per_service,
                              start_on=start_on, note=clean)
    session.add(rule)
    session.flush()
    return rule.id


# --- adjustments -----------------------------------------------------------------------------------------


def adjust(session: Session, volunteer_id: int, points: int, note: str, *, today: date | None = None) -> int:
    """Add (or take away) points by hand, with the reason; the balance never goes below zero.
    The balance after."""
    queries.require_volunteer(session, Perm.EDIT, volunteer_id)
    errors: dict[str, str] = {}
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        errors["points"] = "调整的积分应为不等于 0 的整数（扣减填负数）。"
    reason = clean_field(errors, "note", "调整原因", note, column_limit(VolunteerPointEntry, "note"), clean_note)
    if not reason and "note" not in errors:
        errors["note"] = "请填写调整原因。"
    if errors:
        raise ValidationError(errors)
    volunteer = claim_balance(session, volunteer_id, max(0, -points))
    if volunteer is None:
        raise DomainError(f"积分不足：{_name(session, volunteer_id)}现有积分 {_balance(session, volunteer_id)}，"
                          f"不能扣减 {-points} 分。")
    book(session, volunteer, points, "调整", today or date.today(), note=reason)
    flush(session)
    return volunteer.points_balance


# --- the catalogue ----------------------------------------------------------------------------------------


def _item_values(session: Session, item_id: int | None, name: str, unit: str, points: int, note: str) -> dict:
    errors: dict[str, str] = {}
    clean = clean_field(errors, "name", "物品名称", name, column_limit(VolunteerRewardItem, "name"), clean_text)
    if not clean and "name" not in errors:
        errors["name"] = "请填写物品名称。"
    elif session.scalar(select(VolunteerRewardItem.id).where(VolunteerRewardItem.name == clean,
                                                             VolunteerRewardItem.id != (item_id or -1))):
        errors["name"] = f"目录中已有“{clean}”。"
    clean_unit = clean_field(errors, "unit", "单位", unit, column_limit(VolunteerRewardItem, "unit"), clean_text) or "件"
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        errors["points"] = "兑换所需积分应为大于 0 的整数。"
    values = {"name": clean, "unit": clean_unit, "points": points,
              "note": clean_field(errors, "note", "说明", note, column_limit(VolunteerRewardItem, "note"), clean_note)}
    if errors:
        raise ValidationError(errors)
    return values


def add_item(session: Session, name: str, unit: str, points: int, stock: int = 0, *, note: str = "") -> int:
    access.require_all_grids(session, Perm.EDIT, what="管理兑换物品")
    values = _item_values(session, None, name, unit, points, note)
    if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
        raise ValidationError({"stock": "库存应为不小于 0 的整数。"})
    item = VolunteerRewardItem(stock=stock, active=True, **values)
    session.add(item)
    session.flush()
    return item.id


def update_item(session: Session, item_id: int, version: int, *, name: str, unit: str, points: int,
                active: bool = True, note: str = "") -> None:
    """Correct an item or take it off the counter (``active`` False); its stock is ``restock``'s."""
    access.require_all_grids(session, Perm.EDIT, what="管理兑换物品")
    item = session.get(VolunteerRewardItem, item_id)
    if item is None:
        raise NotFound("该兑换物品不存在。")
    check_version(item, version)
    values = _item_values(session, item_id, name, unit, points, note)
    values["active"] = bool(active)
    for key, value in values.items():
        if getattr(item, key) != value:
            setattr(item, key, value)
    flush(session)


def restock(session: Session, item_id: int, quantity: int) -> int:
    """``quantity`` more in stock (a negative number writes off broken or missing goods, never
    below zero); the stock after."""
    access.require_all_grids(session, Perm.EDIT, what="管理兑换物品")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise ValidationError({"quantity": "数量应为不等于 0 的整数（报损填负数）。"})
    if session.get(VolunteerRewardItem, item_id) is None:
        raise NotFound("该兑换物品不存在。")
    item = claim_stock(session, item_id, max(0, -quantity), active=False)
    if item is None:
        current = session.get(VolunteerRewardItem, item_id, populate_existing=True)
        assert current is not None
        raise DomainError(f"库存不足：{current.name}现有 {current.stock}{current.unit}，不能减少 {-quantity}{current.unit}。")
    item.stock += quantity
    flush(session)
    return item.stock


# --- redemption ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Want:
    item: VolunteerRewardItem
    quantity: int


def _wanted(session: Session, lines: list[tuple[int, int]]) -> list[_Want]:
    quantities: dict[int, int] = {}
    errors: dict[str, str] = {}
    for item_id, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors["lines"] = "每样物品的数量应为大于 0 的整数。"
        else:
            quantities[item_id] = quantities.get(item_id, 0) + quantity
    if not lines:
        errors["lines"] = "请选择要兑换的物品。"
    if errors:
        raise ValidationError(errors)
    wanted = []
    for item_id, quantity in sorted(quantities.items()):
        item = session.get(VolunteerRewardItem, item_id)
        if item is None:
            raise NotFound("该兑换物品不存在。")
        if not item.active:
            raise DomainError(f"“{item.name}”已下架，不能兑换。")
        wanted.append(_Want(item, quantity))
    return wanted


def redeem(session: Session, volunteer_id: int, lines: list[tuple[int, int]], *, today: date | None = None,
           note: str = "") -> RedemptionResult:
    """Exchange points for goods at the counter: one receipt (DH2026-0001) for ``lines`` of
    (item id, quantity). Refused as a whole — nothing written — when the points or any stock are
    short, even when another counter took them a moment ago."""
    today = today or date.today()
    queries.require_volunteer(session, Perm.EDIT, volunteer_id)
    clean = clean_note(note)[:200]
    wanted = _wanted(session, lines)
    total = sum(w.item.points * w.quantity for w in wanted)
    volunteer = claim_balance(session, volunteer_id, total)
    if volunteer is None:
        raise DomainError(f"积分不足：{_name(session, volunteer_id)}现有积分 {_balance(session, volunteer_id)}，"
                          f"本次兑换需要 {total} 分。")
    claimed = []
    for want in wanted:
        item = claim_stock(session, want.item.id, want.quantity)
        if item is None:
            current = session.get(VolunteerRewardItem, want.item.id, populate_existing=True)
            assert current is not None
            if not current.active:
                raise DomainError(f"“{current.name}”已下架，不能兑换。")
            raise DomainError(f"库存不足：{current.name}现有 {current.stock}{current.unit}，"
                              f"本次要兑换 {want.quantity}{current.unit}。")
        claimed.append((item, want.quantity))
    redemption = VolunteerRedemption(number=yearly_number(session, VolunteerRedemption.number, REDEMPTION_PREFIX, today.year),
                                     volunteer_id=volunteer_id, on_date=today, total_points=total,
                                     recorded_by=user_name(session), note=clean)
    session.add(redemption)
    flush(session)
    for item, quantity in claimed:
        item.stock -= quantity
        session.add(VolunteerRedemptionLine(redemption_id=redemption.id, item_id=item.id, quantity=quantity,
                                            points_each=item.points))
    what = "、".join(f"{item.name}×{quantity}" for item, quantity in claimed)
    book(session, volunteer, -total, "兑换", today, note=f"{redemption.number} {what}", redemption_id=redemption.id)
    flush(session)
    return queries.redemption_detail(session, redemption.number)


__all__ = ["STALE", "add_item", "adjust", "points_for", "redeem", "restock", "set_rule", "update_item"]
