"""`/r/{token}`: a registration's personal page, the address every e-mail about it carries.

Opening it proves the address is the person's: an address given on the public form is confirmed, and the place
taken. That happens once the page is connected, not when it is fetched, so that a mail scanner opening the links
of an e-mail to check them confirms nothing. The page then shows the person where they stand, their session in
their own time zone (the workshop's named), the agenda, the device check; it lets them register in one click (an
invitation, a session to choose again), change session and cancel; and on the day, from 30 minutes before the
start, it takes them into the lobby under their name, their attendance counted against their registration. Once
their session is over, those who took part answer the feedback survey here (`#feedback`, the thank-you e-mail's link).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi import Response
from nicegui import app, context, ui

from domain import feedback, seats, workshops
from domain import registrations as registering
from domain.errors import DomainError, InvalidValue, NotAllowed
from domain.models import FeedbackAnswer, Registration, RegistrationStatus, WorkshopSession
from domain.personal_links import PERSONAL_PAGE_PATH, registration_for
from domain.planning import WorkshopPlan
from domain.registrations import InvalidForm, may_enter, open_sessions
from ui import formatting
from ui.components import Text, confirm, heading, paragraph, translated
from ui.feedback_survey import SurveyForm, answered_text, thanks
from ui.frame import page_frame
from ui.i18n import _
from ui.live import panels
from ui.live.context import LIVE_RESPONSE_SECONDS, browser_storage, remember_participant
from ui.live.device_check import DeviceCheck
from ui.pages.public import visitor_zone, what_taking_part_needs
from ui.pages.registration_form import Fieldset, QuestionInputs, session_label, show_message
from ui.services import Services

STATUS_HEADING_ID = "registration-status"
CALENDAR_PATH = PERSONAL_PAGE_PATH + "/calendar.ics"  # served by ui/pages/calendar_file.py
ENTRY_CHECK_SECONDS = 15.0  # how often an open page looks whether the way in, or the survey, has opened
FEEDBACK_ID = "feedback"  # the thank-you e-mail links to the survey: personal_links.PersonalPage.feedback


def register(services: Services) -> None:
    @ui.page(PERSONAL_PAGE_PATH, response_timeout=LIVE_RESPONSE_SECONDS)
    async def personal_page(token: str) -> Response | None:
        registration = await registration_for(token)
        if registration is None:
            with page_frame(services, _("This link does not work"), narrow=True):
                heading(_("This link does not work"))
                paragraph(_("Check that it was copied whole from the e-mail. If it still does not work, it may "
                            "have been replaced by a newer one: use the link of the latest e-mail."), muted=True)
            return context.client.build_response(context.client.request, 404)
        plan = await workshops.load_plan_by_id(registration.workshop_id)
        with page_frame(services, _("My registration · {title}", title=plan.workshop.title)):
            await PersonalPage(services, registration, plan, token).build()
        return None


class SurveyState(StrEnum):
    """What the feedback survey's place on the page shows."""

    NONE = "none"  # no session, or they did not come to it
    LATER = "later"  # their place is kept: the survey comes after the session
    OPEN = "open"
    ANSWERED = "answered"
    ANSWERED_ON_STAGE = "answered_on_stage"


