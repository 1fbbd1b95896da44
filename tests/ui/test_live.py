"""A moderator and participants, each in their own simulated browser, see each other's actions live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from nicegui import ui
from nicegui.testing.user import User

from domain import accounts, workshops
from domain.clock import FakeClock
from domain.models import LiveRun, RunEvent, RunPhase, StaffRole, TeamRole, Workshop
from tests.conftest import PASSWORD
from tests.ui import app_clock as pages_clock
from tests.ui.conftest import see, sign_in
from tests.waiting import until

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands on 25 November 2026: the session of 14 May 2030 is to come whatever today is."""
    return clock


async def published_workshop() -> Workshop:
    moderator = await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    workshop = await workshops.create_workshop(title="Plan vélo", created_by=None)
    await workshops.update_workshop(workshop, "description", "Où rouler en sécurité ?")
    await workshops.add_session(workshop, date(2030, 5, 14), time(18, 30))
    await workshops.add_breakout_room(workshop)
    await workshops.add_team_member(workshop, moderator.id, TeamRole.LEAD_MODERATOR)
    await workshops.publish(workshop, pages_clock.current)  # the pages' own clock
    return workshop


async def join(participant: User, slug: str, name: str, answer: str = "") -> None:
    await participant.open(f"/w/{slug}/lobby")
    participant.find("Votre nom").type(name)
    if answer:
        participant.find("Qu’est-ce qui vous amène à cet atelier ?").type(answer)
    participant.find("Entrer dans la salle d’attente").click()
    await see(participant, f"Bienvenue, {name} !")


