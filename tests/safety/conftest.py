from tests.safety.office import safety_db, safety_office  # noqa: F401 - fixtures

import pytest

from chang_shan.db.database import Database
from tests.population.community import Community, build_community


@pytest.fixture
def town(db: Database) -> Community:
    """The small community (tests/population/community.py) in ``db``, as the program itself."""
    return build_community(db)
