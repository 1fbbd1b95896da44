#!/usr/bin/env python3
"""Workshop media benchmark (issue 4): 30 people in a plenary, then in 5 breakout rooms of 6, then back.

Separate processes, so that the server's CPU is its own: the server runs Atelier's real
`media.service.MediaService`, re-routed with `media.routing.route`; the 30 simulated browsers run in
`--browsers` other processes. Each browser publishes a camera and a microphone to the server and
watches through it, like Atelier's pages: one publish and one subscribe connection per person.

- The cameras send pre-encoded VP8 (encoded once with PyAV, cached in the temporary directory), at
  the size the server's profile for them asks (`MediaService.profile`): stage 640x360 at 15 fps
  (~400 kbit/s), thumbnail 320x180 at 10 fps (~150 kbit/s), nothing while paused. A browser starts
  each new size with a keyframe and answers the server's keyframe requests (PLI) with one, as
  browsers do; the keyframe sent is the encoder's own first picture, so its size is a real one.
  Microphones send pre-encoded Opus (20 ms, ~32 kbit/s) unless paused.
- Each frame carries its publisher and its number in 7 bytes at its end, so that the receivers tell
  whose frame each slot shows and which frames never came. Nobody decodes anything: the receivers
  assemble the packets into whole frames with Atelier's own `FrameAssembler`, as
  benchmarks/media_forwarding.py does.
- Phases: plenary (moderator and the person given the floor on stage, both heard, 28 watching),
  everyone into 5 rooms of 6 (each sees and hears the 5 others, thumbnail size), then the plenary again.

Measured per phase, after the switch has settled: server CPU (from /proc/<pid>/stat), packets the
server forwarded per second (as received by the subscribers), frames lost at the receivers (frames
each publisher sent during the window against the whole frames each subscriber got of it), and for
each switch the time from the server's `route` call to the first whole keyframe of each new source
at each receiver.

    .venv/bin/python benchmarks/media_workshop.py            # ~2.5 min
    .venv/bin/python benchmarks/media_workshop.py --quick    # shorter windows, < 1 min
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import pickle
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine
from fractions import Fraction
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import av  # noqa: E402
from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402

from media import aiortc_hooks  # noqa: E402
from media.assembler import FrameAssembler  # noqa: E402
from media.frames import EncodedFrame  # noqa: E402
from media.peers import server_configuration  # noqa: E402

PEOPLE, ROOM_SIZE = 30, 6
SIZES = {"stage": (640, 360, 15, 400_000), "thumbnail": (320, 180, 10, 150_000)}  # width, height, fps, bit/s
CLIP_SECONDS = 8  # the deltas loop; keyframes only when a size starts or the server asks
OPUS_BITRATE = 32_000
SWITCH_TARGET = 2.0  # seconds: a room switch shows within two seconds
TRAILER = struct.Struct(">HIIB")  # publisher, frame number, sent at (ms), MAGIC: appended to every frame sent
MAGIC = 0xA7
VIDEO_TIME_BASE, AUDIO_TIME_BASE = Fraction(1, 90_000), Fraction(1, 48_000)


def people(count: int) -> list[str]:
    return [f"p{number:02d}" for number in range(count)]


def gatherings(count: int) -> dict[str, Any]:
    from media.routing import Gathering

    everyone = people(count)
    moderator, floor = everyone[0], everyone[1]
    return {
        "plenary": Gathering(rooms=dict.fromkeys(everyone), moderators=frozenset({moderator}), floor=floor),
        # the moderator visits the first room: all 30 are in rooms of 6
        "rooms": Gathering(rooms={who: f"room {index // ROOM_SIZE + 1}" for index, who in enumerate(everyone)},
                           moderators=frozenset({moderator})),
    }


# ------------------------------------------------------------------ the media sent, encoded once

def encode_video(width: int, height: int, fps: int, bitrate: int, seconds: int) -> list[bytes]:
    """Moving stripes over grain (a camera's noise keeps the encoder busy), in VP8: frame 0 is the keyframe."""
    context = av.CodecContext.create("libvpx", "w")
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.bit_rate, context.framerate, context.time_base = bitrate, Fraction(fps), Fraction(1, fps)
    context.gop_size = 10 * seconds * fps  # no keyframe but the first
    # as a browser's WebRTC encoder: real time, constant bitrate over a 600 ms buffer, keyframes capped
    # at 0.5 * 600 ms * fps / 10 times a frame's share (at least 300 %), the rule of libwebrtc's VP8 encoder
    context.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "minrate": str(bitrate),
                       "maxrate": str(bitrate), "bufsize": str(bitrate * 6 // 10),
                       "max-intra-rate": str(max(300, 30 * fps))}
    stripes = bytes((x // 16 % 2) * 200 + 20 for x in range(width + 32))
    grain = bytes(96 + value // 4 for value in range(256))
    frames: list[bytes] = []
    for index in range(seconds * fps):
        picture = av.VideoFrame(width, height, "yuv420p")
        planes = list(picture.planes)
        line = planes[0].line_size
        luma = bytearray(os.urandom(line * height).translate(grain))
        for y in range(0, height, 2):
            shift = (y + index * 8) % 32
            luma[y * line:y * line + width] = stripes[shift:shift + width]
        planes[0].update(bytes(luma))
        for plane in planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        picture.pts, picture.time_base = index, Fraction(1, fps)
        frames += [bytes(packet) for packet in context.encode(picture)]
    frames += [bytes(packet) for packet in context.encode(None)]
    return frames


def encode_audio(seconds: int) -> list[bytes]:
    """Opus packets of 20 ms, of a murmur (noise) so that the encoder spends its bitrate."""
    context = av.CodecContext.create("libopus", "w")
    context.sample_rate, context.layout, context.format, context.bit_rate = 48_000, "mono", "s16", OPUS_BITRATE
    murmur = bytes((value % 32) for value in range(256))
    packets: list[bytes] = []
    for index in range(seconds * 50):
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        frame.sample_rate, frame.pts = 48_000, index * 960
        frame.planes[0].update(os.urandom(1920).translate(murmur))
        packets += [bytes(packet) for packet in context.encode(frame)]
    return packets


def clips_path() -> Path:
    return Path(tempfile.gettempdir()) / f"atelier-bench-workshop-clips-{CLIP_SECONDS}s-v2.pickle"


def load_clips() -> dict[str, Any]:
    """{'stage': (keyframe, deltas), 'thumbnail': (keyframe, deltas), 'audio': packets}, encoded on first use."""
    path = clips_path()
    if not path.exists():
        print(f"encoding {path} once", file=sys.stderr, flush=True)
        clips: dict[str, Any] = {}
        for size, (width, height, fps, bitrate) in SIZES.items():
            frames = encode_video(width, height, fps, bitrate, CLIP_SECONDS)
            assert frames[0][0] & 1 == 0 and all(frame[0] & 1 for frame in frames[1:]), "one keyframe, then deltas"
            clips[size] = (frames[0], frames[1:])
        clips["audio"] = encode_audio(CLIP_SECONDS)
        temporary = path.with_suffix(".partial")
        temporary.write_bytes(pickle.dumps(clips))
        temporary.rename(path)
    return pickle.loads(path.read_bytes())


# ------------------------------------------------------------------ the server process

def run_server(main: Callable[[], Coroutine[Any, Any, None]], loop: str) -> None:
    """Run a benchmark's server on the event loop Atelier has in production: uvicorn picks uvloop when it is
    installed, and NiceGUI installs it (`--loop asyncio` measures the standard library's loop instead)."""
    if loop == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


def serve(port: int, count: int, loop: str) -> None:
    """Atelier's MediaService behind a small HTTP signalling API; /route switches the whole gathering."""
    from media.routing import route
    from media.service import MediaService

    async def main() -> None:
        media = MediaService()
        everyone = people(count)
        plans = gatherings(count)

        async def publish(request: web.Request) -> web.Response:
            body = await request.json()
            answer = await media.publish(body["who"], RTCSessionDescription(sdp=body["sdp"], type=body["type"]),
                                         page=body["who"])
            return web.json_response({"sdp": answer.sdp, "type": answer.type})

        async def watch(request: web.Request) -> web.Response:
            body = await request.json()
            offer = await media.watch(body["who"], body["who"])
            return web.json_response({"sdp": offer.sdp, "type": offer.type})

        async def accept(request: web.Request) -> web.Response:
            body = await request.json()
            await media.accept(body["who"], RTCSessionDescription(sdp=body["sdp"], type=body["type"]))
            return web.json_response({})

        async def switch(request: web.Request) -> web.Response:
            phase = (await request.json())["phase"]
            at = time.monotonic()  # the switch: from here on, every page must follow
            routing = route(plans[phase])
            media.route("workshop", routing)
            return web.json_response({
                "at": at,
                "profiles": {who: str(media.profile(who)) for who in everyone},
                "views": {who: {"video": list(view.videos), "audio": list(view.sounds)}
                          for who, view in routing.views.items()},
            })

        app = web.Application()
        app.add_routes([web.post("/publish", publish), web.post("/watch", watch), web.post("/accept", accept),
                        web.post("/route", switch), web.get("/ready", lambda request: web.json_response({}))])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    run_server(main, loop)


# ------------------------------------------------------------------ browsers: what they send

def now_ms() -> int:
    """CLOCK_MONOTONIC, the same for every process of the machine, in ms (32 bits)."""
    return int(time.monotonic() * 1000) & 0xFFFFFFFF


def tagged(data: bytes, number: int, count: int) -> bytes:
    return data + TRAILER.pack(number, count, now_ms(), MAGIC)


class Camera(MediaStreamTrack):
    """Pre-encoded VP8 at the size the server's profile asks, paced like a camera; never encodes."""

    kind = "video"

    def __init__(self, number: int, clips: dict[str, Any]) -> None:
        super().__init__()
        self.number = number
        self.clips = clips
        self.profile = "paused"
        self.frames = 0  # frames sent, numbered from 1
        self.keyframes = 0
        self._position = 0
        self._pts = 0
        self._due: float | None = None
        self._changed = asyncio.Event()
        self.wants_keyframe = True
        self.started: list[float] = []  # when the first frame after each change of size was sent
        self._starting = False

    def set_profile(self, profile: str) -> None:
        if profile != self.profile:
            self.profile = profile
            self.wants_keyframe = True  # a new size starts with a keyframe
            self._starting = profile in SIZES
            self._changed.set()

    def keyframe_asked(self) -> None:  # a PLI or FIR from the server
        self.wants_keyframe = True

    async def recv(self) -> av.Packet:
        loop = asyncio.get_running_loop()
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            size = self.profile
            if size not in SIZES:  # paused or audio only: the camera sends nothing
                self._changed.clear()
                self._due = None
                await self._changed.wait()
                continue
            fps = SIZES[size][2]
            now = loop.time()
            if self._due is None or self._due < now - 0.2:
                self._due = now
            if self._due > now:
                await asyncio.sleep(self._due - now)
                if self.profile != size:
                    continue
            self._due += 1 / fps
            keyframe, deltas = self.clips[size]
            if self.wants_keyframe:
                self.wants_keyframe = False
                self.keyframes += 1
                data = keyframe
            else:
                data = deltas[self._position % len(deltas)]
                self._position += 1
            self.frames += 1
            if self._starting:
                self._starting = False
                self.started.append(time.monotonic())
            packet = av.Packet(tagged(data, self.number, self.frames))
            packet.pts, packet.time_base = self._pts, VIDEO_TIME_BASE
            self._pts += 90_000 // fps
            return packet


class Microphone(MediaStreamTrack):
    """Pre-encoded Opus every 20 ms unless the profile is paused."""

    kind = "audio"

    def __init__(self, number: int, packets: list[bytes]) -> None:
        super().__init__()
        self.number = number
        self.packets = packets
        self.profile = "paused"
        self.frames = 0
        self._pts = 0
        self._due: float | None = None
        self._changed = asyncio.Event()

    def set_profile(self, profile: str) -> None:
        self.profile = profile
        self._changed.set()

    async def recv(self) -> av.Packet:
        loop = asyncio.get_running_loop()
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            if self.profile == "paused":
                self._changed.clear()
                self._due = None
                await self._changed.wait()
                continue
            now = loop.time()
            if self._due is None or self._due < now - 0.2:
                self._due = now
            if self._due > now:
                await asyncio.sleep(self._due - now)
                if self.profile == "paused":
                    continue
            self._due += 0.02
            self.frames += 1
            packet = av.Packet(tagged(self.packets[self.frames % len(self.packets)], self.number, self.frames))
            packet.pts, packet.time_base = self._pts, AUDIO_TIME_BASE
            self._pts += 960
            return packet


# ------------------------------------------------------------------ browsers: what they receive

class SlotCounter:
    """Stands in for one receiver's jitter buffer: whole frames (Atelier's assembler), nothing decoded."""

    def __init__(self, browser: Browser, kind: str) -> None:
        self.browser = browser
        self.kind = kind
        self.source: int | None = None
        self.assembler = FrameAssembler(kind, self._frame)  # type: ignore[arg-type]

    def add(self, packet: Any) -> tuple[bool, None]:
        self.browser.packets += 1
        return self.assembler.add(packet)

    def _frame(self, frame: EncodedFrame) -> None:
        data = frame.data
        if len(data) < TRAILER.size:
            self.browser.garbled += 1
            return
        number, count, sent, magic = TRAILER.unpack_from(data, len(data) - TRAILER.size)
        if magic != MAGIC:
            self.browser.garbled += 1
            return
        if number != self.source:  # this slot shows someone else now
            self.source = number
            self.browser.arrivals.append((time.monotonic(), number, self.kind, frame.keyframe))
        self.browser.received[f"{number}/{self.kind}"].append((count, (now_ms() - sent) & 0xFFFFFFFF))


class Browser:
    """One participant's browser: a publish connection (camera, microphone), a subscribe connection (slots)."""

    def __init__(self, who: str, clips: dict[str, Any]) -> None:
        self.who = who
        self.number = int(who[1:])
        self.camera = Camera(self.number, clips)
        self.microphone = Microphone(self.number, clips["audio"])
        self.publishing = RTCPeerConnection(server_configuration())
        self.senders = []
        for track in (self.camera, self.microphone):
            sender = self.publishing.addTransceiver(track, direction="sendonly").sender
            self.senders.append(sender)
        aiortc_hooks.on_keyframe_request(self.senders[0], self.camera.keyframe_asked)
        self.watching = RTCPeerConnection(server_configuration())
        self.watching.on("track", self._adopt)
        self.packets = 0
        self.garbled = 0
        self.received: dict[str, list[tuple[int, int]]] = defaultdict(list)  # (frame number, latency in ms)
        self.arrivals: list[tuple[float, int, str, bool]] = []

    def _adopt(self, track: MediaStreamTrack) -> None:
        receiver = next(t.receiver for t in self.watching.getTransceivers() if t.receiver.track is track)
        aiortc_hooks.adopt_receiver(receiver, SlotCounter(self, track.kind), lambda: None)

    async def join(self, http: aiohttp.ClientSession, url: str) -> None:
        await self.publishing.setLocalDescription(await self.publishing.createOffer())
        local = self.publishing.localDescription
        async with http.post(f"{url}/publish", json={"who": self.who, "sdp": local.sdp, "type": local.type}) as r:
            answer = await r.json()
        await self.publishing.setRemoteDescription(RTCSessionDescription(**answer))
        async with http.post(f"{url}/watch", json={"who": self.who}) as r:
            offer = await r.json()
        await self.watching.setRemoteDescription(RTCSessionDescription(**offer))
        await self.watching.setLocalDescription(await self.watching.createAnswer())
        local = self.watching.localDescription
        async with http.post(f"{url}/accept", json={"who": self.who, "sdp": local.sdp, "type": local.type}):
            pass

    @property
    def connected(self) -> bool:
        return self.publishing.connectionState == "connected" and self.watching.connectionState == "connected"

    def set_profile(self, profile: str) -> None:
        self.camera.set_profile(profile)
        self.microphone.set_profile(profile)

    async def packets_sent(self) -> int:
        total = 0
        for sender in self.senders:
            for stats in (await sender.getStats()).values():
                if stats.type == "outbound-rtp":
                    total += stats.packetsSent
        return total

    async def close(self) -> None:
        await self.watching.close()
        await self.publishing.close()


def browsers(names: list[str], url: str, control_port: int) -> None:
    """A process of simulated browsers, told by the benchmark over HTTP what the server asked them to send."""

    async def main() -> None:
        clips = load_clips()
        crowd = {who: Browser(who, clips) for who in names}
        async with aiohttp.ClientSession() as http:
            for browser in crowd.values():
                await browser.join(http, url)

        async def status(request: web.Request) -> web.Response:
            return web.json_response({"connected": sum(b.connected for b in crowd.values())})

        async def profiles(request: web.Request) -> web.Response:
            for who, profile in (await request.json()).items():
                if who in crowd:
                    crowd[who].set_profile(profile)
            return web.json_response({"at": time.monotonic()})

        async def mark(request: web.Request) -> web.Response:
            return web.json_response({
                "sent": {str(b.number): {"video": b.camera.frames, "audio": b.microphone.frames}
                         for b in crowd.values()},
                "packets_received": sum(b.packets for b in crowd.values()),
                "packets_sent": sum([await b.packets_sent() for b in crowd.values()]),
            })

        async def report(request: web.Request) -> web.Response:
            return web.json_response({b.who: {"received": b.received, "arrivals": b.arrivals, "garbled": b.garbled,
                                              "keyframes_sent": b.camera.keyframes, "started": b.camera.started}
                                      for b in crowd.values()})

        app = web.Application()
        app.add_routes([web.get("/status", status), web.post("/profiles", profiles), web.get("/mark", mark),
                        web.get("/report", report)])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", control_port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# ------------------------------------------------------------------ the benchmark itself

def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads, in ns (schedstat) rather than 10 ms ticks (see media_forwarding.py)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def udp_drops(pids: list[int]) -> dict[int, int]:
    """Datagrams the kernel dropped because a socket's receive buffer was full, by process (/proc/net/udp)."""
    owner = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owner[target[8:-1]] = pid
    drops = dict.fromkeys(pids, 0)
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in owner:
                drops[owner[fields[9]]] += int(fields[-1])
    return drops


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine used, every core added (/proc/stat)."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_for(http: aiohttp.ClientSession, url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        await asyncio.sleep(0.1)


async def start_browsers(http: aiohttp.ClientSession, command: list[str], everyone: list[str], count: int,
                         processes: list[subprocess.Popen[bytes]], *, timeout: float) -> list[str]:
    """Start `count` browser processes (`command` plus whom each plays and its control port), added to
    `processes`, and wait until every one of `everyone` is connected; their control addresses."""
    controls = []
    for index in range(count):
        names = everyone[index::count]  # every room spans the browser processes
        port = free_port()
        processes.append(subprocess.Popen([*command, "--browsers-of", ",".join(names), "--control-port", str(port)]))
        controls.append(f"http://127.0.0.1:{port}")
    started = time.monotonic()
    for control in controls:
        await wait_for(http, f"{control}/status", timeout=timeout)
    while True:
        connected = 0
        for control in controls:
            async with http.get(f"{control}/status") as response:
                connected += (await response.json())["connected"]
        if connected == len(everyone):
            return controls
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{connected} of {len(everyone)} browsers connected")
        await asyncio.sleep(0.2)


async def browsers_mark(http: aiohttp.ClientSession, controls: list[str]) -> dict[str, Any]:
    """What the browser processes sent and received so far, together."""
    marks = []
    for control in controls:
        async with http.get(f"{control}/mark") as response:
            marks.append(await response.json())
    return {
        "sent": {number: sent for m in marks for number, sent in m["sent"].items()},
        "packets_received": sum(m["packets_received"] for m in marks),
        "packets_sent": sum(m["packets_sent"] for m in marks),
    }


async def browsers_report(http: aiohttp.ClientSession, controls: list[str]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for control in controls:
        async with http.get(f"{control}/report") as response:
            report.update(await response.json())
    return report


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run(options: argparse.Namespace) -> dict[str, Any]:
    load_clips()  # encoded once, before any process is timed
    everyone = people(options.people)
    me = [sys.executable, __file__]
    server_port = free_port()
    url = f"http://127.0.0.1:{server_port}"
    server = subprocess.Popen([*me, "--serve", "--port", str(server_port), "--people", str(options.people),
                               "--loop", options.loop])
    processes = [server]
    try:
        async with aiohttp.ClientSession() as http:
            await wait_for(http, f"{url}/ready")
            started = time.monotonic()
            controls = await start_browsers(http, [*me, "--url", url], everyone, options.browsers, processes,
                                            timeout=120)
            log(f"{len(everyone)} browsers connected in {time.monotonic() - started:.1f} s")
            await asyncio.sleep(1)

            async def mark() -> dict[str, Any]:
                drops = udp_drops([p.pid for p in processes])
                return {
                    "server_drops": drops[server.pid],
                    "browsers_drops": sum(drops.values()) - drops[server.pid],
                    "time": time.monotonic(),
                    "server_cpu": cpu_seconds(server.pid),
                    "browsers_cpu": sum(cpu_seconds(p.pid) for p in processes[1:]),
                    "own_cpu": cpu_seconds(os.getpid()),
                    "machine_cpu": machine_busy_seconds(),
                    **await browsers_mark(http, controls),
                }

            phases = []
            for name, plan in (("plenary", "plenary"), ("rooms", "rooms"), ("plenary again", "plenary")):
                log(f"{name}: route")
                before = {"server_cpu": cpu_seconds(server.pid), "time": time.monotonic()}
                async with http.post(f"{url}/route", json={"phase": plan}) as response:
                    switched = await response.json()
                told = []
                for control in controls:  # the server's profiles reach the browsers (Atelier's pages: signalling)
                    async with http.post(f"{control}/profiles", json=switched["profiles"]) as response:
                        told.append((await response.json())["at"] - switched["at"])
                await asyncio.sleep(options.settle)
                start = await mark()
                await asyncio.sleep(options.seconds)
                end = await mark()
                await asyncio.sleep(options.tail)  # frames sent at the end of the window are still on their way
                phases.append({"name": name, "switched": switched, "start": start, "end": end, "told": max(told),
                               "switch_cpu": start["server_cpu"] - before["server_cpu"],
                               "switch_wall": start["time"] - before["time"]})
            return {"people": everyone, "phases": phases, "report": await browsers_report(http, controls)}
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def frames_between(frames: list[tuple[int, int]], first: int, last: int) -> list[tuple[int, int]]:
    """The frames numbered in (first, last] that arrived, once each (`frames` sorted)."""
    chosen = frames[bisect.bisect_right(frames, (first, 1 << 32)):bisect.bisect_right(frames, (last, 1 << 32))]
    return list({count: (count, latency) for count, latency in chosen}.values())


def analyse(raw: dict[str, Any]) -> list[dict[str, Any]]:
    report = raw["report"]
    number = {who: str(int(who[1:])) for who in raw["people"]}
    received = {who: {key: sorted(map(tuple, frames)) for key, frames in entry["received"].items()}
                for who, entry in report.items()}
    rows = []
    previous_views: dict[str, dict[str, list[str]]] = {}
    for phase in raw["phases"]:
        start, end, switched = phase["start"], phase["end"], phase["switched"]
        wall = end["time"] - start["time"]
        cpu = end["server_cpu"] - start["server_cpu"]
        forwarded = end["packets_received"] - start["packets_received"]
        row: dict[str, Any] = {
            "phase": phase["name"],
            "cpu_share": cpu / wall,
            "browsers_cpu_share": (end["browsers_cpu"] - start["browsers_cpu"]) / wall,
            "others_cpu_share": sum(sign * (end[key] - start[key]) for sign, key in (
                (1, "machine_cpu"), (-1, "server_cpu"), (-1, "browsers_cpu"), (-1, "own_cpu"))) / wall,
            "packets_in_per_s": (end["packets_sent"] - start["packets_sent"]) / wall,
            "packets_out_per_s": forwarded / wall,
            "cpu_us_per_packet": cpu / forwarded * 1e6 if forwarded else float("nan"),
            "switch_cpu_s": phase["switch_cpu"],
            "told_s": phase["told"],
            "server_drops": end["server_drops"] - start["server_drops"],
            "browsers_drops": end["browsers_drops"] - start["browsers_drops"],
            "publishing": sum(1 for profile in switched["profiles"].values() if profile != "paused"),
        }
        views = switched["views"]
        for kind in ("video", "audio"):
            expected = got = slots = 0
            worst = 0.0
            latencies: list[int] = []
            for who, view in views.items():
                for source in view[kind]:  # one subscriber slot
                    first, last = start["sent"][number[source]][kind], end["sent"][number[source]][kind]
                    frames = frames_between(received[who].get(f"{number[source]}/{kind}", []), first, last)
                    latencies += [latency for _, latency in frames]
                    arrived = len(frames)
                    expected += last - first
                    got += arrived
                    slots += 1
                    if last > first:
                        worst = max(worst, 1 - arrived / (last - first))
            row[f"{kind}_slots"], row[f"{kind}_expected"], row[f"{kind}_lost"] = slots, expected, expected - got
            row[f"{kind}_worst_slot_lost"] = worst
            row[f"{kind}_latency_ms"] = [percentile(latencies, share) if latencies else float("nan")
                                         for share in (0.5, 0.95, 0.99)]
            # from the route call to the first whole frame of each source new to each receiver
            delays, missing = [], 0
            for who, view in views.items():
                before = set(previous_views.get(who, {}).get(kind, []))
                for source in view[kind]:
                    if source in before:
                        continue
                    firsts = [at for at, publisher, k, _ in report[who]["arrivals"]
                              if k == kind and str(publisher) == number[source] and at >= switched["at"]]
                    if firsts:
                        delays.append(min(firsts) - switched["at"])
                    else:
                        missing += 1
            row[f"{kind}_switch"], row[f"{kind}_switch_missing"] = delays, missing
        later = [phase_["switched"]["at"] for phase_ in raw["phases"] if phase_["switched"]["at"] > switched["at"]]
        until = min(later, default=float("inf"))
        row["camera_started"] = [min(at for at in entry["started"] if switched["at"] <= at < until) - switched["at"]
                                 for entry in report.values()
                                 if any(switched["at"] <= at < until for at in entry["started"])]
        previous_views = views
        rows.append(row)
    return rows


def milliseconds(delays: list[float], share: float) -> str:
    return f"{percentile(delays, share) * 1000:.0f} ms" if delays else "-"


def report(raw: dict[str, Any], rows: list[dict[str, Any]], options: argparse.Namespace) -> None:
    names = [row["phase"] for row in rows]
    width = max(20, *(len(name) + 2 for name in names))
    count = len(raw["people"])
    print(f"\nWorkshop of {count} people: plenary (2 on stage, both heard), {count // ROOM_SIZE} rooms of {ROOM_SIZE}, "
          f"plenary again; {os.cpu_count()} cores shared by the server and "
          f"{options.browsers} browser processes; {options.seconds:.0f} s measured per phase, "
          f"{options.settle:.0f} s after each switch\n")

    def line(label: str, cells: list[str]) -> None:
        print(f"{label:<44}" + "".join(f"{cell:>{width}}" for cell in cells))

    line("", names)
    line("server CPU (share of one core)", [f"{row['cpu_share']:.0%}" for row in rows])
    line("packets in per s (from publishers)", [f"{row['packets_in_per_s']:,.0f}" for row in rows])
    line("packets forwarded per s (to subscribers)", [f"{row['packets_out_per_s']:,.0f}" for row in rows])
    line("server CPU per forwarded packet", [f"{row['cpu_us_per_packet']:.0f} µs" for row in rows])
    line("forwarded packets per s per core", [f"{1e6 / row['cpu_us_per_packet']:,.0f}" for row in rows])
    for kind in ("video", "audio"):
        line(f"{kind}: subscriber slots", [f"{row[f'{kind}_slots']}" for row in rows])
        line(f"{kind}: frames lost / expected", [f"{row[f'{kind}_lost']}/{row[f'{kind}_expected']}" for row in rows])
        line(f"{kind}: frames lost", [f"{row[f'{kind}_lost'] / max(1, row[f'{kind}_expected']):.2%}" for row in rows])
        line(f"{kind}: worst slot's frames lost", [f"{row[f'{kind}_worst_slot_lost']:.1%}" for row in rows])
        line(f"{kind}: sent → whole frame received p50/p95/p99",
             ["/".join(f"{value:.0f}" for value in row[f"{kind}_latency_ms"]) + " ms" for row in rows])
    line("switch → the last browser told its profile", [f"{row['told_s'] * 1000:.0f} ms" for row in rows])
    line("switch → cameras' first frame sent p50/max", [
        f"{len(row['camera_started'])}: " + "/".join(milliseconds(row["camera_started"], share) for share in (0.5, 1.0))
        if row["camera_started"] else "-" for row in rows])
    for kind in ("video", "audio"):
        line(f"switch → first {kind} frame: new sources", [
            f"{len(row[f'{kind}_switch'])}" + (f" ({row[f'{kind}_switch_missing']} never)"
                                                 if row[f'{kind}_switch_missing'] else "") for row in rows])
        for label, share in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            line(f"switch → first {kind} frame {label}", [milliseconds(row[f"{kind}_switch"], share) for row in rows])
    line("datagrams dropped by the kernel: server", [f"{row['server_drops']}" for row in rows])
    line("datagrams dropped by the kernel: browsers", [f"{row['browsers_drops']}" for row in rows])
    line("server CPU from switch to window (s)", [f"{row['switch_cpu_s']:.2f}" for row in rows])
    line("browser processes' CPU (share of one core)", [f"{row['browsers_cpu_share']:.0%}" for row in rows])
    line("other processes' CPU (share of one core)", [f"{row['others_cpu_share']:.0%}" for row in rows])

    plenary, rooms, again = rows
    print("\nSide by side:")
    for row in rows[1:]:
        p95 = percentile(row["video_switch"], 0.95) if row["video_switch"] else float("nan")
        verdict = "✔" if p95 <= SWITCH_TARGET and not row["video_switch_missing"] else "✘"
        top = percentile(row["video_switch"], 1.0) if row["video_switch"] else float("nan")
        never = f", {row['video_switch_missing']} never" if row["video_switch_missing"] else ""
        print(f"  switch into {row['phase']}: first video p95 {p95 * 1000:.0f} ms, max {top * 1000:.0f} ms{never} "
              f"against the {SWITCH_TARGET:.0f} s target {verdict}")
    print(f"  CPU per forwarded packet, rooms / plenary: {rooms['cpu_us_per_packet']:.0f} / "
          f"{plenary['cpu_us_per_packet']:.0f} µs = {rooms['cpu_us_per_packet'] / plenary['cpu_us_per_packet']:.2f}; "
          f"plenary again: {again['cpu_us_per_packet']:.0f} µs")
    print(f"  server CPU, rooms / plenary: {rooms['cpu_share']:.0%} / {plenary['cpu_share']:.0%} for "
          f"{rooms['packets_out_per_s']:,.0f} / {plenary['packets_out_per_s']:,.0f} packets forwarded per s")
    garbled = sum(entry["garbled"] for entry in raw["report"].values())
    print(f"\n(frames whose tag was unreadable: {garbled}; keyframes the cameras sent: "
          f"{sum(entry['keyframes_sent'] for entry in raw['report'].values())})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter windows: under a minute")
    parser.add_argument("--seconds", type=float, help="measured seconds per phase (default 20, quick 6)")
    parser.add_argument("--settle", type=float, help="seconds after a switch before measuring (default 5, quick 3)")
    parser.add_argument("--people", type=int, default=PEOPLE, help="participants (default 30, rooms of 6)")
    parser.add_argument("--tail", type=float, default=1.0,
                        help="seconds after a window before the next switch, for the frames on their way (default 1)")
    parser.add_argument("--browsers", type=int, default=2, help="processes the browsers run in (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop",
                        help="the server's event loop (default uvloop, as under uvicorn)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--browsers-of", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--control-port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.port, options.people, options.loop)
        return 0
    if options.browsers_of:
        browsers(options.browsers_of.split(","), options.url, options.control_port)
        return 0
    if options.seconds is None:
        options.seconds = 6.0 if options.quick else 20.0
    if options.settle is None:
        options.settle = 3.0 if options.quick else 5.0
    raw = asyncio.run(run(options))
    rows = analyse(raw)
    report(raw, rows, options)
    if options.json:
        options.json.write_text(json.dumps({"rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
