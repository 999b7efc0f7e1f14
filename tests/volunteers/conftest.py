from tests.accounts.conftest import office  # noqa: F401 - fixture
from tests.demo.conftest import demo, demo_db  # noqa: F401 - fixtures
from tests.volunteers.office import vdb, world  # noqa: F401 - fixtures
