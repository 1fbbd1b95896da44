"""What happens in a live run, as events: each is stored, applied to the state, then announced.

Replaying a run's stored events in order rebuilds its state exactly, which is how a
restart resumes a workshop where it was. `aspects` tell the pages what to redraw.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from domain.live.state import Countdown, LiveState, Notice, NoticeAudience, Person, RoomCall, StepVisit
from domain.models import RunPhase


class Aspect(StrEnum):
    PHASE = "phase"
    STEP = "step"
    COUNTDOWN = "countdown"
    PEOPLE = "people"
    ANSWERS = "answers"
    HANDS = "hands"
    FLOOR = "floor"
    ROOMS = "rooms"
    NOTICES = "notices"
    MICROPHONES = "microphones"


@dataclass(frozen=True)
class LiveEvent:
    at: datetime
    aspects: ClassVar[frozenset[Aspect]] = frozenset()
    persisted: ClassVar[bool] = True

    def apply(self, state: LiveState) -> None:
        """Change `state` as this event says; never refuses (commands checked before)."""


def _end_floor(state: LiveState, at: datetime) -> None:
    holder = state.people.get(state.floor_holder) if state.floor_holder is not None else None
    if holder is not None and state.floor_since is not None:
        holder.spoken += at - state.floor_since
    if holder is not None:
        state.open_microphones.discard(holder.id)  # the turn is over: their microphone closes
    state.floor_holder = state.floor_since = None


def _close_visit(state: LiveState, at: datetime) -> None:
    if state.visits and state.visits[-1].ended_at is None:
        state.visits[-1] = dataclasses.replace(state.visits[-1], ended_at=at)


# ------------------------------------------------------------------ phase and steps

@dataclass(frozen=True)
class DoorsOpened(LiveEvent):
    aspects = frozenset({Aspect.PHASE})

    def apply(self, state: LiveState) -> None:
        state.phase, state.opened_at = RunPhase.OPEN, self.at


@dataclass(frozen=True)
class WorkshopStarted(LiveEvent):
    aspects = frozenset({Aspect.PHASE})

    def apply(self, state: LiveState) -> None:
        state.phase, state.started_at = RunPhase.RUNNING, self.at
        state.opened_at = state.opened_at or self.at


@dataclass(frozen=True)
class StepStarted(LiveEvent):
    index: int
    ends_at: datetime
    aspects = frozenset({Aspect.STEP, Aspect.COUNTDOWN})

    def apply(self, state: LiveState) -> None:
        _close_visit(state, self.at)
        state.step_index = self.index
        state.countdown = Countdown(ends_at=self.ends_at)
        state.visits.append(StepVisit(index=self.index, started_at=self.at))


@dataclass(frozen=True)
class CountdownPaused(LiveEvent):
    aspects = frozenset({Aspect.COUNTDOWN})

    def apply(self, state: LiveState) -> None:
        assert state.countdown is not None
        state.countdown = state.countdown.pause(self.at)


@dataclass(frozen=True)
class CountdownResumed(LiveEvent):
    aspects = frozenset({Aspect.COUNTDOWN})

    def apply(self, state: LiveState) -> None:
        assert state.countdown is not None
        state.countdown = state.countdown.resume(self.at)


@dataclass(frozen=True)
class CountdownExtended(LiveEvent):
    minutes: int
    aspects = frozenset({Aspect.COUNTDOWN})

    def apply(self, state: LiveState) -> None:
        assert state.countdown is not None
        state.countdown = state.countdown.extend(timedelta(minutes=self.minutes))


@dataclass(frozen=True)
class WorkshopEnded(LiveEvent):
    aspects = frozenset({Aspect.PHASE, Aspect.COUNTDOWN, Aspect.FLOOR, Aspect.HANDS, Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        _end_floor(state, self.at)
        _close_visit(state, self.at)
        for person in state.people.values():
            person.hand_raised_at = None
        state.phase, state.ended_at, state.countdown = RunPhase.ENDED, self.at, None
        state.rooms_open = False
        state.calls.clear()


# ------------------------------------------------------------------ people

@dataclass(frozen=True)
class ParticipantJoined(LiveEvent):
    participant_id: int
    name: str
    aspects = frozenset({Aspect.PEOPLE})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id] = Person(id=self.participant_id, name=self.name, joined_at=self.at)


@dataclass(frozen=True)
class ParticipantArrived(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].present = True


@dataclass(frozen=True)
class ParticipantLeft(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE, Aspect.HANDS, Aspect.FLOOR})

    def apply(self, state: LiveState) -> None:
        person = state.people[self.participant_id]
        person.present, person.hand_raised_at = False, None
        if state.floor_holder == person.id:
            _end_floor(state, self.at)


@dataclass(frozen=True)
class ParticipantRemoved(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE, Aspect.HANDS, Aspect.FLOOR, Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        person = state.people[self.participant_id]
        person.removed, person.present, person.hand_raised_at = True, False, None
        if state.floor_holder == person.id:
            _end_floor(state, self.at)
        state.open_microphones.discard(person.id)


@dataclass(frozen=True)
class ArrivalAnswered(LiveEvent):
    participant_id: int
    text: str
    aspects = frozenset({Aspect.ANSWERS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].arrival_answer = self.text


@dataclass(frozen=True)
class PresenceChanged(LiveEvent):
    """Someone's connection came or went: only announced, never stored (it is not history)."""

    participant_id: int
    aspects = frozenset({Aspect.PEOPLE})
    persisted = False


