"""Keyboard use: where the focus lands after each action of the wizard, that every focus can be seen, that
the templates menu follows the arrow keys, a whole workshop run with keys only, and a citizen's controls
in view on a laptop screen.

Set ATELIER_FOCUS_SHOTS=<folder> to keep screenshots there: the focus after each wizard action, and the stage at
laptop sizes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from domain.i18n import translate
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    MODERATOR,
    ORGANISER,
    Contexts,
    check_accessibility,
    controls_on_two_lines,
    sign_in,
)

pytestmark = pytest.mark.e2e

TITLE = "Réinventons la place du Marché"
MARKET_ROOM = "Commerces et marché"
PLENARY = "Plénière"
BOARD_VIEWPORT = {"width": 760, "height": 1000}
STAGE_VIEWPORT = {"width": 1366, "height": 768}
DEMO_STEPS = ("Accueil et règles du jeu", "Le projet en quelques images", "Questions en plénière",
              "Ateliers en petits groupes", "Restitution", "Conclusion et suite")


# How the focus looks on the focused element, as WCAG 2.2's 2.4.11 and 2.4.13 see it.
DESCRIBE_FOCUS = (Path(__file__).parent / "focus_ring.js").read_text()


def weak_focus_stops(page: Page, limit: int = 200) -> tuple[int, list[str]]:
    """Tab through the page from its top; return how many stops there were and those whose focus is hard to see."""
    page.evaluate("""() => {  // Tab starts again from the top of the page
        const start = document.createElement('span');
        start.tabIndex = -1;
        document.body.prepend(start);
        start.focus();
        start.remove();
        window.scrollTo(0, 0);
    }""")
    first = None
    weak: list[str] = []
    for count in range(limit):
        page.keyboard.press("Tab")
        handle = page.evaluate_handle("document.activeElement")
        if first is not None and page.evaluate("([one, two]) => one === two", [first, handle]):
            return count, weak
        if page.evaluate("document.activeElement === document.body"):
            return count, weak
        first = first or handle
        stop = page.evaluate(DESCRIBE_FOCUS)
        if stop["problems"]:
            weak.append(f"{stop['name']!r}: {', '.join(stop['problems'])}")
    return limit, weak


def shoot(page: Page, name: str) -> None:
    """Keep what the window shows (around the focus) as <name>.png, when ATELIER_FOCUS_SHOTS names a folder."""
    folder = os.environ.get("ATELIER_FOCUS_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def press_on(control: Locator, key: str = "Enter") -> None:
    """Move to a control, then press a key there, as a keyboard user does once they have reached it."""
    control.focus()
    control.page.keyboard.press(key)


def confirm_with_keyboard(page: Page, action: str) -> None:
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    press_on(dialog.get_by_role("button", name=action))
    expect(dialog).to_be_hidden()


def card_of(page: Page, heading: str) -> Locator:
    return page.locator(".q-card").filter(has=page.get_by_role("heading", name=heading, exact=True))


def step_card(page: Page, title: str) -> Locator:
    return page.locator(".q-card").filter(
        has=page.get_by_role("button", name=f"Afficher ou masquer l’étape « {title} »"))


def role_of(page: Page, name: str) -> Locator:
    """A team member's role, named after them."""
    return page.get_by_role("combobox", name=f"Rôle pour {name}", exact=True)


def step_titles(page: Page) -> Locator:
    """The titles in the steps' headers, in the agenda's order."""
    return page.locator(".q-expansion-item__container > .q-item .font-semibold")


# ------------------------------------------------------------------ 1. focus after each wizard action


