"""`/r/{token}/reminders-off`: a registered person turns a workshop's reminders off, or back on.

Mail clients call it with a POST when the person presses "unsubscribe" beside a reminder (List-Unsubscribe with
One-Click, RFC 8058): no page, no confirmation. Opened in a browser (the link at the bottom of each reminder),
it shows where reminders stand and a button to change it. The token in the address is the personal link's:
whoever holds it may do this, as on the personal page.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse, RedirectResponse
from nicegui import app, context, ui

from domain.models import Workshop
from domain.personal_links import PERSONAL_PAGE_PATH, registration_for
from domain.reminder_preference import set_reminders
from ui.components import Text, heading, paragraph
from ui.frame import page_frame
from ui.i18n import _
from ui.services import Services

REMINDERS_OFF_PATH = PERSONAL_PAGE_PATH + "/reminders-off"


def register(services: Services) -> None:
    # The page first: NiceGUI's ui.page replaces every route of its path, a POST one included.
    @ui.page(REMINDERS_OFF_PATH)
    async def reminders_page(token: str) -> Response | None:
        registration = await registration_for(token)
        workshop = await Workshop.get_or_none(id=registration.workshop_id) if registration else None
        if registration is None or workshop is None:
            with page_frame(services, _("This link does not work"), narrow=True):
                heading(_("This link does not work"))
                paragraph(_("Check that it was copied whole from the e-mail. If it still does not work, it may "
                            "have been replaced by a newer one: use the link of the latest e-mail."), muted=True)
            return context.client.build_response(context.client.request, 404)
        with page_frame(services, _("Reminders for {title}", title=workshop.title), narrow=True):
            heading(_("Reminders for {title}", title=workshop.title))
            if registration.reminders_off:
                Text(_("Reminders are off: you will receive no more reminders for this workshop."), "p").props(
                    'role="status"').classes("font-semibold")
                paragraph(_("Messages about your seat still reach you: a change of time, a cancellation."),
                          muted=True)
            else:
                Text(_("You receive reminders before your session."), "p").props('role="status"').classes(
                    "font-semibold")
            with ui.element("form").props(f'method="post" action="{REMINDERS_OFF_PATH.format(token=token)}"'
                                          ).classes("my-4"):
                wanted = "on" if registration.reminders_off else "off"
                ui.element("input").props(f'type="hidden" name="reminders" value="{wanted}"')
                with ui.element("button").props('type="submit"').classes("atelier-primary-button"):
                    Text(_("Turn reminders back on") if registration.reminders_off else _("Turn reminders off"),
                         "span")
            ui.link(_("Open my personal page"), PERSONAL_PAGE_PATH.format(token=token)).classes("atelier-link")
        return None

    @app.post(REMINDERS_OFF_PATH, include_in_schema=False)
    async def change_reminders(token: str, request: Request) -> Response:
        registration = await registration_for(token)
        if registration is None:
            return PlainTextResponse("This link does not work.", status_code=404)
        form = await request.form()
        await set_reminders(registration, wanted=form.get("reminders") == "on")
        if form.get("List-Unsubscribe") == "One-Click":  # a mail client, on the person's behalf
            return PlainTextResponse("Reminders are off.")
        return RedirectResponse(REMINDERS_OFF_PATH.format(token=token), status_code=303)
