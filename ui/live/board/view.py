"""What every part of the moderator board shares: the run, the moderator, the page's own client."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nicegui import Client

from domain.live.session import LiveSession
from domain.models import StaffAccount
from ui.live.actions import PageActions
from ui.live.context import LiveContext
from ui.services import Services


@dataclass
class BoardView:
    services: Services
    found: LiveContext
    staff: StaffAccount
    client: Client  # handlers may outlive the element that started them, and run during others' requests
    actions: PageActions  # every command of the board: the moderator's rights checked again, and the pace

    @property
    def live(self) -> LiveSession:
        return self.found.live

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    async def act(self, command: Awaitable[Any], done: str | None = None) -> None:
        """Run a command from the board; a refusal (someone was quicker, nothing to do, no longer in the team)
        is said, not raised."""
        await self.actions.run(command, done)

    def room_name(self, room_id: int | None) -> str:
        room = self.live.room(room_id)
        return room.name if room is not None else ""


def clock_minutes(duration: timedelta) -> str:
    seconds = max(0, int(duration.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"
