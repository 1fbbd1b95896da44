"""The outbox's promise to the domain: a message with a `once_key` is written once, whoever writes it and when,
and writing it never breaks the transaction of the change that causes it."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from domain import outbox
from domain.models import MessageKind, OutboxMessage, Registration
from tests.mail.conftest import Place


async def remind(place: Place, registration: Registration, once_key: str, using: object = None
                 ) -> OutboxMessage | None:
    return await outbox.post(MessageKind.REMINDER, to_address=registration.email, language="fr", clock=place.clock,
                             facts={"session_id": place.session.id, "hours_before": 24}, registration=registration,
                             once_key=once_key, using=using)  # type: ignore[arg-type]


async def test_a_message_with_a_once_key_is_written_once_when_several_write_it_at_the_same_moment(place: Place
                                                                                                 ) -> None:
    registration = await place.register()
    key = f"reminder:{registration.id}:{place.session.id}:2026-12-09T17:30:00+00:00:24"

    written = await asyncio.gather(*(remind(place, registration, key) for _ in range(5)))
    again = await remind(place, registration, key)

    assert sum(message is not None for message in written) == 1
    assert again is None
    assert await OutboxMessage.filter(once_key=key).count() == 1


async def test_a_message_written_already_leaves_the_callers_transaction_going(place: Place) -> None:
    registration = await place.register()
    await remind(place, registration, "reminder:already")

    async with in_transaction() as transaction:
        assert await remind(place, registration, "reminder:already", using=transaction) is None
        await Registration.filter(id=registration.id).using_db(transaction).update(display_name="Amina D.")
        assert await remind(place, registration, "reminder:new", using=transaction) is not None

    assert (await Registration.get(id=registration.id)).display_name == "Amina D."
    assert await OutboxMessage.filter(once_key__in=["reminder:already", "reminder:new"]).count() == 2
