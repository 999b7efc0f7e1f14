"""The maintenance tests use the demo community fixtures of tests/demo (one shared template)."""

from tests.demo.conftest import demo, demo_copy, demo_db  # noqa: F401 - pytest finds fixtures by name
