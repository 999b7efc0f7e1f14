"""The badge register: each elder's badge number (given at the first print, kept for every
reprint), which version was printed when, and which printed badges are stale (需重印) because what
would be printed today differs — and in which part (家属联系人, 照片 …).

Writing (numbers, prints) needs ``Perm.EDIT``, as printing does; reading the register
``Perm.VIEW``. A 网格员 reaches only their grids. Living (在册) residents only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.badges.selection import (
    ELDER_AGE, LastPrint, address_order, badge_numbers, check_in_grids, chunks, hashed, last_prints, next_numbers, placed,
    require_badges, version_for,
)
from chang_shan.badges.shapes import BADGE_STATES, PART_LABELS, BadgeData, RegisterRow
from chang_shan.db.base import utcnow
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.db.models.badges import BADGE_LAYOUTS, Badge, BadgePrint
from chang_shan.errors import DomainError, NotFound
from chang_shan.population import access
from chang_shan.population.addresses import household_address
from chang_shan.population.query import years_before
from chang_shan.population.residents import ACTIVE, age_on

NOT_PRINTED, UP_TO_DATE, STALE = BADGE_STATES
OUTPUTS = ("pdf", "printer")
_STATE_ORDER = {STALE: 0, NOT_PRINTED: 1, UP_TO_DATE: 2}


# --- writing ---------------------------------------------------------------------------------


def ensure_badges(session: Session, resident_ids: Sequence[int]) -> dict[int, int]:
    """Badge numbers for ``resident_ids``: the existing ones, and new Badge rows numbered max + 1 …
    in the given order for the others (the numbers ``provisional_numbers`` announced)."""
    require_badges(session, resident_ids)
    ids = list(dict.fromkeys(resident_ids))
    existing = badge_numbers(session, ids)
    numbers = next_numbers(session, ids, existing)
    new = [{"resident_id": rid, "number": numbers[rid], "created_at": utcnow()} for rid in ids if rid not in existing]
    if new:  # not in the change journal (numbers are never taken back): one bulk insert
        session.execute(insert(Badge), new)
    return numbers


def record_prints(session: Session, badges: Sequence[BadgeData], *, layout: str, output: str,
                  printed_at: datetime | None = None) -> int:
    """One register line per badge printed (``printed_by`` the signed-in user). The Badge rows
    must exist with the same numbers (``ensure_badges`` first); a badge whose version no longer
    follows the register (someone printed another content meanwhile) is refused: nothing written.
    ``printed_at`` (default now) lets the demo date its old prints."""
    if layout not in BADGE_LAYOUTS:
        raise ValueError(f"unknown badge layout: {layout!r}")
    if output not in OUTPUTS:
        raise ValueError(f"unknown badge output: {output!r}")
    actor = require_badges(session, [b.resident_id for b in badges])
    ids = [b.resident_id for b in badges]
    rows = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        rows.update((b.resident_id, b) for b in session.scalars(select(Badge).where(Badge.resident_id.in_(chunk))))
    lasts = last_prints(session, ids)
    for data in badges:
        badge = rows.get(data.resident_id)
        if badge is None or badge.number != data.number:
            raise DomainError(f"{data.name}的防走失卡编号 {data.number_text} 未登记，无法记录打印，请重新生成。")
        if data.version != version_for(data.content_hash(), lasts.get(data.resident_id)):
            raise DomainError(f"{data.name}的防走失卡在此期间已按其他内容打印过，请重新预览后再打印。")
    when = printed_at or utcnow()
    # Not in the change journal (paper cannot be unprinted; the print is an audit event): one bulk insert.
    session.execute(insert(BadgePrint), [
        {"badge_id": rows[data.resident_id].id, "version": data.version, "content_hash": data.content_hash(),
         "part_hashes": data.part_hashes(), "layout": layout, "printed_at": when, "printed_by": actor.username,
         "output": output}
        for data in badges
    ])
    return len(badges)


# --- reading ---------------------------------------------------------------------------------


def changed_parts(data: BadgeData, printed: dict[str, str]) -> tuple[str, ...]:
    """The PART_LABELS of what differs from the last printed badge (its ``part_hashes``)."""
    now = data.part_hashes()
    return tuple(label for key, label in PART_LABELS.items() if now.get(key) != printed.get(key))


def _printed_parts(session: Session, resident_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The part hashes of each badge's newest print (read for the stale ones only)."""
    newest = (
        select(BadgePrint.badge_id, func.max(BadgePrint.version).label("version"))
        .group_by(BadgePrint.badge_id).subquery()
    )
    parts: dict[int, dict[str, str]] = {}
    for chunk in chunks(resident_ids):
        query = (
            select(Badge.resident_id, BadgePrint.part_hashes).join(BadgePrint, BadgePrint.badge_id == Badge.id)
            .join(newest, (newest.c.badge_id == Badge.id) & (newest.c.version == BadgePrint.version))
            .where(Badge.resident_id.in_(chunk)).order_by(BadgePrint.printed_at, BadgePrint.id)
        )
        parts.update((rid, hashes or {}) for rid, hashes in session.execute(query))  # the latest wins
    return parts


