from tests.demo.conftest import demo, demo_db  # noqa: F401 - fixtures
from tests.wills.office import wills_db, wills_office  # noqa: F401 - fixtures
