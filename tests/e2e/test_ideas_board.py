"""The ideas board in the browser: a breakout step with ideas in two rooms, the moderators' board, markup as text.

The demo workshop on the test's own server is given an ideas board at its breakout step (and only there), so
that the other tests' demo stays as it is.

Set ATELIER_SCREENSHOTS=1 to rewrite docs/screenshots/ideas-*.png.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.activities import ideas
from domain.models import Step, Workshop
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.e2e.test_live_workshop import (
    BREAKOUT_STEP,
    FIRST_ROOM,
    MARKET_ROOM,
    choose_room,
    go_to_breakout_step,
    join,
    open_board,
    open_doors_and_start,
)

pytestmark = pytest.mark.e2e

MARKUP = "<script>alert('x')</script> {{ 7 * 7 }} <b>gras</b>"


def with_ideas_at_the_breakout(server: Server, max_length: int = 120) -> None:
    async def change() -> None:
        workshop = await Workshop.get(slug="demo")
        step = await Step.get(workshop=workshop, title=BREAKOUT_STEP)
        await workshops.update_step(step, "activity", {"kind": ideas.KIND, "max_length": max_length})
    in_database(server, change)


def ideas_list(page: Page) -> Locator:
    return page.get_by_role("list", name="Idées", exact=True)


def idea_items(page: Page) -> Locator:
    """The ideas shown (not the tags or merged ideas listed inside them)."""
    return ideas_list(page).locator(":scope > li")


def tall_screenshot(page: Page, name: str, height: int) -> None:
    """The window made tall enough to show the ideas (a whole-page picture draws the fixed header mid-page)."""
    if os.environ.get("ATELIER_SCREENSHOTS") != "1":
        return
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": size["width"], "height": height})
    keep_screenshot(page, name)
    page.set_viewport_size(size)


def post(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Votre idée").fill(text)
    page.get_by_role("button", name="Publier mon idée").click()
    expect(idea_items(page).filter(has_text=text)).to_be_visible()


def test_ideas_in_two_rooms_stay_in_their_room_and_all_reach_the_board(people: Contexts, own_server: Server) -> None:
    with_ideas_at_the_breakout(own_server)
    board = open_board(people)
    amina, bruno, chloe = (join(people, name) for name in ("Amina", "Bruno", "Chloé"))
    participants = [amina, bruno, chloe]
    open_doors_and_start(board, participants)
    choose_room(amina, MARKET_ROOM)
    choose_room(bruno, MARKET_ROOM)
    choose_room(chloe, FIRST_ROOM)
    go_to_breakout_step(board)
    board.get_by_role("button", name="Ouvrir les salles").click()
    for page, room in ((amina, MARKET_ROOM), (bruno, MARKET_ROOM), (chloe, FIRST_ROOM)):
        expect(page.get_by_role("heading", name=f"Salle : {room}")).to_be_visible()
        expect(page.get_by_role("heading", name="Mur d’idées")).to_be_visible()
        expect(page.get_by_text("Aucune idée pour l’instant : lancez-vous !")).to_be_visible()

    # The limit shows, and a counter as one types.
    field = amina.get_by_role("textbox", name="Votre idée")
    expect(amina.get_by_text("120 caractères au maximum.")).to_be_visible()
    amina.get_by_role("button", name="Publier mon idée").click()  # empty: refused beside the field
    expect(amina.get_by_text("Écrivez votre idée avant de la publier.")).to_be_visible()
    field.fill("Des bancs")
    expect(amina.get_by_text("9 / 120")).to_be_visible()
    expect(amina.get_by_text("Écrivez votre idée avant de la publier.")).to_have_count(0)
    amina.get_by_role("button", name="Publier mon idée").click()
    expect(idea_items(amina)).to_have_count(1)

    # Bruno sees Amina's arrive, in his room only; Chloé's room has its own.
    expect(idea_items(bruno)).to_have_text([re.compile("Des bancs")])
    post(bruno, MARKUP)
    post(chloe, "Une piste cyclable rue Haute")
    expect(idea_items(amina)).to_have_count(2)
    expect(ideas_list(amina).get_by_text(MARKUP, exact=True)).to_be_visible()  # as typed, never run
    expect(idea_items(chloe)).to_have_count(1)
    expect(chloe.get_by_text("Des bancs")).to_have_count(0)
    expect(chloe.get_by_text(MARKUP)).to_have_count(0)
    assert amina.evaluate("typeof window.alerted") == "undefined"

    # Amina edits her idea and deletes nothing of anyone else's: only her own has the buttons.
    mine = idea_items(amina).filter(has_text="Des bancs")
    expect(ideas_list(amina).get_by_role("button", name=re.compile("^Modifier"))).to_have_count(1)
    mine.get_by_role("button", name=re.compile("^Modifier mon idée")).click()
    dialog = amina.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Votre idée").fill("Des bancs à l’ombre")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(ideas_list(bruno).get_by_text("Des bancs à l’ombre")).to_be_visible()

    # The board: both rooms, each with its count.
    board.get_by_role("tab", name="Activité : Mur d’idées").click()
    market = board.get_by_role("region", name=MARKET_ROOM, exact=True)
    first = board.get_by_role("region", name=FIRST_ROOM, exact=True)
    expect(market.get_by_role("heading", name=f"{MARKET_ROOM} : 2 idées")).to_be_visible()
    expect(first.get_by_role("heading", name=f"{FIRST_ROOM} : 1 idée")).to_be_visible()
    expect(market.get_by_text(MARKUP, exact=True)).to_be_visible()
    expect(first.get_by_text("Une piste cyclable rue Haute")).to_be_visible()

    # The moderators pin, tag, hide and merge; the room sees it, the other room hears nothing of it.
    market.get_by_role("button", name="Épingler l’idée 2").click()
    expect(idea_items(amina).first).to_contain_text("Épinglée")
    market.get_by_role("button", name="Étiquettes de l’idée 1").click()
    board.get_by_role("dialog").get_by_role("textbox", name="Étiquettes, séparées par des virgules").fill(
        "mobilier, ombre")
    board.get_by_role("dialog").get_by_role("button", name="Enregistrer").click()
    expect(board.get_by_role("dialog")).to_have_count(0)  # closed, not fading when the page is checked below
    expect(ideas_list(bruno).get_by_role("list", name="Étiquettes")).to_have_text(re.compile("mobilier.*ombre"))
    post(bruno, "Plus de bancs")
    expect(market.get_by_role("heading", name=f"{MARKET_ROOM} : 3 idées")).to_be_visible()
    tall_screenshot(board, "ideas-board.png", 1500)
    tall_screenshot(amina, "ideas-stage-room.png", 1250)
    check_accessibility(board, "/w/demo/moderate (ideas)")
    check_accessibility(amina, "/w/demo/live (ideas)")
    market.get_by_role("button", name="Fusionner l’idée 4").click()
    board.get_by_role("dialog").get_by_role("combobox", name="Fusionner avec – idée 4").click()
    board.get_by_role("option", name=re.compile("^n° 2 ")).click()
    board.get_by_role("dialog").get_by_role("button", name="Fusionner", exact=True).click()
    expect(idea_items(amina)).to_have_count(2)
    expect(ideas_list(amina).get_by_text("Fusionnée avec 1 idée proche :")).to_be_visible()
    market.get_by_role("button", name="Masquer l’idée 2").click()
    expect(idea_items(bruno)).to_have_count(1)
    expect(market.get_by_role("heading", name=f"{MARKET_ROOM} : 1 idée")).to_be_visible()
    market.get_by_role("button", name="Réafficher l’idée 2").click()
    expect(idea_items(bruno)).to_have_count(2)
    expect(idea_items(chloe)).to_have_count(1)

    # Amina deletes her idea; a moderator posts one for Chloé's room.
    amina.get_by_role("button", name=re.compile("^Supprimer mon idée")).first.click()
    amina.get_by_role("dialog").get_by_role("button", name="Supprimer").click()
    expect(idea_items(bruno)).to_have_count(1)
