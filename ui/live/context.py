"""Which live run a page is about, and who the person in front of it is."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from nicegui import app, background_tasks, context
from starlette.requests import Request

from domain import workshops
from domain.errors import NotFound
from domain.live.session import LiveSession
from domain.live.state import Person
from domain.models import LiveRun, StaffAccount, StaffRole, WorkshopSession
from domain.planning import WorkshopPlan
from ui.services import Services

PARTICIPATIONS_KEY = "participations"  # run id -> the token of the participant this browser is
HANDHELD = re.compile(r"Mobi|Android|iPhone|iPad|iPod|Tablet|Silk|Kindle", re.IGNORECASE)


@dataclass
class LiveContext:
    plan: WorkshopPlan
    session: WorkshopSession
    run: LiveRun
    live: LiveSession

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
    since rehearsing comes before publishing.
    """
    if rehearsal_code is not None:
        run = await services.live.rehearsal_by_code(rehearsal_code)
        if run is None:
            return None
        plan = await workshops.load_plan_by_id(run.session.workshop_id)  # type: ignore[attr-defined]
        if plan.workshop.slug != slug:
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
    return LiveContext(plan=plan, session=session, run=run, live=await services.live.session(run.id))


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


def follow_presence(live: LiveSession, participant_id: int) -> None:
    """Tell the live session when this page connects, drops and goes for good."""
    client = context.client
    page_id = client.id
    client.on_connect(lambda: live.page_connected(participant_id, page_id))
    client.on_disconnect(lambda: live.page_disconnected(participant_id, page_id))
    client.on_delete(lambda: live.page_closed(participant_id, page_id))
    if client.has_socket_connection:  # joined from this page: it is connected already
        background_tasks.create(live.page_connected(participant_id, page_id), name="presence")
