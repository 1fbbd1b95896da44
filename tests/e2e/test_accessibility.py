"""axe-core finds no violation, of any impact, on the pages the other browser tests do not already audit.

Together with them, every page is audited at least once:
- home, sign-in, public page, dashboard and every wizard part: test_prepare_workshop.py;
- the lobby (device check, waiting room), the stage (plenary, floor, breakout, closing) and every tab of the
  board with its ending dialog: test_keyboard.py and test_live_workshop.py;
- here: the account page, a new workshop, the staff page and its dialogs, the moderator's pages, the lobby with a
  name refused and with the session full, a removed participant's page and a board whose moderator left the team.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from domain.i18n import translate
from tests.e2e.conftest import (
    MODERATOR,
    ORGANISER,
    Contexts,
    check_accessibility,
    sign_in,
)

pytestmark = pytest.mark.e2e

MODERATOR_NAME = "Karim Benali"
STAGE_VIEWPORT = {"width": 1280, "height": 800}
BOARD_VIEWPORT = {"width": 760, "height": 1000}


def fr(text: str, **values: object) -> str:
    """The French the pages show, from the catalog the server reads."""
    return translate(text, "fr").format(**values)


@pytest.mark.parametrize("path", ["/account", "/organise/new"])
def test_the_organisers_other_pages_are_accessible(organiser_page: Page, path: str) -> None:
    organiser_page.goto(path)
    expect(organiser_page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(organiser_page, path)


def test_the_moderators_pages_are_accessible(contexts: Contexts, base_url: str) -> None:
    page = contexts.new_page()
    sign_in(page, MODERATOR, landing=f"{base_url}/moderate")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "/moderate")
    page.goto("/moderate/demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "/moderate/demo")


def test_the_staff_page_and_its_dialogs_are_accessible(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/organise/staff")
    expect(page.get_by_role("heading", name=fr("Staff accounts"), level=1)).to_be_visible()
    check_accessibility(page, "/organise/staff")
    # An account of its own, so that the demo's accounts stay as they are for the other tests.
    name = "Dominique Lambert"
    page.get_by_role("textbox", name=fr("E-mail address")).fill("dominique.lambert@atelier.example")
    page.get_by_role("textbox", name=fr("Name shown to others")).fill(name)
    page.get_by_label(fr("Initial password"), exact=True).fill("lanterne-violette-42-marche")
    page.get_by_role("button", name=fr("Create the account")).click()
    expect(page.get_by_role("status").filter(has_text="dominique.lambert@atelier.example")).to_be_visible()

    def open_dialog(action: str, title: str) -> Page:
        page.get_by_role("button", name=fr("{action} – {name}", action=fr(action), name=name)).click()
        expect(page.get_by_role("dialog", name=fr(title, name=name))).to_be_visible()
        return page

    for action, title in (("Change role", "Change the role of {name}"), ("Disable", "Disable the account of {name}?")):
        check_accessibility(open_dialog(action, title), f"/organise/staff ({fr(action)})")
        page.get_by_role("dialog").get_by_role("button", name=fr("Cancel")).click()
        expect(page.get_by_role("dialog")).to_be_hidden()
    check_accessibility(open_dialog("Reset password", "Reset the password of {name}"),
                        "/organise/staff (reset password)")
    page.get_by_role("dialog").get_by_role("button", name=fr("Reset the password")).click()
    expect(page.get_by_role("dialog", name=fr("New password for {name}", name=name))).to_be_visible()
    check_accessibility(page, "/organise/staff (generated password)")
    page.get_by_role("button", name=fr("Done")).click()
    expect(page.get_by_role("dialog")).to_be_hidden()


# ------------------------------------------------------------------ pages that turn people away


def test_the_pages_that_turn_people_away_are_accessible(people: Contexts) -> None:
    # A name is needed to enter the lobby.
    visitor = people.new_page(viewport=STAGE_VIEWPORT)
    visitor.goto("/w/demo/lobby")
    visitor.get_by_role("button", name=fr("Enter the lobby")).click()
    expect(visitor.get_by_role("alert")).to_be_visible()
    check_accessibility(visitor, "/w/demo/lobby (a name refused)")

    # The organiser leaves one place in the session; Amina takes it, and the next visitor finds it full.
    organiser = people.new_page()
    sign_in(organiser, ORGANISER, landing=re.compile(r"/organise$"))
    organiser.goto("/organise/demo/when")
    places = organiser.get_by_role("spinbutton", name=fr("Places (optional)")).first
    places.fill("1")
    places.press("Tab")
    organiser.reload()
    expect(organiser.get_by_role("spinbutton", name=fr("Places (optional)")).first).to_have_value("1")
    amina = people.new_page(viewport=STAGE_VIEWPORT)
    amina.goto("/w/demo/lobby")
    amina.get_by_role("textbox", name=fr("Your name")).fill("Amina")
    amina.get_by_role("button", name=fr("Enter the lobby")).click()
    expect(amina.get_by_role("heading", name=fr("Welcome, {name}!", name="Amina"))).to_be_visible()
    late = people.new_page(viewport=STAGE_VIEWPORT)
    late.goto("/w/demo/lobby")
    expect(late.get_by_role("heading", name=fr("This session is full"))).to_be_visible()
    check_accessibility(late, "/w/demo/lobby (the session full)")

    # The moderators remove Amina from the session: her page says so.
    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in(board, MODERATOR, landing=re.compile(r"/moderate$"))
    board.goto("/w/demo/moderate")
    board.get_by_role("button", name=fr("Open the doors")).click()
    amina.wait_for_url("**/w/demo/live")
    amina.wait_for_function("window.did_handshake === true")
    board.get_by_role("tab", name=re.compile("^" + re.escape(fr("People")))).click()
    board.get_by_role("button", name=fr("Remove {name} from the session", name="Amina")).click()
    board.get_by_role("dialog").get_by_role("button", name=fr("Remove")).click()
    expect(amina.get_by_role("heading", name=fr("You are no longer in this session"))).to_be_visible()
    check_accessibility(amina, "/w/demo/lobby (removed from the session)")

    # The organiser takes the moderator off the team: the open board stops working and says why.
    organiser.goto("/organise/demo/team")
    role = organiser.get_by_role("combobox", name=fr("Role of {name}", name=MODERATOR_NAME), exact=True)
    expect(role).to_be_visible()  # named after whose role it sets, not only “Rôle”
    organiser.get_by_role("button", name=fr("Remove {name} from the team", name=MODERATOR_NAME)).click()
    organiser.get_by_role("dialog").get_by_role("button", name=fr("Remove")).click()
    expect(role).to_be_hidden()
    expect(board.get_by_role("heading", name=fr("This page no longer works"), level=1)).to_be_visible()
    check_accessibility(board, "/w/demo/moderate (no longer in the team)")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
