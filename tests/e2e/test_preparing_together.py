"""Preparation never loses a word: text typed just before a reload, two organisers on one workshop, a step
deleted while someone was writing in it. Chromium, the real server, found by French labels as people find them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from domain import accounts, workshops
from domain.models import StaffAccount, StaffRole
from tests.e2e.conftest import DEMO_PASSWORD, Contexts, Server, in_database, keep_screenshot, sign_in

pytestmark = pytest.mark.e2e

ALL_SAVED = "Toutes les modifications sont enregistrées"
SECOND_ORGANISER = "amina.diallo@atelier.example"


def expect_saved(page: Page) -> None:
    """The save status, as seen and as read aloud (the other wording is hidden)."""
    expect(page.locator("[data-draft-status] .atelier-save-done")).to_have_text(ALL_SAVED)
    expect(page.locator("[data-draft-status] .atelier-save-done")).to_be_visible()


def expect_saving(page: Page) -> None:
    expect(page.locator("[data-draft-status] .atelier-save-pending")).to_be_visible()
    expect(page.locator("[data-draft-status] .atelier-save-done")).to_be_hidden()


def test_text_typed_just_before_a_reload_is_kept_and_saved(organiser_page: Page, server: Server,
                                                            new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Rechargement juste après la frappe")
    objectives = page.get_by_role("textbox", name="Objectifs")
    objectives.click()
    text = "Que chacun·e puisse proposer un usage de la place"
    page.keyboard.type(text)
    expect_saving(page)  # not "saved" while it is not
    page.reload()  # at once: the pause after which the field sends its text has not passed

    expect(page.get_by_role("textbox", name="Objectifs")).to_have_value(text)
    expect_saved(page)
    assert plan_of(server, slug).workshop.objectives == text


def test_leaving_with_text_not_yet_saved_asks_first(contexts: Contexts, organiser_state: dict,
                                                     new_draft: Callable[[str], str]) -> None:
    slug = new_draft("Quitter avant l’enregistrement")
    page = contexts.new_page(storage_state=organiser_state)
    held = HeldMessages(page)
    page.goto(f"/organise/{slug}/purpose")
    page.get_by_role("textbox", name="Objectifs").click()
    held.holding = True  # a slow network: the text has not reached the server
    page.keyboard.type("Une place pour tout le monde")
    expect_saving(page)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))  # stay on the page
    page.get_by_role("link", name="Ateliers", exact=True).first.click()  # done once the question is answered
    assert asked == ["beforeunload"]
    expect(page.get_by_role("textbox", name="Objectifs")).to_have_value("Une place pour tout le monde")
    assert page.url.endswith("/purpose")
    held.release()
    expect_saved(page)


class HeldMessages:
    """A page's messages to the server held back for a while, as by a slow network: what it types meanwhile
    reaches the server only once released."""

    def __init__(self, page: Page) -> None:
        self.holding = False
        self.held: list[str | bytes] = []
        self.to_server: WebSocketRoute | None = None
        page.route_web_socket(re.compile(r"/_nicegui_ws/"), self.connect)

    def connect(self, socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        self.to_server = server
        socket.on_message(lambda message: self.held.append(message) if self.holding else server.send(message))
        server.on_message(socket.send)

    def release(self) -> None:
        self.holding = False
        assert self.to_server is not None
        for message in self.held:
            self.to_server.send(message)
        self.held.clear()


def test_two_organisers_see_each_other_and_text_typed_in_a_deleted_step_is_offered_back(
        contexts: Contexts, organiser_page: Page, server: Server, new_draft: Callable[[str], str]) -> None:
    claire = organiser_page
    slug = new_draft("Deux organisatrices")

    async def second_organiser() -> StaffAccount:
        existing = await StaffAccount.get_or_none(email=SECOND_ORGANISER)
        return existing or await accounts.create_staff(SECOND_ORGANISER, "Amina Diallo", StaffRole.ORGANISER,
                                                       DEMO_PASSWORD, enforce_password_policy=False)

    in_database(server, second_organiser)
    amina = contexts.new_page()
    held = HeldMessages(amina)
    sign_in(amina, SECOND_ORGANISER, landing=re.compile(r"/organise$"))
    amina.goto(f"/organise/{slug}/agenda")
    claire.goto(f"/organise/{slug}/agenda")

    # Each sees the other.
    expect(claire.get_by_text("Préparent aussi cet atelier : Amina Diallo (dans « Ordre du jour »)")).to_be_visible()
    expect(amina.get_by_text("Préparent aussi cet atelier : Claire Martin (dans « Ordre du jour »)")).to_be_visible()

    # Amina renames the first step: Claire sees it without doing anything.
    first = plan_of(server, slug).steps[0]
    amina.get_by_role("button", name=f"Afficher ou masquer l’étape « {first.title} »").click()
    amina.get_by_role("textbox", name="Titre de l’étape").fill("Accueil des habitant·es")
    expect_saved(amina)
    expect(claire.get_by_role("button", name="Afficher ou masquer l’étape « Accueil des habitant·es »")).to_be_visible()
    expect(claire.get_by_text("Amina Diallo a enregistré une modification")).to_be_visible()
    keep_screenshot(claire, "preparing-together.png")

    # Amina writes in the second step's script while Claire deletes the step; Amina's words reach the server after.
    second = plan_of(server, slug).steps[1]
    amina.get_by_role("button", name=f"Afficher ou masquer l’étape « {second.title} »").click()
    script = amina.get_by_role("textbox", name="Scénario de l’animation").nth(1)
    script.click()
    held.holding = True
    script.press("Control+End")
    amina.keyboard.type(" Penser à présenter la carte des quartiers.")
    expect_saving(amina)
    claire.get_by_role("button", name=f"Afficher ou masquer l’étape « {second.title} »").click()
    claire.get_by_role("button", name=f"Supprimer « {second.title} »").click()
    claire.get_by_role("dialog").get_by_role("button", name="Supprimer").click()
    expect(claire.get_by_role("button", name=f"Afficher ou masquer l’étape « {second.title} »")).to_have_count(0)
    held.release()

    recovery = amina.get_by_role("group").filter(has_text="Claire Martin a supprimé l’étape")
    expect(recovery).to_be_visible()
    expect(recovery).to_contain_text("Penser à présenter la carte des quartiers.")
    status = amina.locator("[data-draft-status] .atelier-save-done")
    expect(status).to_have_text("Non enregistré : une partie de votre texte vous attend plus haut")
    expect(status).to_be_visible()
    keep_screenshot(amina, "preparing-together-recovery.png", full_page=True)

    recovery.get_by_role("button", name="Rétablir l’étape avec mon texte").click()
    expect_saved(amina)
    restored = plan_of(server, slug).steps[1]
    assert restored.title == second.title
    assert restored.moderator_script.endswith("Penser à présenter la carte des quartiers.")
    expect(claire.get_by_role("button", name=f"Afficher ou masquer l’étape « {second.title} »")).to_be_visible()

    # Both change the objective of the first step at once: nothing is overwritten, Amina chooses.
    claire.get_by_role("button", name="Afficher ou masquer l’étape « Accueil des habitant·es »").click()
    objective = amina.get_by_role("textbox", name="Objectif (un par étape)").first
    objective.click()
    held.holding = True
    objective.fill("Que chacun·e se sente à l’aise")
    claire.get_by_role("textbox", name="Objectif (un par étape)").first.fill("Présenter l’équipe")
    expect_saved(claire)
    held.release()
    choice = amina.get_by_role("group").filter(has_text="Claire Martin a enregistré une autre version")
    expect(choice).to_contain_text("Présenter l’équipe")
    expect(objective).to_have_value("Que chacun·e se sente à l’aise")
    expect(amina.locator("[data-draft-status] .atelier-save-done")).to_have_text(
        "Non enregistré : voyez le message à côté du champ")
    keep_screenshot(amina, "preparing-together-conflict.png")
    choice.get_by_role("button", name="Garder la mienne").click()
    expect_saved(amina)
    assert plan_of(server, slug).steps[0].objective == "Que chacun·e se sente à l’aise"
    expect(claire.get_by_role("textbox", name="Objectif (un par étape)").first).to_have_value(
        "Que chacun·e se sente à l’aise")


def plan_of(server: Server, slug: str) -> workshops.WorkshopPlan:
    return in_database(server, lambda: workshops.load_plan(slug))
