#!/usr/bin/env python3
"""Live fan-out benchmark (issue 3): hundreds of real participant pages against a real server.

Starts `atelier demo` on a free port with a throw-away data directory, then drives it the way
browsers do, over HTTP and NiceGUI's socket.io protocol (python-socketio clients, one asyncio
loop, no in-process test fixture):

1. N participants each GET /w/demo/lobby with their own cookie jar, connect the page's socket
   (implicit handshake, as nicegui.js does), type their name and click "join" by emitting
   NiceGUI 'event' messages. The moderator signs in the same way through /signin and opens
   /w/demo/moderate. The moderator opens the doors: every lobby page is told to navigate, and
   each participant loads /w/demo/live with the same cookies and connects it.
2. The moderator starts the workshop and clicks "next step" several times. For each click,
   the time from the click being sent to each stage page receiving the 'update' that shows
   the new step's title (in the props of the step panel) is measured: p50, p95, max.
3. Server memory (VmRSS) with 0 participants and with N stage pages, per participant.
4. Raise hand: a participant clicks "Lever la main"; time until the moderator board's socket
   receives the update that puts their name in the raised-hands queue (Floor tab).
5. Quiet countdown: every socket.io message the pages receive during a running step when
   nobody acts (engine.io pings, the transport keepalive, counted separately).

The load generator shares the machine (and its CPU cores) with the server: figures are upper
bounds of what a server alone would show. Usage:

    .venv/bin/python benchmarks/live_fanout.py                 # 300 participants
    .venv/bin/python benchmarks/live_fanout.py --quick         # 20 participants, short
    .venv/bin/python benchmarks/live_fanout.py --check         # exit 1 when a target is missed
    .venv/bin/python benchmarks/live_fanout.py --compare       # and against the defaults, side by side
    .venv/bin/python benchmarks/live_fanout.py --server-root /tmp/head   # a `git archive` of another commit

benchmarks/live_crowd.py uses these servers, browsers and pages for the doors opening on a full lobby
and for bursts of raised hands.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import socketio
from engineio import packet as eio_packet

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.demo import AGENDA, DEMO_PASSWORD, DEMO_SLUG, MODERATOR  # noqa: E402  (the repository on the path first)

STEP_TITLES = [title for _kind, _minutes, title, *_rest in AGENDA]

# A desktop browser (a phone is refused by the lobby; an AI agent's user agent would get markdown).
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
SOCKET_PATH = "/_nicegui_ws/socket.io"
APP_MESSAGE_TYPES = ("update", "run_javascript", "run_method")

TARGET_STEP_P95_MS = 250.0
TARGET_BYTES_PER_PARTICIPANT = 1_000_000  # "1 MB" read strictly as 10^6 bytes

ELEMENTS_RE = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
CLIENT_ID_RE = re.compile(r"'client_id': '([0-9a-f-]+)'")
NEXT_MESSAGE_RE = re.compile(r"'next_message_id': (\d+)")


class _Trouble(logging.Filter):
    """Only why a socket broke (our own disconnects are not news)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage().startswith(("Unexpected error", "Server has stopped communicating"))


ENGINE_LOG = logging.getLogger("fanout.engineio")
ENGINE_LOG.setLevel(logging.INFO)
ENGINE_LOG.addFilter(_Trouble())
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("[%(asctime)s] engine.io: %(message)s", "%H:%M:%S"))
ENGINE_LOG.addHandler(_handler)
ENGINE_LOG.propagate = False


class BenchmarkError(Exception):
    """The scenario could not be played (the app did not answer as a browser expects)."""


class PageLoadError(BenchmarkError):
    """The server answered a page with an error (e.g. NiceGUI's 500 when the page is not ready after 3 s)."""


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class FastJson:
    """orjson for python-socketio's packets: keeps the load generator's CPU share small."""

    @staticmethod
    def dumps(value: Any, **_: Any) -> str:
        return orjson.dumps(value).decode()

    @staticmethod
    def loads(text: str | bytes, **_: Any) -> Any:
        return orjson.loads(text)


def unescape_elements(raw: str) -> str:
    """What nicegui.js parseElements() undoes before JSON.parse."""
    return (raw.replace("&#36;", "$").replace("&#96;", "`").replace("&gt;", ">")
            .replace("&lt;", "<").replace("&amp;", "&"))


# ------------------------------------------------------------------ server process

# The "defaults" variant of --compare: the same Atelier with Python's own garbage collection schedule and
# uvicorn's compressed sockets, the two settings docs/benchmarks.md explains.
DEFAULTS_LAUNCHER = """
import sys
from nicegui import ui
import atelier
from ui.live import quiet_gc

quiet_gc.start = lambda: None
shipped_run = ui.run

def run(*args, **kwargs):
    kwargs.pop("ws_per_message_deflate", None)
    return shipped_run(*args, **kwargs)

ui.run = run
sys.exit(atelier.main())
"""


