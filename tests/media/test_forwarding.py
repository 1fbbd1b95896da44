"""Real aiortc peers publish synthetic camera pictures through Atelier's server connections.

Each publisher paints its pictures one shade of grey; subscribers decode what they receive and
tell from the shade whose camera they see. Nothing is mocked: the server side is
`media.peers` with aiortc's ICE, DTLS and SRTP on this machine's own addresses.
"""

from __future__ import annotations

import asyncio
import threading

import aioice.ice
import pytest
from aiortc import RTCPeerConnection
from aiortc.rtp import RtcpByePacket

from media.peers import SubscribePeer
from tests.media.synthetic import GreyCamera, Link, Viewer, packets_received, publish
from tests.waiting import until

pytestmark = pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True),
                                reason="no network address for ICE on this machine")


async def received_at_least(connection: RTCPeerConnection, count: int) -> bool:
    return await packets_received(connection) >= count


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
    marks = [len(viewer.shades) for viewer in viewers]
    await until(lambda: all(len(viewer.shades) >= mark + 15 for viewer, mark in zip(viewers, marks, strict=True)))
    assert set(viewers[0].shades_after(marks[0])) == {60}
    assert set(viewers[1].shades_after(marks[1])) == {60}
    assert set(viewers[2].shades_after(marks[2])) == {200}

    # The room returns to the plenary: the slot switches source, with a keyframe, without renegotiation.
    # (How soon is measured by benchmarks/media_workshop.py, on a machine of its own.)
    switched = len(viewers[2].shades)
    in_room.video[0].show(plenary_video)
    await until(lambda: 60 in viewers[2].shades_after(switched))

    for viewer in viewers:
        await viewer.close()
    for side in (*subscriptions, plenary, room):
        await side.close()
    for browser in (plenary_camera, room_camera):
        await browser.close()
    assert plenary_video.slots == set() and room_video.slots == set()

    def left_behind() -> set[asyncio.Task[object]]:
        return {task for task in asyncio.all_tasks() - tasks_before if task is not asyncio.current_task()}

    await until(lambda: not left_behind(), message=lambda: f"tasks left behind: {left_behind()}")


async def test_a_late_joiner_is_sent_a_keyframe_without_waiting_for_the_publishers_next() -> None:
    camera, published = await publish(shade=120)
    # The publisher's first keyframe is long gone: the server has had pictures since (aiortc's encoder
    # makes its next keyframe 3,000 pictures later, unless asked).
    await until(lambda: received_at_least(published.connection, 30))
    viewer, subscription = Viewer(), SubscribePeer(video_slots=1, audio_slots=0)
    await viewer.join(subscription)
    video = published.track("video")
    assert video is not None
    subscription.video[0].show(video)  # asks the publisher for a keyframe
    await until(lambda: viewer.shades)
    assert viewer.shades[0][1] == 120
    # How soon it comes is measured by benchmarks/media_workshop.py (switch latency), not here.
    await viewer.close()
    await subscription.close()
    await published.close()
    await camera.close()


async def test_the_server_never_decodes_what_it_forwards() -> None:
    camera, published = await publish(shade=90)
    await until(lambda: received_at_least(published.connection, 30))  # a second of pictures has come in
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
    painted = sender.track
    assert isinstance(painted, GreyCamera)
    painted.shade = 30  # pictures painted after the BYE: seeing them proves the stream went on
    said_bye = len(viewer.shades)
    await until(lambda: 30 in viewer.shades_after(said_bye))
    assert not video.ended
    await camera.close()  # the browser goes away: its DTLS closes, the server's receivers see it
    await until(lambda: video.ended)
    await viewer.close()
    await subscription.close()
    await published.close()


class LossyLink(Link):
    """Drops every `every`-th RTP packet, as a network would; its retransmission passes."""

    def __init__(self, connection: RTCPeerConnection, every: int) -> None:
        super().__init__(connection)
        self.every, self.count, self.dropped = every, 0, set[bytes]()

    def passes(self, packet: bytes) -> bool:
        self.count += 1
        key = packet[2:4]  # the sequence number, in clear
        if self.count % self.every == 0 and key not in self.dropped:
            self.dropped.add(key)  # lost once
            return False
        return True


async def test_lost_packets_are_sent_again_and_sender_reports_describe_the_stream() -> None:
    camera, published = await publish(shade=180)
    viewer, subscription = Viewer(), SubscribePeer(video_slots=1, audio_slots=0)
    await viewer.join(subscription)
    link = LossyLink(viewer.connection, every=7)
    video = published.track("video")
    assert video is not None
    subscription.video[0].show(video)
    slot = subscription.video[0]
    # aiortc's receiver asks for what it missed (NACK): the slot answers from the publisher's recent packets,
    # and pictures keep coming (aiortc's jitter buffer would otherwise stall on the first hole).
    await until(lambda: slot.resent >= 10 and len(viewer.shades) >= 60)
    assert set(viewer.shades_after(30)) == {180}

    async def reported() -> bool:
        stats = await viewer.connection.getStats()
        return any(report.type == "remote-outbound-rtp" and report.packetsSent > 0 for report in stats.values())

    await until(reported)  # the slot's sender reports reached the viewer
    assert link.dropped
    await viewer.close()
    await subscription.close()
    await published.close()
    await camera.close()
