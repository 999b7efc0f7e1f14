"""Mediation cases in tests: a dispute between two residents of grid 1 (孙𠀀明 upstairs, 王淑芬
below: water leaking through the ceiling), a full agreement, reading back."""

from __future__ import annotations

from datetime import date

from chang_shan.db.database import Database
from chang_shan.mediation import cases, queries
from chang_shan.mediation.shapes import CaseDetail, CaseInput, OutcomeInput, PartyInput
from tests.mediation.office import TODAY, MediationOffice

RECEIVED = date(2026, 2, 2)
MEDIATED = date(2026, 2, 10)
DUE = date(2026, 3, 10)


def leak_case(office: MediationOffice, **extra: object) -> CaseInput:
    values: dict[str, object] = {
        "kind": "邻里纠纷", "received_on": RECEIVED, "source": "当事人申请",
        "facts": "3号楼1单元102卫生间漏水，渗到楼下住户顶棚，双方多次争吵。",
        "disputed_matters": "漏水修复费用和顶棚损失的赔偿。",
        "parties": [PartyInput("申请人", office.town.wang, occupation="退休"),
                    PartyInput("被申请人", office.sun)],
        "mediator_ids": [office.chair],
    }
    values.update(extra)
    return CaseInput(**values)  # type: ignore[arg-type]


def agreement(**extra: object) -> OutcomeInput:
    values: dict[str, object] = {
        "status": "达成协议", "mediated_on": MEDIATED, "responsibilities": "孙𠀀明对漏水负主要责任。",
        "agreement_terms": "孙𠀀明修复卫生间防水，并赔偿王淑芬顶棚修缮费800元。",
        "performance_method": "现金一次性支付，防水由孙𠀀明请人修复", "performance_due": DUE,
    }
    values.update(extra)
    return OutcomeInput(**values)  # type: ignore[arg-type]


def open_case(db: Database, data: CaseInput) -> int:
    with db.transaction("登记调解案件") as s:
        return cases.open_case(s, data, today=TODAY)


def detail(db: Database, case_id: int, today: date = TODAY) -> CaseDetail:
    with db.reader() as s:
        return queries.case_detail(s, case_id, today=today)


def outcome(db: Database, case_id: int, data: OutcomeInput) -> CaseDetail:
    version = detail(db, case_id).version
    with db.transaction("记录调解结果") as s:
        cases.record_outcome(s, case_id, version, data, today=TODAY)
    return detail(db, case_id)


def agreed_case(db: Database, office: MediationOffice, **extra: object) -> int:
    case_id = open_case(db, leak_case(office))
    outcome(db, case_id, agreement(**extra))
    return case_id
