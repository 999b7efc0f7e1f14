"""A care assignment (包保) ends on the day its elder or its caretaker moves out or dies; undoing
the move-out or the death brings the assignment back."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.care import assignments
from chang_shan.db.database import Database
from chang_shan.population import residents, undo
from tests.health.office import HealthOffice, health_db, health_office  # noqa: F401 - fixtures

TODAY = date(2025, 6, 1)


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    health_db.actor = health_office.actors["worker"]
    return health_db


def _history(db: Database, elder: int) -> list[tuple[int, date, date | None]]:
    with db.reader() as s:
        rows = assignments.list_assignments(s, on=TODAY, include_ended=True)
    return sorted((r.caretaker_id, r.start_on, r.end_on) for r in rows if r.elder_id == elder)


@pytest.mark.parametrize("who", ["elder", "caretaker"])
@pytest.mark.parametrize("event", ["move_out", "record_death"])
def test_leaving_ends_the_assignment_that_day(db: Database, health_office: HealthOffice, who: str, event: str) -> None:
    town = health_office.town
    with db.transaction("指定包保人") as s:
        assignments.assign_caretaker(s, town.wang, town.son, date(2025, 1, 1), today=TODAY)
    leaving = town.wang if who == "elder" else town.son
    with db.transaction("离开") as s:
        getattr(residents, event)(s, leaving, on_date=date(2025, 5, 20))
    assert _history(db, town.wang) == [(town.son, date(2025, 1, 1), date(2025, 5, 20))]
    with db.reader() as s:
        assert assignments.caretaker_of(s, town.wang, TODAY) is None
    with db.transaction("撤销") as s:
        undo.undo_last(s)
    assert _history(db, town.wang) == [(town.son, date(2025, 1, 1), None)]
