"""Carrying out a checked import in the caller's one transaction: new households, new residents
(each with a 登记 event), corrections to residents already registered; rows equal to the database
are left alone. A plan with problems is refused, and so is one the database has moved past since
the dry run (someone registered or edited the same people meanwhile): nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Household, Movement, Resident
from chang_shan.errors import DomainError
from chang_shan.imports.plan import NEW, SAME, UPDATE, ImportPlan, NewHousehold, PlannedRow
from chang_shan.population import access, residents, search
from chang_shan.population.residents import ResidentInput
from chang_shan.progress import Progress, no_progress

ACTIVE = "在册"
_FLUSH_EVERY = 1000
_CHUNK = 500
STALE = "数据在检查之后已有改动（{what}）。请重新检查表格再导入；本次未写入任何数据。"


@dataclass(frozen=True)
class ImportResult:
    new: int
    updated: int
    same: int
    households_new: int
    resident_ids: list[int] = field(default_factory=list)  # the new and the corrected residents

    def describe(self) -> str:
        return (f"新登记居民 {self.new} 人，更正 {self.updated} 人，{self.same} 人无变化；"
                f"新建户 {self.households_new} 户。")


def apply_import(session: Session, plan: ImportPlan, *, progress: Progress = no_progress,
                 on_date: date | None = None) -> ImportResult:
    """Write ``plan`` (from ``plan_import``) in the caller's transaction. Needs ``Perm.EDIT``; a
    网格员 only within their grids (checked again here)."""
    require(session, Perm.EDIT)
    if plan.problems:
        raise DomainError(f"表格中还有 {len(plan.problems)} 个问题，未导入任何数据。请先改正表格，再重新检查。")
    on_date = on_date or date.today()
    rows = plan.rows
    _check_still_current(session, rows)
    for building_id in sorted({r.new_household.building_id for r in rows if r.new_household}):
        access.require_building(session, Perm.EDIT, building_id)
    total = sum(1 for r in rows if r.action != SAME) or 1
    done = 0
    households = _create_households(session, [r.new_household for r in rows if r.new_household and r.action == NEW])
    created: list[int] = []
    pending: list[tuple[Resident, PlannedRow]] = []
    for row in rows:
        if row.action != NEW:
            continue
        household_id = row.household_id if row.household_id is not None else households[row.new_household].id  # type: ignore[index]
        resident = Resident(household_id=household_id, status=ACTIVE, moved_in_on=on_date)
        residents._apply(resident, _input(row.values, household_id))  # noqa: SLF001 - one mapping of input to columns
        session.add(resident)
        pending.append((resident, row))
        if len(pending) >= _FLUSH_EVERY:
            created += _finish(session, pending, households, on_date)
            done += len(pending)
            pending = []
            progress(done, total, "写入")
    created += _finish(session, pending, households, on_date)
    done += len(pending)
    updated: list[int] = []
    for row in rows:
        if row.action == UPDATE:
            _update(session, row)
            updated.append(row.resident_id)  # type: ignore[arg-type]
            done += 1
            if done % _FLUSH_EVERY == 0:
                progress(done, total, "写入")
    progress(total, total, "更新检索")
    search.index_residents(session, created + updated)
    session.flush()
    return ImportResult(len(created), len(updated), sum(1 for r in rows if r.action == SAME), len(households),
                        created + updated)


def _input(values: dict[str, object], household_id: int | None, base: ResidentInput | None = None) -> ResidentInput:
    data = base or ResidentInput()
    data.household_id = household_id
    for key, value in values.items():
        setattr(data, key, list(value) if isinstance(value, list) else value)  # type: ignore[arg-type]
    if not data.sex_code:
        data.sex_code = "0"
    return data


def _create_households(session: Session, wanted: list[NewHousehold | None]) -> dict[NewHousehold, Household]:
    made: dict[NewHousehold, Household] = {}
    for item in wanted:
        if item is not None and item not in made:
            household = Household(building_id=item.building_id, unit_id=item.unit_id, room=item.room)
            session.add(household)
            made[item] = household
    session.flush()
    return made


def _finish(session: Session, pending: list[tuple[Resident, PlannedRow]],
            households: dict[NewHousehold, Household], on_date: date) -> list[int]:
    if not pending:
        return []
    session.flush()
    for resident, row in pending:
        session.add(Movement(resident_id=resident.id, kind="登记", on_date=on_date,
                             to_household_id=resident.household_id, note="从 Excel 导入"))
        if row.values.get("relation_code") == codes.HEAD_RELATION:
            household = households.get(row.new_household) if row.new_household else session.get(Household, row.household_id)
            if household is not None:
                household.head_id = resident.id
    session.flush()
    return [resident.id for resident, _ in pending]


def _update(session: Session, row: PlannedRow) -> None:
    resident = session.get(Resident, row.resident_id)
    assert resident is not None
    current = ResidentInput(
        name=resident.name, id_number=resident.id_number or "", sex_code=resident.sex_code,
        birth_date=resident.birth_date, ethnicity_code=resident.ethnicity_code,
        relation_code=resident.relation_code, phone=resident.phone, residence_type=resident.residence_type,
        employment=resident.employment, groups=resident.group_names, note=resident.note,
    )
    residents.update_resident(session, resident.id, _input(row.values, resident.household_id, current),
                              expected_version=row.version)


def _check_still_current(session: Session, rows: list[PlannedRow]) -> None:
    """The database as the dry run saw it: the matched residents unchanged, the new ID numbers
    still unregistered, the new households' addresses still free."""
    versions = {r.resident_id: r.version for r in rows if r.resident_id is not None}
    ids = sorted(versions)
    for i in range(0, len(ids), _CHUNK):
        for rid, version in session.execute(select(Resident.id, Resident.version).where(Resident.id.in_(ids[i:i + _CHUNK]))):
            if version != versions[rid]:
                raise DomainError(STALE.format(what=f"第 {_row_of(rows, rid)} 行的居民已被修改"))
    numbers = sorted({str(r.values["id_number"]) for r in rows if r.action == NEW and r.values.get("id_number")})
    for i in range(0, len(numbers), _CHUNK):
        taken = session.scalar(select(Resident.id_number).where(Resident.id_number.in_(numbers[i:i + _CHUNK])).limit(1))
        if taken:
            raise DomainError(STALE.format(what="表中的身份证号码已有人登记"))
    wanted = {r.new_household for r in rows if r.new_household}
    if wanted:
        taken = {tuple(r) for r in session.execute(select(Household.building_id, Household.unit_id, Household.room)
                                                   .where(Household.dissolved_on.is_(None)))}
        for item in wanted:
            if (item.building_id, item.unit_id, item.room) in taken:
                raise DomainError(STALE.format(what=f"{item.address} 已建户"))

def _row_of(rows: list[PlannedRow], resident_id: int) -> int:
    return next(r.row for r in rows if r.resident_id == resident_id)
