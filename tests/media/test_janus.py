"""Janus VideoRoom servers carry the media: aiortc peers publish and watch through real Janus processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable

import aioice.ice
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media.janus.client import JanusConnection, JanusError
from media.janus.placement import place_rooms
from media.janus.service import JanusMedia
from media.peers import server_configuration
from media.routing import Gathering, is_screen, route, screen_of
from tests.janus_server import API_SECRET, JanusServer, start_servers
from tests.media.synthetic import GreyCamera, Microphone, Viewer
from tests.waiting import until

pytestmark = pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True),
                                reason="no network address for ICE on this machine")

SHADES = {"karim": 40, "amina": 110, "bruno": 170, "chloe": 230}
SCREEN_SHADE = 80


class Browser:
    """One person's browser: a grey camera and a microphone published, and what the server sends it watched.

    Janus subscriptions are new connections when what a page receives changes in number: the page then
    watches anew, as Atelier's browser element does; what it saw before is kept.
    """

    def __init__(self, media: JanusMedia, who: Hashable) -> None:
        self.media, self.who, self.page = media, who, f"page of {who}"
        self.publisher: RTCPeerConnection | None = None
        self.microphone = Microphone()
        self.viewer: Viewer | None = None
        self.shades: list[tuple[float, int]] = []
        self.peaks: list[tuple[float, int]] = []
        self.watched = 0  # how many times the page watched anew (a new connection)
        self.reoffers = 0  # how many times it answered a new offer on the same connection
        self._tasks: set[asyncio.Task[None]] = set()
        self.screen: RTCPeerConnection | None = None
        media.on_renegotiate(self.page, lambda source: self._later(self.share_screen() if is_screen(source)
                                                                   else self.publish()),
                             lambda: self._later(self.watch()), self.reoffer)

    def _later(self, work: object) -> None:
        task = asyncio.ensure_future(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def publish(self) -> None:
        if self.publisher is not None:
            await self.publisher.close()
        self.publisher = RTCPeerConnection(server_configuration())
        self.publisher.addTransceiver(GreyCamera(SHADES[str(self.who)]), direction="sendonly")
        self.publisher.addTransceiver(self.microphone, direction="sendonly")
        await self.publisher.setLocalDescription(await self.publisher.createOffer())
        answer = await self.media.publish(self.who, self.publisher.localDescription, self.page)
        await self.publisher.setRemoteDescription(answer)

    async def share_screen(self) -> None:
        """A screen, published apart from the camera (a grey picture of its own shade)."""
        if self.screen is not None:
            await self.screen.close()
        self.screen = RTCPeerConnection(server_configuration())
        self.screen.addTransceiver(GreyCamera(SCREEN_SHADE), direction="sendonly")
        await self.screen.setLocalDescription(await self.screen.createOffer())
        answer = await self.media.publish(screen_of(self.who), self.screen.localDescription, self.page)
        await self.screen.setRemoteDescription(answer)

    async def watch(self) -> None:
        offer = await self.media.watch(self.page, self.who)
        if self.viewer is not None:
            await self.viewer.close()
            self.viewer = None
        if offer is None:
            return
        viewer = self.viewer = Viewer()
        viewer.shades, viewer.peaks = self.shades, self.peaks  # one page: what it saw, whichever connection
        answer = await viewer.answer(RTCSessionDescription(sdp=offer.sdp, type=offer.type))
        await self.media.accept(self.page, answer)
        self.watched += 1

    async def reoffer(self, offer: RTCSessionDescription) -> RTCSessionDescription | None:
        """More or fewer streams on the same connection: answered on it."""
        if self.viewer is None:
            return None
        self.reoffers += 1
        return await self.viewer.answer(offer)

    def shades_after(self, mark: int) -> set[int]:
        return {shade for _, shade in self.shades[mark:]}

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self.viewer is not None:
            await self.viewer.close()
        if self.publisher is not None:
            await self.publisher.close()
        if self.screen is not None:
            await self.screen.close()


async def participants(room_count: int, rooms: dict[Hashable, Hashable | None], servers: list[JanusServer]
                       ) -> tuple[JanusMedia, dict[Hashable, Browser]]:
    media = JanusMedia([server.url for server in servers[:room_count]], api_secret=API_SECRET)
    browsers = {who: Browser(media, who) for who in rooms}
    return media, browsers


async def test_the_plenary_sees_and_hears_the_stage_through_janus(janus_servers: list[JanusServer]) -> None:
    plenary = dict.fromkeys(SHADES)
    media, browsers = await participants(2, plenary, janus_servers)
    media.route("run", route(Gathering(rooms=plenary, moderators=frozenset({"karim"}), floor="bruno",
                                       may_speak=frozenset({"bruno"}))))
    for browser in browsers.values():
        await browser.publish()
    for browser in browsers.values():
        await browser.watch()
    amina, bruno = browsers["amina"], browsers["bruno"]
    browsers["bruno"].microphone.loud = True
    await until(lambda: {40, 170} <= amina.shades_after(0) and 40 in bruno.shades_after(0),
                message=lambda: f"amina saw {amina.shades_after(0)}, bruno {bruno.shades_after(0)}")
    mark = len(bruno.shades)
    await until(lambda: len(bruno.shades) > mark + 30)
    assert bruno.shades_after(mark) == {40}  # never oneself
    assert media.shown("page of amina") == (["karim", "bruno"], ["karim", "bruno"])
    await until(lambda: max((peak for _, peak in amina.peaks), default=0) > 8_000)  # Bruno's tone
    await until(lambda: "bruno" in media.speaking)  # from Janus's audio levels
    assert len(set(media.placement().values())) == 1  # one room: one server

    # The floor passes to Chloé: Amina's page, the same number of streams, switched in place; Bruno's page
    # (who saw only the moderator while he had the floor) gets more streams on the connection it has.
    watched, bruno_reoffers = amina.watched, bruno.reoffers
    media.route("run", route(Gathering(rooms=plenary, moderators=frozenset({"karim"}), floor="chloe",
                                       may_speak=frozenset({"chloe"}))))
    mark = len(amina.shades)
    await until(lambda: 230 in amina.shades_after(mark))
    await until(lambda: len(amina.shades) > mark + 60)
    assert amina.shades_after(len(amina.shades) - 20) == {40, 230}
    assert media.shown("page of amina") == (["karim", "chloe"], ["karim", "chloe"])
    assert amina.watched == watched
    mark = len(bruno.shades)
    await until(lambda: {40, 230} <= bruno.shades_after(mark))
    assert media.shown("page of bruno") == (["karim", "chloe"], ["karim", "chloe"])
    assert (bruno.watched, bruno.reoffers) == (1, bruno_reoffers + 1)

    # Amina's microphone opens too: one more sound for Bruno, on the same connection.
    media.route("run", route(Gathering(rooms=plenary, moderators=frozenset({"karim"}), floor="chloe",
                                       may_speak=frozenset({"chloe", "amina"}))))
    await until(lambda: media.shown("page of bruno")[1] == ["karim", "chloe", "amina"])
    amina.microphone.loud, bruno.microphone.loud = True, False
    opened = time.monotonic()
    await until(lambda: max((peak for at, peak in bruno.peaks if at > opened), default=0) > 8_000)  # her tone
    assert (bruno.watched, bruno.reoffers) == (1, bruno_reoffers + 2)

    # The moderator's page closes: Janus drops the streams of the camera gone, on the same connections.
    await media.unpublish("karim")
    await until(lambda: media.shown("page of amina") == (["chloe"], ["chloe"]) or
                media.shown("page of amina") == ([None, "chloe"], [None, "chloe"]))
    await until(lambda: len(amina.shades) > 20 and amina.shades_after(len(amina.shades) - 20) == {230})
    assert amina.watched == watched
    await close(media, browsers)


async def test_rooms_are_spread_over_two_servers_and_people_move_between_them(
        janus_servers: list[JanusServer]) -> None:
    plenary = dict.fromkeys(SHADES)
    media, browsers = await participants(2, plenary, janus_servers)
    stage = Gathering(rooms=plenary, moderators=frozenset({"karim"}), floor="bruno")
    media.route("run", route(stage))
    for browser in browsers.values():
        await browser.publish()
        await browser.watch()
    amina, chloe = browsers["amina"], browsers["chloe"]
    await until(lambda: {40, 170} <= amina.shades_after(0))
    assert set(media.placement()) == {("run", None)}

    # Breakouts: the moderator stays in the plenary; the larger room goes to the idle server.
    media.route("run", route(Gathering(rooms={"karim": None, "amina": "nature", "bruno": "nature",
                                              "chloe": "market"}, moderators=frozenset({"karim"}))))
    placement = media.placement()
    assert placement[("run", "nature")] == janus_servers[1].url
    assert placement[("run", None)] == placement[("run", "market")] == janus_servers[0].url
    await until(lambda: media.shown("page of amina")[0] == ["bruno"])  # published again in the room, watched anew
    mark = len(amina.shades)
    await until(lambda: len(amina.shades) > mark + 30)
    assert amina.shades_after(mark) == {170}  # Bruno only: the moderator's camera stays in the plenary
    await until(lambda: publishing_in(janus_servers[1], media.room_number(("run", "nature")), {"amina", "bruno"}))
    await until(lambda: publishing_in(janus_servers[0], media.room_number(("run", "market")), {"chloe"}))
    assert media.shown("page of chloe") == ([], [])  # alone in her room

    media.route("run", route(stage))  # back to the plenary: everyone publishes there again
    back = len(amina.shades)
    await until(lambda: {40, 170} <= amina.shades_after(back))
    await until(lambda: chloe.shades_after(0) >= {40, 170})
    await until(lambda: publishing_in(janus_servers[0], media.room_number(("run", None)), set(SHADES)))
    assert ("run", "nature") not in media.placement()  # an empty room is destroyed on its server
    await close(media, browsers)


async def test_a_shared_screen_follows_its_sharer_into_a_room(janus_servers: list[JanusServer]) -> None:
    rooms: dict[Hashable, Hashable | None] = {"karim": None, "amina": "nature", "bruno": "nature", "chloe": None}
    screens = {"karim": screen_of("karim")}
    media, browsers = await participants(2, rooms, janus_servers)
    media.route("run", route(Gathering(rooms=rooms, moderators=frozenset({"karim"}))))
    for browser in browsers.values():
        await browser.publish()
        await browser.watch()
    karim, amina, chloe = browsers["karim"], browsers["amina"], browsers["chloe"]
    await karim.share_screen()
    media.route("run", route(Gathering(rooms=rooms, moderators=frozenset({"karim"}), screens=screens)))
    await until(lambda: SCREEN_SHADE in chloe.shades_after(0))  # the plenary sees it
    assert SCREEN_SHADE not in amina.shades_after(0)

    # The moderator goes to the nature room: the screen is shared there, on the server carrying that room.
    media.route("run", route(Gathering(rooms={**rooms, "karim": "nature"}, moderators=frozenset({"karim"}),
                                       screens=screens)))
    mark = len(amina.shades)
    await until(lambda: SCREEN_SHADE in amina.shades_after(mark))
    nature = next(server for server in janus_servers if server.url == media.placement()[("run", "nature")])
    await until(lambda: publishing_in(nature, media.room_number(("run", "nature")),
                                      {"karim", "amina", "bruno", screen_of("karim")}))
    await close(media, browsers)


async def test_pages_publish_and_watch_again_when_a_janus_server_comes_back() -> None:
    server = start_servers(1)[0]
    try:
        plenary = {"karim": None, "amina": None}
        media, browsers = await participants(1, plenary, [server])
        media.route("run", route(Gathering(rooms=plenary, moderators=frozenset({"karim"}))))
        for browser in browsers.values():
            await browser.publish()
            await browser.watch()
        amina = browsers["amina"]
        await until(lambda: 40 in amina.shades_after(0))

        server.restart()  # every session, handle and room of the server is gone
        await until(lambda: amina.watched == 2)  # Atelier reconnected; the pages published and watched again
        mark = len(amina.shades)
        await until(lambda: 40 in amina.shades_after(mark))
        await until(lambda: publishing_in(server, media.room_number(("run", None)), {"karim", "amina"}))
        await close(media, browsers)
    finally:
        server.stop()


async def test_the_rooms_of_a_lost_janus_server_move_to_the_one_still_up() -> None:
    servers = start_servers(2)
    try:
        rooms = {"karim": None, "amina": "nature", "bruno": "nature", "chloe": None}
        media, browsers = await participants(2, rooms, servers)
        media.route("run", route(Gathering(rooms=rooms, moderators=frozenset({"karim"}))))
        for browser in browsers.values():
            await browser.publish()
            await browser.watch()
        amina, chloe = browsers["amina"], browsers["chloe"]
        await until(lambda: 170 in amina.shades_after(0) and 40 in chloe.shades_after(0))
        lost = servers.index(next(server for server in servers if server.url == media.placement()[("run", "nature")]))
        still_up = servers[1 - lost]

        servers[lost].process.kill()  # the machine is gone: no goodbye on the socket
        await until(lambda: media.placement()[("run", "nature")] == still_up.url)
        mark = len(amina.shades)
        await until(lambda: 170 in amina.shades_after(mark))  # Bruno again, through the other server
        await until(lambda: publishing_in(still_up, media.room_number(("run", "nature")), {"amina", "bruno"}))
        assert media.placement()[("run", None)] == still_up.url
        mark = len(chloe.shades)
        await until(lambda: 40 in chloe.shades_after(mark))  # the plenary, on the server still up, went on

        # That one goes too: nowhere to go, the rooms wait. The first comes back: they all move there.
        still_up.process.kill()
        servers[lost].restart()
        await until(lambda: set(media.placement().values()) == {servers[lost].url})
        mark = len(amina.shades)
        await until(lambda: 170 in amina.shades_after(mark))
        await until(lambda: publishing_in(servers[lost], media.room_number(("run", None)), {"karim", "chloe"}))
        await close(media, browsers)
    finally:
        for server in servers:
            server.stop()


async def test_a_janus_server_down_at_first_is_used_once_it_answers() -> None:
    server = start_servers(1)[0]
    server.process.terminate()
    server.process.wait(10)
    try:
        plenary = {"karim": None, "amina": None}
        media, browsers = await participants(1, plenary, [server])
        media.route("run", route(Gathering(rooms=plenary, moderators=frozenset({"karim"}))))
        amina = browsers["amina"]
        with pytest.raises(JanusError):
            await browsers["karim"].publish()
        await amina.watch()  # nothing to watch yet: no connection
        assert amina.viewer is None

        server.restart()
        await until(lambda: 40 in amina.shades_after(0))  # Karim's page was asked to publish again, Amina's to watch
        await close(media, browsers)
    finally:
        server.stop()


async def test_a_janus_server_with_an_api_secret_refuses_who_does_not_give_it(
        janus_servers: list[JanusServer]) -> None:
    stranger = JanusConnection(janus_servers[0].url)
    try:
        with pytest.raises(JanusError) as refused:
            await stranger.attach()
        assert refused.value.code == 403  # Janus: unauthorized request (wrong or missing secret)
    finally:
        await stranger.close()
    wrong = JanusConnection(janus_servers[0].url, api_secret=API_SECRET + "x")
    try:
        with pytest.raises(JanusError):
            await wrong.attach()
    finally:
        await wrong.close()


async def publishing_in(server: JanusServer, room: int | None, people: set[Hashable]) -> bool:
    """Whether exactly these people publish in this VideoRoom room, as the Janus server itself says."""
    return await janus_participants(server, room) == {repr(who) for who in people}


async def janus_participants(server: JanusServer, room: int | None) -> set[str]:
    """Who publishes in a VideoRoom room, as the Janus server itself says."""
    connection = JanusConnection(server.url, api_secret=API_SECRET)
    try:
        handle = await connection.attach()
        data, _jsep = await connection.message(handle, {"request": "listparticipants", "room": room})
        return {participant["display"] for participant in data["participants"] if participant.get("publisher")}
    finally:
        await connection.close()


async def close(media: JanusMedia, browsers: dict[Hashable, Browser]) -> None:
    for browser in browsers.values():
        await browser.close()
    await media.close()


def test_each_new_room_goes_to_the_least_loaded_server() -> None:
    placed = place_rooms({"plenary": 30}, {}, [True, True])
    assert placed == {"plenary": 0}
    # Breakouts open: the plenary empties but keeps its server; the largest new rooms go first, evenly.
    placed = place_rooms({"plenary": 0, "nature": 6, "market": 6, "school": 4, "river": 2}, placed, [True, True])
    assert placed == {"plenary": 0, "market": 1, "nature": 0, "school": 1, "river": 0}  # 8 and 10 people
    # A server that is down takes no new room; a room keeps its server while it lasts.
    assert place_rooms({"nature": 6, "garden": 3}, {"nature": 1}, [True, False]) == {"nature": 1, "garden": 0}
    # Rooms no longer in use are forgotten.
    assert place_rooms({"garden": 3}, {"nature": 1}, [True, True]) == {"garden": 0}
