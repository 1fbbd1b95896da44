"""Speaking turns: who had the floor, during which step, for how long; the balance between speakers."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.i18n import N_
from domain.live.state import LiveState
from domain.record.model import (
    PARTICIPANT,
    BarChart,
    Cell,
    Column,
    Figure,
    RecordPart,
    RecordSource,
    RecordTable,
    Series,
)
from domain.record.units import minutes, seconds


def turns_of(source: RecordSource) -> list[tuple[int, datetime, datetime, int | None]]:
    """Each turn as (participant, from, until, step id), found by replaying the floor's rules as they are."""
    state = LiveState()
    turns = []
    for event in source.events:
        holder, since, step_id = state.floor_holder, state.floor_since, state.step_id
        event.apply(state)
        if holder is not None and since is not None and (state.floor_holder, state.floor_since) != (holder, since):
            turns.append((holder, since, event.at, step_id))
    if state.floor_holder is not None and state.floor_since is not None:
        turns.append((state.floor_holder, state.floor_since, source.end, state.step_id))
    return turns


async def speaking(source: RecordSource) -> RecordPart:
    turns = turns_of(source)
    rows: list[tuple[Cell, ...]] = []
    spoken: dict[int, timedelta] = {}
    for number, (participant_id, since, until, step_id) in enumerate(turns, start=1):
        spoken[participant_id] = spoken.get(participant_id, timedelta(0)) + (until - since)
        person = source.state.people.get(participant_id)
        row = source.participants.get(participant_id)
        rows.append((number, source.who(participant_id),
                     person.name if person is not None and row is not None and not row.erased else "",
                     source.step_title(step_id) if step_id is not None else "", since, until,
                     seconds(until - since)))
    table = RecordTable(name="speaking_turns", title=source.t(N_("Speaking turns")), columns=(
        Column("turn", source.t(N_("Turn"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
        Column("step", source.t(N_("Step"))),
        Column("started_at", source.t(N_("Floor given"))),
        Column("ended_at", source.t(N_("Floor taken back"))),
        Column("seconds", source.t(N_("Seconds"))),
    ), rows=tuple(rows))
    ranked = sorted(spoken.items(), key=lambda item: (-item[1], item[0]))
    charts = (BarChart(title=source.t(N_("Speaking time per person")),
                       labels=tuple(source.label(participant_id) for participant_id, _time in ranked),
                       series=(Series(source.t(N_("Minutes with the floor")),
                                      tuple(minutes(time) for _id, time in ranked)),),
                       horizontal=True, unit=source.t(N_("min"))),) if ranked else ()
    figures = (Figure(source.t(N_("Speaking turns")), str(len(turns)),
                      source.ngettext("{count} speaker", "{count} speakers", len(spoken))),)
    return RecordPart(tables=(table,), charts=charts, figures=figures)

