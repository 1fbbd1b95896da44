"""Atelier as NiceGUI's simulated `user` runs it: the real pages on a fresh SQLite database per test.

tests/ui/conftest.py sets ATELIER_TEST_DATA_DIR to the test's temporary directory, and the clock
the pages read (the system's, unless the test asks for a `FakeClock`: see its `app_clock` fixture).
"""

import os
from pathlib import Path

from nicegui import ui

import atelier
from tests.ui import app_clock

settings = atelier.Settings(data_dir=Path(os.environ["ATELIER_TEST_DATA_DIR"]))
atelier.build_app(settings, clock=app_clock.current)
ui.run(storage_secret="a secret for tests only", session_middleware_kwargs=settings.web.browser_cookie_options)
