#!/usr/bin/env python3
"""Media forwarding side by side with Janus (issue 12): one camera and microphone to K subscribers.

The same workload against two servers, alternated in one run, each started fresh for each case:

- atelier: `media.peers` (a `PublishPeer`, and per subscriber a `SubscribePeer` with one video and one
  audio slot showing the publisher), in a process of its own, signalled over a small HTTP API;
- janus: Janus 1.1.2's VideoRoom plugin (Debian's `janus` package), started on loopback by this script
  with a minimal configuration written into a temporary directory and its default media settings,
  signalled over its HTTP API (`--janus-event-loops 2` also measures it with two event loops).

One publisher process sends pre-encoded VP8 (640x360, 15 fps, about 1.5 Mbit/s; encoded once with PyAV,
cached in the temporary directory) and Opus (20 ms, ~32 kbit/s), answering keyframe requests with a
keyframe as a browser does, never encoding. K subscribers in this process count the RTP packets they
receive and assemble whole video frames (Atelier's `FrameAssembler`) without decoding; each frame
carries its number, so frames lost are counted exactly. Server CPU is the time the server process's
threads ran (/proc/<pid>/task/*/schedstat) over the measured seconds. The marginal cost of a forwarded
packet is the slope of a least-squares line through (packets forwarded per second, CPU) over every K:
what one more subscriber costs, without the fixed cost of receiving the publisher.

Janus is not a Python dependency: install it with `apt-get install -y janus` (Debian 12: 1.1.2). Usage:

    .venv/bin/python benchmarks/media_janus.py                                  # K = 1, 2, 4, 8, 16, ~6 min
    .venv/bin/python benchmarks/media_janus.py --subscribers 1 4 16 --seconds 6
    .venv/bin/python benchmarks/media_janus.py --servers atelier janus janus2   # janus2: two event loops
    .venv/bin/python benchmarks/media_janus.py --workshop   # 30 people: plenary, then 5 rooms of 6, ~2 min

With `--workshop`, the same two servers carry the steady states of benchmarks/media_workshop.py's
30-person workshop (its clips, its profiles): the plenary (2 on stage, seen and heard by the 28 others)
and 5 rooms of 6 (everyone sees and hears the 5 others), each on a fresh server; frames lost are
counted per subscriber and publisher. (Switching between them is measured on Atelier alone, by
media_workshop.py: Janus would need its own routing of the switch.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import MediaStreamTrack  # noqa: E402

from benchmarks.media_workshop import (  # noqa: E402
    MAGIC,
    TRAILER,
    Camera,
    Microphone,
    encode_audio,
    encode_video,
    load_clips,
    run_server,
    udp_drops,
)
from media import aiortc_hooks  # noqa: E402
from media.assembler import FrameAssembler  # noqa: E402
from media.frames import EncodedFrame  # noqa: E402
from media.peers import server_configuration  # noqa: E402

WIDTH, HEIGHT, FPS, BITRATE = 640, 360, 15, 1_500_000
CLIP_SECONDS = 8
ROOM = 1234
JANUS = shutil.which("janus")
JANUS_LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")


@dataclass(frozen=True)
class Plan:
    """Who publishes what where, and whom each subscriber watches: one case of the benchmark."""

    name: str
    publishers: dict[int, tuple[int, str]]  # publisher number -> (Janus room, profile: stage or thumbnail)
    subscribers: list[tuple[int, list[int]]]  # per subscriber: (Janus room, publishers watched)
    clips: str = "fanout"  # "fanout": 1.5 Mbit/s at 640x360; "workshop": media_workshop.py's stage and thumbnail

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "clips": self.clips,
                           "publishers": {str(k): v for k, v in self.publishers.items()},
                           "subscribers": self.subscribers})

    @classmethod
    def from_json(cls, text: str) -> Plan:
        raw = json.loads(text)
        return cls(raw["name"], {int(k): (v[0], v[1]) for k, v in raw["publishers"].items()},
                   [(room, feeds) for room, feeds in raw["subscribers"]], raw["clips"])


def fanout(count: int) -> Plan:
    """One publisher (number 1), `count` subscribers watching and hearing it."""
    return Plan(f"K={count}", {1: (ROOM, "stage")}, [(ROOM, [1])] * count)


def workshop(phase: str, people: int = 30, room_size: int = 6) -> Plan:
    """The workshop's steady states (benchmarks/media_workshop.py): its plenary, or its rooms, for everyone.

    Plenary: the moderator and the person with the floor (1 and 2) on stage, seen and heard by the 28 others
    and by each other; nobody else sends anything. Rooms: rooms of 6, everyone sees and hears the 5 others.
    """
    everyone = range(1, people + 1)
    if phase == "plenary":
        stage = [1, 2]
        return Plan("plenary", {who: (ROOM, "stage") for who in stage},
                    [(ROOM, [other for other in stage if other != who]) for who in everyone], "workshop")
    room = {who: ROOM + 1 + (who - 1) // room_size for who in everyone}
    return Plan("rooms", {who: (room[who], "thumbnail") for who in everyone},
                [(room[who], [other for other in everyone if room[other] == room[who] and other != who])
                 for who in everyone], "workshop")


def clips() -> dict[str, Any]:
    """{'stage': (keyframe, deltas), 'audio': packets}: what the publisher sends, encoded on first use."""
    path = Path(tempfile.gettempdir()) / f"atelier-bench-janus-clips-{WIDTH}x{HEIGHT}-{BITRATE}-{CLIP_SECONDS}s.pickle"
    if not path.exists():
        print(f"encoding {path} once", file=sys.stderr, flush=True)
        frames = encode_video(WIDTH, HEIGHT, FPS, BITRATE, CLIP_SECONDS)
        encoded = {"stage": (frames[0], frames[1:]), "audio": encode_audio(CLIP_SECONDS)}
        path.with_suffix(".partial").write_bytes(pickle.dumps(encoded))
        path.with_suffix(".partial").rename(path)
    loaded: dict[str, Any] = pickle.loads(path.read_bytes())
    return loaded


# ------------------------------------------------------------------ Atelier's server process

def serve_atelier(port: int, loop: str) -> None:
    from media.peers import PublishPeer, SubscribePeer

    async def main() -> None:
        publishers: dict[int, PublishPeer] = {}
        subscribers: dict[str, SubscribePeer] = {}

        async def publish(request: web.Request) -> web.Response:
            body = await request.json()
            peer = PublishPeer()
            answer = await peer.answer(RTCSessionDescription(sdp=body["sdp"], type=body["type"]))
            publishers[body["who"]] = peer
            return web.json_response({"sdp": answer.sdp, "type": answer.type})

        async def subscribe(request: web.Request) -> web.Response:
            feeds = (await request.json())["feeds"]
            peer = SubscribePeer(video_slots=len(feeds), audio_slots=len(feeds))
            for index, feed in enumerate(feeds):
                peer.video[index].show(publishers[feed].track("video"))
                peer.audio[index].show(publishers[feed].track("audio"))
            key = uuid.uuid4().hex
            subscribers[key] = peer
            offer = await peer.offer()
            return web.json_response({"sdp": offer.sdp, "type": offer.type, "key": key})

        async def answer(request: web.Request) -> web.Response:
            body = await request.json()
            await subscribers[body.pop("key")].accept(RTCSessionDescription(**body))
            return web.json_response({})

        async def ready(request: web.Request) -> web.Response:
            return web.json_response({"publishers": len(publishers)})

        async def stats(request: web.Request) -> web.Response:
            """What the forwarding did beside forwarding: retransmissions, links found too narrow."""
            slots = [slot for peer in subscribers.values() for slot in (*peer.video, *peer.audio)]
            return web.json_response({"sent": sum(slot.packets_sent for slot in slots),
                                      "keyframes_asked": sum(requests.sent for peer in publishers.values()
                                                             for requests in peer._keyframes),
                                      "resent": sum(slot.resent for slot in slots),
                                      "reduced": sum(1 for peer in subscribers.values()
                                                     if peer.budget.videos is not None)})

        app = web.Application()
        app.add_routes([web.post("/publish", publish), web.post("/subscribe", subscribe),
                        web.post("/answer", answer), web.get("/ready", ready),
                        web.get("/stats", stats)])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    run_server(main, loop)


# ------------------------------------------------------------------ Janus

def janus_configuration(folder: Path, port: int, event_loops: int) -> None:
    """The least Janus needs: its HTTP API on loopback, the VideoRoom plugin, media settings left as they come."""
    plugins = ",".join(f"libjanus_{name}.so" for name in (
        "audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "streaming", "textroom",
        "videocall", "voicemail"))
    transports = ",".join(f"libjanus_{name}.so" for name in ("websockets", "mqtt", "nanomsg", "pfunix", "rabbitmq"))
    loops = f"\tevent_loops = {event_loops}\n" if event_loops else ""
    (folder / "janus.jcfg").write_text(
        "general: {\n"
        f'\tconfigs_folder = "{folder}"\n'
        f'\tplugins_folder = "{JANUS_LIBRARIES}/plugins"\n'
        f'\ttransports_folder = "{JANUS_LIBRARIES}/transports"\n'
        f'\tevents_folder = "{JANUS_LIBRARIES}/events"\n'
        f'\tloggers_folder = "{JANUS_LIBRARIES}/loggers"\n'
        "\tdebug_level = 3\n"
        f"{loops}"
        "}\n"
        "media: {\n}\n"
        'nat: {\n\tice_ignore_list = "vmnet"\n}\n'
        f'plugins: {{\n\tdisable = "{plugins}"\n}}\n'
        f'transports: {{\n\tdisable = "{transports}"\n}}\n'
        'events: {\n\tbroadcast = false\n}\n')
    (folder / "janus.transport.http.jcfg").write_text(
        f'general: {{\n\tjson = "compact"\n\tbase_path = "/janus"\n\thttp = true\n\tport = {port}\n'
        '\tip = "127.0.0.1"\n\thttps = false\n}\nadmin: {\n\tadmin_http = false\n}\n')
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")


class Janus:
    """A session of Janus's HTTP API: requests answered by events, collected by a long poll."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url
        self.session = 0
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._poll: asyncio.Task[None] | None = None

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        body["transaction"] = transaction = uuid.uuid4().hex
        waiting = self._waiting[transaction] = asyncio.get_running_loop().create_future()
        async with self.http.post(f"{self.url}{path}", json=body) as response:
            reply: dict[str, Any] = await response.json(content_type=None)
        if reply.get("janus") == "error":
            raise RuntimeError(reply)
        if reply.get("janus") == "ack":  # the answer comes as an event
            reply = await asyncio.wait_for(waiting, 20)
        self._waiting.pop(transaction, None)
        data = reply.get("plugindata", {}).get("data", {})
        if data.get("error"):
            raise RuntimeError(data)
        return reply

    async def start(self) -> None:
        self.session = (await self._post("", {"janus": "create"}))["data"]["id"]
        self._poll = asyncio.ensure_future(self._polling())

    async def _polling(self) -> None:
        while True:
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with self.http.get(f"{self.url}/{self.session}?maxev=10") as response:
                    events = await response.json(content_type=None)
                for event in events if isinstance(events, list) else [events]:
                    waiting = self._waiting.get(event.get("transaction", ""))
                    if waiting is not None and not waiting.done():
                        waiting.set_result(event)

    async def attach(self) -> int:
        handle: int = (await self._post(f"/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"})
                       )["data"]["id"]
        return handle

    async def message(self, handle: int, body: dict[str, Any], jsep: dict[str, Any] | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"janus": "message", "body": body}
        if jsep is not None:
            request["jsep"] = jsep
        return await self._post(f"/{self.session}/{handle}", request)

    async def close(self) -> None:
        if self._poll is not None:
            self._poll.cancel()


