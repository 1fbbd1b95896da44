"""All live runs held in memory, loaded on first use and restored at start-up."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime

from domain import workshops
from domain.clock import Clock
from domain.live.events import PlanChanged, from_record
from domain.live.session import LiveSession
from domain.models import LiveRun, Participant, RunEvent, RunPhase, WorkshopSession
from domain.planning import WorkshopPlan

UNDER_WAY = (RunPhase.OPEN, RunPhase.RUNNING)


class LiveRegistry:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._sessions: dict[int, LiveSession] = {}
        self._loading = asyncio.Lock()

    async def session(self, run_id: int) -> LiveSession:
        """The run in memory, rebuilt from its stored events the first time it is asked for."""
        if run_id in self._sessions:
            return self._sessions[run_id]
        async with self._loading:
            if run_id not in self._sessions:
                run = await LiveRun.get(id=run_id).select_related("session")
                plan = await workshops.load_plan_by_id(run.session.workshop_id)
                history = [from_record(row.kind, row.at, row.data)
                           for row in await RunEvent.filter(run_id=run_id).order_by("sequence")]
                tokens = dict(await Participant.filter(run_id=run_id).values_list("id", "token_hash"))
                self._sessions[run_id] = LiveSession(run, plan, history, tokens, self.clock)
        return self._sessions[run_id]

    async def run_of(self, session: WorkshopSession, *, rehearsal: bool = False) -> LiveRun:
        """The session's real run, or its current rehearsal; made on first use."""
        run = await LiveRun.filter(session_id=session.id, rehearsal=rehearsal).order_by("-id").first()
        if run is None:
            run = await LiveRun.create(session_id=session.id, rehearsal=rehearsal, join_code=secrets.token_urlsafe(18))
        return run

    async def rehearsal_by_code(self, code: str) -> LiveRun | None:
        return await LiveRun.get_or_none(join_code=code, rehearsal=True).select_related("session")

    async def reset_rehearsal(self, session: WorkshopSession) -> LiveRun:
        """Throw the rehearsal away, with everyone who joined it, and start a fresh one."""
        old = await LiveRun.filter(session_id=session.id, rehearsal=True).order_by("-id").first()
        if old is not None:
            live = self._sessions.pop(old.id, None)
            if live is not None:
                await live.close_for_reset()
            await old.delete()
        return await self.run_of(session, rehearsal=True)

    async def current_session(self, plan: WorkshopPlan, now: datetime) -> WorkshopSession | None:
        """The session people join now: one under way, else the next, else the last one."""
        ids = [session.id for session in plan.sessions]
        under_way = await LiveRun.filter(session_id__in=ids, rehearsal=False, phase__in=UNDER_WAY).first()
        if under_way is not None:
            return next(s for s in plan.sessions if s.id == under_way.session_id)  # type: ignore[attr-defined]
        return plan.next_session(now) or (plan.sessions[-1] if plan.sessions else None)

    async def restore(self) -> int:
        """Bring back every run that was under way when the server stopped."""
        runs = await LiveRun.filter(phase__in=UNDER_WAY).values_list("id", flat=True)
        for run_id in runs:
            await self.session(run_id)
        return len(runs)

    async def plan_changed(self, workshop_id: int) -> None:
        """The organiser edited the workshop: runs in memory show the new agenda at once."""
        for live in list(self._sessions.values()):
            if live.plan.workshop.id == workshop_id:
                live.plan = await workshops.load_plan_by_id(workshop_id)
                live.events.publish(PlanChanged(at=self.clock.now()))

    async def tick(self) -> None:
        for live in list(self._sessions.values()):
            await live.on_time()

    async def keep_time(self) -> None:
        """Run for the server's lifetime: let the clock close breakout rooms on time."""
        while True:
            await asyncio.sleep(1)
            await self.tick()
