"""Fixtures shared by every layer's tests: a fake clock and a real SQLite database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain import accounts, database
from domain.clock import FakeClock
from domain.models import StaffAccount, StaffRole
from tests.janus_server import JanusServer, start_servers
from tests.mail.smtp_server import LocalSmtpServer
from tests.migrated import put_migrated_database
from tests.postgres import PostgresServer

pytest_plugins = ["nicegui.testing.user_plugin"]

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[str]:
    """A fresh SQLite file, migrated, open for the test's duration."""
    put_migrated_database(tmp_path)
    url = database.sqlite_url(tmp_path)
    await database.open_database(url)
    yield url
    await database.close_database()


@pytest.fixture
async def organiser(db: str) -> StaffAccount:
    return await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)


@pytest.fixture
async def moderator(db: str) -> StaffAccount:
    return await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def smtp() -> Iterator[LocalSmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""
    server = LocalSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL cluster on a free port, for the tests that prove postgres:// works."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's cluster."""
    return postgres_server.new_database()


# ---------------------------------------------------------------- Janus


@pytest.fixture(scope="session")
def janus_servers() -> Iterator[list[JanusServer]]:
    """Two real Janus servers (Debian's package) on loopback, for the media backend that uses them."""
    servers = start_servers(2)
    yield servers
    for server in servers:
        server.stop()
