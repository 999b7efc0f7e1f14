"""The will registry (遗嘱库): register, correct, revoke, activate wills, and read them.

Every function needs ``Perm.WILLS``; the ones that write also ``Perm.EDIT``, and a 网格员 reaches
the testators of their grids only. ``check_will`` gives every rule's message (``wills.rules``)
without writing; ``register_will`` and ``update_will`` refuse with all of them at once
(``ValidationError``, keys like ``'witnesses[1].name'``).

The chain of wills (民法典第1142条): of a testator's wills, the one *made* last prevails, whatever
its form (a notarised will no longer takes precedence). After every registration or correction
the testator's wills are settled: each will with a later-made one is 被新遗嘱取代 (``superseded_by``
the next one made after it), the last made is 有效. Wills made the same day are ordered by their
registration. A revoked will (已撤回) keeps its status and still stands in the chain: revoking the
latest will does not bring an earlier one back.

ID numbers and phones come out masked. The dialog edits with ``will_input`` (masked too) and an
unchanged masked value is kept as stored; ``reveal_number`` shows a full one (``Perm.REVEAL``,
audited). ``get_will`` records a 'view' event, so call it in ``Database.transaction``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.audit.events import record_event
from chang_shan.db.base import utcnow
from chang_shan.db.models import Resident
from chang_shan.db.models.wills import WillPerson, WillRegistration, WillWitness
from chang_shan.db.numbering import yearly_number
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population import access
from chang_shan.population.idnumber import mask, mask_phone
from chang_shan.population.text import clean_note
from chang_shan.wills import rules
from chang_shan.wills.queries import (
    ORAL_VOID,
    chain_of,
    get_registration,
    list_wills,
    load_detail,
    will_chain,
    will_to_read,
)
from chang_shan.wills.shapes import PersonInput, WillDetail, WillInput, WitnessInput

__all__ = [
    "activate_will", "check_will", "get_will", "list_wills", "load_detail", "mark_emergency_over",
    "record_viewers_notified", "register_will", "reveal_number", "revoke_will", "update_will", "will_chain",
    "will_input",
]

STALE = "这份遗嘱登记已被他人修改（或撤销了修改），请重新打开后再改。"
SUPERSEDABLE = ("有效", "被新遗嘱取代")


# --- checking -----------------------------------------------------------------------------------


def _stored_values(session: Session, will_id: int | None) -> list[tuple[str, str, str]]:
    """(name, ID number, phone) of the will's witnesses and persons as stored."""
    if will_id is None:
        return []
    rows = session.execute(select(WillWitness.name, WillWitness.id_number, WillWitness.phone)
                           .where(WillWitness.will_id == will_id)).all()
    rows += session.execute(select(WillPerson.name, WillPerson.id_number, WillPerson.phone)
                            .where(WillPerson.will_id == will_id)).all()
    will = session.get(WillRegistration, will_id)
    if will is not None:
        rows.append((will.executor_name, "", will.executor_phone))
    return [tuple(r) for r in rows]


def _unmasked(value: str, name: str, stored: list[tuple[str, str, str]], index: int, masker) -> str:  # noqa: ANN001
    """A masked value the form gave back unchanged → the stored full value (same name)."""
    if "*" not in (value or ""):
        return value
    for stored_name, *values in stored:
        full = values[index]
        if stored_name == name and full and masker(full) == value:
            return full
    return value


def _resolve_masks(session: Session, data: WillInput, will_id: int | None) -> WillInput:
    stored = _stored_values(session, will_id)
    if not stored:
        return data
    witnesses = [
        WitnessInput(w.name, _unmasked(w.id_number, w.name, stored, 0, mask), w.relation,
                     _unmasked(w.phone, w.name, stored, 1, mask_phone), w.not_heir_confirmed,
                     w.no_interest_confirmed, w.capacity_confirmed)
        for w in data.witnesses
    ]
    persons = [
        PersonInput(p.role, p.name, p.relation, _unmasked(p.id_number, p.name, stored, 0, mask),
                    _unmasked(p.phone, p.name, stored, 1, mask_phone))
        for p in data.persons
    ]
    phone = _unmasked(data.executor_phone, data.executor_name, stored, 1, mask_phone)
    copy = WillInput(**{**data.__dict__, "witnesses": witnesses, "persons": persons, "executor_phone": phone})
    return copy