# ------------------------------------------------------------------ the publisher process

def publish(server: str, url: str, plan: Plan) -> None:
    """Every publisher of the plan, in this process: a camera and a microphone each, on one connection."""

    async def one(http: aiohttp.ClientSession, media: dict[str, Any], who: int, room: int, profile: str) -> None:
        camera, microphone = Camera(who, media), Microphone(who, media["audio"])
        peer = RTCPeerConnection(server_configuration())
        video_sender = peer.addTransceiver(camera, direction="sendonly").sender
        peer.addTransceiver(microphone, direction="sendonly")
        aiortc_hooks.on_keyframe_request(video_sender, camera.keyframe_asked)
        await peer.setLocalDescription(await peer.createOffer())
        offer = {"sdp": peer.localDescription.sdp, "type": peer.localDescription.type}
        if server == "atelier":
            async with http.post(f"{url}/publish", json={"who": who, **offer}) as response:
                answer = await response.json()
        else:
            janus = Janus(http, url)
            await janus.start()
            handle = await janus.attach()
            await janus.message(handle, {"request": "join", "ptype": "publisher", "room": room, "id": who})
            reply = await janus.message(handle, {"request": "publish", "audio": True, "video": True},
                                        jsep={**offer, "trickle": False})
            answer = reply["jsep"]
        await peer.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
        camera.set_profile(profile)
        microphone.set_profile(profile)
        connections.append(peer)

    connections: list[RTCPeerConnection] = []

    async def main() -> None:
        media = clips() if plan.clips == "fanout" else load_clips()
        async with aiohttp.ClientSession() as http:
            for who, (room, profile) in plan.publishers.items():
                await one(http, media, who, room, profile)
            await asyncio.Event().wait()

    asyncio.run(main())


