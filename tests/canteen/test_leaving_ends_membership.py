"""A canteen membership stops the day its member moves out or dies (end_on = the first day without
meals); the next day's lists no longer carry them, and undo brings the membership back."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.canteen import members
from chang_shan.db.database import Database
from chang_shan.population import residents, undo
from tests.canteen.office import TODAY, CanteenOffice


@pytest.mark.parametrize("event", ["move_out", "record_death"])
def test_leaving_stops_the_membership(cdb: Database, canteen_office: CanteenOffice, event: str) -> None:
    wang = canteen_office.town.wang
    cdb.actor = SYSTEM
    with cdb.transaction("离开") as s:
        getattr(residents, event)(s, wang, on_date=date(2025, 3, 10))
    with cdb.reader() as s:
        rows = [m for m in members.list_members(s, TODAY, include_ended=True) if m.resident_id == wang]
        assert [(m.start_on, m.end_on) for m in rows] == [(date(2025, 1, 1), date(2025, 3, 10))]
        assert wang not in {m.resident_id for m in members.list_members(s, date(2025, 3, 11))}
    with cdb.transaction("撤销") as s:
        undo.undo_last(s)
    with cdb.reader() as s:
        assert [m.end_on for m in members.list_members(s, TODAY, include_ended=True) if m.resident_id == wang] == [None]
