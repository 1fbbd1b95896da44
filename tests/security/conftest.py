"""The security tests use the simulated browsers of tests/ui (NiceGUI's `user`) beside real servers."""

from tests.ui.conftest import app_clock, create_user, organiser_user, user  # noqa: F401  (fixtures shared with tests/ui)
