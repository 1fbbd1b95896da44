"""Dot voting in the browser: two participants dot the ideas their room posted, the counts stay hidden from them
(and show on the board only as a number of dots so far) until the moderator reveals them.

Set ATELIER_SCREENSHOTS=1 to rewrite the live-dots-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.activities import dots, ideas
from domain.models import Step
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.e2e.test_live_workshop import (
    BREAKOUT_STEP,
    MARKET_ROOM,
    REPORT_STEP,
    choose_room,
    go_to_breakout_step,
    go_to_next_step,
    join,
    open_board,
    open_doors_and_start,
)

pytestmark = pytest.mark.e2e

BENCHES = "Des bancs à l’ombre des platanes"
MARKUP = "<b>Un marché</b> le dimanche {{ 7 * 7 }}"
A_COUNT = re.compile(r"^\d+ gommettes?$")  # a count of dots on an idea, as the results show it


def ideas_then_dots(server: Server) -> None:
    """The breakout step gets an ideas board; the report step, a dot vote (3 dots) on its ideas."""

    async def change() -> None:
        source = await Step.get(workshop__slug="demo", title=BREAKOUT_STEP)
        await workshops.update_step(source, "activity", {"kind": ideas.KIND})
        report = await Step.get(workshop__slug="demo", title=REPORT_STEP)
        await workshops.update_step(report, "activity", {"kind": dots.KIND, "source_step_id": source.id,
                                                         "dots": 3})

    in_database(server, change)


def voting(page: Page) -> Locator:
    return page.get_by_role("region", name="Vote par gommettes")


def rows(page: Page) -> Locator:
    return voting(page).get_by_role("listitem")


def post_idea(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Votre idée").fill(text)
    page.get_by_role("button", name="Publier mon idée").click()
    expect(page.get_by_role("list", name="Idées", exact=True).get_by_text(text, exact=True)).to_be_visible()


def test_two_participants_dot_their_ideas_and_see_the_counts_once_revealed(people: Contexts,
                                                                            own_server: Server) -> None:
    ideas_then_dots(own_server)
    board = open_board(people)
    amina, bruno = join(people, "Amina"), join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])
    choose_room(amina, MARKET_ROOM)
    choose_room(bruno, MARKET_ROOM)
    go_to_breakout_step(board)
    board.get_by_role("button", name="Ouvrir les salles").click()
    expect(amina.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
    expect(bruno.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
    post_idea(amina, BENCHES)
    post_idea(bruno, MARKUP)

    go_to_next_step(board, REPORT_STEP, 5)
    for page in (amina, bruno):
        expect(voting(page).get_by_role("heading", name="Vote par gommettes")).to_be_visible()
        expect(voting(page).get_by_text("Il vous reste 3 gommettes.")).to_be_visible()
        expect(rows(page)).to_have_count(2)
        expect(page.locator("li b")).to_have_count(0)  # the idea's markup, as text
    expect(voting(amina).get_by_text(MARKUP, exact=True)).to_be_visible()

    # Amina puts two dots on Bruno's idea and one on hers: none left; she takes one back.
    place_on_markup = voting(amina).get_by_role("button", name=f"Placer une gommette : {MARKUP}")
    place_on_markup.press("Enter")  # from the keyboard: the focus stays on the button, redrawn
    expect(voting(amina).get_by_text("Il vous reste 2 gommettes.")).to_be_visible()
    expect(place_on_markup).to_be_focused()
    place_on_markup.click()
    expect(voting(amina).get_by_text("Il vous reste 1 gommette.")).to_be_visible()
    voting(amina).get_by_role("button", name=f"Placer une gommette : {BENCHES}").click()
    expect(voting(amina).get_by_text("Vous avez placé toutes vos gommettes.")).to_be_visible()
    expect(voting(amina).get_by_role("button", name=f"Placer une gommette : {BENCHES}")).to_be_disabled()
    expect(voting(amina).get_by_role("button", name=f"Reprendre une gommette : {BENCHES}")).to_be_focused()
    voting(amina).get_by_role("button", name=f"Reprendre une gommette : {MARKUP}").click()
    expect(voting(amina).get_by_text("Il vous reste 1 gommette.")).to_be_visible()
    expect(rows(amina).filter(has_text=MARKUP)).to_contain_text("Vos gommettes : 1")
    voting(bruno).get_by_role("button", name=f"Placer une gommette : {BENCHES}").click()
    expect(voting(bruno).get_by_text("Il vous reste 2 gommettes.")).to_be_visible()

    # Nobody sees counts yet: Bruno only his own dots; the board only how many were placed.
    expect(rows(bruno).filter(has_text=BENCHES)).to_contain_text("Vos gommettes : 1")
    expect(rows(bruno).filter(has_text=MARKUP)).to_contain_text("Vos gommettes : 0")
    expect(voting(bruno).get_by_text(A_COUNT)).to_have_count(0)
    board.get_by_role("tab", name="Activité : Vote par gommettes").click()
    panel = board.get_by_role("tabpanel")
    expect(panel.get_by_text("3 gommettes placées pour l’instant.")).to_be_visible()
    expect(panel.get_by_text(BENCHES)).to_have_count(0)
    expect(panel.get_by_text(A_COUNT)).to_have_count(0)
    check_accessibility(amina, "/w/demo/live (dot voting)")
    check_accessibility(board, "/w/demo/moderate (dot voting)")
    keep_screenshot(amina, "live-dots-stage-voting.png", full_page=True)
    keep_screenshot(board, "live-dots-board-voting.png")

    # The moderator reveals the counts: everyone sees the ideas sorted by dots, and the vote closes.
    panel.get_by_role("button", name="Dévoiler les résultats").click()
    dialog = board.get_by_role("dialog", name="Dévoiler les résultats à tout le monde ?")
    dialog.get_by_role("button", name="Dévoiler les résultats").click()
    expect(panel.get_by_text("Les résultats sont dévoilés : le vote est terminé. 3 gommettes, par 2 personnes.")) \
        .to_be_visible()
    for page in (amina, bruno, board):
        shown = rows(amina) if page is not board else panel.get_by_role("listitem")
        expect(shown).to_have_count(2)
        expect(shown.nth(0)).to_contain_text(BENCHES)
        expect(shown.nth(0)).to_contain_text("2 gommettes")
        expect(shown.nth(1)).to_contain_text(MARKUP)
        expect(shown.nth(1)).to_contain_text("1 gommette")
    expect(voting(bruno).get_by_text(A_COUNT)).to_have_count(2)  # what was checked absent above
    expect(voting(bruno).get_by_role("button", name=re.compile("gommette"))).to_have_count(0)
    expect(panel.get_by_role("button", name="Dévoiler les résultats")).to_be_hidden()
    check_accessibility(bruno, "/w/demo/live (dots revealed)")
    check_accessibility(board, "/w/demo/moderate (dots revealed)")
    keep_screenshot(bruno, "live-dots-stage-revealed.png", full_page=True)
    keep_screenshot(board, "live-dots-board-revealed.png")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
