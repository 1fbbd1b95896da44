#!/usr/bin/env python3
"""Media forwarding benchmark (issue 4): one publisher's camera to K subscribers, Atelier against aiortc's MediaRelay.

Three processes, so that each one's CPU is its own: a publisher sending a pre-encoded VP8 video
(640x360, 15 fps, about 400 kbit/s, written once with PyAV, sent without encoding), the server,
and K subscribers in this process (they count what they receive without decoding it). For each K
the server runs twice, side by side in the same run:

- stock: aiortc's receiver decodes the video once and `MediaRelay` hands the pictures to every
  subscriber's sender, which encodes them again (what aiortc offers for one-to-many);
- atelier: `media.peers`, the encoded frames forwarded as they came.

Server CPU is the time the server's threads ran (/proc/<pid>/task/*/schedstat, in nanoseconds) over
the measured seconds. The server runs on asyncio's own event loop by default, as the figures in
docs/benchmarks.md were first measured; Atelier itself runs under uvicorn, which picks uvloop when it
is installed (it is, with NiceGUI): `--loop uvloop` measures that. Usage:

    .venv/bin/python benchmarks/media_forwarding.py                  # K = 1, 2, 4, 8, 16
    .venv/bin/python benchmarks/media_forwarding.py --subscribers 1 8 --seconds 5
    .venv/bin/python benchmarks/media_forwarding.py --modes atelier --loop uvloop
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.contrib.media import MediaPlayer, MediaRelay  # noqa: E402

from media import aiortc_hooks  # noqa: E402
from media.assembler import FrameAssembler  # noqa: E402
from media.peers import PublishPeer, SubscribePeer, server_configuration  # noqa: E402

WIDTH, HEIGHT, FPS, BITRATE = 640, 360, 15, 400_000


# ------------------------------------------------------------------ the video sent

def make_video(path: Path, seconds: int) -> None:
    """Moving stripes over grain, encoded once in VP8 (keyframe every 2 s): the publisher never encodes.

    The grain keeps the encoder at its bitrate, as a camera's picture does; plain stripes would be
    nearly free to encode and flatter the stock relay.
    """
    import av

    with av.open(str(path), "w", format="ivf") as container:
        stream = container.add_stream("libvpx", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = BITRATE
        stream.codec_context.gop_size = 2 * FPS
        stripes = bytes((x // 16 % 2) * 200 + 20 for x in range(WIDTH + 32))
        grain = bytes(96 + value // 4 for value in range(256))
        for index in range(seconds * FPS):
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            line = frame.planes[0].line_size
            luma = bytearray(os.urandom(line * HEIGHT).translate(grain))  # a camera's grain, never still
            for y in range(0, HEIGHT, 2):  # and diagonal stripes moving to the right
                shift = (y + index * 8) % 32
                luma[y * line:y * line + WIDTH] = stripes[shift:shift + WIDTH]
            frame.planes[0].update(bytes(luma))
            for plane in frame.planes[1:]:
                plane.update(bytes([128]) * plane.buffer_size)
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


# ------------------------------------------------------------------ the server process

def serve(mode: str, port: int, loop: str = "asyncio") -> None:
    """Answer a publisher and K subscribers over HTTP, forwarding (atelier) or relaying (stock)."""

    async def main() -> None:
        publishers: list[object] = []
        subscribers: list[object] = []
        relay = MediaRelay()
        published_track: list[object] = []

        async def publish(request: web.Request) -> web.Response:
            offer = RTCSessionDescription(**await request.json())
            if mode == "atelier":
                peer = PublishPeer()
                answer = await peer.answer(offer)
                published_track.append(peer.track("video"))
            else:
                peer = RTCPeerConnection(server_configuration())
                peer.on("track", lambda track: published_track.append(track))
                await peer.setRemoteDescription(offer)
                await peer.setLocalDescription(await peer.createAnswer())
                answer = peer.localDescription
            publishers.append(peer)
            return web.json_response({"sdp": answer.sdp, "type": answer.type})

        async def subscribe_offer(request: web.Request) -> web.Response:
            if mode == "atelier":
                peer = SubscribePeer(video_slots=1, audio_slots=0)
                peer.video[0].show(published_track[0])  # type: ignore[arg-type]
                offer = await peer.offer()
            else:
                peer = RTCPeerConnection(server_configuration())
                peer.addTransceiver(relay.subscribe(published_track[0], buffered=False), direction="sendonly")
                await peer.setLocalDescription(await peer.createOffer())
                offer = peer.localDescription
            subscribers.append(peer)
            return web.json_response({"sdp": offer.sdp, "type": offer.type, "index": len(subscribers) - 1})

        async def subscribe_answer(request: web.Request) -> web.Response:
            body = await request.json()
            peer = subscribers[body["index"]]
            answer = RTCSessionDescription(sdp=body["sdp"], type=body["type"])
            if isinstance(peer, SubscribePeer):
                await peer.accept(answer)
            else:
                await peer.setRemoteDescription(answer)  # type: ignore[attr-defined]
            return web.json_response({})

        app = web.Application()
        app.add_routes([web.post("/publish", publish), web.post("/subscribe", subscribe_offer),
                        web.post("/answer", subscribe_answer)])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    if loop == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


# ------------------------------------------------------------------ the publisher process

def publish(video: Path, url: str) -> None:
    async def main() -> None:
        player = MediaPlayer(str(video), decode=False)
        peer = RTCPeerConnection(server_configuration())
        peer.addTransceiver(player.video, direction="sendonly")
        await peer.setLocalDescription(await peer.createOffer())
        async with aiohttp.ClientSession() as http, http.post(
                f"{url}/publish", json={"sdp": peer.localDescription.sdp, "type": peer.localDescription.type}) as r:
            answer = await r.json()
        await peer.setRemoteDescription(RTCSessionDescription(**answer))
        await asyncio.Event().wait()

    asyncio.run(main())


# ------------------------------------------------------------------ subscribers, in this process

class CountingSubscriber:
    """A subscriber that assembles what it receives into frames and counts them, without decoding."""

    def __init__(self) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self.packets = 0
        self.frames = 0
        self.connection.on("track", self._adopt)
        self.assembler = FrameAssembler("video", self._count_frame)

    def _count_frame(self, frame: object) -> None:
        self.frames += 1

    def add(self, packet: object) -> tuple[bool, None]:
        self.packets += 1
        return self.assembler.add(packet)  # type: ignore[arg-type]

    def _adopt(self, track: object) -> None:
        receiver = next(t.receiver for t in self.connection.getTransceivers() if t.receiver.track is track)
        aiortc_hooks.adopt_receiver(receiver, self, lambda: None)

    async def join(self, http: aiohttp.ClientSession, url: str) -> None:
        async with http.post(f"{url}/subscribe") as response:
            offer = await response.json()
        index = offer.pop("index")
        await self.connection.setRemoteDescription(RTCSessionDescription(**offer))
        await self.connection.setLocalDescription(await self.connection.createAnswer())
        async with http.post(f"{url}/answer", json={"index": index, "sdp": self.connection.localDescription.sdp,
                                                    "type": self.connection.localDescription.type}):
            pass


def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads, in ns (schedstat), not in 10 ms ticks (/proc/<pid>/stat).

    At a few per cent of a core, ten seconds are a few dozen ticks: a tick more or less was 2-5 % of the result.
    """
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def tick_seconds(pid: int) -> float:
    """utime + stime of /proc/<pid>/stat, as first measured: sampled at each 10 ms tick, kept as a cross-check."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def measure(mode: str, count: int, video: Path, warm_up: float, seconds: float,
                  loop: str = "asyncio") -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    me = [sys.executable, __file__]
    server = subprocess.Popen([*me, "--serve", mode, "--port", str(port), "--loop", loop])
    publisher = None
    subscribers = [CountingSubscriber() for _ in range(count)]
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.post(f"{url}/nothing"):
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            publisher = subprocess.Popen([*me, "--publish", str(video), "--url", url])
            await asyncio.sleep(2)  # the publisher connects
            for subscriber in subscribers:
                await subscriber.join(http, url)
        await asyncio.sleep(warm_up)
        packets, frames = sum(s.packets for s in subscribers), sum(s.frames for s in subscribers)
        cpu, ticks, wall = cpu_seconds(server.pid), tick_seconds(server.pid), time.monotonic()
        await asyncio.sleep(seconds)
        cpu, ticks = cpu_seconds(server.pid) - cpu, tick_seconds(server.pid) - ticks
        wall = time.monotonic() - wall
        packets = sum(s.packets for s in subscribers) - packets
        frames = sum(s.frames for s in subscribers) - frames
        return {"cpu_share": cpu / wall, "tick_cpu_share": ticks / wall, "packets_per_s": packets / wall,
                "packets_per_cpu_s": packets / cpu if cpu else float("inf"),
                "frames_per_subscriber_per_s": frames / wall / count}
    finally:
        for subscriber in subscribers:
            await subscriber.connection.close()
        for process in (publisher, server):
            if process is not None:
                process.terminate()
                process.wait()


async def run(options: argparse.Namespace, video: Path) -> list[dict[str, object]]:
    rows = []
    for count in options.subscribers:
        for mode in options.modes:
            print(f"[{time.strftime('%H:%M:%S')}] {mode}, {count} subscriber(s)", file=sys.stderr, flush=True)
            rows.append({"mode": mode, "subscribers": count,
                         **await measure(mode, count, video, options.warm_up, options.seconds, options.loop)})
    return rows


def report(rows: list[dict[str, object]], loop: str = "asyncio") -> None:
    print(f"\nOne publisher (VP8 {WIDTH}x{HEIGHT} at {FPS} fps, ~{BITRATE // 1000} kbit/s) to K subscribers; "
          f"{os.cpu_count()} cores, server ({loop} event loop), publisher and subscribers in three processes\n")
    print(f"{'K':>3} {'stock CPU':>10} {'atelier CPU':>12} {'(ticks)':>8} {'ratio':>7} {'atelier pkt/s':>14} "
          f"{'pkt/s per core':>15} {'µs per pkt':>11} {'fps/sub stock':>14} {'fps/sub atelier':>16}")
    by_key = {(row["mode"], row["subscribers"]): row for row in rows}
    missing = {"cpu_share": float("nan"), "frames_per_subscriber_per_s": float("nan")}
    for count in sorted({row["subscribers"] for row in rows}):
        stock, atelier = by_key.get(("stock", count), missing), by_key.get(("atelier", count))
        if atelier is None:
            print(f"{count:>3} {stock['cpu_share']:>9.1%}")
            continue
        print(f"{count:>3} {stock['cpu_share']:>9.1%} {atelier['cpu_share']:>11.1%} {atelier['tick_cpu_share']:>8.1%} "
              f"{atelier['cpu_share'] / stock['cpu_share']:>7.2f} {atelier['packets_per_s']:>14.0f} "
              f"{atelier['packets_per_cpu_s']:>15.0f} {1e6 / atelier['packets_per_cpu_s']:>11.0f} "
              f"{stock['frames_per_subscriber_per_s']:>14.1f} {atelier['frames_per_subscriber_per_s']:>16.1f}")
    print("\n(CPU: share of one core used by the server, from schedstat; ticks: the same from /proc/<pid>/stat's "
          "10 ms ticks; ratio: atelier / stock; pkt/s per core: RTP packets received by the subscribers per second "
          "of server CPU; µs per pkt: its inverse)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per case (default 10)")
    parser.add_argument("--warm-up", type=float, default=4.0, help="seconds before measuring (default 4)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--modes", nargs="+", choices=["stock", "atelier"], default=["stock", "atelier"],
                        help="servers to measure (default both)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio",
                        help="the server's event loop (default asyncio; Atelier under uvicorn runs on uvloop)")
    parser.add_argument("--serve", choices=["stock", "atelier"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--publish", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.port, options.loop)
        return 0
    if options.publish:
        publish(options.publish, options.url)
        return 0
    longest = int(options.warm_up + options.seconds + 10)  # each case starts the publisher again
    video = Path(tempfile.gettempdir()) / f"atelier-bench-grain-{WIDTH}x{HEIGHT}-{longest}s.ivf"
    if not video.exists():
        print(f"encoding {video} once", file=sys.stderr)
        make_video(video, longest)
    rows = asyncio.run(run(options, video))
    report(rows, options.loop)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
