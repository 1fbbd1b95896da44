"""aiortc is pinned because forwarding relies on its private parts: this fails the day one of them moves."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from aiortc import RTCDtlsTransport, RTCRtpReceiver, RTCRtpSender, rtcrtpreceiver
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.jitterbuffer import JitterBuffer

from media import aiortc_hooks


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


def test_the_sender_hooks_are_where_forwarding_expects_them() -> None:
    handle = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert handle.count("self._send_keyframe()") >= 1 and "RTCP_PSFB_PLI" in handle and "RTCP_PSFB_FIR" in handle
    assert not inspect.iscoroutinefunction(RTCRtpSender._send_keyframe)
    next_frame = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert "isinstance(data, Frame)" in next_frame or "isinstance(data, av.frame.Frame)" in next_frame
    assert ".pack(data)" in next_frame  # an encoded packet is only packetised, never encoded again
    assert callable(Vp8Encoder.pack) and callable(OpusEncoder.pack)
