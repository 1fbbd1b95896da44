"""What happens in a live run, as events: each is stored, then applied to the state, then announced.

Replaying a run's stored events in order rebuilds its state exactly, which is how a restart
resumes a workshop where it was. Every event type registers itself when its class is made
(`kind`, `version`), and is stored as JSON decoded back from its declared field types, so
there is no list to keep by hand. Events refer to steps, rooms and people by id; a person's
name or answer is a `personal` field, kept in their participant row and not in the log, so
that it can be erased without rewriting history. An older version of an event is brought up
to date by its class's `upcast` when it is read.

`aspects` say what an event changes (for pages to redraw), `reaches` which pages must hear of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import TypeAdapter, ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient

from domain.live.state import (
    Countdown,
    LiveState,
    Member,
    MemberKind,
    Notice,
    NoticeAudience,
    Person,
    RoomCall,
    StepVisit,
)
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
    CAMERAS = "cameras"
    PLAN = "plan"
    ACTIVITIES = "activities"  # what the step's activity shows (domain/activities)


@dataclass(frozen=True)
class Audience:
    """The participants' pages that must hear of a change; the moderators' boards hear of every change."""

    everyone: bool = False
    participants: frozenset[int] = frozenset()
    rooms: frozenset[int] = frozenset()  # every page in these breakout rooms, staff visiting them included

    def __or__(self, other: Audience) -> Audience:
        if self.everyone or other.everyone:
            return EVERYONE
        return Audience(participants=self.participants | other.participants, rooms=self.rooms | other.rooms)

    def includes(self, participant_id: int | None, room_id: int | None) -> bool:
        return self.everyone or participant_id in self.participants or room_id in self.rooms


EVERYONE = Audience(everyone=True)
NOBODY = Audience()


def person_and_room(state: LiveState, participant_id: int) -> Audience:
    """This participant's pages, and the breakout room they are in (its tiles show them)."""
    room_id = state.room_of(participant_id)
    return Audience(participants=frozenset({participant_id}),
                    rooms=frozenset({room_id}) if room_id is not None else frozenset())


# ------------------------------------------------------------------ the base and its registry

PERSONAL = "atelier.personal"


def personal(column: str) -> Any:
    """A field kept in the participant's row (`column`), never in the stored event: it can be erased."""
    return dataclasses.field(default="", metadata={PERSONAL: column})


class DecodingContext(Protocol):
    """What reading an old event may need beside its own data."""

    def step_id_at(self, position: int) -> int:
        """The id of the agenda's step at this position (events of version 1 named steps by position)."""
        ...

    def personal(self, participant_id: int, column: str) -> str:
        """A participant's personal value (a name, an answer), or a stand-in once erased."""
        ...


class UnreadableEvent(ValueError):
    """A stored event that cannot be decoded: unknown kind, newer version, or data that does not fit."""


_TYPES: dict[str, type[LiveEvent]] = {}


@dataclass(frozen=True)
class LiveEvent:
    at: datetime
    kind: ClassVar[str] = ""
    version: ClassVar[int] = 1
    aspects: ClassVar[frozenset[Aspect]] = frozenset()
    persisted: ClassVar[bool] = True

    def __init_subclass__(cls, *, kind: str | None = None, version: int = 1, persisted: bool = True,
                          **options: Any) -> None:
        """Register the type under `kind` (its class name unless given: it is stored, so keep it when renaming)."""
        super().__init_subclass__(**options)
        cls.kind, cls.version, cls.persisted = kind or cls.__name__, version, persisted
        if persisted:
            if cls.kind in _TYPES:
                raise TypeError(f"two live event types are called {cls.kind}")
            _TYPES[cls.kind] = cls

    def apply(self, state: LiveState) -> None:
        """Change `state` as this event says; never refuses (commands checked before)."""

    def reaches(self, state: LiveState) -> Audience:
        """Whose pages must hear of this event, given the state before it applies."""
        return EVERYONE

    writes_beside: ClassVar[bool] = False

    async def store_beside(self, run_id: int, connection: BaseDBAsyncClient) -> None:
        """Write what this event keeps outside the log, in the transaction that stores it (`writes_beside`)."""

    @classmethod
    def upcast(cls, data: dict[str, Any], version: int, context: DecodingContext) -> dict[str, Any]:
        """Data stored by an older version of this event, as the current version reads it."""
        return data


