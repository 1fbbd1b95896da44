"""Migrations at start-up on SQLite (WAL) and PostgreSQL, from empty and existing databases."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from domain import database, workshops
from domain.models import Workshop, WorkshopSession

MIGRATIONS = sorted(path.stem for path in (Path(database.__file__).parent / "migrations").glob("0*.py"))


def connection() -> BaseDBAsyncClient:
    return Workshop._meta.db


async def applied_migrations() -> list[str]:
    _, rows = await connection().execute_query("SELECT name FROM tortoise_migrations ORDER BY name")
    return [row["name"] for row in rows]


async def test_sqlite_from_empty_then_reopened_keeps_data_and_migrates_nothing_twice(tmp_path: Path) -> None:
    url = database.sqlite_url(tmp_path)
    await database.open_database(url)
    try:
        assert await applied_migrations() == MIGRATIONS
        _, rows = await connection().execute_query("PRAGMA journal_mode")
        assert rows[0]["journal_mode"] == "wal"
        workshop = await workshops.create_workshop(title="Budget participatif", created_by=None)
    finally:
        await database.close_database()

    await database.open_database(url)
    try:
        assert await applied_migrations() == MIGRATIONS
        assert (await Workshop.get(id=workshop.id)).title == "Budget participatif"
    finally:
        await database.close_database()
    assert (tmp_path / database.SQLITE_FILE_NAME).exists()


async def test_postgresql_from_empty_then_reopened(postgres_url: str) -> None:
    await database.open_database(postgres_url)
    try:
        workshop = await workshops.create_workshop(title="Budget participatif", created_by=None,
                                                   time_zone="Europe/Paris")
        await workshops.add_session(workshop, date(2026, 10, 25), time(2, 30))  # the repeated autumn hour
    finally:
        await database.close_database()
    await database.open_database(postgres_url)
    try:
        assert await applied_migrations() == MIGRATIONS
        session = await WorkshopSession.get(workshop_id=workshop.id)
        assert session.starts_at.isoformat() == "2026-10-25T00:30:00+00:00"
    finally:
        await database.close_database()


async def test_an_unreachable_database_is_reported_without_its_password() -> None:
    with pytest.raises(database.DatabaseUnavailable) as refused:
        await database.open_database("postgres://atelier:s3cret@127.0.0.1:9/atelier")
    assert "s3cret" not in str(refused.value)
    assert "postgres://atelier:***@127.0.0.1:9/atelier" in str(refused.value)


def test_urls_are_redacted_and_their_scheme_read() -> None:
    assert database.redact("postgresql://u:p@h/db") == "postgresql://u:***@h/db"
    assert database.redact("sqlite:///data/atelier.sqlite3") == "sqlite:///data/atelier.sqlite3"
    assert database.url_scheme("POSTGRES://h/db") == "postgres"


async def test_every_model_change_has_its_migration() -> None:
    async with TortoiseContext() as context:
        await context.init(config=database.MIGRATIONS_CONFIG)
        pending = await MigrationAutodetector(context.apps, database.MIGRATIONS_CONFIG["apps"]).changes()
    assert not pending, "the models changed without a migration: run `.venv/bin/tortoise makemigrations`"
