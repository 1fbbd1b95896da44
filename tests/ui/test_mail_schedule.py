"""The server writes the messages time sends by its own clock: a fake one here, moved by the test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from nicegui.testing.user import User

from domain import workshops
from domain.clock import FakeClock
from domain.models import MessageKind, OutboxMessage, Registration, RegistrationStatus
from tests.waiting import until


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """25 November 2026, a fortnight before the session."""
    return clock


async def test_the_server_writes_the_reminder_when_its_clock_reaches_it(user: User, app_clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    session = await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    await Registration.create(public_id="amina", workshop=workshop, session=session, email="amina@exemple.fr",
                              display_name="Amina", status=RegistrationStatus.CONFIRMED, token_hash="0" * 64)
    app_clock.set(datetime(2026, 12, 10, 16, 30, tzinfo=UTC) + timedelta(seconds=1))  # an hour before 18:30 in Paris
    await until(lambda: OutboxMessage.filter(kind=MessageKind.REMINDER).exists(),
                message="the server's mail schedule never wrote the reminder")
    reminder = await OutboxMessage.get(kind=MessageKind.REMINDER)
    assert reminder.facts["hours_before"] == 1 and reminder.to_address == "amina@exemple.fr"
