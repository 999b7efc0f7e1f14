"""The dry run of an import: read the workbook, find the header row, map the columns, check every
row against the rules and the database, and say what an import would do — writing nothing.

Every problem names the sheet, the row and the column (as Excel shows them) and says in Chinese
what is wrong. Residents are matched by ID number (a 15-digit number counts as its 18-digit
form); a row whose values equal the database is 'same', so a re-import changes nothing. An empty
cell never clears a value: an import adds and corrects, it does not erase.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Household, Resident, ResidentGroup, Unit
from chang_shan.errors import DomainError
from chang_shan.imports import cells, workbook
from chang_shan.imports.fields import FIELDS, field_for_header, field_key, header_key
from chang_shan.population import access
from chang_shan.population.addresses import LOW_RISE, building_label, household_address
from chang_shan.population.residents import _NAME_BAD, MAX_EMPLOYMENT, MAX_NAME, MAX_NOTE, validate_phone
from chang_shan.population.text import clean_name, clean_note, clean_text
from chang_shan.progress import Progress, no_progress

HEADER_SCAN = 30  # rows searched for the header
PREVIEW_ROWS = 20
_CHUNK = 500  # ids per IN (...) query
_EVERY = 500  # rows between progress reports
ACTIVE = "在册"
NEW, UPDATE, SAME = "new", "update", "same"
# The resident's own values an import sets (field key → Resident attribute).
VALUE_FIELDS = ("name", "id_number", "sex_code", "birth_date", "ethnicity_code", "relation_code", "phone",
                "residence_type", "employment", "groups", "note")


@dataclass(frozen=True)
class SourceColumn:
    index: int  # 0-based position in the sheet's rows
    letter: str  # A, B, … as Excel shows it
    header: str
    field: str | None  # a key of FIELDS, or None: not imported
    auto: bool  # mapped from the header text (not by the user)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # 1-based, as Excel shows it
    column: str  # letter; '' when the problem is not one cell's
    field: str  # a key of FIELDS, or ''
    message: str  # 中文

    @property
    def field_label(self) -> str:
        return FIELDS[self.field].label if self.field in FIELDS else ""

    def describe(self) -> str:
        where = f"{self.column}{self.row}" if self.column else f"第 {self.row} 行"
        return f"工作表“{self.sheet}” {where}：{self.message}"


@dataclass(frozen=True)
class NewHousehold:
    building_id: int
    unit_id: int | None
    room: str
    address: str


@dataclass
class PlannedRow:
    row: int
    action: str  # new / update / same
    values: dict[str, object]  # cleaned values of the cells that were filled (keys: VALUE_FIELDS)
    household_id: int | None  # an existing household, or None with ``new_household``
    new_household: NewHousehold | None
    address: str
    resident_id: int | None = None
    version: int | None = None
    changes: tuple[str, ...] = ()  # fields that differ from the database (update)


@dataclass
class ImportPlan:
    path: Path
    sheet_names: list[str]
    sheet: str
    header_row: int  # 1-based
    columns: list[SourceColumn]
    preview: list[list[str]]  # the first data rows as text
    problems: list[Problem]
    counts: dict[str, int]  # new, update, same, households_new
    rows: list[PlannedRow] = field(default_factory=list)  # the rows without problems

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    row: int
    values: dict[str, object]
    facts_number: str | None = None
    from_15: bool = False
    building: tuple[int, str, int] | None = None  # id, kind, grid id
    unit_id: int | None = None
    room: str = ""
    address: str = ""
    bad: bool = False


class _Places:
    """The community's buildings, units and open households, looked up as people write them."""

    def __init__(self, session: Session) -> None:
        self.buildings: dict[str, list[tuple[int, str, int, str]]] = defaultdict(list)
        for b in session.execute(select(Building.id, Building.name, Building.kind, Building.grid_id)):
            self.buildings[cells.place_key(b.name, cells.BUILDING_SUFFIXES)].append((b.id, b.kind, b.grid_id, b.name))
        self.units: dict[tuple[int, str], tuple[int, str]] = {}
        for u in session.execute(select(Unit.id, Unit.building_id, Unit.name)):
            self.units[(u.building_id, cells.place_key(u.name, cells.UNIT_SUFFIXES))] = (u.id, u.name)
        self.households: dict[tuple[int, int | None, str], tuple[int, int | None]] = {}
        for h in session.execute(select(Household.id, Household.building_id, Household.unit_id, Household.room,
                                        Household.head_id).where(Household.dissolved_on.is_(None))):
            self.households[(h.building_id, h.unit_id, h.room)] = (h.id, h.head_id)


