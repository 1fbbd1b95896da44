"""What the clock alone makes happen (breakout rooms closing on time, later reminders to send).

The composition root starts one `TimeKeeper` with the server and stops it with the server. Each
duty runs in turn every `interval` seconds, in isolation: one that raises is logged and the others,
and the keeper itself, go on. Tests call `tick()` themselves with a fake clock instead of starting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Duty = Callable[[], Awaitable[None]]


class TimeKeeper:
    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._duties: dict[str, Duty] = {}
        self._task: asyncio.Task[None] | None = None

    def add(self, name: str, duty: Duty) -> None:
        """Run `duty` at every tick from now on; `name` says whose it is in the logs."""
        self._duties[name] = duty

    async def tick(self) -> None:
        for name, duty in list(self._duties.items()):
            try:
                await duty()
            except Exception:
                log.exception("time-keeping duty %r failed; the others go on", name)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._keep(), name="time-keeper")

    async def stop(self) -> None:
        """Cancel the keeper and wait until it has stopped: nothing runs after the server's shutdown."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.tick()
