"""Residents: register, edit, move to another household, move out, record a death, history.

Nobody is hard-deleted: moving out and death are states with dates, and every event is a
``Movement`` row. Every function validates first and raises ``ValidationError`` (messages in
Chinese, keyed by field) before writing anything.

Access (``population.access``): every function checks the signed-in user first — ``Perm.VIEW``
to read, ``Perm.EDIT`` to write — and a 网格员 only reaches residents of their grids (a move
needs both households in them). ``resident_detail`` gives the full ID number and phone only to
someone who may edit that resident (the form needs them to save); everyone else gets the masked
values there too, and reveals a full value through ``population.reveal`` (audited).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import CanteenMember, CareAssignment, ChangeRow, ChangeSet, Household, Movement, Resident, ResidentGroup
from chang_shan.db.models.people import RESIDENCE_TYPES
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population import access, idnumber, roles, search
from chang_shan.population.addresses import household_address
from chang_shan.population.labels import sync_labels
from chang_shan.population.pinyin import sort_key
from chang_shan.population.text import clean_digits, clean_name, clean_note, clean_text

ACTIVE = "在册"
MAX_NAME = 50
MAX_EMPLOYMENT = 50  # the column sizes (PostgreSQL refuses longer text; SQLite would keep it)
MAX_NOTE = 500
_NAME_BAD = re.compile(r"[0-9０-９!-/:-@\[-`{-~！-／：-＠［-｀｛-～、。，；：？！]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,5})?$")  # local numbers never begin with 0 or 1


@dataclass
class ResidentInput:
    """What a form or an import row gives for one resident. Strings as typed; cleaned here."""

    name: str = ""
    id_number: str = ""
    sex_code: str = ""  # '' = derive from the ID number
    birth_date: date | None = None  # None = derive from the ID number
    ethnicity_code: str = "01"
    relation_code: str = ""
    phone: str = ""
    residence_type: str = "户籍"
    employment: str = ""
    groups: list[str] = field(default_factory=list)
    note: str = ""
    household_id: int | None = None


@dataclass(frozen=True)
class ResidentDetail:
    id: int
    name: str
    id_number: str | None
    id_number_masked: str
    sex_code: str
    sex: str
    birth_date: date | None
    age: int | None
    ethnicity_code: str
    ethnicity: str
    relation_code: str
    relation: str
    phone: str
    phone_masked: str
    residence_type: str
    employment: str
    groups: tuple[str, ...]
    note: str
    status: str
    household_id: int | None
    address: str
    is_head: bool
    moved_in_on: date | None
    moved_out_on: date | None
    died_on: date | None
    version: int
    # True when ``id_number`` and ``phone`` are the full values (the user may edit this
    # resident); False when they are masked like ``id_number_masked`` / ``phone_masked``.
    full_values: bool = True

    def as_input(self) -> ResidentInput:
        return ResidentInput(
            name=self.name, id_number=self.id_number or "", sex_code=self.sex_code,
            birth_date=self.birth_date, ethnicity_code=self.ethnicity_code,
            relation_code=self.relation_code, phone=self.phone, residence_type=self.residence_type,
            employment=self.employment, groups=list(self.groups), note=self.note,
            household_id=self.household_id,
        )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime | date
    kind: str
    text: str
    user_name: str = ""


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def validate_phone(raw: str) -> tuple[str, str | None]:
    """Returns (cleaned phone, error message or None)."""
    phone = clean_digits(raw).replace("—", "-").replace("－", "-")
    if not phone:
        return "", None
    if phone.startswith("+86"):
        phone = phone[3:]
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return phone, None
    if phone.startswith("1") and phone.isdigit():
        return phone, f"手机号码应为 11 位，现在是 {len(phone)} 位。"
    return phone, "电话号码格式不对：手机为 11 位数字，座机如 0431-85551234。"


def validate_resident(
    session: Session, data: ResidentInput, *, resident_id: int | None = None, today: date | None = None
) -> ResidentInput:
    """Check every field; return a cleaned copy, or raise ``ValidationError`` naming each bad field.

    Needs ``Perm.VIEW`` (forms call it as the user types). For a 网格员 a household outside their
    grids is a field error, and a duplicate ID number held by someone outside them is not named."""
    actor = require(session, Perm.VIEW)
    today = today or date.today()
    errors: dict[str, str] = {}
    name = clean_name(data.name)
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > MAX_NAME:
        errors["name"] = f"姓名最多 {MAX_NAME} 个字，现在是 {len(name)} 个。"
    elif _NAME_BAD.search(name):
        errors["name"] = "姓名中不能有数字或标点（少数民族姓名的间隔号请用“·”）。"

    number = None
    sex_code = data.sex_code or ""
    birth = data.birth_date
    if data.id_number and data.id_number.strip():
        try:
            facts = idnumber.parse(data.id_number, today=today)
        except ValidationError as exc:
            errors.update(exc.errors)
        else:
            number = facts.number
            if birth and birth != facts.birth_date:
                errors["birth_date"] = (
                    f"出生日期与身份证号码不一致（号码中为 {facts.birth_date:%Y-%m-%d}）。"
                )
            if sex_code and sex_code in ("1", "2") and sex_code != facts.sex_code:
                errors["sex_code"] = f"性别与身份证号码不一致（号码中为{codes.sex().label(facts.sex_code)}）。"
            birth = facts.birth_date
            sex_code = facts.sex_code if sex_code in ("", "0") else sex_code
            duplicate = session.execute(
                select(Resident.id, Resident.name).where(Resident.id_number == number)
            ).first()
            if duplicate and duplicate.id != resident_id:
                if access.covers(actor, access.grid_of_resident(session, duplicate.id)):
                    errors["id_number"] = f"该身份证号码已登记给“{duplicate.name}”（编号 {duplicate.id}）。"
                else:
                    errors["id_number"] = "该身份证号码已登记给其他网格的居民。"
    if birth is None and "id_number" not in errors and "birth_date" not in errors:
        errors["birth_date"] = "没有身份证号码时请填写出生日期。"
    elif birth is not None and birth > today:
        errors["birth_date"] = "出生日期不能晚于今天。"
    if not sex_code:
        sex_code = "0"
    if sex_code not in codes.sex():
        errors["sex_code"] = "性别代码无效。"

    if data.ethnicity_code not in codes.ethnicity():
        errors["ethnicity_code"] = "请从列表中选择民族。"
    relation = data.relation_code or ""
    if relation and relation not in codes.relation():
        errors["relation_code"] = "请从列表中选择与户主关系。"

    phone, phone_error = validate_phone(data.phone)
    if phone_error:
        errors["phone"] = phone_error
    if data.residence_type not in RESIDENCE_TYPES:
        errors["residence_type"] = "居住类型只能是：" + "、".join(RESIDENCE_TYPES) + "。"
    employment = clean_text(data.employment)
    if len(employment) > MAX_EMPLOYMENT:
        errors["employment"] = f"就业状况最多 {MAX_EMPLOYMENT} 个字，现在是 {len(employment)} 个。"
    note = clean_note(data.note)
    if len(note) > MAX_NOTE:
        errors["note"] = f"备注最多 {MAX_NOTE} 个字，现在是 {len(note)} 个。"
    unknown_groups = [g for g in data.groups if g not in codes.special_groups()]
    if unknown_groups:
        errors["groups"] = "未知的人群类别：" + "、".join(unknown_groups) + "。"

    if data.household_id is None:
        errors["household_id"] = "请选择所在户。"
    else:
        household = session.get(Household, data.household_id)
        if household is None or household.dissolved_on is not None:
            errors["household_id"] = "所选的户不存在或已注销。"
        elif not access.covers(actor, household.building.grid_id):
            errors["household_id"] = "所选的户不在您负责的网格内。"
        elif relation == codes.HEAD_RELATION and household.head_id not in (None, resident_id):
            errors["relation_code"] = "该户已有户主；如需更换户主，请使用“变更户主”。"
        elif resident_id is not None and household.head_id == resident_id and relation != codes.HEAD_RELATION:
            errors["relation_code"] = "此人是户主；如需更换户主，请使用“变更户主”。"
    if not relation and "relation_code" not in errors:
        errors["relation_code"] = "请选择与户主关系。"
    if errors:
        raise ValidationError(errors)
    return replace(
        data, name=name, id_number=number or "", sex_code=sex_code, birth_date=birth,
        relation_code=relation, phone=phone, employment=employment,
        groups=sorted(set(data.groups)), note=note,
    )


def _apply(resident: Resident, data: ResidentInput) -> None:
    resident.name = data.name
    resident.name_pinyin = sort_key(data.name)
    resident.id_number = data.id_number or None
    resident.sex_code = data.sex_code
    resident.birth_date = data.birth_date
    resident.ethnicity_code = data.ethnicity_code
    resident.relation_code = data.relation_code
    resident.phone = data.phone
    resident.residence_type = data.residence_type
    resident.employment = data.employment
    resident.note = data.note
    sync_labels(resident.groups, data.groups, "group", lambda name: ResidentGroup(group=name))


def register_resident(
    session: Session, data: ResidentInput, *, on_date: date | None = None, moved_in: bool = False
) -> int:
    """A new resident in a household. ``moved_in`` records a 迁入 rather than a first 登记."""
    access.require_household(session, Perm.EDIT, data.household_id)
    on_date = on_date or date.today()
    clean = validate_resident(session, data)
    resident = Resident(household_id=clean.household_id, status=ACTIVE, moved_in_on=on_date)
    _apply(resident, clean)
    session.add(resident)
    session.flush()
    session.add(Movement(resident_id=resident.id, kind="迁入" if moved_in else "登记",
                         on_date=on_date, to_household_id=clean.household_id))
    if clean.relation_code == codes.HEAD_RELATION:
        session.get(Household, clean.household_id).head_id = resident.id  # type: ignore[union-attr]
    session.flush()
    search.index_residents(session, [resident.id])
    return resident.id


def _get(session: Session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise NotFound("该居民不存在。")
    return resident


def _require_active(resident: Resident) -> None:
    if resident.status != ACTIVE:
        raise DomainError(f"{resident.name}已{resident.status[1:]}，不能再修改在册信息。")


def update_resident(
    session: Session, resident_id: int, data: ResidentInput, *, expected_version: int | None = None
) -> None:
    """Save an edited resident. The household is changed with ``move_to_household``, not here."""
    access.require_resident(session, Perm.EDIT, resident_id)
    resident = _get(session, resident_id)
    if expected_version is not None and resident.version != expected_version:
        raise DomainError("这条记录在您编辑期间已被别人修改。请关闭后重新打开再改。")
    _require_active(resident)
    if data.household_id != resident.household_id:
        raise DomainError("更换所在户请使用“迁到其他户”。")
    clean = validate_resident(session, data, resident_id=resident_id)  # a head stays head here
    household = session.get(Household, resident.household_id)
    _apply(resident, clean)
    if household is not None and clean.relation_code == codes.HEAD_RELATION and household.head_id is None:
        household.head_id = resident_id
    session.flush()
    search.index_residents(session, [resident_id])


def _check_date(resident: Resident, on_date: date, what: str) -> None:
    """An event date must be real: not in the future, not before birth, not before the last event."""
    if on_date > date.today():
        raise ValidationError({"on_date": f"{what}日期不能晚于今天。"})
    if resident.birth_date and on_date < resident.birth_date:
        raise ValidationError({"on_date": f"{what}日期不能早于出生日期。"})
    if resident.moved_in_on and on_date < resident.moved_in_on:
        raise ValidationError({"on_date": f"{what}日期不能早于登记/迁入日期 {resident.moved_in_on:%Y-%m-%d}。"})
    latest = max((m for m in resident.movements), key=lambda m: (m.on_date, m.id), default=None)
    if latest is not None and on_date < latest.on_date:
        raise ValidationError(
            {"on_date": f"{what}日期不能早于上一次记录（{latest.on_date:%Y-%m-%d} {latest.kind}）。"}
        )


def _leave_household(session: Session, resident: Resident) -> None:
    household = session.get(Household, resident.household_id) if resident.household_id else None
    if household is not None and household.head_id == resident.id:
        household.head_id = None


def move_to_household(
    session: Session, resident_id: int, household_id: int, *, relation_code: str,
    on_date: date | None = None, note: str = "",
) -> None:
    """Move a resident to another household of the community (转户). A 网格员 needs both the
    resident's household and the target in their grids."""
    access.require_resident(session, Perm.EDIT, resident_id)
    access.require_household(session, Perm.EDIT, household_id)
    on_date = on_date or date.today()
    resident = _get(session, resident_id)
    _require_active(resident)
    _check_date(resident, on_date, "转户")
    if household_id == resident.household_id:
        raise ValidationError({"household_id": "已经在这一户了。"})
    target = session.get(Household, household_id)
    if target is None or target.dissolved_on is not None:
        raise ValidationError({"household_id": "所选的户不存在或已注销。"})
    if relation_code not in codes.relation():
        raise ValidationError({"relation_code": "请从列表中选择与户主关系。"})
    if relation_code == codes.HEAD_RELATION and target.head_id is not None:
        raise ValidationError({"relation_code": "目标户已有户主；请先迁入，再使用“变更户主”。"})
    origin = resident.household_id
    _leave_household(session, resident)
    resident.household_id = household_id
    resident.relation_code = relation_code
    if relation_code == codes.HEAD_RELATION:
        target.head_id = resident.id
    session.add(Movement(resident_id=resident.id, kind="转户", on_date=on_date,
                         from_household_id=origin, to_household_id=household_id, note=clean_text(note)))
    session.flush()
    from chang_shan.party import households as party_households  # lazily: party imports population

    party_households.resident_moved(session, [origin, household_id])  # the 党员家庭户 tag follows members
    search.index_residents(session, [resident_id])


