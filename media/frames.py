"""Encoded frames as they travel from a publisher to its subscribers, and the packets aiortc sends them as."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from media.aiortc_hooks import ForwardedPacket

Kind = Literal["audio", "video"]

CLOCK_RATES: dict[Kind, int] = {"audio": 48_000, "video": 90_000}  # Opus and VP8 RTP clocks
TIME_BASES: dict[Kind, Fraction] = {kind: Fraction(1, rate) for kind, rate in CLOCK_RATES.items()}  # made once


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded video picture (VP8) or audio packet (Opus), never decoded by the server."""

    kind: Kind
    data: bytes
    timestamp: int  # in the publisher's RTP clock (CLOCK_RATES)
    keyframe: bool  # a video frame that decodes without the ones before it (audio frames always do)
    audio_level: int | None = None  # the publisher's loudness for this packet, in -dBov (0 loudest, 127 silent)


def is_vp8_start(payload: bytes) -> bool:
    """Whether an RTP payload begins a VP8 frame: S bit set, partition 0 (RFC 7741 payload descriptor)."""
    return bool(payload) and payload[0] & 0x10 != 0 and payload[0] & 0x07 == 0


def is_vp8_keyframe(frame_data: bytes) -> bool:
    """Whether a depacketised VP8 frame is a keyframe: bit 0 of its frame tag is 0 (RFC 6386)."""
    return bool(frame_data) and frame_data[0] & 0x01 == 0


def to_packet(frame: EncodedFrame, pts: int) -> ForwardedPacket:
    """What aiortc's sender only packetises (a decoded frame would be encoded again)."""
    return ForwardedPacket(frame.data, pts, TIME_BASES[frame.kind])
