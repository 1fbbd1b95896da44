"""The demo workshop run live in the browser: lobby, stage, moderator board, reconnections and restarts.

A live run can be run only once, so every test that runs the workshop starts its own
`atelier demo` server with its own data directory (about two seconds): the package's shared
server and its demo workshop are left as they were, and the tests do not depend on their order.
Only the phone test, which changes nothing, uses the shared server.

Set ATELIER_SCREENSHOTS=1 to rewrite the live-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Playwright, Route, WebSocketRoute, expect

from tests.e2e.conftest import (
    MODERATOR,
    Contexts,
    Server,
    check_accessibility,
    controls_on_two_lines,
    keep_screenshot,
    restart,
    sign_in,
)

pytestmark = pytest.mark.e2e

BOARD_VIEWPORT = {"width": 760, "height": 1000}
STAGE_VIEWPORT = {"width": 1280, "height": 800}  # a common laptop screen

TITLE = "Réinventons la place du Marché"
WELCOME_STEP = "Accueil et règles du jeu"
BREAKOUT_STEP = "Ateliers en petits groupes"
REPORT_STEP = "Restitution"
STEPS_TO_BREAKOUT = ("Le projet en quelques images", "Questions en plénière", BREAKOUT_STEP)
ARRIVAL_QUESTION = "Qu’est-ce qui vous amène ce soir ?"
MARKET_ROOM = "Commerces et marché"
FIRST_ROOM = "Circulation et stationnement"
PLENARY = "Plénière"
ANOTHER_MODERATOR_WAS_QUICKER = ("Un·e autre animateur·rice vient de changer d’étape : "
                                 "vérifiez l’étape en cours.")
FEEDBACK_URL = "https://questionnaire.example/place-du-marche"


# ------------------------------------------------------------------ helpers


def eventually(check: Callable[[], bool], message: Callable[[], str] | str, timeout: float = 60.0) -> None:
    """Wait until `check` holds; the timeout only guards against waiting for ever (speed is for benchmarks)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(message() if callable(message) else message)
        time.sleep(0.1)


def countdown(page: Page) -> Locator:
    """The step's countdown: the only timer on the stage, the first one on the board."""
    return page.get_by_role("timer").first


def shown_time(timer: Locator) -> str:
    """The time a sighted person reads on a timer, such as '9:58' or '+0:12'."""
    return timer.locator("[aria-hidden=true]").inner_text().strip()


def seconds(text: str) -> int:
    match = re.fullmatch(r"(\+)?(?:(\d+):)?(\d+):(\d{2})", text)
    assert match, f"the countdown shows {text!r}, not a time"
    overtime, hours, minutes, secs = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return -total if overtime else total


def seconds_left(page: Page) -> int:
    return seconds(shown_time(countdown(page)))


def step_information(page: Page) -> Locator:
    return page.get_by_role("complementary", name="L’étape en cours")


def stage_tiles(page: Page) -> Locator:
    return page.get_by_role("region", name="Scène").locator(".tile")


def notices(page: Page) -> Locator:
    return page.get_by_role("region", name="Messages de l’équipe d’animation")


def hand_queue(board: Page) -> Locator:
    """The raised hands on the board's “Parole” tab, in the order they will speak."""
    return board.get_by_role("list").filter(has=board.get_by_role("button", name="Donner la parole"))


def open_board(people: Contexts) -> Page:
    """The lead moderator, signed in, on the board: half a screen wide, beside the stage."""
    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in(board, MODERATOR, landing=re.compile(r"/moderate$"))
    board.goto("/w/demo/moderate")
    expect(board.get_by_role("heading", level=1)).to_have_text(TITLE)
    return board


