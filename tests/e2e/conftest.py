"""Browser tests: `atelier demo` in a subprocess, driven by Debian's Chromium through Playwright.

One server and one browser serve the whole session; every test gets fresh browser
contexts (French, Paris time unless it asks otherwise), so no cookie or storage leaks
from one test to the next. The demo workshop (`/w/demo`) is only read, never changed:
tests that edit something create their own draft.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import wave
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from domain import database
from tests.migrated import put_migrated_database

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu",
                 # a synthetic camera and microphone, allowed without asking, heard without a click
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--autoplay-policy=no-user-gesture-required"]
LOCALE = "fr-FR"
ORGANISER_ZONE = "Europe/Paris"
DEMO_PASSWORD = "atelier-demo"
ORGANISER = "organisatrice@atelier.example"
MODERATOR = "moderateur@atelier.example"
STARTUP_TIMEOUT = 60.0
T = TypeVar("T")

# NiceGUI answers over a websocket after the page loads, and a busy machine (other builds, two CPU-bound
# processes beside the tests) may take many seconds: expectations wait as long as Playwright's actions do.
# A guard against hanging, not a speed check: the benchmarks measure how soon pages follow.
expect.set_options(timeout=30_000)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]
    data_dir: Path | None = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _start(data_dir: Path, log: Path, port: int | None = None, options: tuple[str, ...] = (),
           launcher: tuple[str, ...] = ("-m", "atelier"), environment: dict[str, str] | None = None) -> Server:
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    # The developer's ATELIER_* settings (a PostgreSQL URL, a public address...) must not reach the test server,
    # nor pytest's variables: NiceGUI's ui.run() takes PYTEST_CURRENT_TEST as "run inside NiceGUI's own tests".
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("ATELIER_", "PYTEST_", "NICEGUI_"))}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, *launcher, "demo", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), *options],
            cwd=ROOT, env=inherited | (environment or {}), stdout=output, stderr=subprocess.STDOUT,
        )
    server = Server(url, log, process, data_dir)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"atelier demo exited with status {process.returncode}:\n{server.log_tail()}")
        if _healthy(url):
            return server
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"atelier demo did not answer /healthz within {STARTUP_TIMEOUT:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def start_demo(folder: Path, *options: str, launcher: tuple[str, ...] = ("-m", "atelier"),
               environment: dict[str, str] | None = None) -> Server:
    """`atelier demo` on a free port, with its data directory and log in `folder`, and these options.

    `launcher` is what follows `python` up to the command (tests/e2e/clocked_atelier.py starts Atelier on a fake
    clock); `environment` adds variables to the server's.
    """
    if not (folder / "data" / database.SQLITE_FILE_NAME).exists():
        put_migrated_database(folder / "data")

    def attempt() -> Server:
        return _start(folder / "data", folder / "server.log", options=options, launcher=launcher,
                      environment=environment)

    try:
        return attempt()
    except RuntimeError as problem:
        if "already in use" not in str(problem):
            raise
        return attempt()  # the free port was taken first


@contextmanager
def demo_running(folder: Path, *options: str, launcher: tuple[str, ...] = ("-m", "atelier"),
                 environment: dict[str, str] | None = None) -> Iterator[Server]:
    """`start_demo`, stopped when the block ends."""
    started = start_demo(folder, *options, launcher=launcher, environment=environment)
    try:
        yield started
    finally:
        _stop(started.process)


def keep_screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save docs/screenshots/<name> when ATELIER_SCREENSHOTS=1: normal runs leave the documentation alone.

    From the top of the page, as it opens; by default what the window shows, as the person sees it (a whole-page
    picture draws the fixed header and the stage's sticky control bar in the middle of the page).
    """
    if os.environ.get("ATELIER_SCREENSHOTS") != "1":
        return
    page.evaluate("window.scrollTo(0, 0)")  # not wherever the last click scrolled it
    page.wait_for_timeout(400)  # let Quasar's transitions (tabs, notifications) settle
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def in_database(server: Server, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` on the server's own database, from the test's process (SQLite takes both).

    On a thread of its own: Playwright's synchronous API keeps an event loop running on this one.
    """
    assert server.data_dir is not None
    url = database.sqlite_url(server.data_dir)

    async def run() -> T:
        await database.open_database(url)
        try:
            return await work()
        finally:
            await database.close_database()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, run()).result()


def restart(server: Server) -> None:
    """Stop the server's process and start it again on the same port and data directory."""
    assert server.data_dir is not None
    _stop(server.process)
    port = int(server.url.rsplit(":", 1)[1])
    server.process = _start(server.data_dir, server.log, port).process


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`atelier demo` on a free port with a throw-away data directory, shared by the browser tests."""
    with demo_running(tmp_path_factory.mktemp("atelier-e2e")) as started:
        yield started


@pytest.fixture(scope="package")
def base_url(server: Server) -> str:
    return server.url


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


def write_speech_like_sound(path: Path, *, rate: int = 48_000) -> Path:
    """A microphone's worth of "speech": 1.2 s of a loud tone, then 0.8 s of silence, which Chromium loops.

    Chromium's default fake microphone only beeps for a few milliseconds each second: too short to
    count as someone speaking.
    """
    tone = [int(8_000 * math.sin(2 * math.pi * 220 * n / rate)) for n in range(int(1.2 * rate))]
    samples = tone + [0] * int(0.8 * rate)
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


@pytest.fixture(scope="package")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    speech = write_speech_like_sound(tmp_path_factory.mktemp("sound") / "speech.wav")
    launched = playwright.chromium.launch(executable_path=chromium,
                                          args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech}"])
    yield launched
    launched.close()


@dataclass
class Contexts:
    """Opens browser contexts for one test and closes them all afterwards."""

    browser: Browser
    base_url: str
    opened: list[BrowserContext] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def new(self, *, timezone_id: str = ORGANISER_ZONE, storage_state: dict | None = None,
            **options: Any) -> BrowserContext:
        """A French browser context; `options` (a phone's `user_agent`, a `viewport`...) go to Playwright."""
        settings: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, **options}
        context = self.browser.new_context(
            base_url=self.base_url, locale=LOCALE, timezone_id=timezone_id, storage_state=storage_state, **settings,
        )
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        self.opened.append(context)
        return context

    def new_page(self, **options: object) -> Page:
        return self.new(**options).new_page()  # type: ignore[arg-type]


@pytest.fixture
def contexts(browser: Browser, base_url: str, request: pytest.FixtureRequest,
             tmp_path: Path, server: Server) -> Iterator[Contexts]:
    opened = Contexts(browser, base_url)
    yield opened
    close_contexts(opened, request, tmp_path, server)


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A dedicated `atelier demo`, whose demo workshop the test may change, run, end or restart."""
    with demo_running(tmp_path_factory.mktemp(f"atelier-{request.node.module.__name__.rsplit('.', 1)[-1]}")) as started:
        yield started


@pytest.fixture
def people(browser: Browser, own_server: Server, request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[Contexts]:
    """Browser contexts on the test's own server: one per person taking part."""
    opened = Contexts(browser, own_server.url)
    yield opened
    close_contexts(opened, request, tmp_path, own_server)


def close_contexts(opened: Contexts, request: pytest.FixtureRequest, tmp_path: Path, server: Server) -> None:
    """Close a test's contexts; when the test failed, first keep what the pages showed and the server said."""
    failed = any(getattr(getattr(request.node, f"report_{phase}", None), "failed", False)
                 for phase in ("setup", "call"))
    if failed:  # what the browser showed and what the server said, to understand the failure
        for number, context in enumerate(opened.opened):
            for page_number, page in enumerate(context.pages):
                shot = tmp_path / f"failure-{number}-{page_number}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot of {page.url}: {shot}")
                except Exception as problem:  # a crashed page must not hide the real failure
                    print(f"no screenshot of {page.url}: {problem}")
        if opened.page_errors:
            print("JavaScript errors:\n" + "\n".join(opened.page_errors))
        print(f"server log ({server.log}):\n{server.log_tail()}")
    for context in opened.opened:
        context.close()


@pytest.fixture
def page(contexts: Contexts) -> Page:
    """A fresh anonymous visitor: French browser, Paris time."""
    return contexts.new_page()


# ------------------------------------------------------------------ signing in


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD, *, landing: str | re.Pattern[str]) -> None:
    """Sign in at /signin as a person would, and wait for the page it leads to."""
    page.goto("/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(landing)


@pytest.fixture(scope="package")
def organiser_state(browser: Browser, base_url: str) -> dict:
    """Cookies of a signed-in organiser, made once: most tests need not sign in again."""
    context = browser.new_context(base_url=base_url, locale=LOCALE, timezone_id=ORGANISER_ZONE)
    try:
        page = context.new_page()
        sign_in(page, ORGANISER, landing=f"{base_url}/organise")
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def organiser_page(contexts: Contexts, organiser_state: dict) -> Page:
    """A page of the demo organiser, already signed in (French, Paris time)."""
    return contexts.new_page(storage_state=organiser_state)


@pytest.fixture
def new_draft(organiser_page: Page) -> Callable[[str], str]:
    """Create a draft workshop through /organise/new; returns its slug, the page left on its purpose part."""

    def create(title: str) -> str:
        organiser_page.goto("/organise/new")
        organiser_page.get_by_role("textbox", name="Titre provisoire").fill(title)
        organiser_page.get_by_role("button", name="Créer le brouillon").click()
        organiser_page.wait_for_url(re.compile(r"/organise/[a-z0-9-]+/purpose$"))
        return organiser_page.url.rstrip("/").split("/")[-2]

    return create


# ------------------------------------------------------------------ the stage's control bar


def controls_on_two_lines(page: Page) -> list[str]:
    """The controls of the stage's bar (buttons, notes, the self-view) that are not on the same line as the first.

    On one line, every control's box overlaps, from top to bottom, the first one's.
    """
    boxes = page.locator(".stage-controls").evaluate("""bar => [...bar.querySelectorAll(
            'button, .media-hint, video, [role=status]:not(:empty)')]
        .filter(element => element.getClientRects().length)
        .map(element => {
            const box = element.getBoundingClientRect();
            return {name: (element.getAttribute('aria-label') || element.innerText || element.tagName).trim(),
                    top: box.top, bottom: box.bottom};
        })""")
    first = boxes[0]
    return [f"{box['name']!r} ({box['top']:.0f}-{box['bottom']:.0f}, the first {first['top']:.0f}-"
            f"{first['bottom']:.0f})" for box in boxes[1:]
            if box["top"] >= first["bottom"] or box["bottom"] <= first["top"]]


# ------------------------------------------------------------------ accessibility

def describe(violation: dict, nodes: list[dict]) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in nodes:
        lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
        lines.extend(f"        {line.strip()}" for line in node.get("failureSummary", "").splitlines() if line.strip())
    return "\n".join(lines)


def check_accessibility(page: Page, path: str) -> None:
    """Fail on any violation axe-core finds on the page as it is now, whatever its impact, contrast included."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # Loaded, its fonts in (axe reads colours and sizes), and NiceGUI connected if it is one of its pages (an e-mail
    # is not). Not "networkidle": a socket that fell back to long polling on a loaded machine keeps it busy for ever.
    page.wait_for_load_state("load")
    page.wait_for_function("document.fonts.status === 'loaded'"
                           " && (!document.getElementById('app') || window.did_handshake === true)")
    expect(page.locator(".q-notification")).to_have_count(0)  # axe would read their colours as they fade
    if page.get_by_role("dialog").count():  # and those of a dialog still opening
        expect(page.locator("#app")).to_have_attribute("inert", "")
    results = Axe().run(page).response
    violations = [describe(violation, violation["nodes"]) for violation in results["violations"]]
    if violations:
        pytest.fail(f"axe-core found violations on {path}:\n" + "\n".join(violations))
