"""`/organise/workshops/{id}/registrations`: where a workshop's registrations stand, for organisers.

Per session: invited, address to confirm, registered, waiting, cancelled, attended, absent, against the places, with
a suggestion to open another session when more people want one than it takes. Below, the people, filtered by
session and status, a page at a time, and the same list as a CSV file for spreadsheets.
"""

from __future__ import annotations

from babel.dates import format_date, get_timezone
from fastapi import Response
from nicegui import context, ui

from domain import tracking, workshops
from domain.models import Registration, RegistrationStatus, StaffAccount, StaffRole, Workshop
from domain.planning import Part, WorkshopPlan
from domain.questions import questions_of
from domain.tracking import SessionTracking, WorkshopTracking
from ui import formatting
from ui.auth import check_staff, signed_in
from ui.components import Text, heading, labelled, paragraph
from ui.frame import not_found_page, page_frame
from ui.i18n import _, current_language, ngettext
from ui.services import Services

PAGE_SIZE = 100
ALL = "all"
WITHOUT_SESSION = "none"
RESULT_ID = "people-count"


def path_of(workshop_id: int) -> str:
    return f"/organise/workshops/{workshop_id}/registrations"


def status_label(status: RegistrationStatus) -> str:
    """One person's status, as the people list and the CSV file say it."""
    return {
        RegistrationStatus.INVITED: _("Invited, no answer yet"),
        RegistrationStatus.UNCONFIRMED: _("Address to confirm"),
        RegistrationStatus.CONFIRMED: _("Registered"),
        RegistrationStatus.WAITING: _("Waiting list"),
        RegistrationStatus.CANCELLED: _("Cancelled"),
    }[status]


def session_label(plan: WorkshopPlan, row: SessionTracking) -> str:
    if row.session is None:
        return _("No session yet")
    workshop = plan.workshop
    when = formatting.session_when(row.session.starts_at, workshop.duration_minutes, workshop.time_zone)
    return _("{when} (cancelled)", when=when) if row.cancelled_session else when


def short_session(plan: WorkshopPlan, row: SessionTracking) -> str:
    """'26 nov. 2026, 18:30': a session in a column of the people list."""
    if row.session is None:
        return ""
    zone = get_timezone(plan.workshop.time_zone)
    day = format_date(row.session.starts_at.astimezone(zone), "medium", locale=current_language())
    return _("{date}, {time}", date=day, time=formatting.clock_time(row.session.starts_at, plan.workshop.time_zone))


def places_text(row: SessionTracking) -> str:
    if row.session is None:
        return ""
    if row.capacity is None:
        return ngettext("{count} registered, no limit", "{count} registered, no limit", row.confirmed)
    return ngettext("{taken} of {count} place taken", "{taken} of {count} places taken", row.capacity,
                    taken=row.confirmed)


def capacity_bar(row: SessionTracking) -> None:
    """The places taken as a bar, beside the same in words (the bar is hidden from screen readers)."""
    with ui.column().classes("gap-1 min-w-[11rem]"):
        if row.capacity:
            share = min(row.confirmed / row.capacity, 1.0)
            full = " full" if row.places_left == 0 else ""
            with ui.element("div").props('aria-hidden="true"').classes("tracking-bar" + full):
                ui.element("div").classes("tracking-bar-fill").style(f"width: {share * 100:.0f}%")
        Text(places_text(row), "span").classes("text-sm")


def attendance_label(row: tracking.PersonRow, over: set[int]) -> str:
    registration = row.registration
    if row.attended:
        return _("Came")
    if registration.status == RegistrationStatus.CONFIRMED and registration.session_id in over:
        return _("Absent")
    return ""


