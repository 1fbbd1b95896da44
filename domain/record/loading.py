"""A session's record read from the database: its real run's stored events and participants' rows."""

from __future__ import annotations

from domain import workshops
from domain.clock import Clock
from domain.live.events import replay
from domain.live.registry import read_history
from domain.models import LiveRun, Participant, WorkshopSession
from domain.record.model import ParticipantRow, RecordSource, SessionRecord, build


async def real_run(session_id: int) -> LiveRun | None:
    """The session's real run (rehearsals count for nothing), if it ever had one."""
    return await LiveRun.get_or_none(real_session_id=session_id)


async def source_of(run: LiveRun, clock: Clock, *, language: str, with_personal: bool) -> RecordSource:
    session = await WorkshopSession.get(id=run.session_id)
    plan = await workshops.load_plan_by_id(session.workshop_id)
    rows = await Participant.filter(run_id=run.id).order_by("id").values(
        "id", "display_name", "email", "arrival_answer", "registration_id")
    participants = {int(row["id"]): ParticipantRow(id=int(row["id"]), display_name=str(row["display_name"]),
                                                   email=row["email"], arrival_answer=str(row["arrival_answer"]),
                                                   registration_id=row["registration_id"]) for row in rows}
    events = await read_history(run.id, plan.steps, {pid: {"display_name": row.display_name,
                                                           "arrival_answer": row.arrival_answer}
                                                     for pid, row in participants.items()})
    return RecordSource(run=run, session=session, plan=plan, events=events, state=replay(events),
                        participants=participants, with_personal=with_personal, now=clock.now(), language=language)


async def session_record(run: LiveRun, clock: Clock, *, language: str, with_personal: bool) -> SessionRecord:
    return await build(await source_of(run, clock, language=language, with_personal=with_personal))
