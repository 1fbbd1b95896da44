"""The ideas boards' part of the record: every idea with its step, room and author, and each step's top ideas.

Ideas are read from the state the events replay to, as the boards showed them at the end: deleted ideas
(withdrawn by their author) are not in it; hidden and merged ones are, marked so. An idea the moderators posted
for the team has no participant. The chart of a step's ideas is its top ideas by dots when a dot vote on them
was revealed (domain/activities/dots.py counts them as the report-out does), else how many ideas each room
posted.
"""

from __future__ import annotations

from collections import Counter

from domain.activities import dots, ideas
from domain.i18n import N_
from domain.record.model import (
    PARTICIPANT,
    BarChart,
    Cell,
    Chart,
    Column,
    Figure,
    RecordPart,
    RecordSource,
    RecordTable,
    Series,
    register_record_part,
)
from domain.record.units import person_name, place_name, short, yes_no

TOP = 10  # ideas in a step's chart of dots


def author(source: RecordSource, author_id: int | None) -> str:
    """The participant column: their stand-in, or who posted for the team."""
    return source.who(author_id) if author_id is not None else source.t(N_("The moderators"))


async def ideas_part(source: RecordSource) -> RecordPart:
    board = ideas.ideas_state(source.state)
    found = sorted(board.ideas.values(), key=lambda idea: (source.step_place(idea.step_id), idea.id))
    rows: list[tuple[Cell, ...]] = [(
        idea.id, source.step_title(idea.step_id), place_name(source, idea.room_id), author(source, idea.author_id),
        person_name(source, idea.author_id), idea.text, idea.posted_at, yes_no(source, idea.edited),
        "; ".join(idea.tags), yes_no(source, idea.pinned), yes_no(source, idea.hidden), idea.merged_into,
    ) for idea in found]
    table = RecordTable(name="ideas", title=source.t(N_("Ideas")), columns=(
        Column("idea", source.t(N_("Idea"))),
        Column("step", source.t(N_("Step"))),
        Column("room", source.t(N_("Room"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
        Column("text", source.t(N_("Text"))),
        Column("posted_at", source.t(N_("Posted"))),
        Column("edited", source.t(N_("Edited"))),
        Column("tags", source.t(N_("Tags"))),
        Column("pinned", source.t(N_("Pinned"))),
        Column("hidden", source.t(N_("Hidden"))),
        Column("merged_into", source.t(N_("Merged into idea"))),
    ), rows=tuple(rows))
    if not found:
        return RecordPart(tables=(table,))
    charts: list[Chart] = []
    for step_id in sorted({idea.step_id for idea in found}, key=source.step_place):
        charts.append(top_ideas(source, step_id, [idea for idea in found if idea.step_id == step_id]))
    authors = {idea.author_id for idea in found if idea.author_id is not None}
    figure = Figure(source.t(N_("Ideas")), str(len(found)),
                    source.ngettext("from {count} person", "from {count} people", len(authors)))
    return RecordPart(tables=(table,), charts=tuple(charts), figures=(figure,))


def top_ideas(source: RecordSource, step_id: int, found: list[ideas.Idea]) -> Chart:
    """The step's ideas with the most dots once a dot vote on them was revealed; else its ideas per room."""
    title = source.step_title(step_id)
    if dots.revealed(source.state, step_id):
        shown = {idea.id: idea for idea in found if idea.shown}
        ranked = sorted(((shown[idea_id], number) for idea_id, number in dots.counts(source.state, step_id).items()
                         if idea_id in shown), key=lambda pair: (-pair[1], pair[0].id))[:TOP]
        return BarChart(title=source.t(N_("Top ideas by dots · {step}"), step=title),
                        labels=tuple(f"{idea.id}. {short(idea.text)}" for idea, _number in ranked),
                        series=(Series(source.t(N_("Dots")), tuple(float(number) for _idea, number in ranked)),),
                        horizontal=True)
    per_room = Counter(idea.room_id for idea in found if idea.shown)
    positions = {room.id: room.position for room in source.plan.rooms}
    rooms = sorted(per_room, key=lambda room_id: -1 if room_id is None else positions.get(room_id, len(positions)))
    return BarChart(title=source.t(N_("Ideas per room · {step}"), step=title),
                    labels=tuple(place_name(source, room_id) for room_id in rooms),
                    series=(Series(source.t(N_("Ideas")), tuple(float(per_room[room_id]) for room_id in rooms)),),
                    horizontal=True)


register_record_part(ideas_part, name="activities.ideas")