class TrackingPage:
    def __init__(self, services: Services, organiser: StaffAccount, plan: WorkshopPlan,
                 seen: WorkshopTracking) -> None:
        self.services = services
        self.organiser = organiser
        self.request = context.client.request  # this page's own: its sign-in is checked again before each action
        self.plan = plan
        self.seen = seen
        self.session_filter = ALL
        self.status_filter = ALL
        self.offset = 0
        self.questions = questions_of(plan.workshop)  # all, for the answers given to those asked before
        self.room_names = {room.id: room.name for room in plan.breakout_rooms}
        self.sessions = {row.session.id: row for row in seen.sessions if row.session is not None}
        self.over = {session_id for session_id, row in self.sessions.items() if row.over}

    # ------------------------------------------------------------ sessions

    def sessions_table(self) -> None:
        heading(_("Sessions"), 2).classes("pt-4")
        counted = {RegistrationStatus.INVITED: _("Invited"), RegistrationStatus.UNCONFIRMED: _("Address to confirm"),
                   RegistrationStatus.CONFIRMED: _("Registered people"),
                   RegistrationStatus.WAITING: _("Waiting list"), RegistrationStatus.CANCELLED: _("Cancellations")}
        columns = (_("Session"), *counted.values(), _("Attended"), _("Absent people"), _("Places"))
        with ui.element("div").classes("w-full overflow-x-auto"), \
                ui.element("table").classes("atelier-table tracking-sessions w-full"):
            Text(_("Registrations per session"), "caption").classes("sr-only")
            with ui.element("thead"), ui.element("tr"):
                for title in columns:
                    Text(title, "th").props('scope="col"')
            with ui.element("tbody"):
                for row in self.seen.sessions:
                    self.session_row(row, list(counted))
        for row in self.seen.sessions:
            if row.another_session_suggested:
                self.suggestion(row)

    def session_row(self, row: SessionTracking, statuses: list[RegistrationStatus]) -> None:
        with ui.element("tr"):
            Text(session_label(self.plan, row), "th").props('scope="row"').classes("font-medium")
            for status in statuses:
                Text(str(row.counts[status]), "td")
            Text(str(row.attended) if row.session is not None else "", "td")
            Text(str(row.absent) if row.absent is not None else "", "td")
            with ui.element("td"):
                if row.session is not None:
                    capacity_bar(row)

    def suggestion(self, row: SessionTracking) -> None:
        assert row.capacity is not None
        with ui.row().props('role="note"').classes("notice no-wrap items-start gap-3 mt-3 w-full"):
            ui.icon("group_add").props('aria-hidden="true"').classes("text-xl mt-0.5")
            with ui.column().classes("gap-2 min-w-0 flex-1"):
                Text(_("{when}: {demand} people want a place for {count}, {waiting} of them on the waiting list. "
                       "Open another session so that nobody is turned away.",
                       when=session_label(self.plan, row), demand=row.demand, count=row.capacity,
                       waiting=row.waiting), "p")
                elsewhere = self.free_places_elsewhere(row)
                if elsewhere:
                    Text(ngettext("{count} place is still free in another session: people waiting can move there "
                                  "from their personal page.",
                                  "{count} places are still free in other sessions: people waiting can move there "
                                  "from their personal page.", elsewhere), "p")
                ui.button(_("Open another session"), icon="event",
                          on_click=lambda: ui.navigate.to(f"/organise/{self.plan.workshop.slug}/{Part.WHEN.value}")
                          ).props("outline")

    def free_places_elsewhere(self, full: SessionTracking) -> int:
        """Places still free in the other sessions to come (a session without a limit counts for none)."""
        return sum(row.places_left or 0 for row in self.sessions.values()
                   if row is not full and not row.over and not row.cancelled_session)

    # ------------------------------------------------------------ people

    def filters(self) -> None:
        sessions = {ALL: _("All sessions"),
                    **{str(session_id): session_label(self.plan, row) for session_id, row in self.sessions.items()},
                    WITHOUT_SESSION: _("No session yet")}
        statuses = {ALL: _("All statuses"), **{status.value: status_label(status) for status in RegistrationStatus}}
        with ui.row().classes("w-full items-end gap-4 flex-wrap"):
            session = ui.select(sessions, value=self.session_filter, label=_("Session")).props(
                "outlined").classes("min-w-[16rem]").mark("session-filter")
            status = ui.select(statuses, value=self.status_filter, label=_("Status")).props(
                "outlined").classes("min-w-[12rem]").mark("status-filter")
            session.on_value_change(lambda event: self.filter(session=event.value))
            status.on_value_change(lambda event: self.filter(status=event.value))
            ui.button(_("Export CSV"), icon="download", on_click=self.export).props("outline")
        paragraph(_("The file holds every person the filters show, with their answers, for a spreadsheet."),
                  muted=True)

    async def still_allowed(self) -> bool:
        """Whether the organiser may still see people's details from this page (their sign-in may have ended or
        their account been disabled since it loaded); told once, if not."""
        account = await signed_in(self.services, self.request)
        if account is not None and account.id == self.organiser.id and account.role == StaffRole.ORGANISER:
            return True
        ui.notify(_("Your sign-in has ended: sign in again to see the registrations."), type="warning")
        return False

    async def filter(self, *, session: str | None = None, status: str | None = None) -> None:
        if not await self.still_allowed():
            return
        self.session_filter = session or self.session_filter
        self.status_filter = status or self.status_filter
        self.offset = 0
        await self.people.refresh()

    async def turn(self, offset: int) -> None:
        if not await self.still_allowed():
            return
        self.offset = max(offset, 0)
        await self.people.refresh()
        ui.run_javascript(f"document.getElementById('{RESULT_ID}')?.focus()")

    async def matching(self, *, limit: int | None, offset: int = 0) -> tuple[list[tracking.PersonRow], int]:
        status = RegistrationStatus(self.status_filter) if self.status_filter != ALL else None
        session_id = int(self.session_filter) if self.session_filter not in (ALL, WITHOUT_SESSION) else None
        return await tracking.people(self.plan.workshop.id, session_id=session_id, status=status,
                                     without_session=self.session_filter == WITHOUT_SESSION, limit=limit,
                                     offset=offset)

    def header(self) -> list[str]:
        return [_("Name"), _("E-mail"), _("Status"), _("Session"), *(question.text or _("Question")
                                                                      for question in self.questions),
                _("Attendance")]

    def cells(self, row: tracking.PersonRow) -> list[str]:
        registration: Registration = row.registration
        session = self.sessions.get(registration.session_id) if registration.session_id is not None else None
        return [registration.display_name, registration.email, status_label(registration.status),
                session_label(self.plan, session) if session is not None else "",
                *(tracking.answer_text(registration.answers.get(question.id), self.room_names)
                  for question in self.questions),
                attendance_label(row, self.over)]

    @ui.refreshable_method
    async def people(self) -> None:
        rows, total = await self.matching(limit=PAGE_SIZE, offset=self.offset)
        shown = (_("{first} to {last} of {count} people", first=self.offset + 1, last=self.offset + len(rows),
                   count=total) if total > PAGE_SIZE else ngettext("{count} person", "{count} people", total))
        Text(shown, "p").props(f'id="{RESULT_ID}" role="status" tabindex="-1"').classes("font-medium mt-2")
        if not rows:
            paragraph(_("Nobody here yet."), muted=True)
            return
        with ui.element("div").classes("w-full overflow-x-auto"), \
                ui.element("table").classes("atelier-table tracking-people w-full"):
            Text(_("People registered or invited"), "caption").classes("sr-only")
            with ui.element("thead"), ui.element("tr"):
                for title in self.header():
                    Text(title, "th").props('scope="col"')
            with ui.element("tbody"):
                for row in rows:
                    name, email, status, _session, *others = self.cells(row)
                    session = self.sessions.get(row.registration.session_id or 0)
                    with ui.element("tr"):
                        Text(name, "th").props('scope="row"').classes("font-medium")
                        Text(email, "td").classes("whitespace-nowrap")
                        Text(status, "td")
                        Text(short_session(self.plan, session) if session is not None else "", "td").classes(
                            "whitespace-nowrap")
                        for cell in others:
                            Text(cell, "td")
        if total > PAGE_SIZE:
            with labelled(ui.element("nav"), _("Pages of the list")).classes("flex gap-3 mt-3"):
                if self.offset > 0:
                    ui.button(_("Previous {count}", count=PAGE_SIZE), icon="chevron_left",
                              on_click=lambda: self.turn(self.offset - PAGE_SIZE)).props("flat no-caps")
                if self.offset + PAGE_SIZE < total:
                    ui.button(_("Next {count}", count=PAGE_SIZE), icon="chevron_right",
                              on_click=lambda: self.turn(self.offset + PAGE_SIZE)).props("flat no-caps")

    async def export(self) -> None:
        if not await self.still_allowed():
            return
        rows, _total = await self.matching(limit=None)
        # Spreadsheets set to French read a semicolon between cells, as French decimals use the comma.
        delimiter = ";" if current_language() == "fr" else ","
        data = tracking.csv_file(self.header(), (self.cells(row) for row in rows), delimiter=delimiter)
        name = _("registrations-{workshop}.csv", workshop=self.plan.workshop.slug)
        ui.download.content(data, name, "text/csv; charset=utf-8")