# ------------------------------------------------------------------ hands and floor

@dataclass(frozen=True)
class HandRaised(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].hand_raised_at = self.at


@dataclass(frozen=True)
class HandLowered(LiveEvent):
    participant_id: int
    by_moderator: bool = False
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].hand_raised_at = None


@dataclass(frozen=True)
class AllHandsLowered(LiveEvent):
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        for person in state.people.values():
            person.hand_raised_at = None


@dataclass(frozen=True)
class FloorGiven(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.FLOOR, Aspect.HANDS, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        _end_floor(state, self.at)
        person = state.people[self.participant_id]
        person.hand_raised_at = None
        person.turns += 1
        state.floor_holder, state.floor_since = person.id, self.at
        state.open_microphones.add(person.id)  # given the floor, their microphone goes live


@dataclass(frozen=True)
class FloorTakenBack(LiveEvent):
    aspects = frozenset({Aspect.FLOOR, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        _end_floor(state, self.at)


# ------------------------------------------------------------------ rooms

@dataclass(frozen=True)
class RoomChosen(LiveEvent):
    participant_id: int
    room_id: int
    aspects = frozenset({Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].room_id = self.room_id


@dataclass(frozen=True)
class ParticipantMoved(LiveEvent):
    participant_id: int
    room_id: int
    aspects = frozenset({Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].room_id = self.room_id


@dataclass(frozen=True)
class RoomsOpened(LiveEvent):
    assignments: tuple[tuple[int, int], ...]  # (participant id, room id) for everyone present
    aspects = frozenset({Aspect.ROOMS, Aspect.FLOOR, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        for participant_id, room_id in self.assignments:
            state.people[participant_id].room_id = room_id
        _end_floor(state, self.at)
        state.rooms_open = True
        state.open_microphones.update(participant_id for participant_id, _room in self.assignments)  # a conversation


class ClosingReason(StrEnum):
    MODERATOR = "moderator"
    TIME_UP = "time_up"
    STEP_CHANGED = "step_changed"


@dataclass(frozen=True)
class RoomsClosed(LiveEvent):
    reason: ClosingReason = ClosingReason.MODERATOR
    aspects = frozenset({Aspect.ROOMS, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.rooms_open = False
        state.calls.clear()
        state.open_microphones.clear()  # back in the plenary, nobody is live by surprise


@dataclass(frozen=True)
class ModeratorCalled(LiveEvent):
    room_id: int
    participant_id: int
    aspects = frozenset({Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        state.calls[self.room_id] = RoomCall(room_id=self.room_id, participant_id=self.participant_id, at=self.at)


@dataclass(frozen=True)
class CallAnswered(LiveEvent):
    room_id: int
    aspects = frozenset({Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        state.calls.pop(self.room_id, None)


# ------------------------------------------------------------------ messages

@dataclass(frozen=True)
class MessageBroadcast(LiveEvent):
    notice_id: int
    text: str
    audience: NoticeAudience
    aspects = frozenset({Aspect.NOTICES})

    def apply(self, state: LiveState) -> None:
        state.notices.append(Notice(id=self.notice_id, text=self.text, audience=self.audience, at=self.at))


# ------------------------------------------------------------------ announced only

@dataclass(frozen=True)
class PlanChanged(LiveEvent):
    """The organiser edited the agenda or the rooms while the run was in memory."""

    aspects = frozenset({Aspect.STEP, Aspect.ROOMS})
    persisted = False


@dataclass(frozen=True)
class RunReset(LiveEvent):
    """A rehearsal was thrown away: its pages go back to the start."""

    aspects = frozenset({Aspect.PHASE})
    persisted = False


# ------------------------------------------------------------------ microphones and screens

@dataclass(frozen=True)
class MicrophoneMuted(LiveEvent):
    participant_id: int
    by_moderator: bool = False
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.open_microphones.discard(self.participant_id)


@dataclass(frozen=True)
class MicrophoneUnmuted(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.open_microphones.add(self.participant_id)


@dataclass(frozen=True)
class EveryoneMuted(LiveEvent):
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.open_microphones.clear()


@dataclass(frozen=True)
class UnmutingAllowed(LiveEvent):
    """The moderators let participants open their microphone in the plenary (each still has to), or stop."""

    allowed: bool
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.unmuting_allowed = self.allowed
        if not self.allowed:  # the plenary's open microphones close; the floor and the rooms keep theirs
            state.open_microphones = {person for person in state.open_microphones
                                      if person == state.floor_holder or state.room_of(person) is not None}


@dataclass(frozen=True)
class ScreenSharingAllowed(LiveEvent):
    """Whether whoever has the floor may show their screen."""

    allowed: bool
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.floor_may_share_screen = self.allowed


# ------------------------------------------------------------------ storage form

EVENT_TYPES: dict[str, type[LiveEvent]] = {
    cls.__name__: cls
    for cls in (DoorsOpened, WorkshopStarted, StepStarted, CountdownPaused, CountdownResumed, CountdownExtended,
                WorkshopEnded, ParticipantJoined, ParticipantArrived, ParticipantLeft, ParticipantRemoved,
                ArrivalAnswered, HandRaised, HandLowered, AllHandsLowered, FloorGiven, FloorTakenBack, RoomChosen,
                ParticipantMoved, RoomsOpened, RoomsClosed, ModeratorCalled, CallAnswered, MessageBroadcast,
                MicrophoneMuted, MicrophoneUnmuted, EveryoneMuted, UnmutingAllowed, ScreenSharingAllowed)
}


def to_record(event: LiveEvent) -> tuple[str, dict[str, Any]]:
    """The event's kind and its fields as JSON-ready data (the instant is stored apart)."""
    data = {}
    for item in dataclasses.fields(event):
        if item.name == "at":
            continue
        value = getattr(event, item.name)
        data[item.name] = value.isoformat() if isinstance(value, datetime) else value
    return type(event).__name__, data


def from_record(kind: str, at: datetime, data: dict[str, Any]) -> LiveEvent:
    cls = EVENT_TYPES[kind]
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name == "at" or item.name not in data:
            continue
        value = data[item.name]
        if item.type in ("datetime", datetime):
            value = datetime.fromisoformat(value)
        elif item.name == "assignments":
            value = tuple((int(pid), int(room)) for pid, room in value)
        elif item.name == "audience":
            value = NoticeAudience(value)
        elif item.name == "reason":
            value = ClosingReason(value)
        values[item.name] = value
    return cls(at=at, **values)


def replay(events: list[LiveEvent]) -> LiveState:
    state = LiveState()
    for event in events:
        event.apply(state)
    return state


# ------------------------------------------------------------------ announcing

E = TypeVar("E")


class EventStream(Generic[E]):
    """A tiny synchronous publish/subscribe: listeners must return quickly."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[E], None]] = []

    def subscribe(self, listener: Callable[[E], None]) -> Callable[[], None]:
        """Add a listener; call the returned function to remove it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, event: E) -> None:
        for listener in list(self._listeners):
            listener(event)

    @property
    def listener_count(self) -> int:
        return len(self._listeners)
