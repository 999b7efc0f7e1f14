"""Reading the mediation ledger: the cases (a year's register), one case's detail, the reports
dialog's case list, the editor's input. ``Perm.VIEW``; a 网格员 sees the cases with a party
living in their grids. ID numbers and phones come out masked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models.mediation import (
    CASE_STATUSES,
    DISPUTE_KINDS,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationVisit,
    Mediator,
)
from chang_shan.errors import NotFound, ValidationError
from chang_shan.mediation.access import case_to_read, in_scope
from chang_shan.mediation.agreements import _case_problems
from chang_shan.mediation.mediators import mediators, serving
from chang_shan.mediation.shapes import CaseDetail, CaseInput, CaseRow, MediatorRow, PartyInput, PartyRow, VisitRow
from chang_shan.population import access
from chang_shan.population.idnumber import mask, mask_phone


def parties_text(names_by_side: list[tuple[str, str]]) -> str:
    """'张三 与 李四'; '张三、王五 与 李四' (申请人 and 被申请人; 第三人 after them)."""
    applicants = [n for side, n in names_by_side if side == "申请人"]
    respondents = [n for side, n in names_by_side if side == "被申请人"]
    others = [n for side, n in names_by_side if side not in ("申请人", "被申请人")]
    text = " 与 ".join(part for part in ("、".join(applicants), "、".join(respondents)) if part)
    return f"{text}（第三人 {'、'.join(others)}）" if others else text


def _rows(session: Session, cases: list[MediationCase]) -> list[CaseRow]:
    ids = [c.id for c in cases]
    if not ids:
        return []
    names: dict[int, list[tuple[str, str]]] = {}
    for case_id, side, name in session.execute(
            select(MediationParty.case_id, MediationParty.side, MediationParty.name)
            .where(MediationParty.case_id.in_(ids)).order_by(MediationParty.case_id, MediationParty.position)):
        names.setdefault(case_id, []).append((side, name))
    mediators: dict[int, list[str]] = {}
    for case_id, name in session.execute(
            select(MediationCaseMediator.case_id, Mediator.name).join(Mediator, Mediator.id == MediationCaseMediator.mediator_id)
            .where(MediationCaseMediator.case_id.in_(ids)).order_by(MediationCaseMediator.case_id, Mediator.id)):
        mediators.setdefault(case_id, []).append(name)
    last_visit: dict[int, str] = {}
    for case_id, performance in session.execute(
            select(MediationVisit.case_id, MediationVisit.performance).where(MediationVisit.case_id.in_(ids))
            .order_by(MediationVisit.case_id, MediationVisit.visited_on, MediationVisit.id)):
        last_visit[case_id] = performance
    return [CaseRow(
        id=c.id, number=c.number, kind=c.kind, received_on=c.received_on, source=c.source,
        parties=parties_text(names.get(c.id, [])), status=c.status, mediated_on=c.mediated_on,
        mediators="、".join(mediators.get(c.id, [])), performance_due=c.performance_due,
        performance=last_visit.get(c.id, ""), oral_agreement=c.oral_agreement, escalated=c.escalated,
        version=c.version,
    ) for c in cases]


def cases(session: Session, *, status: str | None = None, year: int | None = None, kind: str | None = None,
          text: str = "") -> list[CaseRow]:
    """Cases, the latest received first (``year``: the year received). ``text`` matches the
    number, a party's name or the facts."""
    actor = require(session, Perm.VIEW)
    if status is not None and status not in CASE_STATUSES:
        raise ValidationError({"status": "状态只能是：" + "、".join(CASE_STATUSES) + "。"})
    if kind is not None and kind not in DISPUTE_KINDS:
        raise ValidationError({"kind": "纠纷类型只能是：" + "、".join(DISPUTE_KINDS) + "。"})
    query = select(MediationCase)
    if status:
        query = query.where(MediationCase.status == status)
    if kind:
        query = query.where(MediationCase.kind == kind)
    if year:
        query = query.where(extract("year", MediationCase.received_on) == year)
    needle = (text or "").strip()
    if needle:
        like = f"%{needle}%"
        named = select(MediationParty.case_id).where(MediationParty.name.like(like))
        query = query.where(or_(MediationCase.number.ilike(like), MediationCase.facts.like(like),
                                MediationCase.id.in_(named)))
    if access.scoped(actor):
        query = query.where(in_scope(actor))
    query = query.order_by(MediationCase.received_on.desc(), MediationCase.id.desc())
    return _rows(session, list(session.scalars(query)))


