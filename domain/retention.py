"""Personal data is kept as long as the registration form says, then erased by the server itself.

The form tells people that their name, e-mail address and answers are deleted `Workshop.personal_data_kept_days`
after the workshop. Once that many days have passed since the end of a workshop's last session, its registrations
and the e-mails written to them are deleted, and the personal data of everyone who took part in its live runs
(name, e-mail, answer to the welcome question, browser hash) is blanked. What people did and said stays,
anonymised: the runs' histories name them by id, and read back they show a stand-in (`#12`) instead of a name;
the feedback survey's answers stay too, no longer tied to anyone. A participant's data can also be erased on
request before then (`erase_participant`), even during a session that is running.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from tortoise.transactions import in_transaction

from domain.errors import NotFound
from domain.i18n import N_
from domain.live.erasure import ERASED_NAME, blank_rows
from domain.live.registry import UNDER_WAY, LiveRegistry
from domain.models import LiveRun, OutboxMessage, Participant, Registration, Workshop, WorkshopSession


async def _time_is_up(workshop: Workshop, now: datetime) -> bool:
    last = await WorkshopSession.filter(workshop_id=workshop.id).order_by("-starts_at").first()
    if last is None:
        return False
    ended = last.starts_at + timedelta(minutes=workshop.duration_minutes)
    return now >= ended + timedelta(days=workshop.personal_data_kept_days)


async def erase_expired_personal_data(now: datetime) -> dict[int, int]:
    """Erase the registrations of every workshop whose time is up; how many were erased, per workshop id."""
    erased = {}
    workshop_ids = await Registration.all().distinct().values_list("workshop_id", flat=True)
    for workshop in await Workshop.filter(id__in=workshop_ids):
        if not await _time_is_up(workshop, now):
            continue
        async with in_transaction() as connection:
            await OutboxMessage.filter(workshop_id=workshop.id).using_db(connection).delete()
            erased[workshop.id] = await Registration.filter(workshop_id=workshop.id).using_db(connection).delete()
    return erased


async def erase_expired_participants(now: datetime, live: LiveRegistry | None = None) -> dict[int, int]:
    """Blank the personal data of the live runs' participants of every workshop whose time is up; how many
    participants were erased, per workshop id. A run held in memory (`live`) shows the stand-ins at once."""
    erased: dict[int, int] = {}
    workshop_ids = await Participant.exclude(display_name=ERASED_NAME).distinct().values_list(
        "run__session__workshop_id", flat=True)
    for workshop in await Workshop.filter(id__in=workshop_ids):
        if not await _time_is_up(workshop, now):
            continue
        rows = await Participant.filter(run__session__workshop_id=workshop.id).exclude(
            display_name=ERASED_NAME).values_list("id", "run_id")
        count = 0
        for run_id in {int(run_id) for _id, run_id in rows}:
            ids = [int(participant_id) for participant_id, run in rows if run == run_id]
            running = live.in_memory(run_id) if live is not None else None
            if running is None:
                count += await blank_rows(ids)
            else:
                for participant_id in ids:
                    await running.erase_personal_data(participant_id)
                count += len(ids)
        erased[workshop.id] = count
    return erased


async def erase_participant(participant_id: int, live: LiveRegistry) -> None:
    """Erase one participant's personal data on their request; their run, if it is running, shows it at once."""
    run_id = cast(list[int], await Participant.filter(id=participant_id).values_list("run_id", flat=True))
    if not run_id:
        raise NotFound(N_("This participant is not in the record."))
    running = live.in_memory(run_id[0])
    if running is None and await LiveRun.filter(id=run_id[0], phase__in=UNDER_WAY).exists():
        running = await live.session(run_id[0])
    if running is not None:
        await running.erase_personal_data(participant_id)
    else:
        await blank_rows([participant_id])