def move_out(session: Session, resident_id: int, *, on_date: date | None = None, note: str = "") -> None:
    """The resident has left the community (迁出). The record and its history stay; any 三长 post
    they hold ends that day."""
    _end_residence(session, resident_id, kind="迁出", status="已迁出", date_field="moved_out_on",
                   on_date=on_date, note=note)


def record_death(session: Session, resident_id: int, *, on_date: date | None = None, note: str = "") -> None:
    """The resident has died (死亡). The record and its history stay; any 三长 post they held
    ends that day."""
    _end_residence(session, resident_id, kind="死亡", status="已故", date_field="died_on",
                   on_date=on_date, note=note)


def _end_residence(
    session: Session, resident_id: int, *, kind: str, status: str, date_field: str,
    on_date: date | None, note: str,
) -> None:
    access.require_resident(session, Perm.EDIT, resident_id)
    on_date = on_date or date.today()
    resident = _get(session, resident_id)
    _require_active(resident)
    _check_date(resident, on_date, kind)
    _leave_household(session, resident)
    roles.end_roles_of(session, resident_id, end_on=on_date)
    _end_care(session, resident_id, on_date)
    _end_canteen(session, resident_id, on_date)
    resident.status = status
    setattr(resident, date_field, on_date)
    session.add(Movement(resident_id=resident.id, kind=kind, on_date=on_date,
                         from_household_id=resident.household_id, note=clean_text(note)))
    session.flush()
    from chang_shan.party import households as party_households  # lazily: party imports population

    party_households.resident_left(session, resident_id, resident.household_id,
                                   died_on=on_date if status == "已故" else None)
    search.index_residents(session, [resident_id])


