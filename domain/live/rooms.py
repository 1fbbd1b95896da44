"""Who goes to which breakout room when the moderator opens them."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from domain.live.state import Person
from domain.models import Room, RoomAssignment, Workshop
from domain.questions import QuestionKind


def assign(
    people: Sequence[Person],
    rooms: Sequence[Room],
    mode: RoomAssignment,
    *,
    keep_groups: bool,
    rng: random.Random,
    wishes: Mapping[int, Sequence[int]] | None = None,
) -> list[tuple[int, int]]:
    """A breakout room for everyone in `people`, as (participant id, room id) pairs.

    A room already set for someone is kept when it still exists and has space: the one they
    chose, the one the organiser or moderator put them in, or their group from an earlier
    breakout when `keep_groups` is asked. Random mode and the registrations' wishes without kept
    groups start afresh. In FROM_REGISTRATIONS mode, `wishes` (participant id -> the rooms they
    wished for when registering) place people first (`from_wishes`). Everyone else goes, in random
    order, to the emptiest room with space; when every room is full, to the emptiest room anyway:
    nobody is left out of the discussion.
    """
    if mode == RoomAssignment.FROM_REGISTRATIONS:
        return from_wishes(people, rooms, wishes or {}, keep_groups=keep_groups)
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


def rooms_question_ids(workshop: Workshop) -> list[str]:
    """The ids of the registration questions asking which rooms interest people (the wizard allows one)."""
    return [str(question.get("id")) for question in workshop.registration_questions or []
            if isinstance(question, dict) and question.get("kind") == QuestionKind.ROOMS.value]


def from_wishes(people: Sequence[Person], rooms: Sequence[Room], wishes: Mapping[int, Sequence[int]], *,
                keep_groups: bool) -> list[tuple[int, int]]:
    """Rooms from the wishes people gave when registering, the same every time for the same people and wishes.

    A room takes its own capacity, or else a fair share of the people (rounded up), so that one popular room
    does not swallow everyone. Choices are taken in rounds: first everyone's first choice, then the second
    choice of those whose first was full, and so on; within a round, people who wished for fewer rooms go first
    (they have fewer ways to be satisfied), then in the order they joined. Whoever wished for full rooms only,
    then whoever gave no wish (or came without a registration), goes to the emptiest room with space, the first
    in the plan on a tie. Groups from an earlier breakout stay together when `keep_groups` is asked.
    """
    share = math.ceil(len(people) / len(rooms)) if rooms else 0
    capacity = {room.id: room.capacity if room.capacity is not None else share for room in rooms}
    members: dict[int, int] = dict.fromkeys(capacity, 0)
    placed: dict[int, int] = {}

    def place(person: Person, room_id: int) -> None:
        placed[person.id] = room_id
        members[room_id] += 1

    for person in people:
        if keep_groups and person.room_id in capacity and members[person.room_id] < capacity[person.room_id]:
            place(person, person.room_id)
    choices = {person.id: [room_id for room_id in dict.fromkeys(wishes.get(person.id, ())) if room_id in capacity]
               for person in people if person.id not in placed}
    wishing = sorted((person for person in people if choices.get(person.id)),
                     key=lambda person: (len(choices[person.id]), person.joined_at, person.id))
    for round_number in range(max((len(wished) for wished in choices.values()), default=0)):
        for person in wishing:
            wished = choices[person.id]
            if person.id not in placed and round_number < len(wished) \
                    and members[wished[round_number]] < capacity[wished[round_number]]:
                place(person, wished[round_number])
    order = [room.id for room in rooms]
    rest = [person for person in wishing if person.id not in placed] + sorted(
        (person for person in people if person.id not in placed and not choices.get(person.id)),
        key=lambda person: (person.joined_at, person.id))
    for person in rest:
        with_space = [room_id for room_id in order if members[room_id] < capacity[room_id]] or order
        place(person, min(with_space, key=lambda candidate: members[candidate]))
    return [(person.id, placed[person.id]) for person in people]


def place_one(rooms: Sequence[Room], occupancy: Mapping[int, int]) -> int:
    """The room for one more person: the emptiest with space left, or the emptiest of all when every one is full."""
    with_space = [room for room in rooms if room.capacity is None or occupancy.get(room.id, 0) < room.capacity]
    return min(with_space or rooms, key=lambda room: occupancy.get(room.id, 0)).id
