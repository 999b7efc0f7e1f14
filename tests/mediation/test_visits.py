"""回访 of agreements and the today list's 调解协议回访 on fake dates."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, ValidationError
from chang_shan.mediation import cases
from chang_shan.mediation.shapes import OutcomeInput
from chang_shan.today.registry import build_today, sections
from tests.mediation.helpers import DUE, MEDIATED, agreed_case, detail, leak_case, open_case, outcome
from tests.mediation.office import SUN, TODAY, MediationOffice


def _visit(db: Database, case_id: int, on: date, performance: str, note: str = "") -> None:
    with db.transaction("调解回访") as s:
        cases.record_visit(s, case_id, on, performance, note, today=TODAY)


def _due(db: Database, on: date):  # noqa: ANN202
    with db.reader() as s:
        return build_today(s, on).section("mediation_visits_due")


def test_visits_only_of_agreements_and_in_time(mdb: Database, mediation_office: MediationOffice) -> None:
    open_id = open_case(mdb, leak_case(mediation_office))
    with pytest.raises(DomainError, match="没有需要回访的调解协议"), mdb.transaction("调解回访") as s:
        cases.record_visit(s, open_id, TODAY, "已履行", today=TODAY)
    case_id = agreed_case(mdb, mediation_office)
    for on, performance, field in ((MEDIATED.replace(day=9), "已履行", "visited_on"),
                                   (date(2026, 3, 21), "已履行", "visited_on"), (TODAY, "差不多", "performance")):
        with pytest.raises(ValidationError) as caught, mdb.transaction("调解回访") as s:
            cases.record_visit(s, case_id, on, performance, today=TODAY)
        assert field in caught.value.errors
    _visit(mdb, case_id, date(2026, 3, 1), "部分履行", "防水已修，赔偿款未付")
    visits = detail(mdb, case_id).visits
    assert [(v.visited_on, v.performance, v.note, v.visitor) for v in visits] == [
        (date(2026, 3, 1), "部分履行", "防水已修，赔偿款未付", "worker")]
    with pytest.raises(DomainError, match="已有履行回访记录"), mdb.transaction("记录调解结果") as s:
        cases.record_outcome(s, case_id, detail(mdb, case_id).version, OutcomeInput("未达成协议", MEDIATED), today=TODAY)


def test_the_today_list_asks_for_a_visit_after_the_due_date(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = agreed_case(mdb, mediation_office)  # due 2026-03-10
    oral = agreed_case(mdb, mediation_office, oral_agreement=True, performance_due=date(2026, 3, 5))
    open_case(mdb, leak_case(mediation_office))  # no agreement: nothing to visit
    assert _due(mdb, date(2026, 3, 5)).items == ()  # the day itself is still in time
    assert [i.target for i in _due(mdb, DUE).items] == [("case", oral)]
    section = _due(mdb, date(2026, 3, 15))
    assert section.title == "调解协议回访"
    assert [(i.target, i.days_overdue) for i in section.items] == [(("case", oral), 10), (("case", case_id), 5)]
    item = section.items[1]
    assert (item.name, item.due_on) == (f"王淑芬 与 {SUN}", DUE)
    assert item.text == "TJ2026-001 邻里纠纷：履行期限 2026-03-10 已过，尚未回访"
    _visit(mdb, case_id, date(2026, 3, 12), "部分履行")
    assert _due(mdb, date(2026, 3, 15)).items[1].text == "TJ2026-001 邻里纠纷：履行期限 2026-03-10 已过，上次回访：部分履行"
    _visit(mdb, case_id, date(2026, 3, 14), "已履行")
    assert [i.target for i in _due(mdb, date(2026, 3, 15)).items] == [("case", oral)]
    assert detail(mdb, case_id).row.performance == "已履行"


def test_the_section_order() -> None:
    assert {s.key: s.order for s in sections()}["mediation_visits_due"] == 121


def test_a_not_agreed_case_leaves_the_list(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = agreed_case(mdb, mediation_office)
    assert len(_due(mdb, date(2026, 3, 15)).items) == 1
    outcome(mdb, case_id, OutcomeInput("未达成协议", MEDIATED))
    assert _due(mdb, date(2026, 3, 15)).items == ()
