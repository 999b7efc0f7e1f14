"""The registration checks of a will against the Civil Code (民法典 继承编 第三章 遗嘱继承和遗赠).

Each rule gives one clear message in Chinese, keyed by the field it concerns (``'form'``,
``'witnesses[1].name'``, ``'notary_certificate'`` …), so the dialog can show it beside the field
and the service refuses with all of them at once. Nothing here writes.

The articles:

- 第1133条 a natural person may dispose of their property by will and name an executor.
- 第1134条 自书遗嘱: written, signed and dated by the testator's own hand — no witnesses needed.
- 第1135条 代书遗嘱, 第1136条 打印遗嘱, 第1137条 录音录像遗嘱: two or more witnesses present.
- 第1138条 口头遗嘱: only in an emergency (危急情况), with two or more witnesses; void once the
  emergency is over and the testator can make a written or recorded will.
- 第1139条 公证遗嘱: made through a notary office (the certificate number proves it).
- 第1140条 who may not witness: people without full civil capacity; heirs and legatees; people
  with an interest in an heir or legatee.
- 第1142条 a will may be revoked or changed; of several wills, the one made last prevails (the
  Civil Code dropped the old priority of notarised wills).
- 第1143条 a will made by a person without full civil capacity is void.

Statutory heirs in the testator's household are found from the GB/T 4761 relation codes, which
are relative to the household head: both the testator's and the member's code are turned into
the member's relation *to the testator* where the pair says it unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.db.models import Resident
from chang_shan.db.models.wills import CUSTODY_KINDS, WILL_FORMS, WILL_PERSON_ROLES, WillRegistration
from chang_shan.errors import ValidationError
from chang_shan.population import idnumber
from chang_shan.population.residents import ACTIVE, age_on, validate_phone
from chang_shan.population.text import clean_name, clean_note, clean_text
from chang_shan.wills.shapes import PersonInput, WillInput, WitnessInput

WITNESSED_FORMS = ("代书", "打印", "录音录像", "口头")  # 第1135–1138条: two or more witnesses
MIN_WITNESSES = 2
ADULT_AGE = 18
HEIR_ROLES = ("继承人", "受遗赠人")


def article(form: str) -> int:
    return WILL_FORMS[form]


def form_text(form: str) -> str:
    """'代书遗嘱（民法典第1135条）'."""
    return f"{form}遗嘱（民法典第{WILL_FORMS[form]}条）"


# --- relations in the testator's household ---------------------------------------------------

HEAD, SPOUSE, CHILD, CHILD_IN_LAW, GRANDCHILD, PARENT, PARENT_IN_LAW, GRANDPARENT, SIBLING = (
    "户主", "配偶", "子女", "儿媳或女婿", "孙子女或外孙子女", "父母", "配偶的父母", "祖父母或外祖父母", "兄弟姐妹")

_GROUPS: dict[str, tuple[str, ...]] = {
    HEAD: ("01", "02"),
    SPOUSE: ("10", "11", "12"),
    CHILD: ("20", "21", "22", "23", "24", "25", "26", "27", "29",
            "30", "31", "32", "33", "34", "35", "36", "37", "39"),
    CHILD_IN_LAW: ("28", "38"),
    GRANDCHILD: ("40", "41", "42", "43", "44", "49"),
    PARENT: ("50", "51", "52", "57", "58", "59"),
    PARENT_IN_LAW: ("53", "54", "55", "56"),
    GRANDPARENT: ("60", "61", "62", "63", "64", "69"),
    SIBLING: ("70", "71", "73", "75", "77", "79"),
}
_GROUP_OF = {code: group for group, codes in _GROUPS.items() for code in codes}
_INVERSE = {SPOUSE: SPOUSE, CHILD: PARENT, PARENT: CHILD, SIBLING: SIBLING, GRANDPARENT: GRANDCHILD,
            GRANDCHILD: GRANDPARENT, CHILD_IN_LAW: PARENT_IN_LAW, PARENT_IN_LAW: CHILD_IN_LAW}
# (testator's group, member's group) → the member's relation to the testator, both relative to the
# head, where the pair is unambiguous enough to refuse a witness on it.
_THROUGH_HEAD = {
    (SPOUSE, CHILD): CHILD, (SPOUSE, PARENT_IN_LAW): PARENT, (SPOUSE, PARENT): PARENT_IN_LAW,
    (SPOUSE, CHILD_IN_LAW): CHILD_IN_LAW, (SPOUSE, GRANDCHILD): GRANDCHILD,
    (CHILD, CHILD): SIBLING, (CHILD, SPOUSE): PARENT, (CHILD, PARENT): GRANDPARENT,
    (CHILD, PARENT_IN_LAW): GRANDPARENT,
    (PARENT, SPOUSE): CHILD_IN_LAW, (PARENT, CHILD): GRANDCHILD, (PARENT, SIBLING): CHILD, (PARENT, PARENT): SPOUSE,
    (PARENT_IN_LAW, SPOUSE): CHILD, (PARENT_IN_LAW, PARENT_IN_LAW): SPOUSE, (PARENT_IN_LAW, CHILD): GRANDCHILD,
    (PARENT_IN_LAW, HEAD): CHILD_IN_LAW,
    (SIBLING, SIBLING): SIBLING, (SIBLING, PARENT): PARENT,
    (GRANDPARENT, GRANDPARENT): SPOUSE, (GRANDCHILD, SPOUSE): GRANDPARENT, (CHILD_IN_LAW, SPOUSE): PARENT_IN_LAW,
}
# Why a relative may not witness (第1140条), by relation to the testator.
HEIR_REASONS = {
    SPOUSE: "是立遗嘱人的配偶，属第一顺序法定继承人（第1127条）",
    CHILD: "是立遗嘱人的子女，属第一顺序法定继承人（第1127条）",
    PARENT: "是立遗嘱人的父母，属第一顺序法定继承人（第1127条）",
    SIBLING: "是立遗嘱人的兄弟姐妹，属第二顺序法定继承人（第1127条）",
    GRANDPARENT: "是立遗嘱人的祖父母或外祖父母，属第二顺序法定继承人（第1127条）",
    GRANDCHILD: "是立遗嘱人的孙子女或外孙子女，可能代位继承（第1128条），且与继承人有利害关系",
    CHILD_IN_LAW: "是立遗嘱人的儿媳或女婿，是继承人的配偶，与继承人有利害关系（丧偶的还可能是继承人，第1129条）",
}


def relation_to_testator(testator_code: str, member_code: str) -> str | None:
    """The member's relation to the testator (``SPOUSE``, ``CHILD`` …) from both GB/T 4761 codes
    relative to the household head, or None when the codes do not tell it."""
    testator, member = _GROUP_OF.get(testator_code), _GROUP_OF.get(member_code)
    if testator is None or member is None:
        return None
    if testator == HEAD:
        return member if member != HEAD else None
    if member == HEAD:
        return _INVERSE.get(testator)
    return _THROUGH_HEAD.get((testator, member))


@dataclass(frozen=True)
class Relative:
    """A member of the testator's household whom a will may not have as witness."""

    name: str
    id_number: str
    reason: str


