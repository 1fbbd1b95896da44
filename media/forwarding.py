"""Published tracks and the slots that show them: each RTP packet forwarded with its header rewritten.

A publisher's packet is received once (SRTP, parsing, RTCP upkeep: aiortc's receiver) and written to
every subscriber slot showing it: a new 12-byte header (the slot's SSRC, sequence number, timestamp
and payload type, as the subscriber negotiated them), the header extensions the subscriber's side
expects (the slot's mid, the time it is sent, the speaker's audio level), the payload unchanged but
for a VP8 picture id kept continuous, then the subscriber's SRTP and socket (`aiortc_hooks.rtp_sender`).

A slot's numbering stays continuous when it changes source: sequence numbers go on from the last
one sent, timestamps by the time elapsed in the stream's clock, and a video slot starts the new
source at a keyframe (which it asks for). Lost packets a subscriber asks for again (NACK) come from a
short history of the publisher's packets, numbered as that slot numbered them.
"""

from __future__ import annotations

import random
import struct
import time
from collections.abc import Callable
from typing import Protocol

from aiortc.rtp import RtpPacket

from media.aiortc_hooks import ABS_SEND_TIME, AUDIO_LEVEL, MID, Outgoing, ntp_time
from media.frames import Kind, is_vp8_keyframe, is_vp8_start

HISTORY = 1024  # packets of a publisher's video kept for retransmissions (about 5 s at 1.5 Mbit/s); a power of 2
CATCH_UP = 0.3  # seconds: a slot starting this soon after the source's last keyframe starts from that keyframe
RESEND_AGAIN_AFTER = 0.1  # seconds before a packet is sent again to the same subscriber (a NACK repeats what it lacks)
RESEND_UNTIL = 1.0  # seconds after it came: older, a packet is of no use to a subscriber any more
RECENT = 2048  # a packet this far behind the newest of its stream is not forwarded any more
HEADER = struct.Struct("!BBHII")
PICTURE_ID = struct.Struct("!H")
CLOCK_RATES: dict[Kind, int] = {"audio": 48_000, "video": 90_000}  # Opus and VP8 RTP clocks


class Packet:
    """A publisher's RTP packet, as each slot forwards it."""

    __slots__ = ("arrival", "keyframe", "marker", "payload", "padding", "picture_id", "sequence_number", "ssrc",
                 "tail", "timestamp")

    def __init__(self, packet: RtpPacket, arrival: float, keyframe: bool, picture_id: int, tail: bytes) -> None:
        self.sequence_number: int = packet.sequence_number
        self.timestamp: int = packet.timestamp
        self.ssrc: int = packet.ssrc
        self.marker: int = packet.marker
        self.payload: bytes = packet.payload
        self.padding: int = packet.padding_size
        self.arrival = arrival  # time.monotonic()
        self.keyframe = keyframe  # the first packet of a keyframe
        self.picture_id = picture_id  # VP8's 15-bit picture id (bytes 2-3 of the payload), or -1
        self.tail = tail  # the header extension that changes with each packet, with aiortc's ids (`TAIL_IDS`)


# Subscribers' connections are offered by aiortc, whose header extension ids are fixed: what changes with
# each packet (its send time, its audio level) is written once per packet with these ids, for every slot.
TAIL_IDS: dict[Kind, tuple[str, int]] = {"video": (ABS_SEND_TIME, 3), "audio": (AUDIO_LEVEL, 2)}


def video_tail(extension_id: int, ntp: int) -> bytes:
    """abs-send-time: when the packet leaves, 6.18 fixed-point seconds; 4 bytes with its one-byte header."""
    return bytes(((extension_id << 4) | 2,)) + ((ntp >> 14) & 0xFFFFFF).to_bytes(3, "big")


def audio_tail(extension_id: int, level: int | None) -> bytes:
    """ssrc-audio-level (RFC 6464), padded to 4 bytes; 127 (silence) when the publisher sent none."""
    return bytes(((extension_id << 4), 127 if level is None else level, 0, 0))


