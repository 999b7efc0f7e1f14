"""The resident table's queries: filter, count, sort and page in SQL, then fetch rows by id.

The table model holds sorted ids (``resident_ids``: a first page, then the whole list) and asks
for the rows it paints (``resident_rows``), the way Anki's browser does. Everything here is
SQLAlchemy Core over the mapped tables, so it runs on PostgreSQL too; the text search uses
SQLite FTS5 when it is there (``search.compile_text``), LIKE elsewhere.

On SQLite the query for a list is written for a plan (``_Plan``): SQLite cannot know how many
residents an FTS query matches, and a status, age or group condition looks selective to it, so
on its own it sorts tens of thousands of rows to keep fifty. docs/benchmarks.md has the figures.

Ages are whole years on ``ResidentFilter.on_date`` (today by default); an age band is a range of
birth dates.

Access: each function needs ``Perm.VIEW``; for a 网格员 every query carries the condition
``population.access.resident_scope`` (their grids' households), so counts, lists and rows hold
only their residents whatever the filter says. ID numbers and phones come out masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Grid, Household, Resident, ResidentGroup, Unit
from chang_shan.errors import DomainError
from chang_shan.population import access, idnumber, search
from chang_shan.population.addresses import household_address

ACTIVE = "在册"

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17),
    "18-59": (18, 59),
    "60-79": (60, 79),
    "80+": (80, None),
    "60+": (60, None),
}
AGE_BAND_LABELS: dict[str, str] = {
    "0-17": "0–17 岁",
    "18-59": "18–59 岁",
    "60-79": "60–79 岁",
    "80+": "80 岁及以上",
    "60+": "60 岁及以上",
}
SORT_KEYS = ("name", "age", "address", "id_number", "status", "sex", "phone", "relation")


@dataclass(frozen=True)
class ResidentFilter:
    text: str = ""
    grid_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None
    age_band: str | None = None
    group: str | None = None  # special group name, e.g. "独居"
    include_inactive: bool = False  # 已迁出/已故 hidden unless True
    on_date: date | None = None  # reference date for ages; default today


@dataclass(frozen=True)
class ResidentRow:
    id: int
    name: str
    sex: str
    age: int | None
    birth_date: date | None
    id_number_masked: str
    phone_masked: str
    relation: str
    address: str
    groups: tuple[str, ...]
    status: str
    household_id: int | None
    grid_name: str


# --- ages -----------------------------------------------------------------------------------------


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes the 28th in a common year."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def birth_range(band: str, on: date) -> tuple[date | None, date]:
    """``(after, up_to)``: aged within ``band`` on ``on`` ⇔ ``after < birth_date <= up_to``
    (``after`` None: no lower bound on the birth date)."""
    try:
        low, high = AGE_BANDS[band]
    except KeyError:
        raise DomainError(f"没有这个年龄段：{band}") from None
    up_to = years_before(on, low)  # at least ``low`` years old
    after = years_before(on, high + 1) if high is not None else None  # younger than high + 1
    return after, up_to


# --- filtering ------------------------------------------------------------------------------------


def _unindexed(column: ColumnElement) -> ColumnElement:
    """``+column``: the same value, but SQLite will not pick an index for a condition on it."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _places(filt: ResidentFilter) -> bool:
    """A place filter (grid, building, unit, household): few residents, indexes serve it."""
    return any(v is not None for v in (filt.household_id, filt.unit_id, filt.building_id, filt.grid_id))


@dataclass(frozen=True)
class _Plan:
    """How SQLite should run a list or a count. Its planner cannot know how many residents an
    FTS query matches, and a status, age or group condition looks selective to it, so left alone
    it reads an index and sorts (or looks up) tens of thousands of rows where a walk or a scan is
    several times faster (docs/benchmarks.md). ``+column`` hides an index from it.

    ``plain``: status, birth date and the group and text lists without their indexes;
    ``plain_text``: the text list too; ``lookup``: the text tested by one FTS look-up per
    resident; ``scan``: the first sort key without its index (read the table, then sort)."""

    plain: bool = False
    plain_text: bool = False
    lookup: bool = False
    scan: bool = False


_DEFAULT = _Plan()
# Walking the name index and skipping non-matches beats sorting every match once many residents
# match, spread through the alphabet: "z" (a third of 100,000) 4 ms against 15, the whole list
# 0.1 ms against 19.
_WALK = _Plan(plain=True, plain_text=True)
_LOOKUP_WALK = _Plan(plain=True, plain_text=True, lookup=True)
# Reading the whole table and sorting beats an index for a full list of many: everyone 77 ms
# against 90, everyone aged 60+ 59 against 147; counting 60+ 14 ms against 88.
_SCAN = _Plan(plain=True, plain_text=True, scan=True)
_COUNT_SCAN = _Plan(plain=True)

