"""Opening the database: Tortoise configuration, migrations at start-up, a health probe."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.migrations.api import migrate

from domain.models import APP_LABEL, Workshop

SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql")
SQLITE_FILE_NAME = "atelier.sqlite3"


class DatabaseUnavailable(Exception):
    """The database cannot be opened or migrated; the message says why, without secrets."""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite://{(data_dir / SQLITE_FILE_NAME).resolve()}"


def url_scheme(url: str) -> str:
    return urlsplit(url).scheme.lower()


def redact(url: str) -> str:
    """The URL with its password masked, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def connection_name(url: str) -> str:
    """One connection name per kind of database.

    Tortoise caches prepared SQL per connection name for the life of the process,
    so a process that opens SQLite and then PostgreSQL (the test suite) needs two names.
    """
    return "sqlite" if url_scheme(url) == "sqlite" else "postgres"


def tortoise_config(url: str) -> dict[str, Any]:
    name = connection_name(url)
    return {
        "connections": {name: with_secure_delete(url)},
        "apps": {
            APP_LABEL: {
                "models": ["domain.models"],
                "migrations": "domain.migrations",
                "default_connection": name,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def with_secure_delete(url: str) -> str:
    """SQLite overwrites what it deletes or replaces with zeros (`PRAGMA secure_delete`), so that an old value
    (a secret poll's counts before the last ballot, domain/activities/polls.py) does not linger in the file."""
    if url_scheme(url) != "sqlite" or "secure_delete" in urlsplit(url).query:
        return url
    return f"{url}{'&' if '?' in url else '?'}secure_delete=ON"


async def forget_replaced_pages() -> None:
    """Write SQLite's journal into the file and empty it (the journal holds each page as it was at each commit,
    old counts included); nothing to do on PostgreSQL, see docs/development.md."""
    connection = Workshop._meta.db
    if connection.capabilities.dialect == "sqlite":
        await connection.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


# Read by `tortoise makemigrations` through [tool.tortoise] in pyproject.toml.
MIGRATIONS_CONFIG = tortoise_config("sqlite://:memory:")


async def open_database(url: str) -> None:
    """Apply pending migrations, then connect for the application's lifetime.

    The context is made global so that NiceGUI's tasks, which do not inherit the
    start-up task's context variables, see the same connections.
    """
    config = tortoise_config(url)
    try:
        await migrate(config=config)
        await Tortoise.init(config=config, _enable_global_fallback=True)
        await ping()
    except Exception as error:  # any driver error: the reason matters, not the class
        await close_database()
        raise DatabaseUnavailable(f"{redact(url)}: {describe(error)}") from error


async def close_database() -> None:
    if Tortoise.is_inited():
        await Tortoise.close_connections()


async def ping() -> None:
    await Workshop._meta.db.execute_query("SELECT 1")  # the connection the models use


def describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
