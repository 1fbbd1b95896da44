"""The server's candidates announced at its public address."""

from __future__ import annotations

from media.sdp import announce

SDP = "\r\n".join([
    "v=0",
    "m=video 9 UDP/TLS/RTP/SAVPF 97",
    "a=candidate:1 1 udp 2130706431 10.0.0.5 41234 typ host",
    "a=candidate:2 1 udp 2130706431 fd00::5 41234 typ host",
    "a=candidate:3 1 udp 2130706431 10.0.0.5 41990 typ host",
    "a=candidate:4 1 udp 1694498815 198.51.100.7 41234 typ srflx raddr 10.0.0.5 rport 41234",
    "a=end-of-candidates",
]) + "\r\n"


def test_host_candidates_carry_the_announced_address_and_keep_their_ports() -> None:
    announced = announce(SDP, "203.0.113.9").splitlines()
    assert "a=candidate:1 1 udp 2130706431 203.0.113.9 41234 typ host" in announced
    assert "a=candidate:3 1 udp 2130706431 203.0.113.9 41990 typ host" in announced
    assert not any("fd00::5" in line or " 10.0.0.5 41234 typ host" in line for line in announced)
    assert any("typ srflx" in line for line in announced)  # other kinds of candidates are left alone


def test_without_an_announced_address_nothing_changes() -> None:
    assert announce(SDP, None) == SDP
