"""Who reaches which case (a 网格员: cases with a party of their grids), mediators, and the audit
screen's labels for the mediation tables."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.mediation import agreements, cases, mediators, queries
from chang_shan.mediation.shapes import PartyInput
from chang_shan.today.registry import build_today
from tests.mediation.helpers import agreed_case, leak_case, open_case
from tests.mediation.office import SUN, TODAY, MediationOffice


def test_a_grid_worker_sees_the_cases_of_their_grids(mdb: Database, mediation_office: MediationOffice) -> None:
    ours = agreed_case(mdb, mediation_office)  # 王淑芬 and 孙𠀀明, grid 1
    actors = mediation_office.actors
    mdb.actor = actors["grid_other"]
    with mdb.reader() as s:
        assert queries.cases(s) == [] and queries.case_choices(s) == []
        assert build_today(s, date(2026, 3, 15)).section("mediation_visits_due").items == ()
        with pytest.raises(PermissionDenied, match="不在您负责的网格内"):
            queries.case_detail(s, ours)
        with pytest.raises(PermissionDenied):
            agreements.agreement_problems(s, ours)
    with pytest.raises(PermissionDenied), mdb.transaction("调解回访") as s:
        cases.record_visit(s, ours, TODAY, "已履行", today=TODAY)
    with pytest.raises(PermissionDenied), mdb.transaction("登记") as s:  # may not name residents of grid 1
        cases.open_case(s, leak_case(mediation_office), today=TODAY)
    mdb.actor = actors["grid_own"]
    with mdb.reader() as s:
        assert [r.id for r in queries.cases(s)] == [ours]
        assert len(build_today(s, date(2026, 3, 15)).section("mediation_visits_due").items) == 1
    with mdb.transaction("调解回访") as s:
        cases.record_visit(s, ours, TODAY, "已履行", today=TODAY)
    outsiders = [PartyInput("申请人", None, "赵甲"), PartyInput("被申请人", None, "钱乙")]
    with pytest.raises(ValidationError, match="至少有一方是本网格的居民"), mdb.transaction("登记") as s:
        cases.open_case(s, leak_case(mediation_office, parties=outsiders), today=TODAY)


def test_readers_read_and_nobody_reads_nothing(mdb: Database, mediation_office: MediationOffice) -> None:
    case_id = open_case(mdb, leak_case(mediation_office))
    mdb.actor = mediation_office.actors["reader"]
    with mdb.reader() as s:
        assert queries.case_detail(s, case_id).parties[1].name == SUN
    with pytest.raises(PermissionDenied), mdb.transaction("登记") as s:
        cases.open_case(s, leak_case(mediation_office), today=TODAY)
    with pytest.raises(PermissionDenied), mdb.transaction("任命") as s:
        mediators.add_mediator(s, name="周调解", start_on=TODAY, today=TODAY)
    mdb.actor = None
    with pytest.raises(PermissionDenied), mdb.reader() as s:
        queries.cases(s)


def test_mediators(mdb: Database, mediation_office: MediationOffice) -> None:
    with mdb.transaction("任命") as s:
        new = mediators.add_mediator(s, resident_id=mediation_office.sun, role="调解员", start_on=date(2026, 1, 1),
                                     today=TODAY)
    open_case(mdb, leak_case(mediation_office, mediator_ids=[mediation_office.chair, new]))
    with mdb.reader() as s:
        serving = mediators.mediators(s, active_on=TODAY)
        every = mediators.mediators(s)
    assert [(m.name, m.role, m.phone, m.cases) for m in serving] == [("王秀英", "主任", "", 1), (SUN, "调解员", "139****0108", 1)]
    assert [m.name for m in every] == ["王秀英", SUN, "李建国"] and not every[2].active
    with pytest.raises(ValidationError), mdb.transaction("离任") as s:
        mediators.end_mediator(s, new, date(2025, 12, 31), today=TODAY)
    mdb.actor = mediation_office.actors["grid_own"]
    with pytest.raises(PermissionDenied, match="网格员不能任命人民调解员"), mdb.transaction("任命") as s:
        mediators.add_mediator(s, name="周调解", start_on=TODAY, today=TODAY)


TABLES = {"mediation_mediator": "人民调解员", "mediation_case": "人民调解案件", "mediation_party": "调解案件当事人",
          "mediation_case_mediator": "调解案件的调解员", "mediation_visit": "调解协议回访"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields


def test_a_party_on_the_audit_screen_is_masked_and_in_chinese(mdb: Database, mediation_office: MediationOffice) -> None:
    open_case(mdb, leak_case(mediation_office))
    mdb.actor = mediation_office.actors["admin"]
    with mdb.reader() as s:
        entries = trail.list_entries(s, resident_id=mediation_office.sun, limit=5)
    [entry] = [e for e in entries if e.action == "登记调解案件"]
    assert "调解案件当事人" in entry.summary and "回族" in entry.summary and "个体经营" in entry.summary
    assert "13904310108" not in entry.summary and "139****0108" in entry.summary