_WALKS = ("name",)  # sorts with an index to walk (ix_resident_name_pinyin)
_MANY = 3_000  # matches from which walking beats sorting, for a page near the top
_CLUSTERED_MANY = 20_000  # one Chinese character: its matches share a surname and cluster
_DENSE = 0.3  # share of residents from which a look-up per walked row beats one list of matches
_WALK_ROWS = 1_000  # only for the first pages: deep pages sort


def _conditions(
    filt: ResidentFilter, found: search.TextSearch | None, plan: _Plan = _DEFAULT,
    scope: ColumnElement[bool] | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions, written for ``plan``; ``scope`` limits them to a 网格员's grids."""
    keep = lambda column: column  # noqa: E731
    plain = _unindexed if plan.plain else keep
    conditions: list[ColumnElement[bool]] = []
    if scope is not None:
        conditions.append(scope)
    if not filt.include_inactive:
        conditions.append(plain(Resident.status) == ACTIVE)
    if filt.household_id is not None:
        conditions.append(Resident.household_id == filt.household_id)
    if filt.unit_id is not None:
        conditions.append(Resident.household_id.in_(select(Household.id).where(Household.unit_id == filt.unit_id)))
    if filt.building_id is not None:
        conditions.append(
            Resident.household_id.in_(select(Household.id).where(Household.building_id == filt.building_id))
        )
    if filt.grid_id is not None:
        conditions.append(
            Resident.household_id.in_(
                select(Household.id).join(Building, Building.id == Household.building_id)
                .where(Building.grid_id == filt.grid_id)
            )
        )
    if filt.age_band:
        after, up_to = birth_range(filt.age_band, filt.on_date or date.today())
        conditions.append(plain(Resident.birth_date) <= up_to)
        if after is not None:
            conditions.append(plain(Resident.birth_date) > after)
    listed = _unindexed if plan.plain_text else keep
    if filt.group:
        conditions.append(
            listed(Resident.id).in_(select(ResidentGroup.resident_id).where(ResidentGroup.group == filt.group))
        )
    if found is not None:
        conditions.append(found.condition(listed(Resident.id), correlated=plan.lookup))
    return conditions


def _text(session: Session, filt: ResidentFilter) -> search.TextSearch | None:
    return search.compile_text(session, filt.text, active_only=not filt.include_inactive)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def count_residents(session: Session, filt: ResidentFilter) -> int:
    """How many residents the filter shows (a 网格员: in their grids)."""
    require(session, Perm.VIEW)
    scope = access.resident_scope(session)
    found = _text(session, filt)
    if found is not None and scope is None and not (_places(filt) or filt.age_band or filt.group):
        # Text alone: the FTS tables know the state, no join needed (1–2 ms at 100,000).
        counted = found.count(session)
        if counted is not None:
            return counted
    # A 网格员's grids are a place filter: a few hundred residents, the indexes serve them.
    plan = _COUNT_SCAN if _sqlite(session) and not _places(filt) and scope is None else _DEFAULT
    query = select(func.count()).select_from(Resident).where(*_conditions(filt, found, plan, scope))
    return int(session.scalar(query) or 0)


def _ordered(query: Select, sort: str, descending: bool, *, scan: bool = False) -> Select:
    def direction(column):  # noqa: ANN001, ANN202
        return column.desc() if descending else column.asc()

    first = _unindexed if scan else (lambda column: column)
    tie = [Resident.name_pinyin, Resident.name, Resident.id]
    if sort == "name":
        keys = [first(Resident.name_pinyin), Resident.name, Resident.id]
    elif sort == "age":
        # Younger (a later birth date) first when ascending; no birth date last either way.
        birth = first(Resident.birth_date)
        birth = birth.asc() if descending else birth.desc()
        return query.order_by(birth.nulls_last(), *(direction(c) for c in tie))
    elif sort == "address":
        query = (
            query.outerjoin(Household, Household.id == Resident.household_id)
            .outerjoin(Building, Building.id == Household.building_id)
            .outerjoin(Unit, Unit.id == Household.unit_id)
        )
        keys = [Building.sort_key, Building.id, Unit.sort_key, func.length(Household.room), Household.room, *tie]
    elif sort == "id_number":
        keys = [first(Resident.id_number), Resident.id]
    elif sort == "status":
        keys = [first(Resident.status), *tie]
    elif sort == "sex":
        keys = [Resident.sex_code, *tie]
    elif sort == "phone":
        keys = [first(Resident.phone), *tie]
    elif sort == "relation":
        keys = [Resident.relation_code, *tie]
    else:
        raise DomainError(f"不能按“{sort}”排序。")
    return query.order_by(*(direction(c) for c in keys))


def _plan(
    session: Session, filt: ResidentFilter, found: search.TextSearch | None, sort: str, limit: int | None, offset: int
) -> _Plan:
    """The plan for a list: a walk of the name index for a first page of many matches (with FTS
    look-ups when numbers match a large share: they do not cluster in name order the way a
    surname does), a table scan for a whole list of many, else SQLite's own choice."""
    if not _sqlite(session) or _places(filt):
        return _DEFAULT
    if found is not None and found.nothing:
        return _DEFAULT
    page = limit is not None and offset + limit <= _WALK_ROWS
    if page and sort in _WALKS:
        if found is None:
            return _WALK  # everyone, an age band or a group: a tenth of the residents or more
        estimate = found.estimate(session)
        if estimate is None:
            return _DEFAULT  # LIKE involved: no estimate
        if found.numeric and estimate >= _DENSE * _everyone(session):
            return _LOOKUP_WALK
        return _WALK if estimate >= (_CLUSTERED_MANY if found.one_character else _MANY) else _DEFAULT
    if limit is None and found is None and not filt.group:
        # Everyone or an age band. Not a group (its list, a tenth of the residents, beats
        # reading all) and not a search (looking its matches up beats reading all, even for
        # "z": 41 ms against 53).
        return _SCAN
    return _DEFAULT


def _everyone(session: Session) -> int:
    return session.scalar(select(func.max(Resident.id))) or 1


def resident_ids(
    session: Session,
    filt: ResidentFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """The ids the filter shows, sorted (``SORT_KEYS``), one page when ``limit`` is given
    (a 网格员: in their grids)."""
    require(session, Perm.VIEW)
    scope = access.resident_scope(session)
    if sort not in SORT_KEYS:
        raise DomainError(f"不能按“{sort}”排序。")
    found = _text(session, filt)
    plan = _plan(session, filt, found, sort, limit, offset) if scope is None else _DEFAULT
    query = _ordered(
        select(Resident.id).where(*_conditions(filt, found, plan, scope)), sort, descending, scan=plan.scan
    )
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return list(session.scalars(query))


# --- rows -----------------------------------------------------------------------------------------


def resident_rows(session: Session, ids: Sequence[int], *, on_date: date | None = None) -> list[ResidentRow]:
    """Display rows for these residents, in the order of ``ids`` (unknown ids are left out, and
    for a 网格员 those outside their grids). Two queries whatever the number of ids: the
    residents with their places, then their groups."""
    require(session, Perm.VIEW)
    scope = access.resident_scope(session)
    if not ids:
        return []
    on = on_date or date.today()
    wanted = list(dict.fromkeys(ids))
    query = (
        select(
            Resident.id, Resident.name, Resident.sex_code, Resident.birth_date, Resident.id_number,
            Resident.phone, Resident.relation_code, Resident.status, Resident.household_id,
            Household.room, Building.name.label("building"), Building.kind, Unit.name.label("unit"),
            Grid.name.label("grid"),
        )
        .outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
    )
    found = {}
    groups: dict[int, list[str]] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        chosen = query.where(Resident.id.in_(chunk))
        if scope is not None:
            chosen = chosen.where(scope)
        for row in session.execute(chosen):
            found[row.id] = row
        for resident_id, group in session.execute(
            select(ResidentGroup.resident_id, ResidentGroup.group)
            .where(ResidentGroup.resident_id.in_(chunk))
            .order_by(ResidentGroup.resident_id, ResidentGroup.group)
        ):
            groups.setdefault(resident_id, []).append(group)
    sex, relation = codes.sex(), codes.relation()
    rows = []
    for resident_id in wanted:
        r = found.get(resident_id)
        if r is None:
            continue
        address = household_address(r.building, r.unit, r.room, r.kind) if r.building is not None else ""
        rows.append(
            ResidentRow(
                id=r.id, name=r.name, sex=sex.label(r.sex_code), age=age_on(r.birth_date, on),
                birth_date=r.birth_date, id_number_masked=idnumber.mask(r.id_number),
                phone_masked=idnumber.mask_phone(r.phone), relation=relation.label(r.relation_code),
                address=address, groups=tuple(groups.get(r.id, ())), status=r.status,
                household_id=r.household_id, grid_name=r.grid or "",
            )
        )
    return rows
