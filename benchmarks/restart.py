#!/usr/bin/env python3
"""Restart benchmark: how soon the server answers after a start, and how soon open pages are live again.

Starts `atelier demo` on a free port with a throw-away data directory and opens Debian's Chromium
(Playwright) on it: the moderator board (`/w/demo/moderate`, signed in as the demo organiser through
/signin) and a few participants who join from `/w/demo/lobby`; the moderator opens the doors (the
lobbies move to `/w/demo/live` by themselves) and starts the workshop. Then, round after round, the
server is stopped (`kill -9`, or SIGTERM as a supervisor stops it) and started again on the same port
and data, and the script measures:

- **answer**: from the new process's start to the first 200 on `/healthz`;
- **back**, for each page: from that first 200 to the moment the page is live on the new server,
  without any reload from the script: it holds a NiceGUI client id the old server never gave (so it was
  built by the new server), its socket has finished the handshake, and it shows the run's current step
  (the step's title in the stage's "current step" panel, "Étape N sur 6" on the board). Each page notes
  the moment itself (`Date.now()`, from a script Playwright adds to every document it loads), so
  the figure does not depend on how often the script looks;
- **change**: then the board pauses or resumes the countdown, and the time until the board and every
  stage show it (a fresh change, driven by the new server, reaching them).

A visitor who opened the lobby without joining yet is measured too: back when its join form is shown
by the new server.

Pages are never reloaded by the script: what the browser does on its own is what is measured. Each
page also notes when its old document reloaded itself, which splits "back" into the wait for its
socket to try again and the reload. The server's CPU time when it first answers (schedstat) tells how
much work a start is, whatever the machine's load. `--load N` runs N CPU-burning processes
(`while True: pass`) beside it all, as on a busy machine; `--py-spy DIR` records the server for 10 s
after each answer (py-spy installed apart).

    .venv/bin/python benchmarks/restart.py                  # 3 rounds of kill -9 and 3 of SIGTERM, ~2 min
    .venv/bin/python benchmarks/restart.py --load 2         # the same with two cores' worth of load beside
    .venv/bin/python benchmarks/restart.py --rounds 1 --participants 2   # a smoke run
    .venv/bin/python benchmarks/restart.py --server-root /tmp/other-checkout   # another version's server
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
ORGANISER, PASSWORD = "organisatrice@atelier.example", "atelier-demo"
NAMES = ("Amina", "Bruno", "Chloé", "Dario", "Elif", "Fanny")
FIRST_STEP = "Accueil et règles du jeu"
STEP_PANEL = 'aside[aria-label="L’étape en cours"]'
JOIN_HEADING = "Rejoindre l’atelier"
ANSWER_TARGET, BACK_TARGET = 3.0, 5.0  # seconds (the aims)
BACK_TIMEOUT = 90.0

# Added to every document the pages load: once the script has said what "back" means for this tab
# (sessionStorage survives the page reloading itself), note the first moment it holds.
WATCHER = """
(() => {
  const look = () => {
    const want = sessionStorage.getItem("restart-benchmark");
    if (!want || window.restartBenchmarkBack) return;
    const { old, selector, text } = JSON.parse(want);
    const part = document.querySelector(selector);
    if (window.did_handshake === true && window.clientId && window.clientId !== old
        && part && part.innerText.includes(text)) {
      window.restartBenchmarkBack = Date.now();
    }
  };
  setInterval(look, 50);
  // The old document notes when it gave up and reloaded itself: the wait before, the rebuild after.
  addEventListener("beforeunload", () => {
    if (sessionStorage.getItem("restart-benchmark") && !window.restartBenchmarkBack) {
      sessionStorage.setItem("restart-benchmark-left", String(Date.now()));
    }
  });
})();
"""


class BenchmarkError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Server:
    root: Path
    data_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> tuple[float, float]:
        """Start `atelier demo`: the seconds from its start to the first 200 on /healthz, and its CPU seconds then."""
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith(("ATELIER_", "PYTEST_", "NICEGUI_"))}
        with self.log.open("ab") as output:
            started = time.monotonic()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "atelier", "demo", "--host", "127.0.0.1", "--port", str(self.port),
                 "--data-dir", str(self.data_dir)],
                cwd=self.root, env=environment, stdout=output, stderr=subprocess.STDOUT)
        while time.monotonic() - started < 60:
            if self.process.poll() is not None:
                raise BenchmarkError(f"atelier demo exited with status {self.process.returncode}:\n{self.tail()}")
            if healthy(self.url):
                return time.monotonic() - started, self.cpu_seconds()
            time.sleep(0.02)
        raise BenchmarkError(f"atelier demo did not answer /healthz within 60 s:\n{self.tail()}")

    def cpu_seconds(self) -> float:
        """The time the server's threads have run so far (schedstat, in nanoseconds)."""
        assert self.process is not None
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(OSError, IndexError, ValueError):  # a thread that just ended
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def stop(self, how: signal.Signals) -> float:
        """Send `how` and wait for the process to end; the seconds it took."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(how)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return time.monotonic() - began

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Tab:
    name: str
    page: Page
    selector: str
    text: str


def new_page(browser: Browser, url: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=url, locale="fr-FR", timezone_id="Europe/Paris", viewport=viewport)
    context.add_init_script(WATCHER)
    return context.new_page()


def open_workshop(browser: Browser, url: str, participants: int) -> tuple[Tab, list[Tab], Tab]:
    """The board signed in, participants on the stage, the workshop started at its first step.

    And a visitor who opened the lobby and has not joined yet: the lobby's join form.
    """
    board = new_page(browser, url, {"width": 760, "height": 1000})
    board.goto("/signin")
    board.get_by_label("Adresse e-mail").fill(ORGANISER)
    board.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    board.get_by_role("button", name="Se connecter").click()
    board.wait_for_url("**/organise")
    board.goto("/w/demo/moderate")
    expect(board.get_by_role("heading", level=1)).to_be_visible()

    stages = []
    for name in NAMES[:participants]:
        page = new_page(browser, url, {"width": 1280, "height": 860})
        page.goto("/w/demo/lobby")
        page.get_by_role("textbox", name="Votre nom").fill(name)
        page.get_by_role("button", name="Entrer dans la salle d’attente").click()
        expect(page.get_by_role("heading", name=f"Bienvenue, {name} !")).to_be_visible()
        stages.append(Tab(name, page, STEP_PANEL, FIRST_STEP))

    board.get_by_role("button", name="Ouvrir les portes").click()
    for stage in stages:
        stage.page.wait_for_url("**/w/demo/live")
        stage.page.wait_for_function("window.did_handshake === true")
    expect(board.get_by_role("tab", name=f"Personnes ({participants})")).to_be_visible()
    board.get_by_role("button", name="Commencer l’atelier").click()
    expect(board.get_by_text("Étape 1 sur 6")).to_be_visible()
    for stage in stages:
        expect(stage.page.locator(STEP_PANEL).get_by_role("heading", name=FIRST_STEP)).to_be_visible()
    visitor = new_page(browser, url, {"width": 1280, "height": 860})
    visitor.goto("/w/demo/lobby")
    expect(visitor.get_by_role("heading", name=JOIN_HEADING)).to_be_visible()
    visitor.wait_for_function("window.did_handshake === true")
    return Tab("board", board, "#main", "Étape 1 sur 6"), stages, Tab("lobby", visitor, "#main", JOIN_HEADING)


def client_id(page: Page) -> str | None:
    try:
        return page.evaluate("window.clientId")
    except Exception:  # the page is loading again
        return None


def arm(tab: Tab) -> None:
    """Tell the tab what being back means: a client id other than its present one, and its text."""
    want = json.dumps({"old": client_id(tab.page), "selector": tab.selector, "text": tab.text})
    tab.page.evaluate("want => { sessionStorage.setItem('restart-benchmark', want);"
                      " sessionStorage.removeItem('restart-benchmark-left'); delete window.restartBenchmarkBack; }",
                      want)


def back_at(tab: Tab) -> tuple[float, float | None] | None:
    """When the tab noted it was back and when it had left its old document (seconds since the epoch)."""
    try:
        noted = tab.page.evaluate("[window.restartBenchmarkBack || null,"
                                  " Number(sessionStorage.getItem('restart-benchmark-left')) || null]")
    except Exception:  # navigating: its new document is being built
        return None
    back, left = noted
    return (back / 1000, left / 1000 if left else None) if back else None


def page_served_in(tab: Tab) -> float:
    """How long the server took to answer the page's own request (navigation timing), in seconds."""
    return tab.page.evaluate("(({ requestStart, responseStart }) => (responseStart - requestStart) / 1000)"
                             "(performance.getEntriesByType('navigation')[0])")


