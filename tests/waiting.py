"""Waiting in tests for what can be observed, never for a time: the timeout only guards against hanging."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable

GUARD = 60.0  # seconds before a wait gives up on a busy machine: never a speed check (benchmarks/ measure speed)


async def until(condition: Callable[[], object], *, message: str | Callable[[], str] = "the awaited state never came",
                timeout: float = GUARD) -> None:
    """Wait for `condition` (a function, or a coroutine function such as a database query) to hold."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(message() if callable(message) else message)
        await asyncio.sleep(0.05)
