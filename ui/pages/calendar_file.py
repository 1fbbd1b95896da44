"""`/r/{token}/calendar.ics`: the personal page's "add to my calendar", the same event the e-mails carry.

It is the calendar invitation of a REGISTERED message composed on the spot (never stored nor sent): same UID,
the registration's current SEQUENCE, the session's time in the workshop's zone, the alarm, the personal link.
"""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import PlainTextResponse
from nicegui import app

from domain.i18n import N_, translate
from domain.models import MessageKind, OutboxMessage, RegistrationStatus
from domain.personal_links import registration_for
from mail.calendar import to_ics
from mail.composing import NotComposable
from ui.pages.personal import CALENDAR_PATH
from ui.services import Services

WITH_A_SESSION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def register(services: Services) -> None:
    @app.get(CALENDAR_PATH, include_in_schema=False)
    async def calendar_file(token: str) -> Response:
        registration = await registration_for(token)
        if registration is None or registration.session_id is None or registration.status not in WITH_A_SESSION:
            language = registration.language if registration else "fr"
            return PlainTextResponse(translate(N_("There is no session in your calendar for this link."), language),
                                     status_code=404)
        about = OutboxMessage(kind=MessageKind.REGISTERED, key="calendar-download", to_address=registration.email,
                              to_name=registration.display_name, language=registration.language,
                              facts={"session_id": registration.session_id,
                                     "sequence": registration.calendar_sequence},
                              workshop_id=registration.workshop_id, registration_id=registration.id)
        try:
            event = (await services.mail.composer.compose(about)).calendar
        except NotComposable:
            event = None
        if event is None:
            return PlainTextResponse(translate(N_("There is no session in your calendar for this link."),
                                               registration.language), status_code=404)
        return Response(to_ics(event, services.clock.now()), media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="atelier.ics"'})
