"""A sound and video connection that cannot be made is told to the person, with what to try, and tried again.

The server announces an address nobody can reach (TEST-NET-1, as a wrong `--media-address` would):
the page loads, its connections for sound and video fail, as behind a firewall that blocks UDP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import MODERATOR, Contexts, Server, _stop, close_contexts, sign_in, start_demo

UNREACHABLE = "192.0.2.123"


@pytest.fixture(scope="module")
def unreachable_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started = start_demo(tmp_path_factory.mktemp("atelier-unreachable"), "--media-address", UNREACHABLE)
    yield started
    _stop(started.process)


def test_a_connection_that_fails_is_told_and_tried_again(browser: Browser, unreachable_media: Server,
                                                         request: pytest.FixtureRequest, tmp_path: Path) -> None:
    people = Contexts(browser, unreachable_media.url)
    try:
        stage = people.new_page()
        sign_in(stage, MODERATOR, landing=re.compile(r"/moderate$"))
        stage.goto("/w/demo/live")
        lost = stage.get_by_role("alert").filter(has_text="La connexion du son et de la vidéo est perdue")
        expect(lost).to_contain_text("Nouvel essai dans 2 s", timeout=60_000)
        expect(lost).to_contain_text("(UDP)")
        # Tried again, it fails again: the next attempt waits longer.
        lost.get_by_role("button", name="Réessayer maintenant").click()
        expect(lost).to_contain_text("Nouvel essai dans 4 s", timeout=60_000)
        assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
    finally:
        close_contexts(people, request, tmp_path, unreachable_media)
