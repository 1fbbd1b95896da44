#!/usr/bin/env python3
"""Crowd benchmark of the live engine: the doors opening on a full lobby, and a burst of raised hands.

It drives `atelier demo` with live_fanout.py's server, browsers and pages (python-socketio clients speaking
NiceGUI's protocol, one asyncio loop, on the same cores as the server) and measures two scenarios:

entry   N people wait in the lobby (N = 100, 200 and 300 by default, each on its own server, the order of
        the sizes rotated from one round to the next). The moderator clicks "Ouvrir les portes"; from that
        click until every one of the N lobby pages has been told to move, has loaded /w/demo/live (the stage,
        with its hand button), connected that page's socket and received its first content over it (the
        answer to the countdown's clock sync, the one message a stage page waits for once connected), the
        server's CPU time is read (schedstat of all its threads, in ns). Per person it must grow linearly:
        at the largest N within 1.3x of the smallest's. "Until quiet" adds what the server still does
        afterwards (the lobby pages' goodbyes) until it uses under 5 % of a core.
burst   300 people on stage, a step running. Everyone raises a hand within 5 s, in a shuffled order, evenly
        spaced. Measured: from each click to the moderator board's list of raised hands naming the person,
        and from the last click to that list naming all 300 (target: 1 s); every socket.io message each stage
        page receives meanwhile, sorted into the answer to its own click (an update of its own hand button
        after the click) and anything else (target: nothing else, on every page; engine.io's keepalive
        pings are not socket.io messages). Then the moderator lowers every hand and a second burst runs with
        "next step" clicked halfway through it: the step must reach every page within 250 ms (p95), and the
        pages receive nothing but their own answer and the step. A "next step" without a burst, just before,
        is the reference.

Usage:

    .venv/bin/python benchmarks/live_crowd.py                          # both, sizes 100 200 300, 3 rounds
    .venv/bin/python benchmarks/live_crowd.py --scenarios entry        # only the doors
    .venv/bin/python benchmarks/live_crowd.py --scenarios burst        # only the hands
    .venv/bin/python benchmarks/live_crowd.py --quick                  # smoke run: 20 and 40 people, 1 round
    .venv/bin/python benchmarks/live_crowd.py --check                  # exit 1 when a target is missed
    .venv/bin/python benchmarks/live_crowd.py --server-root /tmp/head  # a `git archive` of another commit
    .venv/bin/python benchmarks/live_crowd.py --py-spy /tmp/spy        # and record the server (costs CPU)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmarks, when imported from elsewhere

from live_fanout import (
    APP_MESSAGE_TYPES,
    ROOT,
    STEP_TITLES,
    TARGET_STEP_P95_MS,
    Bench,
    BenchmarkError,
    Browser,
    Page,
    Participant,
    log,
    machine_busy_seconds,
    percentile,
)
from media_workshop import cpu_seconds as threads_cpu_seconds

from domain.demo import DEMO_SLUG
from domain.i18n import translate

TARGET_ENTRY_RATIO = 1.3  # CPU per person at the largest N against the smallest
TARGET_BOARD_MS = 1000.0  # last raised hand → the board lists everyone
LOWER_ALL = "Lower all hands"  # the board's button under the raised hands (ui/live/board/floor.py)


def summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50": percentile(ordered, 50), "p95": percentile(ordered, 95),
            "max": ordered[-1] if ordered else None}


@dataclass
class Meter:
    """CPU of the server (schedstat, ns), of this load generator and of the rest of the machine, and wall time."""

    bench: CrowdBench
    wall: float = field(init=False)
    server: float = field(init=False)
    client: float = field(init=False)
    machine: float = field(init=False)

    def __post_init__(self) -> None:
        self.wall, self.server = time.perf_counter(), self.bench.server_cpu()
        self.client, self.machine = time.process_time(), machine_busy_seconds()

    def read(self) -> dict[str, float]:
        server = self.bench.server_cpu() - self.server
        client = time.process_time() - self.client
        return {"wall_s": time.perf_counter() - self.wall, "server_cpu_s": server, "client_cpu_s": client,
                "other_cpu_s": max(0.0, machine_busy_seconds() - self.machine - server - client)}


class CrowdBench(Bench):
    """One server, its moderator board and `count` participants in the lobby, then the scenarios on them."""

    def __init__(self, options: argparse.Namespace, count: int) -> None:
        super().__init__(options)
        self.count = count

    # ---------------------------------------------------------- helpers

    def server_cpu(self) -> float:
        assert self.server.process is not None
        return threads_cpu_seconds(self.server.process.pid)

    async def server_settles(self, most: float, share: float = 0.05) -> float:
        """Wait until the server uses less than `share` of a core over half a second; the seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < most:
            before = self.server_cpu()
            await asyncio.sleep(0.5)
            if self.server_cpu() - before < share * 0.5:
                break
        return time.perf_counter() - started

    @contextlib.contextmanager
    def spy(self, name: str) -> Iterator[None]:
        """Record the server with py-spy meanwhile (--py-spy DIR): raw stacks for flame graphs or counting."""
        folder = self.options.py_spy
        if folder is None or self.server.process is None:
            yield
            return
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"{name}-{time.strftime('%H%M%S')}.txt"
        binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        recorder = subprocess.Popen([binary, "record", "--pid", str(self.server.process.pid), "--rate", "100",
                                     "--nonblocking", "--format", "raw", "--output", str(output)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            yield
        finally:
            recorder.send_signal(signal.SIGINT)
            try:
                recorder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                recorder.kill()
            log(f"py-spy: {output}")

    def board_button(self, text: str) -> str | None:
        board = self.moderator
        assert board is not None
        labels = {translate(text, language) for language in ("fr", "en")}
        return next((i for i in board.find("q-btn") if board.elements[i].get("props", {}).get("label") in labels), None)

    # ---------------------------------------------------------- the lobby

    async def open(self) -> None:
        """Start the server, open the board and let `count` people join the lobby."""
        self.connector = aiohttp.TCPConnector(limit=0, force_close=True)  # see Bench.run
        log(f"starting the server on port {self.server.port} from {self.server.root}")
        await self.server.start()
        self._ack_task = asyncio.create_task(self.ack_loop())
        self.moderator = await self.sign_in_moderator()
        self.participants = [Participant(i, f"Participant {i + 1:03d}", Browser(self)) for i in range(self.count)]
        limit = asyncio.Semaphore(self.options.concurrency)
        joined: list[float] = []

        async def join_one(participant: Participant) -> None:
            async with limit:
                await self.join(participant, joined)

        started = time.perf_counter()
        await asyncio.gather(*(join_one(p) for p in self.participants))
        log(f"{self.count} in the lobby ({time.perf_counter() - started:.1f} s)")

    # ---------------------------------------------------------- entry

    async def enter(self) -> dict[str, Any]:
        """Open the doors; the server's CPU until every stage page is loaded, connected and answered."""
        waited = await self.server_settles(20)
        limit = asyncio.Semaphore(self.options.page_loads)
        timings: list[dict[str, float]] = []
        messages: Counter[str] = Counter()
        log(f"doors open on {self.count} (server quiet after {waited:.1f} s)")
        async with self.stalls() as stalls:
            with self.spy(f"entry-{self.count}"):
                meter = Meter(self)
                sent = await self.moderator_click("door_front", "open the doors")
                await asyncio.gather(*(self.enter_stage(p, limit, sent, timings, messages) for p in self.participants))
                entry = meter.read()
        rss = self.server.rss_bytes()
        async with self.stalls() as stalls_after:
            with self.spy(f"after-entry-{self.count}"):
                settling = await self.server_settles(self.options.quiet_limit)
        after = meter.read()
        connected = sum(1 for p in self.participants if p.page is not None and p.page.sio.connected)
        return {
            "people": self.count, **entry, "connected_after": connected, "stalls_ms": stalls,
            "stalls_after_ms": stalls_after,
            "stage_reloads": sum(self.results.get("stage_reloads", {}).values()),
            "lost_sockets": sum(self.results.get("lost_sockets", {}).values()),
            "cpu_per_person_ms": entry["server_cpu_s"] / self.count * 1000,
            "until_quiet_s": after["wall_s"], "until_quiet_cpu_s": after["server_cpu_s"],
            "until_quiet_per_person_ms": after["server_cpu_s"] / self.count * 1000,
            "settled_within_limit": settling < self.options.quiet_limit,
            "told_ms": summary([t["told"] for t in timings]), "loaded_ms": summary([t["loaded"] for t in timings]),
            "ready_ms": summary([t["ready"] for t in timings]),
            "messages_per_page": {kind: number / self.count for kind, number in messages.items()},
            "rss_mib": rss / 2**20, "page_errors": dict(self.results.get("page_errors", {})),
        }

    async def enter_stage(self, participant: Participant, limit: asyncio.Semaphore, sent: float,
                          timings: list[dict[str, float]], messages: Counter[str]) -> None:
        """What a browser does once its lobby is told to move: load the stage, connect, sync its countdown.

        A socket that cannot connect, or a page left unanswered for 20 s, is loaded again (as NiceGUI's page
        does after a failed reconnection), at most three times; each time is counted.
        """
        lobby = participant.lobby
        assert lobby is not None
        path, told = await asyncio.wait_for(asyncio.shield(lobby.navigation), 60)
        await lobby.disconnect()
        participant.lobby = None
        for _attempt in range(3):
            async with limit:
                page = await self.load_like_a_person(participant.browser, path, "stage")
            loaded = time.perf_counter()
            if page.path != f"/w/{DEMO_SLUG}/live":
                raise BenchmarkError(f"{participant.name} was sent to {page.path} instead of the stage")
            ready = await self.stage_ready(participant, page, messages)
            if ready is not None:
                break
            self.results.setdefault("stage_reloads", Counter())["no socket or no answer"] += 1
            await page.disconnect()
            await asyncio.sleep(1)
        else:
            raise BenchmarkError(f"{participant.name}'s stage page did not connect or was not answered, 3 times")
        participant.page = page
        timings.append({"told": (told - sent) * 1000, "loaded": (loaded - sent) * 1000, "ready": (ready - sent) * 1000})

    async def stage_ready(self, participant: Participant, page: Page, messages: Counter[str]) -> float | None:
        """Connect a loaded stage page and sync its countdowns: when the answer came, or None if it did not."""
        participant.hand_button = page.button("back_hand")
        timers = [i for i, el in page.elements.items() if any(ev["type"] == "sync" for ev in el.get("events", []))]
        if participant.hand_button is None or not timers:
            raise BenchmarkError(f"{participant.name}'s stage has no hand button or no countdown")
        page.elements = {i: page.elements[i] for i in [participant.hand_button, *timers]}
        answers = {f'runMethod({timer}, "synced"' for timer in timers}
        answered = asyncio.get_running_loop().create_future()

        def watch(_page: Page, event: str, data: Any, now: float) -> None:
            messages[event] += 1
            if event == "run_javascript":
                answers.difference_update({a for a in answers if a in data.get("code", "")})
                if not answers and not answered.done():
                    answered.set_result(now)

        page.on_message = watch
        try:
            await page.connect()
            for timer in timers:  # countdown.js asks the server's clock once it is mounted
                await page.emit_event(timer, "sync", {"sent": int(time.time() * 1000)})
            return await asyncio.wait_for(answered, 20)
        except (socketio.exceptions.ConnectionError, socketio.exceptions.BadNamespaceError, TimeoutError) as problem:
            log(f"{participant.name}'s stage page: {type(problem).__name__} {problem}")
            return None
        finally:
            page.on_message = None

    @contextlib.asynccontextmanager
    async def stalls(self) -> AsyncIterator[dict[str, float]]:
        """Ask /healthz every 0.25 s meanwhile: its slowest answers show how long the server's loop stalled.

        The figure includes this load generator's own delays; the cost to the server is small (about
        one request of a few ms every 0.25 s, included in its CPU figures).
        """
        found: dict[str, float] = {}
        times: list[float] = []
        asked: float | None = None  # when the request still waiting for its answer was sent

        async def probe() -> None:
            nonlocal asked
            async with aiohttp.ClientSession() as http:
                while True:
                    asked = time.perf_counter()
                    try:
                        async with http.get(f"{self.server.base_url}/healthz") as response:
                            await response.read()
                    except aiohttp.ClientError:
                        pass
                    times.append((time.perf_counter() - asked) * 1000)
                    asked = None
                    await asyncio.sleep(0.25)

        task = asyncio.create_task(probe())
        try:
            yield found
        finally:
            if asked is not None:  # still unanswered at the end: it waited at least this long
                times.append((time.perf_counter() - asked) * 1000)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            ordered = sorted(times)
            found.update({"n": len(ordered), "p50": percentile(ordered, 50) or 0.0,
                          "max": ordered[-1] if ordered else 0.0})

    # ---------------------------------------------------------- bursts of hands

    async def all_on_stage(self) -> None:
        """Before the bursts: the doors open, everyone on stage, the workshop started and moved to step 2."""
        await self.enter()
        await asyncio.sleep(self.options.settle)
        self.results["rss_stage_mib"] = self.server.rss_bytes() / 2**20
        self.results["start"] = (await self.measure_step("start → step 1", STEP_TITLES[0], "play_arrow")).summary()
        await asyncio.sleep(self.options.pause)
        with self.spy("next-step"):
            meter = Meter(self)
            step = await self.measure_step("next → step 2, no burst", STEP_TITLES[1], "skip_next")
            self.results["next_alone"] = {**step.summary(), **meter.read()}
        await asyncio.sleep(self.options.pause)

    async def burst(self, label: str, next_title: str | None = None) -> dict[str, Any]:
        """Everyone raises a hand within `spread` seconds; "next step" halfway when `next_title` is given."""
        board = self.moderator
        assert board is not None
        people = [p for p in self.participants if p.page is not None]
        random.Random(label).shuffle(people)  # the same order in every run
        count = len(people)
        names = {p.name for p in people}
        listed: dict[str, float] = {}  # name → when the board's list first showed it
        board_updates = board_elements = 0

        def on_board(_board: Page, data: dict[str, Any], now: float) -> None:
            nonlocal board_updates, board_elements
            board_updates += 1
            board_elements += len(data)
            # a name not listed yet in this update (a new row: here or in the people tab, which names them too),
            # then the list of hands read as a whole; whether the board redraws the list or adds a row
            fresh = {el.get("text") for el in data.values() if el} & names
            if fresh - listed.keys():
                for name in names.intersection(self.hands_shown()).difference(listed):
                    listed[name] = now

        received: dict[int, list[tuple[str, Any, float]]] = {p.index: [] for p in people}
        by_page = {id(p.page): p.index for p in people}

        def on_page(page: Page, event: str, data: Any, now: float) -> None:
            received[by_page[id(page)]].append((event, data, now))

        clicked: dict[int, float] = {}
        step_sent: float | None = None
        board.on_update = on_board
        for person in people:
            assert person.page is not None
            person.page.on_message = on_page
        interval = self.options.spread / max(1, count - 1)
        log(f"{label}: {count} hands within {self.options.spread:.0f} s"
            + (" and 'next step' halfway" if next_title else ""))
        async with self.stalls() as stalls:
            with self.spy(label.split(",")[0].replace(" ", "-")):
                meter = Meter(self)
                begin = time.perf_counter() + 0.05
                step_task: asyncio.Task[float] | None = None
                for number, person in enumerate(people):
                    assert person.page is not None and person.hand_button is not None
                    delay = begin + number * interval - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    if person.page.sio.connected:  # a lost page is counted below, not clicked
                        clicked[person.index] = time.perf_counter()
                        await person.page.click(person.hand_button)
                    if next_title is not None and number == count // 2:
                        step_task = asyncio.create_task(self.moderator_click("skip_next", "next step"))
                if not clicked:
                    raise BenchmarkError(f"{label}: every stage page had lost its socket before its click")
                last_click = max(clicked.values())
                if step_task is not None:
                    try:
                        step_sent = await step_task
                    except socketio.exceptions.SocketIOError as problem:
                        log(f"the moderator's 'next step' was not sent: {problem}")
                raised = {p.name for p in people if p.index in clicked}
                try:
                    await self.wait_until(lambda: raised <= listed.keys(), self.options.board_timeout,
                                          f"the board to list all {len(raised)} hands")
                except BenchmarkError as problem:
                    log(f"{problem}: {len(raised & listed.keys())} listed")
                board_all = max(listed.values()) if raised <= listed.keys() else None
                cpu = meter.read()
        async with self.stalls() as stalls_after:  # late messages, if any, still count
            with self.spy("after-" + label.split(",")[0].replace(" ", "-")):
                meter_after = Meter(self)
                await asyncio.sleep(self.options.after)
                cpu_after = meter_after.read()
        board.on_update = None
        for person in people:
            assert person.page is not None
            person.page.on_message = None

        # -- sort each page's messages: its own click's answer, the step (when clicked), anything else
        own_ms: list[float] = []
        step_ms: list[float] = []
        other_by_type: Counter[str] = Counter()
        pages_with_other = 0
        own_answers: Counter[int] = Counter()
        app_messages = 0
        for person in people:
            if person.index not in clicked:
                continue
            own_seen = False
            other_here = 0
            step_seen = False
            for event, data, now in received[person.index]:
                app_messages += event in APP_MESSAGE_TYPES
                is_own = (not own_seen and event == "update" and person.hand_button in data
                          and now >= clicked[person.index])
                is_step = (step_sent is not None and not step_seen and event == "update"
                           and any(isinstance(el, dict) and isinstance(el.get("props", {}).get("step"), dict)
                                   and el["props"]["step"].get("title") == next_title for el in data.values()))
                if is_own:
                    own_seen = True
                    own_ms.append((now - clicked[person.index]) * 1000)
                if is_step:
                    step_seen = True
                    assert step_sent is not None
                    step_ms.append((now - step_sent) * 1000)
                if not (is_own or is_step):
                    other_here += 1
                    other_by_type[event] += 1
            own_answers[int(own_seen)] += 1
            pages_with_other += other_here > 0
        by_name = {p.name: p.index for p in people}
        board_ms = [(at - clicked[by_name[name]]) * 1000 for name, at in listed.items() if by_name[name] in clicked]
        result = {
            "label": label, "people": count, "raised": len(clicked), "listed": len(raised & listed.keys()),
            "lost_pages": sum(1 for p in people if p.page is not None and not p.page.sio.connected),
            "spread_s": last_click - min(clicked.values()),
            "board_all_after_last_ms": None if board_all is None else (board_all - last_click) * 1000,
            "board_per_hand_ms": summary(board_ms), "board_updates": board_updates,
            "board_elements": board_elements, "own_answer_ms": summary(own_ms),
            "pages_with_own_answer": own_answers[1], "pages_without_own_answer": own_answers[0],
            "pages_with_other": pages_with_other, "other_messages": sum(other_by_type.values()),
            "other_by_type": dict(other_by_type), "app_messages": app_messages, **cpu, "stalls_ms": stalls,
            "after": {**cpu_after, "stalls_ms": stalls_after},
        }
        if next_title is not None:
            result["step_ms"] = {**summary(step_ms), "expected": count}
        return result

    async def lower_all_hands(self) -> None:
        board = self.moderator
        assert board is not None
        button = self.board_button(LOWER_ALL)
        if button is None:
            raise BenchmarkError("the board's 'lower all hands' button was not found")
        await board.click(button)
        names = {p.name for p in self.participants}
        await self.wait_until(lambda: not names.intersection(self.hands_shown()), 30,
                              "the board's list of hands to be empty")
        await self.server_settles(10)
        await asyncio.sleep(self.options.pause)


# ------------------------------------------------------------------ running

@contextlib.asynccontextmanager
async def running(bench: CrowdBench, options: argparse.Namespace) -> AsyncIterator[CrowdBench]:
    """One scenario on the bench's server: the server's log tail shown if it fails, then everything shut down and
    the data directory removed (unless --keep)."""
    try:
        yield bench
    except BenchmarkError:
        log(f"server log tail:\n{bench.server.log_tail()}")
        raise
    finally:
        await bench.shutdown()
        if not options.keep:
            shutil.rmtree(bench.data_dir, ignore_errors=True)


async def one_entry(options: argparse.Namespace, count: int) -> dict[str, Any]:
    async with running(CrowdBench(options, count), options) as bench:
        await bench.open()
        return await bench.enter()


async def bursts(options: argparse.Namespace) -> dict[str, Any]:
    bench = CrowdBench(options, options.burst_people)
    done: list[dict[str, Any]] = []
    try:
        await bench.open()
        await bench.all_on_stage()
        done.append(await bench.burst("hands only, step 2 running"))
        await bench.lower_all_hands()
        done.append(await bench.burst("hands and next step (→ 3)", STEP_TITLES[2]))
        return {**bench.results, "bursts": done}
    except (BenchmarkError, socketio.exceptions.SocketIOError) as problem:
        log(f"server log tail:\n{bench.server.log_tail()}")
        if not done:
            raise BenchmarkError(str(problem)) from problem
        log(f"the bursts stopped after the first: {type(problem).__name__} {problem}")
        return {**bench.results, "bursts": done, "failed": f"after the first burst: {type(problem).__name__} {problem}"}
    finally:
        await bench.shutdown()
        if not options.keep:
            shutil.rmtree(bench.data_dir, ignore_errors=True)


def rotated(sizes: list[int], shift: int) -> list[int]:
    shift %= len(sizes)
    return sizes[shift:] + sizes[:shift]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def report_entry(runs: list[dict[str, Any]], options: argparse.Namespace) -> list[str]:
    missed: list[str] = []
    print("\nDoors open: the moderator's click → every lobby page on stage, connected and answered")
    print(f"{'round':>5}{'people':>8}{'wall s':>8}{'server CPU s':>14}{'ms/person':>11}{'until quiet':>13}"
          f"{'ms/person':>11}{'ready p95':>11}{'stall max':>11}{'load gen s':>12}{'other s':>9}  {'load':>17}")
    for run in runs:
        print(f"{run['round']:>5}{run['people']:>8}{run['wall_s']:>8.2f}{run['server_cpu_s']:>14.2f}"
              f"{run['cpu_per_person_ms']:>11.2f}{run['until_quiet_cpu_s']:>13.2f}"
              f"{run['until_quiet_per_person_ms']:>11.2f}{fmt(run['ready_ms']['p95']):>11}"
              f"{fmt(max(run['stalls_ms']['max'], run['stalls_after_ms']['max'])):>11}"
              f"{run['client_cpu_s']:>12.2f}{run['other_cpu_s']:>9.2f}  {run['load_before']:>17}")
        if not run["settled_within_limit"]:
            print(f"{'':>13}the server was still busy {options.quiet_limit:.0f} s after the entry")
        if run["connected_after"] != run["people"] or run["stage_reloads"] or run["lost_sockets"]:
            print(f"{'':>13}stage pages connected at the end {run['connected_after']}/{run['people']}, loaded again "
                  f"{run['stage_reloads']}, sockets lost {run['lost_sockets']}: a broken round")
            missed.append(f"entry, round {run['round']}, N = {run['people']}: "
                          f"{run['people'] - run['connected_after']} stage pages not connected at the end")
    clean = [run for run in runs if run["connected_after"] == run["people"] and not run["stage_reloads"]]
    sizes = sorted({run["people"] for run in runs})
    if {run["people"] for run in clean} == set(sizes):
        runs = clean  # the broken rounds, if any, are left out of the medians
    medians = {n: statistics.median(r["cpu_per_person_ms"] for r in runs if r["people"] == n) for n in sizes}
    quiet = {n: statistics.median(r["until_quiet_per_person_ms"] for r in runs if r["people"] == n) for n in sizes}
    print("\nserver CPU per person, median of the rounds (ratio to the smallest N)")
    for n in sizes:
        print(f"  N = {n:>4}: {medians[n]:6.2f} ms ({medians[n] / medians[sizes[0]]:.2f}x);"
              f"  until quiet {quiet[n]:6.2f} ms ({quiet[n] / quiet[sizes[0]]:.2f}x)")
    ratio = medians[sizes[-1]] / medians[sizes[0]]
    ok = ratio <= TARGET_ENTRY_RATIO
    print(f"  N = {sizes[-1]} against N = {sizes[0]}: {ratio:.2f}x, target ≤ {TARGET_ENTRY_RATIO}x"
          f"{'  ok' if ok else '  MISSED'}")
    if not ok:
        missed.append(f"entry: CPU per person {ratio:.2f}x at N = {sizes[-1]} against N = {sizes[0]}")
    per_round = [r["cpu_per_person_ms"] for r in runs if r["people"] == sizes[-1]]
    base_round = [r["cpu_per_person_ms"] for r in runs if r["people"] == sizes[0]]
    print(f"  (per round, N = {sizes[-1]}: {', '.join(f'{v:.2f}' for v in per_round)} ms; "
          f"N = {sizes[0]}: {', '.join(f'{v:.2f}' for v in base_round)} ms)")
    kinds = Counter[str]()
    for run in runs:
        kinds.update(run["messages_per_page"])
    print("  socket.io messages per stage page until it was answered: "
          + ", ".join(f"{kind} {number / len(runs):.2f}" for kind, number in sorted(kinds.items())))
    errors = Counter[str]()
    for run in runs:
        errors.update(run["page_errors"])
    if errors:
        print(f"  pages answered with an error and loaded again: {dict(errors)}")
    return missed


def report_bursts(result: dict[str, Any], options: argparse.Namespace) -> list[str]:
    missed: list[str] = []
    print(f"\nBursts of raised hands, {result['bursts'][0]['people']} people on stage "
          f"(server {result['rss_stage_mib']:.0f} MiB with everyone on stage)")
    alone = result["next_alone"]
    print(f"  next step without a burst: p50 {fmt(alone['p50'])} ms, p95 {fmt(alone['p95'])} ms, "
          f"max {fmt(alone['max'])} ms ({alone['n']}/{alone['expected']} pages), "
          f"server CPU {alone['server_cpu_s']:.2f} s")
    for burst in result["bursts"]:
        print(f"\n  {burst['label']}: {burst['raised']} clicks spread over {burst['spread_s']:.2f} s")
        if burst["lost_pages"] or burst["raised"] != burst["people"]:
            print(f"    pages that lost their socket: {burst['lost_pages']} (not clicked: "
                  f"{burst['people'] - burst['raised']}); figures of a broken run")
            missed.append(f"{burst['label']}: {burst['lost_pages']} pages lost their socket")
        after_last = burst["board_all_after_last_ms"]
        board_ok = after_last is not None and after_last <= TARGET_BOARD_MS
        print(f"    last click → the board lists all {burst['raised']}: "
              + (f"{after_last:.0f} ms" if after_last is not None else
                 f"only {burst['listed']} after {options.board_timeout:.0f} s")
              + f", target ≤ {TARGET_BOARD_MS:.0f}{'  ok' if board_ok else '  MISSED'}")
        if not board_ok:
            missed.append(f"{burst['label']}: the board listed everyone {fmt(after_last)} ms after the last click")
        hand = burst["board_per_hand_ms"]
        print(f"    each click → its name on the board: p50 {fmt(hand['p50'])}, p95 {fmt(hand['p95'])}, "
              f"max {fmt(hand['max'])} ms; the board got {burst['board_updates']} updates "
              f"({burst['board_elements']:,} elements)")
        own = burst["own_answer_ms"]
        print(f"    own click → own page's answer: p50 {fmt(own['p50'])}, p95 {fmt(own['p95'])}, "
              f"max {fmt(own['max'])} ms; pages answered {burst['pages_with_own_answer']}/{burst['raised']}")
        other_ok = burst["other_messages"] == 0 and burst["pages_without_own_answer"] == 0
        print(f"    any other socket.io message on the {burst['people']} stage pages: {burst['other_messages']} "
              f"on {burst['pages_with_other']} pages {burst['other_by_type'] or ''}; target 0"
              f"{'  ok' if other_ok else '  MISSED'}  (update/run_method/run_javascript received in all: "
              f"{burst['app_messages']})")
        if not other_ok:
            missed.append(f"{burst['label']}: {burst['other_messages']} other messages on {burst['pages_with_other']}"
                          f" pages, {burst['pages_without_own_answer']} pages without their own answer")
        if "step_ms" in burst:
            step = burst["step_ms"]
            step_ok = step["p95"] is not None and step["p95"] <= TARGET_STEP_P95_MS and step["n"] == step["expected"]
            print(f"    next step during the burst → every page: p50 {fmt(step['p50'])}, p95 {fmt(step['p95'])}, "
                  f"max {fmt(step['max'])} ms ({step['n']}/{step['expected']} pages), target p95 ≤ "
                  f"{TARGET_STEP_P95_MS:.0f}{'  ok' if step_ok else '  MISSED'}")
            if not step_ok:
                missed.append(f"{burst['label']}: step p95 {fmt(step['p95'])} ms")
        print(f"    server CPU {burst['server_cpu_s']:.2f} s in {burst['wall_s']:.2f} s, load generator "
              f"{burst['client_cpu_s']:.2f} s, other programs {burst['other_cpu_s']:.2f} s; slowest /healthz "
              f"answer {burst['stalls_ms']['max']:.0f} ms (p50 {burst['stalls_ms']['p50']:.0f})")
        after = burst["after"]
        print(f"    the {after['wall_s']:.0f} s after the board listed everyone: server CPU "
              f"{after['server_cpu_s']:.2f} s, slowest /healthz answer {after['stalls_ms']['max']:.0f} ms")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", nargs="+", choices=("entry", "burst"), default=["entry", "burst"])
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="lobby sizes for the doors (default 100 200 300; 20 40 with --quick)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of the sizes, rotated (default 3, 1 quick)")
    parser.add_argument("--burst-people", type=int, default=None, help="people raising a hand (default 300, 40 quick)")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which the hands go up (default 5)")
    parser.add_argument("--board-timeout", type=float, default=60.0,
                        help="seconds the board may take to list every hand after the last (default 60)")
    parser.add_argument("--quiet-limit", type=float, default=60.0,
                        help="after entry, wait at most this long for the server to be quiet (default 60 s)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 and 40 people, one round")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--concurrency", type=int, default=8, help="people joining the lobby at once (default 8)")
    parser.add_argument("--page-loads", type=int, default=16, help="stage pages loading at once (default 16)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after entry before the bursts (default 5)")
    parser.add_argument("--after", type=float, default=8.0,
                        help="seconds watched after each burst, for late messages and the server's pauses (default 8;"
                             " Atelier collects garbage 3 to 5 s after the last live event)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between measured actions (default 2)")
    parser.add_argument("--server-root", type=Path, default=ROOT,
                        help="run the server from this checkout, e.g. a `git archive` of a commit (default: this one)")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="record the server with py-spy in each phase")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directories and server logs")
    options = parser.parse_args(argv)
    options.sizes = sorted(options.sizes or ([20, 40] if options.quick else [100, 200, 300]))
    options.rounds = options.rounds or (1 if options.quick else 3)
    options.burst_people = options.burst_people or (40 if options.quick else 300)
    options.no_compression = False  # what live_fanout's pages read: sockets offer compression as browsers do

    print(f"Live crowd — {os.cpu_count()} CPU cores shared by the server and the load generator; "
          f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}; load average before: {load_average()}")
    missed: list[str] = []
    failed: list[str] = []
    raw: dict[str, Any] = {"load_before": load_average()}
    try:
        if "entry" in options.scenarios:
            runs: list[dict[str, Any]] = []
            for number in range(options.rounds):
                for count in rotated(options.sizes, number):
                    load = load_average()
                    try:
                        run = asyncio.run(one_entry(options, count))
                    except Exception as problem:  # a broken round is told, and the others still run
                        log(f"round {number + 1}, {count} people: failed, {type(problem).__name__}: {problem}")
                        failed.append(f"entry, round {number + 1}, N = {count}: {type(problem).__name__} {problem}")
                        continue
                    runs.append({"round": number + 1, "load_before": load, **run})
                    log(f"round {number + 1}, {count} people: {run['server_cpu_s']:.2f} s of server CPU, "
                        f"{run['cpu_per_person_ms']:.2f} ms per person, {run['wall_s']:.1f} s")
            raw["entry"] = runs
            if runs:
                missed += report_entry(runs, options)
        if "burst" in options.scenarios:
            raw["burst"] = asyncio.run(bursts(options))
            missed += report_bursts(raw["burst"], options)
            if "failed" in raw["burst"]:
                failed.append(f"bursts: {raw['burst']['failed']}")
    except BenchmarkError as problem:
        print(f"benchmark failed: {problem}", file=sys.stderr)
        return 2
    raw["load_after"] = load_average()
    raw["failed"] = failed
    missed += failed
    print(f"\nload average before {raw['load_before']}, after {raw['load_after']}")
    print("targets missed:\n  " + "\n  ".join(missed) if missed else "all targets met")
    if options.json:
        options.json.write_text(json.dumps(raw, indent=2, default=str))
    return 1 if options.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