def check_will(session: Session, data: WillInput, *, will_id: int | None = None,
               today: date | None = None) -> list[str]:
    """Every rule's message for ``data`` (empty: it may be saved); nothing is written. ``will_id``:
    the registration being corrected (its masked values count as unchanged)."""
    require(session, Perm.WILLS)
    return list(_problems(session, data, will_id=will_id, today=today or date.today()).values())


def problems_by_field(session: Session, data: WillInput, *, will_id: int | None = None,
                      today: date | None = None) -> dict[str, str]:
    """``check_will`` keyed by field ('made_on', 'witnesses[1].name' …), for messages beside fields."""
    require(session, Perm.WILLS)
    return _problems(session, data, will_id=will_id, today=today or date.today())


def _problems(session: Session, data: WillInput, *, will_id: int | None, today: date) -> dict[str, str]:
    return rules.problems(session, _resolve_masks(session, data, will_id), today=today)


def _validated(session: Session, data: WillInput, *, will_id: int | None, today: date) -> WillInput:
    resolved = _resolve_masks(session, data, will_id)
    errors = rules.problems(session, resolved, today=today)
    if errors:
        raise ValidationError(errors)
    clean = rules.clean(resolved)
    clean.registered_on = clean.registered_on or today
    return clean


# --- writing ----------------------------------------------------------------------------------


def _require_write(session: Session, testator_id: int | None) -> None:
    require(session, Perm.WILLS)
    require(session, Perm.EDIT)
    if testator_id is not None:
        access.require_resident(session, Perm.WILLS, testator_id)
        access.require_resident(session, Perm.EDIT, testator_id)


def _will_to_write(session: Session, will_id: int) -> WillRegistration:
    require(session, Perm.WILLS)
    will = get_registration(session, will_id)
    _require_write(session, will.testator_id)
    return will


def next_number(session: Session, year: int) -> str:
    """'YZ2026-0008': the year's next registration number."""
    return yearly_number(session, WillRegistration.number, "YZ", year, width=4)


def _apply(session: Session, will: WillRegistration, clean: WillInput) -> None:
    for name in ("form", "made_on", "registered_on", "executor_name", "executor_phone", "custody_kind", "cabinet",
                 "file_number", "custody_note", "notary_office", "notary_certificate", "capacity_note",
                 "emergency_note", "note", "checks_confirmed"):
        setattr(will, name, getattr(clean, name))
    if will.id is not None:
        will.updated_at = utcnow()  # the row changes even when only its witnesses do: a new version
        for model in (WillWitness, WillPerson):
            for row in session.scalars(select(model).where(model.will_id == will.id)):
                session.delete(row)
        session.flush()
    else:
        session.add(will)
        session.flush()
    for i, w in enumerate(clean.witnesses):
        session.add(WillWitness(will_id=will.id, position=i, name=w.name, id_number=w.id_number, relation=w.relation,
                                phone=w.phone, not_heir_confirmed=w.not_heir_confirmed,
                                no_interest_confirmed=w.no_interest_confirmed, capacity_confirmed=w.capacity_confirmed))
    positions: dict[str, int] = {}
    for p in clean.persons:
        positions[p.role] = positions.get(p.role, -1) + 1
        session.add(WillPerson(will_id=will.id, role=p.role, position=positions[p.role], name=p.name,
                               relation=p.relation, id_number=p.id_number, phone=p.phone))


def settle_chain(session: Session, testator_id: int) -> dict[int, tuple[str, str]]:
    """Statuses after 第1142条 (see the module docstring): will id → (before, after) of each will
    whose status changed. Revoked and activated wills keep theirs."""
    session.flush()
    chain = chain_of(session, testator_id)
    changed = {}
    for i, will in enumerate(chain):
        if will.status not in SUPERSEDABLE:
            continue
        later = chain[i + 1] if i + 1 < len(chain) else None
        status, by = ("被新遗嘱取代", later.id) if later is not None else ("有效", None)
        if (will.status, will.superseded_by_id) != (status, by):
            if will.status != status:
                changed[will.id] = (will.status, status)
            will.status, will.superseded_by_id = status, by
    session.flush()
    return changed


