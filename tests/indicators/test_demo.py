"""The demo's 八零 entries: three years with their sources, mostly 0 and two not; this year's
zero-employment households counted from the residents, 零矛盾升级 from the mediation cases."""

from __future__ import annotations

from sqlalchemy import func, select

from chang_shan.db.models.indicators import EightZeroEntry
from chang_shan.db.models.mediation import MediationCase
from chang_shan.indicators import indicators
from tests.demo.template import TODAY

YEARS = [TODAY.year - 2, TODAY.year - 1, TODAY.year]


def test_the_demo_indicators(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        board = indicators.dashboard(s, YEARS, today=TODAY)
        entries = list(s.scalars(select(EightZeroEntry)))
        households = indicators.zero_employment_households(s, TODAY)
        escalated = {year: s.scalar(select(func.count()).select_from(MediationCase).where(
            MediationCase.escalated.is_(True), func.strftime("%Y", MediationCase.received_on) == str(year)))
            for year in YEARS}
    assert demo[1].eight_zero_entries == len(entries) == 7 * 2 + 6  # escalation never; this year's zero-employment counted
    assert all(e.source and e.entered_on.year == e.year for e in entries)
    assert sorted((e.year, e.indicator) for e in entries if e.count) == [
        (YEARS[0], "public_security"), (YEARS[1], "petitions")]
    for year, values in board.items():
        by_key = {v.key: v for v in values}
        assert all(v.count is not None and v.source != "未填报" for v in values)
        assert by_key["escalation"].derived and by_key["escalation"].count == escalated[year]
        assert by_key["domestic_violence"].derived
        employment = by_key["zero_employment"]
        if year == TODAY.year:
            assert employment.derived and employment.count == len(households)
        else:
            assert not employment.derived and employment.count == 0
    assert [v.met for v in board[YEARS[0]]][:5] == [True, True, True, True, False]