def join(people: Contexts, name: str, answer: str = "") -> Page:
    """A participant enters the lobby with a name (and perhaps an answer to the welcome question)."""
    page = people.new_page(viewport=STAGE_VIEWPORT)
    page.goto("/w/demo/lobby")
    page.get_by_role("textbox", name="Votre nom").fill(name)
    if answer:
        page.get_by_role("textbox", name=ARRIVAL_QUESTION).fill(answer)
    page.get_by_role("button", name="Entrer dans la salle d’attente").click()
    expect(page.get_by_role("heading", name=f"Bienvenue, {name} !")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Les portes ne sont pas encore ouvertes")).to_be_visible()
    return page


def everyone_on_stage(board: Page, participants: list[Page]) -> None:
    """Wait until the board counts every participant's stage as connected.

    The board redraws its command bar for every arrival or reconnection, and a click on a button that was
    just replaced is lost (see test_a_moderator_click_is_not_lost_when_someone_arrives): the moderator's
    clicks in these tests come once the arrivals are on the board.
    """
    for page in participants:
        page.wait_for_function("window.did_handshake === true")
    expect(board.get_by_role("tab", name=f"Personnes ({len(participants)})")).to_be_visible()


def open_doors_and_start(board: Page, participants: list[Page]) -> None:
    board.get_by_role("button", name="Ouvrir les portes").click()
    for page in participants:  # the waiting room takes everyone to the stage by itself
        page.wait_for_url("**/w/demo/live")
    everyone_on_stage(board, participants)
    board.get_by_role("button", name="Commencer l’atelier").click()
    expect(board.get_by_text("Étape 1 sur 6")).to_be_visible()
    for page in participants:
        expect(step_information(page).get_by_role("heading", name=WELCOME_STEP)).to_be_visible()


def go_to_next_step(board: Page, title: str, number: int) -> None:
    board.get_by_role("button", name=f"Suivante : {title}").click()
    expect(board.get_by_text(f"Étape {number} sur 6")).to_be_visible()


def go_to_breakout_step(board: Page) -> None:
    """From the demo's first step to its breakout step, one step at a time as a moderator does."""
    for number, title in enumerate(STEPS_TO_BREAKOUT, start=2):
        go_to_next_step(board, title, number)


def choose_room(page: Page, room: str) -> None:
    choice = page.get_by_role("radio", name=re.compile(f"^{room}"))
    choice.click()
    expect(choice).to_be_checked()


# ------------------------------------------------------------------ 1. the whole workshop


def test_a_moderator_and_three_participants_run_the_workshop(people: Contexts) -> None:
    board = open_board(people)
    expect(board.get_by_role("status").filter(has_text="En coulisses")).to_be_visible()

    # The lobby: Amina answers the welcome question, everyone waits for the doors to open.
    answer = "Je fais mon marché ici chaque samedi."
    amina = join(people, "Amina", answer)
    bruno = join(people, "Bruno")
    chloe = join(people, "Chloé")
    keep_screenshot(amina, "live-lobby.png")
    participants = [amina, bruno, chloe]

    # The doors open: the waiting rooms move to the stage, where the answer is shown during the welcome.
    board.get_by_role("button", name="Ouvrir les portes").click()
    for page in participants:
        page.wait_for_url("**/w/demo/live")
    everyone_on_stage(board, participants)
    for page in (bruno, chloe):
        answers = step_information(page).get_by_role("listitem")
        expect(answers).to_have_count(1)
        expect(answers).to_have_text(f"Amina{answer}")

    # The moderator starts: the first step and its countdown, computed by each browser.
    board.get_by_role("button", name="Commencer l’atelier").click()
    expect(board.get_by_text("Étape 1 sur 6")).to_be_visible()
    for page in participants:
        expect(step_information(page).get_by_role("heading", name=WELCOME_STEP)).to_be_visible()
    expect(step_information(chloe).get_by_role("listitem")).to_have_text(f"Amina{answer}")  # still the welcome
    timer = countdown(amina)
    expect(timer).to_have_attribute("aria-label", re.compile(r"^Temps restant (10:00|9:\d\d)$"))
    first = seconds_left(amina)
    eventually(lambda: seconds_left(amina) < first, "the countdown does not count down")  # in the browser alone
    second = seconds_left(amina)
    board.get_by_role("button", name="+5 min").click()
    eventually(lambda: seconds_left(amina) >= second + 5 * 60 - 5,
               lambda: f"after “+5 min” the countdown shows {seconds_left(amina)} s, it showed {second} s")
    eventually(lambda: abs(seconds_left(board) - seconds_left(amina)) <= 2,
               lambda: f"the board shows {shown_time(countdown(board))}, the stage {shown_time(countdown(amina))}")

    # Two hands go up; the second is told their place in the queue.
    bruno.get_by_role("button", name="Lever la main").click()
    expect(bruno.get_by_text("Vous êtes n° 1 dans la file.")).to_be_visible()
    chloe.get_by_role("button", name="Lever la main").click()
    expect(chloe.get_by_text("Vous êtes n° 2 dans la file.")).to_be_visible()
    expect(chloe.get_by_role("button", name="Baisser la main")).to_have_attribute("aria-pressed", "true")

    # The moderator sees both, in order, and gives the floor to the first.
    board.get_by_role("tab", name="Parole (2)").click()
    queue = hand_queue(board)
    expect(queue.get_by_role("listitem")).to_have_count(2)
    expect(queue.get_by_role("listitem")).to_contain_text(
        ["1.BrunoN’a pas encore parlé", "2.ChloéN’a pas encore parlé"])
    queue.get_by_role("listitem").filter(has_text="Bruno").get_by_role("button", name="Donner la parole").click()
    expect(bruno.get_by_text("Vous avez la parole : vous pouvez parler.")).to_be_visible()
    for page in participants:
        expect(page.get_by_text("Bruno a la parole.")).to_be_visible()
    expect(chloe.get_by_text("Vous êtes n° 1 dans la file.")).to_be_visible()
    expect(board.get_by_text("Bruno a la parole", exact=True)).to_be_visible()
    expect(queue.get_by_role("listitem")).to_have_count(1)

    # The speaking balance: the others have not spoken yet.
    balance = board.get_by_role("table")
    for name in ("Amina", "Chloé"):
        expect(balance.get_by_role("cell", name=f"{name} · pas encore", exact=True)).to_be_visible()
    expect(balance.get_by_role("cell", name="Bruno", exact=True)).to_be_visible()
    keep_screenshot(chloe, "live-stage-plenary.png")
    keep_screenshot(board, "live-board-floor.png")

    # Amina and Bruno choose the same room for the breakout; Chloé leaves it to the moderators.
    choose_room(amina, MARKET_ROOM)
    expect(bruno.get_by_role("radio", name=re.compile(rf"^{MARKET_ROOM}.*\(1\b"))).to_be_visible()
    choose_room(bruno, MARKET_ROOM)

    # On to the breakout step; the rooms open.
    board.get_by_role("tab", name="Scénario").click()
    go_to_breakout_step(board)
    for page in participants:
        expect(step_information(page).get_by_role("heading", name=BREAKOUT_STEP)).to_be_visible()
    board.get_by_role("button", name="Ouvrir les salles").click()
    for page, other in ((amina, "Bruno"), (bruno, "Amina")):  # each sees the other; oneself in the self view
        expect(page.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
        expect(stage_tiles(page)).to_have_text([other])
    # Chloé goes to the emptiest room, the first of the two empty ones; alone, her camera stays off.
    expect(chloe.get_by_role("heading", name=f"Salle : {FIRST_ROOM}")).to_be_visible()
    expect(stage_tiles(chloe)).to_have_text(["Chloé"])

    # Chloé calls a moderator: the board says so.
    chloe.get_by_role("button", name="Appeler l’équipe d’animation").click()
    expect(chloe.get_by_role("button", name="L’équipe d’animation arrive")).to_be_disabled()
    board.get_by_role("tab", name="Salles (1 appel)").click()
    expect(board.get_by_role("alert").filter(has_text="Chloé appelle l’équipe d’animation.")).to_be_visible()
    keep_screenshot(board, "live-board-rooms.png")

    # A message to the breakout rooms only, shown in every room until dismissed.
    message = "Encore dix minutes : choisissez vos deux propositions."
    board.get_by_role("tab", name="Message").click()
    board.get_by_role("textbox", name="Message").fill(message)
    board.get_by_role("radio", name="Aux salles de sous-groupes seulement").click()
    board.get_by_role("button", name="Envoyer").click()
    expect(board.get_by_text("Message envoyé.")).to_be_visible()
    for page in participants:
        expect(notices(page)).to_contain_text(message)
    keep_screenshot(amina, "live-stage-breakout.png")
    notices(amina).get_by_role("button", name="Masquer ce message").click()
    expect(notices(amina)).not_to_contain_text(message)
    expect(notices(bruno)).to_contain_text(message)

    # The rooms close: everyone is back in the plenary.
    board.get_by_role("button", name="Fermer les salles").click()
    for page in participants:
        expect(page.get_by_role("heading", name=PLENARY, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("équipe d’animation"))).to_be_hidden()

    # The end, confirmed: everyone sees the thank-you and the feedback survey.
    board.get_by_role("button", name="Terminer l’atelier").click()
    dialog = board.get_by_role("dialog")
    expect(dialog).to_contain_text("Terminer l’atelier pour tout le monde ?")
    dialog.get_by_role("button", name="Terminer l’atelier").click()
    expect(board.get_by_role("status").filter(has_text="L’atelier est terminé.")).to_be_visible()
    for page in participants:
        expect(page.get_by_role("heading", name="Merci pour votre participation !")).to_be_visible()
        feedback = page.get_by_role("link", name="Donnez votre avis sur l’atelier (questionnaire)")
        expect(feedback).to_have_attribute("href", FEEDBACK_URL)
        expect(page.get_by_role("button", name="Lever la main")).to_be_hidden()
        expect(page.get_by_role("group", name="Mes commandes")).to_be_hidden()  # nothing left to press or say
        expect(page.locator(".speaking-now")).to_be_hidden()  # nor anyone speaking
        expect(page.get_by_role("timer")).to_be_hidden()
    keep_screenshot(amina, "live-closing.png")
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"


# Elements built while a page follows the run are built during the event handler of whoever caused the event, and
# NiceGUI gives their handlers that person's request: pages must keep their own browser storage (this test and the
# lobby one below would fail otherwise).


def test_a_dismissed_message_stays_dismissed_after_a_reload(people: Contexts) -> None:
    board = open_board(people)
    amina = join(people, "Amina")
    open_doors_and_start(board, [amina])
    message = "Bienvenue à toutes et à tous !"
    board.get_by_role("tab", name="Message").click()
    board.get_by_role("textbox", name="Message").fill(message)
    board.get_by_role("button", name="Envoyer").click()
    expect(notices(amina)).to_contain_text(message)
    notices(amina).get_by_role("button", name="Masquer ce message").click()
    expect(notices(amina)).not_to_contain_text(message)  # the server forgot it, and kept that it was dismissed
    amina.reload()
    expect(step_information(amina).get_by_role("heading", name=WELCOME_STEP)).to_be_visible()
    expect(notices(amina)).not_to_contain_text(message)  # built with the page, if at all


def test_the_live_pages_are_accessible(people: Contexts) -> None:
    board = open_board(people)
    amina = join(people, "Amina", "Je passe par la place tous les jours.")
    check_accessibility(amina, "/w/demo/lobby (waiting room)")
    check_accessibility(board, "/w/demo/moderate (backstage)")
    open_doors_and_start(board, [amina])
    amina.get_by_role("button", name="Lever la main").click()
    expect(amina.get_by_text("Vous êtes n° 1 dans la file.")).to_be_visible()
    check_accessibility(amina, "/w/demo/live")
    for tab in ("Scénario", "Parole", "Personnes", "Salles", "Message"):
        board.get_by_role("tab", name=re.compile(tab)).click()
        check_accessibility(board, f"/w/demo/moderate ({tab})")
    board.get_by_role("button", name="Terminer l’atelier").click()
    expect(board.get_by_role("dialog", name="Terminer l’atelier pour tout le monde ?")).to_be_visible()
    check_accessibility(board, "/w/demo/moderate (ending)")


def test_a_visitor_typing_in_the_lobby_when_the_doors_open_gets_in(people: Contexts) -> None:
    board = open_board(people)
    visitor = people.new_page(viewport=STAGE_VIEWPORT)
    visitor.goto("/w/demo/lobby")
    name = visitor.get_by_role("textbox", name="Votre nom")
    name.fill("Damien")
    board.get_by_role("button", name="Ouvrir les portes").click()
    expect(board.get_by_role("status").filter(has_text="Portes ouvertes")).to_be_visible()
    expect(visitor.get_by_role("status").filter(has_text="Les portes sont ouvertes")).to_be_visible()  # it arrived
    problems = []
    if name.input_value() != "Damien":
        problems.append(f"the name typed was replaced by {name.input_value()!r} when the doors opened")
        name.fill("Damien")  # the visitor types it again
    with visitor.expect_navigation():  # to the stage, since the doors are open
        visitor.get_by_role("button", name="Entrer dans la salle d’attente").click()
    if not re.search(r"/w/demo/live$", visitor.url):
        problems.append(f"joining led to {visitor.url}, not to the stage")
    assert not problems, "; ".join(problems)
    expect(visitor.get_by_role("button", name="Lever la main")).to_be_visible()


def test_a_moderator_click_is_not_lost_when_someone_arrives(people: Contexts) -> None:
    board = people.new_page(viewport=BOARD_VIEWPORT)
    held: list[tuple[WebSocketRoute, str | bytes]] = []
    holding = False

    def hold_events(page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if holding and '"event"' in str(message):  # a click, on its way to the server
                held.append((server_side, message))
            else:
                server_side.send(message)

        page_side.on_message(from_page)

    board.route_web_socket(re.compile(r"/socket\.io/"), hold_events)
    sign_in(board, MODERATOR, landing=re.compile(r"/moderate$"))
    board.goto("/w/demo/moderate")
    amina = join(people, "Amina")
    board.get_by_role("button", name="Ouvrir les portes").click()
    amina.wait_for_url("**/w/demo/live")
    everyone_on_stage(board, [amina])

    # The moderator clicks “Commencer l’atelier” while Bruno arrives: the click reaches the server after the arrival.
    holding = True
    board.get_by_role("button", name="Commencer l’atelier").click()
    bruno = people.new_page(viewport=STAGE_VIEWPORT)
    bruno.goto("/w/demo/lobby")
    bruno.get_by_role("textbox", name="Votre nom").fill("Bruno")
    bruno.get_by_role("button", name="Entrer dans la salle d’attente").click()
    bruno.wait_for_url("**/w/demo/live")
    everyone_on_stage(board, [amina, bruno])
    holding = False
    assert held, "the board sent no click"
    for server_side, message in held:
        server_side.send(message)
    expect(board.get_by_text("Étape 1 sur 6")).to_be_visible()  # the click was not lost


# ------------------------------------------------------------------ 2. reconnecting, restarting


def evaluated(page: Page, expression: str) -> Any:
    """The expression's value in the page, or None while the page is navigating (being loaded again)."""
    try:
        return page.evaluate(expression)
    except PlaywrightError:  # "Execution context was destroyed": the page is being built again
        return None


def client_id(page: Page) -> str | None:
    """NiceGUI's id of the page as the server built it: a new one means the page was built again."""
    value = evaluated(page, "window.clientId")
    return value if isinstance(value, str) else None


def test_a_page_whose_scripts_a_restart_cut_off_loads_again_by_itself(people: Contexts) -> None:
    """A restart while a page loads can deliver its HTML without one of its scripts: the page must not stay blank.

    Here the browser cuts them (while the page is loaded the first time, every request for NiceGUI's
    component scripts fails as when the server dies); tests/e2e/test_crash_recovery.py meets the real thing.
    """
    page = people.new_page()
    loads: list[str] = []
    cut_off: list[str] = []

    def count_the_loads(route: Route) -> None:
        loads.append(route.request.url)
        route.continue_()

    def fail_during_the_first_load(route: Route) -> None:
        if len(loads) > 1:
            route.continue_()
        else:
            cut_off.append(route.request.url)
            route.abort("connectionreset")

    page.route("**/w/demo/lobby", count_the_loads)
    page.route(re.compile(r"/_nicegui/[^/]+/components/"), fail_during_the_first_load)
    page.goto("/w/demo/lobby")
    expect(page.get_by_role("textbox", name="Votre nom")).to_be_visible()
    assert cut_off, "no component script was requested: the test cut nothing"
    assert len(loads) == 2, f"the page was loaded {len(loads)} times"


def test_participants_and_moderators_come_back_after_a_reload_and_a_restart(
        people: Contexts, own_server: Server) -> None:
    board = open_board(people)
    amina = join(people, "Amina")
    bruno = join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])
    go_to_breakout_step(board)
    board.get_by_role("button", name="Ouvrir les salles").click()
    room = amina.get_by_role("heading", name=re.compile("^Salle : "))
    expect(room).to_be_visible()
    room_name = room.inner_text()

    # A reload: the same step and the same room, nothing asked.
    amina.reload()
    expect(amina).to_have_url(re.compile(r"/w/demo/live$"))
    expect(step_information(amina).get_by_role("heading", name=BREAKOUT_STEP)).to_be_visible()
    expect(amina.get_by_role("heading", name=room_name, exact=True)).to_be_visible()
    expect(stage_tiles(amina)).to_contain_text(["Amina"])
    expect(amina.get_by_role("textbox", name="Votre nom")).to_have_count(0)  # her name is not asked again
    everyone_on_stage(board, [amina, bruno])

    # The next step runs, a hand is up and the countdown paused...
    go_to_next_step(board, REPORT_STEP, 5)
    expect(amina.get_by_role("heading", name=PLENARY, exact=True)).to_be_visible()
    amina.get_by_role("button", name="Lever la main").click()
    expect(amina.get_by_text("Vous êtes n° 1 dans la file.")).to_be_visible()
    board.get_by_role("button", name="Pause").click()
    expect(board.get_by_role("button", name="Reprendre")).to_be_visible()
    expect(countdown(amina)).to_have_attribute("aria-label", re.compile(r"\(en pause\)$"))
    paused = shown_time(countdown(amina))
    assert shown_time(countdown(board)) == paused
    before = {"participant": client_id(amina), "board": client_id(board)}

    # ...when the server stops and starts again on the same data.
    restart(own_server)

    # Both pages find the server again by themselves and are built afresh from the stored run.
    for who, page in (("participant", amina), ("board", board)):
        eventually(lambda page=page, who=who: client_id(page) not in (None, before[who]),
                   f"the {who}'s page did not reconnect by itself after the restart")
    expect(step_information(amina).get_by_role("heading", name=REPORT_STEP)).to_be_visible()
    expect(amina.get_by_role("heading", name=PLENARY, exact=True)).to_be_visible()
    expect(amina.get_by_text("Vous êtes n° 1 dans la file.")).to_be_visible()
    expect(amina.get_by_role("button", name="Baisser la main")).to_have_attribute("aria-pressed", "true")
    expect(countdown(amina)).to_have_attribute("aria-label", re.compile(r"\(en pause\)$"))
    assert shown_time(countdown(amina)) == paused, "the paused countdown changed with the restart"

    expect(board.get_by_text("Étape 5 sur 6")).to_be_visible()
    expect(board.get_by_text(REPORT_STEP, exact=True).first).to_be_visible()
    expect(board.get_by_role("button", name="Reprendre")).to_be_visible()
    expect(countdown(board)).to_have_attribute("aria-label", re.compile(r"\(en pause\)$"))
    assert shown_time(countdown(board)) == paused
    board.get_by_role("tab", name="Parole (1)").click()
    queue = hand_queue(board)
    expect(queue.get_by_role("listitem")).to_have_count(1)
    expect(queue.get_by_role("listitem")).to_contain_text("Amina")

    # Still live: the countdown resumes from where it was, on the stage too.
    everyone_on_stage(board, [amina, bruno])
    board.get_by_role("button", name="Reprendre").click()
    expect(countdown(amina)).not_to_have_attribute("aria-label", re.compile(r"\(en pause\)$"))
    eventually(lambda: seconds_left(amina) < seconds(paused),
               lambda: f"the resumed countdown shows {shown_time(countdown(amina))}, paused at {paused}")
    assert seconds(paused) - seconds_left(amina) <= 5
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"


# ------------------------------------------------------------------ 3. phones


def test_a_phone_is_asked_for_a_computer_but_sees_the_agenda_and_rules(
        contexts: Contexts, playwright: Playwright) -> None:
    phone = {name: value for name, value in playwright.devices["iPhone 13"].items()
             if name != "default_browser_type"}
    page = contexts.new_page(**phone)
    page.goto("/w/demo/lobby")
    expect(page.get_by_role("heading", name="Cet atelier nécessite un ordinateur")).to_be_visible()
    expect(page.get_by_role("textbox", name="Votre nom")).to_have_count(0)
    expect(page.get_by_role("button", name="Entrer dans la salle d’attente")).to_have_count(0)
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()
    expect(page.get_by_role("heading", name="Règles de l’atelier")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=WELCOME_STEP)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Conclusion et suite")).to_be_visible()


# ------------------------------------------------------------------ 4. two moderators, one click


def click_together(tabs: tuple[Page, ...], name: str) -> None:
    """Click the button `name` in every tab at the same instant of the browser's clock."""
    buttons = [tab.get_by_role("button", name=name) for tab in tabs]
    for button in buttons:
        expect(button).to_be_visible()
    at = tabs[0].evaluate("Date.now()") + 400
    for button in buttons:
        button.evaluate("(button, at) => setTimeout(() => button.click(), at - Date.now())", at)


# The slower tab's refusal is shown after an await, when the winner's event may already have redrawn the
# command bar and deleted the clicked button: the notification must not depend on that button's slot.
NOTIFY_IN_DELETED_SLOT = "The parent element this slot belongs to has been deleted."


def settle(first: Page, second: Page) -> None:
    """Both tabs' earlier clicks have been handled: each tab's next command is, and a socket's run in order."""
    first.get_by_role("button", name="Pause").click()
    expect(second.get_by_role("button", name="Reprendre")).to_be_visible()
    second.get_by_role("button", name="Reprendre").click()
    expect(first.get_by_role("button", name="Pause")).to_be_visible()


def test_two_boards_moving_on_together_move_one_step(people: Contexts, own_server: Server) -> None:
    first = open_board(people)
    second = first.context.new_page()  # the same moderator's second tab
    second.goto("/w/demo/moderate")
    first.get_by_role("button", name="Commencer l’atelier").click()
    tabs = (first, second)

    # Try at successive steps until the two clicks reach the server together: a click that arrives after the
    # other tab's step change finds its button gone and is ignored by NiceGUI, which is fine but tells nothing.
    for number, title in enumerate(STEPS_TO_BREAKOUT, start=2):
        log_before = own_server.log.read_text(errors="replace")
        click_together(tabs, f"Suivante : {title}")
        for tab in tabs:  # one step further, not two
            expect(tab.get_by_text(f"Étape {number} sur 6")).to_be_visible()
        settle(first, second)  # a second step change, or the warning, would have arrived by now
        for tab in tabs:
            expect(tab.get_by_text(f"Étape {number} sur 6")).to_be_visible()
        warned = [tab for tab in tabs if tab.get_by_text(ANOTHER_MODERATOR_WAS_QUICKER).count()]
        assert len(warned) <= 1, "both tabs were told that the other one was quicker"
        if warned:
            return
        if NOTIFY_IN_DELETED_SLOT in own_server.log.read_text(errors="replace")[len(log_before):]:
            pytest.fail("the slower board's refusal was not shown: “" + NOTIFY_IN_DELETED_SLOT + "”")
    pytest.fail("the two tabs' clicks never reached the server together in three tries")


# ------------------------------------------------------------------ 5. cameras and microphones


def frames_decoded(page: Page) -> int:
    return int(page.evaluate("window.atelierMedia.framesDecoded()"))


def sees_video_of(page: Page, name: str) -> None:
    """The page shows `name`'s video and keeps decoding frames (Chromium's synthetic camera, through the server)."""
    expect(page.locator("figure.tile.video").filter(has_text=name)).to_be_visible()
    before = frames_decoded(page)
    eventually(lambda: frames_decoded(page) > before + 10,
               lambda: f"{name}'s video: {frames_decoded(page) - before} frames decoded in 10 s")


MICROPHONE_LOCKED = "Micro coupé en plénière : levez la main pour parler."


def sent_video(page: Page) -> dict[str, Any]:
    return page.evaluate("window.atelierMedia.sentVideo()")


def sends_video(page: Page, width: int) -> None:
    """The page's camera is encoding pictures of this width (the profile the server asked for).

    On a busy machine Chrome makes the picture smaller than asked and says why: that counts too.
    """
    def sending() -> bool:
        before = sent_video(page)["frames"]
        page.wait_for_timeout(700)
        now = sent_video(page)
        adapted = now["limitedBy"] in ("cpu", "bandwidth") and width // 2 <= now["width"] < width
        return now["frames"] > before and (now["width"] == width or adapted)
    eventually(sending, lambda: f"camera sends {sent_video(page)}, expected width {width}")


def hears_someone(page: Page, who: str) -> None:
    """Sound reaches the page and plays: the energy of what it received keeps rising (the tests' tone)."""
    energies: list[float] = []

    def heard() -> bool:
        before = page.evaluate("window.atelierMedia.soundHeard()")
        page.wait_for_timeout(2_500)  # the tone plays 1.2 s in every 2 s
        energies.append(page.evaluate("window.atelierMedia.soundHeard()") - before)
        return energies[-1] > 0.002  # silence stays below 0.0001; the tone, even on a busy machine, above 0.005
    eventually(heard, lambda: f"{who} not heard: sound energy received in 2.5 s: {energies}")


def receives_nothing(page: Page) -> None:
    """Neither pictures nor sound reach the page any more (decoded frames and sound energy stop rising)."""
    def still() -> bool:
        frames, energy = frames_decoded(page), page.evaluate("window.atelierMedia.soundHeard()")
        page.wait_for_timeout(1000)
        return frames_decoded(page) == frames and page.evaluate("window.atelierMedia.soundHeard()") == energy
    eventually(still, "pictures or sound still reach the page")


def sends_no_video(page: Page) -> None:
    def paused() -> bool:
        before = sent_video(page)["frames"]
        page.wait_for_timeout(1000)
        return sent_video(page)["frames"] == before
    eventually(paused, "the camera still sends pictures nobody sees")


def test_people_see_each_other_through_atelier_on_the_stage_and_in_a_room(people: Contexts,
                                                                         own_server: Server) -> None:
    log_before = len(own_server.log.read_text(errors="replace"))
    board = open_board(people)
    stage = board.context.new_page()  # the moderator's stage, beside the board
    stage.set_viewport_size(STAGE_VIEWPORT)
    stage.goto("/w/demo/live")
    amina, bruno = join(people, "Amina"), join(people, "Bruno")
    open_doors_and_start(board, [amina, bruno])

    # Plenary: the participants see the moderator; nobody else's camera is on, their microphones are off.
    for page in (amina, bruno):
        sees_video_of(page, "Karim Benali")
        expect(page.locator(".media-hint")).to_contain_text(MICROPHONE_LOCKED)
    assert amina.locator("figure.tile.video").count() == 1

    # Amina is given the floor: her camera and microphone go live, and the moderator and Bruno see her.
    amina.get_by_role("button", name="Lever la main").click()
    board.get_by_role("tab", name=re.compile("^Parole")).click()
    hand_queue(board).get_by_role("listitem").filter(has_text="Amina").get_by_role(
        "button", name="Donner la parole").click()
    sees_video_of(stage, "Amina")
    sees_video_of(bruno, "Amina")
    sends_video(amina, 640)
    hears_someone(bruno, "Amina and Karim")
    expect(amina.get_by_role("button", name="Couper mon micro")).to_be_visible()
    # Chromium's fake microphone beeps: the audio levels its packets carry tell the server she speaks.
    expect(bruno.locator(".speaking-now")).to_contain_text("Amina")
    keep_screenshot(bruno, "live-stage-video.png")
    keep_screenshot(amina, "live-stage-floor-video.png")
    # Her self-view, the floor note, microphone, camera, sound only and full screen: one line at 1280 px.
    expect(amina.locator(".stage-controls video.self-view")).to_be_visible()
    assert not controls_on_two_lines(amina), f"the control bar wraps: {controls_on_two_lines(amina)}"
    keep_screenshot(board, "live-board-microphones.png")
    check_accessibility(amina, "/w/demo/live (with the floor, camera and microphone on)")
    check_accessibility(board, "/w/demo/moderate (floor, microphones)")

    # The moderator mutes her; with the floor she may unmute herself.
    board.get_by_role("button", name="Couper le micro de Amina").click()
    expect(amina.get_by_role("button", name="Rallumer mon micro")).to_be_visible()
    expect(board.get_by_text("Seul·es les modérateur·rices sont entendu·es.")).to_be_visible()
    amina.get_by_role("button", name="Rallumer mon micro").click()
    expect(board.get_by_role("button", name="Couper le micro de Amina")).to_be_visible()

    # Amina turns her camera off: the others see her name instead of a dark picture, until she turns it on.
    amina.get_by_role("button", name="Couper ma caméra").click()
    expect(amina.get_by_role("button", name="Allumer ma caméra")).to_be_visible()
    expect(bruno.locator("figure.tile.video").filter(has_text="Amina")).to_have_count(0)
    expect(stage_tiles(bruno).filter(has_text="Amina")).to_have_count(1)
    amina.get_by_role("button", name="Allumer ma caméra").click()
    sees_video_of(bruno, "Amina")

    # The floor taken back, her camera pauses (nobody sees her); given again, her picture comes back.
    board.get_by_role("button", name="Reprendre la parole").click()
    sends_no_video(amina)
    expect(amina.locator(".media-hint")).to_contain_text(MICROPHONE_LOCKED)
    amina.get_by_role("button", name="Lever la main").click()
    hand_queue(board).get_by_role("listitem").filter(has_text="Amina").get_by_role(
        "button", name="Donner la parole").click()
    sees_video_of(bruno, "Amina")

    # The moderator shares a screen: everyone sees it, large, above the cameras.
    stage.get_by_role("button", name="Partager mon écran").click()
    sees_video_of(bruno, "Écran de Karim Benali")
    keep_screenshot(bruno, "live-stage-screen.png")
    check_accessibility(bruno, "/w/demo/live (a shared screen)")
    stage.get_by_role("button", name="Arrêter de partager mon écran").click()
    expect(bruno.locator("figure.tile.video.screen")).to_have_count(0)

    # Allowed by the moderator, Amina shares hers while she has the floor, until it is taken back.
    expect(amina.get_by_role("button", name="Partager mon écran")).to_have_count(0)
    board.get_by_role("switch", name="La personne qui a la parole peut partager son écran").click()
    amina.get_by_role("button", name="Partager mon écran").click()
    sees_video_of(bruno, "Écran de Amina")
    board.get_by_role("button", name="Reprendre la parole").click()
    expect(bruno.locator("figure.tile.video.screen")).to_have_count(0)
    expect(amina.get_by_role("button", name=re.compile("partager mon écran", re.IGNORECASE))).to_have_count(0)
    amina.get_by_role("button", name="Lever la main").click()
    hand_queue(board).get_by_role("listitem").filter(has_text="Amina").get_by_role(
        "button", name="Donner la parole").click()

    # The moderator lets participants unmute in the plenary: Bruno speaks from his seat, heard, not on stage.
    board.get_by_role("switch", name="Les participant·es peuvent ouvrir leur micro en plénière").click()
    bruno.get_by_role("button", name="Rallumer mon micro").click()
    expect(board.get_by_role("button", name="Couper le micro de Bruno")).to_be_visible()
    expect(amina.locator(".speaking-now")).to_contain_text("Bruno")
    speaking = board.get_by_role("listitem").filter(has_text="Bruno").get_by_text("parle", exact=True)
    expect(speaking).to_be_visible()  # the board marks who speaks among the open microphones
    expect(amina.locator("figure.tile.video").filter(has_text="Bruno")).to_have_count(0)
    board.get_by_role("button", name="Couper tous les micros").click()
    expect(bruno.get_by_role("button", name="Rallumer mon micro")).to_be_visible()
    board.get_by_role("switch", name="Les participant·es peuvent ouvrir leur micro en plénière").click()
    expect(bruno.locator(".media-hint")).to_contain_text(MICROPHONE_LOCKED)

    # Full screen shows the videos with their controls, until Bruno leaves it.
    bruno.get_by_role("button", name="Plein écran").click()
    expect(bruno.get_by_role("button", name="Quitter le plein écran")).to_be_visible()
    assert bruno.evaluate("document.fullscreenElement?.classList.contains('media-screen')")
    keep_screenshot(bruno, "live-stage-full-screen.png")
    bruno.get_by_role("button", name="Quitter le plein écran").click()
    expect(bruno.get_by_role("button", name="Plein écran")).to_be_visible()

    # Bruno chooses sound only: he no longer receives the videos.
    bruno.get_by_role("button", name="Son seulement (connexion faible)").click()
    expect(bruno.locator("figure.tile.video")).to_have_count(0)
    bruno.get_by_role("button", name="Son seulement (connexion faible)").click()
    sees_video_of(bruno, "Amina")

    # A breakout room: Amina and Bruno see each other at thumbnail size, and no longer the moderator.
    board.get_by_role("button", name="Reprendre la parole").click()
    choose_room(amina, MARKET_ROOM)
    choose_room(bruno, MARKET_ROOM)
    board.get_by_role("tab", name="Scénario").click()
    go_to_breakout_step(board)
    board.get_by_role("button", name="Ouvrir les salles").click()
    sees_video_of(amina, "Bruno")
    sees_video_of(bruno, "Amina")
    sends_video(amina, 320)
    hears_someone(amina, "Bruno, the only other one in the room")
    hears_someone(bruno, "Amina")
    expect(amina.locator("figure.tile.video").filter(has_text="Karim Benali")).to_have_count(0)
    keep_screenshot(amina, "live-room-video.png")
    assert not controls_on_two_lines(amina), f"the control bar wraps: {controls_on_two_lines(amina)}"

    # The moderator visits the market room from the board (a new tab): Amina and Bruno see him there; his
    # stage tab stands by, sending nothing and showing no trouble. He closes the visit: he is back in the
    # plenary through that tab, and seen there once the rooms close.
    board.get_by_role("tab", name=re.compile("^Salles")).click()
    market_card = board.locator(".q-card").filter(has=board.get_by_role("heading", name=MARKET_ROOM))
    with board.expect_popup() as opened:
        market_card.get_by_role("button", name="Rejoindre").click()
    visit = opened.value
    sees_video_of(amina, "Karim Benali")
    sees_video_of(bruno, "Karim Benali")
    eventually(lambda: stage.evaluate("!window.atelierMedia.publisher"), "the stage tab stands by")
    expect(stage.get_by_text("Vous êtes sur la scène dans un autre onglet")).to_be_visible()
    expect(stage.locator(".media-problem")).to_have_count(0)
    # It shows and plays nothing: the moderator sees and hears the room once, in the visit's tab.
    expect(stage.locator("figure.tile.video")).to_have_count(0)
    eventually(lambda: stage.evaluate("!window.atelierMedia.subscriber"), "the stage tab still receives the room")
    keep_screenshot(stage, "live-stage-standing-by.png")
    visit.close()
    expect(stage.get_by_text("Vous êtes sur la scène dans un autre onglet")).to_have_count(0)
    eventually(lambda: stage.evaluate("!!window.atelierMedia.subscriber"), "the stage tab does not watch again")
    expect(amina.locator("figure.tile.video").filter(has_text="Karim Benali")).to_have_count(0)
    board.get_by_role("button", name="Fermer les salles").click()
    sees_video_of(amina, "Karim Benali")
    expect(stage.locator(".media-problem")).to_have_count(0)

    # The workshop ends: nothing flows any more, either way.
    board.get_by_role("button", name="Terminer l’atelier").click()
    board.get_by_role("dialog").get_by_role("button", name="Terminer l’atelier").click()
    expect(amina.get_by_role("heading", name="L’atelier est terminé")).to_be_visible()
    for page in (amina, bruno):
        sends_no_video(page)
        receives_nothing(page)
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
    server_said = own_server.log.read_text(errors="replace")[log_before:]
    assert "Traceback" not in server_said, server_said
