"""Pieces shown on several live pages: agenda bar, step information, welcome and closing texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nicegui import ui

from domain import planning
from domain.live.state import LiveState
from domain.models import Step, StepKind, Workshop
from domain.planning import WorkshopPlan
from ui import formatting
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _


def agenda_bar(plan: WorkshopPlan, session_start: datetime) -> list[ui.element]:
    """The steps side by side with their planned times; `mark_current_step` marks where the run is."""
    offsets = planning.step_start_offsets(plan.steps)
    zone = plan.workshop.time_zone
    items = []
    with labelled(ui.element("nav"), _("Agenda")), ui.element("ol").classes("agenda-steps"):
        for step, offset in zip(plan.steps, offsets, strict=True):
            with ui.element("li") as item:
                Text(formatting.offset_clock(session_start, offset, zone), "span").classes("when mr-2")
                Text(step.title, "span")
            items.append(item)
    return items


def mark_current_step(items: list[ui.element], index: int) -> None:
    """Mark the current step and those done, changing only the items whose mark changes."""
    for position, item in enumerate(items):
        current = position == index
        if (item.props.get("aria-current") == "step") != current:
            if current:
                item.props["aria-current"] = "step"
            else:
                del item.props["aria-current"]
        done = position < index
        if ("done" in item.classes) != done:
            if done:
                item.classes(add="done")
            else:
                item.classes(remove="done")


def agenda_list(plan: WorkshopPlan, session_start: datetime | None, *,
                show_objectives: bool = False) -> AgendaTimes:
    """The steps one under the other, with their start times (or offsets, with no date yet)."""
    offsets = planning.step_start_offsets(plan.steps)
    labels = []
    with ui.element("ol").classes("grid gap-2 list-none p-0 m-0"):
        for step in plan.steps:
            with ui.element("li").classes("grid grid-cols-[3.5rem_1fr] gap-2"):
                labels.append(Text("", "span").classes("atelier-muted tabular-nums"))
                with ui.column().classes("gap-0"):
                    Text(step.title, "span").classes("font-medium")
                    details = [formatting.duration(step.minutes)]
                    if step.kind == StepKind.BREAKOUT:
                        details.append(_("in small groups"))
                    Text(" · ".join(details), "span").classes("atelier-muted text-sm")
                    if show_objectives and step.objective:
                        Text(step.objective, "span").classes("text-sm")
    times = AgendaTimes(session_start, offsets, labels)
    times.show_in(plan.workshop.time_zone)
    return times


@dataclass(frozen=True)
class AgendaTimes:
    """The start time beside each step of an agenda list, restated in another zone on demand."""

    session_start: datetime | None
    offsets: list[int]
    labels: list[Text]

    def show_in(self, zone: str) -> None:
        for offset, label in zip(self.offsets, self.labels, strict=True):
            label.text = formatting.offset_clock(self.session_start, offset, zone) if self.session_start \
                else f"+{formatting.duration(offset)}"


class StepInformation:
    """What participants need at this step: its objective, the context, what is expected of them.

    Built once per page and updated in place when the step changes, so that a new step sends a
    few changed texts to each of hundreds of pages instead of a freshly built panel.
    """

    def __init__(self) -> None:
        self.title = heading("", 2)
        self.breakout = Text(_("In small groups"), "span").classes("atelier-chip breakout self-start")
        self.objective = Text("", "p").classes("font-medium")
        self.context_heading = heading(_("Context"), 3)
        self.context = paragraph("")
        self.expected_heading = heading(_("What is expected of you"), 3)
        self.expected = paragraph("")
        self.show(None)

    def show(self, step: Step | None) -> None:
        self.title.text = step.title if step else ""
        self.title.set_visibility(step is not None)
        self.breakout.set_visibility(step is not None and step.kind == StepKind.BREAKOUT)
        objective = step.objective if step else ""
        self.objective.text = _("Objective: {objective}", objective=objective) if objective else ""
        self.objective.set_visibility(bool(objective))
        for title, text, value in ((self.context_heading, self.context, step.context_info if step else ""),
                                   (self.expected_heading, self.expected,
                                    step.expected_of_participants if step else "")):
            text.text = value
            title.set_visibility(bool(value))
            text.set_visibility(bool(value))


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
