"""Each activity's components: on the stage, on the moderator board and in the wizard's agenda, by kind.

A module per activity (ideas.py, polls.py...) calls `register` with its components; importing this package
imports them all. The stage and the board show the current step's activity through an `ActivityHost`,
which builds the activity's part when the step (or its settings, or the page's room) changes, and hands it
the events meanwhile, as any part of the page.
"""

from ui.live.activities.registry import ActivityComponents, ActivityHost, components_of, register

__all__ = ["ActivityComponents", "ActivityHost", "components_of", "register"]

from ui.live.activities import (  # each registers itself
    dots,  # noqa: F401
    ideas,  # noqa: F401
    polls,  # noqa: F401
    questions,  # noqa: F401
    report_out,  # noqa: F401  (registers the report-out's components)
    summary,  # noqa: F401  (registers the room summary's components)
)