def _end_care(session: Session, resident_id: int, on_date: date) -> None:
    """Care assignments (包保) end when the elder or the caretaker leaves or dies: the elder then
    shows again among those without a caretaker, and the history keeps both dates."""
    open_assignments = session.scalars(
        select(CareAssignment).where(
            or_(CareAssignment.elder_id == resident_id, CareAssignment.caretaker_id == resident_id),
            CareAssignment.end_on.is_(None),
        )
    ).all()
    for assignment in open_assignments:
        assignment.end_on = max(on_date, assignment.start_on)


def _end_canteen(session: Session, resident_id: int, on_date: date) -> None:
    """A canteen membership (乐龄食堂) stops the day the member leaves or dies (``end_on`` is the
    first day without meals); one planned to start later is closed where it starts."""
    memberships = session.scalars(
        select(CanteenMember).where(
            CanteenMember.resident_id == resident_id,
            or_(CanteenMember.end_on.is_(None), CanteenMember.end_on > on_date),
        )
    ).all()
    for member in memberships:
        member.end_on = max(on_date, member.start_on)


def resident_detail(session: Session, resident_id: int, *, today: date | None = None) -> ResidentDetail:
    """One resident for the form. ``id_number`` and ``phone`` are the full values only when the
    user may edit this resident (``full_values``); otherwise they are masked, and a full value
    is shown only through ``population.reveal`` (which is audited)."""
    access.require_resident(session, Perm.VIEW, resident_id)
    today = today or date.today()
    r = _get(session, resident_id)
    full = access.can_edit_resident(session, actor_of(session), resident_id)
    household = session.get(Household, r.household_id) if r.household_id else None
    address = ""
    if household is not None:
        unit_name = household.unit.name if household.unit else None
        address = household_address(household.building.name, unit_name, household.room, household.building.kind)
    return ResidentDetail(
        id=r.id, name=r.name, id_number=r.id_number if full else (idnumber.mask(r.id_number) or None),
        id_number_masked=idnumber.mask(r.id_number),
        sex_code=r.sex_code, sex=codes.sex().label(r.sex_code), birth_date=r.birth_date,
        age=age_on(r.birth_date, today), ethnicity_code=r.ethnicity_code,
        ethnicity=codes.ethnicity().label(r.ethnicity_code), relation_code=r.relation_code,
        relation=codes.relation().label(r.relation_code),
        phone=r.phone if full else idnumber.mask_phone(r.phone), phone_masked=idnumber.mask_phone(r.phone), residence_type=r.residence_type,
        employment=r.employment, groups=tuple(r.group_names), note=r.note, status=r.status,
        household_id=r.household_id, address=address,
        is_head=household is not None and household.head_id == r.id,
        moved_in_on=r.moved_in_on, moved_out_on=r.moved_out_on, died_on=r.died_on, version=r.version,
        full_values=full,
    )


