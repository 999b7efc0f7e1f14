from __future__ import annotations

from collections.abc import Iterator

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.demo.builder import DemoSummary
from chang_shan.paths import DataDir
from tests.demo.template import copy_data_dir, demo_template


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, DemoSummary]:
    """The demo community at scale 1 (read-only: copy it with ``demo_copy`` to write)."""
    return demo_template(tmp_path_factory.getbasetemp() / "demo-template")


@pytest.fixture
def demo_db(demo: tuple[DataDir, DemoSummary]) -> Iterator[Database]:
    """The shared demo opened without the folder lock, for reading."""
    database = Database.open(demo[0], lock=False)
    database.actor = SYSTEM  # reading as the program itself (tests/accounts test access)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def demo_copy(demo: tuple[DataDir, DemoSummary], tmp_path) -> DataDir:  # noqa: ANN001
    return copy_data_dir(demo[0], tmp_path / "copy")
