"""What every part of a stage page shares: the run, who is looking, and from where."""

from __future__ import annotations

from collections.abc import Awaitable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from nicegui import Client

from domain.live.session import LiveSession
from domain.live.state import Person
from domain.models import Room, StaffAccount
from ui.live.actions import PageActions
from ui.live.context import LiveContext
from ui.services import Services


@dataclass
class StageView:
    services: Services
    found: LiveContext
    person: Person | None  # the participant whose stage it is
    observer: StaffAccount | None  # or the moderator watching it
    visited_room: int | None  # the breakout room a moderator visits
    client: Client  # handlers may run during someone else's request: they use the page's own client
    storage: MutableMapping[str, Any]  # and the page's own browser storage
    actions: PageActions  # every command of the page: the person's rights checked again, and the pace
    with_video: frozenset[str] = field(default_factory=frozenset)  # names the videos show, instead of a tile

    @property
    def live(self) -> LiveSession:
        return self.found.live

    @property
    def my_room_id(self) -> int | None:
        """The breakout room this page shows (None: the plenary)."""
        if self.observer is not None:
            return self.visited_room if self.live.state.rooms_open else None
        return self.live.state.room_of(self.person.id) if self.person is not None else None

    async def act(self, command: Awaitable[Any], done: str | None = None) -> bool:
        """Run a command from the stage; a refusal is said, not raised."""
        return await self.actions.run(command, done)

    def room(self, room_id: int | None) -> Room | None:
        return self.live.room(room_id)
