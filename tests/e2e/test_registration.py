"""Registration in Chromium: the public form, the link of the confirmation e-mail, the personal page (change of
session, cancellation, the waiting list moving up) and, on the day, the way into the lobby without typing a name.
axe-core audits the form (with a field refused), "check your e-mail", the personal page, a workshop by invitation
only and its lobby.

No mail server here: the test reads the confirmation message in the server's outbox (its database) and makes its
link as mail/ does, with the personal links' secret of the server's data directory.

Set ATELIER_SCREENSHOTS=1 to rewrite the registration-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from domain.clock import SystemClock
from domain.models import MessageKind, OutboxMessage, Participant, Registration, RegistrationMode, WorkshopSession
from domain.personal_links import PersonalLinks, personal_page
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot
from tests.registration_workshop import OPINION_CHOICES, registration_workshop

pytestmark = pytest.mark.e2e



def confirmation_link(server: Server, email: str) -> str:
    """The link of the CONFIRM_ADDRESS message the outbox holds for this address, as mail/ writes it."""
    assert server.data_dir is not None
    secret = json.loads((server.data_dir / "secrets.json").read_text())["personal_links_secret"]

    async def read() -> Registration:
        message = await OutboxMessage.filter(to_address=email, kind=MessageKind.CONFIRM_ADDRESS).order_by(
            "-id").first()
        assert message is not None, f"no confirmation message to {email} in the outbox"
        return await Registration.get(id=message.registration_id)

    registration = in_database(server, read)
    return personal_page(server.url, PersonalLinks(secret.encode()).token_of(registration)).confirm


def fill_in(page: Page, session: re.Pattern[str], name: str, email: str) -> None:
    page.get_by_role("radio", name=session).click()
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Votre adresse e-mail").fill(email)
    page.get_by_role("checkbox", name="J’accepte").click()


@pytest.fixture
def workshop(server: Server) -> tuple[str, list[WorkshopSession]]:
    """A workshop taking registrations on its page: a session in 20 minutes with one place, another in a week
    with two. The server's clock is the real one."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    async def make() -> tuple[str, list[WorkshopSession]]:
        made, sessions = await registration_workshop(SystemClock(), starts=[now + timedelta(minutes=20),
                                                                            now + timedelta(days=7)],
                                                     capacities=[1, 2], title="Quartier des Tanneurs")
        return made.slug, sessions

    return in_database(server, make)


