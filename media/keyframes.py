"""Keyframe requests to one publisher, at most one every half second however many subscribers ask."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

AT_MOST_EVERY = 0.5  # seconds between two requests to the same publisher


class KeyframeRequests:
    """Coalesces the requests for one published video: new subscribers, switches, losses, subscribers' PLIs."""

    def __init__(self, send: Callable[[], Awaitable[None]], at_most_every: float = AT_MOST_EVERY) -> None:
        self._send = send
        self._at_most_every = at_most_every
        self._last_sent: float | None = None
        self._pending: asyncio.TimerHandle | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self.sent = 0

    def ask(self) -> None:
        """Request a keyframe now, or once the half second since the last request has passed."""
        if self._pending is not None:
            return  # one is already on its way
        loop = asyncio.get_running_loop()
        wait = 0.0 if self._last_sent is None else self._last_sent + self._at_most_every - loop.time()
        if wait <= 0:
            self._fire()
        else:
            self._pending = loop.call_later(wait, self._fire)

    def keyframe_arrived(self) -> None:
        """A keyframe came by itself: a request still waiting is no longer needed."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def close(self) -> None:
        self.keyframe_arrived()
        for task in self._sending:
            task.cancel()

    def _fire(self) -> None:
        self._pending = None
        self._last_sent = asyncio.get_running_loop().time()
        self.sent += 1
        task = asyncio.ensure_future(self._send())
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