# ------------------------------------------------------------------ subscribers, in this process

class Subscriber:
    """Counts RTP packets and whole video frames (each numbered by the publisher), decoding nothing."""

    def __init__(self) -> None:
        self.connection = RTCPeerConnection(server_configuration())
        self.packets = {"audio": 0, "video": 0}
        self.frames: dict[int, set[int]] = {}  # by publisher: the numbers of the whole frames received
        self.connection.on("track", self._adopt)

    def _adopt(self, track: MediaStreamTrack) -> None:
        receiver = next(t.receiver for t in self.connection.getTransceivers() if t.receiver.track is track)
        kind = track.kind
        assembler = FrameAssembler("video", self._frame) if kind == "video" else None

        class Sink:
            def add(sink, packet: Any) -> tuple[bool, None]:  # noqa: N805  # the subscriber is `self`
                self.packets[kind] += 1
                return assembler.add(packet) if assembler is not None else (False, None)

        aiortc_hooks.adopt_receiver(receiver, Sink(), lambda: None)

    def _frame(self, frame: EncodedFrame) -> None:
        if len(frame.data) >= TRAILER.size:
            publisher, number, _sent, magic = TRAILER.unpack(frame.data[-TRAILER.size:])
            if magic == MAGIC:
                self.frames.setdefault(publisher, set()).add(number)

    async def answer(self, offer: dict[str, Any]) -> dict[str, Any]:
        await self.connection.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
        await self.connection.setLocalDescription(await self.connection.createAnswer())
        return {"sdp": self.connection.localDescription.sdp, "type": self.connection.localDescription.type}

    async def join_atelier(self, http: aiohttp.ClientSession, url: str, feeds: list[int]) -> None:
        async with http.post(f"{url}/subscribe", json={"feeds": feeds}) as response:
            offer = await response.json()
        async with http.post(f"{url}/answer", json={"key": offer["key"], **await self.answer(offer)}):
            pass

    async def join_janus(self, janus: Janus, room: int, feeds: list[int]) -> None:
        handle = await janus.attach()
        reply = await janus.message(handle, {"request": "join", "ptype": "subscriber", "room": room,
                                             "streams": [{"feed": feed} for feed in feeds]})
        answer = await self.answer(reply["jsep"])
        await janus.message(handle, {"request": "start"}, jsep=answer)


