"""What each exportable ledger writes: its columns and its rows, streamed from the database.

Rows come in address order (grid, building, unit, room; the head of a household first) straight
from a cursor, so an export of 100,000 residents never holds them all. ID numbers and phones are
masked unless the export reveals them; codes are written beside their labels (GB/T 2261.1 sex,
GB/T 3304 ethnicity, GB/T 4761 relation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from chang_shan import codes
from chang_shan.db.models import Building, Grid, Household, HouseholdTag, Resident, ResidentGroup, Unit
from chang_shan.errors import DomainError
from chang_shan.population import idnumber
from chang_shan.population.addresses import building_label, household_address, unit_label
from chang_shan.reports.scope import Scope

ACTIVE = "在册"
CHUNK = 500

# Column kinds: how a value is written. "text" and "id"/"phone" are always text (never numbers:
# Excel would drop the last digits of an ID number), "date" a date, "int"/"decimal" numbers.
TEXT, SECRET_ID, SECRET_PHONE, DATE, INT, DECIMAL = "text", "id", "phone", "date", "int", "decimal"


@dataclass(frozen=True)
class Col:
    title: str
    kind: str = TEXT
    width: float = 12  # XLSX column width (characters)


@dataclass(frozen=True)
class Ledger:
    name: str  # the command-line name
    title: str  # 居民, 户
    sheet: str
    columns: tuple[Col, ...]
    count: Callable[[Session, Scope, bool], int]
    rows: Callable[[Session, Scope, bool, bool], Iterator[list[object]]]  # (session, scope, reveal, inactive)


def secret(value: str | None, kind: str, reveal: bool) -> str:
    if not value:
        return ""
    if reveal:
        return value
    return idnumber.mask(value) if kind == SECRET_ID else idnumber.mask_phone(value)


def _stream(session: Session, query: Select) -> Iterator:
    """Rows from a server-side cursor, ``CHUNK`` at a time."""
    yield from session.execute(query.execution_options(yield_per=CHUNK))


def _address_order() -> list:
    return [Grid.code.is_(None), Grid.code, Building.sort_key, Building.id, Unit.sort_key,
            func.length(Household.room), Household.room, Household.id]


# --- residents ------------------------------------------------------------------------------------

RESIDENT_COLUMNS = (
    Col("姓名", width=12), Col("性别", width=6), Col("性别代码", width=8), Col("出生日期", DATE, 12),
    Col("身份证号", SECRET_ID, 21), Col("民族", width=10), Col("民族代码", width=8),
    Col("与户主关系", width=10), Col("与户主关系代码", width=12), Col("联系电话", SECRET_PHONE, 15),
    Col("居住类型", width=9), Col("就业状况", width=12), Col("网格", width=10), Col("楼栋", width=10),
    Col("单元", width=8), Col("房号", width=14), Col("住址", width=24), Col("特殊人群", width=14),
    Col("状态", width=7), Col("迁入日期", DATE, 12), Col("备注", width=30),
)


def resident_places(query: Select) -> Select:
    """``query`` (over ``Resident``) joined to the household, building, unit and grid."""
    return (
        query.outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
    )


def _resident_filter(query: Select, scope: Scope, include_inactive: bool) -> Select:
    query = resident_places(query).where(*scope.conditions())
    if not include_inactive:
        query = query.where(Resident.status == ACTIVE)
    return query


def count_residents(session: Session, scope: Scope, include_inactive: bool) -> int:
    query = _resident_filter(select(func.count(Resident.id)).select_from(Resident), scope, include_inactive)
    return int(session.scalar(query) or 0)


def _resident_select() -> Select:
    groups = (
        select(func.aggregate_strings(ResidentGroup.group, "、"))
        .where(ResidentGroup.resident_id == Resident.id).scalar_subquery()
    )
    return select(
        Resident.id, Resident.name, Resident.sex_code, Resident.birth_date, Resident.id_number,
        Resident.ethnicity_code, Resident.relation_code, Resident.phone, Resident.residence_type,
        Resident.employment, Resident.status, Resident.moved_in_on, Resident.note, Household.room,
        Building.name.label("building"), Building.kind, Unit.name.label("unit"), Grid.name.label("grid"),
        groups.label("groups"),
    ).select_from(Resident)


def _resident_values(r: Row, reveal: bool) -> list[object]:
    sex, ethnicity, relation = codes.sex(), codes.ethnicity(), codes.relation()
    address = household_address(r.building, r.unit, r.room, r.kind) if r.building is not None else ""
    return [
        r.name, sex.label(r.sex_code), r.sex_code, r.birth_date, secret(r.id_number, SECRET_ID, reveal),
        ethnicity.label(r.ethnicity_code), r.ethnicity_code, relation.label(r.relation_code), r.relation_code,
        secret(r.phone, SECRET_PHONE, reveal), r.residence_type, r.employment, r.grid or "",
        building_label(r.building) if r.building else "", unit_label(r.unit) if r.unit else "",
        r.room or "", address, "、".join(sorted((r.groups or "").split("、"))).strip("、"), r.status,
        r.moved_in_on, r.note,
    ]


def resident_rows(session: Session, scope: Scope, reveal: bool, include_inactive: bool) -> Iterator[list[object]]:
    query = _resident_filter(_resident_select(), scope, include_inactive).order_by(
        *_address_order(), case((Resident.id == Household.head_id, 0), else_=1), Resident.relation_code,
        Resident.birth_date, Resident.id)
    for r in _stream(session, query):
        yield _resident_values(r, reveal)


def resident_rows_of(session: Session, ids: Sequence[int], reveal: bool) -> Iterator[list[object]]:
    """The ledger rows of these residents, in the order of ``ids`` (a list the caller has already
    filtered and limited to what the user may see), ``CHUNK`` at a time."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        found = {r.id: r for r in session.execute(resident_places(_resident_select()).where(Resident.id.in_(chunk)))}
        for resident_id in chunk:
            if resident_id in found:
                yield _resident_values(found[resident_id], reveal)


