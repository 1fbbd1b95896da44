"""What forwarding hands aiortc's senders (media.aiortc_hooks): plain packets and a cheaper clock, same results.

Both rely on how aiortc 1.16.0 is written: these fail the day it changes.
"""

from __future__ import annotations

import inspect
import re
from fractions import Fraction

import av
from aiortc import RTCRtpSender, clock, rtcrtpsender
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder

from media import aiortc_hooks
from media.frames import EncodedFrame, to_packet


def test_the_encoders_read_nothing_of_a_packet_but_its_bytes_pts_and_time_base() -> None:
    for pack in (Vp8Encoder.pack, OpusEncoder.pack):
        source = inspect.getsource(pack)
        assert set(re.findall(r"packet\.(\w+)", source)) == {"pts", "time_base"}, pack
        assert "bytes(packet)" in source


def test_a_forwarded_packet_is_packetised_as_an_av_packet_would_be() -> None:
    frame = EncodedFrame("video", bytes(range(256)) * 12, 123_456, True)
    stock = av.Packet(frame.data)
    stock.pts, stock.time_base = 987_654, Fraction(1, 90_000)
    ours, theirs = Vp8Encoder(), Vp8Encoder()
    ours.picture_id = theirs.picture_id = 1234  # drawn at random otherwise
    assert ours.pack(to_packet(frame, 987_654)) == theirs.pack(stock)
    sound = EncodedFrame("audio", b"opus" * 20, 960, True)
    stock = av.Packet(sound.data)
    stock.pts, stock.time_base = 48_000, Fraction(1, 48_000)
    assert OpusEncoder().pack(to_packet(sound, 48_000)) == OpusEncoder().pack(stock)


def test_the_sender_reads_its_clock_where_the_hook_replaces_it() -> None:
    run_rtp = inspect.getsource(RTCRtpSender._run_rtp)
    assert run_rtp.count("clock.current_ntp_time()") == 2  # abs-send-time, then the next sender report
    assert "from . import clock" in inspect.getsource(rtcrtpsender)
    assert rtcrtpsender.clock.current_datetime is not None  # what the sender also reads, untouched


def test_the_cheaper_clock_tells_aiortcs_time() -> None:
    for _ in range(100):
        stock, ours = clock.current_ntp_time(), aiortc_hooks.ntp_time()
        assert 0 <= ours - stock < (1 << 32) // 100  # the same 32.32 format, read a moment later (< 10 ms)
    seconds = aiortc_hooks.ntp_time() >> 32
    assert abs(seconds - (clock.current_ntp_time() >> 32)) <= 1


def test_installing_keeps_the_rest_of_the_clock() -> None:
    aiortc_hooks.install()
    assert rtcrtpsender.clock.current_ntp_time is aiortc_hooks.ntp_time
    assert rtcrtpsender.clock.current_datetime is clock.current_datetime
    assert rtcrtpsender.clock.datetime_from_ntp(aiortc_hooks.ntp_time()).year >= 2024
