"""aiortc is pinned because forwarding relies on its private parts: this fails the day one of them moves."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import aioice
import aioice.ice
from aiortc import (
    RTCDtlsTransport,
    RTCIceTransport,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    clock,
    rtcrtpreceiver,
)
from aiortc.codecs import HEADER_EXTENSIONS
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtcdtlstransport import RtpRouter

from media import aiortc_hooks
from media.forwarding import TAIL_IDS, Slot


def test_the_installed_aiortc_is_the_pinned_one() -> None:
    assert version("aiortc") == aiortc_hooks.AIORTC_VERSION


def test_the_receiver_hooks_are_where_forwarding_expects_them() -> None:
    assert list(inspect.signature(rtcrtpreceiver.decoder_worker).parameters) in (
        ["loop", "input_q", "output_q", "decode_error"],
        # once install() has run, the module global is Atelier's dispatcher, with the same parameters
        ["loop", "input_queue", "output_queue", "decode_error"],
    )
    receive = inspect.getsource(RTCRtpReceiver.receive)
    assert "target=decoder_worker" in receive and "self.__decoder_queue" in receive
    init = inspect.getsource(RTCRtpReceiver.__init__)
    assert "self.__jitter_buffer = JitterBuffer(" in init and "self.__decoder_queue" in init
    handle = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    for expected in ("packet._data = depayload(codec, packet.payload)",
                     "pli_flag, encoded_frame = self.__jitter_buffer.add(packet)",
                     "await self._send_rtcp_pli(packet.ssrc)",
                     "if encoded_frame is not None and self.__decoder_thread:"):
        assert expected in handle, expected
    assert list(inspect.signature(JitterBuffer.add).parameters) == ["self", "packet"]
    # a lost connection reaches each receiver through this method (an RTCP BYE does not: see _NoDecoding)
    assert "receiver._handle_disconnect()" in inspect.getsource(RTCDtlsTransport)
    assert "self.__stop_decoder()" in inspect.getsource(RTCRtpReceiver._handle_disconnect)
    bye = inspect.getsource(RTCRtpReceiver._handle_rtcp_packet)
    assert "RtcpByePacket" in bye and "self.__stop_decoder()" in bye
    assert inspect.iscoroutinefunction(RTCRtpReceiver._send_rtcp_pli)
    assert list(inspect.signature(RTCRtpReceiver._send_rtcp_pli).parameters) == ["self", "media_ssrc"]


def test_the_stock_sender_hook_is_where_test_clients_expect_it() -> None:
    handle = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert handle.count("self._send_keyframe()") >= 1 and "RTCP_PSFB_PLI" in handle and "RTCP_PSFB_FIR" in handle
    assert not inspect.iscoroutinefunction(RTCRtpSender._send_keyframe)
    next_frame = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert ".pack(data)" in next_frame  # benchmark publishers send pre-encoded packets: only packetised


async def test_a_forwarding_sender_replaces_what_aiortcs_sender_does_per_packet() -> None:
    send = inspect.getsource(RTCRtpSender.send)
    for expected in ("if not self.__started:", "self.__transport._register_rtp_sender(self, parameters)",
                     "self._run_rtp(parameters.codecs[0])", "self._run_rtcp()", "self.__started = True"):
        assert expected in send, expected
    stop = inspect.getsource(RTCRtpSender.stop)
    for event in ("self.__rtp_started.wait()", "self.__rtcp_started.wait()", "self.__rtp_exited.wait()",
                  "self.__rtcp_exited.wait()"):
        assert event in stop, event
    assert list(inspect.signature(RTCRtpSender._send_rtcp).parameters) == ["self", "packets"]
    rtcp = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert "self.__lsr" in rtcp and "self.__packet_count" in rtcp  # what the forwarding sender's reports set
    # the private attributes it sets and reads, on a real sender
    connection = RTCPeerConnection()
    sender = connection.addTransceiver("video", direction="sendonly").sender
    aiortc_hooks.forward_through(sender, slot := Slot("video"))
    assert isinstance(sender, aiortc_hooks.ForwardingSender) and sender.stream is slot
    for name in ("started", "rtp_started", "rtp_exited", "rtcp_started", "rtcp_exited", "cname", "ntp_timestamp",
                 "rtp_timestamp", "packet_count", "octet_count", "lsr", "lsr_time"):
        assert hasattr(sender, f"_RTCRtpSender__{name}"), name
    await connection.close()
    # the subscriber's feedback reaches the sender of the stream it names
    route = inspect.getsource(RtpRouter.route_rtcp)
    assert "self.senders.get(packet.media_ssrc)" in route and "self.senders.get(report.ssrc)" in route
    assert "unpack_remb_fci(packet.fci)[1]" in route


def test_packets_go_out_through_the_connections_srtp_and_socket() -> None:
    send_rtp = inspect.getsource(RTCDtlsTransport._send_rtp)
    assert "self._tx_srtp.protect(data)" in send_rtp and "self._state != State.CONNECTED" in send_rtp
    assert "self._tx_srtp = Session(tx_policy)" in inspect.getsource(RTCDtlsTransport._setup_srtp)
    assert "tx_policy.allow_repeat_tx = True" in inspect.getsource(RTCDtlsTransport._setup_srtp)  # retransmissions
    assert "self._send = self._connection.send" in inspect.getsource(RTCIceTransport)
    sendto = inspect.getsource(aioice.Connection.sendto)
    assert "self._nominated.get(component)" in sendto
    assert "active_pair.protocol.send_data(data, active_pair.remote_addr)" in sendto
    assert "self.transport.sendto(data, addr)" in inspect.getsource(aioice.ice.StunProtocol.send_data)


def test_subscribers_connections_number_their_header_extensions_as_forwarding_expects() -> None:
    """Per packet, the extension that changes (send time, audio level) is written once with these ids."""
    for kind, (uri, identifier) in TAIL_IDS.items():
        assert any(ext.uri == uri and ext.id == identifier for ext in HEADER_EXTENSIONS[kind]), kind
    assert any(ext.uri == aiortc_hooks.MID for ext in HEADER_EXTENSIONS["video"])


def test_the_cheaper_clock_tells_aiortcs_time() -> None:
    for _ in range(100):
        stock, ours = clock.current_ntp_time(), aiortc_hooks.ntp_time()
        assert 0 <= ours - stock < (1 << 32) // 100  # the same 32.32 format, read a moment later (< 10 ms)