# --- households -----------------------------------------------------------------------------------

HOUSEHOLD_COLUMNS = (
    Col("网格", width=10), Col("楼栋", width=10), Col("单元", width=8), Col("房号", width=14),
    Col("住址", width=24), Col("面积（平方米）", DECIMAL, 14), Col("户主", width=12),
    Col("户主身份证号", SECRET_ID, 21), Col("联系电话", SECRET_PHONE, 15), Col("在册人数", INT, 9),
    Col("标签", width=16), Col("状态", width=7), Col("撤销日期", DATE, 12), Col("备注", width=30),
)


def _household_filter(query: Select, scope: Scope, include_inactive: bool) -> Select:
    query = (
        query.join(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(*scope.conditions())
    )
    if not include_inactive:
        query = query.where(Household.dissolved_on.is_(None))
    return query


def count_households(session: Session, scope: Scope, include_inactive: bool) -> int:
    query = _household_filter(select(func.count(Household.id)).select_from(Household), scope, include_inactive)
    return int(session.scalar(query) or 0)


def household_rows(session: Session, scope: Scope, reveal: bool, include_inactive: bool) -> Iterator[list[object]]:
    head = aliased(Resident)
    members = (
        select(func.count(Resident.id))
        .where(Resident.household_id == Household.id, Resident.status == ACTIVE).scalar_subquery()
    )
    tags = select(func.aggregate_strings(HouseholdTag.tag, "、")).where(
        HouseholdTag.household_id == Household.id).scalar_subquery()
    query = _household_filter(
        select(
            Household.room, Household.area_m2, Household.phone, Household.note, Household.dissolved_on,
            Building.name.label("building"), Building.kind, Unit.name.label("unit"), Grid.name.label("grid"),
            head.name.label("head_name"), head.id_number.label("head_id_number"), head.phone.label("head_phone"),
            members.label("members"), tags.label("tags"),
        ).select_from(Household).outerjoin(head, head.id == Household.head_id),
        scope, include_inactive,
    ).order_by(*_address_order())
    for r in _stream(session, query):
        yield [
            r.grid, building_label(r.building), unit_label(r.unit) if r.unit else "", r.room,
            household_address(r.building, r.unit, r.room, r.kind), r.area_m2, r.head_name or "",
            secret(r.head_id_number, SECRET_ID, reveal), secret(r.phone or r.head_phone, SECRET_PHONE, reveal),
            int(r.members or 0), "、".join(sorted((r.tags or "").split("、"))).strip("、"),
            "已撤销" if r.dissolved_on else "在用", r.dissolved_on, r.note,
        ]


LEDGERS: dict[str, Ledger] = {
    "residents": Ledger("residents", "居民", "居民", RESIDENT_COLUMNS, count_residents, resident_rows),
    "households": Ledger("households", "户", "户", HOUSEHOLD_COLUMNS, count_households, household_rows),
}


def ledger(name: str) -> Ledger:
    try:
        return LEDGERS[name]
    except KeyError:
        raise DomainError(f"没有名为 {name} 的台账；可以导出：{'、'.join(LEDGERS)}。") from None


def names() -> Sequence[str]:
    return tuple(LEDGERS)
