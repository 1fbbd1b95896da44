"""Polls in the browser: a prepared poll opened from the board, two participants voting, the chart at closing;
a poll made live from the board at a step without one; axe on the stage and the board with a poll.

Set ATELIER_SCREENSHOTS=1 to rewrite the poll-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.models import Step, Workshop
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.e2e.test_live_workshop import (
    WELCOME_STEP,
    everyone_on_stage,
    go_to_next_step,
    join,
    open_board,
    open_doors_and_start,
)

pytestmark = pytest.mark.e2e

QUESTION = "Quel aménagement pour la place en priorité ?"
CHOICES = ("Plus d’arbres", "Un marché couvert", "Des bancs et des jeux")


def prepare_poll(server: Server) -> None:
    """The demo's welcome step carries a prepared poll (before anyone opens the run, which then reads it)."""

    async def work() -> None:
        workshop = await Workshop.get(slug="demo")
        step = await Step.get(workshop=workshop, title=WELCOME_STEP)
        await workshops.update_step(step, "activity", {"kind": "poll", "question": QUESTION, "choices": CHOICES,
                                                       "multiple": False, "secret": False, "results_live": False})

    in_database(server, work)


def poll_card(page: Page) -> Locator:
    return page.get_by_role("region", name="Sondages").locator(".q-card").first


def activity_tab(board: Page) -> None:
    board.get_by_role("tab", name=re.compile("^Activité")).click()


def vote(page: Page, choice: str) -> None:
    card = poll_card(page)
    card.get_by_role("radio", name=choice, exact=True).click()
    card.get_by_role("button", name="Envoyer mon vote").click()
    expect(card.get_by_text(f"Votre vote : {choice}.", exact=False)).to_be_visible()


def test_a_prepared_poll_is_opened_voted_on_and_shows_its_chart_when_closed(people: Contexts,
                                                                             own_server: Server) -> None:
    prepare_poll(own_server)
    board = open_board(people)
    amina, bruno = join(people, "Amina"), join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])
    expect(amina.get_by_text("Un sondage est prévu à cette étape", exact=False)).to_be_visible()

    activity_tab(board)
    expect(board.get_by_role("tab", name="Activité : Sondage")).to_be_visible()
    board.get_by_role("button", name="Ouvrir le sondage").click()
    for page in (amina, bruno):
        expect(poll_card(page).get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(amina.get_by_text("Un sondage est prévu à cette étape", exact=False)).to_be_hidden()
    vote(amina, CHOICES[1])
    vote(bruno, CHOICES[1])
    vote(bruno, CHOICES[2])  # changed his mind while the poll is open
    card = poll_card(board)
    expect(card.get_by_text("2 personnes ont voté")).to_be_visible()
    expect(card.locator("canvas")).to_have_count(0)  # results when the poll closes
    check_accessibility(amina, "/w/demo/live (an open poll)")

    card.get_by_role("button", name="Clore le sondage").click()
    for page in (amina, bruno, board):
        results = poll_card(page)
        expect(results.get_by_role("listitem")).to_have_text(
            [f"{CHOICES[0]} : 0 vote", f"{CHOICES[1]} : 1 vote", f"{CHOICES[2]} : 1 vote"])
        expect(results.locator("canvas").first).to_be_visible()
        expect(results.get_by_text("Clos", exact=True)).to_be_visible()
    expect(poll_card(amina).get_by_role("button", name="Envoyer mon vote")).to_be_hidden()
    keep_screenshot(amina, "poll-stage-results.png")
    keep_screenshot(board, "poll-board-results.png")
    check_accessibility(amina, "/w/demo/live (a poll's results)")
    check_accessibility(board, "/w/demo/moderate (a poll's results)")


def test_a_poll_made_live_at_a_step_without_one_shows_results_as_votes_come_in(people: Contexts) -> None:
    board = open_board(people)
    amina, bruno = join(people, "Amina"), join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])
    everyone_on_stage(board, [amina, bruno])
    go_to_next_step(board, "Le projet en quelques images", 2)

    activity_tab(board)
    board.get_by_role("button", name="Nouveau sondage").click()
    board.get_by_role("textbox", name="Question").fill("On fait une pause ?")
    board.get_by_role("textbox", name="Choix, un par ligne (2 à 10)").fill("Oui\nNon\n")
    board.get_by_role("checkbox", name="Afficher les résultats au fil des votes").click()
    check_accessibility(board, "/w/demo/moderate (a new poll)")
    board.get_by_role("button", name="Ouvrir ce sondage").click()

    vote(amina, "Oui")
    for page in (amina, bruno, board):  # the results are live: everyone sees the count move
        expect(poll_card(page).get_by_role("listitem")).to_have_text(["Oui : 1 vote", "Non : 0 vote"])
    vote(bruno, "Oui")
    expect(poll_card(amina).get_by_role("listitem")).to_have_text(["Oui : 2 votes", "Non : 0 vote"])
    keep_screenshot(board, "poll-board-live.png")
    check_accessibility(bruno, "/w/demo/live (live results)")
