"""A session's record and its exports with 300 participants: how long the report page and the downloads take.

    .venv/bin/python benchmarks/record_build.py [--people 300] [--rounds 10]

Makes a throw-away SQLite database (migrated as `atelier serve` does) and runs a session on a fake clock: `--people`
participants join and arrive, 60 of them are given the floor in turn, the breakout rooms open, a third of the
people leave during them, the session ends. Then times, `--rounds` times each, reading and building the record
(`loading.session_record`: the stored events decoded and replayed by every part), the XLSX workbook, the JSON of
the whole record and the attendance table's CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from domain import database, workshops
from domain.clock import FakeClock
from domain.live.registry import LiveRegistry
from domain.models import LiveRun, RunEvent
from domain.record import exports
from domain.record.loading import session_record


async def held_session(people: int, clock: FakeClock) -> LiveRun:
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    for template in ("welcome", "breakout_discussion", "conclusion"):
        await workshops.add_step(workshop, template=template)
    for _ in range(max(2, people // 8)):
        await workshops.add_breakout_room(workshop)
    session = await workshops.add_session(workshop, date(2026, 12, 10), clock_time(18, 30))
    registry = LiveRegistry(clock, joins_per_address=())
    live = await registry.session((await registry.run_of(session)).id)
    ids = []
    for number in range(people):
        person, _token = await live.join(f"Personne {number}", arrival_answer="Je viens pour la place.")
        await live.page_connected(person.id, f"page-{number}")
        ids.append(person.id)
    await live.open_doors()
    await live.start()
    for participant_id in ids[:60]:
        clock.advance(seconds=30)
        await live.give_floor(participant_id)
    await live.take_floor_back()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    for number in range(0, people, 3):
        clock.advance(seconds=5)
        await live.page_closed(ids[number], f"page-{number}")
    clock.advance(minutes=20)
    await live.close_rooms()
    await live.next_step(live.state.step_id)
    clock.advance(minutes=10)
    await live.end()
    await registry.close()
    return live.run


def timed(rounds: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


async def main(people: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await database.open_database(database.sqlite_url(Path(folder)))
        try:
            clock = FakeClock(datetime(2026, 12, 10, 17, 30, tzinfo=UTC))
            run = await held_session(people, clock)
            built = []
            for _ in range(rounds):
                start = time.perf_counter()
                record = await session_record(run, clock, language="fr", with_personal=True)
                built.append((time.perf_counter() - start) * 1000)
            events = await RunEvent.filter(run_id=run.id).count()
            rows = sum(len(table.rows) for table in record.tables)
            results = {
                "read and build the record": built,
                "XLSX workbook": timed(rounds, lambda: exports.workbook(record)),
                "JSON of the whole record": timed(rounds, lambda: exports.json_file(exports.record_json(record))),
                "attendance table as CSV": timed(rounds, lambda: exports.table_csv(record, record.table("attendance"))),
            }
            print(f"{people} participants, {events} stored events, {rows} rows in {len(record.tables)} tables, "
                  f"XLSX {len(exports.workbook(record)) // 1024} kB")
            print(f"| measure ({rounds} rounds) | median | worst |\n|---|---|---|")
            for name, times in results.items():
                print(f"| {name} | {statistics.median(times):.1f} ms | {max(times):.1f} ms |")
        finally:
            await database.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    asyncio.run(main(options.people, options.rounds))