def plan_import(
    session: Session, path: str | os.PathLike[str], *, sheet: str | None = None,
    mapping: dict[str, str] | None = None, progress: Progress = no_progress,
) -> ImportPlan:
    """Read ``path`` and say what importing it would do; writes nothing. ``mapping``: a column
    (its header text or its letter) → a field (key or label; '' or 不导入 = not imported),
    over the automatic mapping. Raises ``DomainError`` for a file that cannot be read at all."""
    actor = require(session, Perm.EDIT)
    path = Path(path)
    book = workbook.open_workbook(path)
    try:
        names = list(book.sheetnames)
        wanted = _clean_mapping(mapping or {})
        chosen, header_row, header = _choose_sheet(book, names, sheet, wanted)
        columns = _columns(header, wanted)
        total = max(workbook.row_estimate(book, chosen) - header_row, 0)
        raw_rows: list[tuple[int, tuple[object, ...]]] = []
        preview: list[list[str]] = []
        for number, values in enumerate(workbook.iter_values(book, chosen), start=1):
            if number <= header_row:
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            raw_rows.append((number, values))
            if len(preview) < PREVIEW_ROWS:
                preview.append([cells.text(values[c.index]) if c.index < len(values) else "" for c in columns])
            if len(raw_rows) % _EVERY == 0:
                progress(len(raw_rows), max(total, len(raw_rows)), "读取")
        epoch = book.epoch
    finally:
        book.close()
    checker = _Checker(session, actor, path, chosen, header_row, columns)
    checker.merged(workbook.merged_ranges(path, chosen))
    if not raw_rows:
        raise DomainError(f"工作表“{chosen}”在表头（第 {header_row} 行）下面没有数据。")
    if checker.missing_required():
        return checker.result(names, preview, [])
    parsed = checker.parse_rows(raw_rows, epoch, progress)
    planned = checker.match(parsed)
    return checker.result(names, preview, planned)


def _clean_mapping(mapping: dict[str, str]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    for column, target in mapping.items():
        try:
            cleaned[column.strip()] = field_key(target)
        except KeyError:
            known = "、".join(info.label for info in FIELDS.values())
            raise DomainError(f"没有名为“{target}”的字段（列“{column}”）。可用的字段：{known}。") from None
    return cleaned


def _header_score(values: Sequence[object], wanted: dict[str, str | None]) -> int:
    keys = {header_key(k) for k in wanted}
    return sum(1 for v in values if v is not None and (field_for_header(v) or header_key(v) in keys))


def _choose_sheet(book, names: list[str], sheet: str | None,  # noqa: ANN001 - an openpyxl Workbook
                  wanted: dict[str, str | None]) -> tuple[str, int, tuple[object, ...]]:
    if sheet is not None and sheet not in names:
        raise DomainError(f"工作簿中没有名为“{sheet}”的工作表；有：{'、'.join(names)}。")
    best: tuple[int, str, int, tuple[object, ...]] | None = None
    for name in [sheet] if sheet is not None else names:
        for number, values in enumerate(book[name].iter_rows(max_row=HEADER_SCAN, values_only=True), start=1):
            score = _header_score(values, wanted)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, name, number, values)
    if best is None:
        where = f"工作表“{sheet}”" if sheet else "各工作表"
        raise DomainError(f"在{where}的前 {HEADER_SCAN} 行中找不到表头（如 姓名、身份证号码 两列）。")
    return best[1], best[2], best[3]


def _columns(header: tuple[object, ...], wanted: dict[str, str | None]) -> list[SourceColumn]:
    by_key = {header_key(k): v for k, v in wanted.items()}
    columns: list[SourceColumn] = []
    used: set[str] = set()
    matched: set[str] = set()
    for index, value in enumerate(header):
        letter = get_column_letter(index + 1)
        text = cells.text(value)
        if letter in wanted or (text and header_key(text) in by_key):
            target = wanted[letter] if letter in wanted else by_key[header_key(text)]
            matched.add(letter if letter in wanted else header_key(text))
            if target is not None and target in used:
                raise DomainError(f"有两列都对应“{FIELDS[target].label}”；每个字段只能对应一列。")
            auto = False
        else:
            target = field_for_header(text) if text else None
            target = None if target in used else target
            auto = True
        if target is not None:
            used.add(target)
        if text or target is not None:
            columns.append(SourceColumn(index, letter, text, target, auto))
    unknown = [k for k in wanted if k not in matched and header_key(k) not in matched]
    if unknown:
        raise DomainError(f"表头中没有这些列：{'、'.join(unknown)}。")
    return columns


