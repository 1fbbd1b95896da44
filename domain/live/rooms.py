"""Who goes to which breakout room when the moderator opens them."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from domain.live.state import Person
from domain.models import Room, RoomAssignment


def assign(
    people: Sequence[Person],
    rooms: Sequence[Room],
    mode: RoomAssignment,
    *,
    keep_groups: bool,
    rng: random.Random,
) -> list[tuple[int, int]]:
    """A breakout room for everyone in `people`, as (participant id, room id) pairs.

    A room already set for someone is kept when it still exists and has space: the one they
    chose, the one the organiser or moderator put them in, or their group from an earlier
    breakout when `keep_groups` is asked. Random mode without kept groups starts afresh.
    Everyone else goes, in random order, to the emptiest room with space; when every room
    is full, to the emptiest room anyway: nobody is left out of the discussion.
    """
    capacity = {room.id: room.capacity or math.inf for room in rooms}
    members: dict[int, int] = dict.fromkeys(capacity, 0)
    placed: dict[int, int] = {}
    honour_existing = keep_groups or mode != RoomAssignment.RANDOM_BALANCED
    waiting = []
    for person in people:
        room_id = person.room_id
        if honour_existing and room_id in capacity and members[room_id] < capacity[room_id]:
            placed[person.id] = room_id
            members[room_id] += 1
        else:
            waiting.append(person)
    rng.shuffle(waiting)
    order = [room.id for room in rooms]
    for person in waiting:
        with_space = [room_id for room_id in order if members[room_id] < capacity[room_id]] or order
        room_id = min(with_space, key=lambda candidate: members[candidate])
        placed[person.id] = room_id
        members[room_id] += 1
    return [(person.id, placed[person.id]) for person in people]


def place_one(rooms: Sequence[Room], occupancy: Mapping[int, int]) -> int:
    """The room for one more person: the emptiest with space left, or the emptiest of all when every one is full."""
    with_space = [room for room in rooms if room.capacity is None or occupancy.get(room.id, 0) < room.capacity]
    return min(with_space or rooms, key=lambda room: occupancy.get(room.id, 0)).id
