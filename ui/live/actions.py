"""The one way a live page runs a command (`ui.components.confirm` asks before a serious one).

Every command of a page goes through its `PageActions`: the page's right to act is checked again
(a moderator removed from the team meanwhile, a session that ended, an account disabled), then its
pace (a page pressing buttons in a loop is slowed down), then the command runs; a refusal is told
to the person at the page, not raised.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from nicegui import Client, ui
from nicegui.elements.mixins.validation_element import ValidationElement

from domain.clock import Clock
from domain.errors import DomainError
from domain.limits import RateLimit, Rule
from ui.components import translated
from ui.i18n import _

# Commands one page may run: a moderator's quick "+1 min" five times is fine, a script's loop is not.
COMMANDS_PER_PAGE = Rule(20, timedelta(seconds=10))
# Whether the page may still act, and if not, what to tell it (None: it may).
RightsCheck = Callable[[], Awaitable[str | None]]


class PageActions:
    def __init__(self, client: Client, clock: Clock, rights: RightsCheck | None = None,
                 on_shut_out: Callable[[str], None] | None = None) -> None:
        """`rights` is asked before every command; when it refuses, `on_shut_out` hears why (once)."""
        self.client = client
        self.rights = rights
        self.on_shut_out = on_shut_out
        self._pace = RateLimit(clock, COMMANDS_PER_PAGE)
        self._told_to_slow_down = False
        self.shut_out = False

    async def run(self, command: Awaitable[Any], done: str | None = None, *,
                  beside: ValidationElement[Any] | None = None) -> bool:
        """Run a domain command for the person at this page; a refusal is told to them, not raised.

        Refusals are normal in a live session (another moderator was quicker, the rooms closed
        meanwhile, a write could not be saved): the page says why, in its own client, and goes on.
        A command that sends what was typed in a field (`beside`) has its refusal shown beside that field.
        """
        if not await self.may_act():
            _discard(command)
            return False
        try:
            await command
        except DomainError as problem:
            with self.client:  # translated in the page's language: the button clicked may be gone (redrawn)
                message = translated(problem)
                if beside is not None:
                    beside.error = message
            if beside is None:
                self._tell(message, "warning")
            return False
        if beside is not None:
            with self.client:
                beside.error = None
        if done:
            self._tell(done)
        return True

    async def may_act(self) -> bool:
        """Whether the page may run a command now (counted as one); if not, the page has been told why."""
        if self.shut_out:
            return False  # told already, and the page says so
        if self.rights is not None:
            reason = await self.rights()
            if reason is not None:
                self.shut(reason)
                return False
        if self._pace.try_use(self.client.id) > timedelta(0):
            if not self._told_to_slow_down:  # once per burst: telling each click would be a loop of its own
                self._told_to_slow_down = True
                self._tell(_("Too many clicks at once: wait a few seconds, then try again."), "warning")
            return False
        self._told_to_slow_down = False
        return True

    def shut(self, reason: str) -> None:
        """This page may no longer act: say why, once, and let the page show it."""
        if self.shut_out:
            return
        self.shut_out = True
        self._tell(reason, "negative")
        if self.on_shut_out is not None:
            with self.client:
                self.on_shut_out(reason)

    def _tell(self, message: str, kind: str | None = None) -> None:
        with self.client:
            if kind is None:
                ui.notify(message)
            else:
                ui.notify(message, type=kind)  # type: ignore[arg-type]


def _discard(command: Awaitable[Any]) -> None:
    """A command refused before it ran: its coroutine is closed, not left to warn that it was never awaited."""
    if inspect.iscoroutine(command):
        command.close()
