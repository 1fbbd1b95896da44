"""The organisers' outbox page, and the page that turns reminders off, through NiceGUI's simulated user.

The app runs as `make run` does: no mail server, so every message waits here to be read.
"""

from __future__ import annotations

import secrets
from datetime import date, time
from pathlib import Path

import httpx
from nicegui import core, ui
from nicegui.testing.user import User

import atelier
from domain import outbox, workshops
from domain.clock import SystemClock
from domain.models import MessageKind, MessageStatus, OutboxMessage, Registration, RegistrationStatus, Workshop
from domain.personal_links import PersonalLinks, token_hash
from tests.ui.conftest import see
from tests.waiting import until

PUBLIC_URL = "http://localhost:8080"  # the simulated app's settings: the defaults


async def registered(tmp_path: Path, name: str, *, kind: MessageKind = MessageKind.REGISTERED
                     ) -> tuple[Workshop, Registration, OutboxMessage, str]:
    """A workshop, one person registered in its session, and the message telling them: with their personal link."""
    workshop = await Workshop.get_or_none(slug="budget-participatif") or await workshops.create_workshop(
        title="Budget participatif", created_by=None, suggested_agenda=False)
    session = await workshops.add_session(workshop, date(2027, 3, 4), time(18, 30))
    links = PersonalLinks(atelier.load_secrets(tmp_path)["personal_links_secret"].encode())
    public_id = secrets.token_hex(8)
    registration = await Registration.create(
        public_id=public_id, workshop=workshop, session=session, email=f"{public_id}@habitants.example",
        display_name=name, language="fr", status=RegistrationStatus.CONFIRMED,
        token_hash=token_hash(links.token(public_id, 1)))
    message = await outbox.post(kind, to_address=registration.email, to_name=name, language="fr",
                                clock=SystemClock(), facts={"session_id": session.id, "sequence": 0},
                                registration=registration)
    assert message is not None
    return workshop, registration, message, links.page_of(registration, PUBLIC_URL).url


async def test_without_a_mail_server_organisers_read_each_message_and_follow_its_links(
        organiser_user: User, tmp_path: Path) -> None:
    _workshop, _registration, message, personal_page = await registered(tmp_path, "Amina <b>Diallo</b>")

    await organiser_user.open("/organise/outbox")
    await see(organiser_user, "Les e-mails ne sont pas envoyés : aucun serveur de messagerie n’est configuré.")
    await see(organiser_user, "En attente")
    await see(organiser_user, "Amina <b>Diallo</b>")  # as text, never markup
    await see(organiser_user, message.to_address)
    await see(organiser_user, "Budget participatif")
    organiser_user.find(kind=ui.link, content="Vous êtes inscrit·e : Budget participatif").click()

    await see(organiser_user, "Son texte tel que le lit son ou sa destinataire, liens compris.")
    await see(organiser_user, "Bonjour Amina <b>Diallo</b>,")
    links = [link for link in organiser_user.find(kind=ui.link, content=personal_page).elements
             if isinstance(link, ui.link)]
    assert {link.props["href"] for link in links} == {personal_page, personal_page + "#device-check"}
    await see(organiser_user, "Invitation d’agenda (invite.ics)")
    await see(organiser_user, "Ajoute la session à l’agenda, ou la met à jour")
    await see(organiser_user, f"registration-{_registration.public_id}@localhost")
    await see(organiser_user, "30 minutes avant")
    assert (await OutboxMessage.get(id=message.id)).status == MessageStatus.QUEUED  # reading sends nothing


async def test_a_failed_message_shows_why_and_can_be_tried_again(organiser_user: User, tmp_path: Path) -> None:
    _workshop, _registration, message, _page = await registered(tmp_path, "Bruno Petit")
    await OutboxMessage.filter(id=message.id).update(status=MessageStatus.FAILED, attempts=3,
                                                     last_error="550 5.1.1 No such user")

    await organiser_user.open("/organise/outbox?status=failed")
    await see(organiser_user, "Échec")
    await see(organiser_user, "550 5.1.1 No such user")
    await see(organiser_user, "3 essais")
    with organiser_user.scope(marker=f"message-{message.id}"):
        button = organiser_user.find(kind=ui.button, content="Réessayer maintenant")
        assert next(iter(button.elements)).props["aria-label"] == (
            f"Réessayer maintenant – Bruno Petit <{message.to_address}>")
        button.click()
    await see(organiser_user, f"Le message à Bruno Petit <{message.to_address}> attend de repartir.")
    await until(lambda: OutboxMessage.filter(id=message.id, status=MessageStatus.QUEUED, attempts=0).exists())


async def test_the_outbox_speaks_english_and_is_only_for_organisers(organiser_user: User, user: User,
                                                                     tmp_path: Path) -> None:
    await registered(tmp_path, "Amina Diallo", kind=MessageKind.INVITATION)
    await organiser_user.open("/language/en?next=/organise/outbox")
    await see(organiser_user, "E-mail is not sent: no mail server is set up.")
    await see(organiser_user, "Invitation")
    organiser_user.find(kind=ui.link, content="Outbox")  # in the organiser's navigation

    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as stranger:
        response = await stranger.get("/organise/outbox")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


async def test_reminders_are_turned_off_in_one_click_and_back_on_from_their_page(
        user: User, tmp_path: Path) -> None:
    _workshop, registration, _message, personal_page = await registered(tmp_path, "Amina Diallo",
                                                                        kind=MessageKind.REMINDER)
    address = personal_page.removeprefix(PUBLIC_URL) + "/reminders-off"

    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as mail_client:
        response = await mail_client.post(address, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert (await Registration.get(id=registration.id)).reminders_off
        altered = address.replace(address[4], "A" if address[4] != "A" else "B", 1)
        assert (await mail_client.post(altered, data={"List-Unsubscribe": "One-Click"})).status_code == 404

    await user.open(address)
    await see(user, "Les rappels sont désactivés : vous ne recevrez plus de rappel pour cet atelier.")
    await see(user, "Réactiver les rappels")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as browser:
        response = await browser.post(address, data={"reminders": "on"})
    assert response.status_code == 303 and response.headers["location"] == address
    assert not (await Registration.get(id=registration.id)).reminders_off
