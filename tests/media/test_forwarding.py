"""Real aiortc peers publish synthetic camera pictures through Atelier's server connections.

Each publisher paints its pictures one shade of grey; subscribers decode what they receive and
tell from the shade whose camera they see. Nothing is mocked: the server side is
`media.peers` with aiortc's ICE, DTLS and SRTP on this machine's own addresses.
"""

from __future__ import annotations

import asyncio
import threading
import time

import aioice.ice
import pytest
from aiortc.rtp import RtcpByePacket

from media.peers import SubscribePeer
from tests.media.synthetic import Viewer, publish, until

pytestmark = pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True),
                                reason="no network address for ICE on this machine")


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


async def test_a_paused_sender_keeps_its_stream_and_a_lost_browser_ends_it() -> None:
    camera, published = await publish(shade=150)
    video = published.track("video")
    assert video is not None
    viewer, subscription = Viewer(), SubscribePeer(video_slots=1, audio_slots=0)
    await viewer.join(subscription)
    subscription.video[0].show(video)
    await until(lambda: viewer.shades)
    sender = camera.getSenders()[0]
    await sender._send_rtcp([RtcpByePacket(sources=[sender._ssrc])])  # what Chrome sends when a sender pauses
    said_bye = time.monotonic()
    await until(lambda: recent_shades(viewer, said_bye + 0.3), timeout=3.0)
    assert not video.ended
    await camera.close()  # the browser goes away: its DTLS closes, the server's receivers see it
    await until(lambda: video.ended, timeout=5.0)
    await viewer.close()
    await subscription.close()
    await published.close()
