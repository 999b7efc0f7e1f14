from tests.service_requests.office import sdb, service_office  # noqa: F401 - fixtures