def _chain_warnings(session: Session, will: WillRegistration, changed: dict[int, tuple[str, str]]) -> list[str]:
    chain = chain_of(session, will.testator_id)
    found = []
    if will.status == "被新遗嘱取代" and will.superseded_by_id:
        later = session.get(WillRegistration, will.superseded_by_id)
        assert later is not None
        found.append(f"这份遗嘱立于 {will.made_on:%Y-%m-%d}，早于已登记的 {later.number}（立于 {later.made_on:%Y-%m-%d}）："
                     "立有数份遗嘱且内容相抵触的，以最后所立的遗嘱为准（民法典第1142条），"
                     "因此登记为“被新遗嘱取代”。")
    for other in chain:
        if other.id != will.id and changed.get(other.id) == ("有效", "被新遗嘱取代"):
            found.append(f"{other.number}（{other.form}遗嘱，立于 {other.made_on:%Y-%m-%d}）已被这份遗嘱取代："
                         "以最后所立的遗嘱为准，公证遗嘱也不例外（民法典第1142条）。")
        elif other.id != will.id and changed.get(other.id) == ("被新遗嘱取代", "有效"):
            found.append(f"{other.number}（立于 {other.made_on:%Y-%m-%d}）现在是最后所立的遗嘱，恢复为“有效”。")
        if other.id != will.id and other.made_on == will.made_on and other.status != "已撤回":
            found.append(f"{other.number} 与这份遗嘱是同一天所立，按登记先后排列；请核对两份遗嘱上写明的时间。")
    return found


def register_will(session: Session, data: WillInput, *, today: date | None = None) -> WillDetail:
    """Register a will (number 'YZ<year>-<seq>'); the testator's chain is settled (第1142条) and the
    detail's ``warnings`` say what changed."""
    today = today or date.today()
    require(session, Perm.WILLS)
    _require_write(session, data.testator_id)
    clean = _validated(session, data, will_id=None, today=today)
    actor = actor_of(session)
    assert clean.registered_on is not None and clean.testator_id is not None
    will = WillRegistration(number=next_number(session, clean.registered_on.year), testator_id=clean.testator_id,
                            registered_by=actor.username if actor else "", status="有效")
    _apply(session, will, clean)
    changed = settle_chain(session, clean.testator_id)
    warnings = _chain_warnings(session, will, changed)
    return load_detail(session, will.id, today=today, warnings=tuple(warnings))


def update_will(session: Session, will_id: int, data: WillInput, *, expected_version: int,
                today: date | None = None) -> WillDetail:
    """Correct a registration (its witnesses and persons become those in ``data``); the chain is
    settled again, since the date made may have changed. Not once activated (已启用)."""
    today = today or date.today()
    will = _will_to_write(session, will_id)
    if will.version != expected_version:
        raise DomainError(STALE)
    if will.status == "已启用":
        raise DomainError(f"{will.number} 已在立遗嘱人去世后启用，登记内容不能再修改。")
    if data.testator_id != will.testator_id:
        raise ValidationError({"testator_id": "登记后不能更换立遗嘱人：请撤回这份登记，再为正确的居民登记。"})
    clean = _validated(session, data, will_id=will_id, today=today)
    _apply(session, will, clean)
    changed = settle_chain(session, will.testator_id)
    return load_detail(session, will.id, today=today, warnings=tuple(_chain_warnings(session, will, changed)))


def _check_day(on: date, *, today: date, after: date | None, after_text: str, what: str) -> None:
    if on > today:
        raise ValidationError({"on": f"{what}日期不能晚于今天。"})
    if after is not None and on < after:
        raise ValidationError({"on": f"{what}日期不能早于{after_text}（{after:%Y-%m-%d}）。"})


