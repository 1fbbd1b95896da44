"""What every activity shares: its type (settings the organiser prepares), its events, its state, its commands.

An activity type declares its `kind` (stored in the step's JSON, so keep it when renaming), a translatable
label, the step kinds it suits, and a pydantic model of its settings. Its events derive from `ActivityEvent`
and are registered like every live event; its state lives in `LiveState.activities` under its kind
(`activity_state`). Its commands are plain functions that look at a `Moment` (the run as it is, under the
run's lock) and return the events to commit, or raise a `DomainError` saying why not; the session runs them
with `LiveSession.act`, so that they are stored, applied and announced like the session's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.live.events import EVERYONE, Aspect, Audience, LiveEvent
from domain.live.state import LiveState, Person
from domain.models import RunPhase, Step, StepKind
from domain.planning import WorkshopPlan

KIND_KEY = "kind"


class Settings(BaseModel):
    """An activity's settings as the organiser prepared them; unknown keys are refused, values checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ActivityType:
    kind: ClassVar[str]
    label: ClassVar[str]  # marked with N_, translated where shown
    step_kinds: ClassVar[frozenset[StepKind]] = frozenset(StepKind)
    settings_model: ClassVar[type[Settings]] = Settings

    def settings(self, data: Mapping[str, Any]) -> Settings:
        """The settings stored for a step, checked; raises InvalidValue (field "activity") when they do not fit."""
        try:
            return self.settings_model.model_validate(dict(data))
        except ValidationError as problem:
            raise InvalidValue(N_("These settings of the activity are not valid."), field="activity") from problem

    def default_settings(self) -> Settings:
        return self.settings_model()

    async def restore(self, run_id: int, state: LiveState) -> None:
        """Bring back what this activity keeps outside the event log (a secret poll's tally), after replay."""

    def on_time(self, moment: Moment) -> list[LiveEvent]:
        """What the clock alone brings about, asked at every tick of the run's time-keeping (cheap when nothing)."""
        return []


_TYPES: dict[str, ActivityType] = {}

A = TypeVar("A", bound=ActivityType)


def register(cls: type[A]) -> type[A]:
    """Class decorator: make this activity type known to the wizard, the live pages and the record."""
    if cls.kind in _TYPES:
        raise TypeError(f"two activity types are called {cls.kind}")
    _TYPES[cls.kind] = cls()
    return cls


def activity_types() -> Mapping[str, ActivityType]:
    """Every activity type, in the order they were registered (the wizard's order)."""
    return dict(_TYPES)


def checked_activity(value: Any, step_kind: StepKind) -> dict[str, Any] | None:
    """A step's activity as it will be stored: None, or {"kind": ..., its checked settings}."""
    if value is None or value == {}:
        return None
    if not isinstance(value, Mapping) or value.get(KIND_KEY) not in _TYPES:
        raise InvalidValue(N_("Choose one of the options."), field="activity")
    activity_type = _TYPES[value[KIND_KEY]]
    if step_kind not in activity_type.step_kinds:
        raise InvalidValue(N_("This activity does not suit this kind of step."), field="activity")
    settings = activity_type.settings({key: item for key, item in value.items() if key != KIND_KEY})
    return {KIND_KEY: activity_type.kind, **settings.model_dump(mode="json")}


@dataclass(frozen=True)
class StepActivity:
    """The activity a step carries, with its settings read."""

    type: ActivityType
    settings: Settings

    @property
    def kind(self) -> str:
        return self.type.kind


def activity_of(step: Step | None) -> StepActivity | None:
    """The step's activity, or None (no activity, or one this Atelier does not know or cannot read)."""
    data = step.activity if step is not None else None
    if not data or data.get(KIND_KEY) not in _TYPES:
        return None
    activity_type = _TYPES[data[KIND_KEY]]
    try:
        settings = activity_type.settings({key: item for key, item in data.items() if key != KIND_KEY})
    except InvalidValue:
        return None
    return StepActivity(activity_type, settings)


# ------------------------------------------------------------------ events and state


@dataclass(frozen=True, kw_only=True)
class ActivityEvent(LiveEvent, persisted=False):
    """An event of an activity, at a step and, in a breakout step, in one room: that room's pages hear of it
    (and the boards); in the plenary everyone does."""

    aspects: ClassVar[frozenset[Aspect]] = frozenset({Aspect.ACTIVITIES})
    step_id: int
    room_id: int | None = None

    def reaches(self, state: LiveState) -> Audience:
        return Audience(rooms=frozenset({self.room_id})) if self.room_id is not None else EVERYONE


S = TypeVar("S")


def activity_state(state: LiveState, kind: str, make: Callable[[], S]) -> S:
    """This activity's part of the run's state, made empty on first use."""
    found = state.activities.get(kind)
    if found is None:
        found = state.activities[kind] = make()
    return cast(S, found)


# ------------------------------------------------------------------ commands


@dataclass(frozen=True)
class Moment:
    """What an activity's command sees: the run as it is now, under the run's lock."""

    state: LiveState
    plan: WorkshopPlan
    step: Step | None  # the step running now (None before the start and after the end)
    now: datetime

    def person(self, participant_id: int) -> Person:
        person = self.state.people.get(participant_id)
        if person is None or person.removed:
            raise NotFound(N_("This participant is no longer in the session."))
        return person

    def room_of(self, participant_id: int) -> int | None:
        """The breakout room this participant is in now (None: the plenary)."""
        return self.state.room_of(participant_id)

    def step_by_id(self, step_id: int) -> Step | None:
        return next((step for step in self.plan.steps if step.id == step_id), None)

    def running(self, kind: str) -> tuple[Step, Settings]:
        """The current step and its settings, if it carries an activity of this kind while the workshop runs."""
        step = self.step
        activity = activity_of(step)
        if self.state.phase != RunPhase.RUNNING or step is None or activity is None or activity.kind != kind:
            raise NotAllowed(N_("This activity is not open at this step."))
        return step, activity.settings


Command = Callable[[Moment], "list[LiveEvent]"]


def due(moment: Moment) -> list[LiveEvent]:
    """Every activity's events that the clock brings about now."""
    return [event for activity_type in _TYPES.values() for event in activity_type.on_time(moment)]


async def restore(run_id: int, state: LiveState) -> None:
    """After a run's history is replayed: each activity brings back what it keeps outside the event log."""
    for activity_type in _TYPES.values():
        await activity_type.restore(run_id, state)
