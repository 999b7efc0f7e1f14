"""The demo's 四步议事 matters and 人民调解 cases obey the services' own rules."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from chang_shan.db.models import Resident
from chang_shan.db.models.mediation import MediationParty
from chang_shan.deliberation import queries as deliberation
from chang_shan.deliberation.rules import MIN_NOTICE_DAYS, count_vote
from chang_shan.mediation import agreements
from chang_shan.mediation import queries as mediation
from chang_shan.population.residents import age_on
from chang_shan.today.registry import build_today
from tests.demo.template import TODAY


def test_the_demo_matters(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        rows = deliberation.matters(s)
        details = [deliberation.matter_detail(s, r.id) for r in rows]
        today = build_today(s, TODAY)
    assert demo[1].matters == len(rows) and 15 <= len(rows) <= 25
    assert Counter(r.status for r in rows) == {"已决议": len(rows) - 2, "已终止": 1, "公示中": 1}
    assert len({r.proposed_on.year for r in rows}) >= 3
    for d in details:
        assert [s.seq for s in d.steps] == list(range(1, len(d.steps) + 1))
        expected_next = 1
        held = d.row.proposed_on
        for step in d.steps:
            assert step.step == expected_next and step.held_on >= held and step.held_on <= TODAY and step.minutes
            held = step.held_on
            if step.step == 3:
                vote = count_vote(step.expected, step.present, step.votes_for, step.votes_against, step.votes_abstain)
                assert vote.problems == {} and (vote.outcome == step.outcome or step.outcome == "退回")
            expected_next = step.back_to if step.outcome == "退回" else step.step + 1
        if d.row.status in ("已决议", "公示中"):
            assert d.steps[-1].step == 4 and d.resolution and d.notice_number.startswith("长山花园社区议〔")
            assert (d.row.notice_to - d.row.notice_from).days + 1 >= MIN_NOTICE_DAYS
            assert d.row.notice_from >= d.steps[-1].held_on
        if d.row.status == "已决议":
            assert d.row.notice_to < d.row.closed_on <= TODAY
    ended = next(d for d in details if d.row.status == "已终止")
    assert ended.steps[-1].step == 3 and ended.steps[-1].outcome == "不通过" and ended.close_reason
    sent_back = [d for d in details if any(s.outcome == "退回" for s in d.steps)]
    assert len(sent_back) == 1 and sent_back[0].row.status == "已决议"
    assert [s.step for s in sent_back[0].steps] == [1, 2, 3, 2, 3, 4] and sent_back[0].steps[2].reason
    current = next(d for d in details if d.row.status == "公示中")
    assert current.row.notice_from <= TODAY <= current.row.notice_to
    assert today.section("deliberation_notice_due").items == ()


def test_the_demo_mediation(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        rows = mediation.cases(s)
        problems = {r.id: agreements.agreement_problems(s, r.id) for r in rows}
        mediators = mediation.mediators(s, active_on=TODAY)
        parties = list(s.scalars(select(MediationParty)))
        residents = {r.id: r for r in s.execute(select(Resident.id, Resident.name, Resident.sex_code, Resident.birth_date,
                                                        Resident.ethnicity_code, Resident.employment))}
        due = build_today(s, TODAY).section("mediation_visits_due")
    assert demo[1].mediation_cases == len(rows) and 80 <= len(rows) <= 100
    assert 8 <= len(mediators) <= 10 and [m.role for m in mediators][:2] == ["主任", "副主任"]
    statuses = Counter(r.status for r in rows)
    assert 0.7 <= statuses["达成协议"] / len(rows) <= 0.9 and statuses["未达成协议"] >= 5 and statuses["已移交"] == 2
    assert 1 <= sum(r.escalated for r in rows) <= 2
    assert len({r.kind for r in rows}) >= 7
    written = [r for r in rows if r.status == "达成协议" and not r.oral_agreement]
    assert all(problems[r.id] == [] for r in written)  # every written agreement can be printed
    assert any(r.oral_agreement for r in rows)
    by_case = {r.id: r for r in rows}
    for p in parties:
        resident = residents[p.resident_id]
        assert (p.name, p.sex_code, p.ethnicity_code, p.occupation) == (
            resident.name, resident.sex_code, resident.ethnicity_code, resident.employment)
        assert p.age == age_on(resident.birth_date, by_case[p.case_id].received_on) and p.address
    agreed = [r for r in rows if r.status == "达成协议"]
    assert sum(1 for r in agreed if r.performance) >= 0.8 * len(agreed)  # most were visited
    assert 1 <= len(due.items) <= 5 and all(i.due_on < TODAY for i in due.items)
    assert all(r.mediated_on is None or r.received_on <= r.mediated_on <= TODAY - timedelta(days=1) for r in rows)
