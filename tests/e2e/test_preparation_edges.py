"""The wizard's rough edges (issue 13), in Chromium: right-to-left text, text areas as tall as their text, the
names of a renamed step's buttons, required fields that keep their last valid value, and the way back from the
staff page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import MODERATOR, ORGANISER, Contexts, check_accessibility, sign_in
from tests.e2e.test_live_workshop import (
    ARRIVAL_QUESTION,
    BOARD_VIEWPORT,
    STAGE_VIEWPORT,
    TITLE,
    WELCOME_STEP,
    everyone_on_stage,
    step_information,
)
from tests.e2e.test_prepare_workshop import ALL_SAVED, NOT_SAVED

pytestmark = pytest.mark.e2e

ARABIC_TITLE = "ورشة ساحة السوق"  # "the market square workshop"
ARABIC_STEP = "الترحيب وقواعد اللعبة"  # "welcome and rules of the game"
ARABIC_CONTEXT = "نقدم المشروع ثم نستمع إلى الجميع."  # "we present the project, then listen to everyone"
HEBREW_SCRIPT = "ברוכים הבאים לסדנה."  # "welcome to the workshop"
STEP_TITLE = "Titre de l’étape"
TITLE_TOO_SHORT = "Donnez à l’atelier un titre d’au moins 3 caractères."


def direction(element: Locator) -> str:
    """The direction the browser lays the element's text out in: "ltr" or "rtl"."""
    return str(element.evaluate("element => getComputedStyle(element).direction"))


def field_of(control: Locator) -> Locator:
    """The whole Quasar field (label, control, hint and messages) around an input, however it was found."""
    return control.locator("xpath=ancestor::label[contains(concat(' ', @class, ' '), ' q-field ')][1]")


def label_of(control: Locator) -> Locator:
    return field_of(control).locator(".q-field__label")


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text=ALL_SAVED)).to_be_visible()


def step_card(page: Page, title: str) -> Locator:
    """A step of the agenda, open or closed, found by the name of the button that opens it."""
    return page.locator(".q-card").filter(has=page.get_by_role(
        "button", name=f"Afficher ou masquer l’étape « {title} »", exact=True))


def open_step(page: Page, title: str) -> Locator:
    card = step_card(page, title)
    card.get_by_role("button", name=f"Afficher ou masquer l’étape « {title} »", exact=True).click()
    expect(card.get_by_role("textbox", name=STEP_TITLE)).to_be_visible()
    return card


# ------------------------------------------------------------------ right to left


