from tests.mediation.office import mdb, mediation_office  # noqa: F401 - fixtures
