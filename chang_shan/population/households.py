"""Households: create and edit, the members, changing the head, and who is responsible (三长).

Access (``population.access``): ``Perm.VIEW`` to read, ``Perm.EDIT`` to write; a 网格员 only
reaches households of their grids. ``household_detail`` gives the household's full phone only to
someone who may edit the household (``full_values``); members' ID numbers are always masked.
The 党员家庭户 tag is kept by the party member ledger (``party.households``): the form's value of
it is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import Building, Household, HouseholdTag, Movement, Resident, Unit
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.party.households import PARTY_TAG
from chang_shan.population import access, idnumber, roles, search
from chang_shan.population.addresses import household_address
from chang_shan.population.labels import sync_labels
from chang_shan.population.residents import age_on, validate_phone
from chang_shan.population.text import clean_digits, clean_note, clean_text

ACTIVE = "在册"
MAX_AREA = Decimal("10000")
MAX_ROOM = 50  # the column sizes (PostgreSQL refuses longer text; SQLite would keep it)
MAX_NOTE = 500


@dataclass
class HouseholdInput:
    building_id: int | None = None
    unit_id: int | None = None
    room: str = ""
    area_m2: str | Decimal | None = None  # as typed: "52", "52.5", "５２"
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    relation: str
    sex: str
    age: int | None
    id_number_masked: str
    is_head: bool


@dataclass(frozen=True)
class HouseholdDetail:
    id: int
    building_id: int
    unit_id: int | None
    grid_id: int
    grid_name: str
    room: str
    address: str
    area_m2: Decimal | None
    phone: str
    tags: tuple[str, ...]
    note: str
    head_id: int | None
    version: int
    members: tuple[Member, ...]
    responsible: tuple[roles.Holder, ...]
    full_values: bool = True  # ``phone`` is the full number (the user may edit); else masked

    def as_input(self) -> HouseholdInput:
        return HouseholdInput(self.building_id, self.unit_id, self.room, self.area_m2, self.phone,
                              list(self.tags), self.note)


def parse_area(raw: str | Decimal | None) -> tuple[Decimal | None, str | None]:
    if raw is None or raw == "":
        return None, None
    text = clean_digits(str(raw))  # NFKC: full-width digits to ASCII, and "m²" / "㎡" become "m2"
    for suffix in ("平方米", "平米", "m2", "M2"):
        text = text.removesuffix(suffix)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"面积应为数字（平方米），如 52.5；现在是“{raw}”。"
    if not value.is_finite() or value <= 0 or value > MAX_AREA:
        return None, "面积应大于 0 且小于 10000 平方米。"
    return value.quantize(Decimal("0.01")), None


def validate_household(
    session: Session, data: HouseholdInput, *, household_id: int | None = None
) -> HouseholdInput:
    """Check every field; return a cleaned copy, or raise ``ValidationError``. Needs
    ``Perm.VIEW``; for a 网格员 a building outside their grids is a field error."""
    actor = require(session, Perm.VIEW)
    errors: dict[str, str] = {}
    room = clean_text(data.room)
    building = session.get(Building, data.building_id) if data.building_id else None
    if building is None:
        errors["building_id"] = "请选择楼栋。"
    elif not access.covers(actor, building.grid_id):
        errors["building_id"] = "所选楼栋不在您负责的网格内。"
    elif building.kind == "楼房":
        unit = session.get(Unit, data.unit_id) if data.unit_id else None
        if unit is None or unit.building_id != building.id:
            errors["unit_id"] = "请选择该楼栋的单元。"
    elif data.unit_id is not None:
        errors["unit_id"] = "平房区的户没有单元。"
    if len(room) > MAX_ROOM:
        errors["room"] = f"门牌最多 {MAX_ROOM} 个字，现在是 {len(room)} 个。"
    elif not room:
        errors["room"] = "请填写门牌（楼房填室号，如 301；平房区填地址，如 长山路12号）。"
    elif building is not None and "unit_id" not in errors:
        clash = session.scalar(
            select(Household.id).where(
                Household.building_id == building.id,
                Household.unit_id.is_(None) if data.unit_id is None else Household.unit_id == data.unit_id,
                Household.room == room, Household.dissolved_on.is_(None),
            )
        )
        if clash and clash != household_id:
            errors["room"] = "这个门牌已经有一户了。"
    area, area_error = parse_area(data.area_m2)
    if area_error:
        errors["area_m2"] = area_error
    phone, phone_error = validate_phone(data.phone)
    if phone_error:
        errors["phone"] = phone_error
    note = clean_note(data.note)
    if len(note) > MAX_NOTE:
        errors["note"] = f"备注最多 {MAX_NOTE} 个字，现在是 {len(note)} 个。"
    unknown = [t for t in data.tags if t not in codes.household_tags()]
    if unknown:
        errors["tags"] = "未知的户标签：" + "、".join(unknown) + "。"
    if errors:
        raise ValidationError(errors)
    return replace(data, room=room, area_m2=area, phone=phone, tags=sorted(set(data.tags)),
                   note=note)


def _apply(household: Household, data: HouseholdInput) -> None:
    household.building_id = data.building_id  # type: ignore[assignment]
    household.unit_id = data.unit_id
    household.room = data.room
    household.area_m2 = data.area_m2  # type: ignore[assignment]
    household.phone = data.phone
    household.note = data.note
    # 党员家庭户 follows the party member ledger (party.households), never the form: kept as stored.
    derived = [PARTY_TAG] if PARTY_TAG in household.tag_names else []
    wanted = [tag for tag in data.tags if tag != PARTY_TAG] + derived
    sync_labels(household.tags, wanted, "tag", lambda name: HouseholdTag(tag=name))


def create_household(session: Session, data: HouseholdInput) -> int:
    access.require_building(session, Perm.EDIT, data.building_id)
    clean = validate_household(session, data)
    household = Household()
    _apply(household, clean)
    session.add(household)
    session.flush()
    return household.id


def _get(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound("该户不存在。")
    return household


def update_household(
    session: Session, household_id: int, data: HouseholdInput, *, expected_version: int | None = None
) -> None:
    access.require_household(session, Perm.EDIT, household_id)
    access.require_building(session, Perm.EDIT, data.building_id)  # a 网格员 keeps it in their grids
    household = _get(session, household_id)
    if expected_version is not None and household.version != expected_version:
        raise DomainError("这一户的信息在您编辑期间已被别人修改。请关闭后重新打开再改。")
    if household.dissolved_on is not None:
        raise DomainError("该户已注销，不能修改。")
    clean = validate_household(session, data, household_id=household_id)
    moved = (household.building_id, household.unit_id, household.room) != (clean.building_id, clean.unit_id, clean.room)
    _apply(household, clean)
    session.flush()
    if moved:  # the address is part of every member's search entry
        members = session.scalars(select(Resident.id).where(Resident.household_id == household_id)).all()
        search.index_residents(session, members)


def change_head(
    session: Session, household_id: int, new_head_id: int, *, old_head_relation: str = "",
    on_date: date | None = None,
) -> None:
    """Make ``new_head_id`` the head (户主, GB/T 4761 code 02) in one action.

    The former head stays a member with ``old_head_relation`` (its relation to the new head);
    it must be given when there is a former head.
    """
    access.require_household(session, Perm.EDIT, household_id)
    on_date = on_date or date.today()
    if on_date > date.today():
        raise ValidationError({"on_date": "变更日期不能晚于今天。"})
    household = _get(session, household_id)
    new_head = session.get(Resident, new_head_id)
    if new_head is None or new_head.household_id != household_id or new_head.status != ACTIVE:
        raise ValidationError({"head_id": "新户主必须是本户的在册成员。"})
    if household.head_id == new_head_id:
        raise ValidationError({"head_id": f"{new_head.name}已经是户主。"})
    old_head = session.get(Resident, household.head_id) if household.head_id else None
    if old_head is not None and old_head.status == ACTIVE:
        if old_head_relation not in codes.relation() or old_head_relation == codes.HEAD_RELATION:
            raise ValidationError({"old_head_relation": f"请选择原户主{old_head.name}与新户主的关系。"})
        old_head.relation_code = old_head_relation
    new_head.relation_code = codes.HEAD_RELATION
    household.head_id = new_head_id
    session.add(Movement(resident_id=new_head_id, kind="变更户主", on_date=on_date,
                         from_household_id=household_id, to_household_id=household_id,
                         note=f"原户主：{old_head.name}" if old_head else ""))
    session.flush()


def household_detail(session: Session, household_id: int, *, today: date | None = None) -> HouseholdDetail:
    access.require_household(session, Perm.VIEW, household_id)
    today = today or date.today()
    h = _get(session, household_id)
    full = access.can_edit_household(session, actor_of(session), household_id)
    building = h.building
    members = session.scalars(
        select(Resident).where(Resident.household_id == household_id, Resident.status == ACTIVE)
        .order_by(Resident.relation_code, Resident.birth_date)
    ).all()
    return HouseholdDetail(
        id=h.id, building_id=h.building_id, unit_id=h.unit_id, grid_id=building.grid_id,
        grid_name=building.grid.name, room=h.room,
        address=household_address(building.name, h.unit.name if h.unit else None, h.room, building.kind),
        area_m2=h.area_m2, phone=h.phone if full else idnumber.mask_phone(h.phone), tags=tuple(h.tag_names), note=h.note, head_id=h.head_id,
        version=h.version,
        members=tuple(
            Member(m.id, m.name, codes.relation().label(m.relation_code), codes.sex().label(m.sex_code),
                   age_on(m.birth_date, today), idnumber.mask(m.id_number), m.id == h.head_id)
            for m in members
        ),
        responsible=tuple(roles.responsible_for(session, household_id, on_date=today)),
        full_values=full,
    )
