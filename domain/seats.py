"""Places in a session: who has one, who waits, and the e-mail each move sends.

A session's capacity (None: no limit) counts its CONFIRMED registrations. Beyond it people wait in the order they
came (`waiting_since`, then id), and the first one takes a place as soon as one is free. Every move happens in
the caller's transaction with the session's row locked (`lock_sessions`), so the database puts two people taking
the last place at the same moment in order: one gets it, the other waits. (On PostgreSQL that is the row lock,
SELECT ... FOR UPDATE; Tortoise runs SQLite's transactions one at a time.) Commands lock sessions first, in the
order of their ids, then registrations: two commands never wait for each other in a circle.

Each calendar message (REGISTERED, PROMOTED, SESSION_CHANGED, CANCELLED) raises the registration's calendar sequence
first and carries it, so that every .ics supersedes the one before; a calendar file downloaded from the personal
page carries the latest.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count

from domain import outbox
from domain.clock import Clock
from domain.models import MessageKind, MessageStatus, OutboxMessage, Registration, RegistrationStatus, WorkshopSession

# The statuses of someone who holds a place or waits for one in their session.
IN_SESSION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
# What a move of the session replaces, when still waiting to be sent: the last date change, and the messages
# timed from the old start.
MOVED_AWAY = (MessageKind.SESSION_CHANGED, MessageKind.REMINDER, MessageKind.PRACTICAL_INFORMATION)


class CancelReason(StrEnum):
    """Why a registration was cancelled, for the CANCELLED message's wording."""

    BY_PERSON = "by_person"
    BY_ORGANISER = "by_organiser"
    SESSION_CANCELLED = "session_cancelled"


async def lock_sessions(session_ids: Iterable[int | None], connection: BaseDBAsyncClient) -> dict[int, WorkshopSession]:
    """Lock these sessions' rows until the transaction ends, in the order of their ids; the ones that still exist."""
    locked = {}
    for session_id in sorted({session_id for session_id in session_ids if session_id is not None}):
        session = await WorkshopSession.filter(id=session_id).select_for_update().using_db(connection).first()
        if session is not None:
            locked[session_id] = session
    return locked


async def places_taken(session_ids: Iterable[int], connection: BaseDBAsyncClient | None = None) -> dict[int, int]:
    """How many places are taken in each of these sessions (CONFIRMED registrations), in one query."""
    ids = list(session_ids)
    rows = await (Registration.filter(session_id__in=ids, status=RegistrationStatus.CONFIRMED)
                  .using_db(connection).annotate(taken=Count("id")).group_by("session_id")
                  .values("session_id", "taken"))
    taken = dict.fromkeys(ids, 0)
    taken.update({int(row["session_id"]): int(row["taken"]) for row in rows})
    return taken


async def people_in(session_ids: Iterable[int]) -> dict[int, int]:
    """How many people hold a place or wait for one in each of these sessions: whom a change of it reaches."""
    ids = list(session_ids)
    rows = await (Registration.filter(session_id__in=ids, status__in=IN_SESSION).annotate(people=Count("id"))
                  .group_by("session_id").values("session_id", "people"))
    people = dict.fromkeys(ids, 0)
    people.update({int(row["session_id"]): int(row["people"]) for row in rows})
    return people


def places_left(session: WorkshopSession, taken: int) -> int | None:
    """Free places (never below zero: a capacity lowered under the places taken leaves nobody out); None: no limit."""
    return None if session.capacity is None else max(session.capacity - taken, 0)


async def seat(registration: Registration, session: WorkshopSession, *, clock: Clock,
               connection: BaseDBAsyncClient) -> None:
    """Give them a place in `session` (locked) if one is free, else the end of its waiting list; tell them which.

    The waiting list goes first: places freed by a capacity raised since go to those already waiting.
    """
    await fill_from_waiting_list(session, clock=clock, connection=connection)
    free = places_left(session, (await places_taken([session.id], connection))[session.id])
    registration.session_id = session.id
    if free is None or free > 0:
        registration.status, registration.waiting_since = RegistrationStatus.CONFIRMED, None
        await registration.save(update_fields=["session_id", "status", "waiting_since"], using_db=connection)
        await tell_calendar(registration, MessageKind.REGISTERED, session.id, clock=clock, connection=connection)
    else:
        registration.status, registration.waiting_since = RegistrationStatus.WAITING, clock.now()
        await registration.save(update_fields=["session_id", "status", "waiting_since"], using_db=connection)
        await tell(registration, MessageKind.WAITING_LIST, clock=clock, connection=connection, session_id=session.id)


