"""The security tests drive the real pages in NiceGUI's simulated browsers, as tests/ui does."""

from tests.ui.conftest import app_clock, create_user, user  # noqa: F401  (fixtures shared with tests/ui)
