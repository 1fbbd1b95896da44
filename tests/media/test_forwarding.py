"""Real aiortc peers publish synthetic camera pictures through Atelier's server connections.

Each publisher paints its pictures one shade of grey; subscribers decode what they receive and
tell from the shade whose camera they see. Nothing is mocked: the server side is
`media.peers` with aiortc's ICE, DTLS and SRTP on this machine's own addresses.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import aioice.ice
import pytest
from aiortc import MediaStreamTrack, RTCPeerConnection, VideoStreamTrack
from av import VideoFrame

from media.peers import PublishPeer, SubscribePeer, server_configuration

pytestmark = pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True),
                                reason="no network address for ICE on this machine")


class GreyCamera(VideoStreamTrack):
    """A small picture of one shade of grey, 30 times a second."""

    def __init__(self, shade: int) -> None:
        super().__init__()
        self.shade = shade

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=160, height=96)
        for index, plane in enumerate(frame.planes):  # brightness (Y) in this shade, colour (U, V) neutral
            plane.update(bytes([self.shade if index == 0 else 128]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


def shade_of(frame: VideoFrame) -> int:
    """The mean brightness of the picture (rows only: a plane's lines may carry padding)."""
    plane = frame.planes[0]
    luma = bytes(plane)
    rows = [luma[y * plane.line_size:y * plane.line_size + plane.width] for y in range(0, plane.height, 7)]
    samples = b"".join(rows)
    return round(sum(samples) / len(samples))


class Viewer:
    """A subscriber's browser: answers the server's offer and decodes what it gets."""

    def __init__(self) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self.shades: list[tuple[float, int]] = []
        self._readers: list[asyncio.Task[None]] = []
        self.connection.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._readers.append(asyncio.ensure_future(self._read(track)))

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            frame = await track.recv()
            self.shades.append((time.monotonic(), shade_of(frame)))

    async def join(self, server_side: SubscribePeer) -> None:
        await self.connection.setRemoteDescription(await server_side.offer())
        await self.connection.setLocalDescription(await self.connection.createAnswer())
        await server_side.accept(self.connection.localDescription)

    async def close(self) -> None:
        for reader in self._readers:
            reader.cancel()
        await self.connection.close()


async def publish(shade: int) -> tuple[RTCPeerConnection, PublishPeer]:
    browser = RTCPeerConnection(server_configuration())
    browser.addTransceiver(GreyCamera(shade), direction="sendonly")
    await browser.setLocalDescription(await browser.createOffer())
    server_side = PublishPeer()
    await browser.setRemoteDescription(await server_side.answer(browser.localDescription))
    return browser, server_side


async def until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def recent_shades(viewer: Viewer, since: float) -> set[int]:
    return {shade for at, shade in viewer.shades if at >= since}


async def test_pictures_reach_the_room_they_are_shown_in_and_no_other() -> None:
    tasks_before = asyncio.all_tasks()
    plenary_camera, plenary = await publish(shade=60)
    room_camera, room = await publish(shade=200)
    viewers = [Viewer(), Viewer(), Viewer()]
    subscriptions = [SubscribePeer(video_slots=1, audio_slots=0) for _ in viewers]
    for viewer, subscription in zip(viewers, subscriptions, strict=True):
        await viewer.join(subscription)
    in_plenary, also_in_plenary, in_room = subscriptions
    plenary_video, room_video = plenary.track("video"), room.track("video")
    assert plenary_video is not None and room_video is not None
    in_plenary.video[0].show(plenary_video)
    also_in_plenary.video[0].show(plenary_video)
    in_room.video[0].show(room_video)

    await until(lambda: all(len(viewer.shades) >= 20 for viewer in viewers))
    started = time.monotonic()
    await asyncio.sleep(0.5)
    assert recent_shades(viewers[0], started) == {60}
    assert recent_shades(viewers[1], started) == {60}
    assert recent_shades(viewers[2], started) == {200}

    # The room returns to the plenary: the slot switches source, with a keyframe, without renegotiation.
    switched = time.monotonic()
    in_room.video[0].show(plenary_video)
    await until(lambda: any(shade == 60 for at, shade in viewers[2].shades if at >= switched), timeout=2.0)
    assert time.monotonic() - switched < 2.0

    for viewer in viewers:
        await viewer.close()
    for side in (*subscriptions, plenary, room):
        await side.close()
    for browser in (plenary_camera, room_camera):
        await browser.close()
    assert plenary_video.slots == set() and room_video.slots == set()
    await asyncio.sleep(0.2)
    left = {task for task in asyncio.all_tasks() - tasks_before if task is not asyncio.current_task()}
    assert not left, f"tasks left behind: {left}"


async def test_a_late_joiner_sees_its_first_picture_within_a_second() -> None:
    camera, published = await publish(shade=120)
    await asyncio.sleep(3)  # the publisher's first keyframe is long gone
    viewer, subscription = Viewer(), SubscribePeer(video_slots=1, audio_slots=0)
    await viewer.join(subscription)
    video = published.track("video")
    assert video is not None
    asked = time.monotonic()
    subscription.video[0].show(video)
    await until(lambda: viewer.shades, timeout=5.0)
    first_at, shade = viewer.shades[0]
    assert shade == 120
    assert first_at - asked < 1.0, f"first picture after {first_at - asked:.2f} s"
    await viewer.close()
    await subscription.close()
    await published.close()
    await camera.close()


async def test_the_server_never_decodes_what_it_forwards() -> None:
    camera, published = await publish(shade=90)
    await asyncio.sleep(1)
    decoders = [thread for thread in threading.enumerate() if thread.name == "video-decoder" and thread.is_alive()]
    assert decoders == []  # the browser-side test peer does not receive: any decoder would be the server's
    await published.close()
    await camera.close()
