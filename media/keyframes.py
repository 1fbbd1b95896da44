"""Keyframe requests to one publisher, at most one every half second however many subscribers ask.

A subscriber's own request (a PLI or FIR: it lost packets) waits a second after the last one, as Janus paces
them: a lossy subscriber asks again and again, and each keyframe is several times the size of other frames,
which makes the losses worse. A new viewer's request (a switch, a late joiner) keeps the half second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

AT_MOST_EVERY = 0.5  # seconds between two requests to the same publisher
AFTER_LOSS_AT_MOST_EVERY = 1.0  # seconds after the last request, for a subscriber's own request


class KeyframeRequests:
    """Coalesces the requests for one published video: new subscribers, switches, losses, subscribers' PLIs."""

    def __init__(self, send: Callable[[], Awaitable[None]], at_most_every: float = AT_MOST_EVERY,
                 after_loss_at_most_every: float = AFTER_LOSS_AT_MOST_EVERY) -> None:
        self._send = send
        self._at_most_every = at_most_every
        self._after_loss_at_most_every = after_loss_at_most_every
        self._last_sent: float | None = None
        self._pending: asyncio.Handle | None = None
        self._pending_due = 0.0  # when the pending request goes (the loop's time; uvloop's handles do not say)
        self._sending: set[asyncio.Task[None]] = set()
        self.sent = 0

    def ask(self) -> None:
        """Request a keyframe for a new viewer: now, or once half a second since the last request has passed."""
        self._ask(self._at_most_every)

    def ask_after_loss(self) -> None:
        """A subscriber asks for a keyframe (it lost packets): now, or a second after the last request."""
        self._ask(self._after_loss_at_most_every)

    def _ask(self, spacing: float) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() if self._last_sent is None else max(loop.time(), self._last_sent + spacing)
        if self._pending is not None:
            if self._pending_due <= due:
                return  # one is already on its way, as soon
            self._pending.cancel()  # a new viewer's request overtakes a subscriber's
            self._pending = None
        if due <= loop.time():
            self._fire()
        else:
            self._pending, self._pending_due = loop.call_at(due, self._fire), due

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
