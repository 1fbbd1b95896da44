"""Registering on the public page and using the personal page, in NiceGUI's simulated browser, on a fake clock."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from nicegui import ui
from nicegui.testing.user import User

from domain.clock import FakeClock
from domain.models import (
    MessageKind,
    OutboxMessage,
    Participant,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, token_hash
from tests.registration_workshop import OPINION, OPINION_CHOICES, OPINION_ID, registration_workshop
from tests.ui import app_clock as pages_clock
from tests.ui.conftest import see
from tests.waiting import until

FIRST = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)  # 18:30 in Paris
SECOND = datetime(2026, 12, 17, 17, 30, tzinfo=UTC)
FIRST_LABEL = "Jeudi 10 décembre 2026, 18:30–20:00"
SECOND_LABEL = "Jeudi 17 décembre 2026, 18:30–20:00"


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands on 25 November 2026, a fortnight before the first session."""
    return clock


def links() -> PersonalLinks:
    """The personal links as the app makes them, with the secret it keeps in its data directory."""
    secrets = json.loads((Path(os.environ["ATELIER_TEST_DATA_DIR"]) / "secrets.json").read_text())
    return PersonalLinks(secrets["personal_links_secret"].encode())


def personal_path(registration: Registration) -> str:
    """The link of the e-mails."""
    return "/r/" + links().token_of(registration)


async def workshop_with_places(capacities: list[int | None] | None = None,
                               mode: RegistrationMode = RegistrationMode.PUBLIC_FORM
                               ) -> tuple[Workshop, list[WorkshopSession]]:
    return await registration_workshop(pages_clock.current, starts=[FIRST, SECOND], capacities=capacities or [1, 2],
                                       mode=mode)


async def register(user: User, slug: str, name: str, email: str,
                   session: str = f"{FIRST_LABEL} · 1 place restante") -> None:
    """Fill in the public form and send it; `session` is the option's label, with its places."""
    await user.open(f"/w/{slug}")
    user.find(session).click()
    user.find("Votre nom").type(name)
    user.find("Votre adresse e-mail").type(email)
    user.find("J’accepte").click()
    user.find(kind=ui.button, content="S’inscrire").click()
    await see(user, "Consultez votre messagerie")


async def test_bad_fields_are_told_beside_them_and_nothing_typed_is_lost(user: User) -> None:
    workshop, _ = await workshop_with_places()
    await user.open(f"/w/{workshop.slug}")
    await see(user, "Aller au formulaire d’inscription")
    await user.should_not_see("Rejoindre l’atelier")  # no lobby door: people register first
    await see(user, "Elles sont supprimées 180 jours après l’atelier.")
    user.find("Votre nom").type("Zoé")
    user.find("Votre adresse e-mail").type("zoe@exemple")
    user.find(OPINION_CHOICES[2]).click()
    user.find(kind=ui.button, content="S’inscrire").click()
    await see(user, "Choisissez une session.")
    await see(user, "Après le @ vient un nom de domaine comme ville.fr : celui-ci est incomplet.")
    await see(user, "Cochez cette case pour vous inscrire : elle dit ce qui est conservé à votre sujet, et pour "
                    "combien de temps.")
    await see(user, "Certaines réponses sont à revoir : voyez les messages à côté.")
    assert user.find("Votre nom").elements.pop().value == "Zoé"
    assert user.find("Votre adresse e-mail").elements.pop().value == "zoe@exemple"
    assert user.find(kind=ui.radio, content=OPINION_CHOICES[2]).elements.pop().value == OPINION_CHOICES[2]
    assert not await Registration.exists()

    user.find(f"{FIRST_LABEL} · 1 place restante").click()
    user.find("Votre adresse e-mail").clear().type("zoe@exemple.fr")
    user.find("J’accepte").click()
    user.find(kind=ui.button, content="S’inscrire").click()
    await see(user, "Nous avons envoyé un message à zoe@exemple.fr. Suivez le lien qu’il contient pour confirmer "
                    "votre adresse : votre place n’est réservée qu’à ce moment-là.")
    registration = await Registration.get(email="zoe@exemple.fr")
    assert (registration.status, registration.answers) == (RegistrationStatus.UNCONFIRMED,
                                                           {OPINION_ID: OPINION_CHOICES[2]})
    assert [m.kind for m in await OutboxMessage.all()] == [MessageKind.CONFIRM_ADDRESS]
    user.find("Inscrire une autre personne").click()
    await see(user, OPINION)