def household_heirs(session: Session, testator: Resident) -> list[Relative]:
    """The testator's household members (在册) who are statutory heirs or have an interest in one."""
    if testator.household_id is None:
        return []
    members = session.scalars(
        select(Resident).where(Resident.household_id == testator.household_id, Resident.id != testator.id,
                               Resident.status == ACTIVE)
    ).all()
    found = []
    for member in members:
        relation = relation_to_testator(testator.relation_code, member.relation_code)
        if relation in HEIR_REASONS:
            found.append(Relative(member.name, member.id_number or "", HEIR_REASONS[relation]))
    return found


# --- the checks ------------------------------------------------------------------------------


def _limit(column: str, model: type = WillRegistration) -> int:
    return model.__table__.c[column].type.length  # type: ignore[attr-defined]


def _same_person(name: str, number: str, other_name: str, other_number: str) -> bool:
    """Same ID number when both are given, else the same name."""
    if number and other_number:
        return number == other_number
    return bool(name) and name == clean_name(other_name)


def _id(errors: dict[str, str], key: str, who: str, raw: str, today: date) -> tuple[str, date | None]:
    """The canonical ID number ('' when not given) and the birth date it says."""
    if not (raw or "").strip():
        return "", None
    if "*" in raw:
        errors[key] = f"{who}的身份证号码是隐藏后的形式（姓名改过了？），请重新完整填写。"
        return raw, None
    try:
        facts = idnumber.parse(raw, today=today)
    except ValidationError as exc:
        errors[key] = f"{who}的身份证号码有误：{exc.first_message}"
        return idnumber.normalise(raw), None
    return facts.number, facts.birth_date


