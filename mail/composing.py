"""From an outbox row to the e-mail itself: its records, its text and HTML, its calendar invitation, its headers.

A message is composed again at every attempt and every time an organiser opens it, from its facts and the
records they name as they are now (the workshop's agenda, the session's time). Only what must not change
between attempts is fixed: the Message-ID comes from the row's `key`, so a message sent twice (after a crash
mid-send) is the same message to the mail clients that receive it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from domain.clock import Clock
from domain.i18n import N_, supported, translate
from domain.models import (
    MessageKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Step,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, PersonalPage
from mail import formatting
from mail.calendar import CalendarEvent, Method, registration_uid, to_ics
from mail.rendering import Rendered, Templates, one_line

CALENDAR_REQUESTS = frozenset({MessageKind.REGISTERED, MessageKind.PROMOTED, MessageKind.SESSION_CHANGED})
# Sent before a session: pointless, or wrong, once it has started, moved, or the person is no longer coming.
BEFORE_THE_SESSION = frozenset({MessageKind.REMINDER, MessageKind.PRACTICAL_INFORMATION})
# The sessions still to come, listed: to choose one (an invitation), or to come to another (after missing one).
OFFERS_SESSIONS = frozenset({MessageKind.INVITATION, MessageKind.SORRY_WE_MISSED_YOU})


PICTURES_DIR = Path(__file__).parent / "pictures"  # made by docs/make_mail_pictures.py
# The way in, step by step, as the practical information shows it: each step's picture (mail/pictures/<language>/
# <name>.png) and what the picture shows, for those who do not see it.
WAY_IN = (
    ("enter", N_("Your personal page on the day: the “Enter the workshop” button, with the name you come in under.")),
    ("lobby", N_("The lobby: a welcome under your name, and the doors not open yet.")),
    ("device_check", N_("The camera and microphone check: your picture, the camera, microphone and speakers to "
                        "choose, and the bar of the microphone's level.")),
)


@dataclass(frozen=True)
class Picture:
    """A picture of a step, inline in the HTML part: a part of its own next to the HTML (multipart/related), which
    the HTML shows with `src="cid:<cid>"`."""

    cid: str  # the Content-ID, without its angle brackets
    alt: str
    width: int
    height: int
    png: bytes


@functools.cache
def _picture_file(language: str, name: str) -> tuple[bytes, int, int]:
    """A picture's bytes and its size in pixels (from the PNG's header)."""
    png = (PICTURES_DIR / language / f"{name}.png").read_bytes()
    return png, int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class NotComposable(Exception):
    """The message can no longer be made: what it is about is gone. The reason is English, marked for translation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AgendaRow:
    at: str  # the step's start, local time
    title: str
    length: str


@dataclass(frozen=True)
class Composed:
    email: EmailMessage
    rendered: Rendered
    calendar: CalendarEvent | None
    # Why it should not be sent any more (a reminder for a session that has started): English, marked for
    # translation. The message can still be read on the outbox page.
    obsolete: str | None


@dataclass(frozen=True)
class _About:
    """The records one message is about."""

    workshop: Workshop
    registration: Registration
    session: WorkshopSession | None
    steps: list[Step]
    upcoming: list[WorkshopSession]  # the sessions still to come (but the one missed), for OFFERS_SESSIONS


@dataclass(frozen=True)
class Records:
    """The records a batch of messages names, loaded together: four queries for a hundred messages."""

    registrations: dict[int, Registration]
    workshops: dict[int, Workshop]
    sessions: dict[int, WorkshopSession]  # every session of those workshops
    steps: dict[int, list[Step]]  # each workshop's agenda, in order

    @classmethod
    async def load(cls, messages: list[OutboxMessage]) -> Records:
        registrations = {registration.id: registration for registration in await Registration.filter(
            id__in={message.registration_id for message in messages if message.registration_id})}
        workshop_ids = {registration.workshop_id for registration in registrations.values()}
        steps: dict[int, list[Step]] = {workshop_id: [] for workshop_id in workshop_ids}
        for step in await Step.filter(workshop_id__in=workshop_ids).order_by("position", "id"):
            steps[step.workshop_id].append(step)
        return cls(
            registrations=registrations,
            workshops={workshop.id: workshop for workshop in await Workshop.filter(id__in=workshop_ids)},
            sessions={session.id: session for session in await WorkshopSession.filter(workshop_id__in=workshop_ids)},
            steps=steps)

    def about(self, message: OutboxMessage, now: datetime) -> _About:
        registration = self.registrations.get(message.registration_id or 0)
        if registration is None:
            raise NotComposable(N_("Not sent: the registration it was about no longer exists."))
        workshop = self.workshops.get(registration.workshop_id)
        if workshop is None:
            raise NotComposable(N_("Not sent: the workshop it was about no longer exists."))
        session = self.sessions.get(message.facts.get("session_id", registration.session_id) or 0)
        if session is not None and session.workshop_id != workshop.id:
            session = None
        upcoming: list[WorkshopSession] = []
        if message.kind in OFFERS_SESSIONS:
            upcoming = sorted((each for each in self.sessions.values() if each.workshop_id == workshop.id
                               and each.cancelled_at is None and each.starts_at > now
                               and not (message.kind == MessageKind.SORRY_WE_MISSED_YOU and session is not None
                                        and each.id == session.id)), key=lambda each: each.starts_at)
        return _About(workshop, registration, session, self.steps.get(workshop.id, []), upcoming)


