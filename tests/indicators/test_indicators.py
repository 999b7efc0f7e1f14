"""The 八零 indicators: escalation and domestic violence from the mediation cases, zero-employment
households from the residents' employment, the others entered with a source; the dashboard's years
side by side; audit labels and undo. "Today" is 2026-03-20 (tests/fees/helpers.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.db.models.indicators import EIGHT_ZEROS, EightZeroEntry
from chang_shan.errors import DomainError, ValidationError
from chang_shan.indicators import indicators
from chang_shan.indicators.shapes import NOT_ENTERED, IndicatorValue
from chang_shan.mediation import cases
from chang_shan.mediation.shapes import CaseInput, PartyInput
from chang_shan.population import residents, undo
from tests.accounts.office import Office
from tests.fees.helpers import TODAY


def _values(db: Database, year: int, today: date = TODAY) -> dict[str, IndicatorValue]:
    with db.reader() as s:
        return {v.key: v for v in indicators.year_indicators(s, year, today=today)}


def _case(db: Database, kind: str, received: date, parties: tuple[int, int], *, escalated: bool = False) -> int:
    with db.transaction("登记调解案件") as s:
        case_id = cases.open_case(s, CaseInput(kind, received, "当事人申请", "双方争吵", "赔偿", "",
                                               [PartyInput("申请人", parties[0]), PartyInput("被申请人", parties[1])]),
                                  today=TODAY)
    if escalated:
        with db.transaction("矛盾升级") as s:
            cases.mark_escalated(s, case_id, 1, "发生肢体冲突")
    return case_id


def _employ(db: Database, resident_id: int, employment: str) -> None:
    with db.transaction("修改居民") as s:
        data = residents.resident_detail(s, resident_id).as_input()
        data.employment = employment
        residents.update_resident(s, resident_id, data)


def _enter(db: Database, year: int, key: str, count: object, source: str = "派出所通报", note: str = "") -> None:
    with db.transaction("填报八零指标") as s:
        indicators.enter(s, year, key, count, source, note, today=TODAY)  # type: ignore[arg-type]


def test_escalation_and_domestic_violence_come_from_the_mediation_cases(fdb: Database, office: Office) -> None:
    town = office.town
    _case(fdb, "邻里纠纷", date(2025, 5, 1), (town.wang, office.liu), escalated=True)
    _case(fdb, "邻里纠纷", date(2025, 8, 1), (town.wang, office.liu))
    _case(fdb, "家庭暴力", date(2025, 6, 1), (town.li, town.zhang))
    _case(fdb, "邻里纠纷", date(2026, 2, 1), (town.son, office.liu), escalated=True)
    last, this = _values(fdb, 2025), _values(fdb, 2026)
    esc = last["escalation"]
    assert (esc.count, esc.source, esc.derived, esc.met, esc.may_enter) == (1, "由人民调解记录统计", True, False, False)
    assert (this["escalation"].count, _values(fdb, 2024)["escalation"].count) == (1, 0)
    dv = last["domestic_violence"]
    assert (dv.count, dv.source, dv.derived, dv.met, dv.entered) == (1, "由人民调解记录统计", True, False, None)
    assert (this["domestic_violence"].count, this["domestic_violence"].met) == (0, True)
    # cases the committee never saw are entered and added
    _enter(fdb, 2025, "domestic_violence", 2, "派出所、妇联通报")
    dv = _values(fdb, 2025)["domestic_violence"]
    assert (dv.count, dv.entered, dv.derived) == (3, 2, True)
    assert dv.source == "人民调解记录 1 起；派出所、妇联通报 2 起"
    with pytest.raises(DomainError, match="不需填报"):
        _enter(fdb, 2025, "escalation", 0)


def test_zero_employment_households_from_the_residents_employment(fdb: Database, office: Office) -> None:
    town = office.town
    assert _values(fdb, 2026)["zero_employment"].count == 0
    _employ(fdb, town.son, "失业")  # 张伟 (47) is 101's only member of working age
    _employ(fdb, office.liu, "待业")  # 刘明 (40) alone in the 平房区 house
    _employ(fdb, town.wang, "失业")  # 王淑芬 (85) is not of working age: 301 does not count
    value = _values(fdb, 2026)["zero_employment"]
    assert (value.count, value.derived, value.met, value.may_enter) == (2, True, False, False)
    assert value.source == "由居民就业状况统计（2026-03-20）"
    with fdb.reader() as s:
        found = indicators.zero_employment_households(s, TODAY)
    assert [(h.household_id, h.address, h.members) for h in found] == [
        (town.h101, "3号楼1单元101", "张伟（失业）"), (town.house, "平房区 长山路12号", "刘明（待业）")]
    fdb.actor = office.actors["grid_other"]
    with fdb.reader() as s:
        assert [h.household_id for h in indicators.zero_employment_households(s, TODAY)] == [town.house]
        assert indicators.year_indicators(s, 2026, today=TODAY)[5].count == 2  # the community's count
    fdb.actor = office.actors["worker"]
    _employ(fdb, town.son, "个体经营")  # works again
    _employ(fdb, office.liu, "无业")  # not looking for work: not a zero-employment household
    assert _values(fdb, 2026)["zero_employment"].count == 0
    _employ(fdb, office.liu, "失业")
    fdb.actor = SYSTEM
    with fdb.transaction("迁出") as s:
        residents.move_out(s, office.liu, on_date=date(2026, 2, 1))
    assert _values(fdb, 2026)["zero_employment"].count == 0  # gone before today
    assert _values(fdb, 2025)["zero_employment"].count == 1  # still here on 31 Dec 2025


def test_a_past_years_entry_replaces_the_count(fdb: Database, office: Office) -> None:
    _employ(fdb, office.town.son, "失业")
    assert _values(fdb, 2025)["zero_employment"].count == 1
    _enter(fdb, 2025, "zero_employment", 0, "街道劳动保障所：已动态清零", "年底上报")
    value = _values(fdb, 2025)["zero_employment"]
    assert (value.count, value.source, value.derived, value.met, value.note) == (
        0, "街道劳动保障所：已动态清零", False, True, "年底上报")
    with pytest.raises(DomainError, match="本年的零就业家庭"):
        _enter(fdb, 2026, "zero_employment", 0)
    assert _values(fdb, 2026)["zero_employment"].count == 1


def test_the_other_indicators_are_entered_with_a_source(fdb: Database) -> None:
    value = _values(fdb, 2025)["petitions"]
    assert (value.count, value.source, value.met, value.derived, value.entered) == (None, NOT_ENTERED, None, False, None)
    _enter(fdb, 2025, "petitions", "0", "街道信访办通报")
    value = _values(fdb, 2025)["petitions"]
    assert (value.count, value.source, value.met, value.entered_by, value.entered_on) == (
        0, "街道信访办通报", True, "worker", TODAY)
    _enter(fdb, 2025, "petitions", 1, "街道信访办通报：越级上访 1 人次")  # corrected
    value = _values(fdb, 2025)["petitions"]
    assert (value.count, value.met, value.source) == (1, False, "街道信访办通报：越级上访 1 人次")
    with fdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(EightZeroEntry)) == 1
    with fdb.transaction("删除填报") as s:
        indicators.clear(s, 2025, "petitions")
    assert _values(fdb, 2025)["petitions"].count is None
    with pytest.raises(DomainError), fdb.transaction("删除填报") as s:
        indicators.clear(s, 2025, "petitions")


@pytest.mark.parametrize(("year", "key", "count", "source", "fields"), [
    (2025, "drugs", -1, "派出所", {"count"}),
    (2025, "drugs", "一", "派出所", {"count"}),
    (2025, "drugs", True, "派出所", {"count"}),
    (2025, "drugs", 0, "  ", {"source"}),
    (2025, "drugs", 0, "派" * 201, {"source"}),
    (2027, "drugs", 0, "派出所", {"year"}),
    (2025, "traffic", 0, "派出所", {"indicator"}),
])
def test_bad_entries_write_nothing(fdb: Database, year: int, key: str, count: object, source: str,
                                   fields: set[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        _enter(fdb, year, key, count, source)
    assert set(caught.value.errors) == fields
    with fdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(EightZeroEntry)) == 0


def test_the_dashboard_puts_the_years_side_by_side(fdb: Database, office: Office) -> None:
    _enter(fdb, 2024, "crime", 1, "派出所通报：盗窃 1 起")
    _enter(fdb, 2025, "crime", 0, "派出所通报")
    with fdb.reader() as s:
        board = indicators.dashboard(s, [2024, 2025, 2026, 2027], today=TODAY)
    assert list(board) == [2024, 2025, 2026, 2027]
    for year, values in board.items():
        assert [v.key for v in values] == list(EIGHT_ZEROS) and [v.name for v in values] == list(EIGHT_ZEROS.values())
        assert all(v.year == year for v in values)
    assert [board[y][2].count for y in (2024, 2025, 2026)] == [1, 0, None]
    assert [board[y][2].met for y in (2024, 2025, 2026)] == [False, True, None]
    assert all(v.count is None and not v.may_enter for v in board[2027])  # a year still to come


def test_labels_and_undo(fdb: Database, office: Office) -> None:
    assert trail.TABLE_LABELS["eight_zero_entry"] == "“八零”指标填报"
    assert set(trail.FIELD_LABELS["eight_zero_entry"]) == set(Base.metadata.tables["eight_zero_entry"].c.keys())
    _enter(fdb, 2025, "dropouts", 0, "长山小学统计")
    fdb.actor = office.actors["admin"]
    with fdb.reader() as s:
        [entry] = trail.list_entries(s, record=("eight_zero_entry", {"year": 2025, "indicator": "dropouts"}), limit=1)
    # a row of a composite key is named by its key: the year and the indicator
    assert entry.summary.startswith("新增“八零”指标填报（年度 2025，指标 零辍学）：") and "数据来源 长山小学统计" in entry.summary
    _enter(fdb, 2025, "dropouts", 1, "长山小学统计")
    with fdb.reader() as s:
        [entry] = trail.list_entries(s, record=("eight_zero_entry", {"year": 2025, "indicator": "dropouts"}), limit=1)
    assert entry.summary.startswith("“八零”指标填报（年度 2025，指标 零辍学）：数量：0 → 1")
    with fdb.transaction("撤销") as s:
        undo.undo_last(s)
    with fdb.transaction("撤销") as s:
        undo.undo_last(s)
    assert _values(fdb, 2025)["dropouts"].count is None
