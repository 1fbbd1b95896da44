"""The server's two connections with each browser: one to receive what it publishes, one to send it what it sees.

The browser offers the publish connection; the server offers the subscribe connection, with a
fixed number of slots whose content changes without renegotiating.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtp import RtpPacket

from media import aiortc_hooks
from media.bandwidth import LinkBudget
from media.forwarding import PublishedTrack, Slot
from media.frames import Kind
from media.keyframes import KeyframeRequests
from media.sdp import announce
from media.speaking import SpeakingDetector


def server_configuration() -> RTCConfiguration:
    """The server has its own address: no STUN or TURN for it (gathering then takes milliseconds)."""
    return RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


def announced(connection: RTCPeerConnection, address: str | None) -> RTCSessionDescription:
    """The connection's own description, as browsers must see it (see `media.sdp.announce`)."""
    local = connection.localDescription
    return RTCSessionDescription(announce(local.sdp, address), local.type)


class PublishPeer:
    """Receives one browser's camera and microphone, without decoding them."""

    def __init__(self, on_speaking: Callable[[bool], None] | None = None, announced_address: str | None = None) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self._announced_address = announced_address
        self.tracks: dict[str, PublishedTrack] = {}  # by the offer's mid
        self.speaking = SpeakingDetector(on_speaking or (lambda speaking: None))
        self._keyframes: list[KeyframeRequests] = []

    async def answer(self, offer: RTCSessionDescription) -> RTCSessionDescription:
        await self.connection.setRemoteDescription(offer)
        for transceiver in self.connection.getTransceivers():
            if transceiver.mid is not None and transceiver.mid not in self.tracks:
                self.tracks[transceiver.mid] = self._adopt(transceiver.kind, transceiver.receiver)  # type: ignore[arg-type]
        await self.connection.setLocalDescription(await self.connection.createAnswer())
        return announced(self.connection, self._announced_address)

    def _adopt(self, kind: Kind, receiver: RTCRtpReceiver) -> PublishedTrack:
        async def send_request() -> None:
            if sink.ssrc is not None:
                await aiortc_hooks.request_keyframe(receiver, sink.ssrc)

        requests = KeyframeRequests(send_request)
        self._keyframes.append(requests)
        published = PublishedTrack(kind, requests.ask, ask_keyframe_after_loss=requests.ask_after_loss,
                                   on_keyframe=requests.keyframe_arrived,
                                   on_level=self.speaking.hear)
        sink = _Forwarder(published)
        aiortc_hooks.adopt_receiver(receiver, sink, published.end)
        return published

    def track(self, kind: Kind) -> PublishedTrack | None:
        return next((track for track in self.tracks.values() if track.kind == kind), None)

    async def close(self) -> None:
        for requests in self._keyframes:
            requests.close()
        for track in self.tracks.values():
            track.end()
        await self.connection.close()


class _Forwarder:
    """In place of the receiver's jitter buffer: each packet goes on to the slots at once."""

    def __init__(self, published: PublishedTrack) -> None:
        self.published = published
        self.ssrc: int | None = None  # the publisher's stream, for keyframe requests

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        self.ssrc = packet.ssrc
        self.published.receive(packet)
        return False, None  # losses: the server's receiver asks for them again, subscribers ask for keyframes


class SubscribePeer:
    """Sends one browser the tracks it sees, in slots (e.g. stage videos and their sound)."""

    def __init__(self, video_slots: int, audio_slots: int, announced_address: str | None = None,
                 on_budget: Callable[[], None] | None = None) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self._announced_address = announced_address
        self.budget = LinkBudget(on_budget or (lambda: None))  # how many videos its link carries
        self.wanted_videos = 0  # how many its view shows (the service sets it)
        self._last_estimate = (0, 0.0)
        self.video = [Slot("video", self) for _ in range(video_slots)]
        self.audio = [Slot("audio", self) for _ in range(audio_slots)]
        for slot in [*self.video, *self.audio]:
            sender = self.connection.addTransceiver(slot.kind, direction="sendonly").sender
            aiortc_hooks.forward_through(sender, slot)

    # the subscriber's feedback (`media.forwarding.Feedback`)

    def estimated(self, bitrate: int) -> None:
        now = time.monotonic()
        if self._last_estimate[0] == bitrate and now - self._last_estimate[1] < 0.1:
            return  # one REMB names every stream: each slot's sender hears it
        self._last_estimate = (bitrate, now)
        videos = [slot.source.bitrate for slot in self.video if slot.source is not None]
        sending = sum(videos) + sum(slot.source.bitrate for slot in self.audio if slot.source is not None)
        self.budget.estimated(bitrate, sending, videos, self.wanted_videos)

    def lost(self, slot: Slot, fraction_lost: int) -> None:
        if slot.kind == "video" and slot.source is not None:
            self.budget.lost(fraction_lost, sum(1 for slot in self.video if slot.source is not None),
                             self.wanted_videos)

    async def offer(self) -> RTCSessionDescription:
        await self.connection.setLocalDescription(await self.connection.createOffer())
        return announced(self.connection, self._announced_address)

    async def accept(self, answer: RTCSessionDescription) -> None:
        await self.connection.setRemoteDescription(answer)

    async def close(self) -> None:
        for slot in [*self.video, *self.audio]:
            slot.stop()
        await self.connection.close()