# ------------------------------------------------------------------ measuring

def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads, in ns precision (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


@contextlib.contextmanager
def server_process(server: str, port: int, folder: Path, loop: str) -> Any:
    log = (folder / f"{server}.log").open("w")
    if server == "atelier":
        command = [sys.executable, __file__, "--serve", str(port), "--loop", loop]
    else:
        if JANUS is None:
            raise SystemExit("Janus is not installed: apt-get install -y janus")
        janus_configuration(folder, port, event_loops=2 if server == "janus2" else 0)
        command = [JANUS, "-C", str(folder / "janus.jcfg"), "-F", str(folder)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    except BaseException:
        log.flush()
        print(f"--- {server}'s log\n" + (folder / f"{server}.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def wait_until_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(url) as response:
                if response.status < 500:
                    return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


async def published(http: aiohttp.ClientSession, url: str, janus: Janus | None, handle: int, plan: Plan) -> None:
    """Wait for the publisher process to have published everyone, and a second more for their media to flow."""
    rooms = {room for room, _profile in plan.publishers.values()}
    for _ in range(1200):
        if janus is None:
            async with http.get(f"{url}/ready") as response:
                count = (await response.json())["publishers"]
        else:
            count = 0
            for room in rooms:
                reply = await janus.message(handle, {"request": "listparticipants", "room": room})
                count += sum(1 for p in reply["plugindata"]["data"].get("participants", []) if p.get("publisher"))
        if count == len(plan.publishers):
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError("the publishers never all published")
    await asyncio.sleep(1)


async def server_sent(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(f"{url}/stats") as response:
        sent: int = (await response.json())["sent"]
    return sent


async def measure(server: str, plan: Plan, options: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"atelier-bench-{server}-") as temporary:
        folder = Path(temporary)
        with server_process(server, port, folder, options.loop) as process:
            url = f"http://127.0.0.1:{port}" + ("" if server == "atelier" else "/janus")
            subscribers = [Subscriber() for _ in plan.subscribers]
            publisher = None
            janus = None
            handle = 0
            try:
                async with aiohttp.ClientSession() as http:
                    await wait_until_up(http, f"{url}/ready" if server == "atelier" else f"{url}/info")
                    if server != "atelier":
                        janus = Janus(http, url)
                        await janus.start()
                        handle = await janus.attach()
                        for room in sorted({room for room, _ in plan.publishers.values()}):
                            await janus.message(handle, {"request": "create", "room": room, "publishers": 32})
                    publisher = subprocess.Popen([sys.executable, __file__, "--publish", "atelier" if server ==
                                                  "atelier" else "janus", "--url", url, "--plan", plan.to_json()])
                    await published(http, url, janus, handle, plan)
                    for subscriber, (room, feeds) in zip(subscribers, plan.subscribers, strict=True):
                        if janus is not None:
                            await subscriber.join_janus(janus, room, feeds)
                        else:
                            await subscriber.join_atelier(http, url, feeds)
                    await asyncio.sleep(options.warm_up)
                    packets = sum(sum(s.packets.values()) for s in subscribers)
                    frames = [{who: set(numbers) for who, numbers in s.frames.items()} for s in subscribers]
                    cpu, wall, load = cpu_seconds(process.pid), time.monotonic(), load_average()
                    clients = cpu_seconds(publisher.pid) + cpu_seconds(os.getpid())
                    drops = udp_drops([process.pid, os.getpid()])
                    sent = await server_sent(http, url) if janus is None else 0
                    await asyncio.sleep(options.seconds)
                    drops = {pid: count - drops[pid] for pid, count in udp_drops([process.pid, os.getpid()]).items()}
                    sent = (await server_sent(http, url) if janus is None else 0) - sent
                    cpu = cpu_seconds(process.pid) - cpu
                    clients = cpu_seconds(publisher.pid) + cpu_seconds(os.getpid()) - clients
                    wall = time.monotonic() - wall
                    packets = sum(sum(s.packets.values()) for s in subscribers) - packets
                    # each subscriber's frames of each publisher it watches, received in the window
                    received = [s.frames.get(who, set()) - before.get(who, set())
                                for s, before, (_room, feeds) in zip(subscribers, frames, plan.subscribers, strict=True)
                                for who in feeds]
                    extra = {"resent": 0, "reduced": 0}
                    if janus is None:
                        async with http.get(f"{url}/stats") as response:
                            extra = await response.json()
                    extra.update(sent_per_s=sent / wall, server_drops=drops[process.pid],
                                 subscriber_drops=drops[os.getpid()])
                    if janus is not None:
                        await janus.close()
            finally:
                for subscriber in subscribers:
                    await subscriber.connection.close()
                if publisher is not None:
                    publisher.terminate()
                    publisher.wait()
    # frames lost: in each (subscriber, publisher)'s window (its first to its last frame), the numbers that never came
    lost = sum(max(got) - min(got) + 1 - len(got) for got in received if got)
    return {"server": server, "case": plan.name, "subscribers": len(plan.subscribers), "cpu_share": cpu / wall,
            "packets_per_s": packets / wall, "frames_per_slot_per_s": sum(len(got) for got in received) / wall
            / max(1, len(received)), "frames_lost": lost, "silent_slots": sum(1 for got in received if not got),
            "frames": sum(len(got) for got in received), "load": load,
            "clients_cpu_share": clients / wall, **extra}


def slope(rows: list[dict[str, Any]]) -> float:
    """µs of server CPU per extra forwarded packet: least squares of CPU (s/s) against packets per second."""
    xs, ys = [row["packets_per_s"] for row in rows], [row["cpu_share"] for row in rows]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread * 1e6 if spread else 0.0


async def run(options: argparse.Namespace) -> list[dict[str, Any]]:
    plans = [workshop(phase) for phase in options.phases] if options.workshop else [
        fanout(count) for count in options.subscribers]
    rows = []
    for plan in plans:
        for server in options.servers:
            print(f"[{time.strftime('%H:%M:%S')}] {server}, {plan.name}, load {load_average()}",
                  file=sys.stderr, flush=True)
            rows.append(await measure(server, plan, options))
    return rows


def report(rows: list[dict[str, Any]], servers: list[str], workshop_phases: bool) -> None:
    if workshop_phases:
        print("\nWorkshop of 30 (benchmarks/media_workshop.py's steady states): plenary, 2 on stage (VP8 640x360, "
              "15 fps, ~400 kbit/s, plus Opus) seen by 28; rooms, 5 of 6 (320x180, 10 fps, ~150 kbit/s, plus Opus)\n")
    else:
        print(f"\nOne publisher (VP8 {WIDTH}x{HEIGHT} at {FPS} fps, ~{BITRATE // 1000} kbit/s, plus Opus) to K "
              f"subscribers; {os.cpu_count()} cores; server, publisher and subscribers in three processes\n")
    print(f"{'case':>8} {'server':>8} {'CPU':>7} {'pkt/s':>7} {'µs/pkt':>7} {'fps/slot':>9} {'lost':>5} "
          f"{'silent':>6} {'resent':>6} {'reduced':>7} {'clients':>8} {'load':>5}")
    for row in rows:
        per_packet = row["cpu_share"] / row["packets_per_s"] * 1e6 if row["packets_per_s"] else float("nan")
        print(f"{row['case']:>8} {row['server']:>8} {row['cpu_share']:>6.1%} {row['packets_per_s']:>7.0f} "
              f"{per_packet:>7.1f} {row['frames_per_slot_per_s']:>9.1f} {row['frames_lost']:>5} "
              f"{row['silent_slots']:>6} {row['resent']:>6} {row['reduced']:>7} {row['clients_cpu_share']:>7.0%} "
              f"{row['load']:>5}")
    print("\n(fps/slot: whole video frames per second in each subscriber's slot; lost: frames that never came whole; "
          "silent: slots that got none; resent: packets Atelier sent again for a NACK; reduced: Atelier's "
          "subscribers found on too narrow a link, sent fewer videos; clients: the publisher and subscriber processes' "
          "CPU, in shares of one core)")
    if workshop_phases:
        return
    print("\nMarginal CPU per extra forwarded packet (slope over K):")
    slopes = {server: slope([row for row in rows if row["server"] == server]) for server in servers}
    for server, value in slopes.items():
        print(f"  {server:>8}: {value:.1f} µs")
    if "atelier" in slopes and "janus" in slopes and slopes["janus"]:
        print(f"  atelier / janus: {slopes['atelier'] / slopes['janus']:.2f} (target ≤ 1.5)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--servers", nargs="+", choices=["atelier", "janus", "janus2"], default=["atelier", "janus"])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per case (default 10)")
    parser.add_argument("--warm-up", type=float, default=4.0, help="seconds before measuring (default 4)")
    parser.add_argument("--workshop", action="store_true",
                        help="the 30-person workshop's plenary and rooms instead of one publisher to K")
    parser.add_argument("--phases", nargs="+", choices=["plenary", "rooms"], default=["plenary", "rooms"],
                        help="with --workshop: the phases to measure (default both)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop",
                        help="Atelier's event loop (default uvloop, as under uvicorn)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--publish", choices=["atelier", "janus"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve_atelier(options.serve, options.loop)
        return 0
    if options.publish:
        publish(options.publish, options.url, Plan.from_json(options.plan))
        return 0
    load_clips() if options.workshop else clips()
    rows = asyncio.run(run(options))
    report(rows, options.servers, options.workshop)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
