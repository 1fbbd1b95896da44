"""Breakout rooms: who was in which room, during which step, from when to when."""

from __future__ import annotations

from datetime import datetime

from domain.i18n import N_
from domain.live.events import Aspect
from domain.live.state import LiveState
from domain.record.model import PARTICIPANT, Cell, Column, RecordPart, RecordSource, RecordTable
from domain.record.units import minutes


def stays(source: RecordSource) -> list[tuple[int, int, int | None, datetime, datetime]]:
    """Each stay in a room as (participant, room, step id, from, until), in the order they began: from the
    moment they were in the room and present to the moment they were not (the rooms closed, they left)."""
    state = LiveState()
    current: dict[int, tuple[int, int | None, datetime]] = {}  # participant -> (room, step, since)
    done: list[tuple[int, int, int | None, datetime, datetime]] = []
    for event in source.events:
        event.apply(state)
        if not event.aspects & {Aspect.ROOMS, Aspect.PHASE, Aspect.PEOPLE}:
            continue
        rooms = {person.id: state.room_of(person.id) for person in state.active_people() if person.present}
        for participant_id in set(current) | set(rooms):
            was, now = current.get(participant_id), rooms.get(participant_id)
            if was is not None and (now is None or was[0] != now):
                done.append((participant_id, was[0], was[1], was[2], event.at))
                del current[participant_id]
            if now is not None and participant_id not in current:
                current[participant_id] = (now, state.step_id, event.at)
    for participant_id, (room_id, step_id, since) in current.items():
        done.append((participant_id, room_id, step_id, since, max(source.end, since)))
    return sorted(done, key=lambda stay: (stay[3], stay[1], stay[0]))


async def rooms(source: RecordSource) -> RecordPart:
    rows: list[tuple[Cell, ...]] = []
    for participant_id, room_id, step_id, since, until in stays(source):
        person = source.state.people.get(participant_id)
        row = source.participants.get(participant_id)
        rows.append((source.step_title(step_id) if step_id is not None else "", source.room_name(room_id),
                     source.who(participant_id),
                     person.name if person is not None and row is not None and not row.erased else "",
                     since, until, minutes(until - since)))
    table = RecordTable(name="rooms", title=source.t(N_("Breakout rooms")), columns=(
        Column("step", source.t(N_("Step"))),
        Column("room", source.t(N_("Room"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
        Column("from", source.t(N_("From"))),
        Column("until", source.t(N_("Until"))),
        Column("minutes", source.t(N_("Minutes"))),
    ), rows=tuple(rows))
    return RecordPart(tables=(table,))

