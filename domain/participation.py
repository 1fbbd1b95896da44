"""Commands of the wizard's participants part that edit lists: registration questions, reminders, feedback survey.

The workshop's single fields (registration mode, places, how long personal data is kept...) go through
`workshops.update_workshop`. The lists here are JSON columns: each command reads the list as stored, changes it
and saves it in one transaction, so that two organisers editing at once lose as little as a field does. Once
saved, the edit is announced like every other (`workshops.plan_edits`): a live session shows the feedback survey.
"""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from domain import questions as registration
from domain.errors import InvalidValue, NotFound
from domain.i18n import N_, translate
from domain.models import Workshop
from domain.questions import MAX_FEEDBACK_QUESTIONS, MAX_QUESTIONS, Question, QuestionKind
from domain.workshops import MAX_HOURS_BEFORE, plan_edits

ROOMS_QUESTION = N_("Which rooms interest you most?")


async def _stored(workshop: Workshop) -> Workshop:
    return await Workshop.select_for_update().get(id=workshop.id)


async def _save_questions(workshop: Workshop, stored: Workshop, questions: list[Question]) -> None:
    stored.registration_questions = [question.stored() for question in questions]
    await stored.save(update_fields=["registration_questions", "updated_at"])
    workshop.registration_questions = stored.registration_questions


def _find(questions: list[Question], question_id: str) -> int:
    for index, question in enumerate(questions):
        if question.id == question_id:
            return index
    raise NotFound(N_("This question was removed in the meantime."))


# ---------------------------------------------------------------- registration questions

async def add_question(workshop: Workshop, kind: QuestionKind) -> Question:
    """A new question at the end: blank, or for the rooms one, the usual wording in the workshop's language."""
    async with in_transaction():
        stored = await _stored(workshop)
        questions = registration.questions_of(stored)
        if len(questions) >= MAX_QUESTIONS:
            raise InvalidValue(N_("At most {count} questions: keep the form short."), field="questions",
                               count=MAX_QUESTIONS)
        if kind == QuestionKind.ROOMS and any(question.kind == QuestionKind.ROOMS for question in questions):
            raise InvalidValue(N_("The form already asks about the rooms."), field="questions")
        text = translate(ROOMS_QUESTION, stored.language) if kind == QuestionKind.ROOMS else ""
        question = Question(registration.new_id(questions), text, QuestionKind(kind))
        await _save_questions(workshop, stored, [*questions, question])
    await plan_edits.announce(workshop.id)
    return question


async def update_question(workshop: Workshop, question_id: str, field: str, value: Any) -> Question:
    """Change a question's `text`, or the `choices` of a multiple-choice one (typed one per line)."""
    async with in_transaction():
        stored = await _stored(workshop)
        questions = registration.questions_of(stored)
        index = _find(questions, question_id)
        question = questions[index]
        if field == "text":
            text = registration.question_text(value)
            if not text:  # once written, a question keeps its last words until it has new ones
                raise InvalidValue(N_("Write the question."), field="text")
            question = Question(question.id, text, question.kind, question.choices)
        elif field == "choices" and question.kind == QuestionKind.CHOICE:
            question = Question(question.id, question.text, question.kind, registration.choices(value))
        else:
            raise ValueError(f"{field} is not editable on a {question.kind} question")
        questions[index] = question
        await _save_questions(workshop, stored, questions)
    await plan_edits.announce(workshop.id)
    return question


async def move_question(workshop: Workshop, question_id: str, offset: int) -> None:
    async with in_transaction():
        stored = await _stored(workshop)
        questions = registration.questions_of(stored)
        index = _find(questions, question_id)
        target = min(max(index + offset, 0), len(questions) - 1)
        questions.insert(target, questions.pop(index))
        await _save_questions(workshop, stored, questions)
    await plan_edits.announce(workshop.id)


async def remove_question(workshop: Workshop, question_id: str) -> None:
    """Remove a question; answers already given to it stay in the registrations, no longer asked."""
    async with in_transaction():
        stored = await _stored(workshop)
        questions = registration.questions_of(stored)
        del questions[_find(questions, question_id)]
        await _save_questions(workshop, stored, questions)
    await plan_edits.announce(workshop.id)


# ---------------------------------------------------------------- reminders

def reminder_hours(value: Any) -> list[int]:
    """Hours before a session at which reminders go: whole numbers from 1 to 336, latest first, each once."""
    hours: set[int] = set()
    for item in value or []:
        try:
            number = float(item)
        except (TypeError, ValueError):
            raise InvalidValue(N_("Enter a number."), field="reminder_hours_before") from None
        if not number.is_integer():
            raise InvalidValue(N_("Enter a whole number."), field="reminder_hours_before")
        if not 1 <= number <= MAX_HOURS_BEFORE:
            raise InvalidValue(N_("Enter a number between {low} and {high}."), field="reminder_hours_before",
                               low=1, high=MAX_HOURS_BEFORE)
        hours.add(int(number))
    return sorted(hours, reverse=True)


async def set_reminders(workshop: Workshop, hours: Any) -> list[int]:
    """The reminders of every session, as hours before it starts (none: no reminder)."""
    checked = reminder_hours(hours)
    workshop.reminder_hours_before = checked
    await workshop.save(update_fields=["reminder_hours_before", "updated_at"])
    await plan_edits.announce(workshop.id)
    return checked


# ---------------------------------------------------------------- feedback survey

async def _save_feedback(workshop: Workshop, stored: Workshop, texts: list[str]) -> None:
    stored.feedback_questions = texts
    await stored.save(update_fields=["feedback_questions", "updated_at"])
    workshop.feedback_questions = texts


def _position(texts: list[str], number: int) -> int:
    if not 1 <= number <= len(texts):
        raise NotFound(N_("This question was removed in the meantime."))
    return number - 1


async def add_feedback_question(workshop: Workshop) -> int:
    """A blank open question at the end of the survey; its number (from 1) is returned."""
    async with in_transaction():
        stored = await _stored(workshop)
        texts = list(stored.feedback_questions or [])
        if len(texts) >= MAX_FEEDBACK_QUESTIONS:
            raise InvalidValue(N_("At most {count} questions: keep the survey short."), field="feedback_questions",
                               count=MAX_FEEDBACK_QUESTIONS)
        await _save_feedback(workshop, stored, [*texts, ""])
    await plan_edits.announce(workshop.id)
    return len(texts) + 1


async def update_feedback_question(workshop: Workshop, number: int, value: Any) -> str:
    text = registration.question_text(value, field="feedback_question")
    if not text:  # once written, a question keeps its last words until it has new ones
        raise InvalidValue(N_("Write the question, or remove it."), field="feedback_question")
    async with in_transaction():
        stored = await _stored(workshop)
        texts = list(stored.feedback_questions or [])
        texts[_position(texts, number)] = text
        await _save_feedback(workshop, stored, texts)
    await plan_edits.announce(workshop.id)
    return text


async def move_feedback_question(workshop: Workshop, number: int, offset: int) -> None:
    async with in_transaction():
        stored = await _stored(workshop)
        texts = list(stored.feedback_questions or [])
        index = _position(texts, number)
        texts.insert(min(max(index + offset, 0), len(texts) - 1), texts.pop(index))
        await _save_feedback(workshop, stored, texts)
    await plan_edits.announce(workshop.id)


async def remove_feedback_question(workshop: Workshop, number: int) -> None:
    async with in_transaction():
        stored = await _stored(workshop)
        texts = list(stored.feedback_questions or [])
        del texts[_position(texts, number)]
        await _save_feedback(workshop, stored, texts)
    await plan_edits.announce(workshop.id)