_FIELD_LABELS = {
    "name": "姓名", "id_number": "身份证号码", "sex_code": "性别", "birth_date": "出生日期",
    "ethnicity_code": "民族", "relation_code": "与户主关系", "phone": "电话", "residence_type": "居住类型",
    "employment": "就业状况", "note": "备注", "status": "状态", "household_id": "所在户",
    "group": "人群类别", "moved_in_on": "登记/迁入日期", "moved_out_on": "迁出日期", "died_on": "死亡日期",
}
_HIDDEN_FIELDS = {"name_pinyin", "updated_at", "created_at", "version", "id"}


def history(session: Session, resident_id: int) -> list[HistoryEntry]:
    """The resident's events (登记, 转户, 迁出 …) and every recorded change, newest first.

    Changed ID numbers and phones appear masked.
    """
    access.require_resident(session, Perm.VIEW, resident_id)
    _get(session, resident_id)
    addresses: dict[int, str] = {}

    def address_of(household_id: int) -> str:
        if household_id not in addresses:
            household = session.get(Household, household_id)
            addresses[household_id] = household_address(
                household.building.name, household.unit.name if household.unit else None, household.room,
                household.building.kind,
            ) if household is not None else f"（编号 {household_id}）"
        return addresses[household_id]

    entries = [
        HistoryEntry(m.on_date, m.kind, _describe_movement(m, address_of)) for m in session.scalars(
            select(Movement).where(Movement.resident_id == resident_id)
        )
    ]
    rows = session.execute(
        select(ChangeRow, ChangeSet).join(ChangeSet, ChangeSet.id == ChangeRow.change_set_id)
        .where(
            ChangeRow.resident_id == resident_id,
            or_(
                ChangeRow.table_name == "resident_group",
                and_(ChangeRow.table_name == "resident", ChangeRow.op != "insert"),
            ),
        )
        .order_by(ChangeRow.id)
    ).all()
    for row, change_set in rows:
        text = _describe_change(row, address_of)
        if text:
            entries.append(HistoryEntry(change_set.at, change_set.action, text, change_set.user_name))
    return sorted(entries, key=lambda e: _sort_instant(e.at), reverse=True)