def vp8_picture_id(payload: bytes) -> int:
    """The 15-bit picture id of a VP8 payload descriptor (RFC 7741), at bytes 2-3; -1 when it has none."""
    if len(payload) > 3 and payload[0] & 0x80 and payload[1] & 0x80 and payload[2] & 0x80:
        return ((payload[2] & 0x7F) << 8) | payload[3]
    return -1


def seq_distance(later: int, earlier: int) -> int:
    """How many sequence numbers `later` is after `earlier`, across the 16-bit wrap (negative: before)."""
    distance = (later - earlier) & 0xFFFF
    return distance - 0x10000 if distance >= 0x8000 else distance


class Feedback(Protocol):
    """Where a slot's subscriber tells about its link (the subscribe connection's `LinkBudget`)."""

    def estimated(self, bitrate: int) -> None:
        """A REMB: what the subscriber estimates its link carries, for all its streams (bit/s)."""

    def lost(self, slot: Slot, fraction_lost: int) -> None:
        """A receiver report of this slot's stream: the share of its packets lost since the last, out of 256."""


class _NoFeedback:
    def estimated(self, bitrate: int) -> None:
        pass

    def lost(self, slot: Slot, fraction_lost: int) -> None:
        pass


RATE_WINDOW = 1.0  # seconds over which a published track's bitrate is measured


class PublishedTrack:
    """A publisher's camera or microphone, as it arrives: every packet goes to every slot showing it."""

    def __init__(self, kind: Kind, ask_keyframe: Callable[[], None], *,
                 ask_keyframe_after_loss: Callable[[], None] | None = None,
                 on_keyframe: Callable[[], None] = lambda: None,
                 on_level: Callable[[int | None], None] = lambda level: None) -> None:
        """`ask_keyframe`: for a slot that starts showing this track; `ask_keyframe_after_loss`: for a subscriber
        that asks itself (by default the same)."""
        self.kind = kind
        self.ask_keyframe = ask_keyframe
        self.ask_keyframe_after_loss = ask_keyframe_after_loss or ask_keyframe
        self._on_keyframe = on_keyframe
        self._on_level = on_level
        self.slots: set[Slot] = set()
        self.ended = False
        self.history: list[Packet | None] = [None] * HISTORY if kind == "video" else []
        self.received = 0
        self.newest: Packet | None = None
        self.keyframe: Packet | None = None  # the first packet of the latest keyframe
        self.bitrate = 0  # bit/s of payload received, over the last second or so
        self._octets = 0
        self._rate_since = time.monotonic()

    def receive(self, rtp: RtpPacket) -> None:
        """One packet from the publisher (parsed by aiortc's receiver, its VP8 payload in `rtp._data`)."""
        self.received += 1
        self._octets += len(rtp.payload)
        if self.kind == "video":
            payload = rtp.payload
            previous = self.history[rtp.sequence_number & (HISTORY - 1)]
            if previous is not None and previous.sequence_number == rtp.sequence_number and previous.ssrc == rtp.ssrc:
                return  # a copy of a packet already forwarded (Chrome probes bandwidth with old packets again)
            keyframe = is_vp8_start(payload) and is_vp8_keyframe(rtp._data)  # type: ignore[attr-defined]
            packet = Packet(rtp, time.monotonic(), keyframe, vp8_picture_id(payload),
                            video_tail(TAIL_IDS["video"][1], ntp_time()))
            self.history[packet.sequence_number & (HISTORY - 1)] = packet
            newest = self.newest
            if newest is None or newest.ssrc != packet.ssrc \
                    or 0 < (packet.sequence_number - newest.sequence_number) & 0xFFFF < 0x8000:
                self.newest = packet
            if keyframe:
                self.keyframe = packet
                self._on_keyframe()
        else:
            level = rtp.extensions.audio_level[1] if rtp.extensions.audio_level is not None else None
            self._on_level(level)
            packet = Packet(rtp, time.monotonic(), False, -1, audio_tail(TAIL_IDS["audio"][1], level))
        if packet.arrival - self._rate_since >= RATE_WINDOW:
            self.bitrate = round(self._octets * 8 / (packet.arrival - self._rate_since))
            self._octets, self._rate_since = 0, packet.arrival
        for slot in self.slots:
            slot.forward(packet)

    def recorded(self, sequence_number: int, ssrc: int) -> Packet | None:
        """A recent packet of this stream, for a retransmission."""
        if not self.history:
            return None
        packet = self.history[sequence_number & (HISTORY - 1)]
        if packet is None or packet.sequence_number != sequence_number or packet.ssrc != ssrc:
            return None
        return packet

    def since_keyframe(self) -> list[Packet]:
        """The packets from the latest keyframe on, if it came a moment ago (`CATCH_UP`): a new slot's start."""
        keyframe, newest = self.keyframe, self.newest
        if keyframe is None or newest is None or newest.ssrc != keyframe.ssrc \
                or time.monotonic() - keyframe.arrival > CATCH_UP:
            return []
        count = (newest.sequence_number - keyframe.sequence_number) & 0xFFFF
        if count >= HISTORY:
            return []
        packets = [self.history[(keyframe.sequence_number + n) & (HISTORY - 1)] for n in range(count + 1)]
        return [packet for packet in packets if packet is not None and packet.ssrc == keyframe.ssrc]

    def end(self) -> None:
        """The publisher left or stopped this track: its slots go quiet until shown something else."""
        self.ended = True
        for slot in list(self.slots):
            slot.show(None)