class _HeaderKinds(HeaderRegistry):
    """Python's header registry makes a new class each time it is asked for one; a message asks a dozen times.
    The class for a header name never changes: make it once."""

    @functools.cache  # noqa: B019 - one registry for the process: nothing is kept alive that would not be anyway
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)


EMAIL_POLICY = default_policy.clone(header_factory=_HeaderKinds())


class Composer:
    def __init__(self, *, public_url: str, mail_from: Address, links: PersonalLinks, clock: Clock,
                 templates: Templates | None = None) -> None:
        self.public_url = public_url.rstrip("/")
        self.mail_from = mail_from
        self.links = links
        self.clock = clock
        self.templates = templates or Templates()
        self.host = urlsplit(self.public_url).hostname or "localhost"

    async def compose(self, message: OutboxMessage) -> Composed:
        """The e-mail for `message`, ready to send; NotComposable when its workshop or registration is gone."""
        return self.compose_from(await Records.load([message]), message)

    def compose_from(self, records: Records, message: OutboxMessage) -> Composed:
        """`compose`, from records loaded for a whole batch (`Records.load`)."""
        now = self.clock.now()
        about = records.about(message, now)
        language = supported(message.language)
        page = self.links.page_of(about.registration, self.public_url)
        calendar = self._calendar_event(message, about, page, language)
        pictures = self._pictures(message, language)
        values = self._values(message, about, page, calendar, language) | {"pictures": pictures}
        rendered = self.templates.render(message.kind, language, values)
        email = self._email(message, rendered, calendar, page, language, now, list(pictures.values()))
        return Composed(email=email, rendered=rendered, calendar=calendar, obsolete=_obsolete(message, about, now))

    # ---------------------------------------------------------------- what the templates read

    def _values(self, message: OutboxMessage, about: _About, page: PersonalPage, calendar: CalendarEvent | None,
                language: str) -> dict[str, Any]:
        workshop, session = about.workshop, about.session
        zone = workshop.time_zone
        return {
            "person": one_line(message.to_name or about.registration.display_name),
            "workshop": workshop,
            "duration": formatting.duration(workshop.duration_minutes, language),
            "when": formatting.session_when(session.starts_at, workshop.duration_minutes, zone, language)
            if session else "",
            "short_when": formatting.day_and_time(session.starts_at, zone, language) if session else "",
            "agenda": _agenda(session, about.steps, zone, language) if session else [],
            "sessions": [formatting.session_when(upcoming.starts_at, workshop.duration_minutes, zone, language)
                         for upcoming in about.upcoming],
            "links": page,
            "organiser_subject": one_line(str(message.facts.get("subject") or "")),
            "organiser_body": str(message.facts.get("body") or "").strip(),
            "why": message.facts.get("why", "by_person"),
            "calendar": _calendar_note(calendar, language),
            "moved": bool(message.facts.get("moved")),
            # Whom Atelier writes for ("Mairie de Villeneuve"), unless the sender is only named Atelier.
            "sender_name": "" if self.mail_from.display_name in ("", "Atelier") else self.mail_from.display_name,
        }

    def _pictures(self, message: OutboxMessage, language: str) -> dict[str, Picture]:
        """The pictures of the way in, for the practical information; their Content-IDs differ per message."""
        if message.kind != MessageKind.PRACTICAL_INFORMATION:
            return {}
        pictures = {}
        for name, alt in WAY_IN:
            png, width, height = _picture_file(language, name)
            pictures[name] = Picture(cid=f"{name}.{message.key}@{self.mail_from.domain}",
                                     alt=translate(alt, language), width=width, height=height, png=png)
        return pictures

    # ---------------------------------------------------------------- the calendar invitation

    def _calendar_event(self, message: OutboxMessage, about: _About, page: PersonalPage,
                        language: str) -> CalendarEvent | None:
        if about.session is None:
            return None
        if message.kind in CALENDAR_REQUESTS:
            method = Method.REQUEST
        elif message.kind == MessageKind.CANCELLED:
            method = Method.CANCEL
        else:
            return None
        workshop = about.workshop
        return CalendarEvent(
            method=method,
            uid=registration_uid(about.registration.public_id, self.host),
            sequence=int(message.facts.get("sequence", about.registration.calendar_sequence)),
            summary=one_line(workshop.title),
            description=translate(N_("Your personal page, to enter the workshop on the day: {url}\n\nPlease connect "
                                     "five minutes early to test your camera and microphone."), language, url=page.url),
            starts_at=about.session.starts_at,
            minutes=workshop.duration_minutes,
            zone=workshop.time_zone,
            url=page.url,
            organizer=self.mail_from,
            attendee=_recipient(message, about.registration),
            alarm_text=translate(N_("{title} starts in 30 minutes"), language, title=one_line(workshop.title)),
        )

    # ---------------------------------------------------------------- the e-mail

    def _email(self, message: OutboxMessage, rendered: Rendered, calendar: CalendarEvent | None, page: PersonalPage,
               language: str, now: datetime, pictures: list[Picture]) -> EmailMessage:
        email = EmailMessage(policy=EMAIL_POLICY)
        email["Subject"] = rendered.subject
        email["From"] = self.mail_from
        email["To"] = _recipient(message, None)
        email["Date"] = format_datetime(now)
        email["Message-ID"] = f"<{message.key}@{self.mail_from.domain}>"
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies (out of office) to it
        if message.kind == MessageKind.REMINDER:  # one click in the mail client turns reminders off (RFC 8058)
            email["List-Unsubscribe"] = f"<{page.reminders_off}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(rendered.text)
        email.add_alternative(rendered.html, subtype="html")
        if pictures:  # the HTML part becomes multipart/related: the HTML, then the pictures it shows
            html = email.get_body(("html",))
            assert isinstance(html, EmailMessage)
            for picture in pictures:
                html.add_related(picture.png, maintype="image", subtype="png", cid=f"<{picture.cid}>",
                                 filename=f"{picture.cid.split('.', 1)[0]}.png", disposition="inline")
        if calendar is not None:
            ics = to_ics(calendar, now)
            method = {"method": calendar.method.value}
            email.add_alternative(ics, maintype="text", subtype="calendar", params=method)
            email.add_attachment(ics, maintype="text", subtype="calendar", filename=calendar.file_name, params=method)
        email["Content-Language"] = language  # last: making the body moves or drops the Content-* headers before
        return email


