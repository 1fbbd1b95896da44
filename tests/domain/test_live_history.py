"""Stored events: every registered type round-trips, and histories stored by earlier versions still replay."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate

from domain import database
from domain.clock import FakeClock
from domain.live import events
from domain.live.events import decode, encode, registered_types
from domain.live.registry import LiveRegistry
from domain.live.state import Member, MemberKind
from domain.models import RunEvent, RunPhase
from tests.domain.conftest import make_workshop

SAMPLES = Path(__file__).parent / "samples"
AT = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


class Reading:
    def step_id_at(self, position: int) -> int:
        return 100 + position

    def personal(self, participant_id: int, column: str) -> str:
        return f"{column} of {participant_id}"


def example(hint: Any) -> Any:
    """A value of this declared type, different from any default."""
    origin = typing.get_origin(hint)
    if hint is int:
        return 7
    if hint is bool:
        return True
    if hint is str:
        return "texte"
    if hint is datetime:
        return AT + timedelta(minutes=5)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[-1]
    if hint is Member:
        return Member(MemberKind.STAFF, 3)
    if origin is tuple:
        item, *rest = typing.get_args(hint)
        return (example(item), example(item)) if rest == [Ellipsis] else tuple(example(arg) for arg in (item, *rest))
    if origin in (typing.Union, types.UnionType):
        return example(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
    raise AssertionError(f"no example for {hint}")


def test_every_registered_event_type_round_trips_through_storage() -> None:
    kinds = registered_types()
    assert {"StepStarted", "HandRaised", "RoomsOpened", "CameraSwitched"} <= kinds.keys()
    assert "PresenceChanged" not in kinds  # announced, never stored
    for kind, cls in kinds.items():
        hints = typing.get_type_hints(cls)
        values = {item.name: example(hints[item.name]) for item in dataclasses.fields(cls) if item.name != "at"}
        event = cls(at=AT, **values)
        stored_kind, version, data = encode(event)
        assert (stored_kind, version) == (cls.kind, cls.version)
        json.dumps(data)  # storable as JSON
        personal = {item.name for item in dataclasses.fields(cls) if events.PERSONAL in item.metadata}
        assert not personal & data.keys(), f"{kind} stores personal data in the log"
        decoded = decode(stored_kind, version, AT, json.loads(json.dumps(data)), Reading())
        expected = dataclasses.replace(event, **{name: f"{item.metadata[events.PERSONAL]} of 7"
                                                 for item in dataclasses.fields(cls) if (name := item.name)
                                                 in personal})
        assert decoded == expected, kind


def test_an_event_newer_than_this_version_or_unknown_is_refused_clearly() -> None:
    for kind, version, data, reason in (("HandRaised", 9, {"participant_id": 1}, "newer"),
                                        ("Teleported", 1, {}, "unknown event kind"),
                                        ("HandRaised", 1, {}, "participant_id")):
        try:
            decode(kind, version, AT, data, Reading())
        except events.UnreadableEvent as problem:
            assert reason in str(problem)
        else:
            raise AssertionError(f"{kind} v{version} was read")


async def todays_workshop_rows(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The rows `make_workshop` writes with today's schema, to copy into an older one; and the session's id."""
    folder.mkdir()
    url = database.sqlite_url(folder)
    await database.open_database(url)
    try:
        _workshop, session = await make_workshop()
        connection = Tortoise.get_connection(database.connection_name(url))
        rows = {table: await connection.execute_query_dict(f"SELECT * FROM {table} ORDER BY id")
                for table in ("workshop", "workshop_session", "step", "room")}
    finally:
        await database.close_database()
    return rows, session.id


async def test_a_history_stored_by_the_first_engine_still_replays(tmp_path: Path, clock: FakeClock) -> None:
    """Version 1 named steps by position and kept names in the log: migrated, then replayed as it was."""
    sample = json.loads((SAMPLES / "live_events_v1.json").read_text())
    plan_rows, session_id = await todays_workshop_rows(tmp_path / "today")
    url = database.sqlite_url(tmp_path)
    config = database.tortoise_config(url)
    await migrate(config=config, target="atelier.0002_live_runs")  # the database as that engine left it
    await Tortoise.init(config=config, _enable_global_fallback=True)
    connection = Tortoise.get_connection(database.connection_name(url))
    for table, rows in plan_rows.items():  # the workshop, in the columns its tables had then
        columns_then = {column["name"] for column in await connection.execute_query_dict(
            f"PRAGMA table_info({table})")}
        for row in rows:
            kept = {name: value for name, value in row.items() if name in columns_then}
            await connection.execute_query(
                f"INSERT INTO {table} ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})", list(kept.values()))
    await connection.execute_query(
        "INSERT INTO live_run (id, session_id, rehearsal, join_code, phase, created_at) "
        "VALUES (1, ?, 0, 'code', 'ended', ?)", [session_id, AT.isoformat()])
    for person in sample["participants"]:
        await connection.execute_query(
            "INSERT INTO participant (id, run_id, display_name, token_hash, created_at) VALUES (?, 1, ?, ?, ?)",
            [person["id"], person["display_name"], f"hash-{person['id']}", AT.isoformat()])
    for row in sample["events"]:
        await connection.execute_query(
            "INSERT INTO run_event (run_id, sequence, at, kind, data) VALUES (1, ?, ?, ?, ?)",
            [row["sequence"], row["at"], row["kind"], json.dumps(row["data"])])
    await Tortoise.close_connections()

    await database.open_database(url)  # migrates to today's schema
    try:
        stored = {row.sequence: row for row in await RunEvent.filter(run_id=1)}
        assert "name" not in stored[1].data and "text" not in stored[2].data  # personal data left the log
        registry = LiveRegistry(clock)
        live = await registry.session(1)
        state = live.state
        steps = [step.id for step in live.steps]
        assert steps == sample["steps"]
        assert (state.phase, state.step_id) == (RunPhase.ENDED, steps[2])
        assert [visit.step_id for visit in state.visits] == steps
        people = {p.name: (p.room_id, p.turns, p.spoken, p.removed, p.present, p.arrival_answer)
                  for p in state.people.values()}
        first_room, second_room = sample["breakout_rooms"]
        assert people == {
            "Amina": (first_room, 0, timedelta(0), False, True, "Je fais mon marché ici."),
            "Bruno": (second_room, 1, timedelta(minutes=1), True, False, "J'habite à côté."),
            "Chloé": (first_room, 0, timedelta(0), False, False, ""),
        }
        assert [notice.text for notice in state.notices] == ["Nous commençons dans 2 minutes.", "Plus que 5 minutes."]
        assert state.floor_may_share_screen and not state.unmuting_allowed
        assert live.run.real_session_id == session_id  # the session's one real run
        await registry.close()
    finally:
        await database.close_database()
