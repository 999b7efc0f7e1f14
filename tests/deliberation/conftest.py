from tests.accounts.conftest import office, office_db  # noqa: F401 - fixtures
