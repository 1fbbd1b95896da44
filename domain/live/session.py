"""A live run held in memory: the single writer of its state.

Every command is checked against the current state under one lock, stored as events in
one transaction, applied to the state, and only then announced. Two moderators clicking
"next step" together therefore move the workshop one step, not two.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from tortoise.transactions import in_transaction

from domain.accounts import check_email
from domain.clock import Clock
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.live import rooms as room_assignment
from domain.live.events import (
    AllHandsLowered,
    ArrivalAnswered,
    CallAnswered,
    ClosingReason,
    CountdownExtended,
    CountdownPaused,
    CountdownResumed,
    DoorsOpened,
    EventStream,
    EveryoneMuted,
    FloorGiven,
    FloorTakenBack,
    HandLowered,
    HandRaised,
    LiveEvent,
    MessageBroadcast,
    MicrophoneMuted,
    MicrophoneUnmuted,
    ModeratorCalled,
    ParticipantArrived,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantMoved,
    ParticipantRemoved,
    PresenceChanged,
    RoomChosen,
    RoomsClosed,
    RoomsOpened,
    RunReset,
    ScreenSharingAllowed,
    StepStarted,
    UnmutingAllowed,
    WorkshopEnded,
    WorkshopStarted,
    replay,
    to_record,
)
from domain.live.state import Countdown, LiveState, NoticeAudience, Person
from domain.models import LiveRun, Participant, RoomAssignment, RunEvent, RunPhase, Step, StepKind
from domain.planning import WorkshopPlan

MAX_NAME = 80
MAX_ANSWER = 500
MAX_MESSAGE = 500
MAX_EXTENSION_MINUTES = 60


class Presence(StrEnum):
    ONLINE = "online"
    RECONNECTING = "reconnecting"
    GONE = "gone"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LiveSession:
    def __init__(self, run: LiveRun, plan: WorkshopPlan, history: Sequence[LiveEvent], tokens: dict[int, str],
                 clock: Clock) -> None:
        self.run = run
        self.plan = plan
        self.clock = clock
        self.state: LiveState = replay(list(history))
        self.events: EventStream[LiveEvent] = EventStream()
        self._sequence = len(history)
        self._people_by_token = {digest: participant_id for participant_id, digest in tokens.items()}
        self._lock = asyncio.Lock()
        # Runtime only: which browser pages each participant has, and whether each is connected.
        self._pages: dict[int, dict[str, bool]] = {}
        self._rng = random.Random()

    # ------------------------------------------------------------ reading

    @property
    def steps(self) -> list[Step]:
        return self.plan.steps

    @property
    def current_step(self) -> Step | None:
        index = self.state.step_index
        return self.steps[index] if 0 <= index < len(self.steps) else None

    @property
    def next_step_after(self) -> Step | None:
        index = self.state.step_index + 1
        return self.steps[index] if 0 <= index < len(self.steps) else None

    def presence(self, participant_id: int) -> Presence:
        pages = self._pages.get(participant_id, {})
        if any(pages.values()):
            return Presence.ONLINE
        return Presence.RECONNECTING if pages else Presence.GONE

    def person_for_token(self, token: str | None) -> Person | None:
        """Who holds this token (removed people included), or None for a token of no one."""
        participant_id = self._people_by_token.get(token_hash(token)) if token else None
        return self.state.people.get(participant_id) if participant_id is not None else None

    # ------------------------------------------------------------ storing and announcing

    async def _commit(self, *events: LiveEvent) -> None:
        """Store, apply, announce: in that order, so nothing announced is ever lost."""
        stored = [event for event in events if event.persisted]
        if stored:
            async with in_transaction():
                for event in stored:
                    kind, data = to_record(event)
                    self._sequence += 1
                    await RunEvent.create(run_id=self.run.id, sequence=self._sequence, at=event.at, kind=kind,
                                          data=data)
                phase_before = self.state.phase
                for event in events:
                    event.apply(self.state)
                if self.state.phase != phase_before:
                    self.run.phase = self.state.phase
                    await self.run.save(update_fields=["phase"])
        else:
            for event in events:
                event.apply(self.state)
        for event in events:
            self.events.publish(event)

    def _person(self, participant_id: int) -> Person:
        person = self.state.people.get(participant_id)
        if person is None or person.removed:
            raise NotFound(N_("This participant is no longer in the session."))
        return person

    def _require_under_way(self) -> None:
        if not self.state.under_way:
            raise NotAllowed(N_("The workshop has not opened yet.") if self.state.phase == RunPhase.BACKSTAGE
                             else N_("The workshop has ended."))

    # ------------------------------------------------------------ joining and presence

    async def join(self, name: str, *, email: str | None = None, arrival_answer: str = "") -> tuple[Person, str]:
        """A new participant; returns them and the token their browser keeps to come back."""
        name = " ".join(name.split())
        if not name:
            raise InvalidValue(N_("Tell the others how to call you."), field="name")
        if len(name) > MAX_NAME:
            raise InvalidValue(N_("At most {count} characters."), field="name", count=MAX_NAME)
        email = check_email(email or "") if self.plan.workshop.ask_email else None
        answer = arrival_answer.strip()[:MAX_ANSWER]
        async with self._lock:
            if not self.state.accepting_people:
                raise NotAllowed(N_("The workshop has ended."))
            token = secrets.token_urlsafe(24)
            participant = await Participant.create(run_id=self.run.id, display_name=name, email=email,
                                                   token_hash=token_hash(token))
            self._people_by_token[participant.token_hash] = participant.id
            now = self.clock.now()
            events: list[LiveEvent] = [ParticipantJoined(at=now, participant_id=participant.id, name=name)]
            if answer:
                events.append(ArrivalAnswered(at=now, participant_id=participant.id, text=answer))
            await self._commit(*events)
            return self.state.people[participant.id], token

    async def page_connected(self, participant_id: int, page_id: str) -> None:
        async with self._lock:
            person = self.state.people.get(participant_id)
            if person is None or person.removed:
                return
            before = self.presence(participant_id)
            self._pages.setdefault(participant_id, {})[page_id] = True
            if not person.present:
                await self._commit(ParticipantArrived(at=self.clock.now(), participant_id=participant_id))
            elif before != Presence.ONLINE:
                await self._commit(PresenceChanged(at=self.clock.now(), participant_id=participant_id))

    async def page_disconnected(self, participant_id: int, page_id: str) -> None:
        """The page's connection dropped; it may come back (reconnecting)."""
        async with self._lock:
            pages = self._pages.get(participant_id)
            if pages is None or page_id not in pages:
                return
            before = self.presence(participant_id)
            pages[page_id] = False
            if self.presence(participant_id) != before:
                await self._commit(PresenceChanged(at=self.clock.now(), participant_id=participant_id))

    async def page_closed(self, participant_id: int, page_id: str) -> None:
        """The page is gone for good; with no page left, the participant has left."""
        async with self._lock:
            pages = self._pages.get(participant_id)
            if pages is None:
                return
            pages.pop(page_id, None)
            if pages:
                return
            del self._pages[participant_id]
            person = self.state.people.get(participant_id)
            if person is not None and person.present:
                await self._commit(ParticipantLeft(at=self.clock.now(), participant_id=participant_id))

    async def answer_arrival_question(self, participant_id: int, text: str) -> None:
        async with self._lock:
            self._person(participant_id)
            await self._commit(ArrivalAnswered(at=self.clock.now(), participant_id=participant_id,
                                               text=text.strip()[:MAX_ANSWER]))

    async def remove(self, participant_id: int) -> None:
        async with self._lock:
            self._person(participant_id)
            self._pages.pop(participant_id, None)
            await self._commit(ParticipantRemoved(at=self.clock.now(), participant_id=participant_id))

    # ------------------------------------------------------------ phase and steps

    async def open_doors(self) -> None:
        async with self._lock:
            if self.state.phase != RunPhase.BACKSTAGE:
                raise NotAllowed(N_("The doors are already open."))
            await self._commit(DoorsOpened(at=self.clock.now()))

    async def start(self) -> None:
        async with self._lock:
            if self.state.phase in (RunPhase.RUNNING, RunPhase.ENDED):
                raise NotAllowed(N_("The workshop has already started."))
            if not self.steps:
                raise NotAllowed(N_("The agenda has no step to start with."))
            now = self.clock.now()
            await self._commit(WorkshopStarted(at=now), self._step_started(0))

    def _step_started(self, index: int) -> StepStarted:
        now = self.clock.now()
        return StepStarted(at=now, index=index, ends_at=now + timedelta(minutes=self.steps[index].minutes))

    def _check_current(self, expected_index: int) -> None:
        if self.state.phase != RunPhase.RUNNING:
            raise NotAllowed(N_("The workshop is not running."))
        if expected_index != self.state.step_index:
            raise NotAllowed(N_("Another moderator changed the step just before you: check the current step."))

    async def _go_to(self, index: int) -> None:
        events: list[LiveEvent] = []
        if self.state.rooms_open:
            events.append(RoomsClosed(at=self.clock.now(), reason=ClosingReason.STEP_CHANGED))
        events.append(self._step_started(index))
        await self._commit(*events)

    async def next_step(self, expected_index: int) -> None:
        async with self._lock:
            self._check_current(expected_index)
            if self.state.step_index + 1 >= len(self.steps):
                raise NotAllowed(N_("This is the last step: end the workshop instead."))
            await self._go_to(self.state.step_index + 1)

    async def previous_step(self, expected_index: int) -> None:
        async with self._lock:
            self._check_current(expected_index)
            if self.state.step_index == 0:
                raise NotAllowed(N_("This is the first step."))
            await self._go_to(self.state.step_index - 1)

    async def jump_to(self, index: int, expected_index: int) -> None:
        async with self._lock:
            self._check_current(expected_index)
            if not 0 <= index < len(self.steps):
                raise NotAllowed(N_("There is no such step."))
            await self._go_to(index)

    async def end(self) -> None:
        async with self._lock:
            if self.state.phase == RunPhase.ENDED:
                raise NotAllowed(N_("The workshop has ended."))
            await self._commit(WorkshopEnded(at=self.clock.now()))

    # ------------------------------------------------------------ countdown

    def _countdown(self) -> Countdown:
        if self.state.phase != RunPhase.RUNNING or self.state.countdown is None:
            raise NotAllowed(N_("No step is running."))
        return self.state.countdown

    async def pause(self) -> None:
        async with self._lock:
            if self._countdown().paused:
                raise NotAllowed(N_("The countdown is already paused."))
            await self._commit(CountdownPaused(at=self.clock.now()))

    async def resume(self) -> None:
        async with self._lock:
            if not self._countdown().paused:
                raise NotAllowed(N_("The countdown is not paused."))
            await self._commit(CountdownResumed(at=self.clock.now()))

    async def extend(self, minutes: int) -> None:
        async with self._lock:
            self._countdown()
            if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
                raise InvalidValue(N_("Enter a number between {low} and {high}."), field="minutes", low=1,
                                   high=MAX_EXTENSION_MINUTES)
            await self._commit(CountdownExtended(at=self.clock.now(), minutes=minutes))

    # ------------------------------------------------------------ hands and floor

    async def raise_hand(self, participant_id: int) -> None:
        async with self._lock:
            self._require_under_way()
            person = self._person(participant_id)
            if self.state.floor_holder == participant_id:
                raise NotAllowed(N_("You have the floor already."))
            if person.hand_raised_at is not None:
                raise NotAllowed(N_("Your hand is already raised."))
            await self._commit(HandRaised(at=self.clock.now(), participant_id=participant_id))

    async def lower_hand(self, participant_id: int, *, by_moderator: bool = False) -> None:
        async with self._lock:
            if self._person(participant_id).hand_raised_at is None:
                raise NotAllowed(N_("This hand is not raised."))
            await self._commit(HandLowered(at=self.clock.now(), participant_id=participant_id,
                                           by_moderator=by_moderator))

    async def lower_all_hands(self) -> None:
        async with self._lock:
            if self.state.hand_queue():
                await self._commit(AllHandsLowered(at=self.clock.now()))

    async def give_floor(self, participant_id: int) -> None:
        async with self._lock:
            self._require_under_way()
            self._person(participant_id)
            if self.state.floor_holder == participant_id:
                raise NotAllowed(N_("This person has the floor already."))
            await self._commit(FloorGiven(at=self.clock.now(), participant_id=participant_id))

    async def take_floor_back(self) -> None:
        async with self._lock:
            if self.state.floor_holder is None:
                raise NotAllowed(N_("Nobody has the floor."))
            await self._commit(FloorTakenBack(at=self.clock.now()))

    # ------------------------------------------------------------ microphones and screens

    async def set_microphone(self, participant_id: int, *, on: bool) -> None:
        """A participant opens or closes their own microphone."""
        async with self._lock:
            self._require_under_way()
            self._person(participant_id)
            is_open = participant_id in self.state.open_microphones
            if on and not self.state.may_unmute(participant_id):
                raise NotAllowed(N_("The moderators have not opened the microphones: raise your hand to speak."))
            if on and not is_open:
                await self._commit(MicrophoneUnmuted(at=self.clock.now(), participant_id=participant_id))
            elif not on and is_open:
                await self._commit(MicrophoneMuted(at=self.clock.now(), participant_id=participant_id))

    async def mute(self, participant_id: int) -> None:
        """A moderator closes someone's microphone; they may open it again where they are allowed to speak."""
        async with self._lock:
            self._require_under_way()
            self._person(participant_id)
            if not self.state.heard(participant_id):
                raise NotAllowed(N_("This microphone is already off."))
            await self._commit(MicrophoneMuted(at=self.clock.now(), participant_id=participant_id, by_moderator=True))

    async def mute_everyone(self) -> None:
        async with self._lock:
            self._require_under_way()
            if any(self.state.heard(p.id) for p in self.state.active_people()):
                await self._commit(EveryoneMuted(at=self.clock.now()))

    async def allow_unmuting(self, allowed: bool) -> None:
        """Let participants open their microphone in the plenary (each still has to), or close them all."""
        async with self._lock:
            if self.state.unmuting_allowed != allowed:
                await self._commit(UnmutingAllowed(at=self.clock.now(), allowed=allowed))

    async def allow_floor_screen_sharing(self, allowed: bool) -> None:
        async with self._lock:
            if self.state.floor_may_share_screen != allowed:
                await self._commit(ScreenSharingAllowed(at=self.clock.now(), allowed=allowed))

    # ------------------------------------------------------------ rooms

    def _breakout_room_ids(self) -> set[int]:
        return {room.id for room in self.plan.breakout_rooms}

    async def choose_room(self, participant_id: int, room_id: int) -> None:
        async with self._lock:
            self._person(participant_id)
            if self.plan.workshop.room_assignment != RoomAssignment.PARTICIPANTS_CHOOSE:
                raise NotAllowed(N_("The moderators assign the rooms in this workshop."))
            if self.state.rooms_open:
                raise NotAllowed(N_("The rooms are open: ask a moderator to move you."))
            if room_id not in self._breakout_room_ids():
                raise NotFound(N_("There is no such room."))
            room = next(r for r in self.plan.breakout_rooms if r.id == room_id)
            taken = [p for p in self.state.members(room_id) if p.id != participant_id]
            if room.capacity is not None and len(taken) >= room.capacity:
                raise NotAllowed(N_("This room is full: choose another one."))
            await self._commit(RoomChosen(at=self.clock.now(), participant_id=participant_id, room_id=room_id))

    async def move(self, participant_id: int, room_id: int) -> None:
        async with self._lock:
            self._person(participant_id)
            if room_id not in self._breakout_room_ids():
                raise NotFound(N_("There is no such room."))
            await self._commit(ParticipantMoved(at=self.clock.now(), participant_id=participant_id, room_id=room_id))

    async def open_rooms(self, *, keep_groups: bool = False) -> None:
        async with self._lock:
            step = self.current_step
            if self.state.phase != RunPhase.RUNNING or step is None or step.kind != StepKind.BREAKOUT:
                raise NotAllowed(N_("Rooms open during a breakout step."))
            if self.state.rooms_open:
                raise NotAllowed(N_("The rooms are already open."))
            if not self.plan.breakout_rooms:
                raise NotAllowed(N_("This workshop has no breakout room."))
            here = [p for p in self.state.active_people() if p.present]
            if not here:
                raise NotAllowed(N_("Nobody is here to go to the rooms."))
            assignments = room_assignment.assign(here, self.plan.breakout_rooms, self.plan.workshop.room_assignment,
                                                 keep_groups=keep_groups, rng=self._rng)
            await self._commit(RoomsOpened(at=self.clock.now(), assignments=tuple(assignments)))

    async def close_rooms(self, reason: ClosingReason = ClosingReason.MODERATOR) -> None:
        async with self._lock:
            if not self.state.rooms_open:
                raise NotAllowed(N_("The rooms are not open."))
            await self._commit(RoomsClosed(at=self.clock.now(), reason=reason))

    async def call_moderator(self, participant_id: int) -> None:
        async with self._lock:
            room_id = self.state.room_of(self._person(participant_id).id)
            if room_id is None:
                raise NotAllowed(N_("You can call a moderator from a breakout room."))
            await self._commit(ModeratorCalled(at=self.clock.now(), room_id=room_id, participant_id=participant_id))

    async def answer_call(self, room_id: int) -> None:
        async with self._lock:
            if room_id in self.state.calls:
                await self._commit(CallAnswered(at=self.clock.now(), room_id=room_id))

    # ------------------------------------------------------------ messages

    async def broadcast(self, text: str, audience: NoticeAudience = NoticeAudience.EVERYONE) -> None:
        text = text.strip()
        if not text:
            raise InvalidValue(N_("Write the message first."), field="message")
        if len(text) > MAX_MESSAGE:
            raise InvalidValue(N_("At most {count} characters."), field="message", count=MAX_MESSAGE)
        async with self._lock:
            self._require_under_way()
            if audience == NoticeAudience.ROOMS and not self.state.rooms_open:
                raise NotAllowed(N_("The rooms are not open."))
            await self._commit(MessageBroadcast(at=self.clock.now(), notice_id=len(self.state.notices) + 1,
                                                text=text, audience=audience))

    async def close_for_reset(self) -> None:
        async with self._lock:
            await self._commit(RunReset(at=self.clock.now()))

    # ------------------------------------------------------------ time

    async def on_time(self) -> None:
        """What the clock alone changes: breakout rooms close when their countdown reaches zero."""
        countdown = self.state.countdown
        if not self.state.rooms_open or countdown is None or countdown.paused:
            return
        if countdown.remaining(self.clock.now()) <= timedelta(0):
            async with self._lock:
                if self.state.rooms_open:
                    await self._commit(RoomsClosed(at=self.clock.now(), reason=ClosingReason.TIME_UP))
