"""A session's record: attendance, steps, speaking turns, rooms, messages, feedback, and what activities add.

`model` holds the record's shapes and the registry of parts; the core parts are registered here, in the order
the report shows them (an activity registers its own when its module is imported); `exports` writes a record
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

__all__ = ["PARTICIPANT", "BarChart", "Chart", "Column", "Figure", "LineChart", "RecordPart", "RecordSource",
           "RecordTable", "Series", "SessionRecord", "register_record_part"]
