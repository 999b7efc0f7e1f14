"""Shared fixtures: a real SQLite file in a temporary folder, made by the production code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from chang_shan.db.database import Database  # noqa: E402
from chang_shan.paths import DataDir  # noqa: E402


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def db(data_dir: DataDir) -> Iterator[Database]:
    database = Database.open(data_dir)
    # Most tests are about behaviour, not access: they work as the program itself. Tests of
    # permissions sign in as real accounts (tests/accounts).
    from chang_shan.accounts.permissions import SYSTEM

    database.actor = SYSTEM
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data folder."""
    monkeypatch.setenv("CHANG_SHAN_HOME", str(tmp_path / "home-data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
