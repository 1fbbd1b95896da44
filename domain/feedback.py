"""The feedback survey of a workshop: how satisfied people were (1 to 5) and the organiser's open questions.

Each person answers once. A person is their registration when they have one, else the participant they were in
the live run; an answer names both when both are known, and the database keeps each of them unique, so that of two
answers sent at the same moment, or one on the stage and one from the personal page, one is kept and the other
is told "you already answered". Each answer keeps the questions as they were asked: editing the survey later
changes the meaning of no earlier answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError

from domain.errors import DomainError, InvalidValue, NotAllowed
from domain.i18n import N_
from domain.models import FeedbackAnswer, LiveRun, Participant, Registration, RunPhase, Workshop, WorkshopSession
from domain.planning import WorkshopPlan

# The scale's points, each with its words (translated where shown): a scale of bare numbers reads differently
# to different people.
SATISFACTION_LEVELS: tuple[tuple[int, str], ...] = (
    (1, N_("Not at all satisfied")),
    (2, N_("Not very satisfied")),
    (3, N_("Fairly satisfied")),
    (4, N_("Satisfied")),
    (5, N_("Very satisfied")),
)
MAX_OPEN_ANSWER = 2000  # characters of one open answer


class AlreadyAnswered(NotAllowed):
    """This person's answer is already kept: a survey is answered once."""


class InvalidSurvey(DomainError):
    """Some answers are refused: `problems` has one message per field ("satisfaction", "answer-<n>")."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        super().__init__(N_("Some answers need another look: see the messages beside them."))
        self.problems = problems

    def about(self, field_name: str) -> InvalidValue | None:
        return next((problem for problem in self.problems if problem.field == field_name), None)


def already_answered() -> AlreadyAnswered:
    return AlreadyAnswered(N_("You already answered the survey: thank you!"))


@dataclass(frozen=True)
class Respondent:
    """Who answers, as the database tells them apart: their registration, their participant, or both."""

    workshop_id: int
    session_id: int | None
    registration_id: int | None
    participant_id: int | None
    on_stage: bool  # at the stage's closing step, or else from the personal page


def questions_of(workshop: Workshop) -> list[str]:
    """The organiser's open questions as participants see them (the blank ones left out)."""
    return [text.strip() for text in workshop.feedback_questions or [] if isinstance(text, str) and text.strip()]


def answer_field(number: int) -> str:
    """The field of the open question at this place (0-based) in the survey, for its message."""
    return f"answer-{number}"


# ---------------------------------------------------------------- who answers, and when


async def respondent_on_stage(participant_id: int) -> Respondent:
    """A participant answering on the stage (at the closing step); the registration they came in from counts too.

    Refused in a rehearsal: nothing there counts."""
    participant = await Participant.get(id=participant_id)
    run = await LiveRun.get(id=participant.run_id).prefetch_related("session")
    if run.rehearsal:
        raise NotAllowed(N_("Rehearsal: answers to the survey are not kept."))
    return Respondent(workshop_id=run.session.workshop_id, session_id=run.session_id,
                      registration_id=participant.registration_id, participant_id=participant.id, on_stage=True)


async def session_over(plan: WorkshopPlan, session: WorkshopSession, now: datetime) -> bool:
    """The session's planned end has passed, or the moderators ended its live run."""
    if plan.session_end(session) <= now:
        return True
    return await LiveRun.filter(real_session_id=session.id, phase=RunPhase.ENDED).exists()


async def attendance_of(registration: Registration) -> Participant | None:
    """The participant they were in their session's live run (the real one), if they came."""
    return await Participant.filter(registration_id=registration.id, run__rehearsal=False).order_by("id").first()


async def respondent_of_registration(registration: Registration, plan: WorkshopPlan, now: datetime) -> Respondent:
    """Someone answering from their personal page: once their session is over, if they took part in it."""
    session = next((s for s in plan.sessions if s.id == registration.session_id), None)
    if session is None or not await session_over(plan, session, now):
        raise NotAllowed(N_("The survey opens at the end of your session."))
    participant = await attendance_of(registration)
    if participant is None:
        raise NotAllowed(N_("The survey is for the people who took part in the session."))
    return Respondent(workshop_id=registration.workshop_id, session_id=session.id,
                      registration_id=registration.id, participant_id=participant.id, on_stage=False)


