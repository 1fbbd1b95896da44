"""Every use of aiortc's private parts, in one place.

aiortc's receiver always decodes what it receives, in a thread per track, and its sender encodes
(or at least packetises) every frame it is handed, for each subscriber. A forwarding server needs
neither. The hooks:

- a receiver is *adopted* between `setRemoteDescription` and `setLocalDescription`: its jitter
  buffer is replaced by a sink that gets every RTP packet as it comes (parsed and depayloaded by
  aiortc) and its decoder queue by nothing, so that no decoder thread ever runs for it (receivers
  that are not adopted, e.g. test clients, still decode);
- a keyframe is requested from a publisher through the receiver's own RTCP;
- a sender is made a `ForwardingSender`: aiortc keeps negotiating it, routing the subscriber's RTCP
  to it and sending its RTCP, but it no longer reads a track: Atelier writes each forwarded packet,
  header rewritten, into the connection's SRTP session and socket itself (`rtp_sender`), and the
  sender hands the subscriber's RTCP (NACK, PLI, FIR, REMB, receiver reports) to an `OutgoingStream`
  and sends that stream's sender reports;
- a sender's keyframe requests call back into Atelier (still used by benchmark and test clients that
  send pre-encoded pictures through aiortc's own sender).

aiortc is pinned exactly (pyproject.toml); tests/media/test_aiortc_hooks.py fails if a hook moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pylibsrtp
from aiortc import RTCDtlsTransport, RTCRtpReceiver, RTCRtpSender, rtcrtpreceiver
from aiortc.rtcdtlstransport import State
from aiortc.rtcrtpparameters import RTCRtpSendParameters
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_FIR,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpByePacket,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpRtpfbPacket,
    RtcpSdesPacket,
    RtcpSenderInfo,
    RtcpSourceInfo,
    RtcpSrPacket,
    RtpPacket,
    unpack_remb_fci,
)

AIORTC_VERSION = "1.16.0"

MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

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


NTP_UNIX_OFFSET = 2_208_988_800  # seconds from the NTP epoch (1900) to the Unix one (1970)


def ntp_time() -> int:
    """`aiortc.clock.current_ntp_time()` without datetimes: 32.32 fixed-point seconds since 1900, to the µs."""
    seconds, microseconds = divmod(time.time_ns() // 1_000, 1_000_000)
    return ((seconds + NTP_UNIX_OFFSET) << 32) | ((microseconds << 32) // 1_000_000)


def install() -> None:
    """Let adopted receivers skip decoding (others keep aiortc's decoder). Safe to call more than once."""
    rtcrtpreceiver.decoder_worker = _decoder_worker


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
    """Call `callback` when the subscriber behind this (stock) sender asks for a keyframe (PLI or FIR)."""
    sender._send_keyframe = callback  # type: ignore[method-assign]


async def request_keyframe(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    """Ask the publisher behind this receiver for a keyframe of the stream `media_ssrc` (an RTCP PLI)."""
    await receiver._send_rtcp_pli(media_ssrc)


# ------------------------------------------------------------------ sending packets ourselves

def rtp_sender(dtls: RTCDtlsTransport) -> Callable[[bytes], None]:
    """What sends one plain RTP packet to the other side of this connection: SRTP-protected, then the socket.

    `RTCDtlsTransport._send_rtp` does the same through two coroutines per packet; this is a plain call,
    made for each subscriber as a publisher's packet arrives. Nothing is sent before the DTLS handshake
    is done or after the connection closed. (The DTLS transport's own byte counts miss these packets.)
    """
    ice = dtls.transport._connection  # aioice's Connection

    def send(data: bytes) -> None:
        if dtls._state is not State.CONNECTED:
            return
        pair = ice._nominated.get(1)
        if pair is None:
            return
        try:
            protected = dtls._tx_srtp.protect(data)
        except pylibsrtp.Error:  # e.g. a retransmission too old for the SRTP window
            return
        # The pair's protocol is aioice's StunProtocol; its transport a UDP socket's, or a TURN allocation's.
        pair.protocol.transport.sendto(protected, pair.remote_addr)

    return send


@dataclass(frozen=True)
class Outgoing:
    """How the subscriber's side negotiated one stream the server sends it."""

    ssrc: int
    payload_type: int
    clock_rate: int
    mid: str | None
    extension_ids: dict[str, int]  # by URI: the ids this connection's header extensions carry
    nack: bool  # the subscriber may ask for lost packets again
    send: Callable[[bytes], None]  # a whole RTP packet, as `rtp_sender` sends it
    cname: str | None


class OutgoingStream(Protocol):
    """What a `ForwardingSender` serves: a stream whose packets Atelier writes itself."""

    def start(self, outgoing: Outgoing) -> None:
        """The connection is up: from now on packets may be sent, as negotiated."""

    def sender_report(self) -> tuple[int, int, int, int] | None:
        """(NTP time, RTP timestamp at that time, packets sent, payload octets sent), or None before any packet."""

    def resend(self, sequence_numbers: list[int]) -> None:
        """The subscriber lost these packets (a NACK, in its own numbering)."""

    def keyframe_wanted(self) -> None:
        """The subscriber asks for a keyframe (PLI or FIR)."""

    def bandwidth_estimated(self, bitrate: int) -> None:
        """The subscriber's estimate of what its link carries (REMB), in bits per second, for all its streams."""

    def loss_reported(self, fraction_lost: int, highest_received: int | None = None) -> None:
        """A receiver report: the share of this stream's packets lost since the last one, out of 256, and the
        highest sequence number received (its extended form)."""


def _private(sender: RTCRtpSender, name: str) -> Any:
    return getattr(sender, f"_RTCRtpSender__{name}")


class ForwardingSender(RTCRtpSender):
    """An aiortc sender whose packets Atelier writes itself (see `forward_through`)."""

    stream: OutgoingStream

    async def send(self, parameters: RTCRtpSendParameters) -> None:
        started = _private(self, "started")
        await super().send(parameters)
        if started:
            return
        codec = parameters.codecs[0]
        assert codec.payloadType is not None
        self.stream.start(Outgoing(
            ssrc=self._ssrc, payload_type=codec.payloadType, clock_rate=codec.clockRate, mid=parameters.muxId,
            extension_ids={extension.uri: extension.id for extension in parameters.headerExtensions},
            nack=any(feedback.type == "nack" and not feedback.parameter for feedback in codec.rtcpFeedback),
            send=rtp_sender(self.transport), cname=parameters.rtcp.cname))

    async def _run_rtp(self, codec: Any) -> None:
        """Nothing to read: packets are written by Atelier. Waits to be stopped, as aiortc's loop would."""
        _private(self, "rtp_started").set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.get_running_loop().create_future()
        _private(self, "rtp_exited").set()

    async def _run_rtcp(self) -> None:
        """Sender reports of the stream, every second or so (randomly 0.5 to 1.5 s, as aiortc's), then a BYE."""
        _private(self, "rtcp_started").set()
        try:
            while True:
                await asyncio.sleep(0.5 + random.random())
                report = self.stream.sender_report()
                if report is None:
                    continue
                ntp, rtp_timestamp, packets, octets = report
                # what aiortc's own reports set: its statistics and round-trip time read them
                self._RTCRtpSender__ntp_timestamp = ntp
                self._RTCRtpSender__rtp_timestamp = rtp_timestamp
                self._RTCRtpSender__packet_count = packets
                self._RTCRtpSender__octet_count = octets
                self._RTCRtpSender__lsr = (ntp >> 16) & 0xFFFFFFFF
                self._RTCRtpSender__lsr_time = time.time()
                packets_out: list[AnyRtcpPacket] = [RtcpSrPacket(ssrc=self._ssrc, sender_info=RtcpSenderInfo(
                    ntp_timestamp=ntp, rtp_timestamp=rtp_timestamp, packet_count=packets & 0xFFFFFFFF,
                    octet_count=octets & 0xFFFFFFFF))]
                cname = _private(self, "cname")
                if cname is not None:
                    packets_out.append(RtcpSdesPacket(chunks=[RtcpSourceInfo(ssrc=self._ssrc,
                                                                             items=[(1, cname.encode("utf8"))])]))
                await self._send_rtcp(packets_out)
        except asyncio.CancelledError:
            pass
        await self._send_rtcp([RtcpByePacket(sources=[self._ssrc])])
        _private(self, "rtcp_exited").set()

    async def _handle_rtcp_packet(self, packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            self.stream.resend(packet.lost)
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt in (RTCP_PSFB_FIR, RTCP_PSFB_PLI):
            self.stream.keyframe_wanted()
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, ssrcs = unpack_remb_fci(packet.fci)
            except ValueError:
                return
            if self._ssrc in ssrcs:
                self.stream.bandwidth_estimated(bitrate)
        elif isinstance(packet, (RtcpRrPacket, RtcpSrPacket)):
            await super()._handle_rtcp_packet(packet)  # aiortc's statistics: round-trip time, losses
            for report in packet.reports:
                if report.ssrc == self._ssrc:
                    self.stream.loss_reported(report.fraction_lost, report.highest_sequence)


def forward_through(sender: RTCRtpSender, stream: OutgoingStream) -> None:
    """Make a new transceiver's sender serve `stream`: call before the connection starts (before `send`)."""
    sender.__class__ = ForwardingSender
    assert isinstance(sender, ForwardingSender)
    sender.stream = stream
