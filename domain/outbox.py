"""The outbox: e-mails are written here, in the same transaction as the change that causes them.

A registration confirmed, a session moved, a reminder due: the domain writes an `OutboxMessage` with what the
message is about (`facts`), never the message itself. mail/ renders it from its kind and facts and sends it,
retrying until the server takes it; with no server configured, organisers read it on the outbox page. Since
the row commits with the change or not at all, a change is never without its e-mail, nor an e-mail without
its change.

Whoever sends (mail/sender.py, started by the composition root) follows `posted` to hear of a new message at
once instead of at its next look; the domain never knows who that is.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.clock import Clock
from domain.models import MessageKind, MessageStatus, OutboxMessage, Registration

log = logging.getLogger(__name__)

PostedListener = Callable[[], None]


class Posted:
    """Tells the sender that a message may be waiting: written, or put back in the queue by an organiser.

    Told as soon as the row is written, possibly before its transaction commits: a sender that finds nothing
    yet finds it at its next regular look. Listeners must be quick and must not raise (one that does is logged).
    """

    def __init__(self) -> None:
        self._listeners: list[PostedListener] = []

    def subscribe(self, listener: PostedListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def announce(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                log.exception("a listener of the outbox failed")


posted = Posted()


async def post(
    kind: MessageKind,
    *,
    to_address: str,
    to_name: str = "",
    language: str,
    clock: Clock,
    facts: dict[str, Any] | None = None,
    workshop_id: int | None = None,
    registration: Registration | None = None,
    once_key: str | None = None,
    using: BaseDBAsyncClient | None = None,
) -> OutboxMessage | None:
    """Write one message to send. Call it with `using=` the transaction that makes the change it tells about.

    With a `once_key` already written (a reminder already sent for that person and moment), nothing is written
    and None is returned. The row is written under a savepoint: when someone else writes the same `once_key` at
    the same moment, only this row is undone, and the caller's transaction goes on (PostgreSQL would otherwise
    refuse every later statement of it).
    """
    if once_key is not None and await OutboxMessage.filter(once_key=once_key).using_db(using).exists():
        return None
    now = clock.now()
    try:
        # Inside the caller's transaction (the current one for Tortoise, the one passed as `using`), this is a
        # SAVEPOINT; outside any, a transaction of its own.
        async with in_transaction() as savepoint:
            message = await OutboxMessage.create(
                key=secrets.token_hex(16),
                kind=kind,
                to_address=to_address,
                to_name=to_name,
                language=language,
                facts=facts or {},
                workshop_id=workshop_id if registration is None else registration.workshop_id,
                registration=registration,
                once_key=once_key,
                next_attempt_at=now,
                created_at=now,
                using_db=savepoint,
            )
    except IntegrityError:
        if once_key is None:
            raise
        return None  # written by someone else at the same moment
    posted.announce()
    return message


# ---------------------------------------------------------------- what the sender does with them


async def due(now: datetime, limit: int) -> list[OutboxMessage]:
    """The queued messages whose time has come, oldest first: the order they were written in."""
    return await OutboxMessage.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).order_by(
        "id").limit(limit)


async def mark_sent(message: OutboxMessage, now: datetime) -> None:
    """The server took it: never send it again."""
    await OutboxMessage.filter(id=message.id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error="")


async def try_again_later(message: OutboxMessage, reason: str, at: datetime) -> None:
    """A temporary refusal: count the attempt, keep the reason, try again `at`."""
    await OutboxMessage.filter(id=message.id, status=MessageStatus.QUEUED).update(
        attempts=F("attempts") + 1, last_error=reason, next_attempt_at=at)


async def note_problem(message: OutboxMessage, reason: str) -> None:
    """Why the message at the head of the queue is still waiting (the server cannot be reached), without counting
    an attempt: it is tried again as soon as the server answers."""
    await OutboxMessage.filter(id=message.id, status=MessageStatus.QUEUED).update(last_error=reason)


async def give_up(message: OutboxMessage, reason: str, *, attempted: bool = True) -> None:
    """Refused for good, or tried for too long: FAILED with the reason, until an organiser tries it again."""
    await OutboxMessage.filter(id=message.id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.FAILED, last_error=reason, attempts=F("attempts") + (1 if attempted else 0))


# ---------------------------------------------------------------- what organisers see and do


async def recent(*, status: MessageStatus | None = None, limit: int = 100, before_id: int | None = None
                 ) -> list[OutboxMessage]:
    """The latest messages first, with their workshop; `before_id` pages back in time."""
    query = OutboxMessage.all()
    if status is not None:
        query = query.filter(status=status)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit).prefetch_related("workshop")


async def counts() -> dict[MessageStatus, int]:
    """How many messages are queued, sent and failed."""
    return {status: await OutboxMessage.filter(status=status).count() for status in MessageStatus}


async def retry_now(message_id: int, clock: Clock) -> bool:
    """Put a failed message back in the queue, to be tried now with a fresh count of attempts.

    False when it is not (or no longer) failed: sent or queued already, or gone.
    """
    changed = await OutboxMessage.filter(id=message_id, status=MessageStatus.FAILED).update(
        status=MessageStatus.QUEUED, attempts=0, next_attempt_at=clock.now())
    if changed:
        posted.announce()
    return bool(changed)