def _phone(errors: dict[str, str], key: str, who: str, raw: str) -> str:
    phone, problem = validate_phone(raw)
    if problem:
        errors[key] = f"{who}的电话：{problem}"
    return phone


def _check_testator(session: Session, errors: dict[str, str], data: WillInput,
                    made: date | None) -> Resident | None:
    if data.testator_id is None:
        errors["testator_id"] = "请选择立遗嘱人（在册居民）。"
        return None
    testator = session.get(Resident, data.testator_id)
    if testator is None:
        errors["testator_id"] = "该居民不存在。"
        return None
    if testator.status == "已故":
        errors["testator_id"] = f"{testator.name}已故，不能再登记新的遗嘱。"
    elif testator.status != ACTIVE:
        errors["testator_id"] = f"{testator.name}{testator.status}，不在本社区台账中，不能登记遗嘱。"
    elif made is not None and (age := age_on(testator.birth_date, made)) is not None and age < ADULT_AGE:
        errors["testator_id"] = (f"立遗嘱时{testator.name}未满十八周岁，无民事行为能力人或限制民事行为能力人"
                                 "所立的遗嘱无效（民法典第1143条）。")
    return testator


def _check_dates(errors: dict[str, str], data: WillInput, testator: Resident | None, today: date) -> date:
    registered = data.registered_on or today
    made = data.made_on
    if made is None:
        errors["made_on"] = "请填写立遗嘱日期：遗嘱应注明年、月、日（民法典第1134–1137条）。"
    elif made > today:
        errors["made_on"] = "立遗嘱日期不能晚于今天。"
    elif made > registered:
        errors["made_on"] = "立遗嘱日期不能晚于登记日期。"
    elif testator is not None and testator.birth_date and made < testator.birth_date:
        errors["made_on"] = "立遗嘱日期不能早于立遗嘱人的出生日期。"
    if registered > today:
        errors["registered_on"] = "登记日期不能晚于今天。"
    return registered


def _check_form(errors: dict[str, str], data: WillInput) -> None:
    if data.form not in WILL_FORMS:
        errors["form"] = "遗嘱形式只能是：" + "、".join(WILL_FORMS) + "。"
        return
    witnesses = [w for w in data.witnesses if clean_name(w.name)]
    if data.form in WITNESSED_FORMS and len(witnesses) < MIN_WITNESSES:
        have = f"现在只有 {len(witnesses)} 位" if witnesses else "现在没有填写见证人"
        errors["witnesses"] = (f"{form_text(data.form)}应当有两个以上见证人在场见证，{have}。")
    if data.form == "口头" and not clean_text(data.emergency_note):
        errors["emergency_note"] = ("口头遗嘱只能在危急情况下订立（民法典第1138条），"
                                    "请写明当时的危急情况（如病危住院、突发重病）。")
    if data.form == "公证":
        if not clean_text(data.notary_certificate):
            errors["notary_certificate"] = "公证遗嘱由遗嘱人经公证机构办理（民法典第1139条），请填写公证书编号。"
        if not clean_text(data.notary_office):
            errors["notary_office"] = "请填写办理公证的公证机构（民法典第1139条）。"