def find_case(session: Session, number: str) -> int:
    """The id of the case numbered ``number`` (TJ2026-012), if the actor may see it."""
    require(session, Perm.VIEW)
    found = session.scalar(select(MediationCase.id).where(MediationCase.number == (number or "").strip()))
    if found is None:
        raise NotFound(f"没有编号为 {number} 的调解案件。")
    case_to_read(session, found)
    return found


def _parties(session: Session, case_id: int) -> list[MediationParty]:
    return list(session.scalars(select(MediationParty).where(MediationParty.case_id == case_id)
                                .order_by(MediationParty.position, MediationParty.id)))


def case_detail(session: Session, case_id: int, *, today: date | None = None) -> CaseDetail:
    """The case with its parties (masked), mediators, visits, and what its 协议书 still lacks."""
    case = case_to_read(session, case_id)
    [row] = _rows(session, [case])
    sexes, peoples = codes.sex(), codes.ethnicity()
    parties = tuple(PartyRow(
        p.position, p.side, p.resident_id, p.name, p.sex_code, sexes.label(p.sex_code, ""), p.age, p.ethnicity_code,
        peoples.label(p.ethnicity_code, ""), p.occupation, p.address, mask(p.id_number), mask_phone(p.phone),
    ) for p in _parties(session, case.id))
    on = today or date.today()
    mediators = tuple(MediatorRow(m.id, m.name, m.role, m.resident_id, mask_phone(m.phone), m.start_on, m.end_on,
                                  serving(m, on), 0) for m in session.scalars(
        select(Mediator).join(MediationCaseMediator, MediationCaseMediator.mediator_id == Mediator.id)
        .where(MediationCaseMediator.case_id == case.id).order_by(Mediator.id)))
    visits = tuple(VisitRow(v.id, v.visited_on, v.performance, v.note, v.visitor) for v in session.scalars(
        select(MediationVisit).where(MediationVisit.case_id == case.id)
        .order_by(MediationVisit.visited_on, MediationVisit.id)))
    return CaseDetail(
        row=row, facts=case.facts, disputed_matters=case.disputed_matters, responsibilities=case.responsibilities,
        agreement_terms=case.agreement_terms, performance_method=case.performance_method,
        performance_due=case.performance_due, oral_agreement=case.oral_agreement, referred_to=case.referred_to,
        escalated_note=case.escalated_note, note=case.note, created_by=case.created_by, parties=parties,
        mediators=mediators, visits=visits, problems=tuple(_case_problems(session, case)),
    )


def case_input(session: Session, case_id: int) -> CaseInput:
    """The case as the editor edits it (ID numbers and phones masked: given back unchanged they
    stay as stored)."""
    case = case_to_read(session, case_id)
    return CaseInput(
        kind=case.kind, received_on=case.received_on, source=case.source, facts=case.facts,
        disputed_matters=case.disputed_matters, note=case.note,
        parties=[PartyInput(p.side, p.resident_id, p.name, p.sex_code, p.age, p.ethnicity_code, p.occupation,
                            p.address, mask(p.id_number), mask_phone(p.phone)) for p in _parties(session, case.id)],
        mediator_ids=list(session.scalars(select(MediationCaseMediator.mediator_id)
                                          .where(MediationCaseMediator.case_id == case.id)
                                          .order_by(MediationCaseMediator.mediator_id))),
    )


def case_choices(session: Session) -> list[tuple[str, str]]:
    """(number, 'TJ2026-012 邻里纠纷 张三 与 李四') of the cases the actor sees, the latest first —
    the reports dialog's 调解案件 list."""
    return [(r.number, f"{r.number} {r.kind} {r.parties}") for r in cases(session)]


__all__ = ["case_choices", "case_detail", "case_input", "cases", "find_case", "mediators", "parties_text"]