async def test_the_hidden_field_keeps_bots_out_with_the_same_answer(user: User) -> None:
    workshop, _ = await workshop_with_places()
    await user.open(f"/w/{workshop.slug}")
    user.find(f"{FIRST_LABEL} · 1 place restante").click()
    user.find("Votre nom").type("Bot")
    user.find("Votre adresse e-mail").type("bot@exemple.fr")
    user.find("J’accepte").click()
    user.find("Website").type("http://spam.example")
    user.find(kind=ui.button, content="S’inscrire").click()
    await see(user, "Consultez votre messagerie")
    assert not await Registration.exists()


async def test_an_invitation_only_workshop_says_so(user: User) -> None:
    workshop, _ = await workshop_with_places(mode=RegistrationMode.INVITATION_ONLY)
    await user.open(f"/w/{workshop.slug}")
    await see(user, "L’inscription se fait sur invitation.")
    await user.should_not_see("Votre adresse e-mail")
    await user.open(f"/w/{workshop.slug}/lobby")
    await see(user, "Cet atelier est réservé aux personnes inscrites")
    await user.should_not_see("Votre nom")


async def test_the_link_confirms_and_the_page_changes_and_cancels(user: User, create_user: Callable[[], User]) -> None:
    workshop, sessions = await workshop_with_places()
    await register(user, workshop.slug, "Zoé", "zoe@exemple.fr")
    zoe = await Registration.get(email="zoe@exemple.fr")
    await user.open(personal_path(zoe))
    await see(user, "Vous êtes inscrit·e, Zoé")
    await see(user, FIRST_LABEL)
    await see(user, "Ajouter à mon agenda (.ics)")
    assert (await Registration.get(id=zoe.id)).status == RegistrationStatus.CONFIRMED

    other = create_user()
    await register(other, workshop.slug, "Ali", "ali@exemple.fr", f"{FIRST_LABEL} · complète : liste d’attente")
    ali = await Registration.get(email="ali@exemple.fr")
    await other.open(personal_path(ali))
    await see(other, "Vous êtes sur liste d’attente")
    await see(other, "Vous êtes en position 1 sur la liste d’attente de cette session :")

    user.find(f"{SECOND_LABEL} · 2 places restantes").click()
    user.find(kind=ui.button, content="Changer de session").click()
    await see(user, "Votre place passe à cette session.")
    await click_newest(user, "Changer de session")  # the dialog's
    await see(user, SECOND_LABEL)
    await until(lambda: Registration.filter(id=ali.id, status=RegistrationStatus.CONFIRMED).exists())
    assert (await Registration.get(id=zoe.id)).session_id == sessions[1].id

    user.find(kind=ui.button, content="Annuler mon inscription").click()
    await see(user, "Annuler votre inscription ?")
    await click_newest(user, "Annuler mon inscription")
    await see(user, "Votre inscription est annulée")
    assert (await Registration.get(id=zoe.id)).status == RegistrationStatus.CANCELLED
    await see(user, "Se réinscrire")


async def click_newest(user: User, label: str) -> None:
    """Click the last-made button of this label (a dialog's, over the page's own)."""
    interaction = user.find(kind=ui.button, content=label)
    interaction.elements = {max(interaction.elements, key=lambda element: element.id)}
    interaction.click()


async def test_an_altered_link_opens_nothing(user: User) -> None:
    workshop, _ = await workshop_with_places()
    await register(user, workshop.slug, "Zoé", "zoe@exemple.fr")
    path = personal_path(await Registration.get(email="zoe@exemple.fr"))
    altered = path[:-1] + ("A" if path[-1] != "A" else "B")
    response = await user.http_client.get(altered)
    assert response.status_code == 404
    assert "Ce lien ne fonctionne pas" in response.text
    assert (await Registration.get(email="zoe@exemple.fr")).status == RegistrationStatus.UNCONFIRMED


