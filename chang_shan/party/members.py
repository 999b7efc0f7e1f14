"""Party members: add a resident to the ledger, correct the record, and record the dated changes
(``record_event``) that move a member between states.

A member is a resident 在册 of the community, in a 党支部 or 党小组. ``joined_on`` is the 政治生日;
a 预备党员 becomes a 正式党员 by 转正 no earlier than a year after joining (预备期一年). The states:
在册 → 已转出 (转出) / 已故 (去世) / 已出党 (出党); 转入 brings a transferred-out member back. The
organisation relationship: 在本社区, 在社区外 (a 流动党员 living here, ``relation_place`` says
where) or 口袋党员 (找回口袋党员 / 组织关系转入本社区 bring it here; 组织关系转出 sends it away).

Writing needs ``Perm.EDIT`` and, for a 网格员, the member living in their grids. After every
change the 党员家庭户 tag of the member's household is put right (``households``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import PartyMember, PartyMemberEvent, PartyOrg, Resident
from chang_shan.db.models.party import EVENT_KINDS, MEMBER_KINDS, ORG_RELATIONS
from chang_shan.errors import DomainError, ValidationError
from chang_shan.party import households
from chang_shan.party.queries import IN_GOOD_STANDING, member_to_read
from chang_shan.party.shapes import MemberInput
from chang_shan.population import access
from chang_shan.population.residents import age_on, validate_phone
from chang_shan.population.text import clean_note, clean_text
from chang_shan.safety.dates import years_after

__all__ = ["MemberInput", "add_member", "record_event", "update_member", "validate_member"]

STALE = "记录已被他人修改，请刷新后再试。"
ADULT = 18
MAX_NOTE = 500
MAX_PLACE = 100
LEAVING = {"转出": "已转出", "去世": "已故", "出党": "已出党"}
BRINGS_HOME = {"找回口袋党员": "口袋党员", "组织关系转入本社区": "在社区外"}


def validate_member(session: Session, data: MemberInput, *, member_id: int | None = None,
                    today: date | None = None) -> MemberInput:
    """Check every field; a cleaned copy, or ``ValidationError`` naming each bad field. Nothing is
    written (forms call it as the user types: ``Perm.VIEW``)."""
    require(session, Perm.VIEW)
    today = today or date.today()
    errors: dict[str, str] = {}
    resident = session.get(Resident, data.resident_id) if data.resident_id is not None else None
    if resident is None:
        errors["resident_id"] = "请选择居民。"
    elif member_id is None:
        if resident.status != IN_GOOD_STANDING:
            errors["resident_id"] = f"{resident.name}已{resident.status[1:]}：只能登记在册居民为党员。"
        elif session.scalar(select(PartyMember.id).where(PartyMember.resident_id == resident.id)) is not None:
            errors["resident_id"] = f"{resident.name}已在党员名册中。"
    org = session.get(PartyOrg, data.org_id) if data.org_id is not None else None
    if org is None:
        errors["org_id"] = "请选择所在党组织（党支部或党小组）。"
    elif org.level == "党委":
        errors["org_id"] = "党员应编入党支部或党小组，请选择下一级党组织。"
    elif org.dissolved_on is not None:
        errors["org_id"] = f"“{org.name}”已撤销。"
    joined = data.joined_on
    if joined is None:
        errors["joined_on"] = "请填写入党日期（政治生日）。"
    elif joined > today:
        errors["joined_on"] = "入党日期不能晚于今天。"
    elif resident is not None and resident.birth_date is not None and age_on(resident.birth_date, joined) < ADULT:
        errors["joined_on"] = f"入党时应年满十八岁（{resident.name}生于 {resident.birth_date:%Y-%m-%d}）。"
    if data.kind not in MEMBER_KINDS:
        errors["kind"] = "党员类别只能是：" + "、".join(MEMBER_KINDS) + "。"
    elif data.kind == "预备党员" and data.full_on is not None:
        errors["full_on"] = "预备党员还没有转正日期。"
    elif data.full_on is not None and joined is not None and "joined_on" not in errors:
        if data.full_on > today:
            errors["full_on"] = "转正日期不能晚于今天。"
        elif data.full_on < years_after(joined, 1):
            errors["full_on"] = f"预备期为一年：转正日期不能早于 {years_after(joined, 1):%Y-%m-%d}。"
    place = clean_text(data.relation_place)
    if data.org_relation not in ORG_RELATIONS:
        errors["org_relation"] = "组织关系只能是：" + "、".join(ORG_RELATIONS) + "。"
    elif data.org_relation == "在社区外" and not place:
        errors["relation_place"] = "请填写组织关系所在的党组织或单位。"
    elif data.org_relation == "在本社区":
        place = ""
    if len(place) > MAX_PLACE:
        errors["relation_place"] = f"组织关系所在地最多 {MAX_PLACE} 个字，现在是 {len(place)} 个。"
    phone, phone_error = validate_phone(data.phone)
    if phone_error:
        errors["phone"] = phone_error
    note = clean_note(data.note)
    if len(note) > MAX_NOTE:
        errors["note"] = f"备注最多 {MAX_NOTE} 个字，现在是 {len(note)} 个。"
    if errors:
        raise ValidationError(errors)
    return replace(data, relation_place=place, phone=phone, note=note)


def _recorder(session: Session) -> str:
    actor = actor_of(session)
    return actor.username if actor else ""


def _event(session: Session, member: PartyMember, kind: str, on: date, note: str = "") -> None:
    session.add(PartyMemberEvent(member_id=member.id, kind=kind, on_date=on, note=note,
                                 recorded_by=_recorder(session)))


def _household_of(session: Session, member: PartyMember) -> int | None:
    return session.scalar(select(Resident.household_id).where(Resident.id == member.resident_id))


def add_member(session: Session, data: MemberInput, *, today: date | None = None) -> int:
    """Enter a resident in the member ledger (events 入党, and 转正 when ``full_on`` is known).
    Returns the member id."""
    require(session, Perm.EDIT)
    if data.resident_id is not None:
        access.require_resident(session, Perm.EDIT, data.resident_id)
    clean = validate_member(session, data, today=today)
    assert clean.resident_id is not None and clean.org_id is not None and clean.joined_on is not None
    member = PartyMember(resident_id=clean.resident_id, org_id=clean.org_id, joined_on=clean.joined_on,
                         kind=clean.kind, full_on=clean.full_on, org_relation=clean.org_relation,
                         relation_place=clean.relation_place, status=IN_GOOD_STANDING, phone=clean.phone,
                         note=clean.note)
    session.add(member)
    session.flush()
    _event(session, member, "入党", clean.joined_on)
    if clean.full_on is not None:
        _event(session, member, "转正", clean.full_on)
    households.sync_households(session, [_household_of(session, member)])
    return member.id


def member_to_write(session: Session, member_id: int) -> PartyMember:
    return member_to_read(session, member_id, Perm.EDIT)


def update_member(session: Session, member_id: int, version: int, data: MemberInput, *,
                  today: date | None = None) -> None:
    """Correct a member's record (not the resident; the organisation through ``record_event``
    调整党组织 so the history shows the change). Only a member 在册."""
    member = member_to_write(session, member_id)
    if member.version != version:
        raise DomainError(STALE)
    if member.status != IN_GOOD_STANDING:
        raise DomainError(f"该党员{member.status}，记录不能再修改。")
    if data.resident_id != member.resident_id:
        raise ValidationError({"resident_id": "不能更换党员对应的居民。"})
    if data.org_id != member.org_id:
        raise ValidationError({"org_id": "调整所在党组织请用“记录变动 → 调整党组织”。"})
    clean = validate_member(session, data, member_id=member_id, today=today)
    for key in ("joined_on", "kind", "full_on", "org_relation", "relation_place", "phone", "note"):
        if getattr(member, key) != getattr(clean, key):
            setattr(member, key, getattr(clean, key))
    session.flush()


def record_event(session: Session, member_id: int, kind: str, on_date: date, note: str = "", *,
                 org_id: int | None = None, today: date | None = None) -> int:
    """Record a dated change and apply it (see the module docstring). ``org_id``: the new
    organisation of 调整党组织; ``note`` says where to for 转出 and 组织关系转出 (required
    there, and for 其他). Returns the event id."""
    member = member_to_write(session, member_id)
    today = today or date.today()
    note = clean_text(note)
    if kind not in EVENT_KINDS or kind == "入党":
        allowed = [k for k in EVENT_KINDS if k != "入党"]
        raise ValidationError({"kind": "变动类别只能是：" + "、".join(allowed) + "。"})
    if on_date > today:
        raise ValidationError({"on_date": "变动日期不能晚于今天。"})
    if on_date < member.joined_on:
        raise ValidationError({"on_date": f"变动日期不能早于入党日期（{member.joined_on:%Y-%m-%d}）。"})
    if len(note) > 300:
        raise ValidationError({"note": f"说明最多 300 个字，现在是 {len(note)} 个。"})
    if kind == "转入":
        if member.status != "已转出":
            raise DomainError("只有已转出的党员才能转入。")
        member.status, member.status_on = IN_GOOD_STANDING, on_date
    elif member.status != IN_GOOD_STANDING:
        raise DomainError(f"该党员{member.status}，不能再记录{kind}。")
    household_before = _household_of(session, member)
    if kind == "转正":
        if member.kind != "预备党员":
            raise DomainError("该党员已是正式党员。")
        if on_date < years_after(member.joined_on, 1):
            raise ValidationError({"on_date": f"预备期为一年：转正日期不能早于 {years_after(member.joined_on, 1):%Y-%m-%d}。"})
        member.kind, member.full_on = "正式党员", on_date
    elif kind in LEAVING:
        if kind == "转出" and not note:
            raise ValidationError({"note": "请写明转往的党组织。"})
        member.status, member.status_on = LEAVING[kind], on_date
        households.end_posts(session, member.id, on_date)
    elif kind in BRINGS_HOME:
        if member.org_relation != BRINGS_HOME[kind]:
            raise DomainError(f"该党员的组织关系是“{member.org_relation}”，不能记录{kind}。")
        member.org_relation, member.relation_place = "在本社区", ""
    elif kind == "组织关系转出":
        if member.org_relation == "在社区外":
            raise DomainError("该党员的组织关系已在社区外。")
        if not note:
            raise ValidationError({"note": "请写明组织关系转往的党组织或单位。"})
        member.org_relation, member.relation_place = "在社区外", note[:MAX_PLACE]
    elif kind == "调整党组织":
        org = session.get(PartyOrg, org_id) if org_id is not None else None
        if org is None or org.level == "党委" or org.dissolved_on is not None:
            raise ValidationError({"org_id": "请选择调整后的党支部或党小组。"})
        if org.id == member.org_id:
            raise ValidationError({"org_id": "已经在这个党组织。"})
        old = session.get(PartyOrg, member.org_id)
        note = note or f"由“{old.name if old else ''}”调整到“{org.name}”"
        member.org_id = org.id
    elif kind == "其他" and not note:
        raise ValidationError({"note": "请写明变动内容。"})
    event = PartyMemberEvent(member_id=member.id, kind=kind, on_date=on_date, note=note,
                             recorded_by=_recorder(session))
    session.add(event)
    session.flush()
    households.sync_households(session, [household_before])
    return event.id
