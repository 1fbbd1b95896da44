"""The feedback survey as people answer it, on the stage's closing step and on the personal page.

The satisfaction scale is a group of radios under its legend, each point with its words; each open question is a
labelled text area. A refused answer is told beside its field and nothing typed is lost; once sent, the form gives
way to a thank-you, which takes the focus so that it is read out. Someone who already answered sees that instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from domain import feedback
from domain.errors import DomainError
from domain.feedback import MAX_OPEN_ANSWER, SATISFACTION_LEVELS, AlreadyAnswered, InvalidSurvey
from domain.models import FeedbackAnswer, Workshop
from ui.components import Text, heading, paragraph, translated
from ui.i18n import _

Send = Callable[[int | None, list[tuple[str, str]]], Awaitable[FeedbackAnswer]]
THANKS_CLASS = "feedback-thanks"


def satisfaction_label(level: int, words: str) -> str:
    return f"{level} · {_(words)}"


def thanks(area: ui.element, text: str) -> None:
    """Replace the survey with this thank-you, given the focus so that screen readers say it."""
    area.clear()
    with area:
        Text(text, "p").props('role="status" tabindex="-1"').classes(f"{THANKS_CLASS} atelier-text font-semibold")


def answered_text(*, on_stage: bool = False) -> str:
    """What someone who already answered reads; on the personal page, that it was on the stage if it was."""
    if on_stage:
        return _("You answered the survey during the workshop: thank you!")
    return _("You already answered the survey: thank you!")


class SurveyForm:
    """The survey's fields and its button, in the current container; `send` keeps the answer (or refuses it)."""

    def __init__(self, workshop: Workshop, send: Send, *, level: int = 2) -> None:
        self.send = send
        self.questions = feedback.questions_of(workshop)
        self.area = ui.element("div").classes("grid gap-4")
        with self.area:
            heading(_("Your opinion on the workshop"), level)
            paragraph(_("A few seconds: it helps the organisers improve the next workshops. Your answers go to "
                        "them without your name."), muted=True)
            with ui.element("fieldset").classes("atelier-fieldset") as self.scale_group:
                Text(_("How satisfied are you with this workshop?"), "legend").classes("font-semibold")
                self.scale = ui.radio({level: satisfaction_label(level, words) for level, words in SATISFACTION_LEVELS})
                self.scale_problem = Text("", "p").classes("atelier-problem")
            self.texts = []
            for question in self.questions:
                area = ui.textarea(question).props(f"outlined autogrow maxlength={MAX_OPEN_ANSWER}").classes("w-full")
                area.props["hint"] = _("Optional")
                self.texts.append(area)
            self.alert = Text("", "p").props('role="alert"').classes("atelier-problem")
            self.button = ui.button(_("Send my answers"), icon="send", on_click=self.submit).props(
                "unelevated").classes("justify-self-start")

    async def submit(self) -> None:
        self.scale_problem.text = ""
        self.alert.text = ""
        for area in self.texts:
            area.error = None
        pairs = [(question, str(area.value or "")) for question, area in zip(self.questions, self.texts, strict=True)]
        self.button.disable()
        try:
            await self.send(self.scale.value, pairs)
        except InvalidSurvey as refused:
            self.show_problems(refused)
        except AlreadyAnswered as refused:
            self.thank(translated(refused))
            return
        except DomainError as refused:
            self.alert.text = translated(refused)
        else:
            self.thank(_("Thank you for your answers!"))
            return
        self.button.enable()

    def show_problems(self, refused: InvalidSurvey) -> None:
        problem = refused.about("satisfaction")
        self.scale_problem.text = translated(problem) if problem is not None else ""
        for number, area in enumerate(self.texts):
            problem = refused.about(feedback.answer_field(number))
            area.error = translated(problem) if problem is not None else None
        self.alert.text = translated(refused)

    def thank(self, text: str) -> None:
        thanks(self.area, text)
        self.area.client.run_javascript(f"document.querySelector('.{THANKS_CLASS}')?.focus()")