def _states(session: Session, resident_ids: Sequence[int], files_root: Path,
            lasts: dict[int, LastPrint]) -> dict[int, tuple[str, tuple[str, ...]]]:
    printed = [rid for rid in resident_ids if rid in lasts and lasts[rid].content_hash is not None]
    states: dict[int, tuple[str, tuple[str, ...]]] = {rid: (NOT_PRINTED, ()) for rid in resident_ids}
    stale = []
    for data, digest in hashed(session, printed, files_root, lasts):
        if digest == lasts[data.resident_id].content_hash:
            states[data.resident_id] = (UP_TO_DATE, ())
        else:
            stale.append(data)
    parts = _printed_parts(session, [d.resident_id for d in stale])
    for data in stale:
        states[data.resident_id] = (STALE, changed_parts(data, parts.get(data.resident_id, {})))
    return states


def badge_states(session: Session, resident_ids: Sequence[int], files_root: Path, *,
                 today: date | None = None) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each resident's badge state (未打印 / 已是最新 / 需重印) and, when stale, what changed."""
    actor = require(session, Perm.VIEW)
    check_in_grids(session, actor, resident_ids)
    ids = list(dict.fromkeys(resident_ids))
    return _states(session, ids, files_root, last_prints(session, ids))


def register_rows(session: Session, files_root: Path, *, state: str | None = None, grid_id: int | None = None,
                  text: str = "", today: date | None = None) -> list[RegisterRow]:
    """The badge register: everyone 在册 aged 60+ on ``today``, and anyone 在册 with a badge;
    需重印 first, then 未打印, then by address. ``text`` matches the name (or its pinyin), the
    address or the badge number."""
    actor = require(session, Perm.VIEW)
    if state is not None and state not in BADGE_STATES:
        raise ValueError(f"unknown badge state: {state!r}")
    today = today or date.today()
    if grid_id is not None:
        access.check_grid(actor, grid_id)
    query = placed(select(Resident.id, Resident.name, Resident.name_pinyin, Resident.birth_date,
                          Household.room, Building.name.label("building"), Building.kind,
                          Unit.name.label("unit"), Building.grid_id)).where(
        Resident.status == ACTIVE,
        or_(Resident.birth_date <= years_before(today, ELDER_AGE), Resident.id.in_(select(Badge.resident_id))),
    )
    if grid_id is not None:
        query = query.where(Building.grid_id == grid_id)
    elif access.scoped(actor):
        query = query.where(Building.grid_id.in_(sorted(actor.grid_ids or ())))
    people = list(session.execute(query.order_by(*address_order())))
    addresses = {p.id: household_address(p.building, p.unit, p.room, p.kind) if p.building else "" for p in people}
    lasts = last_prints(session, None)
    needle = text.strip().lower()
    if needle:
        def matches(p) -> bool:  # noqa: ANN001
            number = lasts[p.id].number if p.id in lasts else None
            return (needle in p.name.lower() or needle in (p.name_pinyin or "").replace(" ", "")
                    or needle in addresses[p.id].lower() or (number is not None and needle in f"{number:05d}"))
        people = [p for p in people if matches(p)]
    states = _states(session, [p.id for p in people], files_root, lasts)
    rows = []
    for p in people:
        current, reasons = states[p.id]
        if state is not None and current != state:
            continue
        last = lasts.get(p.id)
        rows.append(RegisterRow(
            resident_id=p.id, name=p.name, age=age_on(p.birth_date, today), address=addresses[p.id],
            grid_id=p.grid_id, number=last.number if last else None, last_version=last.version if last else None,
            last_printed_at=last.printed_at if last else None, last_layout=last.layout if last else None,
            prints=last.prints if last else 0, state=current, reasons=reasons,
        ))
    rows.sort(key=lambda r: _STATE_ORDER[r.state])  # stable: the address order stays within a state
    return rows


def print_history(session: Session, resident_id: int) -> list[tuple[int, datetime, str, str, str]]:
    """Every printing of the resident's badge, newest first: (version, printed at, layout, by
    whom, output)."""
    access.require_resident(session, Perm.VIEW, resident_id)
    if session.get(Resident, resident_id) is None:
        raise NotFound("该居民不存在。")
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(BadgePrint.version, BadgePrint.printed_at, BadgePrint.layout, BadgePrint.printed_by, BadgePrint.output)
        .join(Badge, Badge.id == BadgePrint.badge_id).where(Badge.resident_id == resident_id)
        .order_by(BadgePrint.printed_at.desc(), BadgePrint.id.desc())
    )]
