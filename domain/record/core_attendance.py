"""Who came, when, and for how long; how many were present minute by minute."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from domain.i18n import N_
from domain.live.state import LiveState
from domain.record.model import (
    PARTICIPANT,
    Cell,
    Column,
    Figure,
    LineChart,
    RecordPart,
    RecordSource,
    RecordTable,
    Series,
)
from domain.record.units import clock_time, minutes, yes_no


def presence_intervals(source: RecordSource) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each participant's times on the stage (arrived to left), cut at the end of the run."""
    state = LiveState()
    opened: dict[int, datetime] = {}
    intervals: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    end = source.end
    for event in source.events:
        event.apply(state)
        participant_id = getattr(event, "participant_id", None)
        if not isinstance(participant_id, int) or participant_id not in state.people:
            continue
        present = state.people[participant_id].present
        if present and participant_id not in opened:
            opened[participant_id] = event.at
        elif not present and participant_id in opened:
            since = opened.pop(participant_id)
            intervals[participant_id].append((since, min(event.at, max(end, since))))
    for participant_id, since in opened.items():
        intervals[participant_id].append((since, max(end, since)))
    return intervals


def present_per_minute(source: RecordSource, intervals: dict[int, list[tuple[datetime, datetime]]]
                       ) -> tuple[list[datetime], list[int]]:
    """How many people were present at each minute of the run, from its start to its end."""
    start = source.start
    if start is None:
        return [], []
    marks, counts = [], []
    mark = start.replace(second=0, microsecond=0)
    spans = [span for spans in intervals.values() for span in spans]
    while mark <= source.end:
        marks.append(mark)
        counts.append(sum(1 for since, until in spans if since <= mark < until))
        mark += timedelta(minutes=1)
    return marks, counts


def peak(intervals: dict[int, list[tuple[datetime, datetime]]]) -> tuple[int, datetime | None]:
    """The most people present at once, and the first moment it happened."""
    changes = sorted([(since, 1) for spans in intervals.values() for since, _until in spans] +
                     [(until, -1) for spans in intervals.values() for _since, until in spans],
                     key=lambda change: (change[0], change[1]))  # a departure before an arrival at one instant
    best, when, present = 0, None, 0
    for at, step in changes:
        present += step
        if present > best:
            best, when = present, at
    return best, when


async def attendance(source: RecordSource) -> RecordPart:
    state, intervals = source.state, presence_intervals(source)
    rows: list[tuple[Cell, ...]] = []
    for person in sorted(state.people.values(), key=lambda person: (person.joined_at, person.id)):
        row = source.participants.get(person.id)
        spans = intervals.get(person.id, [])
        present = sum((until - since for since, until in spans), timedelta(0))
        rows.append((
            source.who(person.id),
            person.name if row is not None and not row.erased else "",
            (row.email or "") if row is not None else "",
            (row.arrival_answer if row is not None else ""),
            yes_no(source, row is not None and row.registration_id is not None),
            person.joined_at,
            spans[0][0] if spans else None,
            spans[-1][1] if spans else None,
            minutes(present),
            len(spans),
            yes_no(source, person.removed),
        ))
    table = RecordTable(name="attendance", title=source.t(N_("Attendance")), columns=(
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
        Column("email", source.t(N_("E-mail")), personal=True),
        Column("arrival_answer", source.t(N_("Answer to the welcome question")), personal=True),
        Column("registered", source.t(N_("Came from a registration"))),
        Column("joined_at", source.t(N_("Joined"))),
        Column("first_arrived_at", source.t(N_("First on the stage"))),
        Column("last_left_at", source.t(N_("Last left"))),
        Column("minutes_present", source.t(N_("Minutes present"))),
        Column("arrivals", source.t(N_("Times arrived"))),
        Column("removed", source.t(N_("Removed by the moderators"))),
    ), rows=tuple(rows))
    marks, counts = present_per_minute(source, intervals)
    chart = LineChart(title=source.t(N_("People present, minute by minute")),
                      labels=tuple(clock_time(source, mark) for mark in marks),
                      series=(Series(source.t(N_("People present")), tuple(float(count) for count in counts)),))
    most, when = peak(intervals)
    came = sum(1 for spans in intervals.values() if spans)
    figures = (
        Figure(source.t(N_("Attended")), str(came),
               source.ngettext("{count} person joined", "{count} people joined", len(state.people))),
        Figure(source.t(N_("Peak present")), str(most),
               source.t(N_("at {time}"), time=clock_time(source, when)) if when is not None else ""),
    )
    return RecordPart(tables=(table,), charts=(chart,) if marks else (), figures=figures)

