"""Part 6, participants: who should come and why, how they register, what they are asked, and the messages
before and after the workshop (practical information, reminders, the feedback survey)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from nicegui import ui

from domain import participation, workshops
from domain.errors import InvalidValue
from domain.i18n import N_
from domain.models import Audience, RegistrationMode
from domain.planning import Part, WorkshopPlan
from domain.questions import Question, QuestionKind, questions_of
from ui import formatting
from ui.components import Text, confirm, heading, labelled, paragraph
from ui.focus import focus_key, key
from ui.i18n import _
from ui.pages.wizard.fields import MISSING
from ui.pages.wizard.purpose import choice_field, saver, text_field
from ui.pages.wizard.shell import Wizard, part_path, part_title, workshop_value
from ui.pages.wizard.when import session_capacity

ADD_QUESTION = key("add-question")
ADD_FEEDBACK = key("add-feedback-question")
DAY_BEFORE, HOUR_BEFORE = 24, 1
DEFAULT_PRACTICAL_HOURS = 48
Restructure = Callable[..., Awaitable[None]]


def kind_label(kind: QuestionKind) -> str:
    return {QuestionKind.TEXT: _("Open question"), QuestionKind.CHOICE: _("Multiple choice"),
            QuestionKind.ROOMS: _("Rooms")}[kind]


async def render(wizard: Wizard) -> None:
    paragraph(_("Who should come, how they register, what you ask them, and the messages they receive before and "
                "after the workshop."), muted=True)
    with ui.column().classes("w-full gap-5 mt-4"):
        heading(_("Who should come, and why"), 3)
        choice_field(wizard, "audience", _("Audience"), {
            Audience.GENERAL_PUBLIC.value: _("The general public: everyone interested is welcome"),
            Audience.SPECIALISED.value: _("A specialised audience: experts, or the people directly concerned"),
        })
        text_field(wizard, "audience_details", _("Who exactly, and why them?"),
                   _("For example: families with young children in the neighbourhood, local shopkeepers. The "
                     "invitation tells each person why they are invited."), long=True)
        registration_section(wizard)
        await questions_section(wizard)
        before_section(wizard)
        await feedback_section(wizard)


# ---------------------------------------------------------------- registration

def registration_section(wizard: Wizard) -> None:
    workshop = wizard.plan.workshop
    heading(_("Registration"), 3).classes("mt-4")
    choice_field(wizard, "registration_mode", _("How people get a place"), {
        RegistrationMode.OPEN_DOOR.value: _("Open door: anyone with the workshop's link joins on the day, without "
                                            "registering"),
        RegistrationMode.PUBLIC_FORM.value: _("Public form: people register on the public page and confirm their "
                                              "address by e-mail; a waiting list takes over once a session is full"),
        RegistrationMode.INVITATION_ONLY.value: _("By invitation only: the people you invite register with their "
                                                  "personal link; the public page has no form"),
    })
    with ui.column().classes("w-full gap-2"):
        Text(_("Places per session"), "p").classes("font-medium")
        wizard.advice("places")
        if not wizard.plan.sessions:
            with ui.row().classes("items-center gap-2"):
                Text(_("No session yet."), "span").classes("atelier-muted")
                ui.link(_("Add one in “{part}”", part=part_title(Part.WHEN)),
                        part_path(wizard.plan, Part.WHEN)).classes("atelier-link")
        for number, session in enumerate(wizard.plan.sessions, start=1):
            when = formatting.session_when(session.starts_at, workshop.duration_minutes, workshop.time_zone)
            places = ui.number(_("Places in session {number}", number=number), value=session.capacity).props(
                "outlined").classes("w-full max-w-xl")
            places.props["hint"] = when + " · " + _("Empty: no limit.")
            wizard.field(places, partial(workshops.set_session_capacity, session, clock=wizard.services.clock),
                         read=session_capacity(session.id), subject=f"session:{session.id}", name="capacity")
            wizard.advice("capacity", session.id)
    days = ui.number(_("Days personal data is kept"), value=workshop.personal_data_kept_days).props(
        "outlined").classes("w-full")
    days.props["hint"] = _("After the last session, names, addresses and answers are erased after this many days. "
                           "The registration form says so.")
    wizard.field(days, saver(wizard, "personal_data_kept_days"), read=workshop_value("personal_data_kept_days"),
                 name="personal_data_kept_days")


# ---------------------------------------------------------------- registration questions

async def questions_section(wizard: Wizard) -> None:
    heading(_("Questions asked when registering"), 3).classes("mt-4")
    paragraph(_("Their name and e-mail address are always asked. A few questions help you prepare and let people "
                "shape the workshop: do they already have an opinion on the subject? Which rooms interest them "
                "most?"), muted=True)

    @ui.refreshable
    async def question_list() -> None:
        questions = questions_of(wizard.plan.workshop)
        with ui.column().classes("w-full gap-3"):
            for index, question in enumerate(questions):
                question_card(wizard, question, index, len(questions), restructure)
        with ui.row().classes("gap-3"):
            focus_key(ui.button(_("Add an open question"), icon="add", on_click=lambda: restructure(
                participation.add_question(wizard.plan.workshop, QuestionKind.TEXT))).props("outline"), ADD_QUESTION)
            ui.button(_("Add a multiple-choice question"), icon="checklist", on_click=lambda: restructure(
                participation.add_question(wizard.plan.workshop, QuestionKind.CHOICE))).props("outline")
            if not any(question.kind == QuestionKind.ROOMS for question in questions):
                ui.button(_("Ask which rooms interest them"), icon="meeting_room", on_click=lambda: restructure(
                    participation.add_question(wizard.plan.workshop, QuestionKind.ROOMS))).props("outline")

    async def restructure(command: Awaitable[Any], *focus: str) -> None:
        """The focus goes to the `focus` keys, or to the new question's text, or to the first add button."""
        await wizard.restructure(command, question_list.refresh, lambda made: (
            *focus, *([key("question", made.id, "text")] if isinstance(made, Question) else []), ADD_QUESTION))

    await question_list()


