"""A participant whose link is too narrow for the videos they should see: fewer videos, told so, sound kept.

Bruno's Chromium runs in a network namespace of its own, joined to the machine by a virtual Ethernet pair;
once he is on the stage, a token bucket (`tc ... tbf`) narrows what reaches him to 250 kbit/s, less than the
two stage videos of the plenary. Atelier's link budget (`media/bandwidth.py`) then sends him fewer videos,
down to sound only, and his page says why; once the link is wide again, the videos come back. Needs root
and iproute2 (`ip`, `tc`; `make test` installs it); skipped without root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Playwright, expect

from tests.e2e.conftest import CHROMIUM_ARGS, Contexts, Server, close_contexts, demo_running, keep_screenshot
from tests.e2e.test_live_workshop import (
    hand_queue,
    hears_someone,
    join,
    open_board,
    open_doors_and_start,
    sees_video_of,
)

# Named after this process, so that two test runs on one machine keep apart (interface names: 15 characters).
NAMESPACE = f"atelier-narrow-{os.getpid()}"
HOST_SIDE, BROWSER_SIDE = f"atl{os.getpid() % 100_000}h", f"atl{os.getpid() % 100_000}b"
SUBNET = f"10.213.{os.getpid() % 250}"
HOST_ADDRESS, BROWSER_ADDRESS = f"{SUBNET}.1", f"{SUBNET}.2"
NARROW = "250kbit"  # less than the plenary's two stage videos (about 600 kbit/s each at most)
WEAK_LINK = "Connexion faible : moins de vidéos pour l’instant"


@dataclass
class NarrowLink:
    """A network namespace whose only way out is a veth pair; what reaches it can be narrowed."""

    def run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True)

    def narrow(self, rate: str) -> None:
        """Packets to the namespace go through a token bucket of this rate (50 ms of queue, then dropped)."""
        self.run("tc", "qdisc", "replace", "dev", HOST_SIDE, "root", "tbf", "rate", rate, "burst", "8kb",
                 "latency", "50ms")

    def widen(self) -> None:
        self.run("tc", "qdisc", "del", "dev", HOST_SIDE, "root")


@pytest.fixture
def narrow_link() -> Iterator[NarrowLink]:
    if os.geteuid() != 0:
        pytest.skip("a network namespace needs root (CI runs as root)")
    if shutil.which("ip") is None or shutil.which("tc") is None:
        pytest.fail("iproute2 (ip, tc) is needed to narrow a browser's link: apt-get install -y iproute2")
    link = NarrowLink()
    link.run("ip", "netns", "add", NAMESPACE)
    try:
        link.run("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", BROWSER_SIDE)
        link.run("ip", "link", "set", BROWSER_SIDE, "netns", NAMESPACE)
        link.run("ip", "addr", "add", f"{HOST_ADDRESS}/24", "dev", HOST_SIDE)
        link.run("ip", "link", "set", HOST_SIDE, "up")
        for command in (("ip", "addr", "add", f"{BROWSER_ADDRESS}/24", "dev", BROWSER_SIDE),
                        ("ip", "link", "set", BROWSER_SIDE, "up"), ("ip", "link", "set", "lo", "up")):
            link.run("ip", "netns", "exec", NAMESPACE, *command)
        yield link
    finally:
        subprocess.run(["ip", "link", "del", HOST_SIDE], capture_output=True)
        subprocess.run(["ip", "netns", "del", NAMESPACE], capture_output=True)


@pytest.fixture
def reachable_server(tmp_path_factory: pytest.TempPathFactory, narrow_link: NarrowLink) -> Iterator[Server]:
    """`atelier demo` listening on every address, the namespace's way out included."""
    with demo_running(tmp_path_factory.mktemp("atelier-narrow"), "--host", "0.0.0.0") as started:
        yield started


@pytest.fixture
def narrow_browser(playwright: Playwright, reachable_server: Server, tmp_path: Path) -> Iterator[Browser]:
    """Chromium started inside the namespace (Playwright talks to it over pipes, which cross namespaces)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    launcher = tmp_path / "chromium-in-namespace"
    launcher.write_text(f'#!/bin/sh\nexec ip netns exec {NAMESPACE} {chromium} "$@"\n')
    launcher.chmod(0o755)
    origin = behind_the_link_url(reachable_server)
    launched = playwright.chromium.launch(executable_path=str(launcher), args=[
        *CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={origin}"])  # a camera needs a secure page
    yield launched
    launched.close()


def behind_the_link_url(server: Server) -> str:
    """The server's address as seen from the namespace."""
    return f"http://{HOST_ADDRESS}:{urlsplit(server.url).port}"


def test_a_participant_on_a_narrow_link_gets_fewer_videos_keeps_the_sound_and_is_told(
        browser: Browser, narrow_browser: Browser, reachable_server: Server, narrow_link: NarrowLink,
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    people = Contexts(browser, reachable_server.url)
    behind_the_link = Contexts(narrow_browser, behind_the_link_url(reachable_server))
    try:
        board = open_board(people)
        stage = board.context.new_page()
        stage.goto("/w/demo/live")
        amina, bruno = join(people, "Amina"), join(behind_the_link, "Bruno")
        open_doors_and_start(board, [amina, bruno])

        # Amina has the floor: Bruno sees and hears her and the moderator, the link still wide.
        amina.get_by_role("button", name="Lever la main").click()
        board.get_by_role("tab", name=re.compile("^Parole")).click()
        hand_queue(board).get_by_role("listitem").filter(has_text="Amina").get_by_role(
            "button", name="Donner la parole").click()
        sees_video_of(bruno, "Amina")
        sees_video_of(bruno, "Karim Benali")
        expect(bruno.get_by_text(WEAK_LINK)).to_have_count(0)

        # The link narrows below what two videos need: fewer videos, said on his page; he still hears them.
        narrow_link.narrow(NARROW)
        expect(bruno.get_by_text(WEAK_LINK)).to_be_visible(timeout=60_000)
        expect(bruno.locator("figure.tile.video")).not_to_have_count(2)
        keep_screenshot(bruno, "live-stage-weak-link.png")
        hears_someone(bruno, "Amina and Karim, on a narrow link")
        sees_video_of(amina, "Karim Benali")  # the others see what they saw

        # Wide again: after a while without trouble the videos come back, one at a time, and the hint goes.
        narrow_link.widen()
        expect(bruno.get_by_text(WEAK_LINK)).to_have_count(0, timeout=90_000)
        expect(bruno.locator("figure.tile.video")).to_have_count(2)
        assert not people.page_errors and not behind_the_link.page_errors, (
            f"JavaScript errors: {people.page_errors + behind_the_link.page_errors}")
    finally:
        close_contexts(behind_the_link, request, tmp_path, reachable_server)
        close_contexts(people, request, tmp_path, reachable_server)
