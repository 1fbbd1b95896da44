"""Dot voting's part of the record: the dots each idea got, and each person's dots, per dot-voting step.

Dots are not secret, but nobody sees the counts before the moderators reveal them: while a run goes on, a vote
not yet revealed shows in the record as how many dots were placed, nothing more; once revealed, or once the
run ended, every dot is in it. The dots are as people placed them, on the idea they chose; an idea merged into
another since brings them to it in the report-out and the ideas' chart (`dots.counts`), which the "merged into"
column of the ideas table explains.
"""

from __future__ import annotations

from collections import Counter

from domain.activities import dots, ideas
from domain.i18n import N_
from domain.record.model import (
    PARTICIPANT,
    Cell,
    Column,
    Figure,
    RecordPart,
    RecordSource,
    RecordTable,
    register_record_part,
)
from domain.record.units import person_name, place_name, yes_no


async def dots_part(source: RecordSource) -> RecordPart:
    votes = sorted(dots.dots_state(source.state).votes.values(),
                   key=lambda vote: source.step_place(vote.step_id))
    idea_rows: list[tuple[Cell, ...]] = []
    person_rows: list[tuple[Cell, ...]] = []
    placed = 0
    for vote in votes:
        placed += vote.placed
        if not vote.revealed and source.state.ended_at is None:
            continue
        per_idea: Counter[int] = Counter()
        for participant_id, chosen in sorted(vote.dots.items()):
            for idea_id, number in sorted(chosen.items()):
                if number:
                    per_idea[idea_id] += number
                    person_rows.append((source.step_title(vote.step_id), source.who(participant_id),
                                        person_name(source, participant_id), idea_id, number))
        for idea_id, number in sorted(per_idea.items(), key=lambda item: (-item[1], item[0])):
            found = ideas.idea(source.state, idea_id)
            idea_rows.append((
                source.step_title(vote.step_id), source.step_title(vote.source_step_id), idea_id,
                found.text if found is not None else source.t(N_("(deleted by its author)")),
                place_name(source, found.room_id) if found is not None else "", number,
                yes_no(source, vote.revealed)))
    tables = (
        RecordTable(name="dots", title=source.t(N_("Dots per idea")), columns=(
            Column("step", source.t(N_("Dot-voting step"))),
            Column("ideas_step", source.t(N_("Step of the ideas"))),
            Column("idea", source.t(N_("Idea"))),
            Column("text", source.t(N_("Text"))),
            Column("room", source.t(N_("Room"))),
            Column("dots", source.t(N_("Dots"))),
            Column("revealed", source.t(N_("Revealed"))),
        ), rows=tuple(idea_rows)),
        RecordTable(name="dots_by_person", title=source.t(N_("Dots by person")), columns=(
            Column("step", source.t(N_("Dot-voting step"))),
            Column(PARTICIPANT, source.t(N_("Participant"))),
            Column("name", source.t(N_("Name")), personal=True),
            Column("idea", source.t(N_("Idea"))),
            Column("dots", source.t(N_("Dots"))),
        ), rows=tuple(person_rows)),
    )
    voters = len({participant_id for vote in votes for participant_id, chosen in vote.dots.items()
                  if chosen.total()})
    figures = (Figure(source.t(N_("Dots placed")), str(placed),
                      source.ngettext("by {count} person", "by {count} people", voters)),) if votes else ()
    return RecordPart(tables=tables, figures=figures)


register_record_part(dots_part, name="activities.dots")
