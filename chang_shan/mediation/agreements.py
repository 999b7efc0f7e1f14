"""What an 人民调解协议书 must carry (人民调解法 第二十九条) and what a case still lacks.

第二十九条: 调解协议书可以载明下列事项：（一）当事人的基本情况；（二）纠纷的主要事实、争议事项以及
各方当事人的责任；（三）当事人达成调解协议的内容，履行的方式、期限。 … 调解协议书由当事人各执一份，
人民调解委员会留存一份。 The office prints a 协议书 only when all of it is recorded: each party's
姓名、性别、年龄、民族、职业、单位或者住所, the main facts, the disputed matters, each party's
responsibility, the agreed terms, how and by when they are performed, and at least one mediator
(who signs it). A case that reached no agreement has none to print; an oral agreement
(第二十八条: 当事人认为无需制作调解协议书的，可以采取口头协议方式，人民调解员应当记录协议内容) has
its terms recorded in the case, not a 协议书.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.db.models.mediation import MediationCase, MediationCaseMediator, MediationParty
from chang_shan.mediation.access import case_to_read
from chang_shan.mediation.shapes import OutcomeInput

KNOWN_SEX = ("1", "2")
PARTY_FIELDS = (("sex_code", "性别"), ("age", "年龄"), ("ethnicity_code", "民族"), ("occupation", "职业"),
                ("address", "单位或者住所"))


def party_missing(party: Any) -> list[str]:
    """The basic details (第二十九条（一）) a party lacks, by their Chinese names."""
    missing = []
    for name, label in PARTY_FIELDS:
        value = getattr(party, name)
        if name == "sex_code":
            blank = value not in KNOWN_SEX
        elif name == "age":
            blank = value is None
        else:
            blank = not (value or "").strip()
        if blank:
            missing.append(label)
    return missing


def problems_of(*, status: str, oral_agreement: bool, parties: Sequence[Any], facts: str, disputed_matters: str,
                responsibilities: str, agreement_terms: str, performance_method: str, performance_due: Any,
                mediators: int) -> list[str]:
    """Every reason the 协议书 cannot be printed (empty: it can), in the order of 第二十九条."""
    if status != "达成协议":
        return [f"案件状态为“{status}”：只有达成协议的案件才能制作调解协议书。"]
    if oral_agreement:
        return ["当事人采取口头协议方式（人民调解法第二十八条），不制作调解协议书；协议内容已记录在案。"]
    found = []
    if len(parties) < 2:
        found.append("调解协议书须有纠纷双方当事人，现在只登记了 "
                     f"{len(parties)} 方。")
    elif not {"申请人", "被申请人"} <= {party.side for party in parties}:
        found.append("调解协议书须有纠纷双方：请至少登记一位申请人和一位被申请人。")
    for party in parties:
        name = (party.name or "").strip()
        if not name:
            found.append(f"有一位{party.side}没有填写姓名。")
            continue
        missing = party_missing(party)
        if missing:
            found.append(f"当事人{name}（{party.side}）缺少：{'、'.join(missing)}。")
    for value, label in ((facts, "纠纷的主要事实"), (disputed_matters, "争议事项"), (responsibilities, "各方当事人的责任"),
                         (agreement_terms, "调解协议的内容"), (performance_method, "履行方式")):
        if not (value or "").strip():
            found.append(f"缺少{label}。")
    if performance_due is None:
        found.append("缺少履行期限。")
    if mediators < 1:
        found.append("没有登记参加调解的人民调解员（协议书须由人民调解员签名）。")
    return found


def _case_problems(session: Session, case: MediationCase, outcome: OutcomeInput | None = None) -> list[str]:
    parties = list(session.scalars(select(MediationParty).where(MediationParty.case_id == case.id)
                                   .order_by(MediationParty.position, MediationParty.id)))
    mediators = session.scalar(select(func.count()).select_from(MediationCaseMediator)
                               .where(MediationCaseMediator.case_id == case.id)) or 0
    source: Any = outcome if outcome is not None else case
    return problems_of(
        status=source.status, oral_agreement=source.oral_agreement, parties=parties, facts=case.facts,
        disputed_matters=case.disputed_matters, responsibilities=source.responsibilities,
        agreement_terms=source.agreement_terms, performance_method=source.performance_method,
        performance_due=source.performance_due, mediators=mediators,
    )


def agreement_problems(session: Session, case_id: int) -> list[str]:
    """What 第二十九条 requires that the case lacks (see the module docstring): an empty list means
    the 人民调解协议书 can be printed; the print refuses with these messages otherwise."""
    return _case_problems(session, case_to_read(session, case_id))


def outcome_problems(session: Session, case_id: int, outcome: OutcomeInput) -> list[str]:
    """``agreement_problems`` as they would be with ``outcome`` saved: the outcome dialog's live
    "还缺：…" list. Nothing is written."""
    return _case_problems(session, case_to_read(session, case_id), outcome)
