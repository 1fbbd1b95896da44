"""`/w/{slug}`: the public page of a workshop, in the visitor's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import context, ui

from domain import registrations, timekeeping, workshops
from domain.errors import NotFound
from domain.models import RegistrationMode, StaffAccount, StaffRole, Workshop
from domain.planning import WorkshopPlan
from ui import formatting
from ui.auth import signed_in
from ui.components import Text, heading, labelled, paragraph
from ui.frame import page_frame
from ui.i18n import _
from ui.live import panels
from ui.live.context import may_moderate
from ui.pages.registration_form import RegistrationForm
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/w/{slug}")
    async def public_page(slug: str) -> Response | None:
        staff = await signed_in(services)
        plan = await workshops.published_plan(slug)
        if plan is None and staff is not None and staff.role == StaffRole.ORGANISER:
            try:  # not public (yet): an organiser sees the preview instead
                draft = await workshops.load_plan(slug)
                return RedirectResponse(f"/organise/{draft.workshop.slug}/preview", status_code=303)
            except NotFound:
                pass
        if plan is None:
            with page_frame(services, _("Not found"), staff=staff, narrow=True):
                heading(_("This workshop is not available"))
                paragraph(_("The address may be mistyped, or the workshop is not published yet."), muted=True)
                ui.link(_("See the workshops coming up"), "/").classes("atelier-link")
            return context.client.build_response(context.client.request, 404)
        places = await registrations.places(plan, services.clock.now()) \
            if registrations.takes_public_registrations(plan) else None
        with page_frame(services, plan.workshop.title, staff=staff):
            render(services, plan, staff, places)
        return None


async def preview_page(services: Services, plan: WorkshopPlan, staff: StaffAccount) -> None:
    """`/organise/{slug}/preview` (organisers only): the public page as visitors will see it, published or not,
    under a banner saying it is a preview. Its registration form and lobby door are shown but do nothing."""
    workshop = plan.workshop
    places = await registrations.places(plan, services.clock.now()) \
        if workshop.registration_mode == RegistrationMode.PUBLIC_FORM else None
    with page_frame(services, _("Preview: {title}", title=workshop.title), staff=staff):
        with ui.element("section").classes("atelier-preview-banner w-full mb-6") as banner:
            labelled(banner, _("Preview"))
            Text(_("Preview: this is how the public page looks.") if workshop.published_at is not None
                 else _("Preview: this is how the public page will look once published."), "p").classes(
                "font-semibold m-0")
            Text(_("Nobody can register from this preview."), "p").classes("m-0 text-sm")
            with ui.row().classes("gap-4 text-sm"):
                ui.link(_("Back to the preparation"), f"/organise/{workshop.slug}/review").classes("atelier-link")
                if workshop.published_at is not None and workshop.archived_at is None:
                    ui.link(_("Open the public page"), f"/w/{workshop.slug}").classes("atelier-link")
        render(services, plan, None, places, preview=True)


def render(services: Services, plan: WorkshopPlan, staff: StaffAccount | None,
           places: dict[int, int | None] | None, *, preview: bool = False) -> None:
    """The page; `places` (free places per open session) when the workshop takes registrations here. A `preview`
    shows the form and the way in as if published, but they do nothing."""
    workshop = plan.workshop
    now = services.clock.now()
    form: RegistrationForm | None = None
    with ui.element("div").classes("grid gap-8 md:grid-cols-[1fr_20rem]"):
        with ui.element("article").classes("grid gap-4 content-start min-w-0"):
            heading(workshop.title)
            paragraph(workshop.description)
            with ui.card().classes("atelier-card p-5 gap-2"):
                heading(_("Agenda"), 2)
                next_session = plan.next_session(now)
                agenda = panels.AgendaList(plan, next_session.starts_at if next_session else None,
                                           show_objectives=True)
            if places is not None:
                form = RegistrationForm(services, plan, places, preview=preview)
        with ui.element("aside").classes("grid gap-4 content-start"):
            if plan.next_session(now) is not None and (workshop.published_at is not None or preview):
                take_part(workshop, registering=places is not None, preview=preview)
            if staff is not None and may_moderate(staff, plan):
                ui.link(_("Open the moderator board"), f"/w/{workshop.slug}/moderate").classes("atelier-link")
            with ui.card().classes("atelier-card p-5 gap-3"):
                heading(_("When"), 2)
                upcoming = [s for s in plan.sessions if plan.session_end(s) > now]
                if not upcoming:
                    paragraph(_("No session is planned at the moment."), muted=True)
                zone_lines = []
                with ui.element("ul").classes("grid gap-3 list-none p-0 m-0"):
                    for session in upcoming:
                        with ui.element("li").classes("grid gap-0"):
                            when = Text("", "span").classes("font-semibold")
                            zone = Text("", "span").classes("atelier-muted text-sm")
                            organiser_time = Text("", "span").classes("atelier-muted text-sm")
                            zone_lines.append(SessionTimes(session.starts_at, when, zone, organiser_time))
                show_times(plan, zone_lines, workshop.time_zone)
                if upcoming:
                    ui.timer(0, lambda: in_visitor_zone(plan, zone_lines, agenda, form), once=True)
            what_taking_part_needs()


def take_part(workshop: Workshop, *, registering: bool, preview: bool = False) -> None:
    """How to take part: the lobby's door, the registration form, or the invitation's link."""
    with ui.card().classes("atelier-card p-5 gap-3"):
        heading(_("Take part"), 2)
        if registering:
            paragraph(_("Register with the form on this page: an e-mail confirms your address, then your place."),
                      muted=True)
            ui.link(_("Go to the registration form"), "#register").classes("atelier-link")
        elif workshop.registration_mode == RegistrationMode.INVITATION_ONLY:
            paragraph(_("Registration is by invitation. If you were invited, the e-mail you received has your "
                        "personal link: it registers you and, on the day, takes you in."), muted=True)
        elif workshop.registration_mode == RegistrationMode.PUBLIC_FORM:  # archived, or previewed unpublished
            paragraph(_("Registration is closed."), muted=True)
        else:
            paragraph(_("Join the lobby from your computer a few minutes before the start."), muted=True)
            join = ui.button(_("Join the workshop"), icon="login",
                             on_click=lambda: ui.navigate.to(f"/w/{workshop.slug}/lobby")).props("unelevated")
            if preview:
                join.disable()


@dataclass(frozen=True)
class SessionTimes:
    """The texts that state one session's time, rewritten once the visitor's zone is known."""

    starts_at: datetime
    when: Text
    zone: Text
    organiser_time: Text


def show_times(plan: WorkshopPlan, lines: list[SessionTimes], zone: str) -> None:
    workshop = plan.workshop
    for line in lines:
        line.when.text = formatting.session_when(line.starts_at, workshop.duration_minutes, zone)
        line.zone.text = formatting.zone_name(zone, line.starts_at)
        line.organiser_time.text = "" if zone == workshop.time_zone else _(
            "That is {time} where the workshop is organised ({zone}).",
            time=formatting.clock_time(line.starts_at, workshop.time_zone), zone=workshop.time_zone)
        line.organiser_time.set_visibility(zone != workshop.time_zone)


async def visitor_zone() -> str | None:
    """The browser's time zone, once the page is connected (None if it names none we know)."""
    zone = str(await ui.run_javascript("Intl.DateTimeFormat().resolvedOptions().timeZone", timeout=5))
    return zone if timekeeping.is_known_zone(zone) else None


async def in_visitor_zone(plan: WorkshopPlan, lines: list[SessionTimes], agenda: panels.AgendaList,
                          form: RegistrationForm | None = None) -> None:
    """Once connected, restate the times (sessions, agenda steps, the form's sessions) in the browser's own zone."""
    zone = await visitor_zone()
    if zone is not None and zone != plan.workshop.time_zone:
        show_times(plan, lines, zone)
        agenda.show_in(zone)
        if form is not None:
            form.in_zone(zone)


def what_taking_part_needs() -> None:
    """The card saying what a participant needs, on the public page and on each personal page."""
    with ui.card().classes("atelier-card p-5 gap-2"):
        heading(_("To take part"), 2)
        with ui.element("ul").classes("grid gap-2 pl-5 list-disc m-0"):
            for advice in (
                _("A computer (phones and tablets are not supported yet) with a camera and a microphone."),
                _("A stable internet connection."),
                _("Join 5 minutes early to test your camera and microphone and settle in."),
            ):
                Text(advice, "li")
