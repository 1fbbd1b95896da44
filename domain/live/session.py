"""A live run held in memory: the single writer of its state.

Every command is checked against the current state under the run's lock, then its events are
stored in one transaction; only once that transaction has committed are they applied to the
state in memory and handed to the run's announcer. A write that fails therefore changes
nothing, neither in the database nor in memory, and the command is refused with a message.
Two moderators clicking "next step" together move the workshop one step, not two.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import names
from domain.accounts import check_email
from domain.activities.base import Command, Moment, due
from domain.clock import Clock
from domain.errors import DomainError, InvalidValue, NotAllowed, NotFound, NotSaved, SessionFull, TooManyAttempts
from domain.i18n import N_
from domain.limits import RateLimit, network_key
from domain.live import rooms as room_assignment
from domain.live.announcing import Announcer, Change
from domain.live.erasure import ParticipantErased, blank_rows
from domain.live.events import (
    NOBODY,
    AllHandsLowered,
    ArrivalAnswered,
    Audience,
    CallAnswered,
    CameraSwitched,
    ClosingReason,
    CountdownExtended,
    CountdownPaused,
    CountdownResumed,
    DoorsOpened,
    EveryoneMuted,
    FloorGiven,
    FloorTakenBack,
    HandLowered,
    HandOrderChosen,
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
    ParticipantPlaced,
    ParticipantRemoved,
    PlanChanged,
    PresenceChanged,
    RoomChosen,
    RoomsClosed,
    RoomsOpened,
    RunReset,
    ScreenSharingAllowed,
    SoundOnlyChosen,
    StaffMicrophoneSwitched,
    StepStarted,
    UnmutingAllowed,
    WorkshopEnded,
    WorkshopStarted,
    encode,
    replay,
)
from domain.live.hands import HandPace
from domain.live.state import Countdown, LiveState, Member, MemberKind, NoticeAudience, Person
from domain.models import (
    LiveRun,
    Participant,
    Registration,
    RegistrationMode,
    Room,
    RoomAssignment,
    RunEvent,
    RunPhase,
    Step,
    StepKind,
)
from domain.planning import WorkshopPlan

log = logging.getLogger(__name__)

MAX_ANSWER = 500
MAX_MESSAGE = 500
MAX_EXTENSION_MINUTES = 60
PHASE_AFTER: dict[type[LiveEvent], RunPhase] = {
    DoorsOpened: RunPhase.OPEN, WorkshopStarted: RunPhase.RUNNING, WorkshopEnded: RunPhase.ENDED,
}


class Presence(StrEnum):
    ONLINE = "online"
    RECONNECTING = "reconnecting"
    GONE = "gone"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LiveSession:
    def __init__(self, run: LiveRun, plan: WorkshopPlan, history: Iterable[LiveEvent], tokens: dict[int, str],
                 clock: Clock, *, browsers: dict[int, str] | None = None, joins: RateLimit | None = None) -> None:
        """`tokens` and `browsers` hold, by participant, the hashes of their token and of the browser they joined
        from; `joins` limits how many people join from one network address, across runs."""
        self.run = run
        self.clock = clock
        self.state: LiveState = replay(history)
        self.announcements = Announcer(f"run {run.id}")
        self._plan = plan
        self._people_by_token = {digest: participant_id for participant_id, digest in tokens.items()}
        self._browsers = dict(browsers or {})
        self._joins = joins
        self._hands = HandPace()
        self._lock = asyncio.Lock()
        # Runtime only: which browser pages each participant has, and whether each is connected.
        self._pages: dict[int, dict[str, bool]] = {}
        self._rng = random.Random()
        # The running step as it was, with its place, if the organiser removed it from the agenda meanwhile.
        self._removed_step: tuple[Step, int] | None = None
        self.revision = 0  # how many changes were applied: what pages derive alike is computed once per revision

    # ------------------------------------------------------------ reading

    @property
    def plan(self) -> WorkshopPlan:
        """The workshop as the session runs it; replaced as a whole when the organiser edits it."""
        return self._plan

    @property
    def steps(self) -> list[Step]:
        return self._plan.steps

    @property
    def step_index(self) -> int | None:
        """The current step's place in the agenda (None before the start, or if it was removed)."""
        return next((index for index, step in enumerate(self.steps) if step.id == self.state.step_id), None)

    @property
    def current_step(self) -> Step | None:
        index = self.step_index
        if index is not None:
            return self.steps[index]
        if self._removed_step is not None and self._removed_step[0].id == self.state.step_id:
            return self._removed_step[0]
        return None

    @property
    def at_closing(self) -> bool:
        """The workshop is at its closing: the agenda's last step runs (the thank-you, the feedback survey), or the
        run has ended."""
        if self.state.phase == RunPhase.ENDED:
            return True
        return self.state.phase == RunPhase.RUNNING and bool(self.steps) and self.step_index == len(self.steps) - 1

    @property
    def current_step_removed(self) -> bool:
        """The organiser removed the running step from the agenda: it runs on until the moderators move."""
        return self.state.step_id is not None and self.step_index is None

    def _neighbours(self) -> tuple[Step | None, Step | None]:
        """The steps before and after the current one, in the agenda as it is now."""
        steps, index = self.steps, self.step_index
        if self.state.step_id is None:
            return None, steps[0] if steps else None
        if index is None:  # removed: its followers moved up into its place
            index = self._removed_step[1] if self._removed_step is not None else 0
            return (steps[index - 1] if 0 < index <= len(steps) else None), (steps[index] if index < len(steps)
                                                                              else None)
        return (steps[index - 1] if index > 0 else None), (steps[index + 1] if index + 1 < len(steps) else None)

    @property
    def previous_step_before(self) -> Step | None:
        return self._neighbours()[0]

    @property
    def next_step_after(self) -> Step | None:
        return self._neighbours()[1]

    def room(self, room_id: int | None) -> Room | None:
        return next((room for room in self._plan.rooms if room.id == room_id), None)

    def presence(self, participant_id: int) -> Presence:
        pages = self._pages.get(participant_id, {})
        if any(pages.values()):
            return Presence.ONLINE
        return Presence.RECONNECTING if pages else Presence.GONE

    def person_for_token(self, token: str | None) -> Person | None:
        """Who holds this token (removed people included), or None for a token of no one."""
        participant_id = self._people_by_token.get(token_hash(token)) if token else None
        return self.state.people.get(participant_id) if participant_id is not None else None

    # ------------------------------------------------------------ storing, applying, announcing

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[BaseDBAsyncClient]:
        """One transaction; if the database refuses it, the command is refused and nothing has changed."""
        try:
            async with in_transaction() as connection:
                yield connection
        except DomainError:
            raise
        except Exception as problem:
            log.exception("run %s: a write failed; the command changed nothing", self.run.id)
            raise NotSaved(N_("This could not be saved, so nothing changed: try again in a moment.")) from problem

    async def _record(self, events: Sequence[LiveEvent], connection: BaseDBAsyncClient) -> None:
        """Store the events after the run's last stored one, and the run's phase if they change it."""
        stored = [event for event in events if event.persisted]
        if not stored:
            return
        last = cast(list[int], await RunEvent.filter(run_id=self.run.id).using_db(connection)
                    .order_by("-sequence").limit(1).values_list("sequence", flat=True))
        sequence = last[0] if last else 0
        rows = []
        for event in stored:
            kind, version, data = encode(event)
            sequence += 1
            rows.append(RunEvent(run_id=self.run.id, sequence=sequence, at=event.at, kind=kind, version=version,
                                 data=data))
        await RunEvent.bulk_create(rows, using_db=connection)
        phases = [PHASE_AFTER[type(event)] for event in stored if type(event) in PHASE_AFTER]
        if phases:
            await LiveRun.filter(id=self.run.id).using_db(connection).update(phase=phases[-1])

    async def _commit(self, *events: LiveEvent) -> None:
        """Store, then apply, then announce: nothing is applied that is not stored."""
        if any(event.persisted or event.writes_beside for event in events):
            async with self._writing() as connection:
                await self._record(events, connection)
                for event in events:
                    if event.writes_beside:
                        await event.store_beside(self.run.id, connection)
        self._apply(events)

    async def act(self, command: Command) -> None:
        """Run an activity's command (domain/activities) under the run's lock: it looks at the run as it is now
        and returns the events to commit, or raises a DomainError that refuses it."""
        async with self._lock:
            events = command(Moment(self.state, self._plan, self.current_step, self.clock.now()))
            if events:
                await self._commit(*events)

    def _apply(self, events: Sequence[LiveEvent]) -> None:
        """Apply committed events and announce them to the pages they concern.

        Everyone whose place in the hand queue moved hears of it too, whatever moved it.
        """
        state = self.state
        places_before = state.queue_positions()
        audience: Audience = NOBODY
        for event in events:
            audience |= event.reaches(state)
            event.apply(state)
        places_after = state.queue_positions()
        moved = {person for person in places_before.keys() | places_after.keys()
                 if places_before.get(person) != places_after.get(person)}
        if moved:
            audience |= Audience(participants=frozenset(moved))
        self.run.phase = state.phase
        self.revision += 1
        self.announcements.announce(Change(tuple(events), audience))

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

    async def join(self, name: str, *, email: str | None = None, arrival_answer: str = "",
                   browser: str | None = None, network_address: str | None = None,
                   registration_id: int | None = None) -> tuple[Person, str]:
        """A new participant; returns them and the token their browser keeps to come back.

        `browser` is what identifies the browser beyond this run's token (a removal bars it), and
        `network_address` where the request came from (a few dozen people may join from one a minute).
        `registration_id` is given for someone coming in from their registration's personal page: their
        attendance counts against it, their place was kept for them (no capacity check), and coming again
        from another browser makes them the same participant there (the earlier browser's token stops working).
        Refused: a name that could mislead (see `domain.names`), the name of someone removed, a browser
        someone was removed from, a full session (rehearsals have no capacity), too many joins from one
        address, and anyone unregistered in a workshop that takes registrations (rehearsals excepted).
        """
        name = names.participant_name(name, [member.account.display_name for member in self._plan.team])
        checked_email = check_email(email or "") if self._plan.workshop.ask_email else None
        answer = arrival_answer.strip()[:MAX_ANSWER]
        browser_digest = token_hash(browser) if browser else None
        async with self._lock:
            if not self.state.accepting_people:
                raise NotAllowed(N_("The workshop has ended."))
            self._refuse_the_removed(name, browser_digest)
            if registration_id is None:
                self._refuse_unregistered()
                self._refuse_beyond_capacity()
            else:
                earlier = await Participant.get_or_none(run_id=self.run.id, registration_id=registration_id)
                if earlier is not None:
                    return await self._come_again(earlier)
            network = network_key(network_address) if network_address is not None else None
            if network is not None and self._joins is not None:
                wait = self._joins.try_use(network)
                if wait > timedelta(0):
                    raise TooManyAttempts(N_("Many people joined from your network just now: try again in {seconds} "
                                             "seconds."), retry_after_seconds=int(wait.total_seconds() + 0.999))
            token = secrets.token_urlsafe(24)
            now = self.clock.now()
            async with self._writing() as connection:
                participant = await Participant.create(run_id=self.run.id, display_name=name, email=checked_email,
                                                       arrival_answer=answer, token_hash=token_hash(token),
                                                       browser_hash=browser_digest, registration_id=registration_id,
                                                       using_db=connection)
                events: list[LiveEvent] = [ParticipantJoined(at=now, participant_id=participant.id, name=name)]
                if answer:
                    events.append(ArrivalAnswered(at=now, participant_id=participant.id, text=answer))
                await self._record(events, connection)
            self._people_by_token[participant.token_hash] = participant.id
            if browser_digest is not None:
                self._browsers[participant.id] = browser_digest
            self._apply(events)
            return self.state.people[participant.id], token

    async def _come_again(self, participant: Participant) -> tuple[Person, str]:
        """A registered person already in the run comes in again (another browser): a new token for them."""
        person = self.state.people.get(participant.id)
        if person is None or person.removed:
            raise NotAllowed(N_("The moderators removed you from this session: you cannot join it again."))
        token = secrets.token_urlsafe(24)
        async with self._writing() as connection:
            await Participant.filter(id=participant.id).using_db(connection).update(token_hash=token_hash(token))
        self._people_by_token.pop(participant.token_hash, None)
        self._people_by_token[token_hash(token)] = participant.id
        return person, token

    def _refuse_unregistered(self) -> None:
        if not self.run.rehearsal and self._plan.workshop.registration_mode != RegistrationMode.OPEN_DOOR:
            raise NotAllowed(N_("This workshop is for registered people: come in from your personal page, through "
                                "the link in the e-mails about your registration."))

    def _refuse_the_removed(self, name: str, browser_digest: str | None) -> None:
        removed = [person for person in self.state.people.values() if person.removed]
        if browser_digest is not None and any(self._browsers.get(person.id) == browser_digest for person in removed):
            raise NotAllowed(N_("The moderators removed you from this session: you cannot join it again."))
        if any(names.same_name(person.name, name) for person in removed):
            raise InvalidValue(N_("Someone of this name was removed from this session: if it is not you, add an "
                                  "initial or your family name."), field="name")

    @property
    def capacity(self) -> int | None:
        """How many people the session takes (None: no limit, and always for a rehearsal)."""
        if self.run.rehearsal:
            return None
        session = next((session for session in self._plan.sessions if session.id == self.run.session_id), None)
        return session.capacity if session is not None else None

    @property
    def full(self) -> bool:
        capacity = self.capacity
        return capacity is not None and len(self.state.active_people()) >= capacity

    def _refuse_beyond_capacity(self) -> None:
        if self.full:
            raise SessionFull(N_("This session is full: its {count} places are taken."), count=self.capacity)

    async def page_connected(self, participant_id: int, page_id: str) -> None:
        async with self._lock:
            person = self.state.people.get(participant_id)
            if person is None or person.removed:
                return
            before = self.presence(participant_id)
            self._pages.setdefault(participant_id, {})[page_id] = True
            now = self.clock.now()
            if not person.present:
                placed = self._place_if_rooms_open(person)
                await self._commit(ParticipantArrived(at=now, participant_id=participant_id), *placed)
            elif before != Presence.ONLINE:
                await self._commit(PresenceChanged(at=now, participant_id=participant_id))

    def _place_if_rooms_open(self, person: Person) -> list[LiveEvent]:
        """Someone arriving while the rooms are open goes to one: their own group, or the emptiest."""
        rooms = self._plan.breakout_rooms
        if not self.state.rooms_open or not rooms:
            return []
        if person.room_id in {room.id for room in rooms}:
            return []  # their group is open: they join it as they are
        occupancy = {room.id: len(self.state.members(room.id)) for room in rooms}
        room_id = room_assignment.place_one(rooms, occupancy)
        return [ParticipantPlaced(at=self.clock.now(), participant_id=person.id, room_id=room_id)]

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
            self._hands.forget(participant_id)
            if person is not None and person.present:
                await self._commit(ParticipantLeft(at=self.clock.now(), participant_id=participant_id))

    async def answer_arrival_question(self, participant_id: int, text: str) -> None:
        answer = text.strip()[:MAX_ANSWER]
        async with self._lock:
            self._person(participant_id)
            async with self._writing() as connection:
                await Participant.filter(id=participant_id).using_db(connection).update(arrival_answer=answer)
                event = ArrivalAnswered(at=self.clock.now(), participant_id=participant_id, text=answer)
                await self._record([event], connection)
            self._apply([event])

    async def remove(self, participant_id: int) -> None:
        async with self._lock:
            self._person(participant_id)
            self._hands.forget(participant_id)
            await self._commit(ParticipantRemoved(at=self.clock.now(), participant_id=participant_id))
            self._pages.pop(participant_id, None)

    async def erase_personal_data(self, participant_id: int) -> None:
        """Erase this participant's name, e-mail, answer and browser hash (on request, or their time is up).

        What they did stays in the history; their pages and everyone's show their stand-in from now on.
        """
        async with self._lock:
            if participant_id not in self.state.people:
                raise NotFound(N_("This participant is no longer in the session."))
            async with self._writing() as connection:
                await blank_rows([participant_id], connection)
            self._browsers.pop(participant_id, None)
            self._apply([ParticipantErased(at=self.clock.now(), participant_id=participant_id)])

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
            await self._commit(WorkshopStarted(at=self.clock.now()), self._step_started(self.steps[0]))

    def _step_started(self, step: Step) -> StepStarted:
        now = self.clock.now()
        return StepStarted(at=now, step_id=step.id, ends_at=now + timedelta(minutes=step.minutes))

    def _check_current(self, expected_step_id: int | None) -> None:
        if self.state.phase != RunPhase.RUNNING:
            raise NotAllowed(N_("The workshop is not running."))
        if expected_step_id != self.state.step_id:
            raise NotAllowed(N_("Another moderator changed the step just before you: check the current step."))

    async def _go_to(self, step: Step) -> None:
        events: list[LiveEvent] = []
        if self.state.rooms_open:
            events.append(RoomsClosed(at=self.clock.now(), reason=ClosingReason.STEP_CHANGED))
        events.append(self._step_started(step))
        await self._commit(*events)
        self._removed_step = None

    async def next_step(self, expected_step_id: int | None) -> None:
        async with self._lock:
            self._check_current(expected_step_id)
            following = self.next_step_after
            if following is None:
                raise NotAllowed(N_("This is the last step: end the workshop instead."))
            await self._go_to(following)

    async def previous_step(self, expected_step_id: int | None) -> None:
        async with self._lock:
            self._check_current(expected_step_id)
            before = self.previous_step_before
            if before is None:
                raise NotAllowed(N_("This is the first step."))
            await self._go_to(before)

    async def jump_to(self, step_id: int, expected_step_id: int | None) -> None:
        async with self._lock:
            self._check_current(expected_step_id)
            step = next((step for step in self.steps if step.id == step_id), None)
            if step is None:
                raise NotAllowed(N_("There is no such step."))
            await self._go_to(step)

    async def end(self) -> None:
        async with self._lock:
            if self.state.phase == RunPhase.ENDED:
                raise NotAllowed(N_("The workshop has ended."))
            self._hands.forget()
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

    def hand_wanted(self, participant_id: int) -> bool:
        """Whether this participant's hand is up, or will be once their pending wish is made (`HandPace`)."""
        wished = self._hands.wished(participant_id)
        if wished is not None:
            return wished
        person = self.state.people.get(participant_id)
        return person is not None and person.hand_raised_at is not None

    async def raise_hand(self, participant_id: int) -> None:
        await self._set_own_hand(participant_id, raised=True)

    async def lower_hand(self, participant_id: int, *, by_moderator: bool = False) -> None:
        if not by_moderator:
            await self._set_own_hand(participant_id, raised=False)
            return
        async with self._lock:
            if self._person(participant_id).hand_raised_at is None:
                raise NotAllowed(N_("This hand is not raised."))
            self._hands.forget(participant_id)
            await self._commit(HandLowered(at=self.clock.now(), participant_id=participant_id, by_moderator=True))

    async def _set_own_hand(self, participant_id: int, *, raised: bool) -> None:
        """A participant raises or lowers their hand: at once in a quiet moment, else when their second is over."""
        async with self._lock:
            if raised:
                self._require_under_way()
            self._person(participant_id)
            if raised and self.state.floor_holder == participant_id:
                raise NotAllowed(N_("You have the floor already."))
            if self.hand_wanted(participant_id) == raised:
                raise NotAllowed(N_("Your hand is already raised.") if raised else N_("This hand is not raised."))
            now = self.clock.now()
            if not self._hands.may_change_now(participant_id, now):
                self._hands.wish(participant_id, raised)
                return
            self._hands.changed(participant_id, now)
            await self._commit(self._hand_event(participant_id, raised, now))

    @staticmethod
    def _hand_event(participant_id: int, raised: bool, now: datetime) -> LiveEvent:
        return (HandRaised(at=now, participant_id=participant_id) if raised
                else HandLowered(at=now, participant_id=participant_id))

    def _hand_wishes_due(self, now: datetime) -> list[LiveEvent]:
        """The hands people asked for within their second, now that it is over, where they still differ."""
        events = []
        for participant_id, raised in self._hands.take_due(now).items():
            person = self.state.people.get(participant_id)
            if person is None or person.removed or (person.hand_raised_at is not None) == raised:
                continue
            if raised and (not self.state.under_way or self.state.floor_holder == participant_id):
                continue
            self._hands.changed(participant_id, now)
            events.append(self._hand_event(participant_id, raised, now))
        return events

    async def lower_all_hands(self) -> None:
        async with self._lock:
            self._hands.forget()
            if self.state.hand_queue():
                await self._commit(AllHandsLowered(at=self.clock.now()))

    async def order_hands(self, *, least_spoken_first: bool) -> None:
        """Order the raised hands as raised, or those who spoke least first: for the boards and the participants."""
        async with self._lock:
            if self.state.least_spoken_first != least_spoken_first:
                await self._commit(HandOrderChosen(at=self.clock.now(), least_spoken_first=least_spoken_first))

    async def give_floor(self, participant_id: int) -> None:
        async with self._lock:
            self._require_under_way()
            self._person(participant_id)
            if self.state.floor_holder == participant_id:
                raise NotAllowed(N_("This person has the floor already."))
            self._hands.forget(participant_id)
            await self._commit(FloorGiven(at=self.clock.now(), participant_id=participant_id))

    async def take_floor_back(self) -> None:
        async with self._lock:
            if self.state.floor_holder is None:
                raise NotAllowed(N_("Nobody has the floor."))
            await self._commit(FloorTakenBack(at=self.clock.now()))

    # ------------------------------------------------------------ microphones, cameras and screens

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

    async def set_staff_microphone(self, account_id: int, *, on: bool) -> None:
        """A moderator opens or closes their own microphone (theirs may always be open)."""
        async with self._lock:
            if (account_id not in self.state.staff_muted) != on:
                await self._commit(StaffMicrophoneSwitched(at=self.clock.now(), account_id=account_id, on=on))

    def _check_member(self, member: Member) -> None:
        if member.kind == MemberKind.PARTICIPANT:
            self._person(member.id)

    async def set_camera(self, member: Member, *, on: bool) -> None:
        """Someone turns their camera off (the others see their name) or on again."""
        async with self._lock:
            self._check_member(member)
            if (member not in self.state.cameras_off) != on:
                await self._commit(CameraSwitched(at=self.clock.now(), member=member, on=on))

    async def set_sound_only(self, member: Member, *, on: bool) -> None:
        async with self._lock:
            self._check_member(member)
            if (member in self.state.sound_only) != on:
                await self._commit(SoundOnlyChosen(at=self.clock.now(), member=member, on=on))

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

    def _breakout_room(self, room_id: int) -> Room:
        room = next((room for room in self._plan.breakout_rooms if room.id == room_id), None)
        if room is None:
            raise NotFound(N_("There is no such room."))
        return room

    async def choose_room(self, participant_id: int, room_id: int) -> None:
        async with self._lock:
            self._person(participant_id)
            if self._plan.workshop.room_assignment != RoomAssignment.PARTICIPANTS_CHOOSE:
                raise NotAllowed(N_("The moderators assign the rooms in this workshop."))
            if self.state.rooms_open:
                raise NotAllowed(N_("The rooms are open: ask a moderator to move you."))
            room = self._breakout_room(room_id)
            taken = [p for p in self.state.members(room_id) if p.id != participant_id]
            if room.capacity is not None and len(taken) >= room.capacity:
                raise NotAllowed(N_("This room is full: choose another one."))
            await self._commit(RoomChosen(at=self.clock.now(), participant_id=participant_id, room_id=room_id))

    async def move(self, participant_id: int, room_id: int) -> None:
        """A moderator places someone in a room, now if the rooms are open, else for when they open."""
        async with self._lock:
            person = self._person(participant_id)
            self._breakout_room(room_id)
            now = self.clock.now()
            if self.state.rooms_open and self.state.room_of(participant_id) is None:
                # Someone still in the plenary joins the conversation, as everyone did when the rooms opened.
                await self._commit(ParticipantPlaced(at=now, participant_id=person.id, room_id=room_id))
            else:
                await self._commit(ParticipantMoved(at=now, participant_id=person.id, room_id=room_id))

    async def open_rooms(self, *, keep_groups: bool = False) -> None:
        async with self._lock:
            step = self.current_step
            if self.state.phase != RunPhase.RUNNING or step is None or step.kind != StepKind.BREAKOUT:
                raise NotAllowed(N_("Rooms open during a breakout step."))
            if self.state.rooms_open:
                raise NotAllowed(N_("The rooms are already open."))
            if not self._plan.breakout_rooms:
                raise NotAllowed(N_("This workshop has no breakout room."))
            here = [p for p in self.state.active_people() if p.present]
            if not here:
                raise NotAllowed(N_("Nobody is here to go to the rooms."))
            mode = self._plan.workshop.room_assignment
            wishes = await self._room_wishes(here) if mode == RoomAssignment.FROM_REGISTRATIONS else {}
            assignments = room_assignment.assign(here, self._plan.breakout_rooms, mode, keep_groups=keep_groups,
                                                 rng=self._rng, wishes=wishes)
            await self._commit(RoomsOpened(at=self.clock.now(), assignments=tuple(assignments)))

    async def _room_wishes(self, people: Sequence[Person]) -> dict[int, list[int]]:
        """The rooms each of these people wished for on their registration (its answer to the rooms question),
        by participant id; people who came without a registration, or gave no answer, are left out."""
        asked = room_assignment.rooms_question_ids(self._plan.workshop)
        if not asked:
            return {}
        async with self._writing() as connection:
            registration_of = dict(cast(list[tuple[int, int]], await (
                Participant.filter(run_id=self.run.id, id__in=[person.id for person in people],
                                   registration_id__not_isnull=True)
                .using_db(connection).values_list("id", "registration_id"))))
            answers = {registration.id: registration.answers for registration in await Registration.filter(
                id__in=list(registration_of.values())).only("id", "answers").using_db(connection)}
        wishes = {}
        for participant_id, registration_id in registration_of.items():
            answer = next((answers.get(registration_id, {}).get(question_id) for question_id in asked), None)
            if isinstance(answer, list):
                wishes[participant_id] = [room_id for room_id in answer if isinstance(room_id, int)]
        return wishes

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

    # ------------------------------------------------------------ the plan

    async def replace_plan(self, plan: WorkshopPlan) -> None:
        """The organiser edited the workshop: run the new agenda and rooms from now on, and say so.

        A running step removed from the agenda runs on until the moderators move; people in a breakout
        room that was removed go to another open room, or back to the plenary if none is left.
        """
        async with self._lock:
            if self.state.step_id is not None and all(step.id != self.state.step_id for step in plan.steps) \
                    and self._removed_step is None and self.step_index is not None:
                self._removed_step = (self.steps[self.step_index], self.step_index)
            self._plan = plan
            now = self.clock.now()
            events: list[LiveEvent] = [PlanChanged(at=now)]
            if self.state.rooms_open:
                room_ids = {room.id for room in plan.breakout_rooms}
                stranded = [p for p in self.state.active_people() if p.room_id not in room_ids]
                if not room_ids:
                    events.append(RoomsClosed(at=now, reason=ClosingReason.NO_ROOM_LEFT))
                elif stranded:
                    occupancy = {room_id: len(self.state.members(room_id)) for room_id in room_ids}
                    for person in stranded:
                        room_id = room_assignment.place_one(plan.breakout_rooms, occupancy)
                        occupancy[room_id] += 1
                        events.append(ParticipantPlaced(at=now, participant_id=person.id, room_id=room_id))
            try:
                await self._commit(*events)
            except NotSaved:
                self._apply([PlanChanged(at=now)])  # the pages still follow the plan the organiser saved

    async def close_for_reset(self) -> None:
        async with self._lock:
            await self._commit(RunReset(at=self.clock.now()))

    # ------------------------------------------------------------ time

    async def on_time(self) -> None:
        """What the clock alone changes: breakout rooms close when their countdown reaches zero, the hands
        people asked for within their second (`HandPace`) are made once it is over, and the activities' own
        (a live poll's counts sent to the stages).

        Decided under the lock against the countdown as it is then: a moderator's "+5 min" that
        got in first keeps the rooms open.
        """
        if not self._time_is_up() and not self._hands.any_due(self.clock.now()) and not self._activities_due():
            return
        async with self._lock:
            now = self.clock.now()
            events = self._hand_wishes_due(now)
            if self._time_is_up():
                events.append(RoomsClosed(at=now, reason=ClosingReason.TIME_UP))
            events += self._activities_due()
            if events:
                await self._commit(*events)

    def _activities_due(self) -> list[LiveEvent]:
        return due(Moment(self.state, self._plan, self.current_step, self.clock.now()))

    def _time_is_up(self) -> bool:
        countdown = self.state.countdown
        return (self.state.rooms_open and countdown is not None and not countdown.paused
                and countdown.remaining(self.clock.now()) <= timedelta(0))