class PersonalPage:
    """One person's page; redrawn as a whole after each of their actions (it has one reader)."""

    def __init__(self, services: Services, registration: Registration, plan: WorkshopPlan, token: str) -> None:
        self.services = services
        self.registration = registration
        self.plan = plan
        self.token = token
        self.client = context.client
        self.storage = browser_storage()
        self.browser: str | None = app.storage.browser.get("id")
        request = self.client.request
        self.network_address = request.client.host if request is not None and request.client else None
        self.zone = plan.workshop.time_zone
        self.arrived = False  # connected: the address may be confirmed, the browser's zone is known
        self.entry_open: bool | None = None
        self.survey_open: bool | None = None  # the session is over: the survey is there (for those who came)
        self.survey_shown: SurveyState | None = None  # what the survey's place shows
        self.entry_name: ui.input | None = None  # asked only if the live run refuses the registration's name

    async def build(self) -> None:
        with ui.element("div").classes("grid gap-8 md:grid-cols-[1fr_20rem]"):
            with ui.element("section").classes("grid gap-4 content-start min-w-0"):
                self.head = ui.element("div").classes("contents")  # `contents`: children in the section's grid
                # Redrawn only when what it shows changes, so that no redraw wipes answers being typed.
                self.feedback_area = ui.element("div").classes("contents")
                self.main = ui.element("div").classes("contents")
            self.aside = ui.element("aside").classes("grid gap-4 content-start min-w-0")
        await self.draw()
        ui.timer(0, self.on_arrival, once=True)
        ui.timer(ENTRY_CHECK_SECONDS, self.on_time)

    async def on_arrival(self) -> None:
        """Connected: confirm the address (the link was followed by a person's browser), and use their zone."""
        zone = await visitor_zone() or self.zone
        changed = zone != self.zone
        self.zone = zone
        self.arrived = True
        if self.registration.confirmed_at is None or self.registration.status == RegistrationStatus.UNCONFIRMED:
            try:
                await self.services.registrations.confirm_address(self.registration)
            except DomainError as refused:
                ui.notify(translated(refused), type="negative")
            await self.reload()
            changed = True
        if changed:  # only then: a redraw replaces the buttons the person may be clicking at this very moment
            await self.draw()
        # The browser looked for the link's #feedback before the page was drawn: go there now.
        self.client.run_javascript("location.hash && document.getElementById(location.hash.slice(1))"
                                   "?.scrollIntoView()")

    async def on_time(self) -> None:
        """The way in opens 30 minutes before the start and closes at the end, and the survey opens at the end,
        whether or not anyone clicks."""
        session = self.session
        if session is None:
            return
        now = self.services.clock.now()
        if self.entry_open != may_enter(self.plan, session, now) or (
                self.survey_open is False and await feedback.session_over(self.plan, session, now)):
            await self.draw()

    # ------------------------------------------------------------ drawing

    @property
    def session(self) -> WorkshopSession | None:
        return next((s for s in self.plan.sessions if s.id == self.registration.session_id), None)

    async def reload(self) -> None:
        self.registration = await Registration.get(id=self.registration.id)
        self.plan = await workshops.load_plan_by_id(self.registration.workshop_id)

    async def draw(self) -> None:
        now = self.services.clock.now()
        places = await registering.places(self.plan, now)
        position = await seats.waiting_position(self.registration)
        status = self.registration.status
        self.head.clear()
        with self.head:
            heading(self.plan.workshop.title)
            paragraph(_("Your personal page for this workshop: the link in each e-mail about your registration "
                        "brings you back here. Keep it to yourself, it opens your registration."), muted=True)
            self.status_card(position)
        await self.feedback_card(now)
        self.main.clear()
        with self.main:
            if status == RegistrationStatus.CONFIRMED and self.session is not None:
                self.entry_card(now)
            if status in registering.WITHOUT_PLACE and (self.arrived or status != RegistrationStatus.UNCONFIRMED):
                self.take_part_card(places)
            if status in seats.IN_SESSION:
                self.change_card(places)
                self.cancel_card()
            if status != RegistrationStatus.CANCELLED:
                with ui.card().classes("atelier-card p-5 gap-3").props('id="device-check"'):
                    heading(_("Camera and microphone"), 2)
                    paragraph(_("Check them before the day: only you see and hear yourself here."), muted=True)
                    DeviceCheck()
        self.aside.clear()
        with self.aside:
            with ui.card().classes("atelier-card p-5 gap-2"):
                heading(_("Agenda"), 2)
                session = self.session or next(iter(open_sessions(self.plan, now)), None)
                panels.AgendaList(self.plan, session.starts_at if session else None).show_in(self.zone)
            what_taking_part_needs()

    def when(self, session: WorkshopSession) -> None:
        """The session's date and time in the person's zone, the zone named, and the organisers' time if it differs."""
        workshop = self.plan.workshop
        Text(formatting.session_when(session.starts_at, workshop.duration_minutes, self.zone), "p").classes(
            "font-semibold")
        Text(formatting.zone_name(self.zone, session.starts_at), "p").classes("atelier-muted text-sm")
        if self.zone != workshop.time_zone:
            Text(_("That is {time} where the workshop is organised ({zone}).",
                   time=formatting.clock_time(session.starts_at, workshop.time_zone), zone=workshop.time_zone),
                 "p").classes("atelier-muted text-sm")

    def status_card(self, position: int | None) -> None:
        registration, session = self.registration, self.session
        status = registration.status
        with ui.card().classes("atelier-card p-5 gap-2").props('role="status"'):
            def title(text: str) -> None:
                heading(text, 2).props(f'id="{STATUS_HEADING_ID}" tabindex="-1"')

            if status == RegistrationStatus.CONFIRMED and session is not None:
                title(_("You are registered, {name}", name=registration.display_name))
                self.when(session)
                paragraph(_("Your place is kept for you."), muted=True)
                ui.link(_("Add to my calendar (.ics)"), CALENDAR_PATH.format(token=self.token)).props(
                    "download").classes("atelier-link")
            elif status == RegistrationStatus.WAITING and session is not None:
                title(_("You are on the waiting list"))
                if position is not None:
                    Text(_("You are number {position} on the waiting list of this session:", position=position),
                         "p")
                self.when(session)
                paragraph(_("If a place frees up, it is yours: we tell you by e-mail."), muted=True)
            elif status == RegistrationStatus.UNCONFIRMED and not self.arrived:
                title(_("Confirming your address…"))
            elif status == RegistrationStatus.UNCONFIRMED:
                title(_("Your address is confirmed"))
                paragraph(_("The session you chose is no longer open: choose another one below."))
            elif status == RegistrationStatus.INVITED:
                title(_("You are invited"))
                paragraph(_("Register in one click below: your place is then kept for you."))
            else:
                title(_("Your registration is cancelled"))
                cancelled_session = registration.session_id is not None and session is None
                paragraph(_("The organisers cancelled the session you had chosen.") if cancelled_session
                          else _("You can register again below while places are left."), muted=True)

    async def survey_state(self, now: datetime) -> SurveyState:
        session = self.session
        self.survey_open = await feedback.session_over(self.plan, session, now) if session is not None else None
        if session is None:
            return SurveyState.NONE
        if not self.survey_open:
            return SurveyState.LATER if self.registration.status == RegistrationStatus.CONFIRMED else SurveyState.NONE
        try:
            given = await feedback.answer_of(await feedback.respondent_of_registration(self.registration, self.plan,
                                                                                       now))
        except NotAllowed:  # they did not come: the survey is for those who took part
            return SurveyState.NONE
        if given is None:
            return SurveyState.OPEN
        return SurveyState.ANSWERED_ON_STAGE if given.on_stage else SurveyState.ANSWERED

    async def feedback_card(self, now: datetime) -> None:
        """Before the end of their session, a line saying the survey comes then; after it, the survey, once."""
        state = await self.survey_state(now)
        if state == self.survey_shown:
            return
        self.survey_shown = state
        self.feedback_area.clear()
        with self.feedback_area:
            if state == SurveyState.LATER:
                paragraph(_("After the session, a short survey here will ask what you thought of it."),
                          muted=True).props(f'id="{FEEDBACK_ID}"')
            elif state != SurveyState.NONE:
                with ui.card().classes("atelier-card p-5 gap-3").props(f'id="{FEEDBACK_ID}"'):
                    if state == SurveyState.OPEN:
                        SurveyForm(self.plan.workshop, self.send_feedback)
                    else:
                        heading(_("Your opinion on the workshop"), 2)
                        thanks(ui.element("div"), answered_text(on_stage=state == SurveyState.ANSWERED_ON_STAGE))

    async def send_feedback(self, satisfaction: int | None, answers: list[tuple[str, str]]) -> FeedbackAnswer:
        respondent = await feedback.respondent_of_registration(self.registration, self.plan,
                                                               self.services.clock.now())
        return await feedback.answer(respondent, satisfaction, answers)

    def entry_card(self, now: datetime) -> None:
        session = self.session
        assert session is not None
        self.entry_open = may_enter(self.plan, session, now)
        with ui.card().classes("atelier-card p-5 gap-3"):
            heading(_("On the day"), 2)
            if self.entry_open:
                Text(_("The way in is open: you come in as {name}.", name=self.registration.display_name),
                     "p").props('role="status"')
                self.entry_name = None
                name_box = ui.element("div").classes("grid gap-2")
                alert = Text("", "p").props('role="alert"').classes("atelier-problem")
                ui.button(_("Enter the workshop"), icon="login",
                          on_click=lambda: self.enter(alert, name_box)).props("unelevated").classes("self-start")
            elif now < session.starts_at:
                paragraph(_("From 30 minutes before the start, a button here takes you into the workshop, under "
                            "your name."), muted=True)
            else:
                paragraph(_("This session is over."), muted=True)

    def take_part_card(self, places: dict[int, int | None]) -> None:
        sessions = open_sessions(self.plan, self.services.clock.now())
        with ui.card().classes("atelier-card p-5 gap-4"):
            heading(_("Register"), 2)
            if not sessions:
                paragraph(_("No session is open for registration at the moment."), muted=True)
                return
            messages: dict[str, Any] = {}
            group = Fieldset(_("Session"), "session")
            messages["session"] = group
            current = self.registration.session_id
            with group.content:
                choice = ui.radio({s.id: session_label(self.plan, s, places.get(s.id), self.zone) for s in sessions},
                                  value=current if current in places else (sessions[0].id if len(sessions) == 1
                                                                           else None))
            name = None
            if not self.registration.display_name:
                name = ui.input(_("Your name")).props("outlined maxlength=80 autocomplete=name").classes("w-full")
                name.props["hint"] = _("Shown to the other participants during the workshop. Your first name is "
                                       "enough.")
                messages["name"] = name
            questions = QuestionInputs(self.plan, messages, self.registration.answers)
            alert = Text("", "p").props('role="alert"').classes("atelier-problem")

            async def take_part() -> None:
                for field in messages:
                    show_message(messages, field, None)
                alert.text = ""
                try:
                    await self.services.registrations.take_part(
                        self.registration, self.plan, session_id=choice.value, answers=questions.values(),
                        name=name.value if name is not None else None)
                except InvalidForm as refused:
                    for problem in refused.problems:
                        show_message(messages, problem.field or "", translated(problem))
                    alert.text = translated(refused)
                    return
                except DomainError as refused:
                    alert.text = translated(refused)
                    return
                await self.after_action()

            again = self.registration.status == RegistrationStatus.CANCELLED
            ui.button(_("Register again") if again else _("Register"), icon="how_to_reg",
                      on_click=take_part).props("unelevated").classes("self-start")

    def change_card(self, places: dict[int, int | None]) -> None:
        others = [s for s in open_sessions(self.plan, self.services.clock.now())
                  if s.id != self.registration.session_id]
        if not others:
            return
        with ui.card().classes("atelier-card p-5 gap-3"):
            heading(_("Change session"), 2)
            group = Fieldset(_("Another session"), "change")
            with group.content:
                choice = ui.radio({s.id: session_label(self.plan, s, places.get(s.id), self.zone) for s in others})

            async def change() -> None:
                group.show(None)
                if choice.value is None:
                    group.show(_("Choose a session."))
                    return
                full = places.get(choice.value) == 0
                had_place = self.registration.status == RegistrationStatus.CONFIRMED
                consequence = (_("It is full: you will be on its waiting list, and your present place goes to "
                                 "someone else.") if full and had_place
                               else _("It is full: you will be on its waiting list.") if full
                               else _("Your place moves to that session."))

                async def confirmed() -> None:
                    try:
                        await self.services.registrations.change_session(self.registration, self.plan, choice.value)
                    except DomainError as refused:
                        group.show(translated(refused))
                        return
                    await self.after_action()

                confirm(_("Change to this session?"), consequence, _("Change session"), confirmed)

            ui.button(_("Change session"), icon="event_repeat", on_click=change).props("outline").classes(
                "self-start")

    def cancel_card(self) -> None:
        with ui.card().classes("atelier-card p-5 gap-3"):
            heading(_("Cannot come?"), 2)
            paragraph(_("Cancel, and your place goes to the next person waiting."), muted=True)

            async def cancelled() -> None:
                try:
                    await self.services.registrations.cancel(self.registration)
                except DomainError as refused:
                    ui.notify(translated(refused), type="negative")
                await self.after_action()

            ui.button(_("Cancel my registration"), icon="event_busy", on_click=lambda: confirm(
                _("Cancel your registration?"), _("Your place goes to the next person waiting. You can register "
                                                  "again later, if places are left."),
                _("Cancel my registration"), cancelled)).props("outline color=negative").classes("self-start")

    async def after_action(self) -> None:
        """Redraw with what the action changed, the focus on the new status so that it is read out."""
        await self.reload()
        await self.draw()
        self.client.run_javascript(f"document.getElementById('{STATUS_HEADING_ID}')?.focus()")

    # ------------------------------------------------------------ coming in

    async def enter(self, alert: Text, name_box: ui.element) -> None:
        """Into the lobby (or the stage, once under way) under the registration's name: no typing."""
        alert.text = ""
        session = self.session
        if session is None:
            return
        try:
            run = await self.services.live.run_of(session)
            live = await self.services.live.session(run.id)
            person, token = await self.services.registrations.enter(
                self.registration, self.plan, live, browser=self.browser, network_address=self.network_address,
                name=self.entry_name.value if self.entry_name is not None else None)
        except InvalidValue as refused:
            if refused.field == "name":  # a name the live run refuses now (a namesake in the team, say)
                self.ask_for_name(name_box, translated(refused))
                return
            alert.text = translated(refused)
            return
        except DomainError as refused:
            alert.text = translated(refused)
            return
        remember_participant(self.storage, run, token)
        slug = self.plan.workshop.slug
        ui.navigate.to(f"/w/{slug}/live" if live.state.under_way and not person.removed else f"/w/{slug}/lobby")

    def ask_for_name(self, name_box: ui.element, problem: str) -> None:
        if self.entry_name is None:
            with name_box:
                self.entry_name = ui.input(_("Your name")).props("outlined maxlength=80 autocomplete=name").classes(
                    "w-full")
        self.entry_name.error = problem
