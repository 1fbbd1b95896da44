"""Which Janus server carries which room: each new room goes to the least loaded server, and stays there.

A server's load is the people the routing places in the rooms it carries: each of them publishes a
camera and microphone there and subscribes there. Rooms keep their server while anyone is in them
(moving a room would reconnect everyone in it); the new rooms of one change are placed largest first,
so that a burst of breakouts spreads evenly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Room = TypeVar("Room", bound=Hashable)


def place_rooms(sizes: Mapping[Room, int], placed: Mapping[Room, int], servers: Sequence[bool]) -> dict[Room, int]:
    """Where each room of `sizes` (room -> people in it now) goes, by server index.

    `placed`: the rooms that already have a server, kept there; `servers`: whether each server is up
    (a server down takes no new room, unless every one is down).
    """
    placement = {room: server for room, server in placed.items() if room in sizes}
    load = [0] * len(servers)
    rooms_on = [0] * len(servers)
    for room, server in placement.items():
        load[server] += sizes[room]
        rooms_on[server] += 1
    candidates = [index for index, up in enumerate(servers) if up] or list(range(len(servers)))
    for room in sorted(sizes.keys() - placement.keys(), key=lambda room: (-sizes[room], str(room))):
        server = min(candidates, key=lambda index: (load[index], rooms_on[index], index))
        placement[room] = server
        load[server] += sizes[room]
        rooms_on[server] += 1
    return placement
