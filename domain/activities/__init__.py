"""Activities a step can carry beside talking: each a module of its own (its settings, events, state and rules).

`base` holds what they share; importing this package registers every activity, so that the wizard, the live
pages and the record know them all. A new activity is one more module here, imported below, and its
components in ui/live/activities.
"""

from domain.activities.base import (
    ActivityEvent,
    ActivityType,
    Command,
    Moment,
    Settings,
    StepActivity,
    activity_of,
    activity_state,
    activity_types,
    checked_activity,
    register,
    restore,
)

__all__ = [
    "ActivityEvent", "ActivityType", "Command", "Moment", "Settings", "StepActivity", "activity_of",
    "activity_state", "activity_types", "checked_activity", "register", "restore",
]
from domain.activities import (  # each registers itself
    dots,  # noqa: F401
    ideas,  # noqa: F401
    polls,  # noqa: F401
    questions,  # noqa: F401
    report_out,  # noqa: F401  (registers the report-out, after the summary and ideas it reads)
    summary,  # noqa: F401  (registers the room summary)
)
