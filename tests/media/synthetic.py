"""Synthetic browsers for the media tests: a camera painting one shade of grey, a viewer decoding it."""

from __future__ import annotations

import array
import asyncio
import math
import os
import struct
import time
from collections.abc import Awaitable, Callable

from aiortc import AudioStreamTrack, MediaStreamTrack, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.rtp import is_rtcp
from av import AudioFrame, VideoFrame

from media.peers import PublishPeer, SubscribePeer, server_configuration


class GreyCamera(VideoStreamTrack):
    """A small picture of one shade of grey, 30 times a second."""

    def __init__(self, shade: int) -> None:
        super().__init__()
        self.shade = shade

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=160, height=96)
        for index, plane in enumerate(frame.planes):  # brightness (Y) in this shade, colour (U, V) neutral
            plane.update(bytes([self.shade if index == 0 else 128]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


class NoisyCamera(VideoStreamTrack):
    """A picture of noise, which the encoder cannot squeeze: it sends what its bitrate allows (~0.5 Mbit/s)."""

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=320, height=180)
        for index, plane in enumerate(frame.planes):
            plane.update(os.urandom(plane.buffer_size) if index == 0 else bytes([128]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


def shade_of(frame: VideoFrame) -> int:
    """The mean brightness of the picture (rows only: a plane's lines may carry padding)."""
    plane = frame.planes[0]
    luma = bytes(plane)
    rows = [luma[y * plane.line_size:y * plane.line_size + plane.width] for y in range(0, plane.height, 7)]
    samples = b"".join(rows)
    return round(sum(samples) / len(samples))


class Viewer:
    """A subscriber's browser: answers the server's offer and decodes what it gets."""

    def __init__(self) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self.shades: list[tuple[float, int]] = []
        self.peaks: list[tuple[float, int]] = []  # the loudest sample of each sound frame heard
        self._readers: list[asyncio.Task[None]] = []
        self.connection.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._readers.append(asyncio.ensure_future(self._read(track)))

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            frame = await track.recv()
            if isinstance(frame, VideoFrame):
                self.shades.append((time.monotonic(), shade_of(frame)))
            else:
                samples = array.array("h", bytes(frame.planes[0])[:2 * frame.samples * len(frame.layout.channels)])
                self.peaks.append((time.monotonic(), max(map(abs, samples), default=0)))

    def loudest_since(self, moment: float) -> int:
        return max((peak for at, peak in self.peaks if at >= moment), default=0)

    def shades_after(self, mark: int) -> list[int]:
        """The shades of the pictures decoded after the first `mark` ones (`mark = len(viewer.shades)`)."""
        return [shade for _, shade in self.shades[mark:]]

    def latest_shades(self, count: int) -> set[int] | None:
        """The shades of the last `count` pictures decoded, or None while fewer have come."""
        return {shade for _, shade in self.shades[-count:]} if len(self.shades) >= count else None

    async def join(self, server_side: SubscribePeer) -> None:
        await server_side.accept(await self.answer(await server_side.offer()))

    async def answer(self, offer: RTCSessionDescription) -> RTCSessionDescription:
        await self.connection.setRemoteDescription(offer)
        await self.connection.setLocalDescription(await self.connection.createAnswer())
        return self.connection.localDescription

    async def close(self) -> None:
        for reader in self._readers:
            reader.cancel()
        await self.connection.close()


async def camera(shade: int, answer: Callable[[RTCSessionDescription], Awaitable[RTCSessionDescription]]
                 ) -> RTCPeerConnection:
    """A browser publishing a grey camera; `answer` is the server's side of the exchange."""
    browser = RTCPeerConnection(server_configuration())
    browser.addTransceiver(GreyCamera(shade), direction="sendonly")
    await browser.setLocalDescription(await browser.createOffer())
    await browser.setRemoteDescription(await answer(browser.localDescription))
    return browser


async def publish(shade: int) -> tuple[RTCPeerConnection, PublishPeer]:
    server_side = PublishPeer()
    return await camera(shade, server_side.answer), server_side


async def packets_received(connection: RTCPeerConnection) -> int:
    """RTP packets this side has received so far, every stream together (from aiortc's statistics)."""
    stats = await connection.getStats()
    return sum(report.packetsReceived for report in stats.values() if report.type == "inbound-rtp")


class Microphone(AudioStreamTrack):
    """Silence, or a loud tone while `loud` is True (aiortc's sender measures its level for the packets)."""

    def __init__(self) -> None:
        super().__init__()
        self.loud = False

    async def recv(self) -> AudioFrame:
        frame = await super().recv()
        if self.loud:
            tone = [round(16_000 * math.sin(2 * math.pi * 440 * n / frame.sample_rate)) for n in range(frame.samples)]
            frame.planes[0].update(struct.pack(f"<{frame.samples}h", *tone))
        return frame


async def microphone(answer: Callable[[RTCSessionDescription], Awaitable[RTCSessionDescription]]
                     ) -> tuple[RTCPeerConnection, Microphone]:
    browser = RTCPeerConnection(server_configuration())
    track = Microphone()
    browser.addTransceiver(track, direction="sendonly")
    await browser.setLocalDescription(await browser.createOffer())
    await browser.setRemoteDescription(await answer(browser.localDescription))
    return browser, track


async def camera_and_microphone(answer: Callable[[RTCSessionDescription], Awaitable[RTCSessionDescription]]
                                ) -> tuple[RTCPeerConnection, Microphone]:
    """A browser publishing a noisy camera and a microphone on one connection, as Atelier's pages do."""
    browser = RTCPeerConnection(server_configuration())
    browser.addTransceiver(NoisyCamera(), direction="sendonly")
    track = Microphone()
    browser.addTransceiver(track, direction="sendonly")
    await browser.setLocalDescription(await browser.createOffer())
    await browser.setRemoteDescription(await answer(browser.localDescription))
    return browser, track


class Link:
    """The network into a test browser's connection: each RTP packet passes or is dropped (`passes`), before SRTP
    (whose replay protection would refuse a retransmission of a packet it had seen). RTCP and DTLS pass."""

    def __init__(self, connection: RTCPeerConnection) -> None:
        ice = connection.getTransceivers()[0].receiver.transport.transport
        self._receive = ice._recv
        ice._recv = self._recv  # type: ignore[method-assign]

    def passes(self, packet: bytes) -> bool:
        raise NotImplementedError

    async def _recv(self) -> bytes:
        while True:
            data = await self._receive()
            if not (127 < data[0] < 192) or is_rtcp(data) or self.passes(data):
                return data


class NarrowLink(Link):
    """Lets through at most `bitrate` bit/s of RTP (a token bucket, as a policer in a network does)."""

    def __init__(self, connection: RTCPeerConnection, bitrate: int, depth: int = 12_000) -> None:
        super().__init__(connection)
        self.rate, self.depth, self.tokens = bitrate / 8, depth, float(depth)
        self.at = time.monotonic()
        self.dropped = 0

    def passes(self, packet: bytes) -> bool:
        now = time.monotonic()
        self.tokens = min(self.depth, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= len(packet):
            self.tokens -= len(packet)
            return True
        self.dropped += 1
        return False
