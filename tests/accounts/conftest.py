from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from tests.accounts.office import Office, build_office, copy_office


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    """The office template (read-only): built once per run."""
    return build_office(tmp_path_factory.mktemp("office"))


@pytest.fixture
def office_db(office: Office, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the office, opened with nobody signed in (set ``db.actor``)."""
    database = Database.open(copy_office(office, tmp_path / "office"))
    try:
        yield database
    finally:
        database.close()
