"""The outbox: e-mails are written here, in the same transaction as the change that causes them.

A registration confirmed, a session moved, a reminder due: the domain writes an `OutboxMessage` with what the
message is about (`facts`), never the message itself. mail/ renders it from its kind and facts and sends it,
retrying until the server takes it; with no server configured, organisers read it on the outbox page. Since
the row commits with the change or not at all, a change is never without its e-mail, nor an e-mail without
its change.
"""

from __future__ import annotations

import secrets
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from domain.clock import Clock
from domain.models import MessageKind, OutboxMessage, Registration


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
    and None is returned. Inside a transaction, that check must not break it: it is made first.
    """
    if once_key is not None and await OutboxMessage.filter(once_key=once_key).using_db(using).exists():
        return None
    now = clock.now()
    try:
        return await OutboxMessage.create(
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
            using_db=using,
        )
    except IntegrityError:
        if once_key is None:
            raise
        return None  # written by someone else at the same moment
