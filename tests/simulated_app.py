"""Atelier as NiceGUI's simulated `user` runs it: the real pages on a fresh SQLite database per test.

tests/ui/conftest.py sets ATELIER_TEST_DATA_DIR to the test's temporary directory.
"""

import os
from pathlib import Path

from nicegui import ui

import atelier

atelier.build_app(atelier.Settings(data_dir=Path(os.environ["ATELIER_TEST_DATA_DIR"])))
ui.run(storage_secret="a secret for tests only")
