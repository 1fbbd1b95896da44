"""The e-mails and the pages about them, in Chromium with axe-core: the organisers' outbox and a message in it,
the page that turns reminders off, and every kind of e-mail's HTML part as a mail client shows it.

The server is a demo of its own (its outbox filled by the test), started as `make run` does: without a mail
server, so the messages wait in the outbox.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import atelier
from domain import outbox
from domain.clock import SystemClock
from domain.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, token_hash
from mail.composing import Composer
from mail.settings import default_mail_from
from tests.e2e.conftest import (
    LOCALE,
    ORGANISER,
    ORGANISER_ZONE,
    Server,
    check_accessibility,
    demo_running,
    in_database,
    sign_in,
)

pytestmark = pytest.mark.e2e


@dataclass
class Outbox:
    server: Server
    failed: OutboxMessage  # a registration confirmed, refused by the mail server
    reminder: OutboxMessage
    reminders_page: str  # the path of its "stop the reminders" link
    html_parts: dict[MessageKind, str]


async def fill_outbox(server: Server) -> Outbox:
    """One message of every kind for the demo workshop, the first one failed; each one's HTML part."""
    assert server.data_dir is not None
    links = PersonalLinks(atelier.load_secrets(server.data_dir)["personal_links_secret"].encode())
    composer = Composer(public_url=server.url, mail_from=default_mail_from(server.url), links=links,
                       clock=SystemClock())
    workshop = await Workshop.get(slug="demo")
    session = await WorkshopSession.filter(workshop=workshop).order_by("starts_at").first()
    assert session is not None
    messages: dict[MessageKind, OutboxMessage] = {}
    for number, kind in enumerate([MessageKind.REGISTERED, *(kind for kind in MessageKind
                                                              if kind != MessageKind.REGISTERED)]):
        public_id = secrets.token_hex(8)
        registration = await Registration.create(
            public_id=public_id, workshop=workshop, session=session, email=f"personne{number}@habitants.example",
            display_name=f"Personne {number}", language="fr", status=RegistrationStatus.CONFIRMED,
            token_hash=token_hash(links.token(public_id, 1)))
        message = await outbox.post(kind, to_address=registration.email, to_name=registration.display_name,
                                    language="fr", clock=SystemClock(), registration=registration,
                                    facts={"session_id": session.id, "sequence": 0, "why": "by_person"})
        assert message is not None
        messages[kind] = message
    failed = messages[MessageKind.REGISTERED]
    await OutboxMessage.filter(id=failed.id).update(status=MessageStatus.FAILED, attempts=1,
                                                    last_error="550 5.1.1 User unknown")
    reminder = messages[MessageKind.REMINDER]
    reminders_page = links.page_of(await Registration.get(id=reminder.registration_id),
                                   server.url).reminders_off.removeprefix(server.url)
    html_parts = {kind: (await composer.compose(message)).rendered.html for kind, message in messages.items()}
    return Outbox(server, failed, reminder, reminders_page, html_parts)


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Outbox]:
    with demo_running(tmp_path) as server:
        yield in_database(server, lambda: fill_outbox(server))


@pytest.fixture
def visitor(browser: Browser, filled: Outbox) -> Iterator[Page]:
    context = browser.new_context(base_url=filled.server.url, locale=LOCALE, timezone_id=ORGANISER_ZONE)
    yield context.new_page()
    context.close()


def test_the_outbox_and_a_message_are_accessible_and_a_failed_one_goes_again_from_the_keyboard(
        visitor: Page, filled: Outbox) -> None:
    page = visitor
    sign_in(page, ORGANISER, landing=f"{filled.server.url}/organise")
    page.get_by_role("navigation", name="Équipe").get_by_role("link", name="Boîte d’envoi").click()
    expect(page.get_by_role("heading", level=1, name="Boîte d’envoi")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("aucun serveur de messagerie n’est configuré")
    check_accessibility(page, "/organise/outbox")

    retry = page.get_by_role("button", name="Réessayer maintenant – Personne 0 <personne0@habitants.example>")
    retry.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "Le message à Personne 0 <personne0@habitants.example> attend de repartir.")
    expect(retry).to_have_count(0)

    page.get_by_role("link", name="Rappel : ").first.click()
    expect(page.get_by_role("heading", level=2, name="Le message")).to_be_visible()
    expect(page.locator(f'a[href$="{filled.reminders_page}"]')).to_be_visible()  # the text's links are links
    check_accessibility(page, "/organise/outbox/{message_id}")


def test_reminders_are_turned_off_from_their_page(visitor: Page, filled: Outbox) -> None:
    page = visitor
    page.goto(filled.reminders_page)
    expect(page.get_by_role("heading", level=1, name="Rappels pour « Réinventons la place du Marché »")).to_be_visible()
    check_accessibility(page, "/r/{token}/reminders-off")
    page.get_by_role("button", name="Désactiver les rappels").click()
    expect(page.get_by_role("status")).to_have_text(
        "Les rappels sont désactivés : vous ne recevrez plus de rappel pour cet atelier.")
    page.get_by_role("button", name="Réactiver les rappels").click()
    expect(page.get_by_role("status")).to_have_text("Vous recevez des rappels avant votre session.")


def test_every_kind_of_email_reads_well_in_a_browser(visitor: Page, filled: Outbox) -> None:
    for kind, html in filled.html_parts.items():
        visitor.set_content(html)
        expect(visitor.get_by_role("heading", level=1)).to_have_count(1)
        check_accessibility(visitor, f"the HTML part of a {kind.value} e-mail")
