"""Start real Janus servers for the tests, from Debian's `janus` package: VideoRoom and WebSockets only."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.postgres import free_port

LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")
START_GUARD = 30.0  # seconds for Janus to listen on a busy machine: never a speed check
API_SECRET = secrets.token_urlsafe(16)  # every test server wants it, as a deployed one should


def configure(folder: Path, ws_port: int, rtp_ports: tuple[int, int]) -> None:
    """The least Janus needs here: the VideoRoom plugin, the WebSockets transport on loopback, nothing else;
    requests must carry `API_SECRET`."""
    plugins = LIBRARIES / "plugins"
    transports = LIBRARIES / "transports"
    other_plugins = sorted(p.name for p in plugins.glob("libjanus_*.so") if p.name != "libjanus_videoroom.so")
    other_transports = sorted(p.name for p in transports.glob("libjanus_*.so") if p.name != "libjanus_websockets.so")
    (folder / "janus.jcfg").write_text(
        "general: {\n"
        f'\tconfigs_folder = "{folder}"\n'
        f'\tplugins_folder = "{plugins}"\n'
        f'\ttransports_folder = "{transports}"\n'
        f'\tevents_folder = "{LIBRARIES}/events"\n'
        f'\tloggers_folder = "{LIBRARIES}/loggers"\n'
        "\tdebug_level = 3\n"
        f'\tapi_secret = "{API_SECRET}"\n'
        "}\n"
        f'media: {{\n\trtp_port_range = "{rtp_ports[0]}-{rtp_ports[1]}"\n}}\n'
        'nat: {\n\tice_ignore_list = "vmnet"\n}\n'
        f'plugins: {{\n\tdisable = "{",".join(other_plugins)}"\n}}\n'
        f'transports: {{\n\tdisable = "{",".join(other_transports)}"\n}}\n'
        'events: {\n\tbroadcast = false\n}\n')
    (folder / "janus.transport.websockets.jcfg").write_text(
        f'general: {{\n\tjson = "compact"\n\tws = true\n\tws_port = {ws_port}\n\tws_ip = "127.0.0.1"\n'
        '\twss = false\n}\nadmin: {\n\tadmin_ws = false\n}\n')
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")


@dataclass
class JanusServer:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, rtp_ports: tuple[int, int]) -> JanusServer:
        janus = shutil.which("janus")
        if janus is None:
            pytest.fail("Janus is not installed: `make test` installs Debian's janus package")
        folder = Path(tempfile.mkdtemp(prefix="atelier-janus-"))
        port = free_port()
        configure(folder, port, rtp_ports)
        log = (folder / "janus.log").open("wb")
        process = subprocess.Popen([janus, "-F", str(folder), "-C", str(folder / "janus.jcfg"), "-o"],
                                   stdout=log, stderr=subprocess.STDOUT)
        server = cls(folder, port, process)
        deadline = time.monotonic() + START_GUARD
        while not server._listening():
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                pytest.fail(f"Janus did not start: {(folder / 'janus.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)
        return server

    def restart(self) -> None:
        """Stop Janus (its sessions and rooms go with it) and start it again on the same ports."""
        self.process.terminate()
        self.process.wait(10)
        log = (self.folder / "janus.log").open("ab")
        self.process = subprocess.Popen([shutil.which("janus") or "janus", "-F", str(self.folder), "-C",
                                         str(self.folder / "janus.jcfg"), "-o"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_GUARD
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Janus did not start again: {self.log()[-2000:]}")
            time.sleep(0.05)

    def _listening(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def log(self) -> str:
        return (self.folder / "janus.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_servers(count: int) -> list[JanusServer]:
    """`count` Janus servers, each with its own configuration folder, WebSockets port and RTP ports."""
    base = 20000 + (free_port() % 20) * 1000  # distinct ranges for parallel runs are not needed: a hint only
    return [JanusServer.start((base + 200 * index, base + 200 * index + 199)) for index in range(count)]
