"""Opening and correcting mediation cases: numbers, a resident party's details copied in, masked
values kept, mediators serving on the day, outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chang_shan.db.database import Database
from chang_shan.db.models.mediation import MediationParty
from chang_shan.errors import DomainError, ValidationError
from chang_shan.mediation import cases, queries
from chang_shan.mediation.shapes import OutcomeInput, PartyInput
from tests.mediation.helpers import MEDIATED, RECEIVED, agreement, detail, leak_case, open_case, outcome
from tests.mediation.office import SUN, SUN_ID, TODAY, MediationOffice


def test_numbers_and_the_parties_copied_from_the_residents(mdb: Database, mediation_office: MediationOffice) -> None:
    first = open_case(mdb, leak_case(mediation_office, received_on=date(2025, 11, 3)))
    second = open_case(mdb, leak_case(mediation_office))
    third = open_case(mdb, leak_case(mediation_office, received_on=date(2026, 3, 1)))
    assert [detail(mdb, i).row.number for i in (first, second, third)] == ["TJ2025-001", "TJ2026-001", "TJ2026-002"]
    case = detail(mdb, second)
    assert case.row.status == "调解中" and case.row.parties == f"王淑芬 与 {SUN}" and case.row.mediators == "王秀英"
    wang, sun = case.parties
    assert (wang.side, wang.name, wang.sex, wang.age, wang.ethnicity, wang.occupation, wang.address) == (
        "申请人", "王淑芬", "女", 85, "汉族", "退休", "3号楼2单元301")
    assert (sun.side, sun.name, sun.sex, sun.age, sun.ethnicity, sun.occupation, sun.address) == (
        "被申请人", SUN, "男", 57, "回族", "个体经营", "3号楼1单元102")
    assert sun.id_number == SUN_ID[:6] + "********" + SUN_ID[-4:] and sun.phone == "139****0108"
    assert case.copies == 3
    with mdb.reader() as s:
        stored = s.query(MediationParty).filter_by(case_id=second, name=SUN).one()
        assert (stored.id_number, stored.phone) == (SUN_ID, "13904310108")  # the full values are kept, masked when shown


def test_a_case_needs_two_parties_facts_and_a_serving_mediator(mdb: Database, mediation_office: MediationOffice) -> None:
    data = leak_case(mediation_office, parties=[PartyInput("申请人", mediation_office.town.wang)], facts=" ",
                     kind="吵架", received_on=TODAY + timedelta(days=1), mediator_ids=[mediation_office.former])
    with pytest.raises(ValidationError) as caught, mdb.transaction("登记") as s:
        cases.open_case(s, data, today=TODAY)
    errors = caught.value.errors
    assert set(errors) == {"parties", "facts", "kind", "received_on", "mediator_ids"}
    assert errors["mediator_ids"] == "李建国在 2026-03-21 不是在任的人民调解员。"
    # in 2024 李建国 still served
    old = open_case(mdb, leak_case(mediation_office, received_on=date(2024, 6, 1),
                                   mediator_ids=[mediation_office.chair, mediation_office.former]))
    assert detail(mdb, old).row.mediators == "王秀英、李建国"


def test_an_outsider_party_is_checked(mdb: Database, mediation_office: MediationOffice) -> None:
    outsider = PartyInput("被申请人", None, "赵装修", "1", 45, "01", "装修工", "长春市宽城区柳影路8号",
                          "220103198001011234", "1390431")
    with pytest.raises(ValidationError) as caught, mdb.transaction("登记") as s:
        cases.open_case(s, leak_case(mediation_office, parties=[PartyInput("申请人", mediation_office.sun), outsider]),
                        today=TODAY)
    assert set(caught.value.errors) == {"parties[1].id_number", "parties[1].phone"}
    outsider.id_number, outsider.phone = "", "13904310999"
    case_id = open_case(mdb, leak_case(mediation_office, parties=[PartyInput("申请人", mediation_office.sun), outsider]))
    assert detail(mdb, case_id).parties[1].address == "长春市宽城区柳影路8号"


def test_masked_values_given_back_keep_the_stored_ones(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    before = detail(mdb, case_id)
    with mdb.reader() as s:
        data = queries.case_input(s, case_id)
    assert data.parties[1].id_number.count("*") == 8
    data.parties[1].occupation = "出租车司机"
    data.disputed_matters = "修复费用"
    with mdb.transaction("修改调解案件") as s:
        cases.update_case(s, case_id, before.version, data, today=TODAY)
    after = detail(mdb, case_id)
    assert after.version == before.version + 1 and after.parties[1].occupation == "出租车司机"
    with mdb.reader() as s:
        stored = s.query(MediationParty).filter_by(case_id=case_id, name=SUN).one()
        assert (stored.id_number, stored.phone) == (SUN_ID, "13904310108")
    with pytest.raises(DomainError, match="记录已被他人修改"), mdb.transaction("修改调解案件") as s:
        cases.update_case(s, case_id, before.version, data, today=TODAY)


def test_outcomes(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    version = detail(mdb, case_id).version
    for bad, field in ((agreement(agreement_terms=""), "agreement_terms"),
                       (agreement(performance_due=MEDIATED - timedelta(days=1)), "performance_due"),
                       (agreement(mediated_on=RECEIVED - timedelta(days=1)), "mediated_on"),
                       (agreement(mediated_on=TODAY + timedelta(days=1)), "mediated_on"),
                       (OutcomeInput("已移交", MEDIATED), "referred_to"),
                       (OutcomeInput("调解中", MEDIATED), "status")):
        with pytest.raises(ValidationError) as caught, mdb.transaction("记录调解结果") as s:
            cases.record_outcome(s, case_id, version, bad, today=TODAY)
        assert field in caught.value.errors
    referred = outcome(mdb, case_id, OutcomeInput("已移交", MEDIATED, agreement_terms="不会保存", referred_to="长山派出所"))
    assert (referred.row.status, referred.referred_to, referred.agreement_terms) == ("已移交", "长山派出所", "")
    agreed = outcome(mdb, case_id, agreement())
    assert (agreed.row.status, agreed.referred_to, agreed.performance_due) == ("达成协议", "", date(2026, 3, 10))


def test_escalation(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    version = detail(mdb, case_id).version
    with pytest.raises(ValidationError), mdb.transaction("矛盾升级") as s:
        cases.mark_escalated(s, case_id, version, " ")
    with mdb.transaction("矛盾升级") as s:
        cases.mark_escalated(s, case_id, version, "双方在楼道发生肢体冲突，已报警")
    case = detail(mdb, case_id)
    assert case.row.escalated and case.escalated_note == "双方在楼道发生肢体冲突，已报警"


def test_lists_keep_rare_characters(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    other = open_case(mdb, leak_case(mediation_office, kind="物业纠纷", parties=[
        PartyInput("申请人", mediation_office.town.zhang), PartyInput("被申请人", mediation_office.base.liu)]))
    with mdb.reader() as s:
        assert [r.id for r in queries.cases(s, text=SUN)] == [case_id]
        assert [r.id for r in queries.cases(s, kind="物业纠纷")] == [other]
        assert [r.id for r in queries.cases(s, year=2026, status="调解中")] == [other, case_id]
        choices = queries.case_choices(s)
    assert choices == [("TJ2026-002", "TJ2026-002 物业纠纷 张立春 与 刘明"),
                       ("TJ2026-001", f"TJ2026-001 邻里纠纷 王淑芬 与 {SUN}")]


def test_undo_of_an_outcome(mdb: Database, mediation_office: MediationOffice) -> None:
    from chang_shan.population import undo

    case_id = open_case(mdb, leak_case(mediation_office))
    outcome(mdb, case_id, agreement())
    with mdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "记录调解结果"
    back = detail(mdb, case_id)
    assert (back.row.status, back.agreement_terms, back.performance_due) == ("调解中", "", None)
