"""The state of a live run, as events build it up: phase, step, countdown, people, hands, floor, rooms.

Steps and rooms are named by their ids, people by their participant ids: what a stored history
means does not change when the agenda is edited, and personal data stays in rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.models import RunPhase


@dataclass(frozen=True)
class Countdown:
    """A step's countdown: an end instant while it runs, the time left while it is paused.

    Browsers compute the seconds themselves from these two values; nothing is sent per second.
    """

    ends_at: datetime | None = None
    paused_remaining: timedelta | None = None

    @property
    def paused(self) -> bool:
        return self.paused_remaining is not None

    def remaining(self, now: datetime) -> timedelta:
        if self.paused_remaining is not None:
            return self.paused_remaining
        assert self.ends_at is not None
        return self.ends_at - now

    def pause(self, now: datetime) -> Countdown:
        return Countdown(paused_remaining=self.remaining(now))

    def resume(self, now: datetime) -> Countdown:
        return Countdown(ends_at=now + self.remaining(now))

    def extend(self, delta: timedelta) -> Countdown:
        if self.paused_remaining is not None:
            return replace(self, paused_remaining=self.paused_remaining + delta)
        assert self.ends_at is not None
        return replace(self, ends_at=self.ends_at + delta)


class NoticeAudience(StrEnum):
    EVERYONE = "everyone"
    ROOMS = "rooms"  # only the people in breakout rooms


class MemberKind(StrEnum):
    PARTICIPANT = "participant"
    STAFF = "staff"


@dataclass(frozen=True)
class Member:
    """Someone on a live page: a participant (by participant id) or a staff member (by account id)."""

    kind: MemberKind
    id: int


@dataclass
class Person:
    """A participant as the moderators follow them."""

    id: int
    name: str
    joined_at: datetime
    present: bool = False  # arrived and not left, as the event log says
    removed: bool = False
    arrival_answer: str = ""
    room_id: int | None = None  # their breakout group, kept from one breakout step to the next
    hand_raised_at: datetime | None = None
    turns: int = 0
    spoken: timedelta = timedelta(0)

    @property
    def has_spoken(self) -> bool:
        return self.turns > 0


@dataclass(frozen=True)
class StepVisit:
    """A step as it actually ran: planned minutes are on the step, the real times here."""

    step_id: int
    started_at: datetime
    ended_at: datetime | None = None

    def duration(self, now: datetime) -> timedelta:
        return (self.ended_at or now) - self.started_at


@dataclass(frozen=True)
class Notice:
    id: int
    text: str
    audience: NoticeAudience
    at: datetime


@dataclass(frozen=True)
class RoomCall:
    room_id: int
    participant_id: int
    at: datetime


@dataclass
class LiveState:
    phase: RunPhase = RunPhase.BACKSTAGE
    step_id: int | None = None
    countdown: Countdown | None = None
    people: dict[int, Person] = field(default_factory=dict)
    floor_holder: int | None = None
    floor_since: datetime | None = None
    rooms_open: bool = False
    calls: dict[int, RoomCall] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    visits: list[StepVisit] = field(default_factory=list)
    opened_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    open_microphones: set[int] = field(default_factory=set)  # participants who opened theirs (or were given the floor)
    unmuting_allowed: bool = False  # participants may open their microphone in the plenary
    floor_may_share_screen: bool = False  # whoever has the floor may show their screen
    least_spoken_first: bool = False  # the order of raised hands, for the moderators and the participants alike
    cameras_off: set[Member] = field(default_factory=set)
    sound_only: set[Member] = field(default_factory=set)  # chose sound alone, for a weak connection
    staff_muted: set[int] = field(default_factory=set)  # staff accounts whose microphone is closed
    activities: dict[str, Any] = field(default_factory=dict)  # each activity's own state, by its kind

    @property
    def accepting_people(self) -> bool:
        return self.phase != RunPhase.ENDED

    @property
    def under_way(self) -> bool:
        """Doors open or running: hands can be raised, the floor given."""
        return self.phase in (RunPhase.OPEN, RunPhase.RUNNING)

    def active_people(self) -> list[Person]:
        return [person for person in self.people.values() if not person.removed]

    def hand_queue(self) -> list[Person]:
        """Raised hands in the order they were raised, or those who spoke least first, as the moderators chose."""
        raised = [p for p in self.active_people() if p.hand_raised_at is not None]
        if self.least_spoken_first:
            return sorted(raised, key=lambda p: (p.spoken, p.turns, p.hand_raised_at))
        return sorted(raised, key=lambda p: p.hand_raised_at)  # type: ignore[arg-type, return-value]

    def queue_positions(self) -> dict[int, int]:
        """Each raised hand's place in the queue, 1 for the next to speak."""
        return {person.id: number for number, person in enumerate(self.hand_queue(), start=1)}

    def queue_position(self, participant_id: int) -> int | None:
        """1 for the next to speak; None when the hand is down."""
        return self.queue_positions().get(participant_id)

    def members(self, room_id: int) -> list[Person]:
        return [p for p in self.active_people() if p.room_id == room_id]

    def room_of(self, participant_id: int) -> int | None:
        """The breakout room this person is in now: None in the plenary."""
        person = self.people.get(participant_id)
        return person.room_id if person is not None and self.rooms_open else None

    def may_unmute(self, participant_id: int) -> bool:
        """In a breakout room, or with the floor, always; in the plenary only when the moderators allow it."""
        return (self.room_of(participant_id) is not None or self.floor_holder == participant_id
                or self.unmuting_allowed)

    def heard(self, participant_id: int) -> bool:
        """Whether this participant's microphone reaches the others now."""
        return self.under_way and participant_id in self.open_microphones and self.may_unmute(participant_id)

    def speaking_time(self, person: Person, now: datetime) -> timedelta:
        """Time with the floor so far, including a turn still going on."""
        ongoing = now - self.floor_since if self.floor_holder == person.id and self.floor_since else timedelta(0)
        return person.spoken + ongoing

    def time_on_step(self, step_id: int, now: datetime) -> timedelta | None:
        """How long this step has run so far, all its visits together; None if it never ran."""
        durations = [visit.duration(now) for visit in self.visits if visit.step_id == step_id]
        return sum(durations, timedelta(0)) if durations else None

    def current_visit(self) -> StepVisit | None:
        return self.visits[-1] if self.visits and self.visits[-1].ended_at is None else None
