"""Every kind of message, in French and English: its subject, its text and HTML parts, its links, its headers,
and its calendar invitation parsed back with icalendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from domain import invitations, workshops
from domain.clock import FakeClock
from domain.models import MessageKind, RegistrationStatus
from mail.composing import Composer, NotComposable
from tests.mail.conftest import LINKS, PUBLIC_URL, Place

PARIS = ZoneInfo("Europe/Paris")


def parts(email: EmailMessage) -> tuple[str, str]:
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def calendar_of(email: EmailMessage) -> Calendar | None:
    """The .ics attached (invite.ics or cancel.ics), which must be the same as the text/calendar alternative."""
    attached = [part for part in email.iter_attachments() if part.get_content_type() == "text/calendar"]
    alternative = [part for part in email.walk() if part.get_content_type() == "text/calendar"
                   and part.get_content_disposition() is None]
    if not attached:
        assert not alternative
        return None
    assert len(attached) == 1 and len(alternative) == 1
    assert attached[0].get_content() == alternative[0].get_content()
    return Calendar.from_ical(attached[0].get_content())


class Links(HTMLParser):
    """The links of an HTML part, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.found.append(("".join(self._text).strip(), self._href))
            self._href = None


def links_of(html: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_every_kind_renders_with_its_links(place: Place, composer: Composer, language: str) -> None:
    for kind in MessageKind:
        registration = await place.register("Amina Diallo", language=language)
        message = await place.post(kind, registration, why="by_person")
        page = LINKS.page_of(registration, PUBLIC_URL)

        composed = await composer.compose(message)
        email = composed.email
        text, html = parts(email)

        assert email["From"] == "Mairie de Villeneuve <atelier@ville.example>", kind
        assert email["To"] == f"Amina Diallo <{registration.email}>", kind
        assert email["Message-ID"] == f"<{message.key}@ville.example>", kind
        assert email["Date"] and email["Content-Language"] == language, kind
        assert "Réinventons la place du Marché" in email["Subject"], kind
        assert f'<html lang="{language}">' in html and "<h1" in html and "<title>" in html, kind
        assert "Amina Diallo" in text and page.url in text, kind
        assert page.url in {href.split("?")[0].split("#")[0] for _label, href in links_of(html)}, kind
        for label, _href in links_of(html):
            assert label and label.lower() not in {"click here", "cliquez ici", "here", "ici"}, kind
        assert ("Bonjour Amina Diallo" if language == "fr" else "Hello Amina Diallo") in text, kind
        assert "{" not in text and "}" not in text, kind  # every placeholder filled
        assert (calendar_of(email) is not None) == (kind in {MessageKind.REGISTERED, MessageKind.PROMOTED,
                                                             MessageKind.SESSION_CHANGED, MessageKind.CANCELLED})
        assert composed.obsolete is None, kind


async def test_an_invitation_says_what_for_why_how_and_what_is_needed(place: Place, composer: Composer) -> None:
    registration = await place.register("Bruno", language="fr", status=RegistrationStatus.INVITED)
    suggested = invitations.text_to_send(await workshops.load_plan_by_id(place.workshop.id))
    message = await place.post(MessageKind.INVITATION, registration, subject=suggested.subject, body=suggested.body)

    email = (await composer.compose(message)).email
    text, html = parts(email)

    assert email["Subject"] == "Invitation : Réinventons la place du Marché"
    assert "Le marché va être rénové." in text  # what it is for
    assert "votre expérience et vos idées comptent" in text  # why they are invited
    assert "Pendant 1 h 30, vous" in text  # how they can contribute
    assert "compte rendu de l’atelier" in text  # how their contribution will be used
    assert "ordinateur" in text and "connexion internet stable" in text
    assert "Jeudi 10 décembre 2026, 18:30–20:00" in text and "(Europe/Paris)" in text
    register = [href for label, href in links_of(html) if label.startswith("M’inscrire")]
    assert register == [LINKS.page_of(registration, PUBLIC_URL).url]
    assert calendar_of(email) is None


async def test_the_organisers_invitation_text_replaces_the_default_escaped_paragraphs_kept(
        place: Place, composer: Composer) -> None:
    registration = await place.register("Bruno", language="en", status=RegistrationStatus.INVITED)
    body = "Dear neighbour,\nwe <b>need</b> you & your ideas.\n\n<script>alert(1)</script>\r\n\r\nSee you!"
    message = await place.post(MessageKind.INVITATION, registration, subject="Come\r\nBcc: x@evil.example",
                               body=body)

    email = (await composer.compose(message)).email
    text, html = parts(email)

    assert email["Subject"] == "Come Bcc: x@evil.example"
    assert email["Bcc"] is None
    assert "we <b>need</b> you & your ideas." in text and "<script>alert(1)</script>" in text
    assert "we &lt;b&gt;need&lt;/b&gt; you &amp; your ideas." in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Dear neighbour,<br>we" in html
    assert len(re.findall(r"<p[^>]*>", html.split("Dear neighbour")[1].split("See you!")[0])) == 2
    assert "computer" in text  # the fixed parts stay


async def test_a_name_with_line_breaks_commas_and_markup_cannot_add_headers(place: Place, composer: Composer
                                                                             ) -> None:
    registration = await place.register("Eve\r\nBcc: all@ville.example, <b>Evil</b>", language="en")
    message = await place.post(MessageKind.REGISTERED, registration)

    email = (await composer.compose(message)).email
    raw = email.as_bytes()
    text, html = parts(email)

    assert email["Bcc"] is None and b"\nBcc:" not in raw
    assert len(email["To"].addresses) == 1
    assert email["To"].addresses[0].addr_spec == registration.email
    assert email["To"].addresses[0].display_name == "Eve Bcc: all@ville.example, <b>Evil</b>"
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html


async def test_an_address_that_is_not_one_cannot_be_composed(place: Place, composer: Composer) -> None:
    registration = await place.register("Eve", email="eve@ville.example\r\nBcc: all@ville.example")
    message = await place.post(MessageKind.REGISTERED, registration)

    with pytest.raises(NotComposable):
        await composer.compose(message)


@pytest.mark.parametrize("kind", [MessageKind.REGISTERED, MessageKind.PROMOTED, MessageKind.SESSION_CHANGED])
async def test_a_confirmation_carries_a_calendar_request(place: Place, composer: Composer, kind: MessageKind
                                                         ) -> None:
    registration = await place.register("Amina Diallo", language="en")
    message = await place.post(kind, registration, sequence=3)

    email = (await composer.compose(message)).email
    calendar = calendar_of(email)

    assert calendar is not None
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.events[0]
    assert str(event["UID"]) == f"registration-{registration.public_id}@atelier.ville.example"
    assert event["SEQUENCE"] == 3
    assert event.start == datetime(2026, 12, 10, 18, 30, tzinfo=PARIS)
    assert event.start.tzinfo is not None and str(event.start.tzinfo) == "Europe/Paris"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"  # the zone itself, not a UTC instant
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Paris"]
    assert event.end - event.start == timedelta(minutes=90)
    assert str(event["URL"]) == LINKS.page_of(registration, PUBLIC_URL).url
    assert str(event["ORGANIZER"]) == "mailto:atelier@ville.example"
    assert [str(attendee) for attendee in event.attendees] == [f"mailto:{registration.email}"]
    alarm = event.walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == -timedelta(minutes=30) and str(alarm["ACTION"]) == "DISPLAY"
    assert str(event["STATUS"]) == "CONFIRMED"
    calendar_part = next(part for part in email.walk() if part.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    assert [part.get_filename() for part in email.iter_attachments()] == ["invite.ics"]


async def test_a_cancellation_cancels_the_same_event_with_a_higher_sequence(place: Place, composer: Composer
                                                                           ) -> None:
    registration = await place.register("Amina Diallo", language="fr")
    request = calendar_of((await composer.compose(await place.post(MessageKind.REGISTERED, registration,
                                                                   sequence=0))).email)
    cancel = calendar_of((await composer.compose(await place.post(
        MessageKind.CANCELLED, registration, sequence=1, why="session_cancelled"))).email)

    assert request is not None and cancel is not None
    assert cancel["METHOD"] == "CANCEL"
    assert cancel.events[0]["UID"] == request.events[0]["UID"]
    assert cancel.events[0]["SEQUENCE"] == 1 > request.events[0]["SEQUENCE"]
    assert str(cancel.events[0]["STATUS"]) == "CANCELLED"
    assert not cancel.events[0].walk("VALARM")


@pytest.mark.parametrize(("why", "says"), [
    ("by_person", "Comme vous l’avez demandé"),
    ("by_organiser", "Les organisateur·rices"),
    ("session_cancelled", "est annulée"),
])
async def test_a_cancellation_says_why(place: Place, composer: Composer, why: str, says: str) -> None:
    registration = await place.register("Amina Diallo", language="fr")
    message = await place.post(MessageKind.CANCELLED, registration, why=why)

    text, _html = parts((await composer.compose(message)).email)

    assert says in text


async def test_a_reminder_can_be_turned_off_in_one_click(place: Place, composer: Composer) -> None:
    registration = await place.register("Amina Diallo", language="en")
    message = await place.post(MessageKind.REMINDER, registration, hours_before=24)

    email = (await composer.compose(message)).email
    text, html = parts(email)
    page = LINKS.page_of(registration, PUBLIC_URL)

    assert email["List-Unsubscribe"] == f"<{page.reminders_off}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Pensez à votre casque." in text  # the workshop's own reminder message
    assert ("Stop the reminders for Réinventons la place du Marché", page.reminders_off) in links_of(html)
    assert ("Check my camera and microphone now", page.device_check) in links_of(html)
    assert "five minutes early" in text


async def test_practical_information_explains_how_to_get_in(place: Place, composer: Composer) -> None:
    registration = await place.register("Amina Diallo", language="fr")
    message = await place.post(MessageKind.PRACTICAL_INFORMATION, registration)

    text, html = parts((await composer.compose(message)).email)

    assert "1. " in text and "3. " in text and "<ol" in html
    assert "cinq minutes en avance" in text
    assert "18:30" in text and "Accueil" in text  # the agenda, from the session's start
    assert LINKS.page_of(registration, PUBLIC_URL).device_check in text


async def test_the_thank_you_links_to_the_survey(place: Place, composer: Composer) -> None:
    registration = await place.register("Amina Diallo", language="fr")
    message = await place.post(MessageKind.THANK_YOU, registration)

    text, html = parts((await composer.compose(message)).email)

    assert "Merci pour vos idées !" in text and "12 janvier : restitution publique." in text
    survey = [href for label, href in links_of(html) if "questionnaire" in label]
    assert survey == [LINKS.page_of(registration, PUBLIC_URL).feedback]


async def test_the_times_are_the_workshops_and_name_its_zone(place: Place, composer: Composer) -> None:
    place.workshop.time_zone = "America/Montreal"
    await place.workshop.save()
    registration = await place.register("Amina Diallo", language="en")
    message = await place.post(MessageKind.REGISTERED, registration)

    email = (await composer.compose(message)).email
    text, _html = parts(email)
    calendar = calendar_of(email)

    assert "Thursday 10 December 2026, 12:30–14:00, Eastern Standard Time (America/Montreal)" in text
    assert calendar is not None
    assert calendar.events[0].start == datetime(2026, 12, 10, 17, 30, tzinfo=UTC)
    assert calendar.events[0]["DTSTART"].params["TZID"] == "America/Montreal"


async def test_a_reminder_is_obsolete_once_the_session_started_or_moved_or_turned_off(
        place: Place, composer: Composer, clock: FakeClock) -> None:
    registration = await place.register("Amina Diallo")
    planned = place.session.starts_at.isoformat()
    message = await place.post(MessageKind.REMINDER, registration, hours_before=1, starts_at=planned)
    assert (await composer.compose(message)).obsolete is None

    registration.reminders_off = True
    await registration.save()
    assert (await composer.compose(message)).obsolete == "Not sent: the person turned reminders off."

    registration.reminders_off = False
    await registration.save()
    place.session.starts_at += timedelta(days=1)
    await place.session.save()
    assert "moved" in str((await composer.compose(message)).obsolete)

    clock.set(place.session.starts_at + timedelta(minutes=1))
    assert (await composer.compose(message)).obsolete == "Not sent: the session had already started."
