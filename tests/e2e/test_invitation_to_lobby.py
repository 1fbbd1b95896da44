"""From the invitation to the stage, with real mail: an organiser prepares a workshop by invitation only in the
wizard (a session on Thursday 9 January 2031 at 19:15 in Paris) and invites a citizen; the invitation reaches a
real SMTP server (aiosmtpd on a free port, which Atelier is given with --smtp-url); the citizen follows the mail's
personal link in her browser and registers in one click; the confirmation mail's calendar invitation says 19:15 in
Europe/Paris, while the server runs in Montreal's zone and the citizen's browser too. On the day, a quarter of an
hour before the start, she enters from her personal page under her name, without typing it, and goes on to the
stage when the organiser opens the doors: her attendance is recorded against her registration.

The server runs on a fake clock (tests/e2e/clocked_atelier.py): Monday 6 January 2031, then the day itself.

Set ATELIER_SCREENSHOTS=1 to rewrite docs/screenshots/mail-e2e-*.png: the invitation's HTML part as a browser
shows it, the personal page once registered and on the day, the outbox page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from domain.models import Participant, Registration, RegistrationMode, RegistrationStatus, Workshop, WorkshopSession
from tests.e2e.clocked_atelier import move_clock
from tests.e2e.conftest import (
    ORGANISER,
    Contexts,
    Server,
    close_contexts,
    demo_running,
    in_database,
    keep_screenshot,
    sign_in,
)
from tests.mail.smtp_server import LocalSmtpServer, Received

pytestmark = pytest.mark.e2e

MONDAY = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)  # the server's clock when the organiser prepares and invites
SESSION_DAY, SESSION_TIME = "2031-01-09", "19:15"  # Thursday, in Paris: 18:15 UTC, 13:15 in Montreal
SESSION_START = datetime(2031, 1, 9, 18, 15, tzinfo=UTC)
QUARTER_OF_AN_HOUR_BEFORE = datetime(2031, 1, 9, 18, 0, tzinfo=UTC)
WORKSHOP_ZONE, CITIZEN_ZONE = "Europe/Paris", "America/Montreal"
TITLE = "Les berges de la Vienne"
CITIZEN, CITIZEN_ADDRESS = "Léa Fontaine", "lea.fontaine@habitants.example"
MARKUP_NAME, MARKUP_ADDRESS = "Zoé <b>Roux</b>", "zoe.roux@habitants.example"  # invited too: her name stays text
MAIL_FROM = "Mairie de Villeneuve <atelier@ville.example>"
GUARD = 60.0  # seconds: against a message that never comes, not a speed check


@pytest.fixture
def mailing_server(tmp_path: Path, smtp: LocalSmtpServer) -> Iterator[Server]:
    """`atelier demo` on a fake clock, sending through the test's SMTP server; its own zone Montreal's, not Paris's."""
    with demo_running(tmp_path, "--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--mail-from", MAIL_FROM,
                      launcher=("-m", "tests.e2e.clocked_atelier", MONDAY.isoformat()),
                      environment={"TZ": CITIZEN_ZONE}) as started:
        yield started


@pytest.fixture
def people(browser: Browser, mailing_server: Server, request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[Contexts]:
    """Browser contexts on the mailing server."""
    opened = Contexts(browser, mailing_server.url)
    yield opened
    close_contexts(opened, request, tmp_path, mailing_server)


def wait_for(condition: Callable[[], object], what: str | Callable[[], str]) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what() if callable(what) else what}"
        time.sleep(0.1)


