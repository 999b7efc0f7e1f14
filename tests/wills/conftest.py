from tests.wills.office import wills_db, wills_office  # noqa: F401 - fixtures
