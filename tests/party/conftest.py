from tests.demo.conftest import demo, demo_db  # noqa: F401 - fixtures
from tests.party.office import party_office, pdb  # noqa: F401 - fixtures