def registered_types() -> Mapping[str, type[LiveEvent]]:
    """Every event type that is stored, by kind."""
    return dict(_TYPES)


_ADAPTERS: dict[type[LiveEvent], TypeAdapter[Any]] = {}


def _adapter(cls: type[LiveEvent]) -> TypeAdapter[Any]:
    """Pydantic's reader and writer of this event type's fields, made on first use."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _personal_fields(cls: type[LiveEvent]) -> dict[str, str]:
    return {item.name: item.metadata[PERSONAL] for item in dataclasses.fields(cls) if PERSONAL in item.metadata}


def encode(event: LiveEvent) -> tuple[str, int, dict[str, Any]]:
    """The event's kind, version and fields as JSON-ready data; the instant and personal data are stored apart."""
    cls = type(event)
    data: dict[str, Any] = _adapter(cls).dump_python(event, mode="json",
                                                     exclude={"at", *_personal_fields(cls)})
    return cls.kind, cls.version, data


def decode(kind: str, version: int, at: datetime, data: Mapping[str, Any], context: DecodingContext) -> LiveEvent:
    cls = _TYPES.get(kind)
    if cls is None:
        raise UnreadableEvent(f"unknown event kind {kind!r}")
    if version > cls.version:
        raise UnreadableEvent(f"{kind} version {version} is newer than this Atelier reads ({cls.version})")
    try:
        values = cls.upcast(dict(data), version, context) if version < cls.version else dict(data)
        for name, column in _personal_fields(cls).items():
            values[name] = context.personal(int(values["participant_id"]), column)
        return _adapter(cls).validate_python({**values, "at": at})  # type: ignore[no-any-return]
    except (ValidationError, KeyError, TypeError, ValueError, IndexError) as problem:
        raise UnreadableEvent(f"{kind} version {version}: {problem}") from problem


def replay(events: Iterable[LiveEvent]) -> LiveState:
    state = LiveState()
    for event in events:
        event.apply(state)
    return state


# ------------------------------------------------------------------ shared rules

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


def _participant_only(participant_id: int) -> Audience:
    return Audience(participants=frozenset({participant_id}))


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
class StepStarted(LiveEvent, version=2):
    step_id: int
    ends_at: datetime
    aspects = frozenset({Aspect.STEP, Aspect.COUNTDOWN})

    def apply(self, state: LiveState) -> None:
        _close_visit(state, self.at)
        state.step_id = self.step_id
        state.countdown = Countdown(ends_at=self.ends_at)
        state.visits.append(StepVisit(step_id=self.step_id, started_at=self.at))

    @classmethod
    def upcast(cls, data: dict[str, Any], version: int, context: DecodingContext) -> dict[str, Any]:
        # Version 1 named the step by its position in the agenda, which an edit changes: read it as the
        # step now at that position, the closest the old record allows.
        return {"step_id": context.step_id_at(int(data["index"])), "ends_at": data["ends_at"]}


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
    aspects = frozenset({Aspect.PHASE, Aspect.COUNTDOWN, Aspect.FLOOR, Aspect.HANDS, Aspect.ROOMS,
                         Aspect.MICROPHONES})

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
class ParticipantJoined(LiveEvent, version=2):
    participant_id: int
    name: str = personal("display_name")
    aspects = frozenset({Aspect.PEOPLE})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id] = Person(id=self.participant_id, name=self.name, joined_at=self.at)

    def reaches(self, state: LiveState) -> Audience:
        return _participant_only(self.participant_id)

    @classmethod
    def upcast(cls, data: dict[str, Any], version: int, context: DecodingContext) -> dict[str, Any]:
        return {"participant_id": data["participant_id"]}  # version 1 kept the name in the log too


@dataclass(frozen=True)
class ParticipantArrived(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].present = True

    def reaches(self, state: LiveState) -> Audience:
        return person_and_room(state, self.participant_id)


