"""The activities' components by kind, and the part that hosts the current step's one on a live page."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from nicegui import ui

from domain.activities import Settings, StepActivity, activity_of
from domain.live.events import Aspect, LiveEvent
from domain.live.session import LiveSession
from domain.models import RunPhase, Step
from ui.live.parts import LivePart, deliver

if TYPE_CHECKING:
    from ui.live.board.view import BoardView
    from ui.live.stage.view import StageView
    from ui.pages.wizard.activity import ActivityEditor

View = TypeVar("View")


@dataclass(frozen=True)
class ActivityComponents:
    """How one activity shows: each function builds its component where it is called and returns the part."""

    kind: str
    stage: Callable[[StageView, Step, Settings], LivePart]
    board: Callable[[BoardView, Step, Settings], LivePart]
    editor: Callable[[ActivityEditor], None] | None = None  # its settings in the wizard; None: nothing to set


_COMPONENTS: dict[str, ActivityComponents] = {}


def register(components: ActivityComponents) -> None:
    _COMPONENTS[components.kind] = components


def components_of(kind: str) -> ActivityComponents | None:
    return _COMPONENTS.get(kind)


class ActivityHost(LivePart, Generic[View]):
    """The current step's activity on a page: built when the step, its activity or the page's room changes.

    It looks at every batch itself (`hear`): the activity's part redraws when its own aspects changed, as
    if it were one of the page's parts.
    """

    REBUILD_ON = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.PLAN, Aspect.ROOMS})

    def __init__(self, view: View, live: LiveSession, place: Callable[[], int | None],
                 build: Callable[[ActivityComponents], Callable[[View, Step, Settings], LivePart]]) -> None:
        self.view, self.live, self.place, self.build = view, live, place, build
        self.container = ui.element("div").classes("activity-host grid gap-3 w-full min-w-0")
        self.inner: LivePart | None = None
        self.shown: Hashable = None
        self.changed: Callable[[StepActivity | None], None] = lambda _activity: None  # e.g. the board's tab
        self.rebuild_if_needed()

    def current(self) -> tuple[Step, StepActivity] | None:
        step = self.live.current_step if self.live.state.phase == RunPhase.RUNNING else None
        activity = activity_of(step)
        if step is None or activity is None or components_of(activity.kind) is None:
            return None
        return step, activity

    def rebuild_if_needed(self) -> bool:
        found = self.current()
        key = None if found is None else (found[0].id, found[1].kind, found[1].settings, self.place())
        if key == self.shown:
            return False
        self.shown = key
        self.container.clear()
        self.inner = None
        if found is not None:
            step, activity = found
            components = components_of(activity.kind)
            assert components is not None
            with self.container:
                self.inner = self.build(components)(self.view, step, activity.settings)
        self.container.set_visibility(self.inner is not None)
        self.changed(found[1] if found is not None else None)
        return True

    def hear(self, events: Sequence[LiveEvent]) -> None:
        aspects = frozenset().union(*(event.aspects for event in events))
        if aspects & self.REBUILD_ON and self.rebuild_if_needed():
            return  # built from the state as it is now
        if self.inner is not None:
            deliver((self.inner,), events)
