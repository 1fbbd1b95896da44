"""The registration tracking page's queries with 1,000 registrations, against counting one person at a time.

    .venv/bin/python benchmarks/registration_tracking.py [--people 1000] [--rounds 20]

Makes a throw-away SQLite database (migrated as `atelier serve` does) holding one workshop with three sessions and
`--people` registrations in every status, 150 of them having come in to the first session. Then times, `--rounds`
times each, what the page asks of the database: the counts per session (`tracking.tracking`), the first page of the
people list (100 people, with who came), and the whole list for the CSV file, written. Beside them, in the same run,
the same counts made the obvious way: a count per session and status, then one attendance query per person.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from domain import database, tracking, workshops
from domain.models import LiveRun, Participant, Registration, RegistrationStatus, RunPhase, WorkshopSession
from domain.planning import WorkshopPlan

STATUSES = [RegistrationStatus.CONFIRMED] * 6 + [RegistrationStatus.WAITING, RegistrationStatus.CANCELLED,
                                                 RegistrationStatus.UNCONFIRMED, RegistrationStatus.INVITED]


async def fill(people: int) -> WorkshopPlan:
    workshop = await workshops.create_workshop(title="Mesure des inscriptions", created_by=None)
    sessions = [await workshops.add_session(workshop, date(2026, 12, day), clock_time(18, 30)) for day in (3, 10, 17)]
    for session in sessions:
        await WorkshopSession.filter(id=session.id).update(capacity=people // 4)
    now = datetime.now(UTC)
    rows = []
    for number in range(people):
        status = STATUSES[number % len(STATUSES)]
        session_id = None if status == RegistrationStatus.INVITED else sessions[number % 3].id
        rows.append(Registration(
            public_id=secrets.token_hex(16), workshop_id=workshop.id, session_id=session_id,
            email=f"personne{number}@habitants.example", display_name=f"Personne {number:04d}", language="fr",
            status=status, token_hash=secrets.token_hex(32), answers={"q1000001": "Oui, plutôt pour"},
            registered_at=now, waiting_since=now + timedelta(seconds=number) if status == RegistrationStatus.WAITING
            else None))
    await Registration.bulk_create(rows, batch_size=500)
    run = await LiveRun.create(session_id=sessions[0].id, real_session_id=sessions[0].id,
                               join_code=secrets.token_urlsafe(16), phase=RunPhase.ENDED)
    came = await Registration.filter(session_id=sessions[0].id, status=RegistrationStatus.CONFIRMED).limit(150)
    await Participant.bulk_create([Participant(run_id=run.id, display_name=registration.display_name,
                                               token_hash=secrets.token_hex(32), registration_id=registration.id)
                                   for registration in came])
    return await workshops.load_plan_by_id(workshop.id)


async def one_person_at_a_time(plan: WorkshopPlan) -> dict[Any, int]:
    """The counts as a first version would make them: a query per session and status, then one per person."""
    counts: dict[Any, int] = {}
    for session in plan.sessions:
        for status in RegistrationStatus:
            counts[session.id, status] = await Registration.filter(session_id=session.id, status=status).count()
        for registration in await Registration.filter(session_id=session.id, status=RegistrationStatus.CONFIRMED):
            if await Participant.exists(registration_id=registration.id, run__rehearsal=False):
                counts[session.id, "came"] = counts.get((session.id, "came"), 0) + 1
    return counts


async def timed(rounds: int, action: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Median and worst time of `rounds` runs, in milliseconds."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


async def main(people: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="atelier-tracking-") as folder:
        await database.open_database(database.sqlite_url(Path(folder)))
        try:
            plan = await fill(people)
            now = datetime.now(UTC) + timedelta(days=60)  # every session over: absent is counted too
            seen = await tracking.tracking(plan, now)
            first = seen.sessions[0]
            print(f"{people} registrations; first session: {first.confirmed} with a place, {first.attended} came, "
                  f"{first.absent} absent")

            async def whole_csv() -> bytes:
                rows, _total = await tracking.people(plan.workshop.id)
                return tracking.csv_file(["name", "email", "status"], ([row.registration.display_name,
                                                                      row.registration.email,
                                                                      row.registration.status.value]
                                                                     for row in rows))

            measures = [
                ("counts per session (tracking.tracking)", lambda: tracking.tracking(plan, now)),
                ("first page of the people list (100)", lambda: tracking.people(plan.workshop.id, limit=100)),
                ("whole list as a CSV file", whole_csv),
            ]
            results = [(name, *await timed(rounds, action)) for name, action in measures]
            page = results[0][1] + results[1][1]
            naive = await timed(max(rounds // 4, 1), lambda: one_person_at_a_time(plan))
            title = f"measure ({rounds} rounds)"
            print(f"\n| {title:<47} | median    | worst     |")
            print(f"|{'-' * 49}|-----------|-----------|")
            for name, median, worst in results:
                print(f"| {name:<47} | {median:6.1f} ms | {worst:6.1f} ms |")
            print(f"| {'the page: counts + first page':<47} | {page:6.1f} ms |           |")
            print("\n| counts and attendance                | aggregate | one person at a time | ratio |")
            print("|--------------------------------------|-----------|----------------------|-------|")
            print(f"| median (ms)                          | {results[0][1]:9.1f} | {naive[0]:20.1f} | "
                  f"{naive[0] / results[0][1]:5.0f} |")
        finally:
            await database.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.rounds))
