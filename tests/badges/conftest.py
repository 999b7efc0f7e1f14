from tests.badges.office import badge_db, badge_office  # noqa: F401 - fixtures
