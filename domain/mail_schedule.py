"""The e-mails that time sends: practical information and reminders before a session, and after it the thank-you
(to those who came) or the "we missed you" (to those who had a place and did not come).

`MailSchedule.run()` looks at the sessions near `now` and writes to the outbox every message that has come due and
is not written yet; the composition root runs it every minute (`start`). Each message is written in its own small
transaction, after its facts are read again inside it, with a `once_key` the database keeps unique: running the
schedule twice, two at once, or again after a restart writes each message once.

When each message is due (a session not cancelled, to the people with a place in it, CONFIRMED):

- Practical information: from `practical_information_hours_before` hours before the start until the start. Someone
  who takes a place later than that gets it at once: it is how to get in. Once per person and start time (a moved
  session sends it again, with the new time).
- Reminders: reminder `h` is due from `h` hours before the start until the start, never after. Only the latest
  reminder due is sent (a server down for a day sends the 1-hour reminder, not the 24-hour one as well), and only
  to someone who had registered before its moment (who registers 3 hours before gets the 1-hour reminder, not the
  24-hour one late): the moment of their registration is `confirmed_at`, else `registered_at`, else `invited_at`,
  and with none known they get it. Not to those who turned reminders off. Once per person, start time and `h`.
- After the session: from `AFTER_SESSION_DELAY` after its planned end (or as soon as the moderators closed its live
  run) to `LOOK_BACK` after the end, so that upgrading Atelier does not write about workshops long past. THANK_YOU
  to the people with a place who entered its real run from their personal page, SORRY_WE_MISSED_YOU to the
  others. One of the two, once per person and session.

Reminders and practical information already written for a session that is then moved or cancelled are not sent:
mail/ finds them obsolete (their facts carry the start time they were written for), and a move removes those not
tried yet (domain/seats.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from domain import outbox, planning
from domain.clock import Clock
from domain.models import (
    LiveRun,
    MessageKind,
    OutboxMessage,
    Participant,
    Registration,
    RegistrationStatus,
    RunPhase,
    Workshop,
    WorkshopSession,
)
from domain.workshops import MAX_HOURS_BEFORE

log = logging.getLogger(__name__)

AFTER_SESSION_DELAY = timedelta(minutes=30)  # time for the last words and for a session that runs late
LOOK_BACK = timedelta(days=7)  # sessions that ended longer ago than this get no after-session message
LOOK_AHEAD = timedelta(hours=MAX_HOURS_BEFORE)  # the earliest a message before a session can be due
EVERY = timedelta(minutes=1)
KEYS_PER_QUERY = 1000  # once_keys looked up together: well within the databases' limits on query parameters


@dataclass(frozen=True)
class Due:
    """One message whose time has come, for one registration."""

    kind: MessageKind
    registration_id: int
    session_id: int
    starts_at: datetime  # the session's start it was computed for: checked again when it is written
    once_key: str
    facts: dict[str, Any]


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def registered_at(registration: Registration) -> datetime | None:
    """When they registered, for the reminders' rule; None when no moment is known."""
    return registration.confirmed_at or registration.registered_at or registration.invited_at


def before_the_session(workshop: Workshop, session: WorkshopSession, people: list[Registration],
                       now: datetime) -> list[Due]:
    """The practical information and the reminder due now for these people with a place in `session`."""
    starts_at = session.starts_at
    if now >= starts_at:
        return []
    start = _iso(starts_at)
    due: list[Due] = []
    hours = workshop.practical_information_hours_before
    if hours is not None and starts_at - timedelta(hours=hours) <= now:
        due += [Due(MessageKind.PRACTICAL_INFORMATION, person.id, session.id, starts_at,
                    f"practical:{person.id}:{session.id}:{start}", {"session_id": session.id, "starts_at": start})
                for person in people]
    reached = [h for h in workshop.reminder_hours_before if starts_at - timedelta(hours=h) <= now]
    if reached:
        latest = min(reached)
        moment = starts_at - timedelta(hours=latest)
        for person in people:
            known = registered_at(person)
            if person.reminders_off or (known is not None and known > moment):
                continue
            due.append(Due(MessageKind.REMINDER, person.id, session.id, starts_at,
                           f"reminder:{person.id}:{session.id}:{start}:{latest}",
                           {"session_id": session.id, "hours_before": latest, "starts_at": start}))
    return due


def after_the_session(session: WorkshopSession, people: list[Registration], attended: set[int]) -> list[Due]:
    """The thank-you or the "we missed you" for each of these people who had a place in `session`."""
    return [Due(MessageKind.THANK_YOU if person.id in attended else MessageKind.SORRY_WE_MISSED_YOU, person.id,
                session.id, session.starts_at, f"after:{person.id}:{session.id}", {"session_id": session.id})
            for person in people]


