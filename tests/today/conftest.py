from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from tests.accounts.office import copy_office
from tests.today.town import Town, town_template


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    """The today town (read-only): built once per run."""
    return town_template(tmp_path_factory.getbasetemp() / "today-town")


@pytest.fixture
def town_db(town: Town) -> Iterator[Database]:
    """The template opened for reading (no lock), nobody signed in: set ``db.actor``."""
    database = Database.open(town.data_dir, lock=False)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def town_copy(town: Town, tmp_path: Path) -> Iterator[Database]:
    """A writable copy of the town, nobody signed in."""
    database = Database.open(copy_office(town.office, tmp_path / "town"))
    try:
        yield database
    finally:
        database.close()
