"""Whose badges to print, and what goes on each one.

``select_residents`` turns a ``BadgeChoice`` (all 60+, a grid or building, a selection, the stale
badges, the never printed) into resident ids in delivery order; ``badge_data`` gathers what is
printed on their badges — name, family contacts in calling order with full phones, the community
hotline, and what the family agreed to (medical note, address, photo) — in a handful of queries
whatever the number of people. Never an ID number.

Badges carry full phones, so both need ``Perm.EDIT``; a 网格员 reaches only their grids. Only
residents 在册 get badges.

The register side (numbers made permanent, prints recorded, which badges are stale) is in
``chang_shan.badges.register``; the bulk reading both share is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, require
from chang_shan.badges.shapes import BadgeChoice, BadgeContact, BadgeData
from chang_shan.db.models import Building, Grid, Household, Resident, Unit
from chang_shan.db.models.badges import Badge, BadgePrint
from chang_shan.db.models.care import ResidentContact
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.population import access
from chang_shan.population.addresses import household_address
from chang_shan.population.query import years_before
from chang_shan.population.residents import ACTIVE
from chang_shan.reports.scope import resolve
from chang_shan.settings import get_setting

ELDER_AGE = 60
CHUNK = 5000  # ids per IN (…): SQLite takes 32,766 variables, PostgreSQL 65,535
NOTHING_CHOSEN = "请选择要打印哪些人的防走失卡。"
WHAT = "打印防走失卡（卡上有家属的完整电话）"


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def address_order() -> tuple[Any, ...]:
    """Grid, building, unit, room (301 before 1001), name: the order badges are cut and delivered
    in (the query joins Household, Building, Unit and Grid)."""
    return (Grid.code, Building.sort_key, Building.id, Unit.sort_key, Unit.id, func.length(Household.room),
            Household.room, Resident.name_pinyin, Resident.name, Resident.id)


def placed(query: Select) -> Select:
    """``query`` on Resident joined to the household, building, unit and grid (outer: a resident
    without a household still comes out, with no address)."""
    return (
        query.outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
    )


def require_badges(session: Session, resident_ids: Iterable[int] = ()) -> Actor:
    """``Perm.EDIT`` and, for a 网格员, every one of ``resident_ids`` in their grids."""
    actor = require(session, Perm.EDIT, what=WHAT)
    check_in_grids(session, actor, resident_ids)
    return actor


def check_in_grids(session: Session, actor: Actor, resident_ids: Iterable[int]) -> None:
    """PermissionDenied when a 网格员 asks for someone outside their grids; NotFound for an
    unknown id."""
    wanted = set(resident_ids)
    if not wanted:
        return
    grids: dict[int, int | None] = {}
    for chunk in chunks(sorted(wanted)):
        grids.update(session.execute(
            placed(select(Resident.id, Building.grid_id)).where(Resident.id.in_(chunk))
        ).all())
    missing = wanted - grids.keys()
    if missing:
        raise NotFound(f"没有编号为 {min(missing)} 的居民。")
    if access.scoped(actor):
        outside = [rid for rid, grid_id in grids.items() if not access.covers(actor, grid_id)]
        if outside:
            raise PermissionDenied(f"所选的人中有 {len(outside)} 位不在您负责的网格内。")


# --- choosing people -------------------------------------------------------------------------


def select_residents(session: Session, choice: BadgeChoice, *, today: date | None = None) -> list[int]:
    """The residents 在册 the choice names (criteria combine), in delivery order."""
    if choice.empty:
        raise DomainError(NOTHING_CHOSEN)
    actor = require_badges(session, choice.resident_ids or ())
    today = today or date.today()
    query = placed(select(Resident.id)).where(Resident.status == ACTIVE)
    if choice.grid or choice.building:
        scope = resolve(session, grid=choice.grid, building=choice.building)
        query = query.where(*scope.conditions())
    elif access.scoped(actor):
        query = query.where(Building.grid_id.in_(sorted(actor.grid_ids or ())))
    if choice.all_60plus:
        query = query.where(Resident.birth_date <= years_before(today, ELDER_AGE))
    if choice.not_printed or choice.changed_since:
        printed = select(Badge.resident_id).join(BadgePrint, BadgePrint.badge_id == Badge.id)
        if choice.not_printed:
            query = query.where(Resident.id.not_in(printed))
        else:
            query = query.where(Resident.id.in_(printed))
    query = query.order_by(*address_order())
    if choice.resident_ids:
        chosen = set(choice.resident_ids)
        ids = [rid for rid in session.scalars(query) if rid in chosen]
    else:
        ids = list(session.scalars(query))
    if choice.changed_since:
        ids = stale_ids(session, ids)
    return ids


def stale_ids(session: Session, resident_ids: Sequence[int]) -> list[int]:
    """Those of ``resident_ids`` whose printed badge no longer matches what would be printed now
    (in the given order). No permission check."""
    files_root = files_root_of(session)
    lasts = last_prints(session, resident_ids)
    printed = [rid for rid in resident_ids if rid in lasts and lasts[rid].content_hash is not None]
    return [d.resident_id for d, digest in hashed(session, printed, files_root, lasts)
            if digest != lasts[d.resident_id].content_hash]


def files_root_of(session: Session) -> Path:
    """The data folder's ``files`` (photos) for the database this session works on: beside the
    SQLite file (``DataDir``), else the configured data folder."""
    from chang_shan.paths import DataDir, resolve_data_dir

    url = session.get_bind().url
    if url.get_backend_name() == "sqlite" and url.database:
        return DataDir(Path(url.database).parent).files
    return resolve_data_dir().files


# --- the register, read in bulk --------------------------------------------------------------


@dataclass(frozen=True)
class LastPrint:
    """A badge and its newest print (None fields: a number given, never printed)."""

    number: int
    version: int | None
    content_hash: str | None
    printed_at: datetime | None
    layout: str | None
    prints: int


def badge_numbers(session: Session, resident_ids: Sequence[int]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    for chunk in chunks(resident_ids):
        numbers.update(session.execute(
            select(Badge.resident_id, Badge.number).where(Badge.resident_id.in_(chunk))
        ).all())
    return numbers


def last_prints(session: Session, resident_ids: Sequence[int] | None) -> dict[int, LastPrint]:
    """Each badge's newest print (highest version, then latest) by resident, for the residents
    who have a Badge row; ``None``: every badge."""
    ranked = (
        select(BadgePrint.badge_id, BadgePrint.version, BadgePrint.content_hash,
               BadgePrint.printed_at, BadgePrint.layout,
               func.row_number().over(partition_by=BadgePrint.badge_id,
                                      order_by=(BadgePrint.version.desc(), BadgePrint.printed_at.desc(),
                                                BadgePrint.id.desc())).label("rank"),
               func.count().over(partition_by=BadgePrint.badge_id).label("prints"))
        .subquery()
    )
    query = (
        select(Badge.resident_id, Badge.number, ranked.c.version, ranked.c.content_hash,
               ranked.c.printed_at, ranked.c.layout, ranked.c.prints)
        .outerjoin(ranked, (ranked.c.badge_id == Badge.id) & (ranked.c.rank == 1))
    )
    result: dict[int, LastPrint] = {}
    batches = [query] if resident_ids is None else [query.where(Badge.resident_id.in_(c)) for c in chunks(resident_ids)]
    for batch in batches:
        for row in session.execute(batch):
            result[row.resident_id] = LastPrint(row.number, row.version, row.content_hash,
                                                row.printed_at, row.layout, row.prints or 0)
    return result


def next_numbers(session: Session, resident_ids: Sequence[int], existing: dict[int, int]) -> dict[int, int]:
    """Existing numbers, and for the others the next free numbers (max + 1 …) in the given order."""
    numbers = dict(existing)
    top = session.scalar(select(func.max(Badge.number))) or 0
    for rid in resident_ids:
        if rid not in numbers:
            top += 1
            numbers[rid] = top
    return numbers


def provisional_numbers(session: Session, resident_ids: Sequence[int]) -> dict[int, int]:
    """The badge number each resident has, or will get from ``ensure_badges`` with the same list
    (max + 1 … in the given order). Reads only."""
    require(session, Perm.VIEW)
    ids = list(dict.fromkeys(resident_ids))
    return next_numbers(session, ids, badge_numbers(session, ids))


def version_for(content_hash: str, last: LastPrint | None) -> int:
    """The version a badge with this content is (or will be when printed): the last printed one
    when nothing changed, one more when it did, 1 when never printed."""
    if last is None or last.version is None:
        return 1
    return last.version if content_hash == last.content_hash else last.version + 1


# --- what goes on the badges -----------------------------------------------------------------


def badge_data(session: Session, resident_ids: Sequence[int], files_root: Path, *,
               today: date | None = None) -> list[BadgeData]:
    """What is printed on each resident's badge, in the given order (``Perm.EDIT``; a 网格员
    only their grids)."""
    require_badges(session, resident_ids)
    return [data for data, _digest in hashed(session, resident_ids, files_root)]


def hashed(session: Session, resident_ids: Sequence[int], files_root: Path,
           lasts: dict[int, LastPrint] | None = None) -> list[tuple[BadgeData, str]]:
    """``badge_data`` without the permission check (the caller checked), each with its content
    hash: one query per table (per 5,000 people), whatever the number. ``lasts``: the register
    as the caller already read it (``last_prints``)."""
    ids = list(dict.fromkeys(resident_ids))
    if not ids:
        return []
    from chang_shan.badges.consent import effective_consents
    from chang_shan.badges.photos import photo_rows

    people: dict[int, Any] = {}
    contacts: dict[int, list[BadgeContact]] = {rid: [] for rid in ids}
    for chunk in chunks(ids):
        for row in session.execute(
            placed(select(Resident.id, Resident.name, Household.room, Building.name.label("building"),
                          Building.kind, Unit.name.label("unit"))).where(Resident.id.in_(chunk))
        ):
            people[row.id] = row
        for c in session.execute(
            select(ResidentContact.resident_id, ResidentContact.name, ResidentContact.relation, ResidentContact.phone)
            .where(ResidentContact.resident_id.in_(chunk), ResidentContact.phone != "")
            .order_by(ResidentContact.resident_id, ResidentContact.position, ResidentContact.id)
        ):
            contacts[c.resident_id].append(BadgeContact(c.name, c.relation or "", c.phone))
    missing = [rid for rid in ids if rid not in people]
    if missing:
        raise NotFound(f"没有编号为 {missing[0]} 的居民。")
    consents = effective_consents(session, ids)
    photos = photo_rows(session, files_root, ids)
    if lasts is None:
        lasts = last_prints(session, ids)
    numbers = next_numbers(session, ids, {rid: last.number for rid, last in lasts.items()})
    hotline = str(get_setting(session, "office.hotline") or "")
    community = str(get_setting(session, "office.community_name") or "")
    result = []
    for rid in ids:
        person, consent, photo = people[rid], consents[rid], photos.get(rid)
        address = ""
        if consent.include_address and person.building is not None:
            address = household_address(person.building, person.unit, person.room, person.kind)
        with_photo = consent.include_photo and photo is not None
        data = BadgeData(
            resident_id=rid, number=numbers[rid], version=1, name=person.name,
            contacts=tuple(contacts[rid][:consent.max_contacts]), hotline=hotline, community=community,
            medical_note=consent.medical_note if consent.include_medical else "", address=address,
            photo_path=photo.path if with_photo else None, photo_sha256=photo.sha256 if with_photo else "",
        )
        digest = data.content_hash()
        version = version_for(digest, lasts.get(rid))
        result.append((replace(data, version=version) if version != 1 else data, digest))
    return result