def summary(seen: WorkshopTracking) -> str:
    totals = seen.totals
    return " · ".join([
        ngettext("{count} registered", "{count} registered", totals[RegistrationStatus.CONFIRMED]),
        ngettext("{count} waiting", "{count} waiting", totals[RegistrationStatus.WAITING]),
        ngettext("{count} invitation not answered", "{count} invitations not answered",
                 totals[RegistrationStatus.INVITED]),
        ngettext("{count} came", "{count} came", seen.attended),
    ])


def register(services: Services) -> None:
    @ui.page("/organise/workshops/{workshop_id}/registrations")
    async def registrations_page(workshop_id: int) -> Response | None:
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        workshop = await Workshop.get_or_none(id=workshop_id)
        if workshop is None:
            return not_found_page(services, organiser, message=_("There is no such workshop page"),
                                  back=(_("Back to the workshops"), "/organise"))
        plan = await workshops.load_plan(workshop.slug)
        seen = await tracking.tracking(plan, services.clock.now())
        title = plan.workshop.title or _("Untitled workshop")
        with page_frame(services, _("Registrations · {title}", title=title), staff=organiser, wide=True):
            ui.link(_("Back to the workshops"), "/organise").classes("atelier-link")
            heading(_("Registrations: {title}", title=title)).classes("mt-2")
            paragraph(summary(seen), muted=True)
            page = TrackingPage(services, organiser, plan, seen)
            page.sessions_table()
            heading(_("People"), 2).classes("pt-6")
            page.filters()
            await page.people()
        return None
