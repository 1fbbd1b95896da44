#!/usr/bin/env python3
"""Crowd benchmark of the activities: a breakout full of people using a step's activity at once.

It drives `atelier demo` with live_fanout.py's server, browsers and pages (python-socketio clients speaking
NiceGUI's protocol, one asyncio loop, on the same cores as the server) and live_crowd.py's lobby and doors.

ideas   N people (300 by default) in rooms of 10 (30 rooms: the demo's breakout step is given an ideas board
        and rooms are added before any page loads the run). Everyone goes on stage, the moderator moves to the
        breakout step and opens the rooms; then every person posts 3 ideas within a minute (in a shuffled
        order, evenly spaced), typing the text and clicking "post" as a browser does. Measured: from each click
        to the idea's text reaching each page of its room (target p95 ≤ 500 ms, every page of the room), and
        every socket.io message that carries another room's idea to a page (target 0).

Usage:

    .venv/bin/python benchmarks/activities_crowd.py                 # 300 people, 30 rooms, 3 ideas each in 60 s
    .venv/bin/python benchmarks/activities_crowd.py --quick         # smoke run: 40 people, 4 rooms, in 20 s
    .venv/bin/python benchmarks/activities_crowd.py --check         # exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmarks, when imported from elsewhere

from live_crowd import CrowdBench, Meter, load_average, running, summary
from live_fanout import ROOT, STEP_TITLES, BenchmarkError, Page, Participant, log

from domain.i18n import translate

TARGET_IDEA_P95_MS = 500.0
BREAKOUT_STEP = 3  # the demo's breakout step, by position
ROOM_TEXT = "Room: {name}"  # the stage's heading in a breakout room (ui/live/stage/place.py)


def prepare_workshop(database_file: Path, rooms: int) -> None:
    """An ideas board at the demo's breakout step, and `rooms` breakout rooms without a capacity, people drawn
    into them at random."""
    with sqlite3.connect(database_file) as database:
        workshop_id, = database.execute("SELECT id FROM workshop WHERE slug = 'demo'").fetchone()
        database.execute("UPDATE step SET activity = ? WHERE workshop_id = ? AND kind = 'breakout'",
                         (json.dumps({"kind": "ideas", "max_length": 280}), workshop_id))
        existing = database.execute("SELECT COUNT(*) FROM room WHERE workshop_id = ? AND kind = 'breakout'",
                                    (workshop_id,)).fetchone()[0]
        position = database.execute("SELECT COUNT(*) FROM room WHERE workshop_id = ?", (workshop_id,)).fetchone()[0]
        for number in range(existing, rooms):
            database.execute("INSERT INTO room (workshop_id, kind, position, name, topic) VALUES (?, 'breakout', ?, "
                             "?, '')", (workshop_id, position, f"Salle {number + 1:02d}"))
            position += 1
        database.execute("UPDATE room SET capacity = NULL WHERE workshop_id = ?", (workshop_id,))
        # Drawn at random in balanced groups: no choice of 30 rooms on every stage page while the crowd enters.
        database.execute("UPDATE workshop SET room_assignment = 'random_balanced' WHERE id = ?", (workshop_id,))


class IdeasBench(CrowdBench):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__(options, options.people)
        self.room_of: dict[int, str] = {}  # participant index → the room's name their stage shows

    async def open(self) -> None:
        start = self.server.start

        async def start_and_prepare() -> None:  # before any page loads the run, which then reads the plan
            await start()
            prepare_workshop(self.server.data_dir / "atelier.sqlite3", self.options.rooms)

        self.server.start = start_and_prepare  # type: ignore[method-assign]
        await super().open()

    async def to_the_rooms(self) -> None:
        """Everyone on stage; start, move to the breakout step, open the rooms; each page shows its room's form."""
        await self.enter()
        for page in self.stage_pages():
            page.track = True  # from now on the stage pages keep their element tree: the ideas' form arrives
        await asyncio.sleep(self.options.pause)
        self.results["start"] = (await self.measure_step("start → step 1", STEP_TITLES[0], "play_arrow")).summary()
        for number in range(1, BREAKOUT_STEP + 1):
            await asyncio.sleep(self.options.pause)
            await self.measure_step(f"next → step {number + 1}", STEP_TITLES[number], "skip_next")
        await asyncio.sleep(self.options.pause)
        await self.moderator_click("meeting_room", "open the rooms")
        headings = {translate(ROOM_TEXT, language) for language in ("fr", "en")}
        prefixes = tuple(text.split("{")[0] for text in headings)

        def ready(person: Participant) -> bool:
            page = person.page
            if page is None or page.button("send") is None or textarea(page) is None:
                return False
            if person.index not in self.room_of:
                for element in page.elements.values():
                    text = element.get("text") or ""
                    if text.startswith(prefixes):
                        self.room_of[person.index] = text
            return person.index in self.room_of

        await self.wait_until(lambda: all(ready(p) for p in self.participants), 120,
                              "every stage page to show its room and the ideas' form")
        sizes = Counter(self.room_of.values())
        log(f"rooms open: {len(sizes)} rooms of {min(sizes.values())} to {max(sizes.values())} people")
        self.results["room_sizes"] = sorted(sizes.values())

    async def ideas(self) -> dict[str, Any]:
        people = [p for p in self.participants if p.page is not None]
        posts = [(person, number) for person in people for number in range(self.options.ideas)]
        random.Random("ideas").shuffle(posts)  # the same order in every run
        texts = {f"Idée {number + 1} de {person.name} ({person.index:03d}-{number})": person
                 for person, number in posts}
        text_of = {(person.index, number): f"Idée {number + 1} de {person.name} ({person.index:03d}-{number})"
                   for person, number in posts}
        marker = {text[text.rindex("("):]: text for text in texts}  # the unique tail of each text
        members: dict[str, list[Participant]] = {}
        for person in people:
            members.setdefault(self.room_of[person.index], []).append(person)
        clicked: dict[str, float] = {}
        seen: dict[tuple[str, int], float] = {}  # (idea, page's participant) → when the page got it
        leaks: Counter[int] = Counter()  # participant → messages carrying another room's idea
        messages: Counter[int] = Counter()
        by_page = {id(p.page): p for p in people}

        def on_page(page: Page, event: str, data: Any, now: float) -> None:
            person = by_page[id(page)]
            messages[person.index] += 1
            if event != "update":
                return
            leaked = False
            for element in data.values():
                text = (element or {}).get("text") or ""
                if not text.startswith("Idée ") or "(" not in text:
                    continue
                full = marker.get(text[text.rindex("("):])
                if full is None:
                    continue
                if self.room_of[texts[full].index] != self.room_of[person.index]:
                    leaked = True
                elif (full, person.index) not in seen:
                    seen[(full, person.index)] = now
            if leaked:
                leaks[person.index] += 1

        for person in people:
            assert person.page is not None
            person.page.on_message = on_page
        interval = self.options.spread / max(1, len(posts) - 1)
        log(f"ideas: {len(people)} people post {len(posts)} ideas within {self.options.spread:.0f} s")
        async with self.stalls() as stalls:
            meter = Meter(self)
            begin = time.perf_counter() + 0.05
            for order, (person, number) in enumerate(posts):
                page = person.page
                assert page is not None
                delay = begin + order * interval - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                if not page.sio.connected:
                    continue
                field, button = textarea(page), page.button("send")
                assert field is not None and button is not None
                await page.type_text(field, text_of[(person.index, number)])
                clicked[text_of[(person.index, number)]] = time.perf_counter()
                await page.click(button)
            expected = {(text, member.index) for text in clicked
                        for member in members[self.room_of[texts[text].index]]}
            try:
                await self.wait_until(lambda: expected <= seen.keys(), self.options.timeout,
                                      "every idea on every page of its room")
            except BenchmarkError as problem:
                log(f"{problem}: {len(expected & seen.keys())} of {len(expected)}")
            cpu = meter.read()
        await asyncio.sleep(self.options.after)  # late messages still count as leaks
        for person in people:
            assert person.page is not None
            person.page.on_message = None
        latencies = [(seen[key] - clicked[key[0]]) * 1000 for key in expected if key in seen]
        lost = sum(1 for p in people if p.page is not None and not p.page.sio.connected)
        return {
            "people": len(people), "rooms": len(members), "ideas": len(clicked), "spread_s": self.options.spread,
            "expected_deliveries": len(expected), "delivered": len(latencies), "latency_ms": summary(latencies),
            "leaking_messages": sum(leaks.values()), "pages_with_leaks": len(leaks),
            "messages_per_page": summary([float(messages[p.index]) for p in people]),
            "lost_pages": lost, "stalls_ms": stalls, **cpu,
            "server_cpu_per_idea_ms": cpu["server_cpu_s"] / max(1, len(clicked)) * 1000,
        }


