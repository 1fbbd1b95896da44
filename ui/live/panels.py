"""Pieces shown on several live pages: agenda bar, step information, welcome and closing texts."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from domain import planning
from domain.live.state import LiveState
from domain.models import Step, StepKind, Workshop
from domain.planning import WorkshopPlan
from ui import formatting
from ui.components import Text, heading, paragraph
from ui.i18n import _


class TextsInProps(ui.element):
    """A Vue component that shows texts held in its props, found by NiceGUI's element filters like any text."""

    def texts(self) -> list[str]:
        raise NotImplementedError

    def _displayed_contents(self, *, only_visible: bool) -> list[str]:
        return self.texts()

    def _render_markdown(self) -> str:
        return "\n\n".join(self.texts())


class AgendaBar(TextsInProps, component="agenda_bar.js"):
    """The steps side by side with their planned times, the current one marked.

    The steps are sent once; a new step changes one number, a single small update per page.
    """

    def __init__(self, plan: WorkshopPlan, session_start: datetime) -> None:
        super().__init__()
        offsets = planning.step_start_offsets(plan.steps)
        zone = plan.workshop.time_zone
        self._props["label"] = _("Agenda")
        self._props["steps"] = [{"when": formatting.offset_clock(session_start, offset, zone), "title": step.title}
                                for step, offset in zip(plan.steps, offsets, strict=True)]
        self._props["current"] = -1

    def show_current(self, current_index: int) -> None:
        """Mark this step as the current one and those before it as done (-1: none yet)."""
        if self._props["current"] != current_index:
            self._props["current"] = current_index

    def texts(self) -> list[str]:
        return [f"{step['when']} {step['title']}" for step in self._props["steps"]]

    def _render_markdown(self) -> str:
        return "\n".join(f"{number}. {text}" for number, text in enumerate(self.texts(), start=1))


class AgendaList(TextsInProps, component="agenda_list.js"):
    """The steps one under the other, with their start times (or offsets, with no date yet)."""

    def __init__(self, plan: WorkshopPlan, session_start: datetime | None, *, show_objectives: bool = False) -> None:
        super().__init__()
        self._session_start = session_start
        self._offsets = planning.step_start_offsets(plan.steps)
        steps = []
        for step in plan.steps:
            details = [formatting.duration(step.minutes)]
            if step.kind == StepKind.BREAKOUT:
                details.append(_("in small groups"))
            steps.append({"when": "", "title": step.title, "details": " · ".join(details),
                          "objective": step.objective if show_objectives else ""})
        self._props["steps"] = steps
        self.show_in(plan.workshop.time_zone)

    def show_in(self, zone: str) -> None:
        """State the start times in this time zone (the visitor's, once the browser has told it)."""
        steps = self._props["steps"]
        for step, offset in zip(steps, self._offsets, strict=True):
            step["when"] = formatting.offset_clock(self._session_start, offset, zone) if self._session_start \
                else f"+{formatting.duration(offset)}"
        self._props["steps"] = list(steps)

    def texts(self) -> list[str]:
        return [" ".join(filter(None, (step["when"], step["title"], step["details"], step["objective"])))
                for step in self._props["steps"]]


class StepInformation(TextsInProps, component="step_information.js"):
    """What participants need at this step: its objective, the context, what is expected of them.

    One element whose props change with the step, so that a new step sends each of hundreds of
    pages one small update instead of several texts.
    """

    def __init__(self) -> None:
        super().__init__()
        self._props["labels"] = {"breakout": _("In small groups"), "context": _("Context"),
                                 "expected": _("What is expected of you")}
        self._props["step"] = None

    def show(self, step: Step | None) -> None:
        self._props["step"] = None if step is None else {
            "title": step.title,
            "breakout": step.kind == StepKind.BREAKOUT,
            "objective": _("Objective: {objective}", objective=step.objective) if step.objective else "",
            "context": step.context_info,
            "expected": step.expected_of_participants,
        }

    def texts(self) -> list[str]:
        step = self._props["step"]
        if step is None:
            return []
        labels = self._props["labels"]
        texts = [step["title"], labels["breakout"] if step["breakout"] else "", step["objective"]]
        for part in ("context", "expected"):
            if step[part]:
                texts += [labels[part], step[part]]
        return [text for text in texts if text]


def rules_of_conduct(workshop: Workshop) -> None:
    if workshop.rules_of_conduct:
        heading(_("Rules of the workshop"), 3)
        paragraph(workshop.rules_of_conduct)


def arrival_answers(workshop: Workshop, state: LiveState) -> None:
    """The welcome question and what people answered, as they arrive."""
    if not workshop.arrival_question:
        return
    heading(workshop.arrival_question, 3)
    answers = [person for person in state.active_people() if person.arrival_answer]
    if not answers:
        paragraph(_("The answers will show here."), muted=True)
        return
    with ui.element("ul").classes("grid gap-2 list-none p-0 m-0"):
        for person in answers:
            with ui.element("li").classes("atelier-card p-3"):
                Text(person.name, "span").classes("font-semibold block")
                Text(person.arrival_answer, "span").classes("atelier-text")


def closing(workshop: Workshop) -> None:
    """The thank-you, the next dates and the feedback survey written by the organiser."""
    heading(_("Thank you for taking part!"), 2)
    if workshop.thank_you_message:
        paragraph(workshop.thank_you_message)
    if workshop.next_dates:
        heading(_("Next dates"), 3)
        paragraph(workshop.next_dates)
    if workshop.feedback_url:
        with ui.link(target=workshop.feedback_url, new_tab=True).classes("atelier-link font-semibold"):
            Text(_("Give your opinion on the workshop (feedback survey)"), "span")