def toggle_pause(board: Tab, tabs: list[Tab]) -> float:
    """Pause (or resume) from the board; the seconds until every page shows it."""
    pause = board.page.get_by_role("button", name="Pause")
    button = pause if pause.count() else board.page.get_by_role("button", name="Reprendre")
    want = "true" if pause.count() else "false"
    began = time.monotonic()
    button.click()
    for tab in tabs:
        tab.page.wait_for_function(
            f"""() => {{ const timer = document.querySelector('[role=timer]');
                        return timer && timer.getAttribute('aria-label').endsWith('(en pause)') === {want}; }}""",
            polling=20, timeout=30_000)
    return time.monotonic() - began


@dataclass
class Round:
    how: str
    stop: float
    answer: float
    cpu: float  # the server's CPU seconds when it first answered
    back: dict[str, float]
    left: dict[str, float]  # when each page left its old document to load the page again
    served: dict[str, float]  # how long the new server took to answer each page's request
    change: float


def one_round(server: Server, how: signal.Signals, tabs: list[Tab], profile: Path | None = None) -> Round:
    for tab in tabs:
        arm(tab)
    stopped = server.stop(how)
    answer, cpu = server.start()
    answered = time.time()  # the epoch, as the pages' Date.now()
    if profile is not None:
        assert server.process is not None
        profile.mkdir(parents=True, exist_ok=True)
        output = profile / f"{how.name}-{time.strftime('%H%M%S')}.txt"
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        subprocess.Popen([spy, "record", "--pid", str(server.process.pid), "--rate", "200", "--duration", "10",
                          "--format", "raw", "--output", str(output)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    back: dict[str, float] = {}
    left: dict[str, float] = {}
    while len(back) < len(tabs):
        if time.time() - answered > BACK_TIMEOUT:
            missing = ", ".join(tab.name for tab in tabs if tab.name not in back)
            raise BenchmarkError(f"not back within {BACK_TIMEOUT:.0f} s of the server answering: {missing}")
        for tab in tabs:
            if tab.name not in back and (noted := back_at(tab)) is not None:
                back[tab.name] = noted[0] - answered
                if noted[1] is not None:
                    left[tab.name] = noted[1] - answered
        time.sleep(0.1)
    served = {tab.name: page_served_in(tab) for tab in tabs}
    return Round(how.name, stopped, answer, cpu, back, left, served,
                 toggle_pause(tabs[0], [tab for tab in tabs if tab.name != "lobby"]))


def describe(values: list[float]) -> str:
    return f"p50 {statistics.median(values):5.2f} s, max {max(values):5.2f} s"


def report(rounds: list[Round], load: int) -> None:
    print(f"\nSummary ({len(rounds)} rounds, {load} CPU-burning processes beside, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[1]:.1f} over the last 5 min):")
    for how in ("SIGKILL", "SIGTERM"):
        chosen = [r for r in rounds if r.how == how]
        if not chosen:
            continue
        answers = [r.answer for r in chosen]
        backs = [value for r in chosen for value in r.back.values()]
        stage = [value for r in chosen for name, value in r.back.items() if name not in ("board", "lobby")]
        board = [r.back["board"] for r in chosen]
        lobby = [r.back["lobby"] for r in chosen]
        print(f"  {how}: answer {describe(answers)} (aim ≤ {ANSWER_TARGET:.0f} s "
              f"{'✔' if max(answers) <= ANSWER_TARGET else '✘'}); "
              f"server CPU until it answers {describe([r.cpu for r in chosen])}")
        print(f"           back   {describe(backs)} (aim ≤ {BACK_TARGET:.0f} s "
              f"{'✔' if max(backs) <= BACK_TARGET else '✘'})")
        print(f"           stages {describe(stage)}, board {describe(board)}, lobby {describe(lobby)}")
        lefts = [value for r in chosen for value in r.left.values()]
        rebuilds = [r.back[name] - value for r in chosen for name, value in r.left.items()]
        if lefts:
            print(f"           of which: waiting to try again {describe(lefts)}, reload to live {describe(rebuilds)}")
        served = [value for r in chosen for value in r.served.values()]
        print(f"           the server's answer to the page's request {describe(served)}")
        print(f"           answer + back, worst page: {max(r.answer + max(r.back.values()) for r in chosen):5.2f} s;"
              f" change reaches every page: {describe([r.change for r in chosen])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each kind of stop (default 3)")
    parser.add_argument("--participants", type=int, default=3, choices=range(1, len(NAMES) + 1))
    parser.add_argument("--load", type=int, default=0, metavar="N", help="CPU-burning processes beside")
    parser.add_argument("--only", choices=("kill", "term"), help="one kind of stop only")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="record the server with py-spy (installed apart) for 10 s after each restart's answer")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every round's figures to FILE")
    parser.add_argument("--server-root", type=Path, default=ROOT,
                        help="run `python -m atelier` from this checkout (default: this one)")
    arguments = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Debian's chromium is needed (apt-get install chromium)", file=sys.stderr)
        return 1

    folder = Path(tempfile.mkdtemp(prefix="atelier-restart-"))
    server = Server(arguments.server_root.resolve(), folder / "data", folder / "server.log")
    burners: list[subprocess.Popen[bytes]] = []
    rounds: list[Round] = []
    kinds = {"kill": [signal.SIGKILL], "term": [signal.SIGTERM]}.get(arguments.only or "",
                                                                     [signal.SIGKILL, signal.SIGTERM])
    try:
        print(f"server from {server.root}, log {server.log}")
        answer, cpu = server.start()
        print(f"first start (creates the demo): answer {answer:.2f} s, {cpu:.2f} s of CPU")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            board, stages, lobby = open_workshop(browser, server.url, arguments.participants)
            tabs = [board, *stages, lobby]
            burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(arguments.load)]
            delays = board.page.evaluate("[socket.io.reconnectionDelay(), socket.io.reconnectionDelayMax()]")
            print(f"the board, {len(stages)} stage pages and a lobby live; {arguments.load} CPU-burning processes "
                  f"beside; the pages' socket.io tries again after {delays[0]} ms, then up to {delays[1]} ms")
            for number in range(arguments.rounds):
                for how in kinds:
                    result = one_round(server, how, tabs, arguments.py_spy)
                    rounds.append(result)
                    backs = list(result.back.values())
                    print(f"round {number + 1} {result.how:7}: stopped in {result.stop:4.2f} s, "
                          f"answer {result.answer:5.2f} s ({result.cpu:.2f} s CPU), back {describe(backs)} "
                          f"[{', '.join(f'{name} {value:.2f}' for name, value in result.back.items())}], "
                          f"change {result.change:.2f} s")
                    if result.left:
                        print(f"{'':17}pages reloaded themselves at "
                              + ", ".join(f"{name} {value:.2f}" for name, value in result.left.items()))
            browser.close()
    except BenchmarkError as problem:
        print(f"restart benchmark: {problem}", file=sys.stderr)
        return 1
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        if server.process is not None and server.process.poll() is None:
            server.stop(signal.SIGTERM)
    report(rounds, arguments.load)
    if arguments.json:
        arguments.json.write_text(json.dumps({"load": arguments.load, "load_average": os.getloadavg(),
                                              "rounds": [asdict(r) for r in rounds]}, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
