from tests.canteen.office import canteen_office, cdb  # noqa: F401 - fixtures
