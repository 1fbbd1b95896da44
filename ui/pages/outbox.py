"""`/organise/outbox`: every e-mail Atelier wrote, newest first, whether it went, and each one to read.

With no mail server configured (`make run`), nothing is sent: organisers read the messages here and follow their
links (the personal pages they lead to work the same). A failed message can be tried again from here.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from fastapi import Response
from nicegui import ui

from domain import outbox
from domain.models import MessageKind, MessageStatus, OutboxMessage, StaffAccount, StaffRole
from mail.calendar import CalendarEvent, Method
from mail.composing import Composed, NotComposable
from ui import formatting
from ui.auth import check_staff
from ui.components import Text, heading, labelled, paragraph
from ui.frame import not_found_page, page_frame
from ui.i18n import _, ngettext
from ui.services import Services

OUTBOX = "/organise/outbox"
PAGE_SIZE = 50
RESULT_ID = "outbox-result"
LINK = re.compile(r"https?://[^\s<>\"]+")
log = logging.getLogger(__name__)


def kind_label(kind: MessageKind) -> str:
    return {
        MessageKind.INVITATION: _("Invitation"),
        MessageKind.CONFIRM_ADDRESS: _("Address to confirm"),
        MessageKind.REGISTERED: _("Registration confirmed"),
        MessageKind.WAITING_LIST: _("Waiting list"),
        MessageKind.PROMOTED: _("Seat freed up"),
        MessageKind.SESSION_CHANGED: _("Session changed"),
        MessageKind.CANCELLED: _("Cancellation"),
        MessageKind.PRACTICAL_INFORMATION: _("Practical information"),
        MessageKind.REMINDER: _("Reminder"),
        MessageKind.THANK_YOU: _("Thank you"),
        MessageKind.SORRY_WE_MISSED_YOU: _("We missed you"),
    }[kind]


def status_label(status: MessageStatus) -> str:
    return {MessageStatus.QUEUED: _("Waiting"), MessageStatus.SENT: _("Sent"), MessageStatus.FAILED: _("Failed")}[
        status]


def recipient(message: OutboxMessage) -> str:
    return f"{message.to_name} <{message.to_address}>" if message.to_name else message.to_address


async def compose(services: Services, message: OutboxMessage) -> Composed | str:
    """The message as it would be sent now, or why it cannot be made any more."""
    try:
        return await services.mail.composer.compose(message)
    except NotComposable as problem:
        return _(problem.reason)
    except Exception:
        log.exception("composing outbox message %s for the outbox page failed", message.id)
        return _("This message cannot be shown: the server's log says why.")


def sender_banner(services: Services) -> None:
    """Whether e-mail goes out at all, and if the mail server answers."""
    status = services.mail.status
    if not status.configured:
        with ui.row().props('role="note"').classes("notice no-wrap items-start gap-2 my-4 w-full"):
            ui.icon("info").props('aria-hidden="true"').classes("text-xl mt-0.5")
            with ui.column().classes("gap-1 min-w-0 flex-1"):
                Text(_("E-mail is not sent: no mail server is set up."), "p").classes("font-semibold")
                Text(_("Messages wait here. Open one to read it and follow its links, as its recipient would. "
                       "To send them, start Atelier with --smtp-url (see the README): the waiting messages then "
                       "go out."), "p")
    elif status.problem:
        with ui.row().props('role="alert"').classes("notice no-wrap items-start gap-2 my-4 w-full"):
            ui.icon("warning").props('aria-hidden="true"').classes("text-xl mt-0.5")
            with ui.column().classes("gap-1 min-w-0 flex-1"):
                Text(_("The mail server cannot be reached: messages wait and go as soon as it answers."),
                     "p").classes("font-semibold")
                since = formatting.ago(status.since, services.clock.now()) if status.since else ""
                Text(_("Since {since}: {problem}", since=since, problem=status.problem), "p")
    else:
        paragraph(_("E-mail is sent through {server}.", server=status.server), muted=True)


def status_cell(message: OutboxMessage, services: Services) -> None:
    now = services.clock.now()
    with ui.column().classes("gap-1"):
        Text(status_label(message.status), "span").classes(f"atelier-chip mail-{message.status.value}")
        if message.status == MessageStatus.SENT and message.sent_at:
            Text(formatting.ago(message.sent_at, now), "span").classes("atelier-muted text-sm")
        if message.last_error and message.status != MessageStatus.SENT:
            Text(_(message.last_error), "span").classes("text-sm mail-reason")
        if message.attempts and message.status != MessageStatus.SENT:
            Text(ngettext("{count} attempt", "{count} attempts", message.attempts), "span").classes(
                "atelier-muted text-sm")
        if message.status == MessageStatus.QUEUED and message.attempts and message.next_attempt_at > now:
            Text(_("Next try {when}", when=formatting.relative(message.next_attempt_at, now)), "span").classes(
                "atelier-muted text-sm")


class OutboxPage:
    def __init__(self, services: Services, status: MessageStatus | None, before: int | None) -> None:
        self.services = services
        self.status = status
        self.before = before
        self.result = Text("", "p").props(f'id="{RESULT_ID}" role="status" tabindex="-1"').classes(
            "font-medium min-h-6")

    async def retry(self, message: OutboxMessage) -> None:
        if await outbox.retry_now(message.id, self.services.clock):
            self.result.text = _("The message to {recipient} is waiting to go again.", recipient=recipient(message))
        else:
            self.result.text = _("This message is no longer failed: the list shows where it stands.")
        self.listing.refresh()
        ui.run_javascript(f"document.getElementById('{RESULT_ID}')?.focus()")

    async def filters(self) -> None:
        counts = await outbox.counts()
        choices: list[tuple[MessageStatus | None, str]] = [
            (None, _("All ({count})", count=sum(counts.values()))),
            *((status, f"{status_label(status)} ({counts[status]})") for status in MessageStatus)]
        with labelled(ui.element("nav"), _("Show the messages")).classes("flex flex-wrap gap-4 my-2"):
            for status, label in choices:
                link = ui.link(label, OUTBOX + (f"?status={status.value}" if status else "")).classes("atelier-link")
                if status == self.status:
                    link.props('aria-current="page"').classes("font-semibold")

    @ui.refreshable_method
    async def listing(self) -> None:
        messages = await outbox.recent(status=self.status, limit=PAGE_SIZE, before_id=self.before)
        if not messages:
            paragraph(_("No message here yet."), muted=True)
            return
        with ui.element("div").classes("w-full overflow-x-auto"), \
                ui.element("table").classes("atelier-table w-full"):
            Text(_("Messages, newest first"), "caption").classes("sr-only")
            with ui.element("thead"), ui.element("tr"):
                for title in (_("Status"), _("Recipient"), _("Subject"), _("Workshop"), _("Written")):
                    Text(title, "th").props('scope="col"')
            with ui.element("tbody"):
                for message in messages:
                    await self.row(message)
        if len(messages) == PAGE_SIZE:
            query = {"before": messages[-1].id, **({"status": self.status.value} if self.status else {})}
            ui.link(_("Older messages"), f"{OUTBOX}?{urlencode(query)}").classes("atelier-link mt-4")

    async def row(self, message: OutboxMessage) -> None:
        composed = await compose(self.services, message)
        subject = composed.rendered.subject if isinstance(composed, Composed) else kind_label(message.kind)
        with ui.element("tr").mark(f"message-{message.id}"):
            with ui.element("td"):
                status_cell(message, self.services)
            with ui.element("td"), ui.column().classes("gap-0"):
                if message.to_name:
                    Text(message.to_name, "span")
                Text(message.to_address, "span").classes("mail-address atelier-muted text-sm")
            with ui.element("td"), ui.column().classes("gap-1"):
                ui.link(subject, f"{OUTBOX}/{message.id}").classes("atelier-link")
                Text(kind_label(message.kind), "span").classes("atelier-muted text-sm")
                if message.status == MessageStatus.FAILED:
                    labelled(ui.button(_("Try again now"), icon="refresh",
                                       on_click=lambda message=message: self.retry(message)),
                             _("{action} – {name}", action=_("Try again now"), name=recipient(message))).props(
                        "flat dense no-caps")
            Text(message.workshop.title if message.workshop else "", "td")
            Text(formatting.ago(message.created_at, self.services.clock.now()), "td").classes("whitespace-nowrap")


def text_with_links(text: str) -> None:
    """The text part as the recipient reads it: people's text stays text, addresses become links."""
    with ui.element("div").classes("mail-text"):
        position = 0
        for found in LINK.finditer(text):
            if found.start() > position:
                Text(text[position:found.start()], "span")
            ui.link(found.group(), found.group()).classes("atelier-link break-all")
            position = found.end()
        if position < len(text):
            Text(text[position:], "span")