@dataclass(frozen=True)
class ParticipantLeft(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE, Aspect.HANDS, Aspect.FLOOR})

    def apply(self, state: LiveState) -> None:
        person = state.people[self.participant_id]
        person.present, person.hand_raised_at = False, None
        if state.floor_holder == person.id:
            _end_floor(state, self.at)

    def reaches(self, state: LiveState) -> Audience:
        return EVERYONE if state.floor_holder == self.participant_id else person_and_room(state, self.participant_id)


@dataclass(frozen=True)
class ParticipantRemoved(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.PEOPLE, Aspect.HANDS, Aspect.FLOOR, Aspect.ROOMS, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        person = state.people[self.participant_id]
        person.removed, person.present, person.hand_raised_at = True, False, None
        if state.floor_holder == person.id:
            _end_floor(state, self.at)
        state.open_microphones.discard(person.id)

    def reaches(self, state: LiveState) -> Audience:
        # Their room's tiles and the choosers' counts change: everyone, as for a room chosen.
        return EVERYONE


@dataclass(frozen=True)
class ArrivalAnswered(LiveEvent, version=2):
    participant_id: int
    text: str = personal("arrival_answer")
    aspects = frozenset({Aspect.ANSWERS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].arrival_answer = self.text

    def reaches(self, state: LiveState) -> Audience:
        # Answers show on every stage during the welcome; in the lobby nobody else sees them.
        return _participant_only(self.participant_id) if state.phase == RunPhase.BACKSTAGE else EVERYONE

    @classmethod
    def upcast(cls, data: dict[str, Any], version: int, context: DecodingContext) -> dict[str, Any]:
        return {"participant_id": data["participant_id"]}  # version 1 kept the answer in the log too


@dataclass(frozen=True)
class PresenceChanged(LiveEvent, persisted=False):
    """Someone's connection came or went: only announced, never stored (it is not history)."""

    participant_id: int
    aspects = frozenset({Aspect.PEOPLE})

    def reaches(self, state: LiveState) -> Audience:
        return NOBODY  # only the moderators follow connections


# ------------------------------------------------------------------ hands and floor
# A hand's audience is its owner; the session adds everyone whose place in the queue it moves.

@dataclass(frozen=True)
class HandRaised(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].hand_raised_at = self.at

    def reaches(self, state: LiveState) -> Audience:
        return _participant_only(self.participant_id)


@dataclass(frozen=True)
class HandLowered(LiveEvent):
    participant_id: int
    by_moderator: bool = False
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].hand_raised_at = None

    def reaches(self, state: LiveState) -> Audience:
        return _participant_only(self.participant_id)


@dataclass(frozen=True)
class AllHandsLowered(LiveEvent):
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        for person in state.people.values():
            person.hand_raised_at = None

    def reaches(self, state: LiveState) -> Audience:
        return NOBODY


@dataclass(frozen=True)
class HandOrderChosen(LiveEvent):
    """The moderators order raised hands as raised, or those who spoke least first: the places people are told."""

    least_spoken_first: bool
    aspects = frozenset({Aspect.HANDS})

    def apply(self, state: LiveState) -> None:
        state.least_spoken_first = self.least_spoken_first

    def reaches(self, state: LiveState) -> Audience:
        return NOBODY


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
    aspects = frozenset({Aspect.FLOOR, Aspect.HANDS, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        _end_floor(state, self.at)


# ------------------------------------------------------------------ rooms

def _room_change(state: LiveState, participant_id: int, room_id: int) -> Audience:
    """Closed rooms: every page's room chooser counts people; open: the two rooms and the person."""
    if not state.rooms_open:
        return EVERYONE
    return person_and_room(state, participant_id) | Audience(rooms=frozenset({room_id}))


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

    def reaches(self, state: LiveState) -> Audience:
        return _room_change(state, self.participant_id, self.room_id)


@dataclass(frozen=True)
class ParticipantPlaced(LiveEvent):
    """Someone arriving while the rooms are open, or whose room was removed, joins a room's conversation."""

    participant_id: int
    room_id: int
    aspects = frozenset({Aspect.ROOMS, Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.people[self.participant_id].room_id = self.room_id
        state.open_microphones.add(self.participant_id)  # as for everyone when the rooms opened

    def reaches(self, state: LiveState) -> Audience:
        return _room_change(state, self.participant_id, self.room_id)


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
    NO_ROOM_LEFT = "no_room_left"


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

    def reaches(self, state: LiveState) -> Audience:
        return Audience(rooms=frozenset({self.room_id}))


@dataclass(frozen=True)
class CallAnswered(LiveEvent):
    room_id: int
    aspects = frozenset({Aspect.ROOMS})

    def apply(self, state: LiveState) -> None:
        state.calls.pop(self.room_id, None)

    def reaches(self, state: LiveState) -> Audience:
        return Audience(rooms=frozenset({self.room_id}))


# ------------------------------------------------------------------ messages

@dataclass(frozen=True)
class MessageBroadcast(LiveEvent):
    notice_id: int
    text: str  # the moderators' words to everyone, not a participant's data
    audience: NoticeAudience = NoticeAudience.EVERYONE
    aspects = frozenset({Aspect.NOTICES})

    def apply(self, state: LiveState) -> None:
        state.notices.append(Notice(id=self.notice_id, text=self.text, audience=self.audience, at=self.at))


# ------------------------------------------------------------------ microphones, cameras and screens

@dataclass(frozen=True)
class MicrophoneMuted(LiveEvent):
    participant_id: int
    by_moderator: bool = False
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.open_microphones.discard(self.participant_id)

    def reaches(self, state: LiveState) -> Audience:
        return _participant_only(self.participant_id)


@dataclass(frozen=True)
class MicrophoneUnmuted(LiveEvent):
    participant_id: int
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        state.open_microphones.add(self.participant_id)

    def reaches(self, state: LiveState) -> Audience:
        return _participant_only(self.participant_id)


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


def _member_audience(member: Member) -> Audience:
    return _participant_only(member.id) if member.kind == MemberKind.PARTICIPANT else NOBODY


@dataclass(frozen=True)
class CameraSwitched(LiveEvent):
    """Someone turned their camera off (the others see their name) or on again."""

    member: Member
    on: bool
    aspects = frozenset({Aspect.CAMERAS})

    def apply(self, state: LiveState) -> None:
        (state.cameras_off.discard if self.on else state.cameras_off.add)(self.member)

    def reaches(self, state: LiveState) -> Audience:
        return _member_audience(self.member)


@dataclass(frozen=True)
class SoundOnlyChosen(LiveEvent):
    """Someone chose sound alone for a weak connection (no video either way), or video again."""

    member: Member
    on: bool
    aspects = frozenset({Aspect.CAMERAS})

    def apply(self, state: LiveState) -> None:
        (state.sound_only.add if self.on else state.sound_only.discard)(self.member)

    def reaches(self, state: LiveState) -> Audience:
        return _member_audience(self.member)


@dataclass(frozen=True)
class StaffMicrophoneSwitched(LiveEvent):
    """A moderator closed or opened their own microphone (theirs is always allowed)."""

    account_id: int
    on: bool
    aspects = frozenset({Aspect.MICROPHONES})

    def apply(self, state: LiveState) -> None:
        (state.staff_muted.discard if self.on else state.staff_muted.add)(self.account_id)

    def reaches(self, state: LiveState) -> Audience:
        return NOBODY


# ------------------------------------------------------------------ announced only

@dataclass(frozen=True)
class PlanChanged(LiveEvent, persisted=False):
    """The organiser edited the workshop while the run was in memory: the session holds the new plan."""

    aspects = frozenset({Aspect.PLAN, Aspect.STEP, Aspect.ROOMS})


@dataclass(frozen=True)
class RunReset(LiveEvent, persisted=False):
    """A rehearsal was thrown away: its pages go back to the start."""

    aspects = frozenset({Aspect.PHASE})


# ------------------------------------------------------------------ a tiny synchronous stream

E = TypeVar("E")


class EventStream(Generic[E]):
    """A tiny synchronous publish/subscribe for what must happen at once (listeners must return quickly)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[E], None]] = []

    def subscribe(self, listener: Callable[[E], None]) -> Callable[[], None]:
        """Add a listener; call the returned function to remove it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, event: E) -> None:
        for listener in list(self._listeners):
            listener(event)