def _check_custody(errors: dict[str, str], data: WillInput) -> None:
    if data.custody_kind not in CUSTODY_KINDS:
        errors["custody_kind"] = "保管方式只能是：" + "、".join(CUSTODY_KINDS) + "。"
    elif data.custody_kind == "档案柜":
        if not clean_text(data.cabinet):
            errors["cabinet"] = "原件存放在社区档案柜时，请填写档案柜编号。"
        if not clean_text(data.file_number):
            errors["file_number"] = "原件存放在社区档案柜时，请填写卷宗号。"
    elif data.custody_kind == "公证处" and not clean_text(data.notary_office):
        errors.setdefault("notary_office", "原件由公证处保管时，请填写公证机构名称。")
    elif data.custody_kind == "家属保管" and not clean_text(data.custody_note):
        errors["custody_note"] = "原件由家属保管时，请写明由谁保管（姓名和与立遗嘱人的关系）。"


def _check_persons(errors: dict[str, str], persons: list[PersonInput], today: date) -> list[tuple[str, str, str]]:
    """The persons' problems; returns (role, name, canonical ID number) of each named one."""
    named = []
    for i, p in enumerate(persons):
        name = clean_name(p.name)
        if not name and not (p.id_number or p.phone or p.relation):
            continue  # an empty line of the table
        key = f"persons[{i}]"
        if p.role not in WILL_PERSON_ROLES:
            errors[f"{key}.role"] = "人员类别只能是：" + "、".join(WILL_PERSON_ROLES) + "。"
        if not name:
            errors[f"{key}.name"] = f"第 {i + 1} 位{p.role}：请填写姓名。"
        number, _born = _id(errors, f"{key}.id_number", name or f"第 {i + 1} 位{p.role}", p.id_number, today)
        _phone(errors, f"{key}.phone", name or f"第 {i + 1} 位{p.role}", p.phone)
        named.append((p.role, name, number))
    return named


def _check_witness(errors: dict[str, str], i: int, w: WitnessInput, *, made: date | None, today: date,
                   testator: Resident | None, heirs: list[tuple[str, str, str]], household: list[Relative],
                   seen: list[tuple[str, str]]) -> None:
    key = f"witnesses[{i}]"
    name = clean_name(w.name)
    if not name:
        errors[f"{key}.name"] = f"第 {i + 1} 位见证人：请填写姓名。"
        return
    who = f"见证人{name}"
    number, born = _id(errors, f"{key}.id_number", who, w.id_number, today)
    _phone(errors, f"{key}.phone", who, w.phone)
    refuse = "不能作为遗嘱见证人（民法典第1140条）。"
    if any(_same_person(name, number, n, m) for n, m in seen):
        errors[f"{key}.name"] = f"{who}重复填写了：见证人应为两个以上不同的人。"
        return
    seen.append((name, number))
    if testator is not None and _same_person(name, number, testator.name, testator.id_number or ""):
        errors[f"{key}.name"] = f"{who}就是立遗嘱人本人，{refuse}"
        return
    for role, heir_name, heir_number in heirs:
        if role in HEIR_ROLES and _same_person(name, number, heir_name, heir_number):
            errors[f"{key}.name"] = f"{who}是本遗嘱的{role}，{refuse}"
            return
    for relative in household:
        if _same_person(name, number, relative.name, relative.id_number):
            errors[f"{key}.name"] = f"{who}与立遗嘱人同户，{relative.reason}，{refuse}"
            return
    if born is not None and (age := age_on(born, made or today)) is not None and age < ADULT_AGE:
        errors[f"{key}.id_number"] = (f"{who}立遗嘱时未满十八周岁（按身份证号码为 {age} 岁），"
                                      f"不具有完全民事行为能力，{refuse}")
        return
    missing = [text for ok, text in (
        (w.not_heir_confirmed, "不是继承人、受遗赠人"),
        (w.no_interest_confirmed, "与继承人、受遗赠人没有利害关系"),
        (w.capacity_confirmed, "具有完全民事行为能力"),
    ) if not ok]
    if missing:
        errors[f"{key}.confirmations"] = (f"请向{who}核实并勾选：" + "；".join(missing)
                                          + "（民法典第1140条）。")