def _testator(session: Session, will: WillRegistration) -> Resident:
    testator = session.get(Resident, will.testator_id)
    if testator is None:
        raise NotFound("该居民不存在。")
    return testator


def revoke_will(session: Session, will_id: int, *, on: date, note: str = "",
                today: date | None = None) -> WillDetail:
    """The testator revoked the will (第1142条) on ``on``. Earlier wills stay as they are."""
    today = today or date.today()
    will = _will_to_write(session, will_id)
    if will.status not in SUPERSEDABLE:
        raise DomainError(f"{will.number} {will.status}，不能撤回。")
    testator = _testator(session, will)
    _check_day(on, today=today, after=will.made_on, after_text="立遗嘱日期", what="撤回")
    if testator.died_on is not None and on > testator.died_on:
        raise ValidationError({"on": f"撤回日期不能晚于立遗嘱人去世的日期（{testator.died_on:%Y-%m-%d}）：遗嘱只能由本人撤回。"})
    text = clean_note(note)
    if len(text) > (limit := rules._limit("revocation_note")):
        raise ValidationError({"note": f"撤回说明最多 {limit} 个字，现在是 {len(text)} 个。"})
    was_valid = will.status == "有效"
    will.status, will.revoked_on, will.revocation_note = "已撤回", on, text
    session.flush()
    warnings = []
    earlier = [w for w in chain_of(session, will.testator_id) if w.status == "被新遗嘱取代" and w.made_on <= will.made_on]
    if was_valid:
        note_earlier = ""
        if earlier:
            numbers = "、".join(w.number for w in earlier)
            note_earlier = f"此前的 {numbers} 仍记为“被新遗嘱取代”，不会因撤回而自动恢复；如立遗嘱人希望以其为准，请其重新订立遗嘱并登记。"
        warnings.append(f"{testator.name}目前没有有效的遗嘱登记。" + note_earlier)
    return load_detail(session, will.id, today=today, warnings=tuple(warnings))


def mark_emergency_over(session: Session, will_id: int, *, on: date, today: date | None = None) -> WillDetail:
    """The emergency of an oral will ended on ``on``: from then the testator could make another
    form, and the oral will is flagged 口头遗嘱已无效 (第1138条); its status stays."""
    today = today or date.today()
    will = _will_to_write(session, will_id)
    if will.form != "口头":
        raise DomainError(f"{will.number} 是{will.form}遗嘱：只有口头遗嘱才有“危急情况消除”（民法典第1138条）。")
    if will.emergency_over_on is not None:
        raise DomainError(f"{will.number} 的危急情况已记录于 {will.emergency_over_on:%Y-%m-%d} 消除。")
    _check_day(on, today=today, after=will.made_on, after_text="立遗嘱日期", what="危急情况消除")
    will.emergency_over_on = on
    session.flush()
    return load_detail(session, will.id, today=today)


def activate_will(session: Session, will_id: int, *, on: date, today: date | None = None) -> WillDetail:
    """The testator has died: the valid will is put into effect (已启用) on ``on``."""
    today = today or date.today()
    will = _will_to_write(session, will_id)
    testator = _testator(session, will)
    if testator.died_on is None:
        raise DomainError(f"{testator.name}在世：遗嘱只能在立遗嘱人去世后启用。请先在万家数据库登记死亡。")
    if will.status != "有效":
        raise DomainError(f"{will.number} {will.status}，只有有效的遗嘱才能启用。")
    if will.form == "口头" and will.emergency_over_on is not None:
        raise DomainError(f"{will.number} 是口头遗嘱，危急情况已于 {will.emergency_over_on:%Y-%m-%d} 消除，"
                          "已无效（民法典第1138条），不能启用。")
    _check_day(on, today=today, after=testator.died_on, after_text="立遗嘱人去世的日期", what="启用")
    will.status, will.activated_on = "已启用", on
    session.flush()
    return load_detail(session, will.id, today=today)


