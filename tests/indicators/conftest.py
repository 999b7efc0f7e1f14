from tests.accounts.conftest import office, office_db  # noqa: F401 - fixtures
from tests.demo.conftest import demo, demo_db  # noqa: F401 - fixtures
from tests.fees.helpers import fdb  # noqa: F401 - fixtures
