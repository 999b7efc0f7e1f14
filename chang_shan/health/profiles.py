"""A resident's health profile (个人基本信息表): read, check and save it, with its 既往史 lines and
家族史; and who has a given disease.

Reading needs ``Perm.HEALTH``, saving also ``Perm.EDIT``; a 网格员 reaches only the residents of
their grids. Bad input raises ``ValidationError`` (Chinese messages keyed by field: ``blood_type``,
``conditions[0].name``, ``family_history[父亲]`` …) before anything is written. A save replaces the
conditions and the family history with the ones given; rows that stay the same are left alone, so
the audit trail shows only what changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.codes import CodeTable
from chang_shan.db.base import utcnow
from chang_shan.db.models import Resident
from chang_shan.db.models.health import (
    CONDITION_CATEGORIES, RELATIVES, HealthCondition, HealthFamilyHistory, HealthProfile,
)
from chang_shan.errors import DomainError, ValidationError
from chang_shan.health import codes
from chang_shan.health.checks import (
    check_date, clean_field, column_limit, resident_to_read, resident_to_write,
)
from chang_shan.health.selfcare import latest_self_care
from chang_shan.health.shapes import ConditionInput, ProfileDetail, ProfileInput
from chang_shan.population import access
from chang_shan.population.residents import age_on, validate_phone
from chang_shan.population.text import clean_note, clean_text

STALE = "该居民的健康档案已被他人修改（或修改已被撤销），请关闭后重新打开再改。"
NAMED_DISEASES = ("6", "13")  # 恶性肿瘤 (the site) and 其他 need a name
OTHER_TEXT = {  # multi-choice field → (its 其他 code, the text field it needs, the label)
    "payment": ("8", "payment_other", "其他支付方式"),
    "allergies": ("5", "allergy_other", "其他过敏药物"),
    "disabilities": ("8", "disability_other", "其他残疾"),
}

# Single-choice codes: field → (code table, label, may be left empty).
_SINGLE: dict[str, tuple[str, str, bool]] = {
    "blood_type": ("blood_type", "血型", False), "rh": ("rh", "RH血型", False),
    "marital_code": ("marital", "婚姻状况", True), "education_code": ("education", "文化程度", True),
    "kitchen_code": ("kitchen", "厨房排风设施", True), "fuel_code": ("fuel", "燃料类型", True),
    "water_code": ("water", "饮水", True), "toilet_code": ("toilet", "厕所", True),
    "livestock_code": ("livestock", "禽畜栏", True),
}
# Multi-choice codes: field → (code table, label, '1' 无 stands alone).
_MULTI: dict[str, tuple[str, str, bool]] = {
    "payment": ("payment", "医疗费用支付方式", False), "allergies": ("allergy", "药物过敏史", True),
    "exposures": ("exposure", "暴露史", True), "disabilities": ("disability", "残疾情况", True),
}
# Free text on the profile: field → (label, keeps line breaks).
_TEXT: dict[str, tuple[str, bool]] = {
    "exposure_note": ("暴露史说明", False), "genetic_disease": ("遗传病史", False),
    "family_doctor": ("家庭医生", False), "medication": ("用药情况", True), "note": ("备注", True),
}
_COPIED = tuple(_SINGLE) + tuple(_MULTI) + tuple(_TEXT) + (
    "payment_other", "allergy_other", "disability_other", "family_doctor_phone", "wandering_risk",
)


def _table(name: str) -> CodeTable:
    return getattr(codes, name)()


# --- checking -------------------------------------------------------------------------------


def _multi(errors: dict[str, str], key: str, table: CodeTable, label: str, chosen: list[str], alone: bool) -> list[str]:
    """The chosen codes in the table's order, once each."""
    unknown = [c for c in chosen if c not in table]
    if unknown:
        errors[key] = f"{label}中有无效的代码：" + "、".join(map(str, unknown)) + "。"
        return list(chosen)
    picked = [c for c in table.codes() if c in set(chosen)]
    if alone and codes.NONE_CODE in picked and len(picked) > 1:
        errors[key] = f"{label}选了“{table.label(codes.NONE_CODE)}”，就不能再选其他项。"
    return picked


def _condition_order(line: ConditionInput) -> tuple:
    return (CONDITION_CATEGORIES.index(line.category), line.on_date or date.max,
            int(line.code) if line.code.isdigit() else 0, line.name, line.note)


