"""The live workshop against abuse: rights checked on every command, removals that hold, limits, names, staff marks.

Each test drives the real pages in NiceGUI's simulated browsers on a real SQLite database, on a fake clock
that stands still unless the test moves it (time windows are the run's clock's).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time

import httpx
import pytest
from nicegui import Client, ElementFilter, core, ui
from nicegui.testing.user import User

from domain import workshops
from domain.clock import FakeClock
from domain.models import LiveRun, RunEvent, RunPhase, StaffAccount, StaffSession, Workshop
from tests.ui.conftest import BROWSER_ZONE, see, sign_in
from tests.ui.test_live import published_workshop
from tests.waiting import until


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands on 25 November 2026, before the workshop's sessions, and moves only when told."""
    return clock


async def enter_lobby(participant: User, slug: str, name: str) -> None:
    await participant.open(f"/w/{slug}/lobby")
    participant.find("Votre nom").type(name)
    participant.find("Entrer dans la salle d’attente").click()


async def join(participant: User, slug: str, name: str) -> None:
    await enter_lobby(participant, slug, name)
    await see(participant, f"Bienvenue, {name} !")


async def open_board(moderator: User, slug: str) -> None:
    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{slug}/moderate")
    await see(moderator, "En coulisses")


async def run_phase(workshop: Workshop) -> RunPhase:
    return (await LiveRun.get(session__workshop_id=workshop.id, rehearsal=False)).phase


async def on_stage(moderator: User, participants: list[User], workshop: Workshop, *names: str) -> None:
    """The participants joined, the doors open, each on the stage; the moderator on the board."""
    for participant, name in zip(participants, names, strict=True):
        await join(participant, workshop.slug, name)
        participant.client.delete()  # a lobby's move to the stage is for the browser tests (see tests/ui/test_live)
    await open_board(moderator, workshop.slug)
    moderator.find("Ouvrir les portes").click()
    await see(moderator, "Portes ouvertes")
    for participant in participants:
        await participant.open(f"/w/{workshop.slug}/live")
        await see(participant, "L’atelier commence bientôt.")


async def remove(moderator: User, name: str) -> None:
    moderator.find(kind=ui.tab, content="Personnes").click()
    moderator.find(kind=ui.button, content="person_remove").click()  # the one person in the list
    moderator.find(kind=ui.button, content="Retirer").click()


# ------------------------------------------------------------------ staff rights on every command

async def test_a_moderator_taken_off_the_team_sees_the_board_stop_at_once_and_opens_nothing(user: User) -> None:
    workshop = await published_workshop()
    await open_board(user, workshop.slug)
    doors = user.find("Ouvrir les portes")  # the button as the open board holds it
    member = (await workshops.load_plan_by_id(workshop.id)).team[0]
    await workshops.remove_team_member(member)  # the organiser, in the wizard
    await see(user, "Cette page ne fonctionne plus")
    await see(user, "Vous ne faites plus partie de l’équipe de cet atelier")
    await user.should_not_see("Ouvrir les portes")
    doors.click()  # a click sent for the button the page showed before
    assert await run_phase(workshop) == RunPhase.BACKSTAGE


async def test_a_moderator_whose_account_was_disabled_has_the_next_command_refused(user: User) -> None:
    workshop = await published_workshop()
    await open_board(user, workshop.slug)
    await StaffAccount.filter(email="karim@ville.example").update(active=False)
    user.find("Ouvrir les portes").click()
    await see(user, "Votre connexion a pris fin : reconnectez-vous pour animer.")
    await see(user, "Cette page ne fonctionne plus")
    assert await run_phase(workshop) == RunPhase.BACKSTAGE


async def test_a_moderator_whose_session_ended_has_the_next_command_refused(user: User) -> None:
    workshop = await published_workshop()
    await open_board(user, workshop.slug)
    await StaffSession.all().delete()  # signed out elsewhere, or the session expired
    user.find("Commencer l’atelier").click()
    await see(user, "Votre connexion a pris fin")
    assert await run_phase(workshop) == RunPhase.BACKSTAGE


