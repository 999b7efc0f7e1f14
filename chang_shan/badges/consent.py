"""What the family agreed may go on a resident's 防走失卡 (badge_consent).

Without a recorded consent the office defaults apply (settings ``badges.default_address``,
``badges.default_photo``, ``badges.max_contacts``) and no medical note is printed: a health item
reaches a badge only when the family agreed to it and a user with the health permission wrote it.

Reading needs ``Perm.VIEW`` on the resident; the medical note itself is shown only to users who may
edit the resident or hold ``Perm.HEALTH``. Recording needs ``Perm.EDIT`` (a 网格员 for their grids),
and changing the medical part needs ``Perm.HEALTH`` too. The note never holds an ID number: it is
printed and put in the QR for anyone who finds the elder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of
from chang_shan.badges.shapes import ConsentInput, ConsentRow
from chang_shan.db.models.badges import BadgeConsent
from chang_shan.db.models.health import HealthCondition, HealthProfile
from chang_shan.errors import DomainError, PermissionDenied, ValidationError
from chang_shan.health import codes
from chang_shan.health.checks import check_date, clean_field, column_limit, resident, resident_to_read, resident_to_write
from chang_shan.population import access, idnumber
from chang_shan.settings import get_setting

WHAT = "防走失卡同意书"
STALE = "该居民的防走失卡同意书已被他人修改（或修改已被撤销），请关闭后重新打开再改。"
NEEDS_HEALTH = "修改防走失卡上的健康提示需要“居民健康库”权限，请联系有该权限的同事。"
ID_IN_NOTE = "健康提示中不能包含身份证号。"
MAX_NOTE = column_limit(BadgeConsent, "medical_note")  # 60
MIN_CONTACTS, MAX_CONTACTS = 1, 3
SEPARATOR = "；"
_BATCH = 500

# Conditions a finder must know, most important first (health-disease codes): 糖尿病 (low blood
# sugar looks like confusion), 冠心病 (the heart), 脑卒中, 高血压.
_DIABETES, _HEART, _STROKE, _HYPERTENSION, _OTHER = "3", "4", "7", "2", "13"
_DEMENTIA_WORDS = ("痴呆", "阿尔茨海默", "认知", "失智")
_EPILEPSY_WORDS = ("癫痫",)
_HEART_WORDS = ("心脏病", "心衰", "心力衰竭", "心肌梗", "心梗", "房颤")
_STROKE_WORDS = ("脑卒中", "中风", "脑梗", "脑出血")
_DRUG_ALLERGIES = ("2", "3", "4")  # 青霉素, 磺胺, 链霉素 ('5' 其他: the free text)
_ALLERGY_OTHER = "5"

_DIGIT_RUN = re.compile(r"[0-9]{15,}")
# Digits (and X) that may be grouped by spaces or dashes: '220103 19440408 0672' is a number too.
_GROUPED = re.compile(r"[0-9Xx](?:[\s\-－—_]?[0-9Xx])*")


# --- the ID number check --------------------------------------------------------------------


def contains_id_number(text: str) -> bool:
    """Does ``text`` hold something that is (or may be) a 身份证号: any run of 15 or more digits,
    or a 15/18-character run (spaces or dashes between the groups allowed) that validates as one."""
    plain = unicodedata.normalize("NFKC", text or "")
    if _DIGIT_RUN.search(plain):
        return True
    for match in _GROUPED.finditer(plain):
        chars = idnumber.normalise(match.group(0))
        for size in (15, 18):
            for start in range(len(chars) - size + 1):
                if idnumber.is_valid(chars[start:start + size]):
                    return True
    return False


# --- reading --------------------------------------------------------------------------------


def _defaults(session: Session) -> tuple[bool, bool, int]:
    return (bool(get_setting(session, "badges.default_address")), bool(get_setting(session, "badges.default_photo")),
            int(get_setting(session, "badges.max_contacts")))  # type: ignore[arg-type]


def _default_row(resident_id: int, defaults: tuple[bool, bool, int]) -> ConsentRow:
    address, photo, contacts = defaults
    return ConsentRow(resident_id=resident_id, recorded=False, include_address=address, include_photo=photo,
                      include_medical=False, medical_note="", max_contacts=contacts, given_by="", given_on=None,
                      note="", version=None)


def _row(consent: BadgeConsent, *, show_note: bool = True) -> ConsentRow:
    return ConsentRow(
        resident_id=consent.resident_id, recorded=True, include_address=consent.include_address,
        include_photo=consent.include_photo, include_medical=consent.include_medical,
        medical_note=consent.medical_note if show_note else "", max_contacts=consent.max_contacts,
        given_by=consent.given_by, given_on=consent.given_on, note=consent.note, version=consent.version,
    )


def _stored(session: Session, resident_id: int) -> BadgeConsent | None:
    return session.scalar(select(BadgeConsent).where(BadgeConsent.resident_id == resident_id))


def may_see_note(session: Session, resident_id: int) -> bool:
    """May the signed-in user read this resident's medical note (edit the resident, or health)?"""
    actor = actor_of(session)
    return actor is not None and (actor.can(Perm.HEALTH) or access.can_edit_resident(session, actor, resident_id))


