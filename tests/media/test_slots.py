"""A subscriber's slot at the packet level: the headers it writes, its numbering across switches, retransmissions.

The packets a slot sends are parsed back with aiortc's own parser, as the subscriber would.
"""

from __future__ import annotations

from aiortc.codecs import depayload
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket

from media.aiortc_hooks import ABS_SEND_TIME, AUDIO_LEVEL, MID, Outgoing
from media.forwarding import Packet, PublishedTrack, Slot, audio_tail, video_tail

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90_000, payloadType=96)
OUT_SSRC, OUT_PT = 0x1234_5678, 97


def vp8_payload(picture_id: int, *, start: bool, keyframe: bool, body: bytes = b"picture") -> bytes:
    """A VP8 payload descriptor with a 15-bit picture id (as Chrome sends them), then the frame's bytes."""
    descriptor = bytes((0x90 if start else 0x80, 0x80, 0x80 | picture_id >> 8, picture_id & 0xFF))
    return descriptor + (bytes((0x10 if keyframe else 0x11,)) if start else b"") + body


def rtp(seq: int, timestamp: int, payload: bytes, *, ssrc: int = 1111, marker: int = 1) -> RtpPacket:
    packet = RtpPacket(payload_type=96, sequence_number=seq, timestamp=timestamp, marker=marker, ssrc=ssrc,
                       payload=payload)
    packet._data = depayload(VP8, payload)  # type: ignore[attr-defined]  # what aiortc's receiver adds
    return packet


def picture(seq: int, timestamp: int, picture_id: int, *, keyframe: bool = False, arrival: float = 0.0,
            ssrc: int = 1111) -> Packet:
    return Packet(rtp(seq, timestamp, vp8_payload(picture_id, start=True, keyframe=keyframe), ssrc=ssrc),
                  arrival, keyframe, picture_id, video_tail(3, 0))


class Subscriber:
    """What the subscriber's side receives from one slot, parsed as its connection negotiated it."""

    def __init__(self, kind: str = "video") -> None:
        self.sent: list[bytes] = []
        ids = {MID: 1, ABS_SEND_TIME: 3} if kind == "video" else {MID: 1, AUDIO_LEVEL: 2}
        self.outgoing = Outgoing(ssrc=OUT_SSRC, payload_type=OUT_PT, clock_rate=90_000 if kind == "video" else 48_000,
                                 mid="4", extension_ids=ids, nack=True, send=self.sent.append, cname="server")
        self.map = HeaderExtensionsMap()
        self.map.configure(RTCRtpParameters(headerExtensions=[
            RTCRtpHeaderExtensionParameters(id=identifier, uri=uri) for uri, identifier in ids.items()]))

    def packets(self) -> list[RtpPacket]:
        return [RtpPacket.parse(data, self.map) for data in self.sent]


def started_slot(kind: str = "video") -> tuple[Slot, Subscriber, list[str]]:
    asked: list[str] = []
    slot, subscriber = Slot("video" if kind == "video" else "audio"), Subscriber(kind)
    slot.start(subscriber.outgoing)
    slot.show(PublishedTrack(slot.kind, lambda: asked.append("keyframe")))
    return slot, subscriber, asked


def test_a_forwarded_packet_carries_the_subscribers_numbering_and_extensions() -> None:
    slot, subscriber, asked = started_slot()
    assert asked == ["keyframe"]  # shown a source with no fresh keyframe, the slot asks for one
    slot.forward(picture(100, 5_000, 300, keyframe=False))  # before any keyframe: kept back
    assert subscriber.sent == []
    slot.forward(picture(101, 8_000, 301, keyframe=True))
    slot.forward(picture(102, 11_000, 302))
    first, second = subscriber.packets()
    assert (first.ssrc, first.payload_type, first.marker) == (OUT_SSRC, OUT_PT, 1)
    assert second.sequence_number == (first.sequence_number + 1) & 0xFFFF
    assert (second.timestamp - first.timestamp) & 0xFFFFFFFF == 3_000
    assert first.extensions.mid == "4" and first.extensions.abs_send_time is not None
    assert first.payload[4:] == vp8_payload(301, start=True, keyframe=True)[4:]  # the picture itself unchanged
    assert depayload(VP8, first.payload) == depayload(VP8, vp8_payload(301, start=True, keyframe=True))
    assert slot.packets_sent == 2


def test_switching_source_keeps_the_numbering_continuous_and_waits_for_a_keyframe() -> None:
    slot, subscriber, asked = started_slot()
    slot.forward(picture(40_000, 1_000, 7_000, keyframe=True, arrival=10.0))
    slot.forward(picture(40_001, 4_000, 7_001, arrival=10.033))
    other = PublishedTrack("video", lambda: asked.append("other's keyframe"))
    slot.show(other)
    assert asked[-1] == "other's keyframe"
    slot.forward(picture(60_000, 900_000, 20, arrival=10.2, ssrc=2222))  # not a keyframe: kept back
    slot.forward(picture(60_001, 903_000, 21, keyframe=True, arrival=10.5, ssrc=2222))
    slot.forward(picture(60_002, 906_000, 22, arrival=10.533, ssrc=2222))
    before, switched, after = subscriber.packets()[1:]
    assert [switched.sequence_number, after.sequence_number] == [before.sequence_number + 1,
                                                                 before.sequence_number + 2]
    # timestamps go on by the wall time between the last packet of one source and the first of the next
    assert (switched.timestamp - before.timestamp) & 0xFFFFFFFF == round(0.467 * 90_000)
    assert (after.timestamp - switched.timestamp) & 0xFFFFFFFF == 3_000
    picture_ids = [((packet.payload[2] & 0x7F) << 8) | packet.payload[3] for packet in subscriber.packets()]
    assert picture_ids == [7_000, 7_001, 7_002, 7_003]  # VP8 picture ids continuous too