def _conditions(
    errors: dict[str, str], lines: list[ConditionInput], today: date, birth: date | None,
) -> list[ConditionInput]:
    name_limit = column_limit(HealthCondition, "name")
    note_limit = column_limit(HealthCondition, "note")
    clean: list[tuple[int, ConditionInput]] = []  # (position in ``lines``, cleaned line)
    for i, line in enumerate(lines):
        key = f"conditions[{i}]"
        name = clean_field(errors, f"{key}.name", "名称", line.name, name_limit)
        note = clean_field(errors, f"{key}.note", "备注", line.note, note_limit)
        on_date = line.on_date.replace(day=1) if line.on_date else None
        code = (line.code or "").strip()
        if line.category not in CONDITION_CATEGORIES:
            errors[f"{key}.category"] = "既往史的类别只能是：" + "、".join(CONDITION_CATEGORIES) + "。"
            continue
        if line.category == "疾病":
            if not code:
                errors[f"{key}.code"] = "请选择疾病。"
            elif code not in codes.disease():
                errors[f"{key}.code"] = f"无效的疾病代码：{code}。"
            elif code == codes.NONE_CODE:
                errors[f"{key}.code"] = "“无”不是一条既往史：没有疾病时不填即可。"
            elif code in NAMED_DISEASES and not name and f"{key}.name" not in errors:
                what = "肿瘤部位" if code == "6" else "疾病名称"
                errors[f"{key}.name"] = f"{codes.disease().label(code)}请填写{what}。"
        else:
            code = ""
            if not name and f"{key}.name" not in errors:
                errors[f"{key}.name"] = f"请填写{line.category}的名称或原因。"
        what = "确诊时间" if line.category == "疾病" else f"{line.category}时间"
        check_date(errors, f"{key}.on_date", what, on_date, today=today, birth=birth, month_only=True)
        clean.append((i, ConditionInput(category=line.category, code=code, name=name, on_date=on_date, note=note)))
    seen: set[tuple] = set()
    for i, line in clean:
        same = (line.category, line.code, line.name, line.on_date)
        if same in seen:
            errors.setdefault(f"conditions[{i}]", "这一条既往史与前面的重复了。")
        seen.add(same)
    return sorted((c for _i, c in clean), key=_condition_order)


def _family(errors: dict[str, str], history: dict[str, list[str]]) -> dict[str, list[str]]:
    table = codes.family_disease()
    clean: dict[str, list[str]] = {}
    for relative, chosen in history.items():
        key = f"family_history[{relative}]"
        if relative not in RELATIVES:
            errors[key] = "家族史只记录：" + "、".join(RELATIVES) + "。"
            continue
        picked = _multi(errors, key, table, f"家族史（{relative}）", list(chosen or []), alone=True)
        if picked:
            clean[relative] = picked
    return {r: clean[r] for r in RELATIVES if r in clean}


def validate_profile(
    session: Session, data: ProfileInput, *, resident_id: int | None = None, today: date | None = None,
) -> ProfileInput:
    """A cleaned copy of ``data``, or ``ValidationError`` naming every bad field.

    Codes must be in their tables; '1' (无 / 无残疾) stands alone in a multi-choice answer; a chosen
    其他 needs its text (and the text is dropped when 其他 is not chosen); dates of 既往史 are kept
    to the month (day 1), not in the future and — with ``resident_id`` — not before the birth date.
    Needs ``Perm.HEALTH``."""
    birth = None
    if resident_id is not None:
        birth = resident_to_read(session, resident_id).birth_date
    else:
        access.require(session, Perm.HEALTH)
    today = today or date.today()
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for field, (table, label, optional) in _SINGLE.items():
        code = (getattr(data, field) or "").strip()
        if not (optional and code == "") and code not in _table(table):
            errors[field] = f"请从列表中选择{label}。"
        values[field] = code
    for field, (table, label, alone) in _MULTI.items():
        values[field] = _multi(errors, field, _table(table), label, list(getattr(data, field) or []), alone)
    for field, (code, text_field, label) in OTHER_TEXT.items():
        text = clean_field(errors, text_field, label, getattr(data, text_field),
                           column_limit(HealthProfile, text_field))
        if code not in values[field]:  # type: ignore[operator]
            text = ""
            errors.pop(text_field, None)
        elif not text:
            errors[text_field] = f"选了“其他”，请填写{label}。"
        values[text_field] = text
    for field, (label, multiline) in _TEXT.items():
        values[field] = clean_field(errors, field, label, getattr(data, field), column_limit(HealthProfile, field),
                                    clean_note if multiline else clean_text)
    phone, phone_error = validate_phone(data.family_doctor_phone)
    if phone_error:
        errors["family_doctor_phone"] = phone_error
    elif len(phone) > column_limit(HealthProfile, "family_doctor_phone"):
        errors["family_doctor_phone"] = "电话号码太长。"
    values["family_doctor_phone"] = phone
    values["wandering_risk"] = bool(data.wandering_risk)
    conditions = _conditions(errors, list(data.conditions or []), today, birth)
    family = _family(errors, dict(data.family_history or {}))
    if errors:
        raise ValidationError(errors)
    return replace(data, **values, conditions=conditions, family_history=family)  # type: ignore[arg-type]


# --- reading --------------------------------------------------------------------------------


