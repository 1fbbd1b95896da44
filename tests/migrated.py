"""One SQLite database migrated once per test run: tests and test servers start from copies of it.

Running every migration takes most of a second (several on a loaded CI machine), copying the file a few
milliseconds; hundreds of tests each start on an empty database. Tests of migrating itself start from nothing.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from domain import database

_lock = threading.Lock()
_template: Path | None = None


def put_migrated_database(data_dir: Path) -> None:
    """Put an empty database, migrated to today's schema, in this data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_once(), data_dir / database.SQLITE_FILE_NAME)


def _migrated_once() -> Path:
    global _template
    with _lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="atelier-migrated-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            # On a thread of its own: the caller may be inside an event loop (an async fixture) or not.
            migrating = threading.Thread(target=asyncio.run, args=(_migrate(folder),))
            migrating.start()
            migrating.join()
            _template = folder / database.SQLITE_FILE_NAME
            if not _template.exists():
                raise RuntimeError("migrating the template database failed: see the error printed above")
        return _template


async def _migrate(folder: Path) -> None:
    await database.open_database(database.sqlite_url(folder))
    await database.close_database()
