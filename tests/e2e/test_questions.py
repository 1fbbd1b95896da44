"""Questions with up-votes in the browser: two participants ask and up-vote, the moderator marks and hides.

Set ATELIER_SCREENSHOTS=1 to rewrite the live-questions-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.models import Step
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.e2e.test_live_workshop import go_to_next_step, join, open_board, open_doors_and_start

pytestmark = pytest.mark.e2e

QUESTIONS_STEP = "Questions en plénière"
MARKET = "Le marché restera-t-il le samedi ?"
MARKUP = "<b>gras</b> <script>window.pwned = 1</script> {{ 7 * 7 }} ?"


def give_activity(server: Server, title: str, activity: dict[str, Any]) -> None:
    """Set a demo step's activity in the database, before any page opens the run (which reads the plan)."""

    async def work() -> None:
        step = await Step.get(workshop__slug="demo", title=title)
        await workshops.update_step(step, "activity", activity)

    in_database(server, work)


def questions(page: Page) -> Locator:
    return page.get_by_role("region", name="Questions").get_by_role("listitem")


def ask(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Votre question").fill(text)
    page.get_by_role("button", name="Poser", exact=True).click()
    expect(page.get_by_role("textbox", name="Votre question")).to_have_value("")


def test_two_participants_ask_and_up_vote_and_the_moderator_answers(people: Contexts, own_server: Server) -> None:
    give_activity(own_server, QUESTIONS_STEP, {"kind": "questions"})
    board = open_board(people)
    amina, bruno = join(people, "Amina"), join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])
    go_to_next_step(board, "Le projet en quelques images", 2)
    expect(amina.get_by_role("textbox", name="Votre question")).to_be_hidden()  # no questions at this step
    go_to_next_step(board, QUESTIONS_STEP, 3)
    for page in (amina, bruno):
        expect(page.get_by_role("heading", name="Questions", exact=True)).to_be_visible()
        expect(page.get_by_text("Aucune question pour l’instant.")).to_be_visible()
        expect(page.get_by_text("200 caractères au maximum.")).to_be_visible()  # the limit, shown

    # Empty: refused, with the reason.
    amina.get_by_role("button", name="Poser", exact=True).click()
    expect(amina.get_by_text("Écrivez d’abord votre question.")).to_be_visible()

    ask(amina, MARKET)
    ask(bruno, MARKUP)
    for page in (amina, bruno):
        expect(questions(page)).to_have_count(2)
        expect(questions(page).nth(0)).to_contain_text(MARKET)  # the same votes: the older first
        expect(questions(page).nth(1)).to_contain_text(MARKUP)  # as text: no bold, no script, no template
        expect(page.locator("li b")).to_have_count(0)
        assert page.evaluate("window.pwned") is None
    expect(questions(amina).nth(0)).to_contain_text("Votre question")
    expect(amina.get_by_role("button", name=f"Soutenir : {MARKET}")).to_have_count(0)  # not her own

    # Amina up-votes Bruno's, from the keyboard: it moves up, on both pages, and her focus moves with it.
    amina.get_by_role("button", name=f"Soutenir : {MARKUP}").press("Enter")
    for page in (amina, bruno):
        expect(questions(page).nth(0)).to_contain_text(MARKUP)
        expect(questions(page).nth(0)).to_contain_text("1 vote")
    expect(amina.get_by_role("button", name=f"Soutenir : {MARKUP}")).to_have_attribute("aria-pressed", "true")
    expect(amina.get_by_role("button", name=f"Soutenir : {MARKUP}")).to_be_focused()
    # She takes it back: back in place.
    amina.get_by_role("button", name=f"Soutenir : {MARKUP}").click()
    for page in (amina, bruno):
        expect(questions(page).nth(0)).to_contain_text(MARKET)
        expect(questions(page).nth(1)).to_contain_text("0 vote")
    bruno.get_by_role("button", name=f"Soutenir : {MARKET}").click()
    expect(questions(amina).nth(0)).to_contain_text("1 vote")

    # The moderator's board: who asked, the votes; Amina's is answered, Bruno's hidden.
    board.get_by_role("tab", name="Activité : Questions avec votes").click()
    rows = board.get_by_role("tabpanel").get_by_role("listitem")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Posée par Amina")
    expect(rows.nth(1)).to_contain_text(MARKUP)
    check_accessibility(amina, "/w/demo/live (questions)")
    check_accessibility(board, "/w/demo/moderate (questions)")
    keep_screenshot(amina, "live-questions-stage.png", full_page=True)
    expect(board.get_by_role("button", name=f"Répondue : {MARKET}")).to_have_attribute("aria-pressed", "false")
    board.get_by_role("button", name=f"Répondue : {MARKET}").click()
    expect(board.get_by_role("button", name=f"Répondue : {MARKET}")).to_have_attribute("aria-pressed", "true")
    for page in (amina, bruno):
        expect(questions(page).nth(1)).to_contain_text(MARKET)  # answered ones go below
        expect(questions(page).nth(1)).to_contain_text("Répondue")
    expect(bruno.get_by_role("button", name=f"Soutenir : {MARKET}")).to_have_count(0)
    board.get_by_role("button", name=f"Masquer : {MARKUP}").click()
    for page in (amina, bruno):
        expect(questions(page)).to_have_count(1)
    expect(rows.nth(1)).to_contain_text("Masquée aux participant·es")
    keep_screenshot(board, "live-questions-board.png", full_page=True)
    check_accessibility(board, "/w/demo/moderate (questions answered and hidden)")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
