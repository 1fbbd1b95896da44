"""Planning rules: what makes a workshop ready, and the advice given while preparing it.

Pure functions over a loaded `WorkshopPlan`: no database access here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.i18n import N_
from domain.live.rooms import rooms_question_ids
from domain.models import (
    RegistrationMode,
    Room,
    RoomAssignment,
    RoomKind,
    Step,
    StepKind,
    TeamMember,
    TeamRole,
    Workshop,
    WorkshopSession,
)
from domain.questions import QuestionKind, questions_of
from domain.timekeeping import is_known_zone

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60
TYPICAL_DURATION_MINUTES = (60, 90)
MIN_STEP_MINUTES = 1
MAX_STEP_MINUTES = 240
MIN_TITLE_LENGTH = 3
# One breakout room per 5 to 8 expected participants.
ROOM_SIZE = (5, 8)


class Part(StrEnum):
    """The parts of the preparation wizard, in their natural order."""

    PURPOSE = "purpose"
    WHEN = "when"
    AGENDA = "agenda"
    WELCOME = "welcome"
    ROOMS = "rooms"
    PARTICIPANTS = "participants"
    TEAM = "team"
    REVIEW = "review"
    INVITATIONS = "invitations"  # once published: the invitation's text, the invitees, sending


class Severity(StrEnum):
    ERROR = "error"  # blocks publishing
    WARNING = "warning"  # advice


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RUNNING = "running"
    FINISHED = "finished"


@dataclass(frozen=True)
class Issue:
    part: Part
    field: str
    severity: Severity
    message: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)  # `field` above names an attribute
    subject_id: int | None = None  # the step, room or session concerned, if any


@dataclass
class WorkshopPlan:
    """A workshop with everything the wizard shows, loaded together."""

    workshop: Workshop
    sessions: list[WorkshopSession]
    steps: list[Step]
    rooms: list[Room]
    team: list[TeamMember]

    @property
    def breakout_rooms(self) -> list[Room]:
        return [room for room in self.rooms if room.kind == RoomKind.BREAKOUT]

    @property
    def plenary_room(self) -> Room | None:
        return next((room for room in self.rooms if room.kind == RoomKind.PLENARY), None)

    @property
    def planned_minutes(self) -> int:
        return sum(max(step.minutes, 0) for step in self.steps)

    def session_end(self, session: WorkshopSession) -> datetime:
        return session.starts_at + timedelta(minutes=self.workshop.duration_minutes)

    def next_session(self, now: datetime) -> WorkshopSession | None:
        """The session running now or the next one to come."""
        return next((s for s in self.sessions if self.session_end(s) > now), None)


def recommended_buffer(duration_minutes: int) -> int:
    """Minutes to keep free for the unexpected: a tenth of the session, at least five."""
    return max(5, math.ceil(duration_minutes * 0.1))


class AgendaFit(StrEnum):
    COMFORTABLE = "comfortable"
    TIGHT = "tight"
    OVER = "over"


@dataclass(frozen=True)
class AgendaBalance:
    planned: int
    duration: int

    @property
    def buffer(self) -> int:
        return self.duration - self.planned

    @property
    def fit(self) -> AgendaFit:
        if self.buffer < 0:
            return AgendaFit.OVER
        if self.buffer < recommended_buffer(self.duration):
            return AgendaFit.TIGHT
        return AgendaFit.COMFORTABLE


def agenda_balance(plan: WorkshopPlan) -> AgendaBalance:
    return AgendaBalance(planned=plan.planned_minutes, duration=plan.workshop.duration_minutes)


@dataclass(frozen=True)
class RoomSuggestion:
    fewest: int
    most: int

    @property
    def suggested(self) -> int:
        return max(self.fewest, min(self.most, round((self.fewest + self.most) / 2)))


def breakout_room_suggestion(expected_participants: int) -> RoomSuggestion | None:
    if expected_participants < ROOM_SIZE[0] * 2:
        return None  # too few people to split usefully
    fewest = math.ceil(expected_participants / ROOM_SIZE[1])
    most = max(fewest, expected_participants // ROOM_SIZE[0])
    return RoomSuggestion(fewest=fewest, most=most)


def step_start_offsets(steps: list[Step]) -> list[int]:
    """Minutes from the session start at which each step begins."""
    offsets, elapsed = [], 0
    for step in steps:
        offsets.append(elapsed)
        elapsed += max(step.minutes, 0)
    return offsets


def status(plan: WorkshopPlan, now: datetime) -> Status:
    if plan.workshop.published_at is None:
        return Status.DRAFT
    if any(s.starts_at <= now < plan.session_end(s) for s in plan.sessions):
        return Status.RUNNING
    if plan.sessions and all(plan.session_end(s) <= now for s in plan.sessions):
        return Status.FINISHED
    return Status.PUBLISHED


def review(plan: WorkshopPlan, now: datetime) -> list[Issue]:
    """Everything that blocks publishing (errors) or deserves a second look (warnings)."""
    return [
        *_review_purpose(plan.workshop),
        *_review_when(plan, now),
        *_review_agenda(plan),
        *_review_rooms(plan),
        *_review_participants(plan),
        *_review_team(plan),
        *_review_invitations(plan.workshop),
    ]


def _review_purpose(workshop: Workshop) -> list[Issue]:
    issues = []
    if len(workshop.title.strip()) < MIN_TITLE_LENGTH:
        issues.append(Issue(Part.PURPOSE, "title", Severity.ERROR,
                            N_("Give the workshop a title of at least {count} characters."),
                            {"count": MIN_TITLE_LENGTH}))
    if not workshop.description.strip():
        issues.append(Issue(Part.PURPOSE, "description", Severity.ERROR,
                            N_("Describe the workshop for the public: what it is about and why take part.")))
    if not workshop.objectives.strip():
        issues.append(Issue(Part.PURPOSE, "objectives", Severity.WARNING,
                            N_("Write down what you want to achieve, so the whole team shares it.")))
    if not workshop.success_factors.strip():
        issues.append(Issue(Part.PURPOSE, "success_factors", Severity.WARNING,
                            N_("Say how you will know the workshop succeeded.")))
    return issues


def _review_when(plan: WorkshopPlan, now: datetime) -> list[Issue]:
    workshop, issues = plan.workshop, []
    if not is_known_zone(workshop.time_zone):
        issues.append(Issue(Part.WHEN, "time_zone", Severity.ERROR, N_("Choose a time zone from the list.")))
    duration = workshop.duration_minutes
    if not MIN_DURATION_MINUTES <= duration <= MAX_DURATION_MINUTES:
        issues.append(Issue(Part.WHEN, "duration_minutes", Severity.ERROR,
                            N_("A session lasts between {low} and {high} minutes."),
                            {"low": MIN_DURATION_MINUTES, "high": MAX_DURATION_MINUTES}))
    elif duration > TYPICAL_DURATION_MINUTES[1]:
        issues.append(Issue(Part.WHEN, "duration_minutes", Severity.WARNING,
                            N_("Workshops usually last 60 to 90 minutes. Past 90 minutes, consider splitting "
                               "the work into several sessions.")))
    if not plan.sessions:
        issues.append(Issue(Part.WHEN, "sessions", Severity.ERROR,
                            N_("Add the date and time of at least one session.")))
    elif workshop.published_at is None and plan.next_session(now) is None:
        # Refused rather than asked: a public page with only past sessions invites nobody and registers nobody,
        # and what a past workshop leaves (its record, its report) is reached without publishing. Once
        # published, sessions going by is the workshop finishing, not something to fix.
        issues.append(Issue(Part.WHEN, "sessions", Severity.ERROR,
                            N_("Every session is over: add a session to come, or move one to a later date, "
                               "before publishing.")))
    for session in plan.sessions:
        if plan.session_end(session) <= now:
            issues.append(Issue(Part.WHEN, "starts_at", Severity.WARNING,
                                N_("This session is in the past."), subject_id=session.id))
        if session.capacity is not None and session.capacity < 1:
            issues.append(Issue(Part.WHEN, "capacity", Severity.ERROR,
                                N_("The capacity is a number of people, at least 1."), subject_id=session.id))
    return issues


def _review_agenda(plan: WorkshopPlan) -> list[Issue]:
    issues = []
    if not plan.steps:
        issues.append(Issue(Part.AGENDA, "steps", Severity.ERROR, N_("Add the steps of the agenda.")))
        return issues
    for step in plan.steps:
        if not step.title.strip():
            issues.append(Issue(Part.AGENDA, "title", Severity.ERROR, N_("Give this step a title."),
                                subject_id=step.id))
        if not MIN_STEP_MINUTES <= step.minutes <= MAX_STEP_MINUTES:
            issues.append(Issue(Part.AGENDA, "minutes", Severity.ERROR,
                                N_("A step lasts between {low} and {high} minutes."),
                                {"low": MIN_STEP_MINUTES, "high": MAX_STEP_MINUTES}, subject_id=step.id))
        if not step.objective.strip():
            issues.append(Issue(Part.AGENDA, "objective", Severity.WARNING,
                                N_("Give this step one objective: it keeps the workshop easy to follow."),
                                subject_id=step.id))
        if not step.moderator_script.strip():
            issues.append(Issue(Part.AGENDA, "moderator_script", Severity.WARNING,
                                N_("Write what the moderator will say and do in this step."),
                                subject_id=step.id))
    balance = agenda_balance(plan)
    if balance.fit == AgendaFit.OVER:
        issues.append(Issue(Part.AGENDA, "steps", Severity.ERROR,
                            N_("The agenda is {minutes} minutes longer than the session."),
                            {"minutes": -balance.buffer}))
    elif balance.fit == AgendaFit.TIGHT:
        issues.append(Issue(Part.AGENDA, "steps", Severity.WARNING,
                            N_("Keep about {minutes} minutes free for the unexpected: the agenda leaves "
                               "{buffer}."),
                            {"minutes": recommended_buffer(balance.duration), "buffer": balance.buffer}))
    return issues


def _review_rooms(plan: WorkshopPlan) -> list[Issue]:
    issues = []
    has_breakout_step = any(step.kind == StepKind.BREAKOUT for step in plan.steps)
    if has_breakout_step and not plan.breakout_rooms:
        issues.append(Issue(Part.ROOMS, "rooms", Severity.ERROR,
                            N_("The agenda has a breakout step: add at least one breakout room.")))
    for room in plan.rooms:
        if not room.name.strip():
            issues.append(Issue(Part.ROOMS, "name", Severity.ERROR, N_("Give this room a name."),
                                subject_id=room.id))
        if room.capacity is not None and room.capacity < 2:
            issues.append(Issue(Part.ROOMS, "capacity", Severity.ERROR,
                                N_("A room holds at least 2 people."), subject_id=room.id))
    if plan.workshop.room_assignment == RoomAssignment.FROM_REGISTRATIONS and not rooms_question_ids(plan.workshop):
        issues.append(Issue(Part.ROOMS, "room_assignment", Severity.WARNING,
                            N_("Rooms come from the registrations, but the registration form does not ask which "
                               "rooms interest people: add that question in the participants part, or everyone "
                               "is spread evenly.")))
    expected = plan.workshop.expected_participants
    suggestion = breakout_room_suggestion(expected) if expected else None
    if has_breakout_step and suggestion and not suggestion.fewest <= len(plan.breakout_rooms) <= suggestion.most:
        issues.append(Issue(Part.ROOMS, "rooms", Severity.WARNING,
                            N_("For {people} participants, plan {fewest} to {most} breakout rooms "
                               "(5 to 8 people each)."),
                            {"people": expected, "fewest": suggestion.fewest, "most": suggestion.most}))
    return issues


def _review_participants(plan: WorkshopPlan) -> list[Issue]:
    workshop, issues = plan.workshop, []
    if not workshop.audience_details.strip():
        issues.append(Issue(Part.PARTICIPANTS, "audience_details", Severity.WARNING,
                            N_("Say who you want to reach and why: the invitation tells each person why they "
                               "are invited.")))
    registering = workshop.registration_mode != RegistrationMode.OPEN_DOOR
    if registering and plan.sessions and all(session.capacity is None for session in plan.sessions):
        issues.append(Issue(Part.PARTICIPANTS, "places", Severity.WARNING,
                            N_("Give each session a number of places: beyond it, people go on a waiting list.")))
    for question in questions_of(workshop):
        if not question.text.strip():
            issues.append(Issue(Part.PARTICIPANTS, "question", Severity.ERROR, N_("Write the question."),
                                subject_id=question.number))
        if question.kind == QuestionKind.CHOICE and len(question.choices) < 2:
            issues.append(Issue(Part.PARTICIPANTS, "choices", Severity.ERROR,
                                N_("Give at least two choices, one per line."), subject_id=question.number))
        if question.kind == QuestionKind.ROOMS and not plan.breakout_rooms:
            issues.append(Issue(Part.PARTICIPANTS, "question", Severity.WARNING,
                                N_("There is no breakout room yet: this question has nothing to offer."),
                                subject_id=question.number))
    for number, text in enumerate(workshop.feedback_questions or [], start=1):
        if not str(text).strip():
            issues.append(Issue(Part.PARTICIPANTS, "feedback_question", Severity.ERROR,
                                N_("Write the question, or remove it."), subject_id=number))
    return issues


def _review_invitations(workshop: Workshop) -> list[Issue]:
    if workshop.invitation_body.strip() or workshop.next_dates.strip():
        return []
    return [Issue(Part.INVITATIONS, "invitation_body", Severity.WARNING,
                  N_("Tell people how their contribution will be used: write what happens next in “Welcome and "
                     "closing”, and the suggested invitation will say it, or write it in the invitation."))]


def _review_team(plan: WorkshopPlan) -> list[Issue]:
    if any(member.role == TeamRole.LEAD_MODERATOR for member in plan.team):
        return []
    return [Issue(Part.TEAM, "team", Severity.WARNING, N_("Choose who will lead the moderation."))]
