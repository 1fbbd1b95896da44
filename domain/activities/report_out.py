"""Report-out: in a plenary step after a breakout, every room's summary and top ideas side by side, one card per
room; the moderators may put one room's card on the stage for everyone, and take it back.

Its settings name the breakout step whose summaries it shows (`source_step_id`: a step before it carrying the
room summary; left empty, the nearest such step before it) and, optionally, the step whose ideas board gives each
room's top ideas (`ideas_step_id`; left empty, the nearest step before it with an ideas board, if any). Top ideas
are the room's ideas still shown (neither hidden nor merged), at most `TOP_IDEAS` of them: pinned first; then,
once the moderators revealed the counts of a dot vote on those ideas (domain/activities/dots.py), the most dots
first; then in the order they were posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.activities import dots, summary
from domain.activities import ideas as ideas_board
from domain.activities.base import ActivityEvent, ActivityType, Moment, Settings, activity_of, activity_state, register
from domain.errors import NotFound
from domain.i18n import N_
from domain.live.events import LiveEvent
from domain.live.state import LiveState
from domain.models import Step, StepKind
from domain.planning import WorkshopPlan

KIND = "report_out"
TOP_IDEAS = 3


class ReportOutSettings(Settings):
    source_step_id: int | None = None
    ideas_step_id: int | None = None


@register
class ReportOutActivity(ActivityType):
    kind = KIND
    label = N_("Report-out of the rooms")
    step_kinds = frozenset({StepKind.PLENARY})
    settings_model = ReportOutSettings


# ------------------------------------------------------------------ where it reads from


def _before(plan: WorkshopPlan, step: Step, kind: str) -> list[Step]:
    """The steps before this one carrying an activity of this kind, nearest last."""
    found = []
    for earlier in plan.steps:
        if earlier.id == step.id:
            break
        activity = activity_of(earlier)
        if activity is not None and activity.kind == kind:
            found.append(earlier)
    return found


def summary_steps(plan: WorkshopPlan, step: Step) -> list[Step]:
    """The breakout steps before this one whose rooms write a summary: what a report-out may show."""
    return [earlier for earlier in _before(plan, step, summary.KIND) if earlier.kind == StepKind.BREAKOUT]


def ideas_steps(plan: WorkshopPlan, step: Step) -> list[Step]:
    """The steps before this one with an ideas board."""
    return _before(plan, step, ideas_board.KIND)


def _chosen(candidates: list[Step], chosen_id: int | None) -> Step | None:
    if chosen_id is not None:
        return next((step for step in candidates if step.id == chosen_id), None)
    return candidates[-1] if candidates else None


def source_of(plan: WorkshopPlan, step: Step, settings: ReportOutSettings) -> Step | None:
    return _chosen(summary_steps(plan, step), settings.source_step_id)


def ideas_source_of(plan: WorkshopPlan, step: Step, settings: ReportOutSettings) -> Step | None:
    return _chosen(ideas_steps(plan, step), settings.ideas_step_id)


# ------------------------------------------------------------------ the cards


@dataclass(frozen=True)
class TopIdea:
    text: str
    dots: int | None  # None: no dot vote revealed on these ideas
    pinned: bool


@dataclass(frozen=True)
class RoomCard:
    room_id: int
    room_name: str
    summary: str
    ideas: tuple[TopIdea, ...]
    more_ideas: int  # ideas of the room beyond the top ones


def ranked_ideas(state: LiveState, step_id: int, room_id: int) -> list[TopIdea]:
    """The room's ideas to report, best first: pinned, then by dots once revealed, then first posted."""
    shown = ideas_board.ideas_at(state, step_id, room_id)  # pinned first, then in the order they were posted
    if not dots.revealed(state, step_id):
        return [TopIdea(idea.text, None, idea.pinned) for idea in shown]
    counted = dots.counts(state, step_id)
    ordered = sorted(shown, key=lambda idea: (not idea.pinned, -counted.get(idea.id, 0)))  # stable: then posted
    return [TopIdea(idea.text, counted.get(idea.id, 0), idea.pinned) for idea in ordered]


def cards(state: LiveState, plan: WorkshopPlan, step: Step, settings: ReportOutSettings) -> list[RoomCard]:
    """One card per breakout room, in the plan's order of rooms."""
    source = source_of(plan, step, settings)
    ideas_step = ideas_source_of(plan, step, settings)
    found = []
    for room in plan.breakout_rooms:
        text = summary.summary_of(state, source.id, room.id).text if source is not None else ""
        shown = ranked_ideas(state, ideas_step.id, room.id) if ideas_step is not None else []
        found.append(RoomCard(room.id, room.name, text, tuple(shown[:TOP_IDEAS]), max(0, len(shown) - TOP_IDEAS)))
    return found


# ------------------------------------------------------------------ the room on stage


@dataclass
class ReportOuts:
    on_stage: dict[int, int] = field(default_factory=dict)  # by report-out step id, the room whose card is shown


def _report_outs(state: LiveState) -> ReportOuts:
    return activity_state(state, KIND, ReportOuts)


def on_stage(state: LiveState, step_id: int) -> int | None:
    """The room whose card the moderators put on the stage at this step (None: all cards alike)."""
    return _report_outs(state).on_stage.get(step_id)


@dataclass(frozen=True, kw_only=True)
class RoomOnStage(ActivityEvent, kind="ReportOutRoomOnStage"):
    """A room's card put on the stage for everyone (`shown_room_id`), or taken back (None)."""

    shown_room_id: int | None

    def apply(self, state: LiveState) -> None:
        report_outs = _report_outs(state)
        if self.shown_room_id is None:
            report_outs.on_stage.pop(self.step_id, None)
        else:
            report_outs.on_stage[self.step_id] = self.shown_room_id


def show_room(moment: Moment, *, room_id: int | None) -> list[LiveEvent]:
    """A moderator puts this room's card on the stage (None: takes it back)."""
    step, _settings = moment.running(KIND)
    if room_id is not None and room_id not in {room.id for room in moment.plan.breakout_rooms}:
        raise NotFound(N_("This room is no longer in the workshop."))
    if on_stage(moment.state, step.id) == room_id:
        return []
    return [RoomOnStage(at=moment.now, step_id=step.id, shown_room_id=room_id)]
