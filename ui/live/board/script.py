"""The board's script: what to say and do now and next, and each step's planned against actual time."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase
from ui import formatting
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _
from ui.live.board.view import BoardView, clock_minutes
from ui.live.countdown import Timer
from ui.live.parts import LivePart


class ScriptPart(LivePart):
    """The running step's actual time ticks in the browser, from when it started (earlier visits added)."""

    listens_to = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.PLAN})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.container = ui.element("div").classes("grid gap-3")
        self.redraw()

    def redraw(self) -> None:
        view = self.view
        live, now = view.live, view.now
        state = live.state
        self.container.clear()
        with self.container:
            step = live.current_step
            if step is not None:
                with ui.card().classes("atelier-card p-4 gap-2"):
                    heading(_("Now: {title}", title=step.title), 2)
                    if step.objective:
                        Text(_("Objective: {objective}", objective=step.objective), "p").classes("font-medium")
                    paragraph(step.moderator_script or _("No script for this step."))
            following = live.next_step_after
            if following is not None:
                with ui.card().classes("atelier-card p-4 gap-1"):
                    heading(_("Next: {title}", title=following.title), 3)
                    paragraph(following.moderator_script, muted=True)
            heading(_("Planned and actual time"), 3)
            visit = state.current_visit()
            with ui.element("ol").classes("grid gap-1 list-none p-0 m-0"):
                for index, planned in enumerate(live.steps):
                    running = visit is not None and planned.id == state.step_id
                    with ui.element("li").classes("flex items-center gap-2 text-sm"):
                        Text("▶" if running else f"{index + 1}.", "span").classes("w-6")
                        Text(planned.title, "span").classes("grow")
                        Text(_("planned {planned}", planned=formatting.duration(planned.minutes)), "span").classes(
                            "atelier-muted")
                        spent = state.time_on_step(planned.id, now)
                        if running and visit is not None:
                            earlier = spent - visit.duration(now) if spent is not None else timedelta(0)
                            Text(_("actual"), "span")
                            Timer(view.services.clock, elapsed_label=_("Time on this step")).show_elapsed_since(
                                visit.started_at - earlier)
                        elif spent is not None:
                            over = spent > timedelta(minutes=planned.minutes)
                            Text(_("actual {actual}", actual=clock_minutes(spent)), "span").classes(
                                "text-negative" if over else "")
                        if state.phase == RunPhase.RUNNING and planned.id != state.step_id:
                            labelled(ui.button(icon="redo", on_click=partial(self.jump, planned.id, state.step_id))
                                     .props("flat dense round"), _("Go to the step “{title}”", title=planned.title))

    async def jump(self, step_id: int, expected_step_id: int | None) -> None:
        await self.view.act(self.view.live.jump_to(step_id, expected_step_id))
