"""Frames assembled from RTP packets as aiortc's receiver hands them over, losses and reordering included."""

from __future__ import annotations

import asyncio

from aiortc.rtp import RtpPacket

from media.assembler import GIVE_UP_AFTER, FrameAssembler
from media.frames import EncodedFrame
from media.keyframes import KeyframeRequests
from tests.waiting import until

START, MIDDLE = 0x10, 0x00  # VP8 payload descriptor: S bit and partition 0, or a continuation
KEY, DELTA = 0x00, 0x01  # first byte of a VP8 frame: bit 0 clear on keyframes


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def vp8_packets(first_seq: int, timestamp: int, chunks: list[bytes], *, keyframe: bool) -> list[RtpPacket]:
    """One VP8 frame in packets, as the receiver leaves them: `_data` is the depacketised part."""
    packets = []
    for index, chunk in enumerate(chunks):
        data = bytes([KEY if keyframe else DELTA]) + chunk if index == 0 else chunk
        packet = RtpPacket(payload_type=96, marker=index == len(chunks) - 1,
                           sequence_number=(first_seq + index) & 0xFFFF, timestamp=timestamp, ssrc=1234,
                           payload=bytes([START if index == 0 else MIDDLE]) + data)
        packet._data = data  # type: ignore[attr-defined]
        packets.append(packet)
    return packets


def assembler() -> tuple[FrameAssembler, list[EncodedFrame], Clock]:
    frames: list[EncodedFrame] = []
    clock = Clock()
    return FrameAssembler("video", frames.append, clock=clock), frames, clock


def test_a_frame_leaves_as_soon_as_its_last_packet_is_in() -> None:
    video, frames, _ = assembler()
    for packet in vp8_packets(10, 3000, [b"a", b"b", b"c"], keyframe=True):
        assert video.add(packet) == (False, None)
    assert [(f.data, f.timestamp, f.keyframe) for f in frames] == [(bytes([KEY]) + b"abc", 3000, True)]


def test_reordered_packets_make_whole_frames_in_order() -> None:
    video, frames, _ = assembler()
    key = vp8_packets(10, 3000, [b"a", b"b"], keyframe=True)
    delta = vp8_packets(12, 6000, [b"c", b"d"], keyframe=False)
    for packet in (key[1], delta[1], delta[0], key[0]):
        video.add(packet)
    assert [f.timestamp for f in frames] == [3000, 6000]


def test_a_picture_that_follows_nothing_waits_for_a_keyframe() -> None:
    video, frames, _ = assembler()
    for packet in vp8_packets(10, 3000, [b"a"], keyframe=False):
        video.add(packet)
    assert frames == [] and video.waiting_for_keyframe


def test_a_lost_packet_is_given_up_after_a_quarter_second_and_a_keyframe_asked_for() -> None:
    video, frames, clock = assembler()
    for packet in vp8_packets(10, 3000, [b"a"], keyframe=True):
        video.add(packet)
    lost_frame = vp8_packets(11, 6000, [b"b", b"c"], keyframe=False)
    video.add(lost_frame[0])  # lost_frame[1] never comes
    for packet in vp8_packets(13, 9000, [b"d"], keyframe=False):
        assert video.add(packet) == (False, None)  # complete, but it follows a picture nobody got
    assert [f.timestamp for f in frames] == [3000]
    clock.now += GIVE_UP_AFTER + 0.01
    asks_for_keyframe, _ = video.add(vp8_packets(14, 12000, [b"e"], keyframe=False)[0])
    assert asks_for_keyframe and video.waiting_for_keyframe
    for packet in vp8_packets(15, 15000, [b"x", b"y"], keyframe=False)[:1]:  # lost again, a moment later
        video.add(packet)
    clock.now += GIVE_UP_AFTER + 0.01
    asks_again, _ = video.add(vp8_packets(17, 18000, [b"z"], keyframe=False)[0])
    assert not asks_again  # the publisher was asked less than half a second ago
    for packet in vp8_packets(18, 21000, [b"f"], keyframe=True):
        video.add(packet)
    assert [f.timestamp for f in frames] == [3000, 21000]
    assert video.dropped >= 2


def test_duplicates_and_late_packets_are_ignored_across_the_sequence_wrap() -> None:
    video, frames, _ = assembler()
    key = vp8_packets(0xFFFE, 3000, [b"a", b"b", b"c"], keyframe=True)  # 65534, 65535, 0
    for packet in key:
        video.add(packet)
    video.add(key[1])
    for packet in vp8_packets(1, 6000, [b"d"], keyframe=False):
        video.add(packet)
    assert [(f.timestamp, f.data) for f in frames] == [(3000, bytes([KEY]) + b"abc"), (6000, bytes([DELTA]) + b"d")]


def test_audio_packets_leave_at_once_and_only_once() -> None:
    frames: list[EncodedFrame] = []
    audio = FrameAssembler("audio", frames.append)
    packets = []
    for seq in (5, 6, 6, 4, 7):
        packet = RtpPacket(payload_type=111, sequence_number=seq, timestamp=seq * 960, ssrc=99, payload=b"opus")
        packet._data = b"opus"  # type: ignore[attr-defined]
        packets.append(packet)
        audio.add(packet)
    assert [f.timestamp // 960 for f in frames] == [5, 6, 7]


async def test_keyframe_requests_are_at_most_one_per_half_second() -> None:
    sent: list[float] = []
    loop = asyncio.get_running_loop()

    async def send() -> None:
        sent.append(loop.time())

    requests = KeyframeRequests(send, at_most_every=0.2)
    for _ in range(10):
        requests.ask()
    assert requests.sent == 1  # the first at once, the nine others folded into one, later
    await until(lambda: len(sent) == 2)
    assert requests.sent == 2 and sent[1] - sent[0] >= 0.19  # the loop's timers never fire early
    requests.close()

    dropped = KeyframeRequests(send, at_most_every=0.2)
    dropped.ask()
    dropped.ask()  # asked again at once: it waits
    dropped.keyframe_arrived()  # a keyframe came by itself: the waiting request is dropped
    # The moment it was due passes, in the loop's own time (timers run in the order they are due).
    await asyncio.sleep(0.3)
    assert dropped.sent == 1
    dropped.close()


async def test_a_subscribers_own_keyframe_requests_wait_longer_than_a_new_viewers() -> None:
    sent: list[float] = []
    loop = asyncio.get_running_loop()

    async def send() -> None:
        sent.append(loop.time())

    requests = KeyframeRequests(send, at_most_every=0.1, after_loss_at_most_every=0.4)
    requests.ask_after_loss()  # the first at once
    requests.ask_after_loss()  # a lossy subscriber asks again: it waits 0.4 s
    await until(lambda: len(sent) == 2)
    assert sent[1] - sent[0] >= 0.39

    requests.close()

    overtaken = KeyframeRequests(send, at_most_every=0.1, after_loss_at_most_every=60)
    overtaken.ask_after_loss()  # at once
    overtaken.ask_after_loss()  # would wait a minute...
    overtaken.ask()  # ...but a new viewer's request overtakes it: 0.1 s after the last one
    await until(lambda: overtaken.sent == 2)  # long before the minute
    await asyncio.sleep(0.3)
    assert overtaken.sent == 2  # the subscriber's request went with the viewer's
    overtaken.close()