def question_card(wizard: Wizard, question: Question, index: int, count: int, restructure: Restructure) -> None:
    workshop = wizard.plan.workshop
    number = index + 1
    with ui.card().classes("atelier-card w-full p-4 gap-3"):
        with ui.row().classes("w-full items-center justify-between"):
            with ui.row().classes("items-center gap-3"):
                heading(_("Question {number}", number=number), 4)
                Text(kind_label(question.kind), "span").classes("atelier-chip")
            with ui.row().classes("gap-1"):
                moves = (key("question", question.id, "up"), key("question", question.id, "down"))
                if index > 0:
                    labelled(focus_key(ui.button(icon="arrow_upward", on_click=lambda: restructure(
                        participation.move_question(workshop, question.id, -1), *moves)).props("flat round"),
                        "question", question.id, "up"), _("Move question {number} up", number=number))
                if index < count - 1:
                    labelled(focus_key(ui.button(icon="arrow_downward", on_click=lambda: restructure(
                        participation.move_question(workshop, question.id, 1), *moves[::-1])).props("flat round"),
                        "question", question.id, "down"), _("Move question {number} down", number=number))
                ids = [q.id for q in questions_of(workshop)]
                neighbours = [key("question", i, "text") for i in ids[index + 1:][:1] + ids[:index][-1:]]
                labelled(ui.button(icon="delete", on_click=lambda: confirm(
                    _("Remove question {number}?", number=number),
                    _("Answers already given stay with the registrations."), _("Remove"),
                    lambda: restructure(participation.remove_question(workshop, question.id), *neighbours),
                )).props("flat round"), _("Remove question {number}", number=number))
        text = focus_key(ui.input(_("Text of question {number}", number=number), value=question.text).props(
            "outlined debounce=300").classes("w-full"), "question", question.id, "text")
        def stored_question(plan: WorkshopPlan) -> Question | None:
            return next((q for q in questions_of(plan.workshop) if q.id == question.id), None)

        subject = f"question:{question.id}"
        wizard.field(text, lambda value: participation.update_question(workshop, question.id, "text", value),
                     read=lambda plan: getattr(stored_question(plan), "text", MISSING), subject=subject, name="text")
        wizard.advice("question", question.number)
        if question.kind == QuestionKind.CHOICE:
            choices = ui.textarea(_("Choices of question {number}, one per line", number=number),
                                  value="\n".join(question.choices)).props(
                "outlined autogrow debounce=300").classes("w-full")
            wizard.field(choices, lambda value: participation.update_question(workshop, question.id, "choices", value),
                         read=lambda plan: "\n".join(stored.choices) if (stored := stored_question(plan)) else MISSING,
                         subject=subject, name="choices")
            wizard.advice("choices", question.number)
        elif question.kind == QuestionKind.ROOMS:
            rooms = Text("", "p").classes("atelier-muted text-sm")

            def show_rooms() -> None:
                names = [room.name for room in wizard.plan.breakout_rooms]
                rooms.text = _("People choose among the breakout rooms: {rooms}.", rooms=", ".join(names)) if names \
                    else ""

            show_rooms()
            wizard.on_change(show_rooms, owner=rooms)


