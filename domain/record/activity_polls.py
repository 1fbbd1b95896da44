"""The polls' part of the record: each poll, its results per choice, a chart per closed poll, and the ballots of
the polls that were not secret.

A secret poll's results are its `poll_tally` row (what the event log never holds), read once the poll is closed;
until then only how many voted is told, as on the board. Nothing of a secret poll names a voter: the ballots
table has no row of it (the polls table says so), and who voted in it is left out too.
"""

from __future__ import annotations

from datetime import datetime

from domain.activities import polls
from domain.activities.polls import BallotCast, PollClosed, PollOpened
from domain.i18n import N_
from domain.models import PollTally
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
    register_record_part,
)
from domain.record.units import person_name, short, yes_no


async def polls_part(source: RecordSource) -> RecordPart:
    found = sorted(polls.polls_of(source.state).polls.values(), key=lambda poll: poll.id)
    opened: dict[int, datetime] = {}
    closed: dict[int, datetime] = {}
    cast: dict[tuple[int, int], datetime] = {}  # (poll, participant) -> their last ballot, open polls only
    for event in source.events:
        if isinstance(event, PollOpened):
            opened[event.poll_id] = event.at
        elif isinstance(event, PollClosed):
            closed[event.poll_id] = event.at
        elif isinstance(event, BallotCast):
            cast[event.poll_id, event.participant_id] = event.at
    secret_counts: dict[int, list[int]] = {}
    if any(poll.secret and not poll.open for poll in found):
        secret_counts = {tally.poll: list(tally.counts) for tally in await PollTally.filter(run_id=source.run.id)}

    def counts(poll: polls.Poll) -> list[int] | None:
        """What the poll counted, when it may be told: a secret poll's only once closed."""
        if not poll.secret:
            return list(poll.counts)
        if poll.open:
            return None
        tally = secret_counts.get(poll.id)
        return tally if tally is not None and len(tally) == len(poll.choices) else None

    def where(poll: polls.Poll) -> str:
        return source.room_name(poll.room_id) if poll.room_id is not None else source.t(N_("Everyone"))

    poll_rows: list[tuple[Cell, ...]] = []
    result_rows: list[tuple[Cell, ...]] = []
    ballot_rows: list[tuple[Cell, ...]] = []
    charts: list[BarChart] = []
    for poll in found:
        told = counts(poll)
        poll_rows.append((
            poll.id, source.step_title(poll.step_id), where(poll), poll.question, yes_no(source, poll.multiple),
            yes_no(source, poll.secret), opened.get(poll.id), closed.get(poll.id), poll.voter_count,
            source.t(N_("None: a secret ballot is not kept")) if poll.secret else
            source.t(N_("In the table of ballots by person")),
        ))
        for index, choice in enumerate(poll.choices):
            result_rows.append((poll.id, poll.question, index + 1, choice, told[index] if told is not None else None,
                                yes_no(source, not poll.open)))
        if not poll.secret:
            for participant_id, chosen in sorted(poll.ballots.items()):
                ballot_rows.append((poll.id, poll.question, source.who(participant_id),
                                    person_name(source, participant_id),
                                    "; ".join(poll.choices[index] for index in chosen),
                                    cast.get((poll.id, participant_id))))
        if not poll.open and told is not None:
            charts.append(BarChart(title=source.t(N_("Poll · {question}"), question=short(poll.question, 90)),
                                   labels=poll.choices,
                                   series=(Series(source.t(N_("Votes")), tuple(float(count) for count in told)),),
                                   horizontal=True))
    tables = (
        RecordTable(name="polls", title=source.t(N_("Polls")), columns=(
            Column("poll", source.t(N_("Poll"))),
            Column("step", source.t(N_("Step"))),
            Column("room", source.t(N_("Who votes"))),
            Column("question", source.t(N_("Question"))),
            Column("multiple", source.t(N_("Several answers"))),
            Column("secret", source.t(N_("Secret"))),
            Column("opened_at", source.t(N_("Opened"))),
            Column("closed_at", source.t(N_("Closed"))),
            Column("voters", source.t(N_("Voters"))),
            Column("ballots", source.t(N_("Ballots per person"))),
        ), rows=tuple(poll_rows)),
        RecordTable(name="poll_results", title=source.t(N_("Poll results")), columns=(
            Column("poll", source.t(N_("Poll"))),
            Column("question", source.t(N_("Question"))),
            Column("choice_number", source.t(N_("Choice"))),
            Column("choice", source.t(N_("Answer"))),
            Column("votes", source.t(N_("Votes"))),
            Column("final", source.t(N_("Poll closed"))),
        ), rows=tuple(result_rows)),
        RecordTable(name="poll_ballots", title=source.t(N_("Ballots by person")), columns=(
            Column("poll", source.t(N_("Poll"))),
            Column("question", source.t(N_("Question"))),
            Column(PARTICIPANT, source.t(N_("Participant"))),
            Column("name", source.t(N_("Name")), personal=True),
            Column("choices", source.t(N_("Chosen"))),
            Column("cast_at", source.t(N_("Voted"))),
        ), rows=tuple(ballot_rows)),
    )
    figures = (Figure(source.t(N_("Polls")), str(len(found)),
                      source.ngettext("{count} ballot", "{count} ballots",
                                      sum(poll.voter_count for poll in found))),) if found else ()
    return RecordPart(tables=tables, charts=tuple(charts), figures=figures)


register_record_part(polls_part, name="activities.polls")
