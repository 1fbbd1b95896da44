"""`/w/{slug}/lobby`: join with a name, read the agenda and the rules, wait for the doors to open."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import app, context, ui

from domain.errors import DomainError, HistoryUnreadable, SessionFull
from domain.live.events import Aspect, LiveEvent, RunReset
from domain.live.state import Person
from domain.models import RegistrationMode, RunPhase
from ui import formatting
from ui.components import Text, heading, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _
from ui.live import panels
from ui.live.bridge import follow_run
from ui.live.context import (
    LIVE_RESPONSE_SECONDS,
    LiveContext,
    browser_storage,
    follow_presence,
    is_handheld,
    participant_here,
    remember_participant,
    resolve,
    unreadable_page,
)
from ui.live.device_check import DeviceCheck
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/w/{slug}/lobby", response_timeout=LIVE_RESPONSE_SECONDS)
    async def lobby(slug: str) -> Response | None:
        return await lobby_page(services, slug)

    @ui.page("/w/{slug}/rehearsal/{code}/lobby", response_timeout=LIVE_RESPONSE_SECONDS)
    async def rehearsal_lobby(slug: str, code: str) -> Response | None:
        return await lobby_page(services, slug, code)


async def lobby_page(services: Services, slug: str, code: str | None = None) -> Response | None:
    try:
        found = await resolve(services, slug, code)
    except HistoryUnreadable as problem:
        return unreadable_page(services, problem)
    if found is None:
        with page_frame(services, _("Not found"), narrow=True):
            heading(_("This workshop is not available"))
            paragraph(_("The address may be mistyped, or the workshop is not published yet."), muted=True)
        return context.client.build_response(context.client.request, 404)
    person = participant_here(found)
    if person is not None and not person.removed and found.live.state.under_way:
        return RedirectResponse(found.path("live"), status_code=303)
    workshop = found.plan.workshop
    with page_frame(services, _("Lobby · {title}", title=workshop.title)):
        if found.run.rehearsal:
            Text(_("Rehearsal: nothing here counts."), "p").classes("atelier-chip archived mb-3")
        heading(workshop.title)
        Text(formatting.session_when(found.session.starts_at, workshop.duration_minutes, workshop.time_zone)
             + " · " + formatting.zone_name(workshop.time_zone, found.session.starts_at), "p").classes(
            "atelier-muted")
        with ui.element("div").classes("grid gap-6 md:grid-cols-[1fr_22rem] mt-4"):
            with ui.element("section").classes("grid gap-4 content-start min-w-0"):
                Lobby(services, found, person).render()
            with ui.element("aside").classes("grid gap-4 content-start min-w-0"):
                with ui.card().classes("atelier-card p-5 gap-2"):
                    panels.rules_of_conduct(workshop)
                with ui.card().classes("atelier-card p-5 gap-2"):
                    heading(_("Agenda"), 2)
                    panels.AgendaList(found.plan, found.session.starts_at)
    return None


class Lobby:
    """The lobby's main column: the way in, then the wait until the doors open."""

    def __init__(self, services: Services, found: LiveContext, person: Person | None) -> None:
        self.services = services
        self.found = found
        self.person = person
        self.storage = browser_storage()
        # Who is joining, beyond their name: a removal bars this browser, and joins are counted per address.
        self.browser: str | None = app.storage.browser.get("id")
        request = context.client.request
        self.network_address = request.client.host if request is not None and request.client else None
        self._shown: object = None  # what the main column shows, to redraw only when it changes
        self.doors: Text | None = None  # before joining: whether the doors are open
        self.area = ui.element("div").classes("grid gap-4")
        self.devices = ui.element("div").classes("grid")  # the device check, kept from joining to waiting
        # Removed while waiting, they hear nothing more of the run: the lobby says why.
        follow_run(found.live, self.on_events, participant_id=person.id if person is not None else None,
                   on_shut_out=self.render)
        if person is not None and not person.removed:
            follow_presence(found.live, person.id)

    def view(self) -> object:
        state = self.found.live.state
        if self.person is not None and self.person.removed:
            return "removed"
        if state.phase == RunPhase.ENDED:
            return "ended"
        if is_handheld():
            return "computer"
        if self.person is None:
            if self.registered_only:
                return "registered only"
            return "full" if self.found.live.full else "join"
        return "waiting"

    @property
    def registered_only(self) -> bool:
        """A workshop that takes registrations: people come in from their personal page, not by typing a name."""
        return not self.found.run.rehearsal and self.found.plan.workshop.registration_mode != RegistrationMode.OPEN_DOOR

    def render(self) -> None:
        """Draw the main column again, only if what it shows changes: never under someone's typing."""
        shown = self.view()
        if shown == self._shown:
            return
        self._shown = shown
        self.show_device_check(shown in ("join", "waiting"))
        self.area.clear()
        state = self.found.live.state
        with self.area:
            if self.person is not None and self.person.removed:
                heading(_("You are no longer in this session"), 2)
                paragraph(_("The moderators removed you from the session. If you think it is a mistake, "
                            "contact the municipality."), muted=True)
            elif state.phase == RunPhase.ENDED:
                with ui.card().classes("atelier-card p-6 gap-3"):
                    panels.closing(self.found.plan.workshop)
            elif is_handheld():
                self.computer_needed()
            elif shown == "full":
                self.session_full()
            elif shown == "registered only":
                self.registration_needed()
            elif self.person is None:
                self.join_form()
            else:
                self.waiting_room()

    def computer_needed(self) -> None:
        with ui.card().classes("atelier-card p-6 gap-3").props('role="status"'):
            heading(_("This workshop needs a computer"), 2)
            paragraph(_("Online workshops do not work on phones and tablets yet. Join from a computer with a "
                        "camera, a microphone and a stable connection, using the same address."))

    def join_form(self) -> None:
        workshop = self.found.plan.workshop
        with ui.card().classes("atelier-card p-6 gap-4"):
            heading(_("Join the workshop"), 2)
            self.doors = Text("", "p").props('role="status"').classes("font-medium")
            self.show_doors()
            paragraph(_("Others will see the name you give. Your first name is enough."), muted=True)
            name = ui.input(_("Your name")).props("outlined autofocus maxlength=80 autocomplete=given-name").classes(
                "w-full")
            email = None
            if workshop.ask_email:
                email = ui.input(_("Your e-mail address")).props("type=email outlined autocomplete=email").classes(
                    "w-full")
                email.props["hint"] = _("The organisers ask for it to send you the follow-up of the workshop.")
            answer = None
            if workshop.arrival_question:
                answer = ui.textarea(workshop.arrival_question).props("outlined autogrow maxlength=500").classes(
                    "w-full")
                answer.props["hint"] = _("Optional: your answer is shown to everyone during the welcome.")

            async def join() -> None:
                name.error = None
                if email is not None:
                    email.error = None
                try:
                    person, token = await self.found.live.join(
                        name.value or "", email=email.value if email else None,
                        arrival_answer=answer.value if answer else "", browser=self.browser,
                        network_address=self.network_address)
                except SessionFull:
                    self.render()  # the form gives way to the places taken and the next session
                    return
                except DomainError as problem:
                    target = email if problem.field == "email" and email is not None else name
                    target.error = translated(problem)
                    return
                remember_participant(self.storage, self.found.run, token)
                follow_presence(self.found.live, person.id)
                if self.found.live.state.under_way:
                    ui.navigate.to(self.found.path("live"))
                    return
                self.person = person
                self.render()

            name.on("keydown.enter", join)
            ui.button(_("Enter the lobby"), icon="login", on_click=join).props("unelevated").classes("self-start")

    def registration_needed(self) -> None:
        workshop = self.found.plan.workshop
        with ui.card().classes("atelier-card p-6 gap-3").props('role="status"'):
            heading(_("This workshop is for registered people"), 2)
            paragraph(_("Come in from your personal page: its link is in the e-mails about your registration. On "
                        "the day, its button takes you in under your name."))
            if workshop.registration_mode == RegistrationMode.PUBLIC_FORM:
                paragraph(_("Not registered yet? The workshop's page has the registration form."), muted=True)
            ui.link(_("Go to the workshop's page"), f"/w/{workshop.slug}").classes("atelier-link")

    def session_full(self) -> None:
        """No place left: say so plainly, and where else to go (a waiting list comes with registrations)."""
        found = self.found
        plan, capacity = found.plan, found.live.capacity
        later = sorted((s for s in plan.sessions if s.starts_at > found.session.starts_at), key=lambda s: s.starts_at)
        with ui.card().classes("atelier-card p-6 gap-3").props('role="status"'):
            heading(_("This session is full"), 2)
            paragraph(_("Its {count} places are all taken, so you cannot join it. Atelier has no waiting list yet.",
                        count=capacity))
            workshop = plan.workshop
            if later:
                paragraph(_("Next session: {when}. The workshop's page tells you how to join it.",
                            when=formatting.session_when(later[0].starts_at, workshop.duration_minutes,
                                                         workshop.time_zone)))
            else:
                paragraph(_("No other session is planned yet: the workshop's page will show the next ones."),
                          muted=True)
            ui.link(_("Go to the workshop's page"), f"/w/{workshop.slug}").classes("atelier-link")

    def show_doors(self) -> None:
        """Tell a visitor who has not joined yet whether the doors are open, without touching what they type."""
        if self.doors is None or self.doors.is_deleted:
            return
        by_phase = {RunPhase.OPEN: _("The doors are open: join to enter the workshop."),
                    RunPhase.RUNNING: _("The workshop has started: join it now.")}
        self.doors.text = by_phase.get(self.found.live.state.phase,
                                       _("The doors open a few minutes before the start: join now and wait here."))

    def waiting_room(self) -> None:
        assert self.person is not None
        with ui.card().classes("atelier-card p-6 gap-3"):
            heading(_("Welcome, {name}!", name=self.person.name), 2)
            Text(_("The doors are not open yet. This page takes you into the workshop by itself as soon as the "
                   "moderators open them: keep it open."), "p").props('role="status"')
            paragraph(_("Settle in, check that your camera and microphone work, and read the agenda and the "
                        "rules of the workshop meanwhile."), muted=True)
        question = self.found.plan.workshop.arrival_question
        if question:
            with ui.card().classes("atelier-card p-6 gap-3"):
                answer = ui.textarea(question, value=self.person.arrival_answer).props(
                    "outlined autogrow maxlength=500").classes("w-full")
                answer.props["hint"] = _("Your answer is shown to everyone during the welcome.")

                async def save() -> None:
                    assert self.person is not None
                    await self.found.live.answer_arrival_question(self.person.id, answer.value or "")
                    ui.notify(_("Your answer is saved."))

                ui.button(_("Save my answer"), on_click=save).props("outline").classes("self-start")

    def show_device_check(self, wanted: bool) -> None:
        """Add the device check, or remove it: the browser then lets go of the camera and microphone."""
        if wanted == bool(self.devices.default_slot.children):
            return
        self.devices.clear()
        if wanted:
            with self.devices, ui.card().classes("atelier-card p-6 gap-3"):
                heading(_("Camera and microphone"), 2)
                paragraph(_("Check them before the workshop: only you see and hear yourself here."), muted=True)
                DeviceCheck()

    def on_events(self, events: list[LiveEvent]) -> None:
        if any(isinstance(event, RunReset) for event in events):
            self.show_device_check(False)
            self.area.clear()
            with self.area:
                heading(_("This rehearsal was reset"), 2)
                paragraph(_("Ask the moderators for the link of the new rehearsal."), muted=True)
        elif self.person is not None and self.person.removed:
            self.render()  # the moderators removed them while they waited
        elif any(Aspect.PHASE in event.aspects for event in events):
            if self.person is not None and not self.person.removed and self.found.live.state.under_way:
                ui.navigate.to(self.found.path("live"))
            else:
                self.render()
                self.show_doors()