# ---------------------------------------------------------------- before the workshop

def before_section(wizard: Wizard) -> None:
    workshop = wizard.plan.workshop
    heading(_("Before the workshop"), 3).classes("mt-4")
    practical_on = workshop.practical_information_hours_before is not None
    practical = ui.switch(_("Send the practical information"), value=practical_on)
    paragraph(_("The agenda, the link, how to get in step by step, the device check, and the request to connect "
                "five minutes early to test camera and microphone."), muted=True)
    hours = ui.number(_("Hours before the session"),
                      value=workshop.practical_information_hours_before or DEFAULT_PRACTICAL_HOURS).props(
        "outlined").classes("w-full max-w-xl")
    hours.bind_visibility_from(practical, "value")

    async def save_practical(_value: object) -> None:
        if practical.value and hours.value is None:
            raise InvalidValue(N_("Enter a number."))
        await workshops.update_workshop(wizard.plan.workshop, "practical_information_hours_before",
                                        hours.value if practical.value else None)

    wizard.field(practical, save_practical, name="practical_on",
                 read=lambda plan: plan.workshop.practical_information_hours_before is not None)
    wizard.field(hours, save_practical, name="practical_information_hours_before",
                 read=lambda plan: plan.workshop.practical_information_hours_before or DEFAULT_PRACTICAL_HOURS)

    Text(_("Reminders"), "p").classes("font-medium mt-2")
    chosen = workshop.reminder_hours_before or []
    day = ui.switch(_("A reminder the day before (24 hours before)"), value=DAY_BEFORE in chosen)
    hour = ui.switch(_("A reminder an hour before"), value=HOUR_BEFORE in chosen)
    other_hours = next((hours for hours in chosen if hours not in (DAY_BEFORE, HOUR_BEFORE)), None)
    other = ui.number(_("Another reminder, hours before (optional)"), value=other_hours).props(
        "outlined").classes("w-full max-w-xl")
    other.props["hint"] = _("Reminders follow each session: if it moves, so do they.")

    def others_saved() -> list[int]:
        return [h for h in wizard.plan.workshop.reminder_hours_before or [] if h not in (DAY_BEFORE, HOUR_BEFORE)]

    async def save_switches(_value: object) -> None:
        hours_chosen = [*([DAY_BEFORE] if day.value else []), *([HOUR_BEFORE] if hour.value else []),
                        *others_saved()]
        await participation.set_reminders(wizard.plan.workshop, hours_chosen)

    async def save_other(value: float | None) -> None:
        hours_chosen = [*([DAY_BEFORE] if day.value else []), *([HOUR_BEFORE] if hour.value else []),
                        *([value] if value is not None else [])]
        await participation.set_reminders(wizard.plan.workshop, hours_chosen)

    def reminders(plan: WorkshopPlan) -> list[int]:
        return list(plan.workshop.reminder_hours_before or [])

    wizard.field(day, save_switches, read=lambda plan: DAY_BEFORE in reminders(plan), name="reminder_day")
    wizard.field(hour, save_switches, read=lambda plan: HOUR_BEFORE in reminders(plan), name="reminder_hour")
    wizard.field(other, save_other, name="reminder_other", read=lambda plan: next(
        (hours for hours in reminders(plan) if hours not in (DAY_BEFORE, HOUR_BEFORE)), None))
    text_field(wizard, "reminder_message", _("Your words in the reminders (optional)"),
               _("Added to every reminder, e.g. “Think about the places you use most before we meet.”"),
               long=True, limit=2000)


