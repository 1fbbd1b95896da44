"""Personal data is kept as long as the registration form says, then erased by the server itself.

The form tells people that their name, e-mail address and answers are deleted `Workshop.personal_data_kept_days`
after the workshop. Once that many days have passed since the end of a workshop's last session, its registrations
and the e-mails written to them are deleted. What people said on the stage stays; the feedback survey's answers
stay too, no longer tied to anyone; attendance counts of the live runs are the runs' own records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from domain.models import OutboxMessage, Registration, Workshop, WorkshopSession


async def erase_expired_personal_data(now: datetime) -> dict[int, int]:
    """Erase the registrations of every workshop whose time is up; how many were erased, per workshop id."""
    erased = {}
    workshop_ids = await Registration.all().distinct().values_list("workshop_id", flat=True)
    for workshop in await Workshop.filter(id__in=workshop_ids):
        last = await WorkshopSession.filter(workshop_id=workshop.id).order_by("-starts_at").first()
        if last is None:
            continue
        ended = last.starts_at + timedelta(minutes=workshop.duration_minutes)
        if now < ended + timedelta(days=workshop.personal_data_kept_days):
            continue
        async with in_transaction() as connection:
            await OutboxMessage.filter(workshop_id=workshop.id).using_db(connection).delete()
            erased[workshop.id] = await Registration.filter(workshop_id=workshop.id).using_db(connection).delete()
    return erased
