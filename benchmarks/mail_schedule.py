"""What the mail schedule costs: writing the reminders of a full session, and a run with nothing new (every minute).

`python benchmarks/mail_schedule.py [--people 1000]` makes a throw-away SQLite database with one session and that
many people with a place, sets a fake clock an hour before the start (the reminder and the practical information
due: two messages per person) and times, side by side in this run:

- the schedule as shipped: each message in its own small transaction (the database is never held long, so a live
  workshop's commands never wait behind a thousand e-mails);
- the same messages written in one transaction, for comparison;
- a run when everything is written already: what the server pays every minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from tortoise.transactions import in_transaction

from domain import database, mail_schedule, outbox, workshops
from domain.clock import FakeClock
from domain.mail_schedule import MailSchedule
from domain.models import OutboxMessage, Registration, RegistrationStatus

START = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)


async def people(count: int) -> None:
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    session = await workshops.add_session(workshop, date(2026, 12, 10), clock_time(18, 30))
    await Registration.bulk_create([
        Registration(public_id=f"person{number:05d}", workshop=workshop, session=session,
                     email=f"personne{number}@habitants.example", display_name=f"Personne {number}",
                     status=RegistrationStatus.CONFIRMED, token_hash=f"{number:064d}") for number in range(count)])


async def in_one_transaction(clock: FakeClock) -> int:
    due = await mail_schedule.due_now(clock.now())
    async with in_transaction() as connection:
        for each in due:
            registration = await Registration.get(id=each.registration_id).using_db(connection)
            await outbox.post(each.kind, to_address=registration.email, to_name=registration.display_name,
                              language=registration.language, clock=clock, facts=each.facts,
                              registration=registration, once_key=each.once_key, using=connection)
    return len(due)


async def timed(label: str, work: Awaitable[int]) -> float:
    started = time.perf_counter()
    written = await work
    seconds = time.perf_counter() - started
    print(f"{label:<52} {written:>6} messages {seconds * 1000:>9.1f} ms")
    return seconds


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="atelier-schedule-") as folder:
        await database.open_database(database.sqlite_url(Path(folder)))
        try:
            await people(count)
            clock = FakeClock(START - timedelta(hours=1))
            print(f"{count} people with a place, an hour before the start ({os.cpu_count()} cores, load "
                  f"{os.getloadavg()[0]:.2f})")
            shipped = await timed("schedule as shipped (one transaction per message)", MailSchedule(clock).run())
            idle = await timed("the next minute's run (everything written)", MailSchedule(clock).run())
            await OutboxMessage.all().delete()
            together = await timed("the same messages in one transaction", in_one_transaction(clock))
            print(f"one transaction per message / one for all: {shipped / together:.2f}; "
                  f"a run with nothing new / the writing run: {idle / shipped:.3f}")
        finally:
            await database.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    asyncio.run(main(parser.parse_args().people))
