"""Part 2, date and time: the time zone, the length of a session, and the sessions themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from nicegui import ui

from domain import seats, timekeeping, workshops
from domain.errors import InvalidValue
from domain.i18n import N_
from domain.models import WorkshopSession
from domain.planning import WorkshopPlan
from ui import formatting
from ui.components import Text, confirm, heading, labelled, paragraph
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, ngettext
from ui.pages.wizard.fields import MISSING, Missing, Read
from ui.pages.wizard.shell import Wizard, workshop_value

DEFAULT_START = time(18, 30)
ADD_SESSION = key("add-session")


def zone_options(current: str, now: datetime) -> dict[str, str]:
    zones = dict.fromkeys(timekeeping.selectable_zones())
    zones.setdefault(current)
    return {zone: formatting.zone_name(zone, now) for zone in sorted(zones)}


async def render(wizard: Wizard) -> None:
    workshop = wizard.plan.workshop
    paragraph(_("Fix the date as early as possible, at a time that suits the people you want to reach: after "
                "children's bedtime for young parents, for instance."), muted=True)
    with ui.column().classes("w-full gap-5 mt-4"):
        zone = ui.select(zone_options(workshop.time_zone, wizard.services.clock.now()), value=workshop.time_zone,
                         label=_("Time zone"), with_input=True).props("outlined").classes("w-full max-w-xl")
        zone.props["hint"] = _("Dates and times below are in this zone. Visitors see them in their own zone too.")

        async def save_zone(value: str) -> None:
            await workshops.set_time_zone(wizard.plan.workshop, value, clock=wizard.services.clock)
            sessions.refresh()

        wizard.field(zone, save_zone, read=workshop_value("time_zone"), name="time_zone")
        browser_zone_note = ui.row().classes("items-center gap-2 text-sm")
        ui.timer(0, lambda: _offer_browser_zone(wizard, zone, browser_zone_note), once=True)

        duration = ui.number(_("Length of a session, in minutes"), value=workshop.duration_minutes,
                             step=5).props("outlined").classes("w-full max-w-xs")
        duration.props["hint"] = _("The whole session, from the welcome to the conclusion.")

        async def save_duration(value: float | None) -> None:
            await workshops.update_workshop(wizard.plan.workshop, "duration_minutes", value,
                                            clock=wizard.services.clock)

        wizard.field(duration, save_duration, read=workshop_value("duration_minutes"), name="duration_minutes")
        wizard.advice("duration_minutes")

        heading(_("Sessions"), 3).classes("mt-2")
        paragraph(_("Each session follows the same agenda. Add one if too many people register for the "
                    "quality of the discussion."), muted=True)
        wizard.advice("sessions")

        @ui.refreshable
        async def sessions() -> None:
            registered = await seats.people_in(session.id for session in wizard.plan.sessions)
            with ui.column().classes("w-full gap-3"):
                for number, session in enumerate(wizard.plan.sessions, start=1):
                    session_row(wizard, session, number, restructure, registered[session.id])

                async def add() -> None:
                    session = await workshops.add_session(wizard.plan.workshop, *_next_slot(wizard))
                    await restructure(key("session", session.id))

                focus_key(ui.button(_("Add a session"), icon="add", on_click=add).props("outline"), ADD_SESSION)

        async def restructure(*focus: str) -> None:
            """Redraw the sessions once one came or went, the focus on these keys or the add button."""
            await wizard.changed()
            await sessions.refresh()
            move_focus(wizard.client, *focus, ADD_SESSION)

        await sessions()


def session_capacity(session_id: int) -> Read:
    return lambda plan: next((s.capacity for s in plan.sessions if s.id == session_id), MISSING)


def _next_slot(wizard: Wizard) -> tuple[date, time]:
    """A week after the last session, or a fortnight from today, at the same time of day."""
    zone = wizard.plan.workshop.time_zone
    if wizard.plan.sessions:
        last = timekeeping.to_local(wizard.plan.sessions[-1].starts_at, zone)
        return (last + timedelta(days=7)).date(), last.time()
    today = timekeeping.to_local(wizard.services.clock.now(), zone).date()
    return today + timedelta(days=14), DEFAULT_START


async def _offer_browser_zone(wizard: Wizard, zone: ui.select, note: ui.row) -> None:
    """Propose the browser's zone when it differs from the workshop's."""
    browser_zone = str(await ui.run_javascript("Intl.DateTimeFormat().resolvedOptions().timeZone", timeout=5))
    if not timekeeping.is_known_zone(browser_zone) or browser_zone == wizard.plan.workshop.time_zone:
        return
    with note:
        Text(_("Your computer is set to {zone}.", zone=browser_zone), "span").classes("atelier-muted")
        ui.button(_("Use this zone"), on_click=lambda: zone.set_value(browser_zone)).props("flat dense")


def session_row(wizard: Wizard, session: WorkshopSession, number: int,
                restructure: Callable[..., Awaitable[None]], registered: int) -> None:
    """One session; once it is removed, the focus goes to the next one, or the one before.

    `registered` people hold a place in it or wait for one: they are told by e-mail when it moves or goes.
    """
    zone = wizard.plan.workshop.time_zone
    local = timekeeping.to_local(session.starts_at, zone)
    with ui.card().classes("atelier-card w-full p-4 gap-2"):
        with ui.row().classes("w-full items-center justify-between"):
            heading(_("Session {number}", number=number), 3)

            async def remove() -> None:
                ids = [s.id for s in wizard.plan.sessions]
                place = ids.index(session.id) if session.id in ids else 0
                await workshops.delete_session(session, clock=wizard.services.clock)
                await restructure(*(key("session", i) for i in ids[place + 1:][:1] + ids[:place][-1:]))

            consequence = ngettext("It is cancelled: {count} person registered for it is told by e-mail.",
                                   "It is cancelled: the {count} people registered for it are told by e-mail.",
                                   registered) if registered else _("Its date, time and number of places go with it.")
            labelled(ui.button(icon="delete", on_click=lambda: confirm(
                _("Remove session {number}?", number=number), consequence,
                _("Remove"), remove)).props("flat round"), _("Remove session {number}", number=number))
        with ui.row().classes("w-full items-start gap-4"):
            day = focus_key(ui.input(_("Date"), value=local.date().isoformat()).props(
                "type=date outlined stack-label"), "session", session.id)
            start = ui.input(_("Start time"), value=local.strftime("%H:%M")).props("type=time outlined stack-label")
            capacity = ui.number(_("Places (optional)"), value=session.capacity).props(
                "outlined").classes("w-40")
        summary = Text("", "p").classes("atelier-muted text-sm")
        if registered:
            Text(ngettext("{count} person is registered for it: with a place, they are told of a change of date or "
                          "time by e-mail.",
                          "{count} people are registered for it: those with a place are told of a change of date "
                          "or time by e-mail.", registered), "p").classes("atelier-advice")

        def describe() -> None:
            fresh = next((s for s in wizard.plan.sessions if s.id == session.id), session)
            summary.text = " · ".join([
                formatting.session_when(fresh.starts_at, wizard.plan.workshop.duration_minutes, zone),
                formatting.zone_name(zone, fresh.starts_at),
            ])

        async def save_moment(_value: object) -> None:
            try:
                chosen_day = date.fromisoformat(day.value)
            except (TypeError, ValueError):
                raise InvalidValue(N_("Enter a date.")) from None
            try:
                chosen_time = time.fromisoformat(start.value)
            except (TypeError, ValueError):
                raise InvalidValue(N_("Enter a start time.")) from None
            await workshops.move_session(session, wizard.plan.workshop, chosen_day, chosen_time,
                                          clock=wizard.services.clock)

        def local_start(plan: WorkshopPlan, form: str) -> str | Missing:
            fresh = next((s for s in plan.sessions if s.id == session.id), None)
            return MISSING if fresh is None else timekeeping.to_local(fresh.starts_at, plan.workshop.time_zone) \
                .strftime(form)

        subject = f"session:{session.id}"
        wizard.field(day, save_moment, read=lambda plan: local_start(plan, "%Y-%m-%d"), subject=subject, name="day")
        wizard.field(start, save_moment, read=lambda plan: local_start(plan, "%H:%M"), subject=subject, name="time")
        wizard.field(capacity, lambda value: workshops.set_session_capacity(session, value,
                                                                            clock=wizard.services.clock),
                     read=session_capacity(session.id), subject=subject, name="capacity")
        wizard.on_change(describe, owner=summary)
        describe()
        if timekeeping.is_repeated(local.date(), local.time(), zone):
            with ui.element("div").classes("atelier-advice"):
                ui.icon("lightbulb").props('aria-hidden="true"')
                Text(_("The clocks go back that night: this time happens twice. The first one counts."), "span")
        wizard.advice("starts_at", session.id)
        wizard.advice("capacity", session.id)