async def test_a_board_pressing_a_button_in_a_loop_is_slowed_down(user: User) -> None:
    workshop = await published_workshop()
    await open_board(user, workshop.slug)
    user.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(user, "L’atelier est en cours.")
    plus_one = user.find(kind=ui.button, content="+1 min")
    for _ in range(30):
        plus_one.click()
    await see(user, "Trop de clics d’un coup")

    async def extended() -> int:
        return await RunEvent.filter(kind="CountdownExtended").count()

    await until(lambda: extended(), message="the commands within the limit were not all run")
    await until(lambda: _equal(extended(), 19))  # 20 commands in 10 s per page: "start" was one of them
    await see(user, "L’atelier est en cours.")
    assert await extended() == 19


def shows(client: Client, text: str) -> bool:
    """Whether this page (not necessarily the one its browser shows now) holds this text."""
    with client:
        return any(True for _ in ElementFilter(content=text))


async def _equal(count: Awaitable[int], expected: int) -> bool:
    return await count == expected


# ------------------------------------------------------------------ removed participants

async def test_a_removed_participant_cannot_come_back_with_the_same_link(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina = create_user()
    await on_stage(user, [amina], workshop, "Amina")
    await user.open(f"/w/{workshop.slug}/moderate")
    await remove(user, "Amina")
    await see(amina, "L’équipe d’animation vous a retiré·e de la session.")
    await amina.open(f"/w/{workshop.slug}/live")  # the same browser, the same link
    await see(amina, "Vous ne participez plus à cette session")
    await amina.should_not_see("Votre nom")


async def test_a_removed_participant_cannot_join_again_from_another_browser_by_the_same_name(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina = create_user()
    await on_stage(user, [amina], workshop, "Amina")
    await user.open(f"/w/{workshop.slug}/moderate")
    await remove(user, "Amina")
    await see(user, "Amina a été retiré")
    other_browser = create_user()
    await enter_lobby(other_browser, workshop.slug, "amina")
    await see(other_browser, "Une personne de ce nom a été retirée de cette session")
    await other_browser.should_not_see("Bienvenue")


async def test_a_removed_page_that_ignores_the_order_to_leave_gets_nothing_more(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina, bruno = create_user(), create_user()
    await on_stage(user, [amina, bruno], workshop, "Amina", "Bruno")
    stage = amina.client  # her stage page: it stays open whatever it is told
    assert stage is not None
    await user.open(f"/w/{workshop.slug}/moderate")
    await remove(user, "Amina")
    await until(lambda: shows(stage, "Cette page ne fonctionne plus"))  # its controls are gone on the server
    assert not shows(stage, "Lever la main")
    await user.open(f"/w/{workshop.slug}/moderate")  # the simulation may have sent her order to leave here
    user.find(kind=ui.button, content="Commencer l’atelier").click()
    user.find(kind=ui.tab, content="Message").click()
    user.find(kind=ui.textarea, content="Message").type("Pause de cinq minutes à 19 h.")
    user.find(kind=ui.button, content="Envoyer").click()
    await see(bruno, "Pause de cinq minutes à 19 h.")
    await see(bruno, "Accueil")
    assert not stage.is_deleted
    assert not shows(stage, "Pause de cinq minutes") and not shows(stage, "Accueil")  # it hears nothing more


# ------------------------------------------------------------------ limits

def browser_at(address: str) -> User:
    """A simulated browser whose requests come from this network address."""
    browser = User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app, client=(address, 50000)),
                                     base_url="http://test"))
    browser.javascript_rules[BROWSER_ZONE] = lambda _: "Europe/Paris"
    return browser


async def test_joins_from_one_network_address_are_limited(user: User, app_clock: FakeClock) -> None:
    workshop = await published_workshop()
    for number in range(20):  # a town hall's room may share one address: twenty a minute pass
        await join(browser_at("203.0.113.9"), workshop.slug, f"Personne {number}")
    await join(browser_at("198.51.100.7"), workshop.slug, "Voisine")  # another address has its own allowance
    late = browser_at("203.0.113.9")
    await enter_lobby(late, workshop.slug, "Personne 21")
    await see(late, "Beaucoup de personnes viennent d’entrer depuis votre réseau : réessayez dans 60 secondes.")
    app_clock.advance(minutes=1)
    late.find("Entrer dans la salle d’attente").click()
    await see(late, "Bienvenue, Personne 21 !")


