"""The questions a workshop asks when people register, as the JSON list `Workshop.registration_questions` keeps them.

Each question is `{"id": "q4817263", "text": "...", "kind": "text" | "choice" | "rooms", "choices": [...]}`. The id
stays with the question when it is edited or moved, so that registrations' answers (`Registration.answers`,
question id -> answer) keep meaning the same question. A "rooms" question offers the workshop's breakout rooms
as they are when someone registers: its own `choices` stay empty.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from domain.errors import InvalidValue
from domain.i18n import N_
from domain.models import Workshop

if TYPE_CHECKING:  # planning reads the questions too
    from domain.planning import WorkshopPlan

MAX_QUESTIONS = 12
MAX_QUESTION_TEXT = 300
MAX_CHOICES = 20
MAX_CHOICE_TEXT = 120
MAX_FEEDBACK_QUESTIONS = 8


class QuestionKind(StrEnum):
    TEXT = "text"  # an answer in the person's own words
    CHOICE = "choice"  # one of the organiser's choices
    ROOMS = "rooms"  # the breakout rooms that interest them most


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        """The number in the id ("q4817263" -> 4817263): what the wizard's advice refers to the question by."""
        return int(self.id.removeprefix("q"))

    @property
    def field(self) -> str:
        """The name of its input on the registration form, for the message beside it."""
        return f"question:{self.id}"

    def stored(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "kind": self.kind.value, "choices": list(self.choices)}


def questions_of(workshop: Workshop) -> list[Question]:
    """The workshop's registration questions, in order; entries that cannot be read are left out."""
    questions = []
    for entry in workshop.registration_questions or []:
        try:
            kind = QuestionKind(entry["kind"])
            identifier = str(entry["id"])
            int(identifier.removeprefix("q"))
        except (KeyError, TypeError, ValueError):
            continue
        choices = tuple(str(choice) for choice in entry.get("choices") or []) if kind == QuestionKind.CHOICE else ()
        questions.append(Question(identifier, str(entry.get("text") or ""), kind, choices))
    return questions


def asked_on_the_form(plan: WorkshopPlan) -> list[Question]:
    """The questions the registration form shows: those the wizard left unfinished (no text, a choice question
    without choices, a rooms question in a workshop without breakout rooms) are not asked."""
    return [question for question in questions_of(plan.workshop)
            if question.text.strip() and (question.kind != QuestionKind.CHOICE or question.choices)
            and (question.kind != QuestionKind.ROOMS or plan.breakout_rooms)]


def new_id(questions: list[Question]) -> str:
    """An id at random, so that a question removed and another added never share one (nor their answers)."""
    taken = {question.id for question in questions}
    while (candidate := f"q{secrets.randbelow(9_000_000) + 1_000_000}") in taken:
        pass
    return candidate


def question_text(value: Any, *, field: str = "text") -> str:
    text = " ".join(str(value or "").split())  # one line: it is a label on the form
    if len(text) > MAX_QUESTION_TEXT:
        raise InvalidValue(N_("At most {count} characters: this text has {length}."), field=field,
                           count=MAX_QUESTION_TEXT, length=len(text))
    return text


def choices(value: Any) -> tuple[str, ...]:
    """Choices typed one per line: blank lines dropped; each at most 120 characters, each once."""
    lines = value.splitlines() if isinstance(value, str) else [str(item) for item in value or []]
    kept: list[str] = []
    for line in lines:
        choice = " ".join(line.split())
        if not choice:
            continue
        if len(choice) > MAX_CHOICE_TEXT:
            raise InvalidValue(N_("Each choice has at most {count} characters."), field="choices",
                               count=MAX_CHOICE_TEXT)
        if choice.casefold() in (existing.casefold() for existing in kept):
            raise InvalidValue(N_("“{choice}” is there twice: keep each choice once."), field="choices",
                               choice=choice)
        kept.append(choice)
    if len(kept) > MAX_CHOICES:
        raise InvalidValue(N_("At most {count} choices."), field="choices", count=MAX_CHOICES)
    return tuple(kept)
