"""The feedback survey on the stage, shown at the closing step (the agenda's last step, or once the run has ended).

Like the other panels that come and go, it is built with the page and only shown or hidden: hundreds of pages
reach the closing step together, and that step then costs them nothing more, nor wipes what someone is typing.
Each participant answers once (domain/feedback.py). A moderator watching the stage reads that participants answer
here; in a rehearsal the team sees the survey, and sending it says that nothing is kept.
"""

from __future__ import annotations

from nicegui import ui

from domain import feedback
from domain.live.events import Aspect
from domain.live.state import Person
from domain.models import FeedbackAnswer
from ui.components import heading, labelled, paragraph
from ui.feedback_survey import SurveyForm, answered_text, thanks
from ui.i18n import _
from ui.live.context import LiveContext
from ui.live.parts import LivePart
from ui.live.stage.view import StageView

SURVEY_ID = "feedback"


async def answered_already_by(found: LiveContext, person: Person) -> bool:
    """Whether this participant answered, asked only when their page opens at the closing (before it, nobody can
    have answered on the stage): one indexed look-up, since every answer names the participant."""
    return (not found.run.rehearsal and found.live.at_closing
            and await feedback.participant_answered(person.id))


class FeedbackPart(LivePart):
    listens_to = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.PLAN})

    def __init__(self, view: StageView, *, answered: bool) -> None:
        self.view = view
        with labelled(ui.element("section"), _("Feedback survey")).classes(
                "grid gap-3 content-start border-t pt-4").props(f'id="{SURVEY_ID}"') as self.area:
            if view.person is None:
                heading(_("Your opinion on the workshop"), 2)
                paragraph(_("Participants answer the feedback survey here."), muted=True)
            elif answered:
                thanks(ui.element("div"), answered_text())
            else:
                SurveyForm(view.live.plan.workshop, self.send)
        self.redraw()

    def redraw(self) -> None:
        self.area.set_visibility(self.view.live.at_closing)

    async def send(self, satisfaction: int | None, answers: list[tuple[str, str]]) -> FeedbackAnswer:
        person = self.view.person
        assert person is not None
        return await feedback.answer(await feedback.respondent_on_stage(person.id), satisfaction, answers)
