"""`/`: the municipality's upcoming public workshops, and the way in for staff."""

from __future__ import annotations

from nicegui import ui

from domain import workshops
from ui import formatting
from ui.auth import signed_in
from ui.components import Text, heading, paragraph
from ui.frame import HOME_BY_ROLE, page_frame
from ui.i18n import _
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/")
    async def home() -> None:
        staff = await signed_in(services)
        now = services.clock.now()
        plans = await workshops.upcoming_public_plans(now)
        with page_frame(services, _("Workshops"), staff=staff):
            heading(_("Online citizen workshops"))
            paragraph(_("Take part from home in the workshops of your municipality: listen, discuss in small "
                        "groups and make proposals. All you need is a computer with a camera, a microphone and "
                        "a stable connection."), muted=True)
            heading(_("Coming up"), 2).classes("mt-6")
            if not plans:
                paragraph(_("No workshop is announced at the moment. Come back soon."), muted=True)
            with ui.element("ul").classes("grid gap-4 md:grid-cols-2 mt-2 list-none p-0"):
                for plan in plans:
                    session = plan.next_session(now)
                    assert session is not None  # upcoming plans all have one
                    with ui.element("li").classes("atelier-card p-5"):
                        with ui.link(target=f"/w/{plan.workshop.slug}").classes("atelier-link text-lg font-semibold"):
                            Text(plan.workshop.title, "span")
                        paragraph(formatting.session_when(session.starts_at, plan.workshop.duration_minutes,
                                                          plan.workshop.time_zone))
                        paragraph(formatting.zone_name(plan.workshop.time_zone, session.starts_at), muted=True)
            if staff is None:
                with ui.row().classes("mt-10 atelier-muted items-center gap-2"):
                    Text(_("Municipal staff:"), "span")
                    ui.link(_("sign in"), "/signin").classes("atelier-link")
            else:
                ui.link(_("Go to my workshops"), HOME_BY_ROLE[staff.role]).classes("atelier-link mt-10")
