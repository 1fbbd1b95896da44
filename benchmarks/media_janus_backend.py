#!/usr/bin/env python3
"""The workshop scenario through Atelier's Janus backend: what one Janus server carries, and what Atelier keeps.

`benchmarks/media_workshop.py`'s simulated browsers (pre-encoded VP8 and Opus, nothing encoded or decoded
while measuring, every frame tagged so that losses are counted exactly) join a workshop whose media go
through `media.janus.service.JanusMedia` and one Janus 1.1.2 VideoRoom server (Debian's `janus`, started
on loopback with only the VideoRoom plugin and the WebSockets transport, its default media settings).
Atelier's side runs in a process of its own (signalling only: the browsers' descriptions, Janus's API).

Each phase is a run of its own, routed before anyone joins (people moving between rooms are in the tests,
not here): **plenary** (the moderator and whoever has the floor on stage, 28 watching) and **rooms** (5 rooms
of 6, everyone sees and hears the 5 others at thumbnail size). Every browser publishes first, then watches
once everyone it sees is published. CPU is Janus's threads' time and Atelier's process's (schedstat) over the
measured seconds.

Janus is not a Python dependency: `apt-get install -y janus` (`make test` installs it). Usage:

    .venv/bin/python benchmarks/media_janus_backend.py                    # 30 people, both phases, ~2 min
    .venv/bin/python benchmarks/media_janus_backend.py --people 60 --phases rooms --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiortc import RTCSessionDescription  # noqa: E402

from benchmarks.media_workshop import (  # noqa: E402
    Browser,
    analyse,
    browsers_mark,
    browsers_report,
    cpu_seconds,
    free_port,
    gatherings,
    load_clips,
    log,
    machine_busy_seconds,
    people,
    start_browsers,
    udp_drops,
    wait_for,
)

SETTLE = 5.0


# ------------------------------------------------------------------ Atelier's side: signalling only

def serve(port: int, count: int, phase: str, janus_url: str, janus_secret: str) -> None:
    from media.janus.service import JanusMedia
    from media.routing import route

    async def main() -> None:
        media = JanusMedia([janus_url], api_secret=janus_secret)
        routing = route(gatherings(count)[phase])
        media.route("workshop", routing)

        def everyone_seen_publishes(who: str) -> bool:
            view = media.view(who)
            sources = {*view.videos, *view.sounds}
            publishers = media._publishers  # a benchmark may look inside: Janus subscribes only to those up
            return all(source in publishers and publishers[source].up for source in sources)

        async def publish(request: web.Request) -> web.Response:
            body = await request.json()
            answer = await media.publish(body["who"], RTCSessionDescription(sdp=body["sdp"], type=body["type"]),
                                         page=body["who"])
            return web.json_response({"sdp": answer.sdp, "type": answer.type})

        async def watch(request: web.Request) -> web.Response:
            who = (await request.json())["who"]
            deadline = time.monotonic() + 120
            while not everyone_seen_publishes(who) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            offer = await media.watch(who, who)
            if offer is None:
                return web.json_response({})
            return web.json_response({"sdp": offer.sdp, "type": offer.type})

        async def accept(request: web.Request) -> web.Response:
            body = await request.json()
            await media.accept(body["who"], RTCSessionDescription(sdp=body["sdp"], type=body["type"]))
            return web.json_response({})

        async def profiles(request: web.Request) -> web.Response:
            return web.json_response({
                "at": time.monotonic(),
                "profiles": {who: str(media.profile(who)) for who in people(count)},
                "views": {who: {"video": list(view.videos), "audio": list(view.sounds)}
                          for who, view in routing.views.items()},
            })

        app = web.Application()
        app.add_routes([web.post("/publish", publish), web.post("/watch", watch), web.post("/accept", accept),
                        web.get("/profiles", profiles), web.get("/ready", lambda request: web.json_response({}))])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# ------------------------------------------------------------------ browsers: publish all, then watch

def browsers(names: list[str], url: str, control_port: int) -> None:
    async def main() -> None:
        clips = load_clips()
        crowd = {who: Browser(who, clips) for who in names}
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/profiles") as response:
                asked = (await response.json())["profiles"]
            for who, browser in crowd.items():
                browser.set_profile(asked[who])
                await browser.publishing.setLocalDescription(await browser.publishing.createOffer())
                local = browser.publishing.localDescription
                async with http.post(f"{url}/publish", json={"who": who, "sdp": local.sdp, "type": local.type}) as r:
                    await browser.publishing.setRemoteDescription(RTCSessionDescription(**await r.json()))
            watched = await asyncio.gather(*(watch(http, browser) for browser in crowd.values()))

        async def status(request: web.Request) -> web.Response:
            ready = sum(browser.publishing.connectionState == "connected"
                        and (not watching or browser.watching.connectionState == "connected")
                        for browser, watching in zip(crowd.values(), watched, strict=True))
            return web.json_response({"connected": ready})

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
        app.add_routes([web.get("/status", status), web.get("/mark", mark), web.get("/report", report)])
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", control_port).start()
        await asyncio.Event().wait()

    async def watch(http: aiohttp.ClientSession, browser: Browser) -> bool:
        async with http.post(f"{url}/watch", json={"who": browser.who}) as response:
            offer = await response.json()
        if not offer:
            return False
        await browser.watching.setRemoteDescription(RTCSessionDescription(**offer))
        await browser.watching.setLocalDescription(await browser.watching.createAnswer())
        local = browser.watching.localDescription
        async with http.post(f"{url}/accept", json={"who": browser.who, "sdp": local.sdp, "type": local.type}):
            pass
        return True

    asyncio.run(main())


# ------------------------------------------------------------------ the benchmark

async def run_phase(options: argparse.Namespace, phase: str) -> dict[str, Any]:
    from tests.janus_server import API_SECRET, start_servers

    everyone = people(options.people)
    janus = start_servers(1)[0]
    me = [sys.executable, __file__]
    server_port = free_port()
    url = f"http://127.0.0.1:{server_port}"
    server = subprocess.Popen([*me, "--serve", "--port", str(server_port), "--people", str(options.people),
                               "--phase", phase, "--janus-url", janus.url, "--janus-secret", API_SECRET])
    processes = [server]
    try:
        async with aiohttp.ClientSession() as http:
            await wait_for(http, f"{url}/ready")
            started = time.monotonic()
            controls = await start_browsers(http, [*me, "--url", url], everyone, options.browsers, processes,
                                            timeout=180)
            log(f"{phase}: {len(everyone)} browsers connected through Janus in {time.monotonic() - started:.1f} s")
            async with http.get(f"{url}/profiles") as response:
                switched = await response.json()
            await asyncio.sleep(options.settle)

            async def mark() -> dict[str, Any]:
                drops = udp_drops([janus.process.pid, *(p.pid for p in processes)])
                return {
                    "server_drops": drops[janus.process.pid],
                    "browsers_drops": sum(drops.values()) - drops[janus.process.pid] - drops[server.pid],
                    "time": time.monotonic(),
                    "server_cpu": cpu_seconds(janus.process.pid),  # "server": the media's, Janus
                    "atelier_cpu": cpu_seconds(server.pid),
                    "browsers_cpu": sum(cpu_seconds(p.pid) for p in processes[1:]),
                    "own_cpu": cpu_seconds(os.getpid()) + cpu_seconds(server.pid),
                    "machine_cpu": machine_busy_seconds(),
                    **await browsers_mark(http, controls),
                }

            start = await mark()
            await asyncio.sleep(options.seconds)
            end = await mark()
            await asyncio.sleep(1.0)  # frames sent at the end of the window are still on their way
            return {"people": everyone, "report": await browsers_report(http, controls), "phases": [
                {"name": phase, "switched": switched, "start": start, "end": end, "told": 0.0, "switch_cpu": 0.0,
                 "switch_wall": 0.0}]}
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait()
        janus.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=30, help="participants (default 30, rooms of 6)")
    parser.add_argument("--phases", nargs="+", default=["plenary", "rooms"], choices=["plenary", "rooms"])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per phase (default 20)")
    parser.add_argument("--settle", type=float, default=SETTLE, help="seconds after joining before measuring")
    parser.add_argument("--browsers", type=int, default=2, help="processes the browsers run in (default 2)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--janus-url", help=argparse.SUPPRESS)
    parser.add_argument("--janus-secret", help=argparse.SUPPRESS)
    parser.add_argument("--browsers-of", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--control-port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.port, options.people, options.phase, options.janus_url, options.janus_secret)
        return 0
    if options.browsers_of:
        browsers(options.browsers_of.split(","), options.url, options.control_port)
        return 0
    load_clips()  # encoded once, before anything is timed
    print(f"\nWorkshop of {options.people} through the Janus backend, one Janus server; {os.cpu_count()} cores "
          f"shared by Janus, Atelier and {options.browsers} browser processes; {options.seconds:.0f} s measured\n")
    print(f"{'phase':<10}{'Janus CPU':>11}{'Atelier CPU':>13}{'forwarded/s':>13}{'µs/packet':>11}"
          f"{'video lost':>16}{'audio lost':>16}{'video p50/p95':>15}{'browsers':>10}{'others':>8}")
    for phase in options.phases:
        raw = asyncio.run(run_phase(options, phase))
        row = analyse(raw)[0]
        start, end = raw["phases"][0]["start"], raw["phases"][0]["end"]
        wall = end["time"] - start["time"]
        atelier = (end["atelier_cpu"] - start["atelier_cpu"]) / wall
        latency = row["video_latency_ms"]
        print(f"{phase:<10}{row['cpu_share']:>11.0%}{atelier:>13.1%}{row['packets_out_per_s']:>13,.0f}"
              f"{row['cpu_us_per_packet']:>11.0f}{row['video_lost']:>8}/{row['video_expected']:<7}"
              f"{row['audio_lost']:>8}/{row['audio_expected']:<7}{latency[0]:>8.0f}/{latency[1]:<6.0f}"
              f"{row['browsers_cpu_share']:>10.0%}{row['others_cpu_share']:>8.0%}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