def _sort_instant(value: datetime | date) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, 23, 59, 59)


def _describe_movement(m: Movement, address_of: Callable[[int], str]) -> str:
    """``转户：3号楼1单元101 → 3号楼2单元301；结婚`` — where from, where to, and the note."""
    where = ""
    if m.kind in ("登记", "迁入") and m.to_household_id:
        where = f"{m.kind}到 {address_of(m.to_household_id)}"
    elif m.kind == "转户" and m.from_household_id and m.to_household_id:
        where = f"从 {address_of(m.from_household_id)} 转到 {address_of(m.to_household_id)}"
    elif m.kind == "迁出" and m.from_household_id:
        where = f"从 {address_of(m.from_household_id)} 迁出"
    elif m.kind == "死亡":
        where = "去世"
    elif m.kind == "变更户主" and m.to_household_id:
        where = f"成为 {address_of(m.to_household_id)} 的户主"
    return "；".join(part for part in (where, m.note) if part)


def _show(column: str, value: object, address_of: Callable[[int], str]) -> str:
    if isinstance(value, dict):
        value = next(iter(value.values()))
    if value in (None, ""):
        return "（空）"
    if column == "household_id" and isinstance(value, int):
        return address_of(value)
    if column == "id_number":
        return idnumber.mask(str(value))
    if column == "phone":
        return idnumber.mask_phone(str(value))
    if column == "sex_code":
        return codes.sex().label(str(value))
    if column == "ethnicity_code":
        return codes.ethnicity().label(str(value))
    if column == "relation_code":
        return codes.relation().label(str(value))
    return str(value)


def _describe_change(row: ChangeRow, address_of: Callable[[int], str]) -> str:
    if row.table_name == "resident_group":
        group = (row.before or row.after or {}).get("group", "")
        return f"移出人群类别：{group}" if row.op == "delete" else f"加入人群类别：{group}"
    parts = []
    for column, new in (row.after or {}).items():
        if column in _HIDDEN_FIELDS:
            continue
        old = (row.before or {}).get(column)
        label = _FIELD_LABELS.get(column, column)
        parts.append(f"{label}：{_show(column, old, address_of)} → {_show(column, new, address_of)}")
    return "；".join(parts)