def calendar_summary(event: CalendarEvent) -> None:
    zone = event.zone
    rows = [
        (_("What it does"), _("Adds the session to the calendar, or updates it") if event.method == Method.REQUEST
         else _("Removes the session from the calendar")),
        (_("Title"), event.summary),
        (_("Starts"), f"{formatting.long_date(event.starts_at, zone)}, {formatting.clock_time(event.starts_at, zone)}, "
                      f"{formatting.zone_name(zone, event.starts_at)}"),
        (_("Ends"), formatting.clock_time(event.ends_at, zone)),
        (_("Version"), _("{sequence} (a higher number replaces the event received before)",
                         sequence=event.sequence)),
        (_("Identifier"), event.uid),
    ]
    if event.method == Method.REQUEST:
        rows.append((_("Alarm"), _("30 minutes before")))
    with ui.element("dl").classes("mail-facts"):
        for label, value in rows:
            Text(label, "dt")
            Text(value, "dd")
        Text(_("Address"), "dt")
        with ui.element("dd"):
            ui.link(event.url, event.url).classes("atelier-link break-all")


async def message_page(services: Services, message: OutboxMessage) -> None:
    composed = await compose(services, message)
    subject = composed.rendered.subject if isinstance(composed, Composed) else kind_label(message.kind)
    ui.link(_("Back to the outbox"), OUTBOX).classes("atelier-link")
    heading(subject).classes("mt-2")
    result = Text("", "p").props(f'id="{RESULT_ID}" role="status" tabindex="-1"').classes("font-medium min-h-6")

    @ui.refreshable
    async def where_it_stands() -> None:
        current = await OutboxMessage.get(id=message.id)
        with ui.element("dl").classes("mail-facts"):
            Text(_("Status"), "dt")
            with ui.element("dd"):
                status_cell(current, services)
            for label, value in ((_("To"), recipient(current)),
                                 (_("From"), str(services.mail.composer.mail_from)),
                                 (_("Kind"), kind_label(current.kind)),
                                 (_("Workshop"), message.workshop.title if message.workshop else ""),
                                 (_("Written"), formatting.ago(current.created_at, services.clock.now()))):
                Text(label, "dt")
                Text(value, "dd").classes("break-all")
        if current.status == MessageStatus.FAILED:
            async def retry() -> None:
                if await outbox.retry_now(current.id, services.clock):
                    result.text = _("The message to {recipient} is waiting to go again.", recipient=recipient(current))
                where_it_stands.refresh()

            ui.button(_("Try again now"), icon="refresh", on_click=retry).props("unelevated")

    await where_it_stands()
    if not isinstance(composed, Composed):
        paragraph(composed)
        return
    heading(_("The message"), 2).classes("pt-6")
    paragraph(_("Its text as the recipient reads it, links included."), muted=True)
    with ui.card().classes("atelier-card w-full p-5"):
        text_with_links(composed.rendered.text)
    if composed.calendar is not None:
        heading(_("Calendar invitation ({file})", file=composed.calendar.file_name), 2).classes("pt-6")
        calendar_summary(composed.calendar)


def register(services: Services) -> None:
    @ui.page(OUTBOX)
    async def outbox_page(status: str | None = None, before: int | None = None) -> Response | None:
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        shown = status if status in set(MessageStatus) else None
        with page_frame(services, _("Outbox"), staff=organiser, wide=True):
            heading(_("Outbox"))
            paragraph(_("Every e-mail Atelier writes, newest first: invitations, confirmations, reminders, "
                        "thanks."), muted=True)
            sender_banner(services)
            page = OutboxPage(services, MessageStatus(shown) if shown else None, before)
            await page.filters()
            await page.listing()
        return None

    @ui.page(OUTBOX + "/{message_id}")
    async def one_message(message_id: int) -> Response | None:
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        message = await OutboxMessage.get_or_none(id=message_id).prefetch_related("workshop")
        if message is None:
            return not_found_page(
                services, organiser, title=_("Message not found"), message=_("Message not found"),
                detail=_("No message has this number: it may have been deleted with its workshop."),
                back=(_("Back to the outbox"), OUTBOX))
        with page_frame(services, _("Message to {recipient}", recipient=recipient(message)), staff=organiser):
            await message_page(services, message)
        return None
