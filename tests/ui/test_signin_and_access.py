"""Sign-in, sign-out, roles and languages, through NiceGUI's simulated user."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from domain import accounts, throttling
from domain.clock import FakeClock
from domain.models import StaffRole
from tests.conftest import PASSWORD
from tests.ui.conftest import see, sign_in
from tests.waiting import until


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands still: a throttled sign-in waits exactly as long as the test says."""
    return clock


async def test_anonymous_visitors_are_sent_to_sign_in_and_back(user: User) -> None:
    response = await user.http_client.get("/organise/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Forganise%2Fnew"
    await accounts.create_staff("claire@ville.example", "Claire", StaffRole.ORGANISER, PASSWORD)
    await user.open("/signin?next=%2Forganise%2Fnew")
    user.find("Adresse e-mail").type("claire@ville.example")
    user.find("Mot de passe").type(PASSWORD)
    user.find("Se connecter").click()
    await see(user, "Préparer un nouvel atelier")


async def test_a_wrong_password_gets_a_clear_message_and_repeated_failures_wait(user: User,
                                                                               app_clock: FakeClock) -> None:
    await accounts.create_staff("claire@ville.example", "Claire", StaffRole.ORGANISER, PASSWORD)
    await user.open("/signin")
    user.find("Se connecter").click()
    await see(user, "Indiquez votre adresse e-mail.")
    await see(user, "Indiquez votre mot de passe.")
    user.find("Adresse e-mail").type("claire@ville.example")
    password = next(iter(user.find("Mot de passe").elements))
    for _ in range(throttling.PER_ACCOUNT_AND_ADDRESS.free_failures):
        user.find("Mot de passe").clear().type("not the password")
        user.find("Se connecter").click()
        await until(lambda: not password.value)  # a refused password is cleared
        await see(user, "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte.")
    user.find("Mot de passe").clear().type(PASSWORD)
    user.find("Se connecter").click()
    await see(user, "Trop de tentatives échouées. Réessayez dans 2 secondes.")
    app_clock.advance(seconds=2)  # however long the attempts took: the pages' clock only moves when told
    user.find("Mot de passe").clear().type(PASSWORD)
    user.find("Se connecter").click()
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")


async def test_a_moderator_is_refused_from_organiser_pages(user: User) -> None:
    await accounts.create_staff("karim@ville.example", "Karim", StaffRole.MODERATOR, PASSWORD)
    await sign_in(user, "karim@ville.example")
    await see(user, "Mes missions")
    for path in ("/organise", "/organise/new", "/organise/staff", "/organise/demo/agenda"):
        response = await user.http_client.get(path)
        assert response.status_code == 403, path
        assert "Cette page n" in response.text and "est pas destin" in response.text


async def test_signing_out_ends_the_session(organiser_user: User) -> None:
    await organiser_user.open("/signout")  # an old bookmark: the page offers the form, signs no one out by itself
    await see(organiser_user, "Se déconnecter d’Atelier ?")
    assert (await organiser_user.http_client.get("/organise")).status_code == 200
    response = await organiser_user.http_client.post("/signout")
    assert response.status_code == 303 and response.headers["location"] == "/signin?signed_out=true"
    assert (await organiser_user.http_client.get("/organise")).status_code == 303


async def test_the_language_switch_keeps_the_page_and_sets_html_lang(organiser_user: User) -> None:
    page = await organiser_user.http_client.get("/organise")
    assert '<html lang="fr">' in page.text
    await organiser_user.open("/language/en?next=%2Forganise")
    await see(organiser_user, "Prepare, publish and follow the workshops of your municipality.")
    page = await organiser_user.http_client.get("/organise")
    assert '<html lang="en-GB">' in page.text
    response = await organiser_user.http_client.get("/language/fr?next=https://evil.example/")
    assert response.headers["location"] == "/"  # only local paths are followed


async def test_the_browser_language_is_the_default(user: User) -> None:
    page = await user.http_client.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "Staff sign-in" in page.text
    page = await user.http_client.get("/signin", headers={"Accept-Language": "fr-FR"})
    assert "Connexion de l" in page.text


async def test_health_answers_with_the_database_state(user: User) -> None:
    response = await user.http_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"
