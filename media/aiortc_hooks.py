"""Every use of aiortc's private parts, in one place.

aiortc's receiver always decodes what it receives, in a thread per track, and its sender ignores
keyframe requests when it is handed encoded packets. Forwarding needs three small hooks:

- a receiver is *adopted* between `setRemoteDescription` and `setLocalDescription`: its jitter
  buffer is replaced by Atelier's frame assembler and its decoder queue by a sink, so that no
  decoder thread ever runs for it (receivers that are not adopted, e.g. test clients, still decode);
- a sender's keyframe requests (PLI, FIR from the subscriber's browser) call back into Atelier;
- a keyframe is requested from a publisher through the receiver's own RTCP;
- the sender is handed `ForwardedPacket`s rather than `av.Packet`s: its VP8 and Opus encoders only
  read a packet's bytes, `pts` and `time_base` to packetise it, and a plain object saves copying each
  frame into libav's memory and back, and a `Fraction` made per read of `time_base`, per subscriber;
- the sender stamps every packet it sends with the time (twice: the abs-send-time extension and its
  next RTCP sender report), through aiortc's `clock`, which builds two `datetime` objects for it:
  the senders get the same NTP time computed from `time.time_ns()`, a few microseconds less per packet.

aiortc is pinned exactly (pyproject.toml); tests/media/test_aiortc_hooks.py fails if a hook moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

from aiortc import RTCRtpReceiver, RTCRtpSender, rtcrtpreceiver, rtcrtpsender
from aiortc import clock as aiortc_clock
from aiortc.rtp import RtpPacket

AIORTC_VERSION = "1.16.0"

_stock_decoder_worker = rtcrtpreceiver.decoder_worker


class PacketSink(Protocol):
    """What replaces a receiver's jitter buffer: it gets every depacketised RTP packet, in the event loop."""

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """Take a packet (its depacketised payload is in `packet._data`); True asks the publisher for a keyframe."""
        ...


class _NoDecoding:
    """Stands in for a forwarding receiver's decoder queue: frames never reach it.

    Its end-of-stream is ignored: aiortc sends one on an RTCP BYE, which Chrome emits when a sender is
    paused (`setParameters` with `active: false`), and the stream goes on when it is resumed.
    """

    def put(self, item: Any) -> None:
        """Nothing to decode."""


def _decoder_worker(loop: Any, input_q: Any, output_q: Any, decode_error: threading.Event) -> None:
    """aiortc starts this in a thread per receiver: for an adopted receiver there is nothing to decode.

    Its parameters keep aiortc's names; the queue is a `_NoDecoding` for an adopted receiver.
    """
    if isinstance(input_q, _NoDecoding):
        return
    _stock_decoder_worker(loop, input_q, output_q, decode_error)


class ForwardedPacket:
    """An encoded frame as aiortc's sender packetises it (`Vp8Encoder.pack`, `OpusEncoder.pack`)."""

    __slots__ = ("data", "pts", "time_base")

    def __init__(self, data: bytes, pts: int, time_base: Fraction) -> None:
        self.data = data
        self.pts = pts
        self.time_base = time_base

    def __bytes__(self) -> bytes:
        return self.data


NTP_UNIX_OFFSET = 2_208_988_800  # seconds from the NTP epoch (1900) to the Unix one (1970)


def ntp_time() -> int:
    """`aiortc.clock.current_ntp_time()` without datetimes: 32.32 fixed-point seconds since 1900, to the µs."""
    seconds, microseconds = divmod(time.time_ns() // 1_000, 1_000_000)
    return ((seconds + NTP_UNIX_OFFSET) << 32) | ((microseconds << 32) // 1_000_000)


class _SenderClock:
    """What aiortc's sender module sees as its `clock`: the same functions, a cheaper NTP time."""

    current_ntp_time = staticmethod(ntp_time)

    def __getattr__(self, name: str) -> Any:
        return getattr(aiortc_clock, name)


def install() -> None:
    """Let adopted receivers skip decoding (others keep aiortc's decoder), senders read a cheaper clock.

    Safe to call more than once.
    """
    rtcrtpreceiver.decoder_worker = _decoder_worker
    rtcrtpsender.clock = _SenderClock()  # type: ignore[attr-defined, assignment]  # a module it imports, duck-typed


def adopt_receiver(receiver: RTCRtpReceiver, sink: PacketSink, on_end: Callable[[], None]) -> None:
    """Send this receiver's packets to `sink` instead of decoding them; `on_end` runs if the connection is lost.

    Call after `setRemoteDescription` and before `setLocalDescription`: the receiver starts then.
    """
    install()
    receiver._RTCRtpReceiver__jitter_buffer = sink  # type: ignore[attr-defined]
    receiver._RTCRtpReceiver__decoder_queue = _NoDecoding()  # type: ignore[attr-defined]
    stock_disconnect = receiver._handle_disconnect

    def disconnected() -> None:
        stock_disconnect()
        on_end()

    receiver._handle_disconnect = disconnected  # type: ignore[method-assign]


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call `callback` when the subscriber behind this sender asks for a keyframe (PLI or FIR)."""
    install()
    sender._send_keyframe = callback  # type: ignore[method-assign]


async def request_keyframe(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    """Ask the publisher behind this receiver for a keyframe of the stream `media_ssrc` (an RTCP PLI)."""
    await receiver._send_rtcp_pli(media_ssrc)