async def answer_of(respondent: Respondent) -> FeedbackAnswer | None:
    """Their answer, if they gave one (by their registration, or as the participant they were)."""
    if respondent.registration_id is not None:
        found = await FeedbackAnswer.get_or_none(registration_id=respondent.registration_id)
        if found is not None:
            return found
    if respondent.participant_id is not None:
        return await FeedbackAnswer.get_or_none(participant_id=respondent.participant_id)
    return None


async def participant_answered(participant_id: int) -> bool:
    """Whether this participant answered: on the stage, or from the personal page of the registration they came
    in from (an answer from there names the participant they were)."""
    return await FeedbackAnswer.exists(participant_id=participant_id)


async def has_answered(respondent: Respondent) -> bool:
    return await answer_of(respondent) is not None


# ---------------------------------------------------------------- answering


def _checked(satisfaction: int | None, answers: Sequence[tuple[str, str]]) -> tuple[int, list[dict[str, str]]]:
    problems = []
    levels = [level for level, _words in SATISFACTION_LEVELS]
    if satisfaction not in levels:
        problems.append(InvalidValue(N_("Choose how satisfied you are, from 1 to 5."), field="satisfaction"))
    kept = []
    for number, (question, text) in enumerate(answers):
        text = text.strip()
        if len(text) > MAX_OPEN_ANSWER:
            problems.append(InvalidValue(N_("At most {count} characters: this answer has {length}."),
                                         field=answer_field(number), count=MAX_OPEN_ANSWER, length=len(text)))
        kept.append({"question": question, "answer": text})
    if problems:
        raise InvalidSurvey(problems)
    assert satisfaction is not None
    return satisfaction, kept


async def answer(respondent: Respondent, satisfaction: int | None,
                 answers: Sequence[tuple[str, str]]) -> FeedbackAnswer:
    """Keep one person's answer: their satisfaction and, for each open question as they saw it, their text.

    `answers` pairs each question's text, as the person read it, with what they wrote (may be empty). A second
    answer from the same person (by registration or participant) raises `AlreadyAnswered`, also when both come
    at the same moment: the database's unique columns decide.
    """
    level, kept = _checked(satisfaction, answers)
    if await has_answered(respondent):
        raise already_answered()
    try:
        return await FeedbackAnswer.create(workshop_id=respondent.workshop_id, session_id=respondent.session_id,
                                           registration_id=respondent.registration_id,
                                           participant_id=respondent.participant_id,
                                           satisfaction=level, answers=kept, on_stage=respondent.on_stage)
    except IntegrityError as refused:
        raise already_answered() from refused


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class OpenAnswers:
    question: str
    answers: list[str]


@dataclass(frozen=True)
class FeedbackResults:
    answered: int
    attended: int  # participants of the workshop's real runs (rehearsals not counted)
    satisfaction: dict[int, int]  # level -> how many chose it, every level of the scale present
    open_answers: list[OpenAnswers] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        if not self.answered:
            return None
        return sum(level * count for level, count in self.satisfaction.items()) / self.answered


async def results(workshop: Workshop) -> FeedbackResults:
    """What the organisers read: how many answered out of how many came, the scale, each open question's answers.

    Open answers are grouped by the question as it was asked: the survey's current questions first, in order,
    then questions since edited or removed that earlier answers were given to.
    """
    rows = await FeedbackAnswer.filter(workshop_id=workshop.id).order_by("id")
    attended = await Participant.filter(run__session__workshop_id=workshop.id, run__rehearsal=False).count()
    satisfaction = {level: 0 for level, _words in SATISFACTION_LEVELS}
    by_question: dict[str, list[str]] = {question: [] for question in questions_of(workshop)}
    for row in rows:
        satisfaction[row.satisfaction] = satisfaction.get(row.satisfaction, 0) + 1
        for pair in row.answers:
            question, text = str(pair.get("question", "")), str(pair.get("answer", ""))
            if text:
                by_question.setdefault(question, []).append(text)
    return FeedbackResults(answered=len(rows), attended=attended, satisfaction=satisfaction,
                           open_answers=[OpenAnswers(question, texts) for question, texts in by_question.items()])
