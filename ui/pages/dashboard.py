"""`/organise`: every workshop of the municipality with its status and next session."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from fastapi import Response
from nicegui import ui

from domain import planning, workshops
from domain.models import LiveRun, RunPhase, StaffAccount, StaffRole
from domain.planning import WorkshopPlan
from ui import formatting
from ui.auth import check_staff
from ui.components import Text, heading, labelled, paragraph, status_chip
from ui.frame import page_frame
from ui.i18n import _, ngettext
from ui.pages import tracking
from ui.pages.feedback_results import results_path
from ui.pages.record import record_path
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/organise")
    async def dashboard(archived: bool = False) -> Response | None:
        staff = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(staff, StaffAccount):
            return staff
        with page_frame(services, _("Workshops"), staff=staff):
            with ui.row().classes("w-full items-end justify-between gap-4 mb-4"):
                with ui.column().classes("gap-1"):
                    heading(_("Archived workshops") if archived else _("Workshops"))
                    paragraph(_("Prepare, publish and follow the workshops of your municipality."), muted=True)
                with ui.row().classes("items-center gap-4"):
                    if archived:
                        ui.link(_("Back to current workshops"), "/organise").classes("atelier-link")
                    else:
                        ui.link(_("Archived workshops"), "/organise?archived=true").classes("atelier-link")
                        ui.button(_("New workshop"), icon="add",
                                  on_click=lambda: ui.navigate.to("/organise/new")).props("unelevated")

            @ui.refreshable
            async def listing() -> None:
                await workshop_list(services, staff, archived, listing.refresh)

            await listing()
        return None


async def workshop_list(services: Services, staff: StaffAccount, archived: bool, changed: Callable[[], object]) -> None:
    plans = await workshops.list_plans(archived=archived)
    if not plans:
        with ui.card().classes("atelier-card w-full p-8 items-center text-center gap-3"):
            if archived:
                paragraph(_("No archived workshop."), muted=True)
            else:
                heading(_("No workshop yet"), 2)
                paragraph(_("Start with a title: the wizard then guides you through the purpose, the date, "
                            "the agenda, the rooms and the team. Everything is saved as you type."), muted=True)
                ui.button(_("Prepare a first workshop"), icon="add",
                          on_click=lambda: ui.navigate.to("/organise/new")).props("unelevated")
        return
    session_ids = [session.id for plan in plans for session in plan.sessions]
    # Sessions that took place (their real run's doors opened): each has a record.
    held = set(cast(list[int], await LiveRun.filter(real_session_id__in=session_ids).exclude(
        phase=RunPhase.BACKSTAGE).values_list("real_session_id", flat=True)))
    with ui.element("ul").classes("w-full grid gap-4 list-none p-0"):
        for plan in plans:
            with ui.element("li"):
                workshop_card(services, staff, plan, changed, held=held)


def workshop_card(services: Services, staff: StaffAccount, plan: WorkshopPlan, changed: Callable[[], object],
                  *, held: set[int] | frozenset[int] = frozenset()) -> None:
    workshop = plan.workshop
    now = services.clock.now()
    session = plan.next_session(now) or (plan.sessions[-1] if plan.sessions else None)
    with ui.card().classes("atelier-card w-full p-5 gap-3"):
        with ui.row().classes("w-full items-start justify-between gap-3 no-wrap"):
            with ui.column().classes("gap-1 min-w-0"):
                with ui.link(target=f"/organise/{workshop.slug}").classes("atelier-link text-lg font-semibold"):
                    Text(workshop.title or _("Untitled workshop"), "span")
                if session is not None:
                    Text(formatting.session_when(session.starts_at, workshop.duration_minutes, workshop.time_zone),
                         "span")
                    Text(formatting.zone_name(workshop.time_zone, session.starts_at), "span").classes(
                        "atelier-muted text-sm")
                else:
                    Text(_("No date yet"), "span").classes("atelier-muted")
            status_chip(planning.status(plan, now), archived=workshop.archived_at is not None)
        with ui.row().classes("w-full items-center justify-between gap-3"):
            Text(" · ".join([
                ngettext("{count} session", "{count} sessions", len(plan.sessions)),
                ngettext("{count} step", "{count} steps", len(plan.steps)),
                ngettext("{count} breakout room", "{count} breakout rooms", len(plan.breakout_rooms)),
            ]), "span").classes("atelier-muted text-sm")
            with ui.row().classes("gap-2"):
                if workshop.published_at is not None and workshop.archived_at is None:
                    ui.link(_("Public page"), f"/w/{workshop.slug}").classes("atelier-link self-center mr-2")
                labelled(ui.link(_("Registrations"), tracking.path_of(workshop.id)).classes(
                    "atelier-link self-center mr-2"), _("Registrations for {title}", title=workshop.title))
                if workshop.published_at is not None:  # people may have taken part: the survey's results
                    labelled(ui.link(_("Feedback"), results_path(workshop)),
                             _("Feedback survey of {title}", title=workshop.title)).classes(
                        "atelier-link self-center mr-2")
                for held_session in [session for session in plan.sessions if session.id in held]:
                    day = formatting.long_date(held_session.starts_at, workshop.time_zone)
                    shown = _("Record") if len(plan.sessions) == 1 else _("Record of {date}", date=day)
                    # Named as shown, then which workshop: several cards each have a record (WCAG 2.5.3).
                    labelled(ui.link(shown, record_path(workshop.id, held_session.id)),
                             f"{shown} · {workshop.title}").classes("atelier-link self-center mr-2")
                labelled(ui.button(_("Edit"), icon="edit",
                                   on_click=lambda: ui.navigate.to(f"/organise/{workshop.slug}")).props("flat"),
                         _("Edit {title}", title=workshop.title))

                async def duplicate() -> None:
                    copy = await workshops.duplicate_workshop(
                        workshop, title=_("Copy of {title}", title=workshop.title), created_by=staff)
                    ui.navigate.to(f"/organise/{copy.slug}/purpose")

                async def archive() -> None:
                    await workshops.archive(workshop, services.clock)
                    ui.notify(_("“{title}” is archived. You will find it among the archived workshops.",
                                title=workshop.title))
                    changed()

                async def restore() -> None:
                    await workshops.unarchive(workshop)
                    ui.notify(_("“{title}” is back among the current workshops.", title=workshop.title))
                    changed()

                labelled(ui.button(_("Duplicate"), icon="content_copy", on_click=duplicate).props("flat"),
                         _("Duplicate {title}", title=workshop.title))
                if workshop.archived_at is None:
                    labelled(ui.button(_("Archive"), icon="inventory_2", on_click=archive).props("flat"),
                             _("Archive {title}", title=workshop.title))
                else:
                    labelled(ui.button(_("Restore"), icon="unarchive", on_click=restore).props("flat"),
                             _("Restore {title}", title=workshop.title))
