"""Telling the pages and the media what a run's committed commands changed, outside the run's lock.

A command commits, applies, then hands its `Change` to the run's `Announcer` and returns: the
moderator's click is answered before any page is redrawn. One task per run drains the queue in
order and gives each listener everything that came since its last turn at once, so that a burst
(300 hands in a few seconds) becomes a few redraws per page. A listener that fails is logged and
the others still hear.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.live.events import Aspect, Audience, LiveEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """Events committed together, and the participants' pages they concern (boards hear of every change)."""

    events: tuple[LiveEvent, ...]
    audience: Audience

    @property
    def aspects(self) -> frozenset[Aspect]:
        return frozenset().union(*(event.aspects for event in self.events))


Listener = Callable[[Sequence[Change]], None]


class Announcer:
    def __init__(self, name: str) -> None:
        self.name = name  # for the logs: which run
        self._listeners: list[Listener] = []
        self._pending: list[Change] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every change from now on, in order; call the returned function to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def announce(self, change: Change) -> None:
        self._pending.append(change)
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(), name=f"announce {self.name}")

    async def settled(self) -> None:
        """Wait until every change announced so far has reached the listeners (tests, shutdown)."""
        await self._idle.wait()

    async def close(self) -> None:
        """Stop announcing: what is still pending is dropped (the pages go away with the run)."""
        self._pending.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._idle.set()

    async def _drain(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(0)  # let the commands already running in this turn of the loop join the batch
            self._wake.clear()
            batch, self._pending = self._pending, []
            for listener in list(self._listeners):
                try:
                    listener(batch)
                except Exception:  # one page's or one service's trouble must not keep the others from hearing
                    log.exception("a listener of %s failed on %d change(s)", self.name, len(batch))
            if not self._pending:
                self._idle.set()
