"""Calendar invitations (.ics, RFC 5545 and iTIP's RFC 5546), made with the icalendar library.

One event per registration, whose UID never changes (`registration-<public_id>@<host>`): a calendar that received
it once updates it when a later message carries a higher SEQUENCE (a new date, another session), and removes it
on METHOD:CANCEL. The start is given in the workshop's own zone (DTSTART;TZID=…, with its VTIMEZONE), so that the
calendar shows the right local time wherever it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from enum import StrEnum
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress
from icalendar.enums import STATUS

PRODUCT_ID = "-//Atelier//Atelier civic workshops//EN"
ALARM_BEFORE = timedelta(minutes=30)


class Method(StrEnum):
    REQUEST = "REQUEST"  # a new or changed event
    CANCEL = "CANCEL"  # the event is off


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar invitation says: enough to make the .ics and to summarise it on the outbox page."""

    method: Method
    uid: str
    sequence: int
    summary: str
    description: str
    starts_at: datetime  # an aware instant; shown in `zone`
    minutes: int
    zone: str  # IANA name: Europe/Paris
    url: str  # the personal page
    organizer: Address
    attendee: Address
    alarm_text: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def file_name(self) -> str:
        return "cancel.ics" if self.method == Method.CANCEL else "invite.ics"


def registration_uid(public_id: str, host: str) -> str:
    return f"registration-{public_id}@{host}"


def to_ics(event: CalendarEvent, stamp: datetime) -> bytes:
    """The .ics file: one VCALENDAR with the zone's VTIMEZONE and one VEVENT (with a VALARM unless cancelled)."""
    zone = ZoneInfo(event.zone)
    cancelled = event.method == Method.CANCEL
    vevent = Event.new(
        uid=event.uid,
        sequence=event.sequence,
        stamp=stamp,
        start=event.starts_at.astimezone(zone),
        end=event.ends_at.astimezone(zone),
        summary=event.summary,
        description=event.description,
        url=event.url,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        organizer=vCalAddress.new(event.organizer.addr_spec, cn=event.organizer.display_name or None),
        attendees=[vCalAddress.new(event.attendee.addr_spec, cn=event.attendee.display_name or None,
                                   role="REQ-PARTICIPANT",
                                   partstat="DECLINED" if cancelled else "ACCEPTED", rsvp=False)],
    )
    if not cancelled:
        vevent.add_component(Alarm.new_display(event.alarm_text, trigger=-ALARM_BEFORE))
    calendar = Calendar.new(prodid=PRODUCT_ID, method=event.method.value, subcomponents=[vevent])
    calendar.add_missing_timezones(first_date=event.starts_at.date() - timedelta(days=366),
                                   last_date=event.ends_at.date() + timedelta(days=366))
    ics: bytes = calendar.to_ical()
    return ics