def get_consent(session: Session, resident_id: int) -> ConsentRow:
    """The resident's consent, or the office defaults (``recorded`` False). ``Perm.VIEW``; the
    medical note is '' for a user who may neither edit the resident nor read health data."""
    access.require_resident(session, Perm.VIEW, resident_id)
    resident(session, resident_id)  # NotFound
    consent = _stored(session, resident_id)
    if consent is None:
        return _default_row(resident_id, _defaults(session))
    return _row(consent, show_note=may_see_note(session, resident_id))


def effective_consents(session: Session, resident_ids: Sequence[int]) -> dict[int, ConsentRow]:
    """Every resident's consent (the defaults for those without one), medical note included: for
    the badge batch, whose caller has checked the permissions. A handful of queries for thousands."""
    wanted = list(dict.fromkeys(resident_ids))
    defaults = _defaults(session)
    found: dict[int, ConsentRow] = {}
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start:start + _BATCH]
        for consent in session.scalars(select(BadgeConsent).where(BadgeConsent.resident_id.in_(chunk))):
            found[consent.resident_id] = _row(consent)
    return {rid: found.get(rid) or _default_row(rid, defaults) for rid in wanted}


# --- writing --------------------------------------------------------------------------------


def _validate(
    data: ConsentInput, *, today: date, birth: date | None, medical_note: str,
) -> tuple[dict[str, object], dict[str, str]]:
    """The cleaned values to store and the field errors (Chinese, keyed by ``ConsentInput`` field)."""
    errors: dict[str, str] = {}
    given_by = clean_field(errors, "given_by", "同意人", data.given_by, column_limit(BadgeConsent, "given_by"))
    if not given_by and "given_by" not in errors:
        errors["given_by"] = "请填写同意人（本人或家属，如“儿子 张伟”）。"
    given_on = data.given_on or today
    check_date(errors, "given_on", "同意日期", given_on, today=today, birth=birth)
    contacts = data.max_contacts
    if isinstance(contacts, bool) or not isinstance(contacts, int) or not MIN_CONTACTS <= contacts <= MAX_CONTACTS:
        errors["max_contacts"] = f"卡上印的家属人数应为 {MIN_CONTACTS} 到 {MAX_CONTACTS} 人。"
    if len(medical_note) > MAX_NOTE:
        errors["medical_note"] = f"健康提示最多 {MAX_NOTE} 个字，现在是 {len(medical_note)} 个。"
    elif contains_id_number(medical_note):
        errors["medical_note"] = ID_IN_NOTE
    elif data.include_medical and not medical_note:
        errors["medical_note"] = "选择了印健康提示，请填写健康提示的内容（可点“从健康档案生成”）。"
    note = clean_field(errors, "note", "备注", data.note, column_limit(BadgeConsent, "note"))
    values: dict[str, object] = {
        "include_address": bool(data.include_address), "include_photo": bool(data.include_photo),
        "include_medical": bool(data.include_medical), "medical_note": medical_note, "max_contacts": contacts,
        "given_by": given_by, "given_on": given_on, "note": note,
    }
    return values, errors


def _check_version(consent: BadgeConsent | None, expected_version: int | None) -> None:
    stored = consent.version if consent is not None else None
    if stored != expected_version:
        raise DomainError(STALE)


def _has_medical(consent: BadgeConsent | None) -> bool:
    return consent is not None and (consent.include_medical or bool(consent.medical_note))


