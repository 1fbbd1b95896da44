"""The agenda bar across the top of the stage: the steps and their times, the current one marked."""

from __future__ import annotations

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase
from ui.live import panels
from ui.live.parts import Drawn, LivePart
from ui.live.stage.view import StageView


class AgendaPart(LivePart):
    """Drawn once (again if the organiser edits the agenda); a new step only moves the marker."""

    listens_to = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.PLAN})

    def __init__(self, view: StageView) -> None:
        self.view = view
        self.drawn = Drawn()
        self.container = ui.element("div").classes("w-full")
        self.bar: panels.AgendaBar | None = None
        self.redraw()

    def redraw(self) -> None:
        live = self.view.live
        starts_at = self.view.found.session.starts_at
        steps = (starts_at, tuple((step.title, step.minutes) for step in live.steps))
        if self.drawn.changed("steps", steps) or self.bar is None:
            self.container.clear()
            with self.container:
                self.bar = panels.AgendaBar(live.plan, starts_at)
        index = live.step_index
        self.bar.show_current(len(live.steps) if live.state.phase == RunPhase.ENDED
                              else index if index is not None else -1)
