"""The one way a live page runs a command (`ui.components.confirm` asks before a serious one)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from nicegui import Client, ui

from domain.errors import DomainError
from ui.components import translated


async def run_command(client: Client, command: Awaitable[Any], done: str | None = None) -> bool:
    """Run a domain command for the person at this page; a refusal is told to them, not raised.

    Refusals are normal in a live session (another moderator was quicker, the rooms closed
    meanwhile, a write could not be saved): the page says why, in its own client, and goes on.
    """
    try:
        await command
    except DomainError as problem:
        with client:
            ui.notify(translated(problem), type="warning")
        return False
    if done:
        with client:
            ui.notify(done)
    return True
