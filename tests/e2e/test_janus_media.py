"""Cameras and microphones through Janus: `atelier demo --media-backend janus` with two real Janus servers.

The same browser experience as through Atelier's own forwarding (test_live_workshop.py): the plenary's
stage, the floor, a moderator's mute, a shared screen, who speaks, breakout rooms and a reload, while
two Janus VideoRoom servers carry the media, the plenary and each breakout room on one of them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from playwright.sync_api import expect

from media.janus.client import JanusConnection, Json
from tests.e2e.conftest import Contexts, Server, demo_running
from tests.e2e.test_live_workshop import (
    BREAKOUT_STEP,
    FIRST_ROOM,
    MARKET_ROOM,
    PLENARY,
    STAGE_VIEWPORT,
    choose_room,
    eventually,
    go_to_breakout_step,
    hand_queue,
    hears_someone,
    join,
    open_board,
    open_doors_and_start,
    sees_video_of,
    stage_tiles,
)
from tests.janus_server import API_SECRET, JanusServer

pytestmark = pytest.mark.e2e
T = TypeVar("T")


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory, janus_servers: list[JanusServer]) -> Iterator[Server]:
    """`atelier demo` whose media go through the two Janus servers."""
    urls = ",".join(server.url for server in janus_servers)
    with demo_running(tmp_path_factory.mktemp("atelier-janus"), "--media-backend", "janus",
                      "--janus-url", urls, "--janus-secret", API_SECRET) as started:
        yield started


def on_janus(server: JanusServer, work: Callable[[JanusConnection, int], Awaitable[T]]) -> T:
    """Ask a Janus server something over its own API, from the test (on a thread: Playwright holds this one)."""
    async def run() -> T:
        connection = JanusConnection(server.url, api_secret=API_SECRET)
        try:
            return await work(connection, await connection.attach())
        finally:
            await connection.close()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, run()).result()


def atelier_rooms(server: JanusServer) -> list[Json]:
    """The VideoRoom rooms Atelier made on this server."""
    async def listing(connection: JanusConnection, handle: int) -> list[Json]:
        data, _jsep = await connection.message(handle, {"request": "list"})
        return [room for room in data["list"] if str(room.get("description", "")).startswith("atelier")]
    return on_janus(server, listing)


def publishers(server: JanusServer, room: int) -> int:
    async def listing(connection: JanusConnection, handle: int) -> int:
        data, _jsep = await connection.message(handle, {"request": "listparticipants", "room": room})
        return sum(1 for participant in data["participants"] if participant.get("publisher"))
    return on_janus(server, listing)


def rooms_per_server(servers: list[JanusServer]) -> list[int]:
    return [len(atelier_rooms(server)) for server in servers]


def test_three_people_see_and_hear_each_other_through_janus_in_the_plenary_and_in_rooms(
        people: Contexts, own_server: Server, janus_servers: list[JanusServer]) -> None:
    log_before = len(own_server.log.read_text(errors="replace"))
    board = open_board(people)
    stage = board.context.new_page()  # the moderator's stage, beside the board
    stage.set_viewport_size(STAGE_VIEWPORT)
    stage.goto("/w/demo/live")
    amina, bruno, chloe = join(people, "Amina"), join(people, "Bruno"), join(people, "Chloé")
    participants = [amina, bruno, chloe]
    open_doors_and_start(board, participants)

    # The plenary, on one Janus server: everyone sees and hears the moderator.
    for page in participants:
        sees_video_of(page, "Karim Benali")
    hears_someone(amina, "Karim")
    assert sorted(rooms_per_server(janus_servers)) == [0, 1]

    # Amina is given the floor: the moderator and the others see and hear her, and see that she speaks
    # (from Janus's audio levels).
    bruno.evaluate("window.watchedThrough = window.atelierMedia.subscriber")
    amina.get_by_role("button", name="Lever la main").click()
    board.get_by_role("tab", name=re.compile("^Parole")).click()
    hand_queue(board).get_by_role("listitem").filter(has_text="Amina").get_by_role(
        "button", name="Donner la parole").click()
    sees_video_of(stage, "Amina")
    sees_video_of(bruno, "Amina")
    sees_video_of(chloe, "Amina")
    hears_someone(bruno, "Amina and Karim")
    # Her camera and microphone came as new streams on the connection Bruno watched through (Janus's "update").
    assert bruno.evaluate("window.atelierMedia.subscriber === window.watchedThrough")
    expect(bruno.locator(".speaking-now")).to_contain_text("Amina")

    # The moderator mutes her; with the floor she may unmute herself.
    board.get_by_role("button", name="Couper le micro de Amina").click()
    expect(amina.get_by_role("button", name="Rallumer mon micro")).to_be_visible()
    expect(bruno.locator(".speaking-now")).not_to_contain_text("Amina")
    amina.get_by_role("button", name="Rallumer mon micro").click()
    expect(board.get_by_role("button", name="Couper le micro de Amina")).to_be_visible()

    # The moderator shares a screen: everyone sees it, then no longer.
    stage.get_by_role("button", name="Partager mon écran").click()
    sees_video_of(bruno, "Écran de Karim Benali")
    stage.get_by_role("button", name="Arrêter de partager mon écran").click()
    expect(bruno.locator("figure.tile.video.screen")).to_have_count(0)

    # Participants may unmute in the plenary: Bruno speaks from his seat, heard; then the moderator mutes all.
    board.get_by_role("button", name="Reprendre la parole").click()
    expect(amina.get_by_role("button", name="Lever la main")).to_be_visible()
    board.get_by_role("switch", name="Les participant·es peuvent ouvrir leur micro en plénière").click()
    bruno.get_by_role("button", name="Rallumer mon micro").click()
    expect(amina.locator(".speaking-now")).to_contain_text("Bruno")
    board.get_by_role("button", name="Couper tous les micros").click()
    expect(bruno.get_by_role("button", name="Rallumer mon micro")).to_be_visible()
    expect(amina.locator(".speaking-now")).not_to_contain_text("Bruno")
    board.get_by_role("switch", name="Les participant·es peuvent ouvrir leur micro en plénière").click()

    # Breakout rooms: Amina and Bruno together, Chloé alone; the plenary keeps the moderator.
    choose_room(amina, MARKET_ROOM)
    choose_room(bruno, MARKET_ROOM)
    board.get_by_role("tab", name="Scénario").click()
    go_to_breakout_step(board)
    for page in participants:
        expect(page.get_by_text(BREAKOUT_STEP).first).to_be_visible()
    board.get_by_role("button", name="Ouvrir les salles").click()
    expect(chloe.get_by_role("heading", name=f"Salle : {FIRST_ROOM}")).to_be_visible()
    sees_video_of(amina, "Bruno")
    sees_video_of(bruno, "Amina")
    hears_someone(amina, "Bruno")
    hears_someone(bruno, "Amina")
    expect(amina.locator("figure.tile.video").filter(has_text="Karim Benali")).to_have_count(0)

    expect(stage_tiles(chloe)).to_have_text(["Chloé"])

    # Three rooms on two servers: the market room, the largest, on the server the plenary does not use.
    eventually(lambda: sorted(rooms_per_server(janus_servers)) == [1, 2],
               lambda: f"rooms per Janus server: {rooms_per_server(janus_servers)}")
    counts = rooms_per_server(janus_servers)
    alone = janus_servers[counts.index(1)]  # the server with one room: the market's
    market = atelier_rooms(alone)[0]["room"]
    eventually(lambda: publishers(alone, market) == 2, "Amina and Bruno publish in the market room")

    # The moderator shares his screen from the stage, then visits the market room (a new tab): the screen goes
    # with him, published again on the server carrying that room.
    stage.get_by_role("button", name="Partager mon écran").click()
    board.get_by_role("tab", name=re.compile("^Salles")).click()
    market_card = board.locator(".q-card").filter(has=board.get_by_role("heading", name=MARKET_ROOM))
    with board.expect_popup() as opened:
        market_card.get_by_role("button", name="Rejoindre").click()
    visit = opened.value
    expect(visit.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
    sees_video_of(amina, "Écran de Karim Benali")
    sees_video_of(bruno, "Écran de Karim Benali")
    eventually(lambda: publishers(alone, market) == 4, "Amina, Bruno, the moderator and his screen publish there")
    stage.get_by_role("button", name="Arrêter de partager mon écran").click()
    expect(amina.locator("figure.tile.video.screen")).to_have_count(0)
    visit.close()

    # Bruno reloads his page: he comes back to his room, and he and Amina see each other again.
    bruno.reload()
    expect(bruno.get_by_role("heading", name=f"Salle : {MARKET_ROOM}")).to_be_visible()
    sees_video_of(bruno, "Amina")
    sees_video_of(amina, "Bruno")

    # The rooms close: everyone is back in the plenary, and sees the moderator again.
    board.get_by_role("button", name="Fermer les salles").click()
    for page in participants:
        expect(page.get_by_role("heading", name=PLENARY, exact=True)).to_be_visible()
    for page in (amina, bruno):
        sees_video_of(page, "Karim Benali")
    eventually(lambda: sorted(rooms_per_server(janus_servers)) == [0, 1],
               lambda: f"rooms per Janus server: {rooms_per_server(janus_servers)}")

    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
    server_said = own_server.log.read_text(errors="replace")[log_before:]
    assert "Traceback" not in server_said, server_said


