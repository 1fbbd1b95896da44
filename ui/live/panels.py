"""Pieces shown on several live pages: agenda bar, step information, welcome and closing texts."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from domain import planning
from domain.live.state import LiveState
from domain.models import Step, StepKind, Workshop
from domain.planning import WorkshopPlan
from ui import formatting
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _


def agenda_bar(plan: WorkshopPlan, state: LiveState, session_start: datetime) -> None:
    """The steps side by side with their planned times, the current one marked."""
    offsets = planning.step_start_offsets(plan.steps)
    zone = plan.workshop.time_zone
    with labelled(ui.element("nav"), _("Agenda")), ui.element("ol").classes("agenda-steps"):
        for index, (step, offset) in enumerate(zip(plan.steps, offsets, strict=True)):
            with ui.element("li") as item:
                if index == state.step_index:
                    item.props('aria-current="step"')
                elif index < state.step_index:
                    item.classes("done")
                Text(formatting.offset_clock(session_start, offset, zone), "span").classes("when mr-2")
                Text(step.title, "span")


def agenda_list(plan: WorkshopPlan, session_start: datetime | None, *, show_objectives: bool = False) -> None:
    """The steps one under the other, with their start times (or offsets, with no date yet)."""
    offsets = planning.step_start_offsets(plan.steps)
    zone = plan.workshop.time_zone
    with ui.element("ol").classes("grid gap-2 list-none p-0 m-0"):
        for step, offset in zip(plan.steps, offsets, strict=True):
            with ui.element("li").classes("grid grid-cols-[3.5rem_1fr] gap-2"):
                when = formatting.offset_clock(session_start, offset, zone) if session_start \
                    else f"+{formatting.duration(offset)}"
                Text(when, "span").classes("atelier-muted tabular-nums")
                with ui.column().classes("gap-0"):
                    Text(step.title, "span").classes("font-medium")
                    details = [formatting.duration(step.minutes)]
                    if step.kind == StepKind.BREAKOUT:
                        details.append(_("in small groups"))
                    Text(" · ".join(details), "span").classes("atelier-muted text-sm")
                    if show_objectives and step.objective:
                        Text(step.objective, "span").classes("text-sm")


def step_information(step: Step | None) -> None:
    """What participants need at this step: its objective, the context, what is expected of them."""
    if step is None:
        return
    heading(step.title, 2)
    if step.kind == StepKind.BREAKOUT:
        Text(_("In small groups"), "span").classes("atelier-chip breakout self-start")
    if step.objective:
        Text(_("Objective: {objective}", objective=step.objective), "p").classes("font-medium")
    if step.context_info:
        heading(_("Context"), 3)
        paragraph(step.context_info)
    if step.expected_of_participants:
        heading(_("What is expected of you"), 3)
        paragraph(step.expected_of_participants)


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