# ---------------------------------------------------------------- after the workshop

async def feedback_section(wizard: Wizard) -> None:
    heading(_("After the workshop: the feedback survey"), 3).classes("mt-4")
    paragraph(_("Asked at the end of the workshop and in the thank-you e-mail, once per person. “How satisfied are "
                "you with this workshop?”, from 1 to 5, is always asked; add your own open questions."), muted=True)

    @ui.refreshable
    async def feedback_list() -> None:
        texts = list(wizard.plan.workshop.feedback_questions or [])
        with ui.column().classes("w-full gap-2"):
            for number, text in enumerate(texts, start=1):
                feedback_row(wizard, number, text, len(texts), restructure)
        focus_key(ui.button(_("Add a survey question"), icon="add", on_click=lambda: restructure(
            participation.add_feedback_question(wizard.plan.workshop))).props("outline"), ADD_FEEDBACK)

    async def restructure(command: Awaitable[Any], *focus: str) -> None:
        """The focus goes to the `focus` keys, or to the new question, or to the add button."""
        await wizard.restructure(command, feedback_list.refresh, lambda made: (
            *focus, *([key("feedback", made)] if isinstance(made, int) else []), ADD_FEEDBACK))

    await feedback_list()


def feedback_row(wizard: Wizard, number: int, text: str, count: int, restructure: Restructure) -> None:
    workshop = wizard.plan.workshop
    with ui.column().classes("w-full gap-1"):
        with ui.row().classes("w-full items-start gap-2 no-wrap"):
            field = focus_key(ui.input(_("Survey question {number}", number=number), value=text).props(
                "outlined debounce=300").classes("grow"), "feedback", number)
            wizard.field(field, lambda value: participation.update_feedback_question(workshop, number, value),
                         read=lambda plan: (plan.workshop.feedback_questions or [])[number - 1]
                         if number <= len(plan.workshop.feedback_questions or []) else MISSING,
                         subject=f"feedback:{number}", name="text")
            if number > 1:
                labelled(focus_key(ui.button(icon="arrow_upward", on_click=lambda: restructure(
                    participation.move_feedback_question(workshop, number, -1), key("feedback", number - 1, "up"),
                    key("feedback", number - 1, "down"))).props("flat round"), "feedback", number, "up"),
                    _("Move survey question {number} up", number=number))
            if number < count:
                labelled(focus_key(ui.button(icon="arrow_downward", on_click=lambda: restructure(
                    participation.move_feedback_question(workshop, number, 1), key("feedback", number + 1, "down"),
                    key("feedback", number + 1, "up"))).props("flat round"), "feedback", number, "down"),
                    _("Move survey question {number} down", number=number))
            neighbours = [key("feedback", number), key("feedback", number - 1)]  # the next one takes its number
            labelled(ui.button(icon="delete", on_click=lambda: confirm(
                _("Remove survey question {number}?", number=number),
                _("Answers already given to it are kept with the results."), _("Remove"),
                lambda: restructure(participation.remove_feedback_question(workshop, number), *neighbours),
            )).props("flat round"), _("Remove survey question {number}", number=number))
        wizard.advice("feedback_question", number)
