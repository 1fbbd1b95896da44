"""A live run of a small workshop on a real SQLite database, with what its announcer said."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, time

import pytest

from domain import workshops
from domain.clock import FakeClock
from domain.live.announcing import Change
from domain.live.events import LiveEvent
from domain.live.registry import LiveRegistry
from domain.live.session import LiveSession
from domain.models import Workshop, WorkshopSession


@dataclass
class Setup:
    registry: LiveRegistry
    live: LiveSession
    clock: FakeClock
    workshop: Workshop
    session: WorkshopSession
    changes: list[Change] = field(default_factory=list)
    others: list[LiveRegistry] = field(default_factory=list)

    def listen(self, live: LiveSession) -> None:
        def hear(batch: Sequence[Change]) -> None:
            self.changes.extend(batch)
        live.announcements.subscribe(hear)

    async def heard(self) -> list[LiveEvent]:
        """Every event announced so far, once the announcer has told its listeners."""
        await self.live.announcements.settled()
        return [event for change in self.changes for event in change.events]

    async def restart(self) -> LiveSession:
        """A new registry, as after a server restart: the run is rebuilt from the database."""
        registry = LiveRegistry(self.clock)
        self.others.append(registry)
        assert await registry.start() == (1 if self.live.state.under_way else 0)
        return await registry.session(self.live.run.id)

    async def people(self, *names: str, live: LiveSession | None = None) -> list[int]:
        live = live or self.live
        ids = []
        for name in names:
            person, _token = await live.join(name)
            await live.page_connected(person.id, f"page-{name}")
            ids.append(person.id)
        return ids


async def make_workshop() -> tuple[Workshop, WorkshopSession]:
    """Three steps (welcome, a breakout discussion, conclusion), two breakout rooms, one session."""
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    for template in ("welcome", "breakout_discussion", "conclusion"):
        await workshops.add_step(workshop, template=template)
    for _ in range(2):
        await workshops.add_breakout_room(workshop)
    session = await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    return workshop, session


@pytest.fixture
async def setup(db: str, clock: FakeClock) -> AsyncIterator[Setup]:
    workshop, session = await make_workshop()
    registry = LiveRegistry(clock)
    await registry.start()
    run = await registry.run_of(session)
    live = await registry.session(run.id)
    prepared = Setup(registry, live, clock, workshop, session)
    prepared.listen(live)
    yield prepared
    for each in (registry, *prepared.others):
        await each.close()