def _stored(session: Session, resident_id: int, profile: HealthProfile) -> ProfileInput:
    data = ProfileInput(**{field: getattr(profile, field) for field in _COPIED})
    data.payment, data.allergies = list(profile.payment or []), list(profile.allergies or [])
    data.exposures, data.disabilities = list(profile.exposures or []), list(profile.disabilities or [])
    lines = session.scalars(select(HealthCondition).where(HealthCondition.resident_id == resident_id)
                            .order_by(HealthCondition.id))
    data.conditions = sorted(
        (ConditionInput(category=c.category, code=c.code, name=c.name, on_date=c.on_date, note=c.note) for c in lines),
        key=_condition_order,
    )
    family: dict[str, list[str]] = {}
    for relative, code in session.execute(
        select(HealthFamilyHistory.relative, HealthFamilyHistory.code)
        .where(HealthFamilyHistory.resident_id == resident_id)
    ):
        family.setdefault(relative, []).append(code)
    order = {code: i for i, code in enumerate(codes.family_disease().codes())}
    data.family_history = {
        r: sorted(family[r], key=lambda c: order.get(c, len(order))) for r in RELATIVES if r in family
    }
    return data


def get_profile(session: Session, resident_id: int, *, today: date | None = None) -> ProfileDetail:
    """The resident's health page. Before the first save ``exists`` is False, ``data`` holds the
    defaults and ``version`` is None. Residents who moved out or died are read like the others."""
    person = resident_to_read(session, resident_id)
    profile = session.get(HealthProfile, resident_id)
    return ProfileDetail(
        resident_id=resident_id, resident_name=person.name, age=age_on(person.birth_date, today or date.today()),
        exists=profile is not None,
        data=_stored(session, resident_id, profile) if profile is not None else ProfileInput(),
        version=profile.version if profile is not None else None,
        updated_at=profile.updated_at if profile is not None else None,
        self_care=latest_self_care(session, resident_id),
    )


def residents_with_condition(session: Session, code: str) -> list[int]:
    """Ids of the residents (of the user's grids; whatever their status) whose 既往史 holds the
    disease ``code``, in id order."""
    access.require(session, Perm.HEALTH)
    if code not in codes.disease() or code == codes.NONE_CODE:
        raise ValidationError({"code": "请从列表中选择疾病。"})
    query = (
        select(HealthCondition.resident_id).distinct()
        .join(Resident, Resident.id == HealthCondition.resident_id)
        .where(HealthCondition.category == "疾病", HealthCondition.code == code)
        .order_by(HealthCondition.resident_id)
    )
    scope = access.resident_scope(session)
    if scope is not None:
        query = query.where(scope)
    return list(session.scalars(query))


# --- saving ---------------------------------------------------------------------------------


def _line(c: ConditionInput | HealthCondition) -> tuple:
    return (c.category, c.code, c.name, c.on_date, c.note)


def _replace_conditions(session: Session, resident_id: int, lines: list[ConditionInput]) -> None:
    wanted = Counter(_line(c) for c in lines)
    for row in session.scalars(select(HealthCondition).where(HealthCondition.resident_id == resident_id)
                               .order_by(HealthCondition.id)):
        if wanted[_line(row)] > 0:
            wanted[_line(row)] -= 1
        else:
            session.delete(row)
    for line in lines:
        if wanted[_line(line)] > 0:
            wanted[_line(line)] -= 1
            session.add(HealthCondition(resident_id=resident_id, category=line.category, code=line.code,
                                        name=line.name, on_date=line.on_date, note=line.note))


def _replace_family(session: Session, resident_id: int, history: dict[str, list[str]]) -> None:
    wanted = {(relative, code) for relative, chosen in history.items() for code in chosen}
    for row in session.scalars(select(HealthFamilyHistory).where(HealthFamilyHistory.resident_id == resident_id)):
        if (row.relative, row.code) in wanted:
            wanted.discard((row.relative, row.code))
        else:
            session.delete(row)
    for relative, code in sorted(wanted):
        session.add(HealthFamilyHistory(resident_id=resident_id, relative=relative, code=code))


def save_profile(
    session: Session, resident_id: int, data: ProfileInput, *, expected_version: int | None,
    today: date | None = None,
) -> ProfileDetail:
    """Create or update the resident's health page; the 既往史 and 家族史 become those in ``data``.

    ``expected_version`` is the ``ProfileDetail.version`` the form was opened with (None: there
    was no profile yet). When the stored page is not that version any more — someone saved it, or
    an undo removed it, meanwhile — nothing is written and ``DomainError`` says so. Needs
    ``Perm.HEALTH`` and ``Perm.EDIT``; residents who moved out or died are read only."""
    resident_to_write(session, resident_id, what="健康档案")
    profile = session.get(HealthProfile, resident_id)
    stored = profile.version if profile is not None else None
    if stored != expected_version:
        raise DomainError(STALE)
    clean = validate_profile(session, data, resident_id=resident_id, today=today)
    if profile is None:
        profile = HealthProfile(resident_id=resident_id)
        session.add(profile)
    for field in _COPIED:
        setattr(profile, field, getattr(clean, field))
    profile.updated_at = utcnow()  # every save makes a new version, also when only the lines change
    _replace_conditions(session, resident_id, clean.conditions)
    _replace_family(session, resident_id, clean.family_history)
    session.flush()
    return get_profile(session, resident_id, today=today)