async def test_fetching_the_link_without_a_browser_confirms_nothing(user: User) -> None:
    workshop, _ = await workshop_with_places()
    await register(user, workshop.slug, "Zoé", "zoe@exemple.fr")
    zoe = await Registration.get(email="zoe@exemple.fr")
    response = await user.http_client.get(personal_path(zoe) + "?confirm=1")  # a mail scanner checking the link
    assert response.status_code == 200
    assert (await Registration.get(id=zoe.id)).status == RegistrationStatus.UNCONFIRMED


async def test_an_invitee_registers_in_one_click_and_enters_on_the_day(user: User, clock: FakeClock) -> None:
    workshop, sessions = await workshop_with_places()
    public_id = "invitation-nadia"  # an invitation as the organisers' side writes it
    nadia = await Registration.create(public_id=public_id, workshop_id=workshop.id, email="nadia@exemple.fr",
                                      display_name="Nadia", status=RegistrationStatus.INVITED,
                                      token_hash=token_hash(links().token(public_id, 1)), invited_at=clock.now())
    await user.open(personal_path(nadia))
    await see(user, "Vous êtes invité·e")
    user.find(f"{SECOND_LABEL} · 2 places restantes").click()
    user.find(kind=ui.button, content="S’inscrire").click()
    await see(user, "Vous êtes inscrit·e, Nadia")
    await see(user, "À partir de 30 minutes avant le début, un bouton ici vous fera entrer dans l’atelier, sous "
                    "votre nom.")
    clock.set(sessions[1].starts_at - timedelta(minutes=29))
    await see(user, "L’entrée est ouverte : vous entrez sous le nom Nadia.")  # the page looks by itself
    user.find(kind=ui.button, content="Entrer dans l’atelier").click()
    await see(user, "Bienvenue, Nadia !")
    participant = await Participant.get(registration_id=nadia.id)
    assert participant.display_name == "Nadia"



async def test_the_organiser_sees_who_a_session_change_reaches_and_removing_it_cancels(organiser_user: User) -> None:
    workshop, sessions = await workshop_with_places()
    await register(organiser_user, workshop.slug, "Zoé", "zoe@exemple.fr")
    zoe = await Registration.get(email="zoe@exemple.fr")
    await organiser_user.open(personal_path(zoe))
    await see(organiser_user, "Vous êtes inscrit·e, Zoé")
    await organiser_user.open(f"/organise/{workshop.slug}/when")
    await see(organiser_user, "1 personne y est inscrite : si elle a une place, elle est prévenue par e-mail d’un "
                              "changement de date ou d’heure.")
    interaction = organiser_user.find(kind=ui.button)
    remove = next(b for b in interaction.elements if b.props.get("aria-label") == "Retirer la session 1")
    interaction.elements = {remove}
    interaction.click()
    await see(organiser_user, "Elle est annulée : 1 personne inscrite est prévenue par e-mail.")
    await click_newest(organiser_user, "Retirer")
    await until(lambda: Registration.filter(id=zoe.id, status=RegistrationStatus.CANCELLED).exists())
    assert (await WorkshopSession.get(id=sessions[0].id)).cancelled_at is not None
    assert (await OutboxMessage.filter(registration_id=zoe.id).order_by("-id").first()).kind == MessageKind.CANCELLED


async def test_the_calendar_file_of_the_personal_page_is_the_mails_event(user: User) -> None:
    workshop, _sessions = await workshop_with_places()
    await register(user, workshop.slug, "Zoé", "zoe@exemple.fr")
    zoe = await Registration.get(email="zoe@exemple.fr")
    refused = await user.http_client.get(personal_path(zoe) + "/calendar.ics")  # no place taken before confirming
    assert refused.status_code == 404
    assert "Ce lien n’a pas de session" in refused.text

    await user.open(personal_path(zoe))
    await see(user, "Vous êtes inscrit·e, Zoé")
    zoe = await Registration.get(id=zoe.id)
    response = await user.http_client.get(personal_path(zoe) + "/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == FIRST.astimezone(ZoneInfo("Europe/Paris"))
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert str(event["UID"]).startswith(f"registration-{zoe.public_id}@")
    assert int(event["SEQUENCE"]) == zoe.calendar_sequence
    assert str(event["URL"]).endswith(personal_path(zoe))
    assert calendar.walk("VALARM")