class Server:
    def __init__(self, port: int, data_dir: Path, log_path: Path, *, defaults: bool = False,
                 root: Path = ROOT) -> None:
        self.port = port
        self.root = root  # the checkout whose Atelier runs (another version's, with --server-root)
        self.data_dir = data_dir
        self.log_path = log_path
        self.defaults = defaults
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def clean_environment() -> dict[str, str]:
        """No PYTEST_*, NICEGUI_* or ATELIER_* variable: NiceGUI changes behaviour when it sees them."""
        return {name: value for name, value in os.environ.items()
                if not name.startswith(("PYTEST_", "NICEGUI_", "ATELIER_"))}

    def command(self) -> list[str]:
        entry_point = Path(sys.executable).parent / "atelier"
        arguments = ["demo", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.defaults:
            return [sys.executable, "-c", DEFAULTS_LAUNCHER, *arguments]
        if entry_point.exists() and self.root == ROOT:
            return [str(entry_point), *arguments]
        return [sys.executable, "-c", "import sys, atelier; sys.exit(atelier.main())", *arguments]

    async def start(self) -> None:
        self.process = subprocess.Popen(self.command(), cwd=self.root, env=self.clean_environment(),
                                        stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise BenchmarkError(f"the server stopped at start-up:\n{self.log_tail()}")
                try:
                    async with http.get(f"{self.base_url}/healthz") as response:
                        if response.status == 200:
                            self.make_room()
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise BenchmarkError(f"the server did not answer /healthz within 60 s:\n{self.log_tail()}")

    def make_room(self) -> None:
        """The demo's sessions take 30 people and Atelier turns the 31st away: a crowd needs room. Done before any
        page loads the run, which then reads the session as it is now."""
        with sqlite3.connect(self.data_dir / "atelier.sqlite3") as database:
            database.execute("UPDATE workshop_session SET capacity = NULL")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _proc(self, name: str) -> str:
        assert self.process is not None
        return Path(f"/proc/{self.process.pid}/{name}").read_text()

    def rss_bytes(self) -> int:
        for line in self._proc("status").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise BenchmarkError("no VmRSS in /proc/PID/status")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = self._proc("stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent not idle since boot (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------ browsers and pages

class Browser:
    """One person's browser: its own cookie jar (so its own app.storage.user), a shared connection pool."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=BROWSER_HEADERS,
                                          connector=bench.connector, connector_owner=False,
                                          timeout=aiohttp.ClientTimeout(total=120))
        self.tab_id = str(uuid.uuid4())  # sessionStorage.__nicegui_tab_id: one per browser tab

    async def load(self, path: str, *, track: bool = False) -> Page:
        """GET a NiceGUI page as a browser does (following redirects) and read what nicegui.js reads."""
        async with self.http.get(self.bench.server.base_url + path) as response:
            html = await response.text()
            if response.status != 200:
                raise PageLoadError(f"GET {path}: HTTP {response.status}")
            final_path = response.url.path
        client_id = CLIENT_ID_RE.search(html)
        next_message = NEXT_MESSAGE_RE.search(html)
        elements = ELEMENTS_RE.search(html)
        if not (client_id and next_message and elements):
            raise BenchmarkError(f"GET {path}: not a NiceGUI page")
        parsed = json.loads(unescape_elements(elements.group(1)))
        return Page(self, final_path, client_id.group(1), int(next_message.group(1)), parsed, track=track)

    async def close(self) -> None:
        await self.http.close()


class Page:
    """One loaded page and its socket, speaking nicegui.js's protocol.

    `elements` is the page's element tree, kept up to date from 'update' messages only when
    `track` is set (the moderator's board); participant pages only look for what is measured.
    """

    def __init__(self, browser: Browser, path: str, client_id: str, next_message_id: int,
                 elements: dict[str, Any], *, track: bool) -> None:
        self.browser = browser
        self.path = path
        self.client_id = client_id
        self.next_message_id = next_message_id
        self.acked = -1
        self.elements: dict[str, Any] = elements
        self.track = track
        self.counts: dict[str, int] = {}
        self.pings = 0
        self.navigation: asyncio.Future[tuple[str, float]] = asyncio.get_running_loop().create_future()
        self.on_update: Callable[[Page, dict[str, Any], float], None] | None = None
        # every socket.io message, whatever its type (after nicegui.js's deduplication): event, data, time
        self.on_message: Callable[[Page, str, Any, float], None] | None = None
        self.sio = socketio.AsyncClient(reconnection=False, json=FastJson, http_session=browser.http,
                                        engineio_logger=ENGINE_LOG,
                                        # browsers offer permessage-deflate: the server keeps zlib state per socket
                                        websocket_extra_options={"compress": 0 if browser.bench.options.no_compression
                                                                 else 15})
        self.sio.on("*", self._on_message)
        self.sio.on("disconnect", self._on_disconnect)
        self.closing = False
        self._count_pings()

    # ---------------------------------------------------------- receiving

    def _count_pings(self) -> None:
        """Count engine.io PING packets (the transport keepalive) next to the socket.io messages."""
        engine = self.sio.eio
        original = engine._receive_packet

        async def receive(pkt: eio_packet.Packet) -> None:
            if pkt.packet_type == eio_packet.PING:
                self.pings += 1
            await original(pkt)

        engine._receive_packet = receive  # type: ignore[method-assign]

    def _on_message(self, event: str, data: Any = None) -> None:
        now = time.perf_counter()
        if isinstance(data, dict) and "_id" in data:
            message_id = data.pop("_id")
            if message_id < self.next_message_id:
                return  # nicegui.js drops messages it has seen (after a rewind)
            self.next_message_id = message_id + 1
        self.counts[event] = self.counts.get(event, 0) + 1
        if self.on_message is not None:
            self.on_message(self, event, data, now)
        if event == "update":
            if self.track:
                for element_id, element in data.items():
                    if element is None:
                        self.elements.pop(element_id, None)
                    else:
                        self.elements[element_id] = element
            if self.on_update is not None:
                self.on_update(self, data, now)
        elif event == "open" and not self.navigation.done():
            self.navigation.set_result((data["path"], now))

    def _on_disconnect(self, reason: Any = None) -> None:
        if not self.closing:
            log(f"{self.path}: the socket was disconnected ({reason})")
            lost = self.browser.bench.results.setdefault("lost_sockets", {})
            lost[self.path] = lost.get(self.path, 0) + 1

    # ---------------------------------------------------------- sending

    async def connect(self) -> None:
        """What nicegui.js does in mounted(): connect with the page's query and an implicit handshake."""
        query = (f"client_id={self.client_id}&next_message_id={self.next_message_id}&implicit_handshake=true"
                 f"&document_id={uuid.uuid4()}&tab_id={self.browser.tab_id}")
        await self.sio.connect(f"{self.browser.bench.server.base_url}/?{query}", socketio_path=SOCKET_PATH,
                               transports=["websocket"], wait_timeout=60)

    async def disconnect(self) -> None:
        self.closing = True
        if self.sio.connected:
            await self.sio.disconnect()
        # engine.io's AsyncClient.__del__ closes its aiohttp session even when it was given one: detach the
        # browser's session, or dropping this page would close the browser's other pages and cookie jar.
        self.sio.eio.http = None

    async def emit_event(self, element_id: str, event_type: str, *args: Any) -> None:
        """Emit a DOM/Vue event of an element, as nicegui.js's emit() does for a listener."""
        listener = next((ev for ev in self.elements[element_id].get("events", []) if ev["type"] == event_type), None)
        if listener is None:
            raise BenchmarkError(f"{self.path}: element {element_id} has no '{event_type}' listener")
        wanted = listener["args"]
        sent = [json.dumps(arg) for i, arg in enumerate(args) if wanted is None or i < len(wanted)]
        await self.sio.emit("event", {"id": int(element_id), "client_id": self.client_id,
                                      "listener_id": listener["listener_id"], "args": sent})

    async def click(self, element_id: str) -> None:
        await self.emit_event(element_id, "click")

    async def type_text(self, element_id: str, text: str) -> None:
        value_event = next(ev["type"] for ev in self.elements[element_id]["events"] if ev["type"].startswith("update:"))
        await self.emit_event(element_id, value_event, text)

    async def ack(self) -> None:
        if self.sio.connected and self.next_message_id > self.acked:
            self.acked = self.next_message_id
            await self.sio.emit("ack", {"client_id": self.client_id, "next_message_id": self.next_message_id})

    # ---------------------------------------------------------- reading the element tree

    def find(self, tag: str | None = None, **props: Any) -> list[str]:
        return [element_id for element_id, element in self.elements.items()
                if (tag is None or element.get("tag") == tag)
                and all(element.get("props", {}).get(name) == value for name, value in props.items())]

    def button(self, icon: str) -> str | None:
        found = self.find("q-btn", icon=icon)
        return found[0] if found else None

    def ids_under(self, root_id: str) -> Iterable[str]:
        """This element and every element under it (its children and its slots' contents), depth first."""
        stack = [root_id]
        while stack:
            element_id = stack.pop()
            element = self.elements.get(element_id)
            if element is None:
                continue
            yield element_id
            stack.extend(str(child) for child in reversed(element.get("children", ())))
            for slot in element.get("slots", {}).values():
                stack.extend(str(child) for child in slot.get("ids", ()))

    def texts_under(self, root_id: str) -> Iterable[str]:
        for element_id in self.ids_under(root_id):
            if self.elements[element_id].get("text"):
                yield self.elements[element_id]["text"]

    def app_messages(self) -> int:
        return sum(self.counts.get(kind, 0) for kind in APP_MESSAGE_TYPES)

    def all_messages(self) -> int:
        return sum(self.counts.values())


@dataclass
class Participant:
    index: int
    name: str
    browser: Browser
    lobby: Page | None = None
    page: Page | None = None  # the stage page
    hand_button: str | None = None


@dataclass
class Latencies:
    label: str
    samples_ms: list[float] = field(default_factory=list)
    expected: int = 0
    note: str = ""

    def summary(self) -> dict[str, Any]:
        samples = sorted(self.samples_ms)
        return {"label": self.label, "n": len(samples), "expected": self.expected,
                "p50": percentile(samples, 50), "p95": percentile(samples, 95),
                "max": samples[-1] if samples else None, "note": self.note}


def percentile(sorted_samples: list[float], rank: float) -> float | None:
    """Nearest-rank percentile (the value below which `rank`% of the samples lie)."""
    if not sorted_samples:
        return None
    index = max(0, min(len(sorted_samples) - 1, -(-len(sorted_samples) * rank // 100) - 1))
    return sorted_samples[int(index)]


# ------------------------------------------------------------------ the scenario

class Bench:
    def __init__(self, options: argparse.Namespace, *, defaults: bool = False) -> None:
        self.options = options
        self.data_dir = Path(tempfile.mkdtemp(prefix="atelier-fanout-"))
        self.server = Server(free_port(), self.data_dir / "data", self.data_dir / "server.log", defaults=defaults,
                             root=getattr(options, "server_root", ROOT).resolve())
        self.connector: aiohttp.TCPConnector | None = None
        self.participants: list[Participant] = []
        self.moderator: Page | None = None
        self.results: dict[str, Any] = {"phases": {}}
        self._ack_task: asyncio.Task[None] | None = None
        self._hands_list: str | None = None  # the board's list of raised hands, once found

    # ---------------------------------------------------------- helpers

    def stage_pages(self) -> list[Page]:
        return [p.page for p in self.participants if p.page is not None]

    def cpu_mark(self) -> tuple[float, float, float, float]:
        return time.perf_counter(), self.server.cpu_seconds(), time.process_time(), machine_busy_seconds()

    def record_phase(self, name: str, mark: tuple[float, float, float, float]) -> None:
        wall, server, client, machine = mark
        server_cpu = self.server.cpu_seconds() - server
        client_cpu = time.process_time() - client
        self.results["phases"][name] = {
            "wall_s": time.perf_counter() - wall,
            "server_cpu_s": server_cpu,
            "client_cpu_s": client_cpu,
            # everything else the machine did meanwhile (other programs, the kernel's share of networking)
            "other_cpu_s": max(0.0, machine_busy_seconds() - machine - server_cpu - client_cpu),
        }

    async def ack_loop(self) -> None:
        """nicegui.js acknowledges the messages it got every 3 s so the server can drop them from its history."""
        while True:
            await asyncio.sleep(3)
            pages = [*self.stage_pages(), *([self.moderator] if self.moderator else [])]
            await asyncio.gather(*(page.ack() for page in pages), return_exceptions=True)

    async def load_like_a_person(self, browser: Browser, path: str, what: str) -> Page:
        """Load a page; on an error page, reload after a second, as a person would (each error is counted)."""
        for attempt in range(5):
            try:
                return await browser.load(path)
            except PageLoadError as problem:
                errors = self.results.setdefault("page_errors", {})
                errors[what] = errors.get(what, 0) + 1
                if attempt == 4:
                    raise BenchmarkError(f"{problem} five times in a row") from None
                await asyncio.sleep(1)
        raise AssertionError("unreachable")

    async def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise BenchmarkError(f"timed out after {timeout:.0f} s waiting for {what}")
            await asyncio.sleep(0.01)

    # ---------------------------------------------------------- moderator

    async def sign_in_moderator(self) -> Page:
        browser = Browser(self)
        page = await browser.load("/signin", track=True)
        email = page.find("nicegui-input", autocomplete="username")
        password = page.find("nicegui-input", autocomplete="current-password")
        submit = [i for i in page.find("q-btn")
                  if any(ev["type"] == "click" for ev in page.elements[i].get("events", []))]
        if not (email and password and submit):
            raise BenchmarkError("the sign-in form has changed: e-mail, password or button not found")
        await page.connect()
        await page.type_text(email[0], MODERATOR.email)
        await page.type_text(password[0], DEMO_PASSWORD)
        await page.click(submit[0])
        try:
            target, _ = await asyncio.wait_for(page.navigation, 30)
        except TimeoutError:
            raise BenchmarkError("signing in did not navigate anywhere (wrong demo password?)") from None
        log(f"moderator signed in, sent to {target}")
        await page.disconnect()
        await browser.load(target)  # /signin/complete sets the staff cookie, then leads to the moderator's page
        board = await browser.load(f"/w/{DEMO_SLUG}/moderate", track=True)
        if board.path != f"/w/{DEMO_SLUG}/moderate":
            raise BenchmarkError(f"the moderator board redirected to {board.path}")
        await board.connect()
        return board

    async def moderator_click(self, icon: str, what: str, timeout: float = 60) -> float:
        """Click the board's button with this icon once it is on screen; return when the click was sent."""
        board = self.moderator
        assert board is not None
        await self.wait_until(lambda: board.button(icon) is not None, timeout, f"the board's '{what}' button")
        button = board.button(icon)
        assert button is not None
        sent_at = time.perf_counter()
        await board.click(button)
        return sent_at

    # ---------------------------------------------------------- participants

    async def join(self, participant: Participant, results: list[float]) -> None:
        page = await self.load_like_a_person(participant.browser, f"/w/{DEMO_SLUG}/lobby", "lobby")
        name_input = page.find("nicegui-input", autocomplete="given-name")
        join_button = page.button("login")
        if not (name_input and join_button):
            raise BenchmarkError("the lobby's join form has changed: name input or join button not found")
        welcomed = asyncio.get_running_loop().create_future()

        def watch(_page: Page, data: dict[str, Any], now: float) -> None:
            if not welcomed.done() and any(el and participant.name in (el.get("text") or "") for el in data.values()):
                welcomed.set_result(now)

        page.on_update = watch
        await page.connect()
        await page.type_text(name_input[0], participant.name)
        sent_at = time.perf_counter()
        await page.click(join_button)
        try:
            results.append((await asyncio.wait_for(welcomed, 60) - sent_at) * 1000)
        except TimeoutError:
            raise BenchmarkError(f"{participant.name} was not welcomed in the lobby within 60 s") from None
        page.on_update = None
        participant.lobby = page

    async def go_on_stage(self, participant: Participant, limit: asyncio.Semaphore) -> None:
        """The lobby was told to navigate: leave it and load the stage, as the browser does."""
        lobby = participant.lobby
        assert lobby is not None
        path, _ = await lobby.navigation
        await lobby.disconnect()
        async with limit:
            page = await self.load_like_a_person(participant.browser, path, "stage")
        if page.path != f"/w/{DEMO_SLUG}/live":
            raise BenchmarkError(f"{participant.name} was sent to {page.path} instead of the stage")
        participant.hand_button = page.button("back_hand")
        self.results.setdefault("stage_page_elements", []).append(len(page.elements))
        if participant.hand_button is not None:
            self.results["hand_button_label"] = page.elements[participant.hand_button].get("text")
        sync = [i for i, el in page.elements.items() if any(ev["type"] == "sync" for ev in el.get("events", []))]
        page.elements = {i: page.elements[i] for i in [participant.hand_button, *sync] if i is not None}
        await page.connect()
        self.results["compression"] = bool(page.sio.eio.ws.compress)  # what the server accepted
        for timer in sync:  # countdown.js asks the server's clock once when it is mounted
            await page.emit_event(timer, "sync", {"sent": int(time.time() * 1000)})
        participant.page = page

    # ---------------------------------------------------------- measurements

    async def measure_step(self, label: str, title: str, icon: str) -> Latencies:
        """Click a step button on the board; time until each stage page shows the step's title."""
        pages = self.stage_pages()
        latencies = Latencies(label, expected=len(pages))
        seen: set[int] = set()
        sent_at = 0.0
        elements_per_update: list[int] = []

        def watch(page: Page, data: dict[str, Any], now: float) -> None:
            if id(page) in seen:
                return
            for element in data.values():
                step = (element or {}).get("props", {}).get("step")  # the step panel (step_information.js)
                if isinstance(step, dict) and step.get("title") == title:
                    seen.add(id(page))
                    latencies.samples_ms.append((now - sent_at) * 1000)
                    elements_per_update.append(len(data))
                    return

        for page in pages:
            page.on_update = watch
        mark = self.cpu_mark()
        sent_at = await self.moderator_click(icon, label)
        try:
            await self.wait_until(lambda: len(seen) >= sum(1 for page in pages if page.sio.connected), 30,
                                  f"every connected stage page to show '{title}'")
        except BenchmarkError:
            missing = [page for page in pages if page.sio.connected and id(page) not in seen]
            log(f"{len(missing)} connected page(s) did not show '{title}' within 30 s, e.g. client "
                f"{missing[0].client_id} (messages {missing[0].counts})")
            latencies.note = f"{len(missing)} connected page(s) never showed it; "
        finally:
            for page in pages:
                page.on_update = None
        lost = sum(1 for page in pages if not page.sio.connected)
        if lost:
            latencies.note += f"{lost} page(s) lost their socket; "
        self.record_phase(label, mark)
        if elements_per_update:
            latencies.note += f"{statistics.median(elements_per_update):.0f} elements per page update"
        return latencies

    async def measure_raised_hands(self, count: int) -> tuple[Latencies, list[int]]:
        board = self.moderator
        assert board is not None
        shown_tab = board.find("q-tab-panels")
        self.results["board_tab_shown"] = \
            board.elements[shown_tab[0]]["props"].get("model-value") if shown_tab else None
        latencies = Latencies("raise hand → board queue", expected=count)
        people = [self.participants[i * len(self.participants) // count] for i in range(count)]
        pages_updated: list[int] = []
        mark = self.cpu_mark()
        for person in people:
            before = [page.counts.get("update", 0) for page in self.stage_pages()]
            latencies.samples_ms.append(await self.raise_hand(person))
            await asyncio.sleep(0.5)  # let the other pages' updates (if any) arrive before counting them
            after = [page.counts.get("update", 0) for page in self.stage_pages()]
            pages_updated.append(sum(1 for b, a in zip(before, after, strict=True) if a > b))
        self.record_phase("raise hands", mark)
        return latencies, pages_updated

    def hands_shown(self) -> set[str]:
        """The texts in the board's list of raised hands: the `ol` of its Floor tab.

        Only that list: the tab also holds the speaking balance (a table), which names everyone. The list
        is found again whenever it was replaced (6b4418d drew it anew for every change, d965b1b keeps it).
        """
        board = self.moderator
        assert board is not None
        if self._hands_list not in board.elements:
            panel = board.find("q-tab-panel", name="floor")
            if not panel:
                raise BenchmarkError("the board has no Floor tab panel")
            self._hands_list = next((i for i in board.ids_under(panel[0]) if board.elements[i].get("tag") == "ol"),
                                    None)
            if self._hands_list is None:
                raise BenchmarkError("the board's list of raised hands (an ol in the Floor tab) was not found")
        return set(board.texts_under(self._hands_list))

    async def raise_hand(self, person: Participant) -> float:
        """Click "Lever la main" on this person's stage; ms until the board's raised hands show their name."""
        board = self.moderator
        assert board is not None and person.page is not None and person.hand_button is not None
        arrived: list[float] = []

        def watch(_board: Page, data: dict[str, Any], now: float) -> None:
            # the name in this update (a new row), and that row in the list of hands (the people tab names them too)
            if not arrived and any(el and el.get("text") == person.name for el in data.values()) \
                    and person.name in self.hands_shown():
                arrived.append(now)

        board.on_update = watch
        sent_at = time.perf_counter()
        await person.page.click(person.hand_button)
        try:
            await self.wait_until(lambda: bool(arrived), 30, f"{person.name}'s hand on the board")
        finally:
            board.on_update = None
        return (arrived[0] - sent_at) * 1000

    async def measure_quiet(self, seconds: float) -> dict[str, Any]:
        pages = self.stage_pages()
        monitored = pages[: self.options.quiet_pages] if self.options.quiet_pages else pages
        board = self.moderator
        assert board is not None

        def snapshot() -> tuple[list[dict[str, int]], list[int], dict[str, int], int]:
            return ([dict(p.counts) for p in monitored], [p.pings for p in monitored], dict(board.counts), board.pings)

        counts_before, pings_before, board_before, board_pings_before = snapshot()
        mark = self.cpu_mark()
        await asyncio.sleep(seconds)
        self.record_phase("quiet countdown", mark)
        counts_after, pings_after, board_after, board_pings_after = snapshot()
        by_type: dict[str, int] = {}
        for before, after in zip(counts_before, counts_after, strict=True):
            for kind, number in after.items():
                if number - before.get(kind, 0):
                    by_type[kind] = by_type.get(kind, 0) + number - before.get(kind, 0)
        board_by_type = {kind: number - board_before.get(kind, 0) for kind, number in board_after.items()
                         if number - board_before.get(kind, 0)}
        return {
            "seconds": seconds,
            "pages": len(monitored),
            "socketio_messages": sum(by_type.values()),
            "app_messages": sum(by_type.get(kind, 0) for kind in APP_MESSAGE_TYPES),
            "by_type": by_type,
            "engineio_pings": sum(a - b for a, b in zip(pings_after, pings_before, strict=True)),
            "board_socketio_messages": sum(board_by_type.values()),
            "board_by_type": board_by_type,
            "board_engineio_pings": board_pings_after - board_pings_before,
        }

    # ---------------------------------------------------------- the whole run

    async def run(self) -> dict[str, Any]:
        options = self.options
        count = options.participants
        # No keep-alive: a browser opens its WebSocket on a fresh connection. Upgrading a connection that
        # just carried a page races with uvicorn's keep-alive timer, which then closes the socket 5 s later.
        self.connector = aiohttp.TCPConnector(limit=0, force_close=True)
        deadline = time.monotonic() + options.wait_quiet
        while True:
            before = machine_busy_seconds()
            await asyncio.sleep(3)
            self.results["machine_busy_before"] = (machine_busy_seconds() - before) / 3
            if self.results["machine_busy_before"] <= 0.1 or time.monotonic() > deadline:
                break
            log(f"waiting for a quiet machine ({self.results['machine_busy_before']:.0%} of a core busy)")
        if self.results["machine_busy_before"] > 0.15:
            log(f"warning: the machine is already busy ({self.results['machine_busy_before']:.0%} of a core "
                "used by other programs): figures will be worse than on a quiet machine")
        log(f"starting the server on port {self.server.port} (data in {self.data_dir})")
        await self.server.start()
        self.results["server_pid"] = self.server.process.pid if self.server.process else None
        self.results["rss_at_start"] = self.server.rss_bytes()
        self._ack_task = asyncio.create_task(self.ack_loop())
        try:
            self.moderator = await self.sign_in_moderator()
            log("moderator board open")
            await asyncio.sleep(2)
            rss_empty = self.server.rss_bytes()
            self.results["rss_0_participants"] = rss_empty

            # -- join through the lobby
            self.participants = [Participant(i, f"Participant {i + 1:03d}", Browser(self)) for i in range(count)]
            join_ms: list[float] = []
            limit = asyncio.Semaphore(options.concurrency)

            async def join_one(participant: Participant) -> None:
                async with limit:
                    await self.join(participant, join_ms)

            mark = self.cpu_mark()
            log(f"{count} participants join through the lobby ({options.concurrency} at a time)")
            await asyncio.gather(*(join_one(p) for p in self.participants))
            self.record_phase("join", mark)
            self.results["join"] = Latencies("join: click → waiting room", sorted(join_ms), count).summary()
            log(f"all joined in {self.results['phases']['join']['wall_s']:.1f} s")
            await asyncio.sleep(2)
            self.results["rss_lobby"] = self.server.rss_bytes()

            # -- the doors open: every lobby page is told to go to the stage
            mark = self.cpu_mark()
            doors_sent = await self.moderator_click("door_front", "open the doors")
            stage_limit = asyncio.Semaphore(options.page_loads)
            moves = [asyncio.create_task(self.go_on_stage(p, stage_limit)) for p in self.participants]
            told: list[float] = []
            for participant in self.participants:
                assert participant.lobby is not None
                _, at = await asyncio.wait_for(asyncio.shield(participant.lobby.navigation), 60)
                told.append((at - doors_sent) * 1000)
            self.results["doors"] = Latencies("doors open → lobby told to move", sorted(told), count).summary()
            await asyncio.gather(*moves)
            for participant in self.participants:
                participant.lobby = None  # the browser left it
            self.record_phase("doors open, all on stage", mark)
            log(f"all {count} on stage in {self.results['phases']['doors open, all on stage']['wall_s']:.1f} s")
            await self.wait_until(lambda: sum(1 for p in self.participants if p.page and p.page.sio.connected) == count,
                                  30, "every stage page to be connected")

            # -- memory: wait until the lobby clients are deleted (their reconnect timeout) and things settle
            await asyncio.sleep(options.settle)
            rss_stage = self.server.rss_bytes()
            self.results["rss_stage"] = rss_stage
            self.results["bytes_per_participant"] = (rss_stage - rss_empty) / count

            # -- start, then next steps
            steps: list[dict[str, Any]] = []
            log("start the workshop")
            steps.append((await self.measure_step("start → step 1", STEP_TITLES[0], "play_arrow")).summary())
            rounds = min(options.steps, len(STEP_TITLES) - 1)
            for number in range(1, rounds + 1):
                await asyncio.sleep(options.pause)
                log(f"next step → step {number + 1}")
                label = f"next → step {number + 1}"
                steps.append((await self.measure_step(label, STEP_TITLES[number], "skip_next")).summary())
            self.results["steps"] = steps

            # -- raised hands
            await asyncio.sleep(options.pause)
            log(f"{options.raises} participants raise their hand, one after the other")
            hands, pages_updated = await self.measure_raised_hands(options.raises)
            self.results["hands"] = hands.summary()
            self.results["pages_updated_per_raise"] = {"median": statistics.median(pages_updated),
                                                       "min": min(pages_updated), "max": max(pages_updated)}

            # -- quiet countdown
            await asyncio.sleep(2)
            log(f"quiet countdown: listening for {options.quiet:.0f} s")
            self.results["quiet"] = await self.measure_quiet(options.quiet)
            self.results["rss_end"] = self.server.rss_bytes()
            return self.results
        finally:
            await self.shutdown()

    async def shutdown(self) -> None:
        if self._ack_task is not None:
            self._ack_task.cancel()
        pages = [p for person in self.participants for p in (person.lobby, person.page) if p is not None]
        if self.moderator is not None:
            pages.append(self.moderator)
        await asyncio.gather(*(page.disconnect() for page in pages), return_exceptions=True)
        browsers = [p.browser for p in self.participants]
        if self.moderator is not None:
            browsers.append(self.moderator.browser)
        await asyncio.gather(*(browser.close() for browser in browsers), return_exceptions=True)
        if self.connector is not None:
            await self.connector.close()
        self.server.stop()


# ------------------------------------------------------------------ report

def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def report(results: dict[str, Any], options: argparse.Namespace) -> list[str]:
    """Print the table; return the targets missed."""
    missed: list[str] = []
    count = options.participants
    print()
    print(f"Live fan-out — {count} participant pages, {os.cpu_count()} CPU cores shared by the server and the "
          "load generator (one asyncio loop)")
    print(f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, {platform.machine()}; "
          f"before the run, other programs used {results['machine_busy_before']:.0%} of a core")
    print()
    header = f"{'latency (ms)':<38}{'p50':>8}{'p95':>8}{'max':>8}{'pages':>8}   target"
    print(header)
    print("-" * len(header) + "-" * 12)

    def row(summary: dict[str, Any], target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
        pages = f"{summary['n']}/{summary['expected']}"
        print(f"{summary['label']:<38}{fmt_ms(summary['p50']):>8}{fmt_ms(summary['p95']):>8}"
              f"{fmt_ms(summary['max']):>8}{pages:>8}   {target}{verdict}")

    row(results["join"])
    row(results["doors"])
    for step in results["steps"]:
        is_next = step["label"].startswith("next")
        ok = step["p95"] is not None and step["p95"] <= TARGET_STEP_P95_MS if is_next else None
        row(step, f"p95 ≤ {TARGET_STEP_P95_MS:.0f}" if is_next else "", ok)
        if ok is False:
            missed.append(f"{step['label']}: p95 {step['p95']:.0f} ms > {TARGET_STEP_P95_MS:.0f} ms")
    row(results["hands"])
    print()
    for step in results["steps"]:
        if step["note"]:
            print(f"  {step['label']}: {step['note']}")
    updated = results["pages_updated_per_raise"]
    print(f"  raise hand: participant pages sent an update per raise: median {updated['median']}, "
          f"min {updated['min']}, max {updated['max']} (of {count}); board tab shown: {results['board_tab_shown']}")

    if results.get("page_errors"):
        print(f"  pages answered with an error and reloaded: {results['page_errors']}  (NiceGUI's 500 after 3 s)")
    if results.get("lost_sockets"):
        print(f"  sockets lost (not reconnected by this load generator): {results['lost_sockets']}")
    print()
    per = results["bytes_per_participant"]
    mem_ok = per <= TARGET_BYTES_PER_PARTICIPANT
    if not mem_ok:
        missed.append(f"memory: {per / 1e6:.2f} MB per participant > 1 MB")
    print("server memory (VmRSS)")
    print(f"  at start-up                        {results['rss_at_start'] / 2**20:8.1f} MiB")
    print(f"  moderator board, 0 participants    {results['rss_0_participants'] / 2**20:8.1f} MiB")
    print(f"  {count} lobby pages (joined)        {results['rss_lobby'] / 2**20:8.1f} MiB")
    print(f"  {count} stage pages connected       {results['rss_stage'] / 2**20:8.1f} MiB")
    print(f"  at the end                         {results['rss_end'] / 2**20:8.1f} MiB")
    print(f"  per participant                    {per / 1e3:8.0f} kB   target ≤ 1000 kB"
          f"{'  ok' if mem_ok else '  MISSED'}")
    elements = results.get("stage_page_elements") or [0]
    offered = "not offered" if options.no_compression else "offered as browsers do"
    accepted = "accepted" if results.get("compression") else "declined"
    print(f"  (a stage page holds {statistics.median(elements):.0f} NiceGUI elements; permessage-deflate "
          f"{offered}, {accepted} by the server)")

    quiet = results["quiet"]
    quiet_ok = quiet["app_messages"] == 0
    if not quiet_ok:
        missed.append(f"quiet countdown: {quiet['app_messages']} app messages ({quiet['by_type']})")
    print()
    print(f"quiet countdown, {quiet['seconds']:.0f} s, {quiet['pages']} stage pages + the board, nobody acting")
    print(f"  socket.io messages to the stage pages   {quiet['socketio_messages']:6d}   "
          f"(update/run_javascript/run_method: {quiet['app_messages']}; target 0{'  ok' if quiet_ok else '  MISSED'})"
          + (f" {quiet['by_type']}" if quiet["by_type"] else ""))
    print(f"  socket.io messages to the board         {quiet['board_socketio_messages']:6d}"
          + (f"   {quiet['board_by_type']}" if quiet["board_by_type"] else ""))
    print(f"  engine.io pings (transport keepalive)   {quiet['engineio_pings']:6d}   to the stage pages, "
          f"{quiet['board_engineio_pings']} to the board")

    print()
    print(f"{'phase':<30}{'wall s':>8}{'server CPU s':>14}{'load gen CPU s':>16}{'other CPU s':>13}")
    for name, phase in results["phases"].items():
        print(f"{name:<30}{phase['wall_s']:8.2f}{phase['server_cpu_s']:14.2f}{phase['client_cpu_s']:16.2f}"
              f"{phase['other_cpu_s']:13.2f}")
    print("(other CPU: the rest of the machine meanwhile, other programs and the kernel's networking included)")
    print()
    if missed:
        print("targets missed:\n  " + "\n  ".join(missed))
    else:
        print("all targets met")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=None,
                        help="participant pages (default 300, 20 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 participants, 2 steps, 5 hands, 5 s quiet")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--steps", type=int, default=5, help="next-step clicks measured (default 5, at most 5)")
    parser.add_argument("--raises", type=int, default=20, help="hands raised, by different participants (default 20)")
    parser.add_argument("--quiet", type=float, default=30.0, help="seconds of quiet countdown listened to (default 30)")
    parser.add_argument("--quiet-pages", type=int, default=0,
                        help="stage pages whose messages are counted in the quiet phase (default 0: all)")
    parser.add_argument("--concurrency", type=int, default=8, help="participants joining at the same time (default 8)")
    parser.add_argument("--page-loads", type=int, default=16,
                        help="stage pages loading at the same time once the doors open (default 16; browsers "
                             "would load them all at once)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait before reading the memory with everyone on stage (default 10)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between measured actions (default 2)")
    parser.add_argument("--no-compression", action="store_true",
                        help="sockets without permessage-deflate (browsers always offer it): shows its memory share")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="wait up to this long for other programs to leave the CPU before starting (default 0)")
    parser.add_argument("--compare", action="store_true",
                        help="then run the same scenario against Atelier with Python's own garbage collection "
                             "schedule and compressed sockets, and print the two side by side")
    parser.add_argument("--server-root", type=Path, default=ROOT,
                        help="run the server from this checkout, e.g. a `git archive` of a commit (default: this one)")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory and server log")
    options = parser.parse_args(argv)
    if options.participants is None:
        options.participants = 20 if options.quick else 300
    if options.quick:
        options.steps, options.raises, options.quiet, options.settle = 2, 5, 5.0, 5.0
    options.raises = min(options.raises, options.participants)
    if options.participants < 1:
        parser.error("--participants must be at least 1")

    variants = [("Atelier as shipped", False)]
    if options.compare:
        variants.append(("Python's and uvicorn's defaults", True))
    measured: list[tuple[str, dict[str, Any]]] = []
    missed: list[str] = []
    for name, defaults in variants:
        if options.compare:
            log(f"variant: {name}")
        bench = Bench(options, defaults=defaults)
        try:
            results = asyncio.run(bench.run())
        except BenchmarkError as problem:
            print(f"benchmark failed: {problem}", file=sys.stderr)
            print(f"server log tail:\n{bench.server.log_tail()}", file=sys.stderr)
            return 2
        finally:
            if not options.keep:
                shutil.rmtree(bench.data_dir, ignore_errors=True)
        if options.compare:
            print(f"\n=== {name} ===")
        missed_here = report(results, options)
        if not defaults:
            missed = missed_here
        measured.append((name, results))
        if options.keep:
            print(f"data and server log kept in {bench.data_dir}")
    if options.compare:
        compare(measured[0][1], measured[1][1])
    if options.json:
        options.json.write_text(json.dumps({"options": {k: str(v) for k, v in vars(options).items()},
                                            **{name: results for name, results in measured}}, indent=2, default=str))
    return 1 if options.check and missed else 0


def compare(shipped: dict[str, Any], defaults: dict[str, Any]) -> None:
    """The two variants side by side, measured minutes apart on the same machine: the ratios are what counts."""
    def step_p95(results: dict[str, Any]) -> float:
        return max(step["p95"] for step in results["steps"][1:] or results["steps"])

    def step_cpu(results: dict[str, Any]) -> float:
        phases = [phase for name, phase in results["phases"].items() if name.startswith("next")]
        return statistics.mean(phase["server_cpu_s"] for phase in phases) * 1000

    rows = [
        ("next step: worst p95 over the steps (ms)", step_p95),
        ("next step: server CPU per click (ms)", step_cpu),
        ("raise hand → board p95 (ms)", lambda results: results["hands"]["p95"]),
        ("slowest page or hand of all, a pause (ms)",
         lambda results: max(summary["max"] for summary in [*results["steps"], results["hands"]])),
        ("memory per participant (kB)", lambda results: results["bytes_per_participant"] / 1e3),
    ]
    print("\nside by side, in one run")
    print(f"{'':<44}{'shipped':>10}{'defaults':>10}{'ratio':>8}")
    for label, measure in rows:
        ours, theirs = measure(shipped), measure(defaults)
        print(f"{label:<44}{ours:>10.0f}{theirs:>10.0f}{ours / theirs:>8.2f}")
    print("(ratio = shipped / defaults: below 1, the shipped settings do better)")

if __name__ == "__main__":
    sys.exit(main())