def record_viewers_notified(session: Session, will_id: int, *, on: date, today: date | None = None) -> WillDetail:
    """The named viewers and collectors were told of the will on ``on`` (after the death)."""
    today = today or date.today()
    will = _will_to_write(session, will_id)
    testator = _testator(session, will)
    if testator.died_on is None:
        raise DomainError(f"{testator.name}在世：立遗嘱人去世后才通知遗嘱查看人。")
    if will.status not in ("有效", "已启用"):
        raise DomainError(f"{will.number} {will.status}，不必通知查看人。")
    if will.viewers_notified_on is not None:
        raise DomainError(f"已于 {will.viewers_notified_on:%Y-%m-%d} 通知过查看人。")
    _check_day(on, today=today, after=testator.died_on, after_text="立遗嘱人去世的日期", what="通知")
    will.viewers_notified_on = on
    session.flush()
    return load_detail(session, will.id, today=today)


# --- reading ----------------------------------------------------------------------------------


def get_will(session: Session, will_id: int, *, today: date | None = None) -> WillDetail:
    """The detail, recording a 'view' event ("查看遗嘱登记 YZ2026-0007"): call in a transaction."""
    detail = load_detail(session, will_id, today=today)
    record_event(session, "view", f"查看遗嘱登记 {detail.number}", resident_id=detail.row.testator_id,
                 detail={"will": detail.number})
    return detail


def will_input(session: Session, will_id: int) -> WillInput:
    """The registration as the dialog edits it (ID numbers and phones masked; given back
    unchanged they stay as stored). ``Perm.WILLS`` and ``Perm.EDIT`` for the testator."""
    will = _will_to_write(session, will_id)
    witnesses = session.scalars(select(WillWitness).where(WillWitness.will_id == will.id)
                                .order_by(WillWitness.position, WillWitness.id))
    persons = session.scalars(select(WillPerson).where(WillPerson.will_id == will.id)
                              .order_by(WillPerson.role, WillPerson.position, WillPerson.id))
    return WillInput(
        testator_id=will.testator_id, form=will.form, made_on=will.made_on, registered_on=will.registered_on,
        executor_name=will.executor_name, executor_phone=mask_phone(will.executor_phone),
        custody_kind=will.custody_kind, cabinet=will.cabinet, file_number=will.file_number,
        custody_note=will.custody_note, notary_office=will.notary_office, notary_certificate=will.notary_certificate,
        capacity_note=will.capacity_note, emergency_note=will.emergency_note, note=will.note,
        witnesses=[WitnessInput(w.name, mask(w.id_number), w.relation, mask_phone(w.phone), w.not_heir_confirmed,
                                w.no_interest_confirmed, w.capacity_confirmed) for w in witnesses],
        persons=[PersonInput(p.role, p.name, p.relation, mask(p.id_number), mask_phone(p.phone)) for p in persons],
        checks_confirmed=will.checks_confirmed,
    )


REVEALABLE = {"id_number": "身份证号", "phone": "电话"}


def reveal_number(session: Session, will_id: int, *, witness: bool, position: int, field: str = "id_number") -> str:
    """A witness's (``witness``) or named person's full ID number or phone: ``Perm.REVEAL`` and
    ``Perm.WILLS``, audited (the event names the will and the person, never the value)."""
    if field not in REVEALABLE:
        raise ValueError(f"not revealable: {field}")
    will = will_to_read(session, will_id)
    access.require_resident(session, Perm.REVEAL, will.testator_id)
    model = WillWitness if witness else WillPerson
    rows = list(session.scalars(select(model).where(model.will_id == will_id)
                                .order_by(*((model.position, model.id) if witness else
                                            (WillPerson.role, model.position, model.id)))))
    if not 0 <= position < len(rows):
        raise NotFound("该见证人或人员不存在。")
    person = rows[position]
    who = "见证人" if witness else person.role  # type: ignore[union-attr]
    record_event(session, "reveal", f"查看完整{REVEALABLE[field]} {will.number} {who}{person.name}",
                 resident_id=will.testator_id, detail={"will": will.number, "field": field})
    return getattr(person, field) or ""


__all__ += ["ORAL_VOID", "problems_by_field", "settle_chain", "next_number"]