def mail_to(smtp: LocalSmtpServer, address: str, subject: Callable[[str], bool]) -> EmailMessage:
    """The one message to `address` whose subject passes `subject`, once the SMTP server has it."""
    def matching() -> list[Received]:
        return [received for received in smtp.messages()
                if address in received.recipients and subject(str(received.message["Subject"]))]

    wait_for(matching, lambda: f"a message to {address} at the SMTP server (it has "
                               f"{[str(r.message['Subject']) for r in smtp.messages()]})")
    found = matching()
    assert len(found) == 1, f"{len(found)} such messages to {address}"
    assert found[0].sender == "atelier@ville.example"
    return found[0].message


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a message."""
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None, "a message has a text part and an HTML part"
    return text.get_content(), html.get_content()


def connected(personal_page: Page, local_time: str) -> None:
    """Wait until the personal page, once connected, is redrawn in the visitor's zone (the session at
    `local_time`): a click on a button of the first drawing could be lost as it is replaced."""
    expect(personal_page.get_by_role("radio", name=re.compile(f"^Jeudi 9 janvier 2031, {local_time}–"))
           ).to_be_visible()


def prepare_and_publish(organiser: Page, server: Server) -> str:
    """In the wizard: a draft, described, by invitation only with twelve places in one session on Thursday
    9 January 2031 at 19:15 in Paris, a breakout room, published. Its slug."""
    organiser.goto("/organise/new")
    organiser.get_by_role("textbox", name="Titre provisoire").fill(TITLE)
    organiser.get_by_role("button", name="Créer le brouillon").click()
    organiser.wait_for_url(re.compile(r"/organise/[a-z0-9-]+/purpose$"))
    slug = organiser.url.rstrip("/").split("/")[-2]
    organiser.get_by_role("textbox", name="Description publique").fill(
        "Que faire des berges une fois la route déplacée ? Venez en décider avec vos voisin·es.")
    parts_nav = organiser.get_by_role("navigation", name="Parties de la préparation")
    expect(parts_nav.get_by_role("link", name="1 Objectif 2 conseils")).to_be_visible()  # described: no error left

    organiser.goto(f"/organise/{slug}/when")
    zone = organiser.get_by_role("combobox", name="Fuseau horaire")
    expect(zone).to_have_value(re.compile(f"\\({WORKSHOP_ZONE}\\)"))
    organiser.get_by_role("button", name="Ajouter une session").click()
    expect(organiser.get_by_role("heading", name="Session 1")).to_be_visible()
    organiser.get_by_role("textbox", name="Date", exact=True).fill(SESSION_DAY)
    organiser.get_by_role("textbox", name="Heure de début").fill(SESSION_TIME)
    expect(organiser.get_by_text(re.compile(r"^Jeudi 9 janvier 2031, 19:15–"))).to_be_visible()  # once saved

    organiser.goto(f"/organise/{slug}/participants")
    organiser.get_by_role("radio", name=re.compile("^Sur invitation uniquement")).click()
    organiser.get_by_role("spinbutton", name="Places de la session 1").fill("12")

    async def saved() -> bool:
        workshop = await Workshop.get(slug=slug)
        sessions = await WorkshopSession.filter(workshop=workshop).values_list("capacity", flat=True)
        return workshop.registration_mode == RegistrationMode.INVITATION_ONLY and sessions == [12]

    wait_for(lambda: in_database(server, saved), "the registration mode and places saved")

    organiser.goto(f"/organise/{slug}/rooms")
    organiser.get_by_role("button", name="Ajouter une salle de sous-groupe").click()
    expect(organiser.get_by_role("heading", name="Salle de sous-groupe 1")).to_be_visible()
    organiser.goto(f"/organise/{slug}/review")
    expect(organiser.get_by_text("Jeudi 9 janvier 2031, 19:15–20:45 · 12 places")).to_be_visible()
    organiser.get_by_role("button", name="Publier", exact=True).click()
    expect(organiser.get_by_text("Cet atelier est publié.")).to_be_visible()
    return slug


def test_an_invited_citizen_registers_from_the_mail_and_comes_in_on_the_day(
        people: Contexts, mailing_server: Server, smtp: LocalSmtpServer, tmp_path: Path) -> None:
    server = mailing_server
    organiser = people.new_page()
    sign_in(organiser, ORGANISER, landing=re.compile(r"/organise$"))
    slug = prepare_and_publish(organiser, server)

    # The organiser pastes the citizen's address in the invitations part and sends.
    organiser.goto(f"/organise/{slug}/invitations")
    subject = organiser.get_by_role("textbox", name="Objet").input_value()
    assert TITLE in subject, subject
    organiser.get_by_role("textbox", name="Adresses e-mail").fill(
        f"{CITIZEN} <{CITIZEN_ADDRESS}>\n{MARKUP_NAME} <{MARKUP_ADDRESS}>")
    organiser.get_by_role("button", name="Vérifier la liste").click()
    expect(organiser.get_by_text("2 personnes prêtes à être invitées")).to_be_visible()
    organiser.get_by_role("button", name="Envoyer 2 invitations").click()
    organiser.get_by_role("dialog").get_by_role("button", name="Envoyer", exact=True).click()
    expect(organiser.get_by_text("2 invitations sont dans les messages sortants, en route.")).to_be_visible()

    # The invitation at the SMTP server: its headers, its two parts, the personal link in both.
    invitation = mail_to(smtp, CITIZEN_ADDRESS, lambda subject_line: subject_line == subject)
    assert invitation["To"].addresses[0].display_name == CITIZEN
    assert invitation["From"].addresses[0].addr_spec == "atelier@ville.example"
    assert invitation["Message-ID"] and invitation["Date"]
    text, html = parts(invitation)
    assert f"Bonjour {CITIZEN}," in text
    assert "Jeudi 9 janvier 2031, 19:15–20:45, heure normale d’Europe centrale (Europe/Paris)" in text, text
    assert f"M’inscrire à « {TITLE} »" in text  # never "à Les berges"
    links = re.findall(r"https?://[^\s<>\"]+/r/[A-Za-z0-9_-]+", text)
    assert len(set(links)) == 1, links
    link = links[0]
    address = urlsplit(link)
    assert address.scheme == "http" and address.hostname in {"localhost", "127.0.0.1"}
    assert address.port == urlsplit(server.url).port, f"{link} does not lead to the server at {server.url}"
    token = address.path.rsplit("/", 1)[1]
    assert len(token) * 6 >= 128, f"a token of {len(token)} characters carries fewer than 128 bits"
    assert f'href="{link}"' in html

    # As a mail client shows its HTML part.
    mail_page = people.new_page()
    html_file = tmp_path / "invitation.html"
    html_file.write_text(html, encoding="utf-8")
    mail_page.goto(html_file.as_uri())
    expect(mail_page.get_by_text(f"Bonjour {CITIZEN},")).to_be_visible()
    expect(mail_page.locator(f'a[href="{link}"]').first).to_be_visible()
    keep_screenshot(mail_page, "mail-e2e-invitation.png", full_page=True)

    # A name with markup: text in both parts, escaped in the HTML, on one line in the To header.
    other = mail_to(smtp, MARKUP_ADDRESS, lambda subject_line: subject_line == subject)
    assert [address.display_name for address in other["To"].addresses] == [MARKUP_NAME]
    other_text, other_html = parts(other)
    assert f"Bonjour {MARKUP_NAME}," in other_text
    assert "Bonjour Zoé &lt;b&gt;Roux&lt;/b&gt;," in other_html and "<b>Roux" not in other_html
    html_file.write_text(other_html, encoding="utf-8")
    mail_page.goto(html_file.as_uri())
    expect(mail_page.get_by_text(f"Bonjour {MARKUP_NAME},")).to_be_visible()  # as the mail client shows it
    [other_link] = set(re.findall(r"https?://[^\s<>\"]+/r/[A-Za-z0-9_-]+", other_text))
    zoe = people.new_page(timezone_id="Europe/London")
    zoe.goto(other_link)
    expect(zoe.get_by_role("heading", name="Vous êtes invité·e")).to_be_visible()
    connected(zoe, "18:15")
    zoe.get_by_role("button", name="S’inscrire").click()
    expect(zoe.get_by_role("heading", name=f"Vous êtes inscrit·e, {MARKUP_NAME}")).to_be_visible()

    # A link altered by one character opens nothing, and says so.
    altered = link[:-1] + ("A" if link[-1] != "A" else "B")
    stranger = people.new_page()
    response = stranger.goto(altered)
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", name="Ce lien ne fonctionne pas")).to_be_visible()

    # The citizen follows the link and registers in one click.
    citizen = people.new_page(timezone_id=CITIZEN_ZONE)
    citizen.goto(link)
    expect(citizen.get_by_role("heading", name="Vous êtes invité·e")).to_be_visible()
    connected(citizen, "13:15")
    citizen.get_by_role("button", name="S’inscrire").click()
    expect(citizen.get_by_role("heading", name=f"Vous êtes inscrit·e, {CITIZEN}")).to_be_focused()
    expect(citizen.get_by_text(re.compile(r"^Jeudi 9 janvier 2031, 13:15–"))).to_be_visible()  # in Montreal
    expect(citizen.get_by_text("Soit 19:15 là où l’atelier est organisé (Europe/Paris).")).to_be_visible()
    keep_screenshot(citizen, "mail-e2e-personal-page.png", full_page=True)

    # The confirmation and its calendar invitation: 19:15 in Paris, whatever the zone of the server or reader.
    confirmation = mail_to(smtp, CITIZEN_ADDRESS, lambda line: line == f"Vous êtes inscrit·e : {TITLE}")
    text, _html = parts(confirmation)
    assert link in text
    # The event twice, as calendar invitations go: an alternative of the text (mail clients offer to accept it)
    # and the same file attached.
    calendars = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    assert [part.get_filename() for part in calendars] == [None, "invite.ics"]
    ics = calendars[1].get_payload(decode=True)
    assert calendars[0].get_payload(decode=True) == ics
    calendar = icalendar.Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [WORKSHOP_ZONE]
    [event] = calendar.walk("VEVENT")
    registration = in_database(server, lambda: Registration.get(email=CITIZEN_ADDRESS, workshop__slug=slug))
    assert str(event["UID"]) == f"registration-{registration.public_id}@localhost"
    assert int(event["SEQUENCE"]) == registration.calendar_sequence
    assert event["DTSTART"].params["TZID"] == WORKSHOP_ZONE
    start = event.decoded("DTSTART")
    assert (start.replace(tzinfo=None), str(start.tzinfo)) == (datetime(2031, 1, 9, 19, 15), WORKSHOP_ZONE)
    assert start == SESSION_START
    assert str(event["URL"]) == link
    assert len(event.walk("VALARM")) == 1

    # The organiser sees the four messages sent, on the outbox page.
    organiser.goto("/organise/outbox")
    expect(organiser.get_by_text("Les e-mails partent par smtp://127.0.0.1:")).to_be_visible()
    expect(organiser.locator("tbody tr")).to_have_count(4)
    rows = organiser.locator("tbody tr").filter(has_text=CITIZEN_ADDRESS)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Invitation").filter(has_text="Envoyé")).to_have_count(1)
    expect(rows.filter(has_text="Inscription confirmée").filter(has_text="Envoyé")).to_have_count(1)
    keep_screenshot(organiser, "mail-e2e-outbox.png", full_page=True)

    # On the day, a quarter of an hour before the start: she enters from her personal page, under her name.
    move_clock(server.url, QUARTER_OF_AN_HOUR_BEFORE)
    citizen.reload()  # then redrawn in her zone once connected, as `connected` waits for
    expect(citizen.get_by_text("Soit 19:15 là où l’atelier est organisé (Europe/Paris).")).to_be_visible()
    expect(citizen.get_by_text(f"L’entrée est ouverte : vous entrez sous le nom {CITIZEN}.")).to_be_visible()
    keep_screenshot(citizen, "mail-e2e-personal-page-on-the-day.png", full_page=True)
    citizen.get_by_role("button", name="Entrer dans l’atelier").click()
    citizen.wait_for_url(re.compile(f"/w/{slug}/lobby$"))
    expect(citizen.get_by_role("heading", name=f"Bienvenue, {CITIZEN} !")).to_be_visible()
    expect(citizen.get_by_label("Votre nom")).to_have_count(0)

    # The organiser opens the doors from the board, once it counts her (its buttons are redrawn for an arrival, and
    # a click on a button being replaced is lost): she goes on to the stage.
    citizen.wait_for_function("window.did_handshake === true")
    organiser.goto(f"/w/{slug}/moderate")
    expect(organiser.get_by_role("tab", name="Personnes (1)")).to_be_visible()
    organiser.get_by_role("button", name="Ouvrir les portes").click()
    citizen.wait_for_url(re.compile(f"/w/{slug}/live$"))
    citizen.wait_for_function("window.did_handshake === true")
    expect(organiser.get_by_role("tab", name="Personnes (1)")).to_be_visible()

    async def who_came() -> list[tuple[str, int | None]]:
        return [(person.display_name, person.registration_id)
                for person in await Participant.filter(run__session__workshop__slug=slug)]

    assert in_database(server, who_came) == [(CITIZEN, registration.id)]
    assert registration.status == RegistrationStatus.CONFIRMED
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
