"""Room summaries and the report-out in the browser: two breakout rooms post ideas, then write their summaries
(one pen per room, asked for and handed over, the text arriving live for the room); the plenary report-out shows
every room's summary and top ideas side by side, and the moderator puts one room on the stage for everyone, then
takes it back. axe on the stage and the board.

Set ATELIER_SCREENSHOTS=1 to rewrite docs/screenshots/summary-*.png and report-out-*.png.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.models import Step, Workshop
from tests.e2e.conftest import SCREENSHOTS, Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.e2e.test_live_workshop import (
    BREAKOUT_STEP,
    FIRST_ROOM,
    MARKET_ROOM,
    REPORT_STEP,
    STEPS_TO_BREAKOUT,
    choose_room,
    go_to_next_step,
    join,
    open_board,
    open_doors_and_start,
    step_information,
)

pytestmark = pytest.mark.e2e

MARKET_SUMMARY = "Des bancs à l’ombre <b>près des halles</b> {{ 7*7 }}"
MARKET_MORE = "\nLe samedi, des stands pour les associations."
FIRST_SUMMARY = "Un sens unique rue Carnot.\nDes arceaux pour les vélos."


IDEAS_STEP = STEPS_TO_BREAKOUT[1]  # "Questions en plénière", made a breakout step with an ideas board
IDEAS = {"Amina": ["Des bancs à l’ombre"], "Bruno": ["Un marché le dimanche", "Des toilettes publiques",
                                                      "Une fontaine"],
         "Chloé": ["Un parking vélos"]}


def with_summary_and_report_out(server: Server) -> None:
    """The demo's third step becomes a breakout with an ideas board, its breakout step carries the room summary,
    its report step the report-out."""
    async def prepare() -> None:
        workshop = await Workshop.get(slug="demo")
        ideas_step = await Step.get(workshop=workshop, title=IDEAS_STEP)
        breakout = await Step.get(workshop=workshop, title=BREAKOUT_STEP)
        report = await Step.get(workshop=workshop, title=REPORT_STEP)
        await workshops.update_step(ideas_step, "kind", "breakout")
        await workshops.update_step(ideas_step, "activity", {"kind": "ideas"})
        await workshops.update_step(breakout, "activity", {"kind": "summary", "max_length": 500})
        await workshops.update_step(report, "activity", {"kind": "report_out"})

    in_database(server, prepare)


def keep_view_of(page: Page, part: Locator, name: str) -> None:
    """A screenshot of the window as the person sees it once they scrolled to this part (ATELIER_SCREENSHOTS=1)."""
    if os.environ.get("ATELIER_SCREENSHOTS") != "1":
        return
    part.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(400)  # let the scroll and Quasar's transitions settle
    page.screenshot(path=str(SCREENSHOTS / name))


def summary(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile("^Résumé de la salle"))


def summary_box(page: Page) -> Locator:
    return summary(page).get_by_role("textbox", name="Résumé de la salle")


def report(page: Page) -> Locator:
    return page.get_by_role("region", name="Ce que les salles rapportent")


def test_two_rooms_write_their_summaries_and_the_report_out_shows_them(people: Contexts,
                                                                        own_server: Server) -> None:
    with_summary_and_report_out(own_server)
    board = open_board(people)
    amina, bruno, chloe = (join(people, name) for name in ("Amina", "Bruno", "Chloé"))
    participants = [amina, bruno, chloe]
    open_doors_and_start(board, participants)
    choose_room(amina, MARKET_ROOM)
    choose_room(bruno, MARKET_ROOM)
    board.get_by_role("tab", name="Scénario").click()
    for number, title in enumerate(STEPS_TO_BREAKOUT[:2], start=2):
        go_to_next_step(board, title, number)

    # A first breakout: each room posts ideas on its board.
    board.get_by_role("button", name="Ouvrir les salles").click()
    expect(chloe.get_by_role("heading", name=f"Salle : {FIRST_ROOM}")).to_be_visible()
    for page, name in ((amina, "Amina"), (bruno, "Bruno"), (chloe, "Chloé")):
        for text in IDEAS[name]:
            page.get_by_role("textbox", name="Votre idée").fill(text)
            page.get_by_role("button", name="Publier mon idée").click()
            expect(page.get_by_role("list", name="Idées").get_by_text(text, exact=True)).to_be_visible()
    expect(amina.get_by_role("list", name="Idées").get_by_role("listitem")).to_have_count(4)
    board.get_by_role("tab", name="Activité : Mur d’idées").click()
    board.get_by_role("button", name="Épingler l’idée 4", exact=True).click()  # Bruno's last: "Une fontaine"
    expect(board.get_by_role("button", name="Désépingler l’idée 4", exact=True)).to_be_visible()
    board.get_by_role("tab", name="Scénario").click()

    # The second breakout, in the same groups: the summaries.
    go_to_next_step(board, STEPS_TO_BREAKOUT[2], 4)
    board.get_by_role("checkbox", name="Garder les groupes du dernier sous-groupe").click()
    board.get_by_role("button", name="Ouvrir les salles").click()
    expect(amina.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
    expect(chloe.get_by_role("heading", name=f"Salle : {FIRST_ROOM}")).to_be_visible()

    # Nobody writes yet; Amina takes the pen and writes, Bruno sees it arrive as she types.
    for page in participants:
        expect(summary(page).get_by_role("status").first).to_have_text("Personne n’écrit.")
        expect(summary_box(page)).to_have_attribute("readonly", "")
    amina.get_by_role("button", name="Écrire", exact=True).click()
    expect(summary(amina).get_by_text("Vous écrivez : votre texte est enregistré à mesure que vous tapez."))\
        .to_be_visible()
    expect(summary(bruno).get_by_text("Amina écrit.", exact=True)).to_be_visible()
    expect(summary(bruno).get_by_role("button", name="Écrire", exact=True)).to_be_hidden()
    summary_box(amina).press_sequentially(MARKET_SUMMARY, delay=5)
    expect(summary_box(bruno)).to_have_value(MARKET_SUMMARY)
    expect(summary(amina).get_by_text(f"{len(MARKET_SUMMARY)} / 500")).to_be_visible()  # the limit shown
    expect(summary_box(chloe)).to_have_value("")  # another room's text stays in its room

    # Bruno asks for the pen; Amina hands it over; he goes on writing.
    summary(bruno).get_by_role("button", name="Demander à écrire").click()
    expect(summary(bruno).get_by_role("button", name="Vous avez demandé le stylo")).to_be_disabled()
    expect(summary(amina).get_by_text("Bruno demande à écrire.")).to_be_visible()
    summary(amina).get_by_role("button", name="Passer le stylo à Bruno").click()
    expect(summary(amina).get_by_text("Bruno écrit.", exact=True)).to_be_visible()
    expect(summary_box(amina)).to_have_attribute("readonly", "")
    box = summary_box(bruno)
    expect(box).not_to_have_attribute("readonly", "")
    box.click()
    box.press("End")
    box.press_sequentially(MARKET_MORE, delay=5)
    expect(summary_box(amina)).to_have_value(MARKET_SUMMARY + MARKET_MORE)
    keep_view_of(amina, summary(amina), "summary-room.png")  # what the others see while one writes
    summary(bruno).get_by_role("button", name="J’ai fini d’écrire").click()
    expect(summary(amina).get_by_role("status").first).to_have_text("Personne n’écrit.")

    # Chloé writes her room's summary alone.
    chloe.get_by_role("button", name="Écrire", exact=True).click()
    summary_box(chloe).fill(FIRST_SUMMARY)
    expect(summary(chloe).get_by_text(f"{len(FIRST_SUMMARY)} / 500")).to_be_visible()

    # The moderator's board shows both rooms' summaries, as text.
    board.get_by_role("tab", name="Activité : Résumé de salle").click()
    for room, text in ((MARKET_ROOM, MARKET_SUMMARY + MARKET_MORE), (FIRST_ROOM, FIRST_SUMMARY)):
        card = board.get_by_role("article").filter(has=board.get_by_role("heading", name=room, exact=True))
        expect(card.locator("p.whitespace-pre-wrap")).to_have_text(text)
    expect(board.locator("b")).to_have_count(0)  # the markup typed is text, never HTML
    expect(board.get_by_role("article").filter(has_text=FIRST_ROOM).get_by_text("Chloé écrit.")).to_be_visible()
    keep_screenshot(board, "summary-board.png")
    check_accessibility(bruno, "/w/demo/live (room summary)")
    check_accessibility(board, "/w/demo/moderate (room summaries)")

    # The plenary's report-out: both rooms side by side, on every stage.
    board.get_by_role("tab", name="Scénario").click()
    go_to_next_step(board, REPORT_STEP, 5)
    for page in participants:
        expect(step_information(page).get_by_role("heading", name=REPORT_STEP)).to_be_visible()
        cards = report(page).get_by_role("article")
        expect(cards).to_have_count(3)  # the demo has three rooms; the third wrote nothing
    market = report(chloe).get_by_role("article").filter(has=chloe.get_by_role("heading", name=MARKET_ROOM))
    expect(market.locator("p.whitespace-pre-wrap")).to_have_text(MARKET_SUMMARY + MARKET_MORE)
    # At most three top ideas per room: pinned first, then the first posted (no dot vote), and how many more.
    expect(market.get_by_role("listitem")).to_have_text(["Une fontaineépinglée", "Des bancs à l’ombre",
                                                         "Un marché le dimanche"])  # pinned first
    expect(market.get_by_text("et 1 autre idée")).to_be_visible()
    first_room = report(chloe).get_by_role("article").filter(has=chloe.get_by_role("heading", name=FIRST_ROOM))
    expect(first_room.get_by_role("listitem")).to_have_text(["Un parking vélos"])
    expect(report(chloe).locator("b")).to_have_count(0)
    check_accessibility(chloe, "/w/demo/live (report-out)")

    # The moderator puts the market room on the stage: big for everyone, the other small; then takes it back.
    board.get_by_role("tab", name="Activité : Restitution des salles").click()
    board.get_by_role("button", name=f"Mettre « {MARKET_ROOM} » sur scène").click()
    expect(board.get_by_text(f"Sur scène : {MARKET_ROOM}.")).to_be_visible()
    for page in participants:
        expect(report(page).get_by_text(f"L’équipe d’animation a mis « {MARKET_ROOM} » sur scène.")).to_be_visible()
        first_card = report(page).get_by_role("article").first
        expect(first_card.get_by_role("heading", name=MARKET_ROOM)).to_be_visible()
        expect(first_card.get_by_text("Sur scène", exact=True)).to_be_visible()
    keep_view_of(chloe, report(chloe), "report-out-on-stage.png")
    keep_screenshot(board, "report-out-board.png")
    check_accessibility(chloe, "/w/demo/live (report-out, a room on stage)")
    check_accessibility(board, "/w/demo/moderate (report-out)")
    board.get_by_role("button", name=f"Retirer « {MARKET_ROOM} » de la scène").click()
    for page in participants:
        expect(report(page).get_by_text("Le résumé et les idées en tête de chaque salle.")).to_be_visible()
        expect(report(page).get_by_text("Sur scène", exact=True)).to_have_count(0)
    keep_view_of(amina, report(amina), "report-out.png")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
