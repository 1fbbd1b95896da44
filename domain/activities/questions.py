"""Questions with up-votes: participants ask short questions, up-vote the others' and see the most wanted first.

Each question belongs to the step it was asked at and to where its author was: a breakout room, or the plenary
(room None). People see, ask and up-vote the questions of where they are now: in a breakout step, their room's.
One vote per person per question, never on their own, and a vote may be taken back. The moderators mark a
question answered (it goes below the others) or hide one (participants no longer see it; the board still does).
The text is the participant's, kept as typed (spaces tidied): pages show it as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.activities.base import ActivityEvent, ActivityType, Moment, activity_state, register
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.live.events import LiveEvent
from domain.live.state import LiveState

KIND = "questions"
MAX_QUESTION = 200  # characters: a question, not a speech
MAX_QUESTIONS_PER_PERSON = 30  # in one step: enough for anyone, not for a script filling the list


@register
class Questions(ActivityType):
    kind = KIND
    order = 20
    label = N_("Questions with up-votes")


# ------------------------------------------------------------------ state


@dataclass
class Question:
    id: int
    step_id: int
    room_id: int | None  # None: asked in the plenary
    author_id: int
    text: str
    asked_at: datetime
    voters: set[int] = field(default_factory=set)
    answered: bool = False
    hidden: bool = False

    @property
    def votes(self) -> int:
        return len(self.voters)

    def place(self) -> tuple[bool, int, datetime, int]:
        """The order of the list: open questions first, the most up-voted first, then the oldest."""
        return (self.answered, -self.votes, self.asked_at, self.id)


@dataclass
class QuestionsState:
    questions: dict[int, Question] = field(default_factory=dict)


def questions_state(state: LiveState) -> QuestionsState:
    return activity_state(state, KIND, QuestionsState)


def questions_at(state: LiveState, step_id: int, room_id: int | None, *,
                 with_hidden: bool = False) -> list[Question]:
    """The questions asked at this step in this room (None: the plenary), in the list's order."""
    found = [question for question in questions_state(state).questions.values()
             if question.step_id == step_id and question.room_id == room_id and (with_hidden or not question.hidden)]
    return sorted(found, key=Question.place)


def questions_of_step(state: LiveState, step_id: int) -> list[Question]:
    """Every question of this step, every room together, hidden ones included (for the record)."""
    return sorted((question for question in questions_state(state).questions.values()
                   if question.step_id == step_id), key=Question.place)


# ------------------------------------------------------------------ events


@dataclass(frozen=True, kw_only=True)
class QuestionAsked(ActivityEvent):
    question_id: int
    participant_id: int
    text: str

    def apply(self, state: LiveState) -> None:
        questions_state(state).questions[self.question_id] = Question(
            id=self.question_id, step_id=self.step_id, room_id=self.room_id, author_id=self.participant_id,
            text=self.text, asked_at=self.at)


@dataclass(frozen=True, kw_only=True)
class QuestionUpVoted(ActivityEvent):
    question_id: int
    participant_id: int
    up: bool  # False: the vote taken back

    def apply(self, state: LiveState) -> None:
        voters = questions_state(state).questions[self.question_id].voters
        if self.up:
            voters.add(self.participant_id)
        else:
            voters.discard(self.participant_id)


@dataclass(frozen=True, kw_only=True)
class QuestionAnswered(ActivityEvent):
    question_id: int
    answered: bool  # False: marked as not answered yet, again

    def apply(self, state: LiveState) -> None:
        questions_state(state).questions[self.question_id].answered = self.answered


@dataclass(frozen=True, kw_only=True)
class QuestionHidden(ActivityEvent):
    question_id: int
    hidden: bool  # False: shown again

    def apply(self, state: LiveState) -> None:
        questions_state(state).questions[self.question_id].hidden = self.hidden


# ------------------------------------------------------------------ commands


def clean_text(text: str) -> str:
    """A question as kept: spaces and line breaks tidied into single spaces."""
    return " ".join(text.split())


def ask(moment: Moment, *, participant_id: int, text: str) -> list[LiveEvent]:
    step, _settings = moment.running(KIND)
    moment.person(participant_id)
    text = clean_text(text)
    if not text:
        raise InvalidValue(N_("Write your question first."), field="question")
    if len(text) > MAX_QUESTION:
        raise InvalidValue(N_("At most {count} characters."), field="question", count=MAX_QUESTION)
    asked = questions_state(moment.state).questions
    if sum(1 for each in asked.values() if each.step_id == step.id and each.author_id == participant_id) \
            >= MAX_QUESTIONS_PER_PERSON:
        raise NotAllowed(N_("You have asked as many questions as this step takes."))
    question_id = len(asked) + 1
    return [QuestionAsked(at=moment.now, step_id=step.id, room_id=moment.room_of(participant_id),
                          question_id=question_id, participant_id=participant_id, text=text)]


def _question_here(moment: Moment, question_id: int, participant_id: int | None) -> Question:
    """A question of the current step; for a participant, one asked where they are now."""
    step, _settings = moment.running(KIND)
    question = questions_state(moment.state).questions.get(question_id)
    if question is None or question.step_id != step.id:
        raise NotFound(N_("This question is not on the list any more."))
    if participant_id is not None:
        moment.person(participant_id)
        if question.hidden:
            raise NotFound(N_("This question is not on the list any more."))
        if question.room_id != moment.room_of(participant_id):
            raise NotAllowed(N_("This question was asked in another room."))
    return question


def up_vote(moment: Moment, *, participant_id: int, question_id: int, up: bool = True) -> list[LiveEvent]:
    """Up-vote a question, or take one's vote back (`up=False`)."""
    question = _question_here(moment, question_id, participant_id)
    if question.author_id == participant_id:
        raise NotAllowed(N_("You cannot up-vote your own question."))
    if question.answered:
        raise NotAllowed(N_("This question has been answered."))
    if up and participant_id in question.voters:
        raise NotAllowed(N_("You already up-voted this question."))
    if not up and participant_id not in question.voters:
        raise NotAllowed(N_("You have not up-voted this question."))
    return [QuestionUpVoted(at=moment.now, step_id=question.step_id, room_id=question.room_id,
                            question_id=question.id, participant_id=participant_id, up=up)]


def mark_answered(moment: Moment, *, question_id: int, answered: bool = True) -> list[LiveEvent]:
    """A moderator marks a question answered (or not answered after all)."""
    question = _question_here(moment, question_id, None)
    if question.answered == answered:
        return []  # another moderator was quicker: nothing to change
    return [QuestionAnswered(at=moment.now, step_id=question.step_id, room_id=question.room_id,
                             question_id=question.id, answered=answered)]


def hide(moment: Moment, *, question_id: int, hidden: bool = True) -> list[LiveEvent]:
    """A moderator hides a question from participants (or shows it again)."""
    question = _question_here(moment, question_id, None)
    if question.hidden == hidden:
        return []
    return [QuestionHidden(at=moment.now, step_id=question.step_id, room_id=question.room_id,
                           question_id=question.id, hidden=hidden)]
