"""The room summaries' part of the record: each room's summary text per step, and who wrote in it.

A summary is the room's together; the people who wrote in it are listed by their stand-ins (and their names,
a personal column) in the order they first changed it, rather than as one participant.
"""

from __future__ import annotations

from domain.activities import summary
from domain.i18n import N_
from domain.record.model import Cell, Column, RecordPart, RecordSource, RecordTable, register_record_part
from domain.record.units import person_name


async def summaries_part(source: RecordSource) -> RecordPart:
    rooms = {room.id: room.position for room in source.plan.rooms}
    written = [found for step in source.plan.steps if step.id is not None
               for _room, found in sorted(summary.summaries_at(source.state, step.id).items(),
                                          key=lambda item: rooms.get(item[0], len(rooms)))
               if found.revision or found.text]
    rows: list[tuple[Cell, ...]] = [(
        source.step_title(found.step_id), source.room_name(found.room_id), found.text, len(found.text),
        "; ".join(source.who(writer) for writer in found.written_by),
        "; ".join(name for name in (person_name(source, writer) for writer in found.written_by) if name),
        found.changed_at, found.revision,
    ) for found in written]
    return RecordPart(tables=(RecordTable(name="summaries", title=source.t(N_("Room summaries")), columns=(
        Column("step", source.t(N_("Step"))),
        Column("room", source.t(N_("Room"))),
        Column("text", source.t(N_("Summary"))),
        Column("characters", source.t(N_("Characters"))),
        Column("written_by", source.t(N_("Written by"))),
        Column("names", source.t(N_("Names")), personal=True),
        Column("changed_at", source.t(N_("Last changed"))),
        Column("saves", source.t(N_("Times saved"))),
    ), rows=tuple(rows)),))


register_record_part(summaries_part, name="activities.summaries")