class _Checker:
    def __init__(self, session: Session, actor, path: Path, sheet: str, header_row: int,  # noqa: ANN001
                 columns: list[SourceColumn]) -> None:
        self.session = session
        self.actor = actor
        self.path = path
        self.sheet = sheet
        self.header_row = header_row
        self.columns = columns
        self.by_field = {c.field: c for c in columns if c.field}
        self.problems: list[Problem] = []
        self.covered: set[tuple[int, int]] = set()  # (row, column index) inside a merged range, not its anchor

    # --- problems ---------------------------------------------------------------------------

    def add(self, row: int, field_name: str, message: str) -> None:
        column = self.by_field.get(field_name)
        self.problems.append(Problem(self.sheet, row, column.letter if column else "", field_name, message))

    def merged(self, ranges: Iterable[workbook.MergedRange]) -> None:
        for merged in ranges:
            if merged.max_row <= self.header_row:
                continue  # a title over the table
            first = max(merged.min_row, self.header_row + 1)
            names = [c.field for c in self.columns if merged.min_col - 1 <= c.index <= merged.max_col - 1 and c.field]
            self.problems.append(Problem(
                self.sheet, first, get_column_letter(merged.min_col), names[0] if names else "",
                f"合并单元格 {merged.ref}：导入前请取消合并，并在每一行填上各自的内容。",
            ))
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col - 1, merged.max_col):
                    if (r, c) != (merged.min_row, merged.min_col - 1):
                        self.covered.add((r, c))

    def missing_required(self) -> bool:
        missing = [key for key, info in FIELDS.items() if info.required and key not in self.by_field]
        for key in missing:
            self.problems.append(Problem(self.sheet, self.header_row, "", key,
                                         f"表中没有“{FIELDS[key].label}”列：请在列对应中指定哪一列是{FIELDS[key].label}。"))
        return bool(missing)

    # --- pass 1: each row on its own ----------------------------------------------------------

    def parse_rows(self, raw_rows: list[tuple[int, tuple[object, ...]]], epoch, progress: Progress) -> list[_Row]:  # noqa: ANN001
        places = self.places = _Places(self.session)
        parsed = []
        total = len(raw_rows)
        for done, (number, values) in enumerate(raw_rows, start=1):
            parsed.append(self._parse(number, values, epoch, places))
            if done % _EVERY == 0:
                progress(done, total, "检查")
        return parsed

    def _cell(self, values: tuple[object, ...], key: str) -> object:
        column = self.by_field.get(key)
        if column is None or column.index >= len(values):
            return None
        return values[column.index]

    def _parse(self, number: int, values: tuple[object, ...], epoch, places: _Places) -> _Row:  # noqa: ANN001, C901, PLR0912, PLR0915
        row = _Row(number, {})
        start = len(self.problems)
        out = row.values

        def empty_here(key: str) -> bool:
            column = self.by_field.get(key)
            return column is not None and (number, column.index) in self.covered

        name = clean_name(cells.text(self._cell(values, "name")))
        if not name:
            if not empty_here("name"):
                self.add(number, "name", "请填写姓名。")
        elif len(name) > MAX_NAME:
            self.add(number, "name", f"姓名最多 {MAX_NAME} 个字，现在是 {len(name)} 个。")
        elif _NAME_BAD.search(name):
            self.add(number, "name", "姓名中不能有数字或标点（少数民族姓名的间隔号请用“·”）。")
        out["name"] = name

        raw_id = self._cell(values, "id_number")
        facts, problem = cells.id_number(raw_id)
        if problem:
            self.add(number, "id_number", problem)
        elif facts is not None:
            out["id_number"] = facts.number
            row.facts_number = facts.number
            row.from_15 = facts.upgraded_from_15

        birth, problem = cells.birth_date(self._cell(values, "birth_date"), epoch=epoch)
        if problem:
            self.add(number, "birth_date", problem)
        elif facts is not None and birth is not None and birth != facts.birth_date:
            self.add(number, "birth_date", f"出生日期 {birth:%Y-%m-%d} 与身份证号码中的 {facts.birth_date:%Y-%m-%d} 不一致。")
        elif birth is not None:
            out["birth_date"] = birth
        if facts is not None:
            out["birth_date"] = facts.birth_date
        elif not problem and raw_id in (None, "") and birth is None and not empty_here("id_number"):
            self.add(number, "id_number", "请填写身份证号码（没有号码的居民须填写出生日期）。")

        sex = self._code(number, values, "sex", "sex_code", cells.sex)
        if sex in ("1", "2") and facts is not None and sex != facts.sex_code:
            wrong = "sex_code" if "sex_code" in self.by_field and "sex" not in self.by_field else "sex"
            self.add(number, wrong, f"性别“{codes.sex().label(sex)}”与身份证号码不一致（号码中为{codes.sex().label(facts.sex_code)}）。")
        elif sex is not None:
            out["sex_code"] = sex
        elif facts is not None:
            out["sex_code"] = facts.sex_code
        ethnicity = self._code(number, values, "ethnicity", "ethnicity_code", cells.ethnicity)
        if ethnicity is not None:
            out["ethnicity_code"] = ethnicity
        relation = self._code(number, values, "relation", "relation_code", cells.relation)
        if relation is not None:
            out["relation_code"] = relation

        phone_raw = cells.text(self._cell(values, "phone"))
        if phone_raw:
            if "*" in phone_raw:
                self.add(number, "phone", "电话号码已遮盖（导出时未显示完整号码），无法导入。请用含完整号码的表格。")
            else:
                phone, problem = validate_phone(phone_raw)
                if problem:
                    self.add(number, "phone", problem)
                else:
                    out["phone"] = phone
        for key, reader in (("residence_type", cells.residence_type), ("groups", cells.groups)):
            value, problem = reader(self._cell(values, key))
            if problem:
                self.add(number, key, problem)
            elif value is not None:
                out[key] = value
        employment = clean_text(cells.text(self._cell(values, "employment")))
        if len(employment) > MAX_EMPLOYMENT:
            self.add(number, "employment", f"就业状况最多 {MAX_EMPLOYMENT} 个字，现在是 {len(employment)} 个。")
        elif employment:
            out["employment"] = employment
        note = clean_note(cells.text(self._cell(values, "note")))
        if len(note) > MAX_NOTE:
            self.add(number, "note", f"备注最多 {MAX_NOTE} 个字，现在是 {len(note)} 个。")
        elif note:
            out["note"] = note

        self._address(row, values, places, empty_here)
        row.bad = len(self.problems) > start
        return row

    def _code(self, number: int, values: tuple[object, ...], label_key: str, code_key: str, reader) -> str | None:  # noqa: ANN001
        by_code, problem_code = reader(self._cell(values, code_key))
        if problem_code:
            self.add(number, code_key, problem_code)
        by_label, problem_label = reader(self._cell(values, label_key))
        if problem_label:
            self.add(number, label_key, problem_label)
        if problem_code or problem_label:
            return None
        if by_code and by_label and by_code != by_label:
            self.add(number, label_key, f"“{FIELDS[label_key].label}”与“{FIELDS[code_key].label}”不一致。")
            return None
        return by_code or by_label

    def _address(self, row: _Row, values: tuple[object, ...], places: _Places, empty_here) -> None:  # noqa: ANN001
        number = row.row
        building_text = cells.text(self._cell(values, "building"))
        unit_text = cells.text(self._cell(values, "unit"))
        room = cells.room(self._cell(values, "room"))
        if not building_text:
            if not empty_here("building"):
                self.add(number, "building", "请填写楼栋（平房区的户填“平房区”）。")
            return
        found = places.buildings.get(cells.place_key(building_text, cells.BUILDING_SUFFIXES), [])
        if not found:
            self.add(number, "building", f"找不到楼栋“{building_text}”：请核对楼号，或先在程序中建立这个楼栋。")
            return
        if len(found) > 1:
            self.add(number, "building", f"有 {len(found)} 个楼栋都叫“{building_text}”，无法确定是哪一个。")
            return
        building_id, kind, grid_id, building_name = found[0]
        if not access.covers(self.actor, grid_id):
            self.add(number, "building", f"{building_label(building_name)}不在您负责的网格内。")
            return
        unit_id, unit_name = None, None
        if kind == LOW_RISE:
            if unit_text:
                self.add(number, "unit", "平房区的户没有单元，请把单元留空。")
                return
        elif not unit_text:
            if not empty_here("unit"):
                self.add(number, "unit", f"请填写单元（{building_label(building_name)}是楼房）。")
            return
        else:
            unit = places.units.get((building_id, cells.place_key(unit_text, cells.UNIT_SUFFIXES)))
            if unit is None:
                self.add(number, "unit", f"{building_label(building_name)}没有“{unit_text}”：请核对单元号。")
                return
            unit_id, unit_name = unit
        if not room:
            if not empty_here("room"):
                self.add(number, "room", "请填写房号（平房区填门牌地址，如 长山路12号）。")
            return
        if len(room) > 50:
            self.add(number, "room", f"房号最多 50 个字，现在是 {len(room)} 个。")
            return
        row.building = (building_id, kind, grid_id)
        row.unit_id = unit_id
        row.room = room
        row.address = household_address(building_name, unit_name, room, kind)

    # --- pass 2: the rows together, and against the database -----------------------------------

    def match(self, rows: list[_Row]) -> list[PlannedRow]:  # noqa: C901, PLR0912
        numbers = [r.facts_number for r in rows if r.facts_number]
        known = self._residents_by_number(numbers)
        names = {r.values["name"] for r in rows if r.values.get("name") and r.values.get("birth_date")}
        by_name_birth = self._residents_by_name(names)
        groups = self._groups([k["id"] for k in known.values()])
        seen_number: dict[str, _Row] = {}
        seen_person: dict[tuple[str, date], _Row] = {}
        heads: dict[object, int] = {}
        planned: list[PlannedRow] = []
        for row in rows:
            start = len(self.problems)
            number, name, birth = row.facts_number, row.values.get("name"), row.values.get("birth_date")
            if number:
                first = seen_number.get(number)
                if first is not None:
                    if first.from_15 != row.from_15:
                        self.add(row.row, "id_number", f"与第 {first.row} 行是同一人（15 位旧号码与 18 位号码）。")
                    else:
                        self.add(row.row, "id_number", f"与第 {first.row} 行的身份证号码重复。")
                else:
                    seen_number[number] = row
            if name and birth:
                first = seen_person.get((name, birth))
                if first is not None and first.facts_number != number and first.row != row.row:
                    self.add(row.row, "id_number",
                             f"与第 {first.row} 行姓名、出生日期相同，但身份证号码不同：请核对是否同一人。")
                else:
                    seen_person.setdefault((name, birth), row)
            existing = known.get(number) if number else None
            if existing is not None and not access.covers(self.actor, existing["grid_id"]):
                self.add(row.row, "id_number", "该身份证号码已登记给其他网格的居民。")
                existing = None
                row.bad = True
            if name and birth:
                for other in by_name_birth.get((name, birth), []):
                    if existing is not None and other["id"] == existing["id"]:
                        continue
                    if other["id_number"] == number:
                        continue
                    if access.covers(self.actor, other["grid_id"]):
                        self.add(row.row, "id_number", f"系统中已有同名、同出生日期的居民（编号 {other['id']}），"
                                 "身份证号码不同：请核对是否同一人。")
                    else:
                        self.add(row.row, "id_number", "其他网格已有同名、同出生日期的居民，身份证号码不同：请核对是否同一人。")
            if row.bad or row.building is None or len(self.problems) > start:
                continue
            plan = self._plan_row(row, existing, groups, heads)
            if plan is not None and len(self.problems) == start:
                planned.append(plan)
        return planned

    def _plan_row(self, row: _Row, existing: dict | None, groups: dict[int, list[str]],
                  heads: dict[object, int]) -> PlannedRow | None:
        building_id = row.building[0]  # type: ignore[index]
        key = (building_id, row.unit_id, row.room)
        household = self.places.households.get(key)
        household_id, head_id = household if household else (None, None)
        new_household = None if household else NewHousehold(building_id, row.unit_id, row.room, row.address)
        relation = row.values.get("relation_code")
        values = row.values
        if existing is None and relation is None:
            self.add(row.row, "relation", "请填写与户主关系（新登记的居民必须填写）。")
            return None
        if existing is not None and existing["household_id"] != household_id:
            self.add(row.row, "room", f"此人在系统中登记在{existing['address'] or '别处'}，表中为{row.address}；"
                     "转户请在程序中办理。")
            return None
        if relation == codes.HEAD_RELATION:
            if head_id is not None and (existing is None or head_id != existing["id"]):
                self.add(row.row, "relation", "这一户已有户主；如需更换户主，请在程序中使用“变更户主”。")
                return None
            first = heads.setdefault(key, row.row)
            if first != row.row:
                self.add(row.row, "relation", f"与第 {first} 行同为这一户的户主。")
                return None
        if existing is None:
            return PlannedRow(row.row, NEW, values, household_id, new_household, row.address)
        if relation is not None and relation != codes.HEAD_RELATION and head_id == existing["id"]:
            self.add(row.row, "relation", "此人是这一户的户主；如需更换户主，请在程序中使用“变更户主”。")
            return None
        current = dict(existing, groups=groups.get(existing["id"], []))
        changes = tuple(k for k in VALUE_FIELDS if k in values and values[k] != current[k])
        if not changes:
            return PlannedRow(row.row, SAME, values, household_id, None, row.address, existing["id"], existing["version"])
        if existing["status"] != ACTIVE:
            self.add(row.row, "name", f"该居民{existing['status']}，不能通过导入修改。")
            return None
        return PlannedRow(row.row, UPDATE, values, household_id, None, row.address, existing["id"],
                          existing["version"], changes)

    def _resident_columns(self):  # noqa: ANN202
        return (Resident.id, Resident.id_number, Resident.name, Resident.sex_code, Resident.birth_date,
                Resident.ethnicity_code, Resident.relation_code, Resident.phone, Resident.residence_type,
                Resident.employment, Resident.note, Resident.status, Resident.household_id, Resident.version,
                Building.grid_id, Building.name.label("building_name"), Building.kind, Unit.name.label("unit_name"),
                Household.room)

    def _query(self, condition) -> list[dict]:  # noqa: ANN001
        query = (select(*self._resident_columns()).select_from(Resident)
                 .outerjoin(Household, Household.id == Resident.household_id)
                 .outerjoin(Building, Building.id == Household.building_id)
                 .outerjoin(Unit, Unit.id == Household.unit_id).where(condition))
        found = []
        for r in self.session.execute(query):
            record = dict(r._mapping)
            record["address"] = (household_address(r.building_name, r.unit_name, r.room, r.kind)
                                 if r.building_name else "")
            found.append(record)
        return found

    def _residents_by_number(self, numbers: list[str]) -> dict[str, dict]:
        known: dict[str, dict] = {}
        unique = sorted(set(numbers))
        for i in range(0, len(unique), _CHUNK):
            for record in self._query(Resident.id_number.in_(unique[i:i + _CHUNK])):
                known[record["id_number"]] = record
        return known

    def _residents_by_name(self, names: set[str]) -> dict[tuple[str, date], list[dict]]:
        found: dict[tuple[str, date], list[dict]] = defaultdict(list)
        unique = sorted(names)
        for i in range(0, len(unique), _CHUNK):
            for record in self._query(Resident.name.in_(unique[i:i + _CHUNK])):
                if record["birth_date"] is not None:
                    found[(record["name"], record["birth_date"])].append(record)
        return found

    def _groups(self, resident_ids: list[int]) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = defaultdict(list)
        for i in range(0, len(resident_ids), _CHUNK):
            for rid, group in self.session.execute(
                select(ResidentGroup.resident_id, ResidentGroup.group)
                .where(ResidentGroup.resident_id.in_(resident_ids[i:i + _CHUNK]))
            ):
                groups[rid].append(group)
        return {rid: sorted(names) for rid, names in groups.items()}

    # --- the plan -----------------------------------------------------------------------------

    def result(self, names: list[str], preview: list[list[str]], planned: list[PlannedRow]) -> ImportPlan:
        problems = sorted(self.problems, key=lambda p: (p.row, _column_order(p.column)))
        counts = {NEW: 0, UPDATE: 0, SAME: 0, "households_new": 0}
        new_households = set()
        for row in planned:
            counts[row.action] += 1
            if row.new_household is not None:
                new_households.add(row.new_household)
        counts["households_new"] = len(new_households)
        return ImportPlan(self.path, names, self.sheet, self.header_row, self.columns, preview, problems,
                          counts, planned)


def _column_order(letter: str) -> tuple[int, str]:
    return (len(letter), letter)

