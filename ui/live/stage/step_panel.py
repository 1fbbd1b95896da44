"""The panel beside the stage: the welcome, the current step's information, the answers, the thank-you."""

from __future__ import annotations

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase
from ui.components import heading, labelled, paragraph
from ui.i18n import _
from ui.live import panels
from ui.live.parts import Drawn, LivePart, once_per_revision
from ui.live.stage.view import StageView


class StepPanelPart(LivePart):
    """Each part of the panel changes on its own: a new step updates the texts in place."""

    listens_to = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.ANSWERS, Aspect.PLAN})

    def __init__(self, view: StageView) -> None:
        self.view = view
        self.drawn = Drawn()
        workshop = view.live.plan.workshop
        with labelled(ui.element("aside"), _("The current step")).classes(
                "atelier-card bg-white p-5 grid gap-3 content-start") as self.panel:
            with ui.element("div").classes("contents") as self.welcome:  # `contents` keeps children in the grid
                heading(_("Welcome!"), 2)
                paragraph(_("The moderators will start in a moment. Meanwhile, answer the welcome question."),
                          muted=True)
                panels.rules_of_conduct(workshop)
            self.information = panels.StepInformation()
            self.answers = ui.element("div").classes("contents")
            self.closing = ui.element("div").classes("contents")
        self.redraw()

    def redraw(self) -> None:
        live = self.view.live
        state = live.state
        workshop = live.plan.workshop
        self.welcome.set_visibility(state.phase == RunPhase.OPEN)
        step = live.current_step if state.phase == RunPhase.RUNNING else None
        if self.drawn.changed("step", (step.title, step.kind, step.objective, step.context_info,
                                       step.expected_of_participants) if step else None):
            self.information.show(step)
        welcome = state.phase == RunPhase.OPEN or live.step_index == 0
        answers = once_per_revision(live, "answers", lambda: tuple(
            (p.name, p.arrival_answer) for p in state.active_people() if p.arrival_answer)) if welcome else ()
        if self.drawn.changed("answers", (welcome, workshop.arrival_question, answers)):
            self.answers.clear()
            if welcome:
                with self.answers:
                    panels.arrival_answers(workshop, state)
        if self.drawn.changed("closing", (workshop.thank_you_message, workshop.next_dates, workshop.feedback_url)):
            self.closing.clear()
            with self.closing:
                panels.closing(workshop)
        self.closing.set_visibility(live.at_closing)
