"""A run's announced changes, handed to the pages they concern, each in its own NiceGUI client.

One listener per run hears the announcer's batches (outside the run's lock) and gives each
page only the events that concern it: a board hears everything, a participant's page what its
person, its room or everyone must know. A page gets one call per batch, so a burst of changes
is one redraw; one failing page is logged and the others still hear.

A page whose person may no longer follow the run (a participant removed, a moderator taken off the
team) is told once, then hears nothing more: even a page that ignores the order to leave receives
nothing of the session from then on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from nicegui import Client, context

from domain.live.announcing import Change
from domain.live.events import NOBODY, LiveEvent
from domain.live.session import LiveSession
from ui.live import quiet_gc

log = logging.getLogger(__name__)

PageHandler = Callable[[list[LiveEvent]], None]


@dataclass(eq=False)
class Follower:
    """A page following a run: whose it is, where it is, and what it does with the events for it.

    A page with `at_most_every` seconds gets the first change at once, and what comes within that time after
    it in one go when it is over: a board that hears every change redraws a few times a second during a burst
    of 300 hands, not 300 times.
    """

    client: Client
    handler: PageHandler
    participant_id: int | None = None  # the participant whose page it is
    place: Callable[[], int | None] = lambda: None  # the breakout room it shows now (None: the plenary)
    hears_everything: bool = False  # a moderator's board
    at_most_every: float = 0.0
    allowed: Callable[[], bool] = lambda: True  # whether its person may still follow the run, asked per batch
    on_shut_out: Callable[[], None] = lambda: None  # told once when they may not
    _pending: list[LiveEvent] = field(default_factory=list)
    _last_handed: float = float("-inf")
    _waiting: asyncio.TimerHandle | None = None

    def events_for(self, batch: Sequence[Change]) -> list[LiveEvent]:
        if self.hears_everything:
            return [event for change in batch for event in change.events]
        room = self.place()
        return [event for change in batch if change.audience.includes(self.participant_id, room)
                for event in change.events]

    def receive(self, events: list[LiveEvent]) -> None:
        self._pending.extend(events)
        if self._waiting is not None:
            return  # handed over with what is already waiting
        loop = asyncio.get_running_loop()
        due = self._last_handed + self.at_most_every
        if loop.time() >= due:
            self._hand_over()
        else:
            self._waiting = loop.call_at(due, self._hand_over)

    def shut_out(self) -> None:
        """Drop what was waiting and tell the page, in its own client, that it follows the run no more."""
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None
        self._pending = []
        if self.client.is_deleted:
            return
        try:
            with self.client:
                self.on_shut_out()
        except Exception:
            log.exception("a page of %s failed to close", self.client.page.path)

    def _hand_over(self) -> None:
        self._waiting = None
        events, self._pending = self._pending, []
        self._last_handed = asyncio.get_running_loop().time()
        if not events or self.client.is_deleted:
            return
        try:
            with self.client:
                self.handler(events)
        except Exception:  # one page's trouble must not keep the others from following the run
            log.exception("a page of %s failed to follow %d event(s)", self.client.page.path, len(events))


class RunPages:
    """The pages of one run."""

    def __init__(self, live: LiveSession) -> None:
        self._followers: list[Follower] = []
        live.announcements.subscribe(self._deliver)

    def follow(self, follower: Follower) -> None:
        """Deliver to this page until it goes away."""
        self._followers.append(follower)
        follower.client.on_delete(lambda: self._followers.remove(follower) if follower in self._followers else None)

    def _deliver(self, batch: Sequence[Change]) -> None:
        quiet_gc.note_activity()
        reached = NOBODY
        for change in batch:
            reached |= change.audience
        by_person_only = not reached.everyone and not reached.rooms  # a hand, a microphone: a set lookup per page
        for follower in list(self._followers):
            if follower.client.is_deleted:
                continue
            if by_person_only and not follower.hears_everything and follower.participant_id not in reached.participants:
                continue
            if not follower.allowed():
                self._followers.remove(follower)
                follower.shut_out()
                continue
            events = follower.events_for(batch)
            if events:
                follower.receive(events)


_runs: WeakKeyDictionary[LiveSession, RunPages] = WeakKeyDictionary()


def follow_run(live: LiveSession, handler: PageHandler, *, participant_id: int | None = None,
               place: Callable[[], int | None] = lambda: None, hears_everything: bool = False,
               at_most_every: float = 0.0, allowed: Callable[[], bool] | None = None,
               on_shut_out: Callable[[], None] | None = None) -> None:
    """Let the page being built follow the run: `handler` gets the events that concern it, in batches.

    A participant's page follows while they are not removed (unless `allowed` says otherwise); once the
    page may not, `on_shut_out` is called and the page hears nothing more.
    """
    if allowed is None:
        allowed = (lambda: not _removed(live, participant_id)) if participant_id is not None else (lambda: True)
    pages = _runs.get(live)
    if pages is None:
        pages = _runs[live] = RunPages(live)
    pages.follow(Follower(context.client, handler, participant_id, place, hears_everything, at_most_every,
                          allowed, on_shut_out or (lambda: None)))


def _removed(live: LiveSession, participant_id: int) -> bool:
    person = live.state.people.get(participant_id)
    return person is None or person.removed
