"""Which live run a page is about, and who the person in front of it is."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import Response
from nicegui import app, background_tasks, context, ui
from starlette.requests import Request

from domain import workshops
from domain.errors import HistoryUnreadable, NotFound
from domain.live.session import LiveSession
from domain.live.state import Person
from domain.models import LiveRun, StaffAccount, StaffRole, Workshop, WorkshopSession
from domain.planning import WorkshopPlan
from ui.auth import check_staff, signed_in
from ui.components import Text, heading, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _
from ui.services import Services

PARTICIPATIONS_KEY = "participations"  # run id -> the token of the participant this browser is
# How long a live page may lose its connection and come back as it was (then it is rebuilt from the state).
LIVE_RECONNECT_SECONDS = 30.0
# How long building a live page may take before NiceGUI answers with an error page, which never reloads. When the
# doors open every waiting room loads the stage at once, and after a restart every page reloads together: with
# hundreds of people, or a busy machine, the last ones take seconds. NiceGUI's default is 3 s.
LIVE_RESPONSE_SECONDS = 30.0
HANDHELD = re.compile(r"Mobi|Android|iPhone|iPad|iPod|Tablet|Silk|Kindle", re.IGNORECASE)


@dataclass
class LiveContext:
    session: WorkshopSession
    run: LiveRun
    live: LiveSession

    @property
    def plan(self) -> WorkshopPlan:
        """The plan as the run holds it now: never a copy kept by the page (the organiser may edit it live)."""
        return self.live.plan

    @property
    def slug(self) -> str:
        return self.plan.workshop.slug

    def path(self, page: str) -> str:
        """The address of a live page of this run: real runs and rehearsals have their own."""
        if self.run.rehearsal:
            return f"/w/{self.slug}/rehearsal/{self.run.join_code}/{page}"
        return f"/w/{self.slug}/{page}"


async def resolve(services: Services, slug: str, rehearsal_code: str | None = None, *,
                  staff: bool = False) -> LiveContext | None:
    """The run of the workshop's current session, or the rehearsal the code opens.

    Participants reach only published workshops; staff and rehearsal guests reach drafts too,
    since rehearsing comes before publishing. Raises `HistoryUnreadable` for a run that cannot be
    brought back (`unreadable_page` says so).
    """
    if rehearsal_code is not None:
        run = await services.live.rehearsal_by_code(rehearsal_code)
        if run is None:
            return None
        if (await Workshop.get(id=run.session.workshop_id)).slug != slug:
            return None
        session = run.session
    else:
        try:
            plan = await (workshops.load_plan(slug) if staff else _published(slug))
        except NotFound:
            return None
        found = await services.live.current_session(plan, services.clock.now())
        if found is None:
            return None
        session = found
        run = await services.live.run_of(session)
    return LiveContext(session=session, run=run, live=await services.live.session(run.id))


async def _published(slug: str) -> WorkshopPlan:
    plan = await workshops.published_plan(slug)
    if plan is None:
        raise NotFound("unpublished")
    return plan


def browser_storage() -> MutableMapping[str, Any]:
    """This browser's server-side storage, to keep while the page is built.

    Handlers that run because of someone else's action see that person's request, so pages
    take their own storage at build time and use it in their handlers.
    """
    return app.storage.user


def remember_participant(storage: MutableMapping[str, Any], run: LiveRun, token: str) -> None:
    participations = dict(storage.get(PARTICIPATIONS_KEY, {}))
    participations[str(run.id)] = token
    storage[PARTICIPATIONS_KEY] = participations


def participant_here(live_context: LiveContext) -> Person | None:
    """The participant this browser joined as (perhaps removed since), or None."""
    token = app.storage.user.get(PARTICIPATIONS_KEY, {}).get(str(live_context.run.id))
    return live_context.live.person_for_token(token)


def is_handheld(request: Request | None = None) -> bool:
    request = request or context.client.request
    return bool(HANDHELD.search(request.headers.get("user-agent", ""))) if request else False


def may_moderate(staff: StaffAccount, plan: WorkshopPlan) -> bool:
    """Organisers may run any workshop; moderators those whose team they are in."""
    return staff.role == StaffRole.ORGANISER or any(member.account_id == staff.id for member in plan.team)


class StaffRights:
    """Whether the staff member at a live page may still run this workshop: asked before every command.

    Their session may have ended or their account been disabled (the database says), or they may have been
    taken off the team (the run's plan says, and the bridge tells the page at once).
    """

    def __init__(self, services: Services, staff: StaffAccount, live: LiveSession) -> None:
        self.services = services
        self.staff = staff
        self.live = live
        self.request = context.client.request  # this page's own

    def in_team(self) -> bool:
        """Without asking the database: whether the plan the run holds still lets them moderate."""
        return may_moderate(self.staff, self.live.plan)

    async def refusal(self) -> str | None:
        """Why they may no longer act from this page, or None."""
        account = await signed_in(self.services, self.request)
        if account is None or account.id != self.staff.id:
            return _("Your sign-in has ended: sign in again to moderate.")
        if not may_moderate(account, self.live.plan):
            return self.no_longer_in_team()
        return None

    @staticmethod
    def no_longer_in_team() -> str:
        return _("You are no longer in the team of this workshop: this page no longer works.")


def shut_out_notice(reason: str, link_text: str, link: str) -> None:
    """What a live page shows once its person may no longer follow the run: why, and where to go."""
    with ui.card().classes("atelier-card p-6 gap-3 w-full").props('role="alert"'):
        heading(_("This page no longer works"), 1, looks_like=2)  # what the page is now: the title went with the rest
        Text(reason, "p")
        ui.link(link_text, link).classes("atelier-link")


def follow_presence(live: LiveSession, participant_id: int) -> None:
    """Tell the live session when this page connects, drops and goes for good."""
    client = context.client
    page_id = client.id
    client.on_connect(lambda: live.page_connected(participant_id, page_id))
    client.on_disconnect(lambda: live.page_disconnected(participant_id, page_id))
    client.on_delete(lambda: live.page_closed(participant_id, page_id))
    if client.has_socket_connection:  # joined from this page: it is connected already
        background_tasks.create(live.page_connected(participant_id, page_id), name="presence")


async def moderator_context(services: Services, slug: str,
                            code: str | None) -> tuple[StaffAccount, LiveContext] | Response:
    """The one guard of the moderators' live pages: a staff account that may run this workshop.

    Strangers go to the sign-in page, a wrong role is told so (403), a workshop outside one's
    assignments is not found (404), and a run whose history cannot be read says why.
    """
    staff = await check_staff(services, StaffRole.ORGANISER, StaffRole.MODERATOR)
    if not isinstance(staff, StaffAccount):
        return staff
    try:
        found = await resolve(services, slug, code, staff=True)
    except HistoryUnreadable as problem:
        return unreadable_page(services, problem, staff)
    if found is None or not may_moderate(staff, found.plan):
        with page_frame(services, _("Not found"), staff=staff, narrow=True):
            heading(_("This workshop is not among your assignments"))
            ui.link(_("Back to my assignments"), "/moderate").classes("atelier-link")
        return context.client.build_response(context.client.request, 404)
    return staff, found


def unreadable_page(services: Services, problem: HistoryUnreadable, staff: StaffAccount | None = None) -> Response:
    """A run that could not be brought back: the moderators read why, participants that it cannot go on now."""
    with page_frame(services, _("This session cannot continue"), staff=staff, narrow=True):
        heading(_("This session cannot continue"))
        if staff is not None:
            Text(translated(problem), "p").props('role="alert"').classes("atelier-text")
            paragraph(_("Its record is kept as it is. Tell the administrator of Atelier: the server log names the "
                        "session and the event that cannot be read."), muted=True)
        else:
            paragraph(_("The workshop cannot go on for now: please try again later, or contact the organisers."),
                      muted=True)
    return context.client.build_response(context.client.request, 503)