async def attendance(session_id: int) -> set[int]:
    """The registrations whose people entered the session's real run (not a rehearsal) from their personal page."""
    rows = await Participant.filter(run__session_id=session_id, run__rehearsal=False,
                                    registration_id__isnull=False).values("registration_id")
    return {int(row["registration_id"]) for row in rows}


async def due_now(now: datetime) -> list[Due]:
    """Every message due at `now`, written or not."""
    sessions = await (WorkshopSession.filter(cancelled_at__isnull=True, starts_at__lte=now + LOOK_AHEAD,
                                             starts_at__gt=now - LOOK_BACK - timedelta(
                                                 minutes=planning.MAX_DURATION_MINUTES))
                      .prefetch_related("workshop"))
    if not sessions:
        return []
    people: dict[int, list[Registration]] = {session.id: [] for session in sessions}
    for registration in await Registration.filter(session_id__in=list(people),
                                                  status=RegistrationStatus.CONFIRMED).order_by("id"):
        assert registration.session_id is not None
        people[registration.session_id].append(registration)
    closed = {int(row["real_session_id"]) for row in await LiveRun.filter(
        real_session_id__in=list(people), phase=RunPhase.ENDED).values("real_session_id")}
    due: list[Due] = []
    for session in sessions:
        workshop: Workshop = session.workshop
        if workshop.archived_at is not None or not people[session.id]:
            continue
        ends_at = session.starts_at + timedelta(minutes=workshop.duration_minutes)
        if now < session.starts_at:
            due += before_the_session(workshop, session, people[session.id], now)
        elif now < ends_at + LOOK_BACK and (now >= ends_at + AFTER_SESSION_DELAY or session.id in closed):
            due += after_the_session(session, people[session.id], await attendance(session.id))
    return due


async def write(due: Due, clock: Clock) -> bool:
    """Write one due message in its own transaction, if what made it due still holds; whether it was written."""
    async with in_transaction() as connection:
        registration = await Registration.filter(id=due.registration_id).using_db(connection).first()
        session = await WorkshopSession.filter(id=due.session_id).using_db(connection).first()
        if (registration is None or session is None or registration.status != RegistrationStatus.CONFIRMED
                or registration.session_id != session.id or session.cancelled_at is not None
                or session.starts_at != due.starts_at
                or (due.kind == MessageKind.REMINDER and registration.reminders_off)):
            return False
        message = await outbox.post(due.kind, to_address=registration.email, to_name=registration.display_name,
                                    language=registration.language, clock=clock, facts=due.facts,
                                    registration=registration, once_key=due.once_key, using=connection)
        return message is not None


# Other work the clock makes due, run on the schedule's minute with its `now`.
MinuteDuty = Callable[[datetime], Awaitable[object]]


class MailSchedule:
    """Writes the messages time makes due; run by the composition root every minute of its clock, and at start.

    `also` names other work due by the clock that the server does on the same minute (erasing the personal data
    whose days are over, domain/retention.py), each in isolation: one that fails is logged, the rest goes on.
    """

    def __init__(self, clock: Clock, *, also: dict[str, MinuteDuty] | None = None, every: timedelta = EVERY) -> None:
        self.clock = clock
        self.also = also or {}
        self.every = every
        self._last_run: datetime | None = None

    async def run(self) -> int:
        """Write every message due now and not written yet; how many were written."""
        now = self.clock.now()
        self._last_run = now
        due = await due_now(now)
        if not due:
            return 0
        written_keys: set[str] = set()
        for first in range(0, len(due), KEYS_PER_QUERY):
            keys = [each.once_key for each in due[first:first + KEYS_PER_QUERY]]
            written_keys.update(str(row["once_key"]) for row in await OutboxMessage.filter(
                once_key__in=keys).values("once_key"))
        written = 0
        for each in due:
            if each.once_key not in written_keys and await write(each, self.clock):
                written += 1
        if written:
            log.info("the mail schedule wrote %d message(s)", written)
        return written

    def time_to_run(self) -> bool:
        """A minute of the clock has passed since the last run (or it never ran, or the clock went back)."""
        now = self.clock.now()
        return self._last_run is None or not self._last_run <= now < self._last_run + self.every

    async def minute(self) -> None:
        """One minute's work: the messages due, then the other duties, each failure logged and the rest done."""
        try:
            await self.run()
        except Exception:
            log.exception("the mail schedule failed; it runs again in a minute")
        for name, duty in self.also.items():
            try:
                await duty(self.clock.now())
            except Exception:
                log.exception("%s failed; it runs again in a minute", name)

    async def on_time(self) -> None:
        """A tick of the composition root's time-keeper for mail (every second, so that a test's fake clock moved
        by an hour is heard at once): a minute's work when a minute of the clock has passed."""
        if self.time_to_run():
            await self.minute()