def _check_texts(errors: dict[str, str], data: WillInput) -> None:
    for column, label, value in (
        ("executor_name", "遗嘱执行人", data.executor_name), ("cabinet", "档案柜", data.cabinet),
        ("file_number", "卷宗号", data.file_number), ("custody_note", "保管说明", data.custody_note),
        ("notary_office", "公证机构", data.notary_office), ("notary_certificate", "公证书编号", data.notary_certificate),
        ("capacity_note", "行为能力说明", data.capacity_note), ("emergency_note", "危急情况", data.emergency_note),
        ("note", "备注", data.note),
    ):
        text = clean_note(value)
        if len(text) > (limit := _limit(column)):
            errors.setdefault(column, f"{label}最多 {limit} 个字，现在是 {len(text)} 个。")
    if data.executor_phone:
        _phone(errors, "executor_phone", "遗嘱执行人", data.executor_phone)


def problems(session: Session, data: WillInput, *, today: date) -> dict[str, str]:
    """Every rule the registration breaks: field key → message (empty when it may be saved)."""
    errors: dict[str, str] = {}
    made = data.made_on if data.made_on is not None and data.made_on <= today else None
    testator = _check_testator(session, errors, data, made)
    _check_dates(errors, data, testator, today)
    _check_form(errors, data)
    _check_custody(errors, data)
    _check_texts(errors, data)
    named = _check_persons(errors, data.persons, today)
    household = household_heirs(session, testator) if testator is not None else []
    seen: list[tuple[str, str]] = []
    for i, witness in enumerate(data.witnesses):
        if not clean_name(witness.name) and not (witness.id_number or witness.phone or witness.relation):
            continue  # an empty line of the table
        _check_witness(errors, i, witness, made=made, today=today, testator=testator, heirs=named,
                       household=household, seen=seen)
    if not data.checks_confirmed:
        errors["checks_confirmed"] = ("请确认已当面核实：立遗嘱人具有完全民事行为能力，遗嘱是其真实意思表示"
                                      "（民法典第1143条），并勾选“已核对”。")
    return errors


def clean(data: WillInput) -> WillInput:
    """A copy with names and texts cleaned, ID numbers canonical and empty table lines dropped."""
    def number(raw: str) -> str:
        value = idnumber.normalise(raw)
        return idnumber.parse(value).number if value and idnumber.is_valid(value) else value

    witnesses = [
        WitnessInput(clean_name(w.name), number(w.id_number), clean_text(w.relation), validate_phone(w.phone)[0],
                     w.not_heir_confirmed, w.no_interest_confirmed, w.capacity_confirmed)
        for w in data.witnesses if clean_name(w.name)
    ]
    persons = [
        PersonInput(p.role, clean_name(p.name), clean_text(p.relation), number(p.id_number), validate_phone(p.phone)[0])
        for p in data.persons if clean_name(p.name)
    ]
    return WillInput(
        testator_id=data.testator_id, form=data.form, made_on=data.made_on, registered_on=data.registered_on,
        executor_name=clean_name(data.executor_name), executor_phone=validate_phone(data.executor_phone)[0],
        custody_kind=data.custody_kind, cabinet=clean_text(data.cabinet), file_number=clean_text(data.file_number),
        custody_note=clean_text(data.custody_note), notary_office=clean_text(data.notary_office),
        notary_certificate=clean_text(data.notary_certificate), capacity_note=clean_note(data.capacity_note),
        emergency_note=clean_text(data.emergency_note), note=clean_note(data.note),
        witnesses=witnesses, persons=persons, checks_confirmed=data.checks_confirmed,
    )
