"""A session's record: attendance, steps, speaking turns, rooms, messages, feedback, and what activities add.

`model` holds the record's shapes and the registry of parts; the core parts are registered here, in the order
the report shows them, then each activity's (`activity_*`); `exports` writes a record
as CSV, XLSX and JSON.
"""

from domain.record.core_attendance import attendance
from domain.record.core_feedback import feedback
from domain.record.core_notices import notices
from domain.record.core_rooms import rooms
from domain.record.core_timeline import timeline
from domain.record.core_turns import speaking
from domain.record.model import (
    PARTICIPANT,
    BarChart,
    Chart,
    Column,
    Figure,
    LineChart,
    RecordPart,
    RecordSource,
    RecordTable,
    Series,
    SessionRecord,
    register_record_part,
)

for _core in (attendance, timeline, speaking, rooms, notices, feedback):
    register_record_part(_core, name=f"core.{_core.__name__}")

# Each activity's part, after the core parts, in the order the report shows them.
# isort: off
from domain.record import (  # noqa: E402, F401
    activity_summaries, activity_ideas, activity_questions, activity_polls, activity_dots)
# isort: on

__all__ = ["PARTICIPANT", "BarChart", "Chart", "Column", "Figure", "LineChart", "RecordPart", "RecordSource",
           "RecordTable", "Series", "SessionRecord", "register_record_part"]