class Slot:
    """One of a subscriber's outgoing streams. What it shows changes without renegotiating.

    Its sender (`aiortc_hooks.ForwardingSender`) starts it once the connection is up; until then,
    and while it shows nothing, nothing is sent.
    """

    def __init__(self, kind: Kind, feedback: Feedback | None = None) -> None:
        self.kind = kind
        self.source: PublishedTrack | None = None
        self._out: Outgoing | None = None
        self._prefix = b""  # header extensions before the tail: the mid
        self._first_byte = 0x80
        self._own_tail: int | None = None  # the tail's id, when it is not aiortc's (`TAIL_IDS`)
        self._tail = False  # whether the subscriber takes the tail's extension at all
        self._feedback = feedback or _NoFeedback()
        # the current source's packets: where its numbering starts, and how it is shifted
        self._synced = False
        self._source_ssrc = -1
        self._first_seq = 0
        self._newest_seq = 0  # the source's newest packet forwarded, in its numbering
        self._newest_ts = 0
        self._newest_at = 0.0  # when that timestamp was first forwarded (time.monotonic())
        self._seq_offset = 0
        self._ts_offset = 0
        self._picture_offset = 0
        self._last_picture_id: int | None = None  # the last picture id sent, in the slot's numbering
        self._sent_anything = False
        self.packets_sent = 0
        self.octets_sent = 0
        self.resent = 0
        self._resent_at: dict[int, float] = {}  # when each packet was last sent again, by its number in the slot
        self._fresh_sent = 0  # packets sent for the first time (not again)
        self._reported = (0, 0)  # (packets sent fresh, newest number sent) at the subscriber's last report
        self._highest_received: int | None = None  # the highest number the subscriber said it had received

    # ------------------------------------------------------------ what it shows

    def show(self, source: PublishedTrack | None) -> None:
        if source is self.source:
            return
        if self.source is not None:
            self.source.slots.discard(self)
        self.source = source
        self._synced = False
        if source is not None and not source.ended:
            source.slots.add(self)
            self._catch_up()

    def _catch_up(self) -> None:
        """A video slot starts from the source's keyframe if it is fresh, or asks for one."""
        source = self.source
        if self.kind != "video" or source is None or self._out is None:
            return
        packets = source.since_keyframe()
        if not packets:
            source.ask_keyframe()
        for packet in packets:
            self.forward(packet)

    def stop(self) -> None:
        self.show(None)

    # ------------------------------------------------------------ the packets

    def start(self, outgoing: Outgoing) -> None:
        """The subscriber's connection is up (`aiortc_hooks.OutgoingStream`)."""
        ids = outgoing.extension_ids
        prefix = b""
        if MID in ids and outgoing.mid:
            mid = outgoing.mid.encode()
            prefix = bytes((((ids[MID]) << 4) | (len(mid) - 1),)) + mid
            prefix += bytes(-len(prefix) % 4)  # zeros: padding between elements
        tail_uri, tail_id = TAIL_IDS[self.kind]
        tail_length = 4 if tail_uri in ids else 0
        self._own_tail = ids[tail_uri] if tail_uri in ids and ids[tail_uri] != tail_id else None
        if prefix or tail_length:
            self._prefix = b"\xbe\xde" + ((len(prefix) + tail_length) // 4).to_bytes(2, "big") + prefix
            self._first_byte = 0x90
        self._tail = tail_length > 0
        self._out = outgoing
        self._catch_up()

    def forward(self, packet: Packet) -> None:
        """A packet of the source: sent on, or kept back (before the keyframe a video slot waits for)."""
        if self._out is None:
            return
        if not self._synced or packet.ssrc != self._source_ssrc:
            if self.kind == "video" and not packet.keyframe:
                return  # the subscriber could not decode what comes before a keyframe
            self._sync(packet)
        else:
            ahead = (packet.sequence_number - self._newest_seq) & 0xFFFF
            if ahead and ahead < 0x8000:
                self._newest_seq = packet.sequence_number
                if packet.timestamp != self._newest_ts:
                    self._newest_ts, self._newest_at = packet.timestamp, packet.arrival
            elif ahead and (-ahead & 0xFFFF) > min(RECENT, (self._newest_seq - self._first_seq) & 0xFFFF):
                return  # older than this source's first packet in the slot: it would reuse numbers already sent
        self._send(packet, fresh=True)

    def _sync(self, packet: Packet) -> None:
        """Shift the new source's numbering to follow what the subscriber already got."""
        if self._sent_anything:
            seq = (self._newest_seq + self._seq_offset + 1) & 0xFFFF
            elapsed = max(1, round((packet.arrival - self._newest_at) * CLOCK_RATES[self.kind]))
            timestamp = (self._newest_ts + self._ts_offset + elapsed) & 0xFFFFFFFF
        else:  # as aiortc's sender starts: low sequence numbers (SRTP's wrap), any timestamp
            seq, timestamp = random.randrange(0x8000), random.randrange(1 << 32)
        self._seq_offset = (seq - packet.sequence_number) & 0xFFFF
        self._ts_offset = (timestamp - packet.timestamp) & 0xFFFFFFFF
        if packet.picture_id >= 0:
            picture_id = packet.picture_id if self._last_picture_id is None else (self._last_picture_id + 1) & 0x7FFF
            self._picture_offset = (picture_id - packet.picture_id) & 0x7FFF
        self._source_ssrc = packet.ssrc
        self._first_seq = self._newest_seq = packet.sequence_number
        self._newest_ts, self._newest_at = packet.timestamp, packet.arrival
        self._synced = self._sent_anything = True

    def _send(self, packet: Packet, *, fresh: bool) -> None:
        out = self._out
        assert out is not None
        payload = packet.payload
        if packet.picture_id >= 0:
            picture_id = (packet.picture_id + self._picture_offset) & 0x7FFF
            if fresh:
                self._last_picture_id = picture_id
            payload = payload[:2] + PICTURE_ID.pack(0x8000 | picture_id) + payload[4:]
        tail = (packet.tail if self._own_tail is None else self._retagged(packet.tail)) if self._tail else b""
        header = HEADER.pack(self._first_byte | (0x20 if packet.padding else 0),
                             (packet.marker << 7) | out.payload_type,
                             (packet.sequence_number + self._seq_offset) & 0xFFFF,
                             (packet.timestamp + self._ts_offset) & 0xFFFFFFFF, out.ssrc)
        if packet.padding:
            payload += bytes(packet.padding - 1) + bytes((packet.padding,))
        out.send(header + self._prefix + tail + payload)
        self._fresh_sent += fresh
        self.packets_sent += 1
        self.octets_sent += len(packet.payload)

    def _retagged(self, tail: bytes) -> bytes:
        assert self._own_tail is not None
        return bytes(((self._own_tail << 4) | (tail[0] & 0x0F),)) + tail[1:]

    # ------------------------------------------------------------ the subscriber's RTCP

    def sender_report(self) -> tuple[int, int, int, int] | None:
        """The RTP timestamp that corresponds to now in this stream, extrapolated from the newest packet sent."""
        if not self._sent_anything:
            return None
        elapsed = time.monotonic() - self._newest_at
        timestamp = (self._newest_ts + self._ts_offset + round(elapsed * CLOCK_RATES[self.kind])) & 0xFFFFFFFF
        return ntp_time(), timestamp, self.packets_sent, self.octets_sent

    def resend(self, sequence_numbers: list[int]) -> None:
        """Send again the packets the subscriber lost, from the source's recent history.

        A receiver asks again for everything it still lacks whenever it notices a new loss (aiortc's does):
        a packet is sent again at most every `RESEND_AGAIN_AFTER`, and only while it is recent, so that a
        subscriber losing much does not make the server send it more and more.
        """
        out, source = self._out, self.source
        if out is None or not out.nack or source is None or not self._synced:
            return
        now = time.monotonic()
        resent_at = self._resent_at
        if len(resent_at) > 1024:
            self._resent_at = resent_at = {seq: at for seq, at in resent_at.items() if now - at < RESEND_UNTIL}
        for lost in sequence_numbers:
            if now - resent_at.get(lost, -RESEND_UNTIL) < RESEND_AGAIN_AFTER:
                continue
            original = (lost - self._seq_offset) & 0xFFFF
            behind = (self._newest_seq - original) & 0xFFFF
            if behind > (self._newest_seq - self._first_seq) & 0xFFFF:
                continue  # not this source's, or not yet sent
            packet = source.recorded(original, self._source_ssrc)
            if packet is not None and now - packet.arrival < RESEND_UNTIL:
                resent_at[lost] = now
                self.resent += 1
                self._send(packet, fresh=False)

    def keyframe_wanted(self) -> None:
        if self.source is not None and self.kind == "video":
            self.source.ask_keyframe_after_loss()

    def bandwidth_estimated(self, bitrate: int) -> None:
        self._feedback.estimated(bitrate)

    def loss_reported(self, fraction_lost: int, highest_received: int | None = None) -> None:
        """A receiver report: what the subscriber lost, less what never reached the server (the same for every
        subscriber of the source: the server asks the publisher for it again, and sending less would not help).

        A receiver that got nothing since its last report says it lost nothing (aiortc's counts losses between
        packets received): its highest sequence number received not moving while the server sent it packets
        counts as everything lost."""
        sent, newest = self._fresh_sent, (self._newest_seq + self._seq_offset) & 0xFFFF
        sent_before, newest_before = self._reported
        self._reported = (sent, newest)
        if highest_received is not None:
            received_before, self._highest_received = self._highest_received, highest_received & 0xFFFF
            if received_before == self._highest_received and sent > sent_before:
                fraction_lost = 255
        numbered = (newest - newest_before) & 0xFFFF
        if 0 < numbered < 0x8000 and sent - sent_before < numbered:
            fraction_lost = max(0, fraction_lost - ((numbered - (sent - sent_before)) << 8) // numbered)
        self._feedback.lost(self, fraction_lost)