def textarea(page: Page) -> str | None:
    found = [i for i, element in page.elements.items() if element.get("props", {}).get("type") == "textarea"]
    return found[0] if found else None


async def ideas_scenario(options: argparse.Namespace) -> dict[str, Any]:
    bench = IdeasBench(options)
    async with running(bench, options):
        await bench.open()
        await bench.to_the_rooms()
        return {**await bench.ideas(), "room_sizes": bench.results["room_sizes"]}


def report(result: dict[str, Any]) -> list[str]:
    missed: list[str] = []
    latency = result["latency_ms"]
    print(f"\nIdeas: {result['people']} people in {result['rooms']} rooms (sizes {min(result['room_sizes'])} to "
          f"{max(result['room_sizes'])}), {result['ideas']} ideas posted within {result['spread_s']:.0f} s")
    ok = (latency["p95"] is not None and latency["p95"] <= TARGET_IDEA_P95_MS
          and result["delivered"] == result["expected_deliveries"])
    print(f"  post → the idea on each page of its room: p50 {fmt(latency['p50'])}, p95 {fmt(latency['p95'])}, "
          f"max {fmt(latency['max'])} ms ({result['delivered']}/{result['expected_deliveries']} deliveries), "
          f"target p95 ≤ {TARGET_IDEA_P95_MS:.0f}{'  ok' if ok else '  MISSED'}")
    if not ok:
        missed.append(f"ideas: p95 {fmt(latency['p95'])} ms, {result['delivered']}/{result['expected_deliveries']}")
    leaks_ok = result["leaking_messages"] == 0
    print(f"  messages carrying another room's idea: {result['leaking_messages']} on {result['pages_with_leaks']} "
          f"pages, target 0{'  ok' if leaks_ok else '  MISSED'}")
    if not leaks_ok:
        missed.append(f"ideas: {result['leaking_messages']} messages reached other rooms")
    per_page = result["messages_per_page"]
    print(f"  socket.io messages per stage page meanwhile: median {fmt(per_page['p50'])}, max {fmt(per_page['max'])}")
    print(f"  server CPU {result['server_cpu_s']:.2f} s in {result['wall_s']:.1f} s "
          f"({result['server_cpu_per_idea_ms']:.1f} ms per idea), load generator {result['client_cpu_s']:.2f} s; "
          f"slowest /healthz answer {result['stalls_ms']['max']:.0f} ms; pages that lost their socket: "
          f"{result['lost_pages']}")
    if result["lost_pages"]:
        missed.append(f"ideas: {result['lost_pages']} pages lost their socket")
    return missed


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", nargs="+", choices=("ideas",), default=["ideas"])
    parser.add_argument("--people", type=int, default=None, help="participants (default 300, 40 quick)")
    parser.add_argument("--rooms", type=int, default=None, help="breakout rooms (default people / 10)")
    parser.add_argument("--ideas", type=int, default=3, help="ideas each person posts (default 3)")
    parser.add_argument("--spread", type=float, default=None, help="seconds over which they post (default 60)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the last deliveries")
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 people in 4 rooms, 20 s")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--concurrency", type=int, default=8, help="people joining the lobby at once (default 8)")
    parser.add_argument("--page-loads", type=int, default=16, help="stage pages loading at once (default 16)")
    parser.add_argument("--quiet-limit", type=float, default=60.0, help="after entry, wait at most this long")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between the moderator's clicks")
    parser.add_argument("--after", type=float, default=5.0, help="seconds watched after the last delivery")
    parser.add_argument("--server-root", type=Path, default=ROOT, help="run the server from this checkout")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="record the server with py-spy")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory and server log")
    options = parser.parse_args(argv)
    options.people = options.people or (40 if options.quick else 300)
    options.rooms = options.rooms or max(2, options.people // 10)
    options.spread = options.spread or (20.0 if options.quick else 60.0)
    options.no_compression = False  # what live_fanout's pages read: sockets offer compression as browsers do

    print(f"Activities crowd — {os.cpu_count()} CPU cores shared by the server and the load generator; "
          f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}; load average before: {load_average()}")
    raw: dict[str, Any] = {"load_before": load_average()}
    missed: list[str] = []
    try:
        raw["ideas"] = asyncio.run(ideas_scenario(options))
        missed += report(raw["ideas"])
    except BenchmarkError as problem:
        print(f"benchmark failed: {problem}", file=sys.stderr)
        return 2
    raw["load_after"] = load_average()
    print(f"\nload average before {raw['load_before']}, after {raw['load_after']}")
    print("targets missed:\n  " + "\n  ".join(missed) if missed else "all targets met")
    if options.json:
        options.json.write_text(json.dumps(raw, indent=2, default=str))
    return 1 if options.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
