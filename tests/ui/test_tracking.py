"""The organisers' registration tracking page, through NiceGUI's simulated user, on a fake clock."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing.user import User

from domain import accounts
from domain.clock import FakeClock
from domain.models import Registration, RoomAssignment, StaffAccount, StaffRole, Workshop
from domain.personal_links import PersonalLinks
from domain.registrations import PublicForm, Registrations
from domain.workshops import load_plan_by_id
from tests.conftest import PASSWORD
from tests.registration_workshop import ROOMS_ID, WISH_ID, registration_workshop
from tests.ui import app_clock as pages_clock
from tests.ui.conftest import see, sign_in
from tests.waiting import until

FIRST = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)  # 18:30 in Paris
SECOND = datetime(2026, 12, 17, 17, 30, tzinfo=UTC)


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands on 25 November 2026, a fortnight before the first session."""
    return clock


async def workshop_with_people() -> Workshop:
    """Session 1 takes one person: Amina has the place, a person whose name starts a formula waits; Chloé has a
    place in session 2 and wished for the room "Commerces"."""
    clock = pages_clock.current
    workshop, sessions = await registration_workshop(clock, starts=[FIRST, SECOND], capacities=[1, None])
    desk = Registrations(PersonalLinks(b"a secret of the tests, at least 32 bytes"), clock)
    plan = await load_plan_by_id(workshop.id)
    commerces = next(room.id for room in plan.breakout_rooms if room.name == "Commerces")
    for number, (name, email, session, answers) in enumerate((
            ("Amina <b>Diallo</b>", "amina@exemple.fr", sessions[0], {}),
            ("=1+2 Malin", "malin@exemple.fr", sessions[0], {WISH_ID: "@moi"}),
            ("Chloé", "chloe@exemple.fr", sessions[1], {ROOMS_ID: [commerces]}))):
        await desk.register(plan, PublicForm(session.id, name, email, answers, consent=True), language="fr",
                            network_address=f"203.0.113.{number}")
        await desk.confirm_address(await Registration.get(email=email))
    return workshop


async def test_organisers_follow_registrations_filter_them_and_export_them(organiser_user: User) -> None:
    await workshop_with_people()
    await organiser_user.open("/organise")
    organiser_user.find(kind=ui.link, content="Inscriptions").click()
    await see(organiser_user, "Inscriptions : Quartier des Tanneurs")
    await see(organiser_user, "1 place prise sur 1")
    await see(organiser_user, "2 personnes veulent une place pour 1, dont 1 sur liste d’attente")
    await see(organiser_user, "Amina <b>Diallo</b>")  # as text, never markup
    await see(organiser_user, "Commerces")  # Chloé's wish, by the room's name

    status = organiser_user.find(marker="status-filter").elements.pop()
    with organiser_user.client:
        status.value = "waiting"
    await see(organiser_user, "1 personne")
    await see(organiser_user, "=1+2 Malin")
    await organiser_user.should_not_see("amina@exemple.fr")

    organiser_user.find(kind=ui.button, content="Exporter en CSV").click()
    download = await organiser_user.download.next(timeout=60)
    assert download.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Adresse e-mail", "État", "Session"]
    assert rows[1:] == [["'=1+2 Malin", "malin@exemple.fr", "Liste d’attente", "Jeudi 10 décembre 2026, 18:30–20:00",
                         "", "'@moi", "", ""]]
    organiser_user.find(kind=ui.button, content="Ouvrir une autre session").click()
    await see(organiser_user, "Ajouter une session")  # the wizard's part with the sessions


async def test_only_organisers_open_the_tracking_page(user: User, create_user: Callable[[], User]) -> None:
    workshop = await workshop_with_people()
    path = f"/organise/workshops/{workshop.id}/registrations"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as stranger:
        response = await stranger.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")

    await accounts.create_staff("eve@ville.example", "Ève", StaffRole.MODERATOR, PASSWORD)
    await sign_in(user, "eve@ville.example")
    await see(user, "Mes missions")
    refused = await user.http_client.get(path)
    assert refused.status_code == 403 and "Cette page n’est pas destinée à votre rôle" in refused.text
    assert "amina@exemple.fr" not in refused.text

    organiser = create_user()
    await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)
    await sign_in(organiser, "claire@ville.example")
    await see(organiser, "Préparez, publiez et suivez")
    assert (await organiser.http_client.get("/organise/workshops/999/registrations")).status_code == 404
    await organiser.open(path)
    await see(organiser, "amina@exemple.fr")
    # Signed out elsewhere (another organiser ended their sessions): the open page exports nothing more.
    claire = await StaffAccount.get(email="claire@ville.example")
    await accounts.end_sessions(claire, claire.id, pages_clock.current)
    organiser.find(kind=ui.button, content="Exporter en CSV").click()
    await see(organiser, "Votre connexion a pris fin : reconnectez-vous pour voir les inscriptions.")
    assert organiser.download.http_responses == []


async def test_rooms_from_the_registrations_are_chosen_in_the_wizard_and_shown_on_the_board(
        organiser_user: User) -> None:
    workshop = await workshop_with_people()
    await organiser_user.open(f"/organise/{workshop.slug}/rooms")
    organiser_user.find("D’après les inscriptions : les salles souhaitées par chaque personne, dans la limite d’une "
                        "part équitable des places").click()
    await until(lambda: Workshop.exists(id=workshop.id, room_assignment=RoomAssignment.FROM_REGISTRATIONS))
    await organiser_user.should_not_see("le formulaire d’inscription ne demande pas")  # it asks about the rooms

    await organiser_user.open(f"/w/{workshop.slug}/moderate")
    organiser_user.find(kind=ui.tab, content="Salles").click()
    await see(organiser_user, "Salles : d’après les inscriptions.")

    await Workshop.filter(id=workshop.id).update(registration_questions=[])
    await organiser_user.open(f"/organise/{workshop.slug}/rooms")
    await see(organiser_user, "Les salles viennent des inscriptions, mais le formulaire d’inscription ne demande pas")
