from tests.health.office import health_db, health_office  # noqa: F401 - fixtures