def _recipient(message: OutboxMessage, registration: Registration | None) -> Address:
    """The person, with their name made one plain line: a name cannot add a header or another recipient."""
    name = one_line(message.to_name or (registration.display_name if registration else ""))
    try:
        return Address(display_name=name, addr_spec=message.to_address.strip())
    except (ValueError, IndexError, HeaderParseError):
        raise NotComposable(N_("Not sent: the address is not a valid e-mail address.")) from None


def _agenda(session: WorkshopSession, steps: list[Step], zone: str, language: str) -> list[AgendaRow]:
    rows, offset = [], 0
    for number, step in enumerate(steps, start=1):
        rows.append(AgendaRow(
            at=formatting.clock_time(session.starts_at + timedelta(minutes=offset), zone, language),
            title=step.title or translate(N_("Step {number}"), language, number=number),
            length=formatting.duration(step.minutes, language)))
        offset += step.minutes
    return rows


def _calendar_note(calendar: CalendarEvent | None, language: str) -> str:
    if calendar is None:
        return ""
    if calendar.method == Method.CANCEL:
        return translate(N_("The calendar file attached ({file}) removes the session from your calendar."), language,
                         file=calendar.file_name)
    return translate(N_("The calendar invitation attached ({file}) adds the session to your calendar; if the "
                        "time changes, the next one updates it."), language, file=calendar.file_name)


def _obsolete(message: OutboxMessage, about: _About, now: datetime) -> str | None:
    """Why a message meant for before the session must not go any more, if so."""
    if message.kind not in BEFORE_THE_SESSION:
        return None
    session = about.session
    if session is None or session.cancelled_at is not None:
        return N_("Not sent: the session is cancelled.")
    if session.starts_at <= now:
        return N_("Not sent: the session had already started.")
    if about.registration.status != RegistrationStatus.CONFIRMED:
        return N_("Not sent: the person no longer has a seat in the session.")
    if message.kind == MessageKind.REMINDER and about.registration.reminders_off:
        return N_("Not sent: the person turned reminders off.")
    planned = message.facts.get("starts_at")
    if planned and datetime.fromisoformat(planned) != session.starts_at:
        return N_("Not sent: the session was moved (a message for its new time replaces this one).")
    return None