def test_a_late_packet_of_the_previous_source_is_not_sent() -> None:
    slot, subscriber, _asked = started_slot()
    slot.forward(picture(500, 1_000, 1, keyframe=True))
    slot.forward(picture(499, 0, 0))  # older than the slot's first packet of this source
    slot.forward(picture(501, 2_000, 2))
    slot.forward(picture(498, 0, 0))
    assert len(subscriber.sent) == 2


def test_a_lost_packet_is_sent_again_in_the_subscribers_numbering() -> None:
    slot, subscriber, _asked = started_slot()
    source = slot.source
    assert source is not None
    for seq in range(65_534, 65_534 + 5):  # across the wrap of sequence numbers
        source.receive(rtp(seq & 0xFFFF, seq * 3_000, vp8_payload(seq & 0x7FFF, start=True, keyframe=seq == 65_534)))
    source.receive(rtp(65_535, 65_535 * 3_000, vp8_payload(65_535 & 0x7FFF, start=True, keyframe=False)))
    sent = subscriber.packets()
    assert len(sent) == 5  # the publisher's copy of a packet (RTX padding) is not forwarded twice
    lost = [sent[1].sequence_number, sent[3].sequence_number, (sent[4].sequence_number + 10) & 0xFFFF]
    slot.resend(lost)
    again = subscriber.packets()[5:]
    assert [packet.sequence_number for packet in again] == lost[:2]  # the one never sent is not invented
    assert again[0].payload == sent[1].payload and again[0].timestamp == sent[1].timestamp
    assert slot.resent == 2
    slot.resend(lost)  # asked again at once (a receiver repeats what it still lacks): not sent again yet
    assert slot.resent == 2


def test_sender_reports_follow_the_rewritten_timestamps() -> None:
    slot, _subscriber, _asked = started_slot()
    assert slot.sender_report() is None
    source = slot.source
    assert source is not None
    source.receive(rtp(10, 90_000, vp8_payload(1, start=True, keyframe=True)))
    sent = RtpPacket.parse(_subscriber.sent[0], _subscriber.map)
    report = slot.sender_report()
    assert report is not None
    _ntp, timestamp, packets, octets = report
    assert packets == 1 and octets == len(vp8_payload(1, start=True, keyframe=True))
    assert 0 <= (timestamp - sent.timestamp) & 0xFFFFFFFF < 90_000  # now, a moment after the packet was sent


def test_an_audio_slot_carries_the_speakers_level_and_switches_at_once() -> None:
    slot, subscriber, asked = started_slot("audio")
    assert asked == []  # sound needs no keyframe
    for seq, level in ((1, 30), (2, 127)):
        slot.forward(Packet(RtpPacket(sequence_number=seq, timestamp=seq * 960, ssrc=5, payload=b"opus"), 0.02 * seq,
                            False, -1, audio_tail(2, level)))
    slot.show(PublishedTrack("audio", lambda: None))
    slot.forward(Packet(RtpPacket(sequence_number=9_000, timestamp=7, ssrc=6, payload=b"opus"), 1.04, False, -1,
                        audio_tail(2, 60)))
    first, second, switched = subscriber.packets()
    assert [first.extensions.audio_level, second.extensions.audio_level, switched.extensions.audio_level] == [
        (False, 30), (False, 127), (False, 60)]
    assert switched.sequence_number == (second.sequence_number + 1) & 0xFFFF
    assert (switched.timestamp - second.timestamp) & 0xFFFFFFFF == 48_000


def test_a_slot_shown_just_after_a_keyframe_starts_from_it_without_asking() -> None:
    asked: list[str] = []
    source = PublishedTrack("video", lambda: asked.append("keyframe"))
    for seq in range(20, 24):  # a keyframe in two packets, then the next picture
        start = seq in (20, 22)
        payload = vp8_payload(seq, start=start, keyframe=seq == 20)
        source.receive(rtp(seq, 3_000 * (seq // 2), payload, marker=int(seq % 2 == 1)))
    slot, subscriber = Slot("video"), Subscriber()
    slot.start(subscriber.outgoing)
    slot.show(source)
    assert asked == [] and len(subscriber.sent) == 4
    source.receive(rtp(24, 36_000, vp8_payload(24, start=True, keyframe=False)))
    assert [packet.sequence_number - subscriber.packets()[0].sequence_number
            for packet in subscriber.packets()] == [0, 1, 2, 3, 4]


def test_what_never_reached_the_server_is_not_held_against_a_subscribers_link() -> None:
    reports: list[int] = []

    class Budget:
        def estimated(self, bitrate: int) -> None:
            pass

        def lost(self, slot: Slot, fraction_lost: int) -> None:
            reports.append(fraction_lost)

    slot, subscriber = Slot("video", Budget()), Subscriber()
    slot.start(subscriber.outgoing)
    slot.show(PublishedTrack("video", lambda: None))
    slot.forward(picture(0, 0, 0, keyframe=True))
    slot.loss_reported(0)
    for seq in range(1, 101):
        if seq % 4:  # a quarter of the publisher's packets never reached the server
            slot.forward(picture(seq, seq * 3_000, seq))
    slot.loss_reported(64)  # the subscriber lost a quarter: those
    slot.forward(picture(101, 303_000, 101))
    for seq in range(102, 202):
        slot.forward(picture(seq, seq * 3_000, seq))
    slot.loss_reported(64)  # the server lost nothing: the subscriber's link did
    first, upstream_only, own = reports
    assert first == 0 and upstream_only <= 3 and own >= 60  # (to a packet: reports and numbers do not align)