def test_a_citizen_registers_changes_cancels_and_the_next_one_comes_in_on_the_day(
        contexts: Contexts, server: Server, workshop: tuple[str, list[WorkshopSession]]) -> None:
    slug, _sessions = workshop
    soon = re.compile("1 place restante")  # the session in 20 minutes, the other one has two
    zoe = contexts.new_page()
    zoe.goto(f"/w/{slug}")
    expect(zoe.get_by_role("heading", name="S’inscrire")).to_be_visible()
    keep_screenshot(zoe, "registration-form.png", full_page=True)

    # A bad address is told beside the field, and nothing typed is lost.
    fill_in(zoe, soon, "Zoé", "zoe@exemple")
    zoe.get_by_role("radio", name=OPINION_CHOICES[2]).click()
    zoe.get_by_role("button", name="S’inscrire").click()
    expect(zoe.get_by_text("Après le @ vient un nom de domaine comme ville.fr : celui-ci est incomplet.")) \
        .to_be_visible()
    expect(zoe.get_by_label("Votre adresse e-mail")).to_be_focused()
    expect(zoe.get_by_label("Votre nom")).to_have_value("Zoé")
    expect(zoe.get_by_role("checkbox", name="J’accepte")).to_be_checked()
    assert zoe.locator(".atelier-trap input").evaluate("input => input.tabIndex") == -1  # off the keyboard's path
    expect(zoe.get_by_text("Pour la confirmation de votre inscription et les rappels.")).to_have_count(0)  # faded
    check_accessibility(zoe, f"/w/{slug} (a field refused)")
    zoe.get_by_label("Votre adresse e-mail").fill("zoe@exemple.fr")
    zoe.get_by_role("button", name="S’inscrire").click()
    expect(zoe.get_by_role("heading", name="Consultez votre messagerie")).to_be_focused()
    check_accessibility(zoe, f"/w/{slug} (sent)")
    keep_screenshot(zoe, "registration-sent.png", full_page=True)

    # The link of the confirmation e-mail takes her place.
    zoe.goto(confirmation_link(server, "zoe@exemple.fr"))
    expect(zoe.get_by_role("heading", name="Vous êtes inscrit·e, Zoé")).to_be_visible()
    check_accessibility(zoe, "/r/… (registered)")
    keep_screenshot(zoe, "registration-personal-page.png", full_page=True)

    # Ali registers for the same session, now full: he waits.
    ali = contexts.new_page(timezone_id="America/Montreal")
    ali.goto(f"/w/{slug}")
    fill_in(ali, re.compile("complète : liste d’attente"), "Ali", "ali@exemple.fr")
    ali.get_by_role("button", name="S’inscrire").click()
    expect(ali.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    ali.goto(confirmation_link(server, "ali@exemple.fr"))
    expect(ali.get_by_role("heading", name="Vous êtes sur liste d’attente")).to_be_visible()
    expect(ali.get_by_text("Vous êtes en position 1 sur la liste d’attente de cette session :")).to_be_visible()
    expect(ali.get_by_text(re.compile(r"heure normale de l’Est nord-américain \(America/"))).to_be_visible()

    # Zoé moves to next week's session: her place goes to Ali.
    zoe.get_by_role("radio", name=re.compile("2 places restantes")).click()
    zoe.get_by_role("button", name="Changer de session").click()
    zoe.get_by_role("dialog").get_by_role("button", name="Changer de session").click()
    expect(zoe.get_by_role("heading", name="Vous êtes inscrit·e, Zoé")).to_be_focused()
    ali.reload()
    expect(ali.get_by_role("heading", name="Vous êtes inscrit·e, Ali")).to_be_visible()

    # Then she cancels.
    zoe.get_by_role("button", name="Annuler mon inscription").click()
    zoe.get_by_role("dialog").get_by_role("button", name="Annuler mon inscription").click()
    expect(zoe.get_by_role("heading", name="Votre inscription est annulée")).to_be_visible()

    # Ali's session starts in 20 minutes: the way in is open, under his name.
    expect(ali.get_by_text("L’entrée est ouverte : vous entrez sous le nom Ali.")).to_be_visible()
    ali.get_by_role("button", name="Entrer dans l’atelier").click()
    ali.wait_for_url(re.compile(f"/w/{slug}/lobby$"))
    expect(ali.get_by_role("heading", name="Bienvenue, Ali !")).to_be_visible()
    expect(ali.get_by_label("Votre nom")).to_have_count(0)

    async def outcome() -> tuple[list[str], list[tuple[str, int | None]]]:
        # What their actions sent; the mail schedule may add the practical information, on its own minute.
        kinds = [f"{m.to_address} {m.kind.value}" for m in await OutboxMessage.filter(
            to_address__in=["zoe@exemple.fr", "ali@exemple.fr"]).exclude(
            kind__in=[MessageKind.PRACTICAL_INFORMATION, MessageKind.REMINDER]).order_by("id")]
        return kinds, [(p.display_name, p.registration_id) for p in await Participant.filter(
            run__session__workshop__slug=slug)]

    kinds, participants = in_database(server, outcome)
    assert kinds == ["zoe@exemple.fr confirm_address", "zoe@exemple.fr registered",
                     "ali@exemple.fr confirm_address", "ali@exemple.fr waiting_list",
                     "zoe@exemple.fr session_changed", "ali@exemple.fr promoted", "zoe@exemple.fr cancelled"]
    ali_id = in_database(server, lambda: Registration.get(email="ali@exemple.fr", workshop__slug=slug))
    assert participants == [("Ali", ali_id.id)]


def test_the_pages_in_english(contexts: Contexts, server: Server, workshop: tuple[str, list[WorkshopSession]]) -> None:
    slug, _sessions = workshop
    sam = contexts.new_page(timezone_id="America/Montreal")
    sam.goto(f"/w/{slug}")
    sam.get_by_role("link", name="English").click()  # the language switch in the header, kept for the visit
    expect(sam.get_by_role("heading", name="Register")).to_be_visible()
    expect(sam.get_by_text(re.compile(r"Times in .*\(America/"))).to_be_visible()
    keep_screenshot(sam, "registration-form-en.png", full_page=True)
    sam.get_by_role("radio", name=re.compile("2 places left")).click()
    sam.get_by_label("Your name").fill("Sam")
    sam.get_by_label("Your e-mail address").fill("sam@example.org")
    sam.get_by_role("checkbox", name="I agree").click()
    sam.get_by_role("button", name="Register").click()
    expect(sam.get_by_role("heading", name="Check your e-mail")).to_be_focused()
    keep_screenshot(sam, "registration-sent-en.png", full_page=True)
    sam.goto(confirmation_link(server, "sam@example.org"))
    expect(sam.get_by_role("heading", name="You are registered, Sam")).to_be_visible()
    expect(sam.get_by_text(re.compile(r"That is \d\d:\d\d where the workshop is organised \(Europe/Paris\)\."))) \
        .to_be_visible()
    keep_screenshot(sam, "registration-personal-page-en.png", full_page=True)


def test_a_workshop_by_invitation_only_has_no_form(contexts: Contexts, server: Server) -> None:
    async def make() -> str:
        made, _ = await registration_workshop(SystemClock(), starts=[datetime.now(UTC) + timedelta(days=3)],
                                              capacities=[None], mode=RegistrationMode.INVITATION_ONLY,
                                              title="Conseil de quartier")
        return made.slug

    slug = in_database(server, make)
    page = contexts.new_page()
    page.goto(f"/w/{slug}")
    expect(page.get_by_text(re.compile("L’inscription se fait sur invitation"))).to_be_visible()
    expect(page.get_by_label("Votre adresse e-mail")).to_have_count(0)
    check_accessibility(page, f"/w/{slug} (by invitation)")
    page.goto(f"/w/{slug}/lobby")  # nobody comes in by typing a name
    expect(page.get_by_role("heading", name="Cet atelier est réservé aux personnes inscrites")).to_be_visible()
    expect(page.get_by_label("Votre nom")).to_have_count(0)
    check_accessibility(page, f"/w/{slug}/lobby (registered people only)")


FOCUSED_NAME = """() => {
    const element = document.activeElement;
    const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
    return (element.getAttribute("aria-label") || label || element.innerText || "").trim();
}"""


def test_the_form_is_filled_in_and_sent_from_the_keyboard(
        contexts: Contexts, server: Server, workshop: tuple[str, list[WorkshopSession]]) -> None:
    slug, _sessions = workshop
    page = contexts.new_page()
    page.goto(f"/w/{slug}")
    page.get_by_role("link", name="Aller au formulaire d’inscription").focus()
    page.keyboard.press("Enter")  # to the form
    visited: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUSED_NAME)
        visited.append(name)
        if "2 places restantes" in name or name == "J’accepte":
            page.keyboard.press("Space")
        elif name == "Votre nom":
            page.keyboard.type("Léa")
        elif name == "Votre adresse e-mail":
            page.keyboard.type("lea@exemple.fr")
        elif name.endswith("S’inscrire"):  # after its icon's ligature, which is hidden from screen readers
            page.keyboard.press("Enter")
            break
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_focused()
    assert "Website" not in visited, visited  # the hidden field is never reached
    assert visited[-1].endswith("S’inscrire"), visited
