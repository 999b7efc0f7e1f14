"""Writing mediation cases: open a case with its parties and mediators, correct it, record the
outcome (with the article-29 content of an agreement), mark a dispute as escalated, record the
回访 of an agreement's performance.

``Perm.EDIT``; a 网格员 reaches only the cases with a party living in their grids and names only
residents of their grids (``mediation.access``). A resident party's details are copied in when
the case is saved (the agreement stays as signed). ID numbers and phones given back masked (the
editor shows them masked) keep the stored values. Callers pass the ``version`` they read.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import Resident
from chang_shan.db.models.mediation import (
    CASE_STATUSES,
    DISPUTE_KINDS,
    PARTY_SIDES,
    PERFORMANCE,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationVisit,
    Mediator,
)
from chang_shan.db.numbering import yearly_number
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.mediation.access import case_to_write
from chang_shan.mediation.mediators import serving
from chang_shan.mediation.shapes import CaseInput, OutcomeInput, PartyInput
from chang_shan.population import access, idnumber
from chang_shan.population.idnumber import mask, mask_phone
from chang_shan.population.residents import age_on, validate_phone
from chang_shan.population.text import clean_name, clean_note, clean_text

STALE = "记录已被他人修改，请刷新后再试。"
SOURCES = ("当事人申请", "主动调解", "移送")


def _check_version(case: MediationCase, version: int) -> None:
    if case.version != version:
        raise DomainError(STALE)


def _user(session: Session) -> str:
    actor = actor_of(session)
    return actor.username if actor else ""


# --- parties ----------------------------------------------------------------------------------


def _resident_details(session: Session, resident_id: int, on: date) -> PartyInput:
    place = Whereabouts()
    row = session.execute(place.join(select(Resident, *place.columns())).where(Resident.id == resident_id)).first()
    if row is None:
        raise NotFound("该居民不存在。")
    r = row[0]
    return PartyInput(name=r.name, sex_code=r.sex_code if r.sex_code in ("1", "2") else "",
                      age=age_on(r.birth_date, on), ethnicity_code=r.ethnicity_code or "", occupation=r.employment or "",
                      address=place.address(row), id_number=r.id_number or "", phone=r.phone or "")


def _unmasked(value: str, stored: list[str], masker) -> str:  # noqa: ANN001
    if "*" not in (value or ""):
        return value
    return next((full for full in stored if full and masker(full) == value), value)


def _clean_party(session: Session, p: PartyInput, n: int, on: date, stored: list[MediationParty],
                 problems: dict[str, str]) -> PartyInput:
    key = f"parties[{n}]"
    if p.resident_id is not None:
        access.require_resident(session, Perm.EDIT, p.resident_id)
        copied = _resident_details(session, p.resident_id, on)
    else:
        copied = PartyInput()
    same = [s for s in stored if s.name == clean_name(p.name or copied.name)]
    clean = PartyInput(
        side=p.side, resident_id=p.resident_id, name=clean_name(p.name) or copied.name,
        sex_code=(p.sex_code or copied.sex_code).strip(), age=p.age if p.age is not None else copied.age,
        ethnicity_code=(p.ethnicity_code or copied.ethnicity_code).strip(),
        occupation=clean_text(p.occupation) or copied.occupation, address=clean_text(p.address) or copied.address,
        id_number=_unmasked(idnumber.normalise(p.id_number), [s.id_number for s in same], mask) or copied.id_number,
        phone=_unmasked(clean_text(p.phone), [s.phone for s in same], mask_phone) or copied.phone,
    )
    if clean.side not in PARTY_SIDES:
        problems[f"{key}.side"] = "当事人身份只能是：" + "、".join(PARTY_SIDES) + "。"
    if not clean.name:
        problems[f"{key}.name"] = f"第 {n + 1} 位当事人没有姓名。"
    elif len(clean.name) > 50:
        problems[f"{key}.name"] = "姓名最多 50 个字。"
    if clean.sex_code and clean.sex_code not in codes.sex():
        problems[f"{key}.sex_code"] = "性别代码不对。"
    if clean.ethnicity_code and clean.ethnicity_code not in codes.ethnicity():
        problems[f"{key}.ethnicity_code"] = "民族代码不对。"
    if clean.age is not None and not 0 <= clean.age <= 130:
        problems[f"{key}.age"] = "年龄应在 0 到 130 之间。"
    for name, limit, label in (("occupation", 50, "职业"), ("address", 200, "单位或者住所")):
        if len(getattr(clean, name)) > limit:
            problems[f"{key}.{name}"] = f"{label}最多 {limit} 个字。"
    if clean.id_number and "*" not in clean.id_number and clean.resident_id is None:
        try:
            idnumber.parse(clean.id_number, today=on)
        except ValidationError as error:
            problems[f"{key}.id_number"] = f"{clean.name}：{error.first_message}"
    if clean.phone and "*" not in clean.phone:
        phone, message = validate_phone(clean.phone)
        clean.phone = phone
        if message:
            problems[f"{key}.phone"] = f"{clean.name}：{message}"
    return clean


# --- the case ---------------------------------------------------------------------------------


def _clean_case(session: Session, data: CaseInput, *, today: date, case: MediationCase | None) -> CaseInput:
    problems: dict[str, str] = {}
    if data.kind not in DISPUTE_KINDS:
        problems["kind"] = "纠纷类型只能是：" + "、".join(DISPUTE_KINDS) + "。"
    if data.source not in SOURCES:
        problems["source"] = "案件来源只能是：" + "、".join(SOURCES) + "。"
    on = data.received_on
    if on is None:
        problems["received_on"] = "请填写受理日期。"
        on = today
    elif on > today:
        problems["received_on"] = "受理日期不能晚于今天。"
    elif case is not None and case.mediated_on is not None and on > case.mediated_on:
        problems["received_on"] = f"受理日期不能晚于调解日期（{case.mediated_on:%Y-%m-%d}）。"
    stored = list(session.scalars(select(MediationParty).where(MediationParty.case_id == case.id))) if case else []
    parties = [_clean_party(session, p, n, on, stored, problems) for n, p in enumerate(data.parties)]
    if len(parties) < 2:
        problems["parties"] = "纠纷至少有两方当事人。"
    residents = [p.resident_id for p in parties if p.resident_id is not None]
    if len(residents) != len(set(residents)):
        problems["parties"] = "同一位居民登记了两次。"
    mediator_ids = list(dict.fromkeys(data.mediator_ids))
    for mediator_id in mediator_ids:
        mediator = session.get(Mediator, mediator_id)
        if mediator is None:
            problems["mediator_ids"] = "所选调解员不存在。"
        elif not serving(mediator, on) and (case is None or mediator_id not in _mediator_ids(session, case.id)):
            problems["mediator_ids"] = f"{mediator.name}在 {on:%Y-%m-%d} 不是在任的人民调解员。"
    facts, disputed, note = clean_note(data.facts), clean_note(data.disputed_matters), clean_text(data.note)
    if not facts:
        problems["facts"] = "请填写纠纷的主要事实。"
    if len(note) > 500:
        problems["note"] = "备注最多 500 个字。"
    if problems:
        raise ValidationError(problems)
    return CaseInput(data.kind, on, data.source, facts, disputed, note, parties, mediator_ids)


def _mediator_ids(session: Session, case_id: int) -> list[int]:
    return list(session.scalars(select(MediationCaseMediator.mediator_id)
                                .where(MediationCaseMediator.case_id == case_id)))


def _write_people(session: Session, case: MediationCase, clean: CaseInput) -> None:
    for model in (MediationParty, MediationCaseMediator):
        for row in session.scalars(select(model).where(model.case_id == case.id)):
            session.delete(row)
    session.flush()
    for n, p in enumerate(clean.parties):
        session.add(MediationParty(case_id=case.id, position=n, side=p.side, resident_id=p.resident_id, name=p.name,
                                   sex_code=p.sex_code, age=p.age, ethnicity_code=p.ethnicity_code,
                                   occupation=p.occupation, address=p.address, id_number=p.id_number, phone=p.phone))
    for mediator_id in clean.mediator_ids:
        session.add(MediationCaseMediator(case_id=case.id, mediator_id=mediator_id))


def open_case(session: Session, data: CaseInput, *, today: date | None = None) -> int:
    """Receive a dispute (调解中), numbered 'TJ<year received>-<seq>'. Returns its id."""
    require(session, Perm.EDIT)
    clean = _clean_case(session, data, today=today or date.today(), case=None)
    assert clean.received_on is not None
    if access.scoped(actor_of(session)) and not any(p.resident_id for p in clean.parties):
        raise ValidationError({"parties": "网格员登记的调解案件须至少有一方是本网格的居民。"})
    case = MediationCase(
        number=yearly_number(session, MediationCase.number, "TJ", clean.received_on.year, width=3), kind=clean.kind,
        received_on=clean.received_on, source=clean.source, facts=clean.facts,
        disputed_matters=clean.disputed_matters, note=clean.note, status="调解中", created_by=_user(session),
    )
    session.add(case)
    session.flush()
    _write_people(session, case, clean)
    session.flush()
    return case.id


def update_case(session: Session, case_id: int, version: int, data: CaseInput, *, today: date | None = None) -> None:
    """Correct the case: its kind, dates, facts, disputed matters, parties and mediators (those
    of ``data`` replace the stored ones)."""
    case = case_to_write(session, case_id)
    _check_version(case, version)
    clean = _clean_case(session, data, today=today or date.today(), case=case)
    if clean.received_on and clean.received_on.year != case.received_on.year:
        raise ValidationError({"received_on": f"案件编号 {case.number} 按受理年份编排，不能改到另一年。"})
    _write_people(session, case, clean)
    case.kind, case.received_on, case.source = clean.kind, clean.received_on, clean.source
    case.facts, case.disputed_matters, case.note = clean.facts, clean.disputed_matters, clean.note
    # A change of the parties alone is a change of the case too: a new version for stale forms.
    flag_modified(case, "note")
    session.flush()


def record_outcome(session: Session, case_id: int, version: int, outcome: OutcomeInput, *,
                   today: date | None = None) -> None:
    """The mediation's outcome on ``mediated_on``. 达成协议 needs the agreed terms (a written
    agreement lacking other article-29 content may be saved; ``agreement_problems`` lists what the
    协议书 still needs); 已移交 needs to whom. Not away from 达成协议 once 回访 are recorded."""
    case = case_to_write(session, case_id)
    _check_version(case, version)
    today = today or date.today()
    problems: dict[str, str] = {}
    status = outcome.status
    if status not in CASE_STATUSES or status == "调解中":
        problems["status"] = "调解结果只能是：达成协议、未达成协议、已移交、已终止。"
    on = outcome.mediated_on
    if on is None:
        problems["mediated_on"] = "请填写调解日期。"
    elif on > today:
        problems["mediated_on"] = "调解日期不能晚于今天。"
    elif on < case.received_on:
        problems["mediated_on"] = f"调解日期不能早于受理日期（{case.received_on:%Y-%m-%d}）。"
    agreed = status == "达成协议"
    terms = clean_note(outcome.agreement_terms)
    method = clean_text(outcome.performance_method)
    if agreed and not terms:
        problems["agreement_terms"] = "达成协议须填写协议内容（口头协议也须记录协议内容）。"
    if len(method) > 300:
        problems["performance_method"] = "履行方式最多 300 个字。"
    if agreed and outcome.performance_due is not None and on is not None and outcome.performance_due < on:
        problems["performance_due"] = f"履行期限不能早于调解日期（{on:%Y-%m-%d}）。"
    referred = clean_text(outcome.referred_to)
    if status == "已移交" and not referred:
        problems["referred_to"] = "请填写移交给哪个部门（如派出所、法院、信访部门）。"
    if len(referred) > 100:
        problems["referred_to"] = "移交单位最多 100 个字。"
    if problems:
        raise ValidationError(problems)
    visited = session.scalar(select(MediationVisit.id).where(MediationVisit.case_id == case.id).limit(1))
    if visited is not None and not agreed:
        raise DomainError(f"{case.number} 已有履行回访记录，不能改为“{status}”。")
    case.status, case.mediated_on = status, on
    case.responsibilities = clean_note(outcome.responsibilities) if agreed else ""
    case.agreement_terms = terms if agreed else ""
    case.performance_method = method if agreed else ""
    case.performance_due = outcome.performance_due if agreed else None
    case.oral_agreement = bool(outcome.oral_agreement) if agreed else False
    case.referred_to = referred if status == "已移交" else ""
    session.flush()


def mark_escalated(session: Session, case_id: int, version: int, note: str) -> None:
    """The dispute grew worse (激化: violence, a petition, a criminal case) — counted by the 八零
    indicator 零矛盾升级."""
    case = case_to_write(session, case_id)
    _check_version(case, version)
    text = clean_text(note)
    if not text:
        raise ValidationError({"note": "请写明矛盾升级的情况（如发生肢体冲突、越级上访）。"})
    if len(text) > 300:
        raise ValidationError({"note": f"说明最多 300 个字，现在是 {len(text)} 个。"})
    case.escalated, case.escalated_note = True, text
    session.flush()


def record_visit(session: Session, case_id: int, visited_on: date, performance: str, note: str = "", *,
                 visitor: str = "", today: date | None = None) -> int:
    """A 回访 of an agreement: how it is being performed (已履行 / 部分履行 / 未履行)."""
    case = case_to_write(session, case_id)
    today = today or date.today()
    if case.status != "达成协议":
        raise DomainError(f"{case.number} {case.status}，没有需要回访的调解协议。")
    problems: dict[str, str] = {}
    if performance not in PERFORMANCE:
        problems["performance"] = "履行情况只能是：" + "、".join(PERFORMANCE) + "。"
    if visited_on > today:
        problems["visited_on"] = "回访日期不能晚于今天。"
    elif case.mediated_on is not None and visited_on < case.mediated_on:
        problems["visited_on"] = f"回访日期不能早于调解日期（{case.mediated_on:%Y-%m-%d}）。"
    text, who = clean_text(note), clean_name(visitor)
    if len(text) > 300:
        problems["note"] = "回访情况最多 300 个字。"
    if problems:
        raise ValidationError(problems)
    actor = actor_of(session)
    visit = MediationVisit(case_id=case.id, visited_on=visited_on, performance=performance, note=text,
                           visitor=(who or (actor.display_name or actor.username if actor else ""))[:50])
    session.add(visit)
    session.flush()
    return visit.id
