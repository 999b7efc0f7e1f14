"""Reading the will registry: list lines, a testator's chain of wills and the full detail.

Everything needs ``Perm.WILLS``; a 网格员 (holding it) reaches the testators of their grids only.
ID numbers and phones of witnesses, persons and the executor come out masked. ``get_will`` (in
``registry``) adds the audited 'view' event; ``load_detail`` here is the same detail without it,
for a print (which records its own event) or the screen's refresh right after a change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan.accounts.permissions import Perm, require
from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import Resident
from chang_shan.db.models.accounts import UserAccount
from chang_shan.db.models.wills import (
    WILL_FORMS,
    WILL_STATUSES,
    WillAttachment,
    WillPerson,
    WillRegistration,
    WillWitness,
)
from chang_shan.errors import NotFound, ValidationError
from chang_shan import codes
from chang_shan.population import access
from chang_shan.population.idnumber import mask, mask_phone
from chang_shan.population.residents import age_on
from chang_shan.wills.shapes import AttachmentRow, PersonRow, WillDetail, WillRow, WitnessRow

ORAL_VOID = "口头遗嘱已无效"
DEAD = "立遗嘱人已故"
TO_NOTIFY = "待通知查看人"
UNCHECKED = "登记核对未确认"
LIVE_STATUSES = ("有效", "已启用")  # a will that can still be acted on after death


def custody_text(will: Any) -> str:
    """'档案柜 A-03 卷宗 0012' / '家属保管：长子李强' / '公证处：长春市长春公证处'."""
    if will.custody_kind == "档案柜":
        parts = [p for p in (will.cabinet, f"卷宗 {will.file_number}" if will.file_number else "") if p]
        return " ".join(["档案柜", *parts])
    if will.custody_kind == "公证处":
        return f"公证处：{will.notary_office}" if will.notary_office else "公证处"
    return f"家属保管：{will.custody_note}" if will.custody_note else "家属保管"


def flags(will: Any, *, died_on: date | None, today: date) -> tuple[str, ...]:
    found = []
    if will.form == "口头" and will.emergency_over_on is not None and will.emergency_over_on <= today:
        found.append(ORAL_VOID)
    if died_on is not None and will.status in LIVE_STATUSES:
        found.append(DEAD)
        if will.viewers_notified_on is None:
            found.append(TO_NOTIFY)
    if not will.checks_confirmed:
        found.append(UNCHECKED)
    return tuple(found)


def _row(will: WillRegistration, testator: Any, numbers: dict[int, str], today: date) -> WillRow:
    alive = testator.died_on is None and testator.status != "已故"
    age = age_on(testator.birth_date, today if alive else (testator.died_on or today))
    return WillRow(
        id=will.id, number=will.number, testator_id=will.testator_id, testator_name=testator.name,
        testator_age=age, testator_alive=alive, form=will.form, article=WILL_FORMS[will.form],
        made_on=will.made_on, registered_on=will.registered_on, status=will.status,
        flags=flags(will, died_on=testator.died_on, today=today), custody=custody_text(will),
        superseded_by_number=numbers.get(will.superseded_by_id or 0, ""),
    )


def _rows(session: Session, wills: list[WillRegistration], today: date) -> list[WillRow]:
    testator_ids = {w.testator_id for w in wills}
    testators = {r.id: r for r in session.execute(
        select(Resident.id, Resident.name, Resident.birth_date, Resident.died_on, Resident.status)
        .where(Resident.id.in_(testator_ids))
    )} if testator_ids else {}
    later = {w.superseded_by_id for w in wills if w.superseded_by_id}
    numbers = dict(session.execute(
        select(WillRegistration.id, WillRegistration.number).where(WillRegistration.id.in_(later))
    ).all()) if later else {}
    return [_row(w, testators[w.testator_id], numbers, today) for w in wills]


def get_registration(session: Session, will_id: int) -> WillRegistration:
    will = session.get(WillRegistration, will_id)
    if will is None:
        raise NotFound("该遗嘱登记不存在。")
    return will


def will_to_read(session: Session, will_id: int) -> WillRegistration:
    """``Perm.WILLS`` (and for a 网格员 the testator's grid), then the registration or NotFound."""
    require(session, Perm.WILLS)
    will = get_registration(session, will_id)
    access.require_resident(session, Perm.WILLS, will.testator_id)
    return will


def list_wills(session: Session, *, status: str | None = None, form: str | None = None, text: str = "",
               testator_id: int | None = None, today: date | None = None) -> list[WillRow]:
    """Registrations, newest registered first; ``text`` matches the number, the testator's name
    (or its pinyin) or the cabinet file number."""
    require(session, Perm.WILLS)
    if status is not None and status not in WILL_STATUSES:
        raise ValidationError({"status": "状态只能是：" + "、".join(WILL_STATUSES) + "。"})
    if form is not None and form not in WILL_FORMS:
        raise ValidationError({"form": "遗嘱形式只能是：" + "、".join(WILL_FORMS) + "。"})
    testator = aliased(Resident)
    query = select(WillRegistration).join(testator, testator.id == WillRegistration.testator_id)
    if status:
        query = query.where(WillRegistration.status == status)
    if form:
        query = query.where(WillRegistration.form == form)
    if testator_id is not None:
        query = query.where(WillRegistration.testator_id == testator_id)
    needle = (text or "").strip()
    if needle:
        like = f"%{needle}%"
        query = query.where(or_(WillRegistration.number.ilike(like), testator.name.like(like),
                                testator.name_pinyin.ilike(f"%{needle.lower()}%"),
                                WillRegistration.file_number.like(like)))
    if access.scoped(actor := require(session, Perm.WILLS)):
        query = query.where(testator.household_id.in_(access.households_in_scope(actor)))
    query = query.order_by(WillRegistration.registered_on.desc(), WillRegistration.id.desc())
    return _rows(session, list(session.scalars(query)), today or date.today())


def chain_of(session: Session, testator_id: int) -> list[WillRegistration]:
    """The testator's registrations, the earliest made first (same day: registered first)."""
    return list(session.scalars(
        select(WillRegistration).where(WillRegistration.testator_id == testator_id)
        .order_by(WillRegistration.made_on, WillRegistration.id)
    ))


def will_chain(session: Session, testator_id: int, *, today: date | None = None) -> list[WillRow]:
    """Every will of one testator, the earliest made first — the chain of 第1142条."""
    access.require_resident(session, Perm.WILLS, testator_id)
    return _rows(session, chain_of(session, testator_id), today or date.today())


def _attachment_row(a: WillAttachment) -> AttachmentRow:
    return AttachmentRow(id=a.id, will_id=a.will_id, kind=a.kind, original_name=a.original_name, size=a.size,
                         sha256=a.sha256, added_at=a.added_at)


def _address(session: Session, testator_id: int) -> str:
    place = Whereabouts()
    row = session.execute(place.join(select(Resident.id, *place.columns())).where(Resident.id == testator_id)).one()
    return place.address(row)


def load_detail(session: Session, will_id: int, *, today: date | None = None,
                warnings: tuple[str, ...] = ()) -> WillDetail:
    """The full detail (masked), without an audit event. ``Perm.WILLS`` and the testator's grid."""
    today = today or date.today()
    will = will_to_read(session, will_id)
    testator = session.get(Resident, will.testator_id)
    assert testator is not None
    chain = _rows(session, chain_of(session, will.testator_id), today)
    row = next(r for r in chain if r.id == will.id)
    witnesses = session.scalars(select(WillWitness).where(WillWitness.will_id == will.id)
                                .order_by(WillWitness.position, WillWitness.id))
    persons = session.scalars(select(WillPerson).where(WillPerson.will_id == will.id)
                              .order_by(WillPerson.role, WillPerson.position, WillPerson.id))
    attachments = session.scalars(select(WillAttachment).where(WillAttachment.will_id == will.id)
                                  .order_by(WillAttachment.id))
    registrar = session.scalar(select(UserAccount.display_name).where(UserAccount.username == will.registered_by)) or ""
    return WillDetail(
        row=row, version=will.version, testator_gender=codes.sex().label(testator.sex_code, ""),
        testator_address=_address(session, testator.id), registered_by=will.registered_by,
        registered_by_name=registrar, executor_name=will.executor_name, executor_phone=mask_phone(will.executor_phone),
        custody_kind=will.custody_kind, cabinet=will.cabinet, file_number=will.file_number,
        custody_note=will.custody_note, notary_office=will.notary_office, notary_certificate=will.notary_certificate,
        capacity_note=will.capacity_note, emergency_note=will.emergency_note,
        emergency_over_on=will.emergency_over_on, checks_confirmed=will.checks_confirmed,
        revoked_on=will.revoked_on, revocation_note=will.revocation_note, activated_on=will.activated_on,
        viewers_notified_on=will.viewers_notified_on, testator_died_on=testator.died_on, note=will.note,
        witnesses=tuple(
            WitnessRow(w.position, w.name, mask(w.id_number), w.relation, mask_phone(w.phone), w.not_heir_confirmed,
                       w.no_interest_confirmed, w.capacity_confirmed) for w in witnesses),
        persons=tuple(PersonRow(p.role, p.position, p.name, p.relation, mask(p.id_number), mask_phone(p.phone))
                      for p in persons),
        attachments=tuple(_attachment_row(a) for a in attachments),
        chain=tuple(chain), warnings=warnings + standing_warnings(will, row),
    )


def standing_warnings(will: WillRegistration, row: WillRow) -> tuple[str, ...]:
    """What the detail panel says about this will whatever the last action was."""
    found = []
    if will.form == "口头" and ORAL_VOID in row.flags:
        found.append(f"危急情况已于 {will.emergency_over_on:%Y-%m-%d} 消除，立遗嘱人能够以书面或者录音录像形式"
                     "立遗嘱，此口头遗嘱无效（民法典第1138条）。请提醒其另立遗嘱。")
    elif will.form == "口头" and will.status == "有效":
        found.append("口头遗嘱只在危急情况下有效：危急情况消除后，立遗嘱人能够以书面或者录音录像形式立遗嘱的，"
                     "口头遗嘱无效（民法典第1138条）。危急情况消除时请点“紧急情况已消除”。")
    if will.status == "被新遗嘱取代" and row.superseded_by_number:
        found.append(f"已被 {row.superseded_by_number} 取代：立有数份遗嘱且内容相抵触的，以最后所立的遗嘱为准"
                     "（民法典第1142条）。")
    if TO_NOTIFY in row.flags:
        found.append("立遗嘱人已故，请通知遗嘱查看人、提取人，通知后点“已通知查看人”。")
    return tuple(found)
