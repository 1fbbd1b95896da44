"""Session descriptions the server sends: its candidates announced at the address browsers can reach."""

from __future__ import annotations

import re

_HOST_CANDIDATE = re.compile(r"^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host.*)$")


def announce(sdp: str, address: str | None) -> str:
    """Put `address` in place of the machine's own in every host candidate (a server behind 1:1 NAT).

    aiortc gathers the addresses of the machine's interfaces; a cloud server often only knows its
    private one, while browsers must be told the public one. Ports are unchanged, as 1:1 NAT keeps them.
    """
    if not address:
        return sdp
    lines = []
    seen: set[str] = set()
    for line in sdp.splitlines():
        match = _HOST_CANDIDATE.match(line)
        if match:
            line = f"{match.group(1)}{address}{match.group(3)}"
            port = line.split()[5]
            if port in seen:
                continue  # IPv4 and IPv6 candidates on the same port would now say the same thing
            seen.add(port)
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"