async def test_a_full_session_refuses_the_next_person_and_points_to_the_next_session(
        user: User, create_user: Callable[[], User], clock: FakeClock) -> None:
    workshop = await published_workshop()
    plan = await workshops.load_plan_by_id(workshop.id)
    await workshops.set_session_capacity(plan.sessions[0], 2, clock=clock)
    await workshops.add_session(workshop, date(2030, 5, 21), time(18, 30))
    await join(user, workshop.slug, "Amina")
    late = create_user()
    await late.open(f"/w/{workshop.slug}/lobby")  # one place left as the page opens
    await join(create_user(), workshop.slug, "Bruno")  # taken meanwhile
    late.find("Votre nom").type("Chloé")
    late.find("Entrer dans la salle d’attente").click()
    await see(late, "Cette session est complète")
    await see(late, "Ses 2 places sont toutes prises")
    await see(late, "Atelier n’a pas encore de liste d’attente")
    await see(late, "Prochaine session : Mardi 21 mai 2030")
    await see(late, "Aller à la page de l’atelier")
    assert await RunEvent.filter(kind="ParticipantJoined").count() == 2
    newcomer = create_user()
    await newcomer.open(f"/w/{workshop.slug}/lobby")  # full already: no form, the same explanation
    await see(newcomer, "Cette session est complète")
    await newcomer.should_not_see("Votre nom")


async def test_forty_quick_hand_clicks_store_few_events(user: User, create_user: Callable[[], User],
                                                        app_clock: FakeClock) -> None:
    workshop = await published_workshop()
    amina, bruno = create_user(), create_user()
    await on_stage(user, [amina, bruno], workshop, "Amina", "Bruno")
    await user.open(f"/w/{workshop.slug}/moderate")
    user.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(amina, "Accueil")
    bruno.find("Lever la main").click()
    await see(bruno, "Vous êtes n° 1 dans la file.")
    app_clock.advance(seconds=1)  # Amina's hand comes after Bruno's
    hand = amina.find(kind=ui.button, content="la main")
    for _ in range(40):
        hand.click()
    await see(amina, "Trop de clics d’un coup")
    hands = RunEvent.filter(kind__in=("HandRaised", "HandLowered"))
    assert await hands.count() <= 3  # Bruno's, and Amina's first: the rest waits for her second to be over
    await see(bruno, "Vous êtes n° 1 dans la file.")


# ------------------------------------------------------------------ names and the staff's mark

@pytest.mark.parametrize(("name", "refusal"), [
    ("\u200b\u200b\u200b", "Retapez votre nom sans caractère invisible"),
    ("\u202eanimA", "Retapez votre nom sans caractère invisible"),
    ("Am\u0007ina", "Retapez votre nom sans caractère invisible"),
    ("karim BENALI", "Une personne de l’équipe d’animation porte ce nom"),
    ("Modératrice", "Seule l’équipe d’animation est affichée avec un rôle"),
    ("Animateur", "Seule l’équipe d’animation est affichée avec un rôle"),
    ("Organisatrice", "Seule l’équipe d’animation est affichée avec un rôle"),
    ("Admin", "Seule l’équipe d’animation est affichée avec un rôle"),
])
async def test_misleading_names_are_refused_beside_the_name_field(user: User, name: str, refusal: str) -> None:
    workshop = await published_workshop()
    await enter_lobby(user, workshop.slug, name)
    await see(user, refusal)
    assert not await RunEvent.filter(kind="ParticipantJoined").exists()


@pytest.mark.parametrize("name", ["Zoë", "Nguyễn", "李小龍", "O’Brien", "Jean-Pierre d’Arc"])
async def test_names_of_every_script_are_welcome(user: User, name: str) -> None:
    workshop = await published_workshop()
    await join(user, workshop.slug, name)


async def test_the_team_is_marked_on_the_stage(user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina = create_user()
    await on_stage(user, [amina], workshop, "Amina")
    await see(amina, "Karim Benali")
    await see(amina, "Animateur·rice")  # the team's mark beside the name, read with it


async def test_a_participant_removed_while_waiting_in_the_lobby_is_told_there(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina = create_user()
    await join(amina, workshop.slug, "Amina")
    await amina.open(f"/w/{workshop.slug}/lobby")  # her waiting room, as after a reload
    await see(amina, "Bienvenue, Amina !")
    await open_board(user, workshop.slug)
    await remove(user, "Amina")
    await see(amina, "Vous ne participez plus à cette session")