def set_consent(
    session: Session, resident_id: int, data: ConsentInput, *, expected_version: int | None = None,
    today: date | None = None,
) -> ConsentRow:
    """Record (or change) what the family agreed may go on the badge.

    ``expected_version`` is the ``ConsentRow.version`` the form was opened with (None: nothing
    recorded then); when the stored consent is not that version any more, ``DomainError`` and
    nothing is written. ``Perm.EDIT`` on the resident (living here); a change of the medical part
    (印健康提示, the note) needs ``Perm.HEALTH`` as well — a user without it passes both unchanged.
    Every field is checked before anything is written (``ValidationError`` naming each)."""
    person = resident_to_write(session, resident_id, what=WHAT, health=False)
    today = today or date.today()
    consent = _stored(session, resident_id)
    _check_version(consent, expected_version)
    note_text = clean_field({}, "medical_note", "健康提示", data.medical_note, 10_000)
    before = (consent.include_medical, consent.medical_note) if consent is not None else (False, "")
    actor = actor_of(session)
    if (bool(data.include_medical), note_text) != before and not (actor and actor.can(Perm.HEALTH)):
        raise PermissionDenied(NEEDS_HEALTH)
    values, errors = _validate(data, today=today, birth=person.birth_date, medical_note=note_text)
    if errors:
        raise ValidationError(errors)
    if consent is None:
        consent = BadgeConsent(resident_id=resident_id)
        session.add(consent)
    for key, value in values.items():
        if getattr(consent, key) != value:
            setattr(consent, key, value)
    session.flush()
    return _row(consent)


def clear_consent(session: Session, resident_id: int) -> ConsentRow:
    """Back to the office defaults: the recorded consent is removed (undoable). ``Perm.EDIT``;
    ``Perm.HEALTH`` too when it carried a medical note."""
    resident_to_write(session, resident_id, what=WHAT, health=False)
    consent = _stored(session, resident_id)
    if _has_medical(consent):
        actor = actor_of(session)
        if actor is None or not actor.can(Perm.HEALTH):
            raise PermissionDenied(NEEDS_HEALTH)
    if consent is not None:
        session.delete(consent)
        session.flush()
    return _default_row(resident_id, _defaults(session))


# --- the suggestion from the health ledger ----------------------------------------------------


def _named(conditions: list[HealthCondition], words: tuple[str, ...]) -> list[str]:
    return [c.name for c in conditions if c.code == _OTHER and any(w in c.name for w in words)]


def _allergies(profile: HealthProfile | None) -> list[str]:
    if profile is None:
        return []
    table = codes.allergy()
    items = [f"{table.label(code, code)}过敏" for code in _DRUG_ALLERGIES if code in (profile.allergies or [])]
    other = (profile.allergy_other or "").strip()
    if _ALLERGY_OTHER in (profile.allergies or []) and other:
        items.extend(f"{part}过敏" if not part.endswith("过敏") else part
                     for part in re.split(r"[、，,；;/\s]+", other) if part)
    return items


def suggest_medical_note(session: Session, resident_id: int) -> str:
    """A medical note from the health ledger: what someone who finds the elder needs to know,
    most important first — 走失风险 and dementia, 糖尿病, 心脏病, 癫痫, 脑卒中, 高血压, drug
    allergies — joined by '；' within 60 characters ('' when nothing applies). ``Perm.HEALTH``."""
    resident_to_read(session, resident_id, Perm.HEALTH)
    profile = session.get(HealthProfile, resident_id)
    conditions = list(session.scalars(
        select(HealthCondition).where(HealthCondition.resident_id == resident_id, HealthCondition.category == "疾病")
        .order_by(HealthCondition.id)
    ))
    coded = {c.code for c in conditions}
    disease = codes.disease()
    items: list[str] = []
    if profile is not None and profile.wandering_risk:
        items.append("走失风险")
    items += _named(conditions, _DEMENTIA_WORDS)
    if _DIABETES in coded:
        items.append(disease.label(_DIABETES, "糖尿病"))
    if _HEART in coded:
        items.append(disease.label(_HEART, "冠心病"))
    items += _named(conditions, _HEART_WORDS)
    items += _named(conditions, _EPILEPSY_WORDS)
    if _STROKE in coded:
        items.append(disease.label(_STROKE, "脑卒中"))
    items += _named(conditions, _STROKE_WORDS)
    if _HYPERTENSION in coded:
        items.append(disease.label(_HYPERTENSION, "高血压"))
    items += _allergies(profile)
    note = ""
    for item in dict.fromkeys(i.strip() for i in items if i.strip()):
        if contains_id_number(item):
            continue
        longer = f"{note}{SEPARATOR}{item}" if note else item
        if len(longer) <= MAX_NOTE:
            note = longer
    return note
