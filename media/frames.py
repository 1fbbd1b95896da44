"""Encoded frames (what the benchmarks' and tests' subscribers assemble), and how VP8 packets tell them apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["audio", "video"]


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded video picture (VP8) or audio packet (Opus), never decoded by the server."""

    kind: Kind
    data: bytes
    timestamp: int  # in the publisher's RTP clock
    keyframe: bool  # a video frame that decodes without the ones before it (audio frames always do)
    audio_level: int | None = None  # the publisher's loudness for this packet, in -dBov (0 loudest, 127 silent)


def is_vp8_start(payload: bytes) -> bool:
    """Whether an RTP payload begins a VP8 frame: S bit set, partition 0 (RFC 7741 payload descriptor)."""
    return bool(payload) and payload[0] & 0x10 != 0 and payload[0] & 0x07 == 0


def is_vp8_keyframe(frame_data: bytes) -> bool:
    """Whether a depacketised VP8 frame is a keyframe: bit 0 of its frame tag is 0 (RFC 6386)."""
    return bool(frame_data) and frame_data[0] & 0x01 == 0
