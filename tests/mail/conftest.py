"""A workshop with a session, an agenda and registered people on a real SQLite database, a real SMTP server, and
the composer and sender that Atelier builds at start-up."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, time
from email.headerregistry import Address
from typing import Any

import pytest

from domain import outbox, workshops
from domain.clock import FakeClock
from domain.models import MessageKind, OutboxMessage, Registration, RegistrationStatus, Workshop, WorkshopSession
from domain.personal_links import PersonalLinks, token_hash
from mail.composing import Composer
from mail.sender import MailSender
from mail.settings import SmtpServer
from tests.mail.smtp_server import LocalSmtpServer

PUBLIC_URL = "https://atelier.ville.example"
MAIL_FROM = Address("Mairie de Villeneuve", "atelier", "ville.example")
LINKS = PersonalLinks(b"a secret for the tests' personal links only")


@dataclass
class Place:
    """The workshop, its first session, and a helper to register people in it."""

    workshop: Workshop
    session: WorkshopSession
    clock: FakeClock

    async def register(self, name: str = "Amina Diallo", email: str | None = None, *, language: str = "fr",
                       status: RegistrationStatus = RegistrationStatus.CONFIRMED) -> Registration:
        public_id = secrets.token_hex(8)
        return await Registration.create(
            public_id=public_id, workshop=self.workshop, session=self.session,
            email=email or f"{public_id}@habitants.example", display_name=name, language=language, status=status,
            token_hash=token_hash(LINKS.token(public_id, 1)), calendar_sequence=0)

    async def post(self, kind: MessageKind, registration: Registration, **facts: Any) -> OutboxMessage:
        if kind not in (MessageKind.INVITATION, MessageKind.CONFIRM_ADDRESS):
            facts.setdefault("session_id", self.session.id)
        if kind in (MessageKind.REGISTERED, MessageKind.PROMOTED, MessageKind.SESSION_CHANGED, MessageKind.CANCELLED):
            facts.setdefault("sequence", registration.calendar_sequence)
        message = await outbox.post(kind, to_address=registration.email, to_name=registration.display_name,
                                    language=registration.language, clock=self.clock, facts=facts,
                                    registration=registration)
        assert message is not None
        return message


@pytest.fixture
async def place(db: str, clock: FakeClock) -> Place:
    """'Réinventons la place du Marché', Thursday 10 December 2026 at 18:30 in Paris, three steps."""
    workshop = await workshops.create_workshop(title="Réinventons la place du Marché", created_by=None,
                                               suggested_agenda=False)
    workshop.description = "Le marché va être rénové.\n\nQue voulez-vous y trouver ?"
    workshop.audience_details = "les habitant·es et commerçant·es du quartier"
    workshop.reminder_message = "Pensez à votre casque."
    workshop.thank_you_message = "Merci pour vos idées !"
    workshop.next_dates = "12 janvier : restitution publique."
    await workshop.save()
    for template in ("welcome", "breakout_discussion", "conclusion"):
        await workshops.add_step(workshop, template=template)
    session = await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    return Place(workshop, session, clock)


@pytest.fixture
def composer(clock: FakeClock) -> Composer:
    return Composer(public_url=PUBLIC_URL, mail_from=MAIL_FROM, links=LINKS, clock=clock)


@pytest.fixture
async def sender(composer: Composer, smtp: LocalSmtpServer, clock: FakeClock) -> AsyncIterator[MailSender]:
    worker = MailSender(composer, SmtpServer("127.0.0.1", smtp.port, implicit_tls=False), clock,
                        local_hostname="atelier.ville.example")
    yield worker
    await worker.stop()