def test_the_focus_lands_on_what_was_just_made_moved_or_next_to_what_was_removed(people: Contexts) -> None:
    page = people.new_page()
    sign_in(page, ORGANISER, landing=re.compile(r"/organise$"))

    # Sessions: a new one's date; after a removal, the session that took its place.
    page.goto("/organise/demo/when")
    press_on(page.get_by_role("button", name="Ajouter une session"))
    expect(card_of(page, "Session 3").get_by_label("Date")).to_be_focused()
    shoot(page, "focus-after-adding-a-session")
    press_on(page.get_by_role("button", name="Retirer la session 1"))
    confirm_with_keyboard(page, "Retirer")
    expect(page.get_by_role("heading", name="Session 3")).to_have_count(0)
    expect(card_of(page, "Session 1").get_by_label("Date")).to_be_focused()
    shoot(page, "focus-after-removing-a-session")

    # Steps: a moved step keeps the focus on its move button, so that the same key moves it again.
    page.goto("/organise/demo/agenda")
    moving = DEMO_STEPS[0]
    press_on(page.get_by_role("button", name=f"Afficher ou masquer l’étape « {moving} »"))  # opens it
    press_on(page.get_by_role("button", name=f"Descendre « {moving} »"))
    expect(step_titles(page).nth(1)).to_have_text(moving)
    expect(page.get_by_role("button", name=f"Descendre « {moving} »")).to_be_focused()
    page.keyboard.press("Enter")
    expect(step_titles(page)).to_have_text([DEMO_STEPS[1], DEMO_STEPS[2], moving, *DEMO_STEPS[3:]])
    expect(page.get_by_role("button", name=f"Descendre « {moving} »")).to_be_focused()
    shoot(page, "focus-after-moving-a-step-down")
    page.keyboard.press("Shift+Tab")  # from “down” to “up”
    expect(page.get_by_role("button", name=f"Monter « {moving} »")).to_be_focused()
    page.keyboard.press("Enter")
    expect(step_titles(page).nth(1)).to_have_text(moving)
    expect(page.get_by_role("button", name=f"Monter « {moving} »")).to_be_focused()
    page.keyboard.press("Enter")  # to the top, where the focus moves to its only move button, “down”
    expect(step_titles(page).first).to_have_text(moving)
    expect(page.get_by_role("button", name=f"Descendre « {moving} »")).to_be_focused()
    shoot(page, "focus-after-moving-a-step-up")

    # A step from a template: the arrow keys choose it, and the focus is in its title.
    press_on(page.get_by_role("button", name="Ajouter un modèle d’étape"))
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem").nth(1)).to_be_focused()
    page.keyboard.press("Escape")  # closed: the focus is back on the button
    expect(menu).to_be_hidden()
    expect(page.get_by_role("button", name="Ajouter un modèle d’étape")).to_be_focused()
    page.keyboard.press("ArrowDown")  # opens it again, on its first item
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("ArrowDown")  # round to the first, then up to the last
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem").last).to_have_text("Conclusion · 10 min")
    expect(menu.get_by_role("menuitem").last).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem", name="Vote · 10 min")).to_be_focused()
    page.keyboard.press("Enter")
    vote = step_card(page, "Vote sur les priorités")
    expect(vote.get_by_role("textbox", name="Titre de l’étape")).to_be_focused()
    shoot(page, "focus-after-adding-a-step-from-a-template")

    # A blank step: its title, where typing renames its buttons for screen readers too.
    press_on(page.get_by_role("button", name="Ajouter une étape vide"))
    blank = step_card(page, "Étape sans titre")
    title = blank.get_by_role("textbox", name="Titre de l’étape")
    expect(title).to_be_focused()
    shoot(page, "focus-after-adding-a-blank-step")
    page.keyboard.type("Pause")
    expect(page.get_by_role("button", name="Supprimer « Pause »")).to_be_visible()
    expect(page.get_by_role("button", name="Monter « Pause »")).to_be_visible()

    # Deleting a step: the focus goes to the next step, or to the one before for the last step.
    press_on(page.get_by_role("button", name="Afficher ou masquer l’étape « Vote sur les priorités »"))
    press_on(page.get_by_role("button", name="Supprimer « Vote sur les priorités »"))
    confirm_with_keyboard(page, "Supprimer")
    expect(page.get_by_role("button", name="Afficher ou masquer l’étape « Pause »")).to_be_focused()
    shoot(page, "focus-after-deleting-a-step")
    page.keyboard.press("Enter")  # opens it
    press_on(page.get_by_role("button", name="Supprimer « Pause »"))
    confirm_with_keyboard(page, "Supprimer")
    expect(step_titles(page)).to_have_count(len(DEMO_STEPS))
    expect(page.get_by_role("button", name=f"Afficher ou masquer l’étape « {DEMO_STEPS[-1]} »")).to_be_focused()
    shoot(page, "focus-after-deleting-the-last-step")

    # Rooms: the first of the suggested ones; after a removal, the next room.
    page.goto("/organise/demo/rooms")
    press_on(page.get_by_role("button", name="Créer 1 salle"))
    expect(card_of(page, "Salle de sous-groupe 4").get_by_role("textbox", name="Nom")).to_be_focused()
    shoot(page, "focus-after-creating-the-suggested-rooms")
    press_on(page.get_by_role("button", name=re.compile("^Retirer la salle « Commerces")))
    confirm_with_keyboard(page, "Retirer")
    expect(card_of(page, "Salle de sous-groupe 2").get_by_role("textbox", name="Nom")).to_be_focused()
    shoot(page, "focus-after-removing-a-room")
    press_on(page.get_by_role("button", name="Ajouter une salle de sous-groupe"))
    expect(card_of(page, "Salle de sous-groupe 4").get_by_role("textbox", name="Nom")).to_be_focused()
    shoot(page, "focus-after-adding-a-room")


    # Team: after a removal, the person before; someone added, their role.
    page.goto("/organise/demo/team")
    press_on(page.get_by_role("button", name="Retirer Claire Martin de l’équipe"))
    confirm_with_keyboard(page, "Retirer")
    expect(role_of(page, "Karim Benali")).to_be_focused()
    shoot(page, "focus-after-removing-a-team-member")
    press_on(page.get_by_role("combobox", name="Compte de l’équipe"), "C")
    expect(page.get_by_role("option")).to_have_text(["Claire Martin · organisatrice@atelier.example"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Compte de l’équipe")).to_have_value(re.compile("^Claire Martin"))
    page.keyboard.press("Tab")  # the role: co-moderator, as proposed
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # “Add”
    expect(role_of(page, "Claire Martin")).to_be_focused()
    shoot(page, "focus-after-adding-a-team-member")

    # Publishing: the focus stays on the button that undoes it.
    page.goto("/organise/demo/review")
    # Exact names: "Publier" is also a part of "Dépublier", which would match while it still has the focus.
    press_on(page.get_by_role("button", name="Dépublier", exact=True))
    expect(page.get_by_role("button", name="Publier", exact=True)).to_be_focused()
    shoot(page, "focus-after-unpublishing")
    page.get_by_role("button", name="Publier", exact=True).press("Enter")
    expect(page.get_by_role("button", name="Dépublier", exact=True)).to_be_focused()
    shoot(page, "focus-after-publishing")


# ------------------------------------------------------------------ 2. every focus can be seen


WIZARD_PARTS = ("purpose", "when", "agenda", "welcome", "rooms", "participants", "team", "review", "invitations")


def test_every_focus_stop_of_the_wizard_can_be_seen(organiser_page: Page) -> None:
    page = organiser_page
    report = []
    total = 0
    for part in WIZARD_PARTS:
        page.goto(f"/organise/demo/{part}")
        expect(page.get_by_role("heading", level=2).first).to_be_visible()
        page.wait_for_function("window.did_handshake === true")
        count, weak = weak_focus_stops(page)
        total += count
        report.extend(f"{part}: {stop}" for stop in weak)
    assert total > 80, f"only {total} focus stops in the wizard"
    assert not report, f"{len(report)} of {total} focus stops are hard to see:\n" + "\n".join(report)


# ------------------------------------------------------------------ 4. a whole workshop with the keyboard only


def fr(text: str, **values: object) -> str:
    """The French the pages show, from the catalog the server reads."""
    return translate(text, "fr").format(**values)


def is_focused(control: Locator) -> bool:
    return bool(control.evaluate("(element) => element === document.activeElement"))


def tab_to(control: Locator, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until this control has the focus, as someone without a mouse gets to it."""
    expect(control).to_be_visible()
    for _ in range(limit):
        if is_focused(control):
            return
        control.page.keyboard.press("Shift+Tab" if backwards else "Tab")
    pytest.fail(f"{limit} presses of {'Shift+Tab' if backwards else 'Tab'} never reached {control}")


def press(control: Locator, key: str = "Enter", *, backwards: bool = False) -> None:
    """Reach a control with Tab, then press a key on it."""
    tab_to(control, backwards=backwards)
    control.page.keyboard.press(key)


def sign_in_with_keyboard(page: Page, email: str) -> None:
    page.goto("/signin")
    press(page.get_by_role("textbox", name=fr("E-mail address")), "End")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press(page.get_by_role("button", name=fr("Sign in")))
    page.wait_for_url(re.compile(r"/moderate$"))


def board_tab(board: Page, name: str) -> Locator:
    return board.get_by_role("tab", name=re.compile(f"^{re.escape(name)}"))


def choose_tab(board: Page, name: str, *, backwards: bool = False) -> None:
    """Tabs are one Tab stop (the chosen tab): the arrow keys move among them, Enter chooses."""
    tab = board_tab(board, name)
    tab_to(board.get_by_role("tab", selected=True), backwards=backwards)
    board.keyboard.press("Home")
    for _ in range(6):
        if is_focused(tab):
            break
        board.keyboard.press("ArrowRight")
    board.keyboard.press("Enter")
    expect(tab).to_have_attribute("aria-selected", "true")


def test_a_whole_workshop_with_the_keyboard_only(people: Contexts) -> None:
    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in_with_keyboard(board, MODERATOR)
    board.goto("/w/demo/moderate")
    expect(board.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_accessibility(board, "/w/demo/moderate (backstage)")
    stage = board.context.new_page()  # the moderator's stage, beside the board: someone to see Amina's camera
    stage.set_viewport_size(STAGE_VIEWPORT)
    stage.goto("/w/demo/live")

    # The lobby: the device check, a name, and in.
    amina = people.new_page(viewport=STAGE_VIEWPORT)
    amina.goto("/w/demo/lobby")
    press(amina.get_by_role("button", name=fr("Check my camera and microphone")))
    expect(amina.get_by_role("meter", name=fr("Microphone level"))).to_be_visible()
    check_accessibility(amina, "/w/demo/lobby (device check)")
    press(amina.get_by_role("textbox", name=fr("Your name")), "End", backwards=True)
    amina.keyboard.type("Amina")
    press(amina.get_by_role("button", name=fr("Enter the lobby")))
    expect(amina.get_by_role("heading", name=fr("Welcome, {name}!", name="Amina"))).to_be_visible()
    check_accessibility(amina, "/w/demo/lobby (waiting room)")

    # The doors open; the moderator starts.
    press(board.get_by_role("button", name=fr("Open the doors")))
    amina.wait_for_url("**/w/demo/live")
    amina.wait_for_function("window.did_handshake === true")
    expect(board_tab(board, fr("People ({count})", count=1))).to_be_visible()
    press(board.get_by_role("button", name=fr("Start the workshop")))
    expect(board.get_by_text(fr("Step {number} of {total}", number=1, total=6))).to_be_visible()

    # Amina raises her hand; the moderator gives her the floor, then takes it back.
    press(amina.get_by_role("button", name=fr("Raise my hand")))
    expect(amina.get_by_text(fr("You are number {position} in the queue.", position=1))).to_be_visible()
    expect(amina.get_by_role("button", name=fr("Lower my hand"))).to_be_focused()  # the same button, renamed
    check_accessibility(amina, "/w/demo/live (plenary, hand raised)")
    choose_tab(board, fr("Floor"))
    expect(board.get_by_role("heading", name=fr("Raised hands"))).to_be_visible()
    check_accessibility(board, "/w/demo/moderate (floor)")
    press(board.get_by_role("button", name=fr("Give the floor")))
    expect(amina.get_by_text(fr("You have the floor: you can speak."))).to_be_visible()
    # On the stage, her camera: off, and on again.
    press(amina.get_by_role("button", name=fr("Turn my camera off")))
    expect(amina.get_by_role("button", name=fr("Turn my camera on"))).to_be_focused()
    amina.keyboard.press("Space")
    expect(amina.get_by_role("button", name=fr("Turn my camera off"))).to_be_focused()
    check_accessibility(amina, "/w/demo/live (with the floor)")
    for page, where in ((amina, "stage"), (board, "board")):  # every focus there can be seen, as in the wizard
        count, weak = weak_focus_stops(page)
        assert count > 10 and not weak, f"{len(weak)} of {count} focus stops of the {where} are hard to see: {weak}"
    press(board.get_by_role("button", name=fr("Take the floor back")), backwards=True)
    expect(amina.get_by_text(fr("You have the floor: you can speak."))).to_be_hidden()

    # She chooses a room with the arrow keys of the radio group.
    press(amina.get_by_role("radio", name=re.compile(f"^{MARKET_ROOM}")), " ")
    expect(amina.get_by_role("radio", name=re.compile(f"^{MARKET_ROOM}"))).to_be_checked()

    # The other tabs of the board: the script, the people.
    choose_tab(board, fr("Script"), backwards=True)
    check_accessibility(board, "/w/demo/moderate (script)")
    choose_tab(board, fr("People"))
    expect(board.get_by_role("heading", name=fr("Raised hands"))).to_be_hidden()
    expect(board.get_by_text("Amina", exact=True).first).to_be_visible()
    check_accessibility(board, "/w/demo/moderate (people)")

    # On to the breakout step; the rooms open.
    for number in range(2, 5):
        press(board.get_by_role("button", name=re.compile("^" + re.escape(fr("Next: {title}", title="")))),
              backwards=True)
        expect(board.get_by_text(fr("Step {number} of {total}", number=number, total=6))).to_be_visible()
    press(board.get_by_role("button", name=fr("Open the rooms")))
    expect(amina.get_by_role("heading", name=fr("Room: {name}", name=MARKET_ROOM))).to_be_visible()

    # In her room: her microphone, then a call to the team.
    press(amina.get_by_role("button", name=fr("Mute my microphone")))
    expect(amina.get_by_role("button", name=fr("Unmute my microphone"))).to_be_focused()
    amina.keyboard.press("Enter")
    expect(amina.get_by_role("button", name=fr("Mute my microphone"))).to_be_focused()
    check_accessibility(amina, "/w/demo/live (breakout room)")
    press(amina.get_by_role("button", name=fr("Call a moderator")), backwards=True)
    expect(amina.get_by_role("button", name=fr("A moderator is on the way"))).to_be_disabled()

    # The moderator: the call, her open microphone muted, a message to the rooms.
    choose_tab(board, fr("Rooms"))
    expect(board.get_by_role("alert").filter(has_text=fr("{name} is calling a moderator.", name="Amina"))
           ).to_be_visible()
    mover = board.get_by_role("combobox", name=fr("{action} – {name}", action=fr("Move to"), name="Amina"), exact=True)
    expect(mover).to_be_visible()  # whose room it changes
    check_accessibility(board, "/w/demo/moderate (rooms)")
    choose_tab(board, fr("Floor"), backwards=True)
    press(board.get_by_role("button", name=fr("Mute {name}", name="Amina")))
    expect(amina.get_by_role("button", name=fr("Unmute my microphone"))).to_be_visible()
    message = "Encore dix minutes."
    choose_tab(board, fr("Message"), backwards=True)
    press(board.get_by_role("textbox", name=fr("Message")), "End")
    board.keyboard.type(message)
    press(board.get_by_role("radio", name=fr("To the breakout rooms only")), " ")
    check_accessibility(board, "/w/demo/moderate (message)")
    press(board.get_by_role("button", name=fr("Send")))
    expect(amina.get_by_role("region", name=fr("Messages from the moderators"))).to_contain_text(message)

    # The rooms close, the workshop ends.
    press(board.get_by_role("button", name=fr("Close the rooms")), backwards=True)
    expect(amina.get_by_role("heading", name=PLENARY, exact=True)).to_be_visible()
    # The board redraws its step controls once the rooms are closed: the next key goes to the button shown then
    # (once in CI an Enter reached "End the workshop" as it was being replaced, and no dialog opened).
    expect(board.get_by_role("button", name=fr("Open the rooms"))).to_be_visible()
    press(board.get_by_role("button", name=fr("End the workshop")), backwards=True)
    dialog = board.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(board.locator("#app")).to_have_attribute("inert", "")  # the page behind the dialog is out of reach
    expect(dialog.get_by_role("button", name=fr("Cancel"))).to_be_visible()
    check_accessibility(board, "/w/demo/moderate (ending)")
    press(dialog.get_by_role("button", name=fr("End the workshop")))
    expect(amina.get_by_role("heading", name=fr("Thank you for taking part!"))).to_be_visible()
    check_accessibility(amina, "/w/demo/live (closing)")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"


# ------------------------------------------------------------------ 5. a citizen's controls in view


LAPTOP_SIZES = ({"width": 1366, "height": 768}, {"width": 1280, "height": 720}, {"width": 1440, "height": 900},
                {"width": 1920, "height": 1080})


def controls_out_of_view(page: Page, names: list[str]) -> list[str]:
    """Those of these buttons (or the plenary's microphone note) not wholly inside the window."""
    viewport = page.viewport_size
    assert viewport is not None
    missing = []
    for name in names:
        control = page.get_by_role("button", name=name) if name != "hint" else page.locator(".media-hint")
        expect(control).to_be_visible()
        box = control.bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > viewport["height"] or box["x"] < 0 \
                or box["x"] + box["width"] > viewport["width"]:
            missing.append(f"{name} at {box} in {viewport['width']}x{viewport['height']}")
    return missing


def test_a_citizens_controls_stay_in_view_on_laptop_screens(people: Contexts) -> None:
    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in(board, MODERATOR, landing=re.compile(r"/moderate$"))
    board.goto("/w/demo/moderate")
    amina = people.new_page(viewport=STAGE_VIEWPORT)
    amina.goto("/w/demo/lobby")
    amina.get_by_role("textbox", name=fr("Your name")).fill("Amina")
    amina.get_by_role("button", name=fr("Enter the lobby")).click()
    expect(amina.get_by_role("heading", name=fr("Welcome, {name}!", name="Amina"))).to_be_visible()
    board.get_by_role("button", name=fr("Open the doors")).click()
    amina.wait_for_url("**/w/demo/live")
    amina.wait_for_function("window.did_handshake === true")
    expect(board_tab(board, fr("People ({count})", count=1))).to_be_visible()
    board.get_by_role("button", name=fr("Start the workshop")).click()
    # A message from the team, on top of the stage, makes the page longer.
    board_tab(board, fr("Message")).click()
    board.get_by_role("textbox", name=fr("Message")).fill("Bienvenue ! " * 30)
    board.get_by_role("button", name=fr("Send")).click()
    expect(amina.get_by_role("region", name=fr("Messages from the moderators"))).to_contain_text("Bienvenue")

    problems = []
    for size in LAPTOP_SIZES:
        amina.set_viewport_size(size)
        problems += controls_out_of_view(amina, [fr("Raise my hand"), "hint"])
        problems += controls_on_two_lines(amina)
        shoot(amina, f"stage-plenary-{size['width']}x{size['height']}")
    board.get_by_role("tab", name=re.compile("^" + fr("Script"))).click()
    for number in range(2, 5):
        board.get_by_role("button", name=re.compile("^" + re.escape(fr("Next: {title}", title="")))).click()
        expect(board.get_by_text(fr("Step {number} of {total}", number=number, total=6))).to_be_visible()
    board.get_by_role("button", name=fr("Open the rooms")).click()
    expect(amina.get_by_role("heading", name=re.compile("^" + fr("Room: {name}", name="")))).to_be_visible()
    for size in LAPTOP_SIZES:
        amina.set_viewport_size(size)
        problems += controls_out_of_view(amina, [fr("Raise my hand"), fr("Call a moderator"), fr("Mute my microphone")])
        problems += controls_on_two_lines(amina)
        shoot(amina, f"stage-breakout-{size['width']}x{size['height']}")
    assert not problems, "controls out of view or off the line:\n" + "\n".join(problems)
