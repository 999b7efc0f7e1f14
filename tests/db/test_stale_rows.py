"""A write that finds its versioned row changed by someone else (the ORM's StaleDataError, which on
a shared PostgreSQL database is a real race) ends as the one Chinese message, and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import STALE_MESSAGE, Database
from chang_shan.db.models.party import PartyOrg
from chang_shan.errors import DomainError


def test_a_row_changed_underneath_is_refused_in_chinese_and_nothing_is_written(db: Database) -> None:
    with db.transaction("党委", actor=SYSTEM) as s:
        s.add(PartyOrg(level="党委", name="长山社区党委"))
    with pytest.raises(DomainError) as caught, db.transaction("改名", actor=SYSTEM) as s:
        org = s.scalars(select(PartyOrg)).one()
        # Another workstation saves first: the row's version moves on behind the loaded object.
        table = PartyOrg.__table__  # Core, so the loaded object is not told
        s.execute(update(table).where(table.c.id == org.id).values(version=table.c.version + 1))
        org.name = "长山花园社区党委"
        s.flush()
    assert str(caught.value) == STALE_MESSAGE == "记录已被他人修改，请刷新后再试。"
    with db.reader(actor=SYSTEM) as s:
        assert s.scalars(select(PartyOrg.name)).all() == ["长山社区党委"]


def test_a_number_taken_at_the_same_moment_is_refused_in_chinese_and_nothing_is_written(db: Database) -> None:
    """On a server database two workstations can take the same new number; the unique index refuses
    the second, which is told to save again (SQLite serialises writers, so this is forced here)."""
    from datetime import date

    from chang_shan.db.database import DUPLICATE_MESSAGE
    from chang_shan.db.models.volunteers import Volunteer

    with db.transaction("志愿者", actor=SYSTEM) as s:
        s.add(Volunteer(number="CSV-00001", kind="其他", name="甲", registered_on=date(2026, 1, 1)))
    with pytest.raises(DomainError) as caught, db.transaction("志愿者", actor=SYSTEM) as s:
        s.add(Volunteer(number="CSV-00002", kind="其他", name="乙", registered_on=date(2026, 1, 1)))
        s.add(Volunteer(number="CSV-00001", kind="其他", name="丙", registered_on=date(2026, 1, 1)))
        s.flush()
    assert str(caught.value) == DUPLICATE_MESSAGE
    with db.reader(actor=SYSTEM) as s:
        assert s.scalars(select(Volunteer.name)).all() == ["甲"]


def test_other_integrity_errors_are_not_dressed_up(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from chang_shan.db.models.party import PartyMember

    with pytest.raises(IntegrityError), db.transaction("党员", actor=SYSTEM) as s:  # a programming error
        s.add(PartyMember(resident_id=999, org_id=999, joined_on=None))
        s.flush()
