"""All live runs held in memory: loaded on first use, restored at start-up, kept on time, following edits."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.exceptions import IntegrityError

from domain import activities, workshops
from domain.clock import Clock
from domain.errors import HistoryUnreadable
from domain.i18n import N_
from domain.limits import RateLimit, Rule
from domain.live.erasure import is_erased, stand_in
from domain.live.events import EventStream, LiveEvent, UnreadableEvent, decode
from domain.live.session import LiveSession
from domain.models import LiveRun, Participant, RunEvent, RunPhase, Step, WorkshopSession
from domain.planning import WorkshopPlan

log = logging.getLogger(__name__)

UNDER_WAY = (RunPhase.OPEN, RunPhase.RUNNING)
# New participants per network address (an IPv6 address's /64), all runs together. Generous, since a town hall
# or a library may bring a whole audience in through one address; yet 40 made-up people in 9 seconds stop at 20.
JOINS_PER_ADDRESS = (Rule(20, timedelta(minutes=1)), Rule(120, timedelta(hours=1)))


@dataclass(frozen=True)
class _Reading:
    """What decoding a run's stored events needs beside them: the agenda, and the participants' rows."""

    steps: list[Step]
    people: Mapping[int, Mapping[str, str]]

    def step_id_at(self, position: int) -> int:
        return self.steps[position].id

    def personal(self, participant_id: int, column: str) -> str:
        row = self.people.get(participant_id)
        if row is None or is_erased(row.get("display_name")):
            return "" if column != "display_name" else stand_in(participant_id)  # erased: a stand-in, not a name
        return str(row[column])


async def read_history(run_id: int, steps: list[Step], people: Mapping[int, Mapping[str, str]]) -> list[LiveEvent]:
    """A run's stored events, decoded in order; `people` are its participants' rows (personal columns by id).

    Raises `UnreadableEvent` naming the first event that cannot be read.
    """
    reading = _Reading(steps, people)
    history: list[LiveEvent] = []
    for stored in await RunEvent.filter(run_id=run_id).order_by("sequence"):
        try:
            history.append(decode(stored.kind, stored.version, stored.at, stored.data, reading))
        except UnreadableEvent as problem:
            raise UnreadableEvent(f"event {stored.sequence}: {problem}") from problem
    return history


class LiveRegistry:
    def __init__(self, clock: Clock, joins_per_address: Sequence[Rule] = JOINS_PER_ADDRESS) -> None:
        """`joins_per_address` empty: no limit per address (load tests bring hundreds from one machine)."""
        self.clock = clock
        self.joins = RateLimit(clock, *joins_per_address) if joins_per_address else None
        self.loaded: EventStream[LiveSession] = EventStream()  # each run as it comes into memory
        self._sessions: dict[int, LiveSession] = {}
        self._unreadable: dict[int, str] = {}  # run id -> why its history cannot be read
        self._loading = asyncio.Lock()
        self._stop_following_edits: Callable[[], None] | None = None

    # ------------------------------------------------------------ life cycle

    async def start(self) -> int:
        """Bring back every run that was under way, and follow the organisers' edits; returns how many came back.

        A run whose history cannot be read is logged and left closed: the others, and the server, start.
        """
        self._stop_following_edits = workshops.plan_edits.subscribe(self.plan_edited)
        runs = cast(list[int], await LiveRun.filter(phase__in=UNDER_WAY).values_list("id", flat=True))
        restored = 0
        for run_id in runs:
            try:
                await self.session(run_id)
            except HistoryUnreadable:
                continue  # logged as it was found
            restored += 1
        return restored

    async def close(self) -> None:
        """Stop following edits and stop announcing: the server is stopping."""
        if self._stop_following_edits is not None:
            self._stop_following_edits()
            self._stop_following_edits = None
        for live in list(self._sessions.values()):
            await live.announcements.close()

    # ------------------------------------------------------------ runs

    async def session(self, run_id: int) -> LiveSession:
        """The run in memory, rebuilt from its stored events the first time it is asked for.

        Raises `HistoryUnreadable` for a run whose stored events cannot be read back.
        """
        live = self._sessions.get(run_id)
        if live is not None:
            return live
        async with self._loading:
            if run_id not in self._sessions:
                self._sessions[run_id] = await self._load(run_id)
                self.loaded.publish(self._sessions[run_id])
        return self._sessions[run_id]

    def in_memory(self, run_id: int) -> LiveSession | None:
        """The run if it is held in memory now (never loads it)."""
        return self._sessions.get(run_id)

    def unreadable(self, run_id: int) -> str | None:
        """Why this run's history could not be read, if it could not."""
        return self._unreadable.get(run_id)

    async def _load(self, run_id: int) -> LiveSession:
        run = await LiveRun.get(id=run_id).select_related("session")
        plan = await workshops.load_plan_by_id(run.session.workshop_id)
        rows = await Participant.filter(run_id=run_id).values("id", "display_name", "arrival_answer", "token_hash",
                                                              "browser_hash")
        tokens = {int(row["id"]): str(row["token_hash"]) for row in rows}
        browsers = {int(row["id"]): str(row["browser_hash"]) for row in rows if row["browser_hash"]}
        try:
            history = await read_history(run_id, plan.steps, {int(row["id"]): row for row in rows})
            # Replays: a history that cannot is unreadable.
            live = LiveSession(run, plan, history, tokens, self.clock, browsers=browsers, joins=self.joins)
            await activities.restore(run_id, live.state)
            return live
        except Exception as problem:
            reason = str(problem).splitlines()[0]
            self._unreadable[run_id] = reason
            log.error("run %s (session %s): its history cannot be read, the run stays closed: %s",
                      run_id, run.session_id, reason)
            raise HistoryUnreadable(N_("The record of this session cannot be read ({reason}): nothing can "
                                       "change in it until it is repaired."), reason=reason) from problem

    async def run_of(self, session: WorkshopSession, *, rehearsal: bool = False) -> LiveRun:
        """The session's real run, or its current rehearsal; made on first use.

        The database keeps one real run per session: of two first visitors at the same moment,
        one makes it and the other finds it.
        """
        if rehearsal:
            run = await LiveRun.filter(session_id=session.id, rehearsal=True).order_by("-id").first()
            return run or await self._new_run(session, rehearsal=True)
        run = await LiveRun.get_or_none(real_session_id=session.id)
        if run is not None:
            return run
        try:
            return await self._new_run(session, rehearsal=False)
        except IntegrityError:
            return await LiveRun.get(real_session_id=session.id)

    @staticmethod
    async def _new_run(session: WorkshopSession, *, rehearsal: bool) -> LiveRun:
        return await LiveRun.create(session_id=session.id, rehearsal=rehearsal, join_code=secrets.token_urlsafe(18),
                                    real_session_id=None if rehearsal else session.id)

    async def rehearsal_by_code(self, code: str) -> LiveRun | None:
        return await LiveRun.get_or_none(join_code=code, rehearsal=True).select_related("session")

    async def reset_rehearsal(self, session: WorkshopSession) -> LiveRun:
        """Throw the rehearsal away, with everyone who joined it, and start a fresh one."""
        old = await LiveRun.filter(session_id=session.id, rehearsal=True).order_by("-id").first()
        if old is not None:
            live = self._sessions.pop(old.id, None)
            if live is not None:
                await live.close_for_reset()
                await live.announcements.settled()  # its pages hear of the reset before it goes
                await live.announcements.close()
            await old.delete()
        return await self.run_of(session, rehearsal=True)

    async def current_session(self, plan: WorkshopPlan, now: datetime) -> WorkshopSession | None:
        """The session people join now: one under way, else the next, else the last one."""
        ids = [session.id for session in plan.sessions]
        under_way = await LiveRun.filter(session_id__in=ids, rehearsal=False, phase__in=UNDER_WAY).first()
        if under_way is not None:
            return next(s for s in plan.sessions if s.id == under_way.session_id)
        return plan.next_session(now) or (plan.sessions[-1] if plan.sessions else None)

    # ------------------------------------------------------------ edits and time

    async def plan_edited(self, workshop_id: int) -> None:
        """The organiser edited a workshop: its runs in memory take the new plan at once."""
        following = [live for live in self._sessions.values() if live.plan.workshop.id == workshop_id]
        if not following:
            return
        plan = await workshops.load_plan_by_id(workshop_id)
        for live in following:
            try:
                await live.replace_plan(plan)
            except Exception:
                log.exception("run %s did not take the edited plan of workshop %s", live.run.id, workshop_id)

    async def keep_time(self) -> None:
        """A time-keeper's duty: each run's time, in isolation (one failing run is logged, the others go on)."""
        for live in list(self._sessions.values()):
            try:
                await live.on_time()
            except Exception:
                log.exception("time-keeping of run %s failed", live.run.id)