async def test_participants_and_moderator_follow_each_other(user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    moderator = user
    amina, bruno = create_user(), create_user()
    await join(amina, workshop.slug, "Amina", "Je vais au travail à vélo.")
    await join(bruno, workshop.slug, "Bruno")
    await see(amina, "Les portes ne sont pas encore ouvertes")
    for participant in (amina, bruno):
        # A lobby follows the doors by navigating, which the simulation would send to whoever acted last:
        # close the lobbies here (the browser tests check the move from lobby to stage).
        participant.client.delete()

    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{workshop.slug}/moderate")
    await see(moderator, "En coulisses : les participant·es attendent dans la salle d’attente.")
    moderator.find("Ouvrir les portes").click()
    await see(moderator, "Portes ouvertes")

    for participant in (amina, bruno):
        await participant.open(f"/w/{workshop.slug}/live")
        await see(participant, "L’atelier commence bientôt.")
    await see(bruno, "Je vais au travail à vélo.")  # Amina's answer to the welcome question

    moderator.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(amina, "Répondez à la question d’accueil")  # the welcome step's information
    await see(bruno, "Accueil")

    amina.find("Lever la main").click()
    await see(amina, "Vous êtes n° 1 dans la file.")
    bruno.find("Lever la main").click()
    await see(bruno, "Vous êtes n° 2 dans la file.")
    await see(moderator, "Parole (2)")
    moderator.find(kind=ui.button, content="Donner la parole").click()  # the first in the queue: Amina
    await see(amina, "Vous avez la parole : vous pouvez parler.")
    await see(bruno, "Amina a la parole.")
    await see(bruno, "Vous êtes n° 1 dans la file.")

    moderator.find(kind=ui.button, content="Suivante : Présentation du projet").click()
    await see(bruno, "Objectif : Donner à tou·tes les mêmes informations de départ sur le sujet.")

    moderator.find(kind=ui.button, content="Envoyer").click()
    await see(moderator, "Écrivez d’abord le message.")
    moderator.find(kind=ui.textarea, content="Message").type("Pause de cinq minutes à 19 h.")
    moderator.find(kind=ui.button, content="Envoyer").click()
    await see(amina, "Pause de cinq minutes à 19 h.")


async def test_a_phone_is_told_a_computer_is_needed(user: User) -> None:
    workshop = await published_workshop()
    page = await user.http_client.get(f"/w/{workshop.slug}/lobby", headers={"User-Agent": PHONE})
    assert page.status_code == 200
    assert "Cet atelier nécessite un ordinateur" in page.text
    assert "Votre nom" not in page.text
    assert "Règles de l" in page.text  # the practical details are still there


async def test_a_reload_brings_a_participant_back_without_asking_again(user: User) -> None:
    workshop = await published_workshop()
    await join(user, workshop.slug, "Amina")
    await user.open(f"/w/{workshop.slug}/lobby")
    await see(user, "Bienvenue, Amina !")
    await user.should_not_see("Votre nom")
    response = await user.http_client.get(f"/w/{workshop.slug}/live")
    assert response.status_code == 303  # the doors are still closed: back to the lobby


async def test_staff_and_strangers_on_the_board(user: User) -> None:
    workshop = await published_workshop()
    response = await user.http_client.get(f"/w/{workshop.slug}/moderate")
    assert response.status_code == 303 and "/signin" in response.headers["location"]
    await accounts.create_staff("eve@ville.example", "Ève", StaffRole.MODERATOR, PASSWORD)
    await sign_in(user, "eve@ville.example")
    await see(user, "Mes missions")
    response = await user.http_client.get(f"/w/{workshop.slug}/moderate")
    assert response.status_code == 404  # a moderator outside this workshop's team


async def test_a_rehearsal_runs_apart_from_the_real_session(user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    await sign_in(user, "karim@ville.example")
    await see(user, "Mes missions")
    await user.open(f"/w/{workshop.slug}/moderate")
    user.find("Répéter cet atelier").click()
    await see(user, "Vos collègues rejoignent cette répétition avec ce lien")
    colleague = create_user()
    link = next(e.text for e in user.find("/rehearsal/").elements)
    await colleague.open(link.split("http://localhost:8080")[-1])
    colleague.find("Votre nom").type("Collègue")
    colleague.find("Entrer dans la salle d’attente").click()
    await see(colleague, "Bienvenue, Collègue !")
    colleague.client.delete()  # see the first test: the lobby's move to the stage is for the browser tests
    user.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(user, "L’atelier est en cours.")
    real = await LiveRun.get(session__workshop_id=workshop.id, rehearsal=False)
    assert real.phase == RunPhase.BACKSTAGE
    await until(LiveRun.filter(session__workshop_id=workshop.id, rehearsal=True, phase=RunPhase.RUNNING).exists)


async def test_edits_during_the_session_show_on_the_board_and_the_stage_without_a_reload(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    moderator, amina = user, create_user()
    await join(amina, workshop.slug, "Amina")
    amina.client.delete()  # see the first test: the lobby's move to the stage is for the browser tests
    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{workshop.slug}/moderate")
    moderator.find("Ouvrir les portes").click()
    await see(moderator, "Portes ouvertes")
    await amina.open(f"/w/{workshop.slug}/live")
    moderator.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(amina, "Répondez à la question d’accueil")

    # The organiser edits the workshop in the wizard meanwhile (the same domain commands the wizard calls).
    welcome = (await workshops.load_plan_by_id(workshop.id)).steps[0]
    await workshops.update_step(welcome, "title", "Bienvenue à toutes et tous")
    await see(moderator, "Maintenant : Bienvenue à toutes et tous")  # the script
    await see(amina, "Bienvenue à toutes et tous")  # the agenda bar and the step panel
    await workshops.add_breakout_room(workshop, "Vélos-cargos")
    await see(amina, "Vélos-cargos")  # the room can be chosen before the breakout
    moderator.find(kind=ui.tab, content="Salles").click()
    await see(moderator, "Vélos-cargos")


async def test_a_session_whose_record_cannot_be_read_says_so(user: User, caplog: pytest.LogCaptureFixture) -> None:
    workshop = await published_workshop()
    session = (await workshops.load_plan_by_id(workshop.id)).sessions[0]
    run = await LiveRun.create(session_id=session.id, real_session_id=session.id, join_code="damaged",
                               phase=RunPhase.OPEN)
    await RunEvent.create(run_id=run.id, sequence=1, at=session.starts_at, kind="DoorsOpenedTwice", data={})
    await sign_in(user, "karim@ville.example")
    await see(user, "Mes missions")
    board = await user.http_client.get(f"/w/{workshop.slug}/moderate")  # the moderator reads why
    assert board.status_code == 503
    assert "Cette session ne peut pas continuer" in board.text and "unknown event kind" in board.text
    lobby = await user.http_client.get(f"/w/{workshop.slug}/lobby")  # the way participants come: not now
    assert lobby.status_code == 503 and "L’atelier ne peut pas continuer pour le moment" in lobby.text
    assert "unknown event kind" not in lobby.text
    assert f"run {run.id}" in caplog.text and "cannot be read" in caplog.text  # and the server log says which
    caplog.clear()  # an error logged on purpose
