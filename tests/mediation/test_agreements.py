"""What 人民调解法 第二十九条 requires of a 协议书: ``agreement_problems`` names each missing item;
oral agreements (第二十八条) and cases without an agreement have none to print."""

from __future__ import annotations

import pytest

from chang_shan.db.database import Database
from chang_shan.mediation import agreements, cases, queries
from chang_shan.mediation.shapes import OutcomeInput, PartyInput
from tests.mediation.helpers import MEDIATED, agreed_case, agreement, detail, leak_case, open_case, outcome
from tests.mediation.office import SUN, TODAY, MediationOffice


def _problems(db: Database, case_id: int) -> list[str]:
    with db.reader() as s:
        return agreements.agreement_problems(s, case_id)


def test_a_complete_agreement_can_be_printed(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = agreed_case(mdb, mediation_office)
    assert _problems(mdb, case_id) == []
    assert detail(mdb, case_id).problems == ()


@pytest.mark.parametrize(("missing", "message"), [
    ({"responsibilities": ""}, "缺少各方当事人的责任。"),
    ({"performance_method": ""}, "缺少履行方式。"),
    ({"performance_due": None}, "缺少履行期限。"),
])
def test_each_missing_outcome_field_is_named(mdb: Database, mediation_office: MediationOffice,
                                             missing: dict[str, object], message: str) -> None:
    case_id = agreed_case(mdb, mediation_office, **missing)
    assert _problems(mdb, case_id) == [message]


def test_missing_case_fields_and_mediators(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office, disputed_matters="", mediator_ids=[]))
    outcome(mdb, case_id, agreement())
    assert _problems(mdb, case_id) == ["缺少争议事项。",
                                       "没有登记参加调解的人民调解员（协议书须由人民调解员签名）。"]


def test_each_partys_basic_details_are_named(mdb: Database, mediation_office: MediationOffice) -> None:
    town = mediation_office.town
    outsider = PartyInput("第三人", None, "赵装修", "", None, "", "", "")
    case_id = open_case(mdb, leak_case(mediation_office, parties=[
        PartyInput("申请人", town.zhang),  # 张立春: no occupation recorded in the 万家数据库
        PartyInput("被申请人", mediation_office.sun, address=" "),  # blank: copied from the resident
        outsider]))
    outcome(mdb, case_id, agreement())
    assert _problems(mdb, case_id) == [
        "当事人张立春（申请人）缺少：职业。",
        "当事人赵装修（第三人）缺少：性别、年龄、民族、职业、单位或者住所。",
    ]
    with mdb.reader() as s:
        data = queries.case_input(s, case_id)
    data.parties[0].occupation = "退休"
    data.parties[2] = PartyInput("第三人", None, "赵装修", "1", 45, "01", "装修工", "长春市宽城区柳影路8号")
    with mdb.transaction("修改调解案件") as s:
        cases.update_case(s, case_id, detail(mdb, case_id).version, data, today=TODAY)
    assert _problems(mdb, case_id) == []
    assert detail(mdb, case_id).copies == 4  # each party one, the committee one


def test_oral_and_not_agreed_cases_have_no_document(mdb: Database, mediation_office: MediationOffice) -> None:
    oral = agreed_case(mdb, mediation_office, oral_agreement=True, performance_method="", performance_due=None)
    assert _problems(mdb, oral) == ["当事人采取口头协议方式（人民调解法第二十八条），不制作调解协议书；协议内容已记录在案。"]
    assert detail(mdb, oral).agreement_terms.startswith(SUN)  # the terms are recorded all the same
    failed = open_case(mdb, leak_case(mediation_office))
    assert _problems(mdb, failed) == ["案件状态为“调解中”：只有达成协议的案件才能制作调解协议书。"]
    outcome(mdb, failed, OutcomeInput("未达成协议", MEDIATED))
    assert _problems(mdb, failed) == ["案件状态为“未达成协议”：只有达成协议的案件才能制作调解协议书。"]


def test_the_live_list_checks_an_outcome_before_it_is_saved(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    with mdb.reader() as s:
        draft = agreements.outcome_problems(s, case_id, agreement(performance_method="", responsibilities=""))
        full = agreements.outcome_problems(s, case_id, agreement())
    assert draft == ["缺少各方当事人的责任。", "缺少履行方式。"] and full == []
    assert detail(mdb, case_id).row.status == "调解中"  # nothing written


def test_both_sides_of_the_dispute_must_be_there(mdb: Database, mediation_office: MediationOffice) -> None:
    town = mediation_office.town
    case_id = open_case(mdb, leak_case(mediation_office, parties=[
        PartyInput("申请人", town.zhang, occupation="退休"), PartyInput("申请人", mediation_office.sun)]))
    outcome(mdb, case_id, agreement())
    assert _problems(mdb, case_id) == ["调解协议书须有纠纷双方：请至少登记一位申请人和一位被申请人。"]