def test_right_to_left_text_reads_right_to_left_wherever_it_is_shown(people: Contexts) -> None:
    """Arabic typed in the wizard reads right to left in its field, on the public page, the stage and the board;
    labels, the page and Latin text stay left to right."""
    organiser = people.new_page()
    sign_in(organiser, ORGANISER, landing=re.compile(r"/organise$"))
    organiser.goto("/organise/demo/purpose")
    title = organiser.get_by_role("textbox", name="Titre", exact=True)
    expect(title).to_have_value(TITLE)
    assert direction(title) == "ltr"
    title.fill(ARABIC_TITLE)
    expect(organiser.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
    saved(organiser)
    assert (direction(title), direction(label_of(title))) == ("rtl", "ltr")
    assert direction(organiser.get_by_role("heading", level=1)) == "rtl"
    assert direction(organiser.locator("html")) == "ltr"
    description = organiser.get_by_role("textbox", name="Description publique")
    assert direction(description) == "ltr"  # French stays left to right

    organiser.goto("/organise/demo/agenda")
    card = open_step(organiser, WELCOME_STEP)
    card.get_by_role("textbox", name=STEP_TITLE).fill(ARABIC_STEP)
    card = step_card(organiser, ARABIC_STEP)  # its buttons are named after the saved title
    context = card.get_by_role("textbox", name="Contexte pour les participant·es")
    context.fill(ARABIC_CONTEXT)
    script = card.get_by_role("textbox", name="Scénario de l’animation")
    script.fill(HEBREW_SCRIPT)  # the stage and the board show both once saved: the expectations below wait
    assert [direction(field) for field in (card.get_by_role("textbox", name=STEP_TITLE), context, script)] == [
        "rtl", "rtl", "rtl"]
    assert direction(label_of(context)) == "ltr"
    assert direction(card.locator(".q-item").get_by_text(ARABIC_STEP, exact=True)) == "rtl"  # the step's header
    assert direction(organiser.get_by_text("Le projet en quelques images", exact=True)) == "ltr"

    visitor = people.new_page()
    visitor.goto("/w/demo")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
    assert direction(visitor.get_by_role("heading", level=1)) == "rtl"
    assert direction(visitor.get_by_text(ARABIC_STEP, exact=True)) == "rtl"  # in the agenda
    assert direction(visitor.get_by_text("Le projet en quelques images", exact=True)) == "ltr"
    check_accessibility(visitor, "/w/demo (right-to-left title)")

    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in(board, MODERATOR, landing=re.compile(r"/moderate$"))
    board.goto("/w/demo/moderate")
    expect(board.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
    assert direction(board.get_by_role("heading", level=1)) == "rtl"
    amina = people.new_page(viewport=STAGE_VIEWPORT)
    amina.goto("/w/demo/lobby")
    amina.get_by_role("textbox", name="Votre nom").fill("أمينة")
    amina.get_by_role("textbox", name=ARRIVAL_QUESTION).fill("الساحة")
    assert direction(amina.get_by_role("textbox", name="Votre nom")) == "rtl"
    amina.get_by_role("button", name="Entrer dans la salle d’attente").click()
    expect(amina.get_by_role("heading", name="Bienvenue, أمينة !")).to_be_visible()
    board.get_by_role("button", name="Ouvrir les portes").click()
    amina.wait_for_url("**/w/demo/live")
    everyone_on_stage(board, [amina])
    board.get_by_role("button", name="Commencer l’atelier").click()
    step_heading = step_information(amina).get_by_role("heading", name=ARABIC_STEP)
    expect(step_heading).to_be_visible()
    assert direction(step_heading) == "rtl"
    assert direction(step_information(amina).get_by_text(ARABIC_CONTEXT)) == "rtl"
    assert direction(amina.get_by_role("heading", level=1)) == "rtl"
    agenda_bar = amina.get_by_role("navigation").filter(has_text=ARABIC_STEP)
    assert direction(agenda_bar.get_by_text(ARABIC_STEP, exact=True)) == "rtl"
    assert direction(agenda_bar.get_by_text("Le projet en quelques images", exact=True)) == "ltr"
    script_text = board.get_by_text(HEBREW_SCRIPT, exact=True)
    expect(script_text).to_be_visible()
    assert direction(script_text) == "rtl"
    assert direction(board.get_by_text(f"Maintenant : {ARABIC_STEP}")) == "ltr"  # French first: the line is French


# ------------------------------------------------------------------ text areas


def test_a_script_opens_as_tall_as_its_text(organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    """A step drawn closed, opened later: its five-line script (the welcome template's) shows whole, with no
    scroll bar, as it does when the window narrows and its lines wrap anew."""
    page = organiser_page
    slug = new_draft("Atelier au long scénario")
    page.goto(f"/organise/{slug}/agenda")
    card = open_step(page, "Accueil")
    script = card.get_by_role("textbox", name="Scénario de l’animation")
    expect(script).to_have_value(re.compile(r"^(- [^\n]+\n){4}- [^\n]+$"))
    page.wait_for_function("area => area.scrollHeight <= area.clientHeight && area.clientHeight > 5 * 18",
                           arg=script.element_handle())
    card.locator(".q-item").first.click()  # closed and opened again: still whole
    page.set_viewport_size({"width": 900, "height": 900})  # narrower while closed: its lines may wrap anew
    card = open_step(page, "Accueil")
    page.wait_for_function("area => area.scrollHeight <= area.clientHeight", arg=script.element_handle())


# ------------------------------------------------------------------ required fields and renamed steps


def test_an_emptied_title_keeps_the_last_valid_one(organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Atelier au titre tenace")
    title = page.get_by_role("textbox", name="Titre", exact=True)
    title.fill("")
    expect(field_of(title).get_by_role("alert")).to_have_text(TITLE_TOO_SHORT)
    expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
    expect(title).to_have_value("")  # what the organiser typed stays in the field, the message beside it
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier au titre tenace")
    page.reload()
    expect(page.get_by_role("textbox", name="Titre", exact=True)).to_have_value("Atelier au titre tenace")
    title = page.get_by_role("textbox", name="Titre", exact=True)
    title.fill("Atelier renommé")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier renommé")  # saved
    saved(page)
    expect(field_of(title).get_by_role("alert")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("textbox", name="Titre", exact=True)).to_have_value("Atelier renommé")

    # A step: emptied, refused, its buttons still named after its last title; renamed, they follow.
    page.goto(f"/organise/{slug}/agenda")
    card = open_step(page, "Accueil")
    step_title = card.get_by_role("textbox", name=STEP_TITLE)
    step_title.fill("")
    expect(field_of(step_title).get_by_role("alert")).to_have_text("Donnez un titre à cette étape.")
    expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
    expect(card.get_by_role("button", name="Supprimer « Accueil »", exact=True)).to_be_visible()
    step_title.fill("Accueil des habitant·es")
    saved(page)
    for name in ("Supprimer", "Dupliquer", "Descendre"):
        expect(page.get_by_role("button", name=f"{name} « Accueil des habitant·es »", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Supprimer « Accueil »", exact=True)).to_have_count(0)
    page.reload()
    expect(step_card(page, "Accueil des habitant·es")).to_be_visible()

    # The plenary's name and a breakout room's.
    page.goto(f"/organise/{slug}/rooms")
    plenary = page.get_by_role("textbox", name="Nom de la salle plénière")
    plenary.fill("  ")
    expect(field_of(plenary).get_by_role("alert")).to_have_text("Donnez un nom à cette salle.")
    expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
    page.get_by_role("button", name="Ajouter une salle de sous-groupe").click()
    room = page.get_by_role("textbox", name="Nom", exact=True)
    expect(room).to_be_focused()
    remove = page.get_by_role("button", name=re.compile("^Retirer la salle"))
    expect(remove).to_have_accessible_name("Retirer la salle « Salle 1 »")
    room.fill("")
    expect(field_of(room).get_by_role("alert")).to_have_text("Donnez un nom à cette salle.")
    expect(remove).to_have_accessible_name("Retirer la salle « Salle 1 »")
    room.fill("Mobilités")
    expect(remove).to_have_accessible_name("Retirer la salle « Mobilités »")
    page.reload()
    expect(page.get_by_role("textbox", name="Nom de la salle plénière")).to_have_value("Plénière")
    expect(page.get_by_role("textbox", name="Nom", exact=True)).to_have_value("Mobilités")


# ------------------------------------------------------------------ the staff page


def test_the_staff_page_leads_back_to_the_team_part(organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Atelier à l’équipe incomplète")
    page.goto(f"/organise/{slug}/team")
    page.get_by_role("link", name="Créer un compte d’équipe").click()
    page.wait_for_url(re.compile(r"/organise/staff\?back="))
    back = page.get_by_role("link", name="Retour à « Atelier à l’équipe incomplète » : Équipe")
    expect(back).to_be_visible()
    check_accessibility(page, "/organise/staff (from a team part)")
    back.click()
    page.wait_for_url(re.compile(f"/organise/{slug}/team$"))
    page.goto("/organise/staff?back=https://elsewhere.example/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes de l’équipe")
    expect(page.get_by_role("link", name=re.compile("^Retour"))).to_have_count(0)
