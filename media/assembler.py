"""From RTP packets to encoded frames, in place of aiortc's jitter buffer.

aiortc's jitter buffer hands a frame over only when the next one starts, and after one lost packet
it waits for 512 more (about ten seconds of video) before giving up. Here a video frame leaves as
soon as its last packet (the RTP marker) is in, and a missing packet is given up on after a quarter
of a second: the frames waiting behind it are dropped up to the next keyframe, which is requested.
Audio packets are frames of their own and leave at once (the browser's jitter buffer smooths them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiortc.rtp import RtpPacket

from media.frames import EncodedFrame, Kind, is_vp8_keyframe, is_vp8_start

GIVE_UP_AFTER = 0.25  # seconds a missing packet is waited for (retransmissions included)
ASK_AT_MOST_EVERY = 0.5  # seconds between two keyframe requests of this assembler


def seq_distance(later: int, earlier: int) -> int:
    """How many sequence numbers `later` is after `earlier`, across the 16-bit wrap (negative: before)."""
    distance = (later - earlier) & 0xFFFF
    return distance - 0x10000 if distance >= 0x8000 else distance


@dataclass
class _PartialFrame:
    first_arrival: float
    packets: dict[int, RtpPacket] = field(default_factory=dict)

    def complete(self) -> tuple[int, int] | None:
        """(first, last) sequence numbers when every packet from the frame's start to its marker is in."""
        packets = list(self.packets.values())
        start = next((p for p in packets if is_vp8_start(p.payload)), None)
        end = next((p for p in packets if p.marker), None)
        if start is None or end is None:
            return None
        span = seq_distance(end.sequence_number, start.sequence_number)
        if span < 0 or span + 1 != len(packets):
            return None
        return start.sequence_number, end.sequence_number

    def earliest(self, reference: int) -> int:
        """How far its first packet so far is from `reference`, in sequence numbers."""
        return min(seq_distance(seq, reference) for seq in self.packets)

    def data(self, first: int) -> bytes:
        ordered = sorted(self.packets.values(), key=lambda p: seq_distance(p.sequence_number, first))
        return b"".join(p._data for p in ordered)  # type: ignore[attr-defined]  # set by aiortc's receiver


class FrameAssembler:
    """Takes one publisher track's packets (the receiver's `add`), delivers whole frames in order."""

    def __init__(self, kind: Kind, deliver: Callable[[EncodedFrame], None], *,
                 clock: Callable[[], float] = time.monotonic, give_up_after: float = GIVE_UP_AFTER) -> None:
        self.kind = kind
        self._deliver = deliver
        self._clock = clock
        self._give_up_after = give_up_after
        self._partial: dict[int, _PartialFrame] = {}  # by RTP timestamp
        self._next_seq: int | None = None  # the first packet of the next frame to deliver
        self.waiting_for_keyframe = True
        self._last_request: float | None = None
        self.ssrc: int | None = None  # the publisher's stream, for keyframe requests
        self.frames = 0
        self.dropped = 0

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """The receiver's jitter-buffer call: True asks the publisher for a keyframe (the receiver sends it)."""
        if packet.ssrc != self.ssrc:
            self._restart(packet.ssrc)
        if self.kind == "audio":
            self._add_audio(packet)
            return False, None
        return self._add_video(packet), None

    def _restart(self, ssrc: int) -> None:
        self.ssrc = ssrc
        self._partial.clear()
        self._next_seq = None
        self.waiting_for_keyframe = True

    def _add_audio(self, packet: RtpPacket) -> None:
        if self._next_seq is not None and seq_distance(packet.sequence_number, self._next_seq) < 0:
            return  # a duplicate or a packet the browser will not wait for
        self._next_seq = (packet.sequence_number + 1) & 0xFFFF
        self.frames += 1
        level = packet.extensions.audio_level[1] if packet.extensions.audio_level is not None else None
        self._deliver(EncodedFrame("audio", packet._data, packet.timestamp, True, level))  # type: ignore[attr-defined]

    def _add_video(self, packet: RtpPacket) -> bool:
        if self._next_seq is not None and seq_distance(packet.sequence_number, self._next_seq) < 0:
            return False  # late: its frame has been delivered or given up
        now = self._clock()
        self._partial.setdefault(packet.timestamp, _PartialFrame(now)).packets[packet.sequence_number] = packet
        while self._deliver_next():
            pass
        stalled = [frame for frame in self._partial.values() if now - frame.first_arrival > self._give_up_after]
        if not stalled:
            return False
        self.dropped += len(self._partial)
        self._partial.clear()  # nothing behind a lost packet can be decoded: wait for a keyframe
        self.waiting_for_keyframe = True
        if self._last_request is not None and now - self._last_request < ASK_AT_MOST_EVERY:
            return False
        self._last_request = now
        return True

    def _deliver_next(self) -> bool:
        """Deliver the whole frame that follows the last one delivered, or a whole keyframe."""
        if not self._partial:
            return False
        reference = self._next_seq
        if reference is None:  # nothing delivered yet: order the frames around any packet of theirs
            reference = next(iter(next(iter(self._partial.values())).packets))
        for timestamp, partial in sorted(self._partial.items(), key=lambda item: item[1].earliest(reference)):
            span = partial.complete()
            if span is None:
                continue
            first, last = span
            data = partial.data(first)
            keyframe = is_vp8_keyframe(data)
            follows = self._next_seq is not None and first == self._next_seq
            if not (keyframe or (follows and not self.waiting_for_keyframe)):
                continue  # would be decoded against a picture the subscribers never got
            del self._partial[timestamp]
            for older in [t for t, p in self._partial.items() if p.earliest(first) < 0]:
                del self._partial[older]  # pictures before a keyframe that skipped them
                self.dropped += 1
            self._next_seq = (last + 1) & 0xFFFF
            self.waiting_for_keyframe = False
            self.frames += 1
            self._deliver(EncodedFrame("video", data, timestamp, keyframe))
            return True
        return False
