"""The wizard's rooms part with many breakout rooms, against the same page with a few, in one run.

    .venv/bin/python benchmarks/rooms_page.py [--many 500] [--few 10] [--rounds 5] [--check]

Starts `atelier demo` on a free port with a throw-away data directory (as the browser tests do), puts two drafts
in its database, one with `--few` breakout rooms and one with `--many`, signs the demo organiser in with Debian's
Chromium, then for each draft, `--rounds` times:

- opening `/organise/{slug}/rooms`: from `page.goto` until the server has answered with the page (NiceGUI builds
  every element of the page before it answers), and until the page is drawn and live (its last button, "Next:
  Participants", visible, the first room's name field holding its value, the socket connected) — what the
  organiser waits for;
- one save: the participants expected changed, until the suggestion of rooms beside it says the new number —
  every save reloads the plan and redraws the advice and the parts that follow it.

Prints the medians and worst times, and the ratio many/few. `--check` exits with status 1 when opening the page
with `--many` rooms takes 2 s or more (the target of issue 13).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the browser tests' helpers start the demo

from domain import workshops
from domain.models import Room, RoomKind
from tests.e2e import conftest as browsers

TARGET_SECONDS = 2.0


def make_draft(rooms: int) -> Callable[[], Awaitable[str]]:
    async def work() -> str:
        workshop = await workshops.create_workshop(title=f"Atelier à {rooms} salles", created_by=None)
        workshop.expected_participants = rooms * 6
        await workshop.save(update_fields=["expected_participants"])
        await Room.bulk_create([Room(workshop_id=workshop.id, kind=RoomKind.BREAKOUT, position=number,
                                     name=f"Salle {number}") for number in range(1, rooms + 1)])
        return workshop.slug
    return work


def open_page(page: Page, slug: str) -> tuple[float, float]:
    """Seconds until the server has answered with the page (it builds every element first), and until the
    browser has drawn it and connected."""
    started = time.perf_counter()
    page.goto(f"/organise/{slug}/rooms", wait_until="commit")
    answered = time.perf_counter() - started
    expect(page.get_by_role("button", name="Suivant : Participant·es")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("textbox", name="Nom", exact=True).first).to_have_value("Salle 1", timeout=120_000)
    page.wait_for_function("window.did_handshake === true")
    return answered, time.perf_counter() - started


def one_save(page: Page, people: int) -> float:
    expected = page.get_by_role("spinbutton", name="Participant·es attendu·es par session")
    started = time.perf_counter()
    expected.fill(str(people))
    expected.press("Tab")
    expect(page.get_by_text(f"Suggestion pour {people} participant·es")).to_be_visible(timeout=120_000)
    return time.perf_counter() - started


def measure(page: Page, slug: str, rounds: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"answer": [], "open": [], "save": []}
    for _ in range(rounds):
        answered, opened = open_page(page, slug)
        figures["answer"].append(answered)
        figures["open"].append(opened)
        figures["save"].append(one_save(page, 7001 + len(figures["save"])))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--many", type=int, default=500)
    parser.add_argument("--few", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atelier-rooms-bench-"))
    try:
        with browsers.demo_running(folder) as server:
            slugs = {count: browsers.in_database(server, make_draft(count)) for count in (options.few, options.many)}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                     args=browsers.CHROMIUM_ARGS)
                context = browser.new_context(base_url=server.url, locale=browsers.LOCALE,
                                              timezone_id=browsers.ORGANISER_ZONE,
                                              viewport={"width": 1280, "height": 900})
                page = context.new_page()
                browsers.sign_in(page, browsers.ORGANISER, landing=f"{server.url}/organise")
                open_page(page, slugs[options.few])  # warm up: first imports, first page of the kind
                results = {count: measure(page, slug, options.rounds) for count, slug in slugs.items()}
                browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"rooms part, {options.rounds} rounds each (seconds: median / worst)")
    print(f"{'breakout rooms':>15} | {'server answers':>15} | {'page ready':>15} | {'one save':>15}")
    for count, figures in results.items():
        print(f"{count:>15} | " + " | ".join(
            f"{statistics.median(figures[measure]):>7.2f} / {max(figures[measure]):<5.2f}"
            for measure in ("answer", "open", "save")))
    many, few = results[options.many], results[options.few]
    ratio = {measure: statistics.median(many[measure]) / statistics.median(few[measure]) for measure in many}
    print(f"ratio {options.many}/{options.few}: server answers {ratio['answer']:.2f}, page ready {ratio['open']:.2f}, "
          f"save {ratio['save']:.2f}")
    if options.check and statistics.median(many["open"]) >= TARGET_SECONDS:
        print(f"missed: opening the page with {options.many} rooms takes {TARGET_SECONDS} s or more")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
