"""Browsers' TURN credentials against a real coturn, configured as the README tells a city to (use-auth-secret)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aioice.stun import TransactionFailed
from aioice.turn import create_turn_endpoint

from media.ice import IceServers
from tests.waiting import until

SECRET = "shared-with-coturn"

def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def udp_port_bound(port: int) -> bool:
    return any(line.split()[1].endswith(f":{port:04X}") for line in Path("/proc/net/udp").read_text().splitlines()[1:])


@pytest.fixture
def turn_port(tmp_path: Path) -> Iterator[int]:
    """coturn on a free port of 127.0.0.1, knowing only the shared secret."""
    port = free_udp_port()
    log = (tmp_path / "turnserver.log").open("w")
    process = subprocess.Popen(
        ["turnserver", "-n", "--listening-ip=127.0.0.1", f"--listening-port={port}", "--relay-ip=127.0.0.1",
         "--use-auth-secret", f"--static-auth-secret={SECRET}", "--realm=atelier.test", "--no-tls", "--no-dtls",
         "--no-cli", f"--db={tmp_path / 'turndb'}", "--log-file=stdout", "--simple-log"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        asyncio.run(until(lambda: udp_port_bound(port) or process.poll() is not None))
        assert process.poll() is None, (tmp_path / "turnserver.log").read_text()
        yield port
    finally:
        process.terminate()
        process.wait()
        log.close()


async def relay_with(server: dict[str, str], port: int) -> tuple[str, int]:
    """Allocate a relayed address as a browser would with these credentials; its address."""
    transport, _ = await create_turn_endpoint(asyncio.DatagramProtocol, ("127.0.0.1", port),
                                              server["username"], server["credential"])
    try:
        return transport.get_extra_info("sockname")  # type: ignore[no-any-return]
    finally:
        transport.close()


def test_each_page_gets_its_own_credentials_that_expire() -> None:
    ice = IceServers(("stun:stun.example.org", "turn:turn.example.org:3478"), SECRET, clock=lambda: 1_800_000_000)
    first, second = ice.for_browser(), ice.for_browser()
    assert first[0] == {"urls": "stun:stun.example.org"}
    assert first[1]["username"] != second[1]["username"]
    assert {server[1]["username"].split(":")[0] for server in (first, second)} == {str(1_800_000_000 + 12 * 3600)}
    assert SECRET not in str(first)


async def test_coturn_relays_for_fresh_credentials_and_refuses_expired_or_forged_ones(turn_port: int) -> None:
    url = (f"turn:127.0.0.1:{turn_port}",)
    fresh = IceServers(url, SECRET).for_browser()[0]
    host, relayed_port = await relay_with(fresh, turn_port)
    assert host == "127.0.0.1" and relayed_port > 0

    expired = IceServers(url, SECRET, clock=lambda: time.time() - 13 * 3600).for_browser()[0]
    forged = IceServers(url, "a guess").for_browser()[0]
    for refused in (expired, forged):
        with pytest.raises(TransactionFailed, match="401"):
            await relay_with(refused, turn_port)
