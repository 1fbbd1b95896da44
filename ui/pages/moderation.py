"""`/moderate`: the workshops a staff member is assigned to, with the script of each step.

Moderators prepare here: the guide asks the team to go through the script and roles together.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Response
from nicegui import ui

from domain import planning, workshops
from domain.errors import NotFound
from domain.models import StaffAccount, StaffRole, TeamRole, WorkshopSession
from domain.planning import WorkshopPlan
from ui import formatting
from ui.auth import check_staff
from ui.components import Text, heading, paragraph, status_chip
from ui.frame import not_found_page, page_frame
from ui.i18n import _
from ui.services import Services

STAFF = (StaffRole.ORGANISER, StaffRole.MODERATOR)


def register(services: Services) -> None:
    @ui.page("/moderate")
    async def assignments() -> Response | None:
        staff = await check_staff(services, *STAFF)
        if not isinstance(staff, StaffAccount):
            return staff
        now = services.clock.now()
        plans = await workshops.plans_for_moderator(staff)
        with page_frame(services, _("My assignments"), staff=staff):
            heading(_("My assignments"))
            paragraph(_("The workshops you moderate. Read the script of each step before the day, and meet the "
                        "team 30 minutes before the start."), muted=True)
            if not plans:
                paragraph(_("You are not in the team of any workshop yet."), muted=True)
            with ui.element("ul").classes("grid gap-4 list-none p-0 mt-4"):
                for plan in plans:
                    member = next(m for m in plan.team if m.account_id == staff.id)
                    session = plan.next_session(now)
                    with ui.element("li").classes("atelier-card p-5 grid gap-2"):
                        with ui.row().classes("items-center justify-between w-full"):
                            with ui.link(target=f"/moderate/{plan.workshop.slug}").classes(
                                    "atelier-link text-lg font-semibold"):
                                Text(plan.workshop.title, "span")
                            status_chip(planning.status(plan, now))
                        Text(_("Lead moderator") if member.role == TeamRole.LEAD_MODERATOR else _("Co-moderator"),
                             "span").classes("atelier-muted")
                        with ui.row().classes("gap-4"):
                            ui.link(_("Read the script"), f"/moderate/{plan.workshop.slug}").classes("atelier-link")
                            ui.link(_("Open the moderator board"), f"/w/{plan.workshop.slug}/moderate").classes(
                                "atelier-link")
                        if session is not None:
                            Text(formatting.session_when(session.starts_at, plan.workshop.duration_minutes,
                                                         plan.workshop.time_zone) + " · "
                                 + formatting.zone_name(plan.workshop.time_zone, session.starts_at), "span")
        return None

    @ui.page("/moderate/{slug}")
    async def script(slug: str) -> Response | None:
        staff = await check_staff(services, *STAFF)
        if not isinstance(staff, StaffAccount):
            return staff
        try:
            plan = await workshops.load_plan(slug)
        except NotFound:
            plan = None
        allowed = plan is not None and (staff.role == StaffRole.ORGANISER
                                        or any(m.account_id == staff.id for m in plan.team))
        if plan is None or not allowed:  # the same answer as the moderator board's (ui/live/context.py)
            return not_found_page(services, staff, message=_("This workshop is not among your assignments"),
                                  back=(_("Back to my assignments"), "/moderate"))
        with page_frame(services, _("Script"), staff=staff):
            heading(plan.workshop.title)
            paragraph(_("The moderator's script, step by step. Only the team sees it."), muted=True)
            ui.link(_("Open the moderator board"), f"/w/{plan.workshop.slug}/moderate").classes("atelier-link")
            offsets = planning.step_start_offsets(plan.steps)
            sessions = script_sessions(plan, services.clock.now())
            zone = plan.workshop.time_zone
            if sessions:
                Text(_("Clock times in {zone}.", zone=formatting.zone_name(zone, sessions[0].starts_at)),
                     "p").classes("atelier-muted mt-2")
            with ui.element("ol").classes("grid gap-4 list-none p-0 mt-4"):
                for number, (step, offset) in enumerate(zip(plan.steps, offsets, strict=True), start=1):
                    with ui.element("li").classes("atelier-card p-5 grid gap-2"):
                        heading(f"{number}. {step.title}", 2)
                        Text(_("{duration}, starting at +{start}", duration=formatting.duration(step.minutes),
                               start=formatting.duration(offset)), "p").classes("atelier-muted")
                        step_clock_times(sessions, offset, step.minutes, zone)
                        Text(_("Objective: {objective}", objective=step.objective), "p").classes("font-medium")
                        paragraph(step.moderator_script)
        return None


def script_sessions(plan: WorkshopPlan, now: datetime) -> list[WorkshopSession]:
    """The sessions whose clock times the script gives: those not over yet, or else all of them (a script read
    again afterwards)."""
    return [session for session in plan.sessions if plan.session_end(session) > now] or plan.sessions


def step_clock_times(sessions: list[WorkshopSession], offset: int, minutes: int, zone: str) -> None:
    """When the step runs by the clock: one line per session, its date then "19:15–19:25"."""
    if not sessions:
        return
    with ui.element("dl").classes("grid grid-cols-[auto_1fr] gap-x-4 gap-y-0 m-0 text-sm"):
        for session in sessions:
            Text(formatting.long_date(session.starts_at, zone), "dt").classes("atelier-muted")
            Text(_("{start}–{end}", start=formatting.offset_clock(session.starts_at, offset, zone),
                   end=formatting.offset_clock(session.starts_at, offset + max(minutes, 0), zone)),
                 "dd").classes("m-0 font-medium tabular-nums")