async def fill_from_waiting_list(session: WorkshopSession, *, clock: Clock,
                                 connection: BaseDBAsyncClient) -> list[Registration]:
    """Give the free places of `session` (locked) to the first people waiting for it, each told with PROMOTED."""
    free = places_left(session, (await places_taken([session.id], connection))[session.id])
    if free == 0:
        return []
    waiting = (Registration.filter(session_id=session.id, status=RegistrationStatus.WAITING)
               .order_by("waiting_since", "id").select_for_update().using_db(connection))
    promoted = await (waiting if free is None else waiting.limit(free))
    for registration in promoted:
        registration.status, registration.waiting_since = RegistrationStatus.CONFIRMED, None
        await registration.save(update_fields=["status", "waiting_since"], using_db=connection)
        await tell_calendar(registration, MessageKind.PROMOTED, session.id, clock=clock, connection=connection)
    return promoted


async def waiting_position(registration: Registration) -> int | None:
    """Their place in their session's waiting list, from 1; None when they are not waiting."""
    if registration.status != RegistrationStatus.WAITING or registration.waiting_since is None:
        return None
    ahead = await Registration.filter(session_id=registration.session_id, status=RegistrationStatus.WAITING,
                                      waiting_since__lt=registration.waiting_since).count()
    tied = await Registration.filter(session_id=registration.session_id, status=RegistrationStatus.WAITING,
                                     waiting_since=registration.waiting_since, id__lt=registration.id).count()
    return ahead + tied + 1


# ---------------------------------------------------------------- what the organiser's changes do to places

async def session_moved(session: WorkshopSession, *, clock: Clock, connection: BaseDBAsyncClient) -> int:
    """The session's date, time or length changed: everyone with a place gets SESSION_CHANGED (a newer .ics), and
    everyone waiting for one a WAITING_LIST message with the new time (`moved`: no calendar file, no place yet).

    A change saved field by field (the date, then the time) would send one message per field: a message of the
    same kind still waiting to be sent is replaced by the new one. Reminders and practical information written for
    the old time and not tried yet are removed: the mail schedule writes them again for the new time
    (domain/mail_schedule.py). Returns how many people are told.
    """
    people = await (Registration.filter(session_id=session.id, status__in=IN_SESSION)
                    .select_for_update().using_db(connection))
    for registration in people:
        if registration.status == RegistrationStatus.WAITING:
            await OutboxMessage.filter(registration_id=registration.id, kind=MessageKind.WAITING_LIST,
                                       status=MessageStatus.QUEUED, attempts=0).using_db(connection).delete()
            await tell(registration, MessageKind.WAITING_LIST, clock=clock, connection=connection,
                       session_id=session.id, moved=True)
            continue
        await OutboxMessage.filter(registration_id=registration.id, kind__in=MOVED_AWAY,
                                   status=MessageStatus.QUEUED, attempts=0).using_db(connection).delete()
        await tell_calendar(registration, MessageKind.SESSION_CHANGED, session.id, clock=clock,
                            connection=connection)
    return len(people)


async def session_cancelled(session: WorkshopSession, *, clock: Clock, connection: BaseDBAsyncClient) -> int:
    """The session will not take place: everyone with a place or waiting for one is cancelled and told so.

    Those who had not taken a place yet (an address to confirm, an invitation) keep their registration without a
    session: their personal page asks them to choose another. Returns how many people are told.
    """
    people = await (Registration.filter(session_id=session.id, status__in=IN_SESSION)
                    .select_for_update().using_db(connection))
    for registration in people:
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, clock.now()
        registration.waiting_since = None
        await registration.save(update_fields=["status", "cancelled_at", "waiting_since"], using_db=connection)
        await tell_calendar(registration, MessageKind.CANCELLED, session.id, clock=clock, connection=connection,
                            why=CancelReason.SESSION_CANCELLED.value)
    await (Registration.filter(session_id=session.id, status__in=(RegistrationStatus.INVITED,
                                                                  RegistrationStatus.UNCONFIRMED))
           .using_db(connection).update(session_id=None))
    return len(people)


# ---------------------------------------------------------------- messages

async def tell(registration: Registration, kind: MessageKind, *, clock: Clock, connection: BaseDBAsyncClient,
               **facts: Any) -> None:
    """Post a message to the registration's owner, in the transaction that makes the change it tells about."""
    await outbox.post(kind, to_address=registration.email, to_name=registration.display_name,
                      language=registration.language, clock=clock, facts=facts, registration=registration,
                      using=connection)


async def tell_calendar(registration: Registration, kind: MessageKind, session_id: int, *, clock: Clock,
                        connection: BaseDBAsyncClient, **facts: Any) -> None:
    """Post a message with a calendar file: the registration's calendar sequence is raised first."""
    registration.calendar_sequence += 1
    await registration.save(update_fields=["calendar_sequence"], using_db=connection)
    await tell(registration, kind, clock=clock, connection=connection, session_id=session_id,
               sequence=registration.calendar_sequence, **facts)
