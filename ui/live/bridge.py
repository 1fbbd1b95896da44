"""A run's announced changes, handed to the pages they concern, each in its own NiceGUI client.

One listener per run hears the announcer's batches (outside the run's lock) and gives each
page only the events that concern it: a board hears everything, a participant's page what its
person, its room or everyone must know. A page gets one call per batch, so a burst of changes
is one redraw; one failing page is logged and the others still hear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from nicegui import Client, context

from domain.live.announcing import Change
from domain.live.events import LiveEvent
from domain.live.session import LiveSession
from ui.live import quiet_gc

log = logging.getLogger(__name__)

PageHandler = Callable[[list[LiveEvent]], None]


@dataclass(eq=False)
class Follower:
    """A page following a run: whose it is, where it is, and what it does with the events for it."""

    client: Client
    handler: PageHandler
    participant_id: int | None = None  # the participant whose page it is
    place: Callable[[], int | None] = lambda: None  # the breakout room it shows now (None: the plenary)
    hears_everything: bool = False  # a moderator's board

    def events_for(self, batch: Sequence[Change]) -> list[LiveEvent]:
        if self.hears_everything:
            return [event for change in batch for event in change.events]
        room = self.place()
        return [event for change in batch if change.audience.includes(self.participant_id, room)
                for event in change.events]


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
        for follower in list(self._followers):
            if follower.client.is_deleted:
                continue
            try:
                events = follower.events_for(batch)
                if events:
                    with follower.client:
                        follower.handler(events)
            except Exception:  # one page's trouble must not keep the others from following the run
                log.exception("a page of %s failed to follow %d change(s)", follower.client.page.path, len(batch))


_runs: WeakKeyDictionary[LiveSession, RunPages] = WeakKeyDictionary()


def follow_run(live: LiveSession, handler: PageHandler, *, participant_id: int | None = None,
               place: Callable[[], int | None] = lambda: None, hears_everything: bool = False) -> None:
    """Let the page being built follow the run: `handler` gets the events that concern it, in batches."""
    pages = _runs.get(live)
    if pages is None:
        pages = _runs[live] = RunPages(live)
    pages.follow(Follower(context.client, handler, participant_id, place, hears_everything))
