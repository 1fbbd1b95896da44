"""Breakout rooms assigned from the registrations: people go to the rooms they wished for when registering, within
each room's share, in a run driven as moderators drive it, on a real database with a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from domain import workshops
from domain.clock import FakeClock
from domain.errors import NotAllowed
from domain.live.registry import LiveRegistry
from domain.live.rooms import from_wishes
from domain.live.session import LiveSession
from domain.live.state import Person
from domain.models import Registration, RegistrationMode, Room, RoomAssignment, RoomKind, StepKind, Workshop
from tests.domain.test_registrations import Desk, make_desk
from tests.registration_workshop import ROOMS_ID

GREEN = "Espaces verts"


@pytest.fixture
async def registry(clock: FakeClock) -> AsyncIterator[LiveRegistry]:
    registry = LiveRegistry(clock)
    await registry.start()
    yield registry
    await registry.close()


async def workshop_with_three_rooms(clock: FakeClock) -> tuple[Desk, dict[str, int]]:
    """The registration workshop (rooms "Circulation" and "Commerces", a rooms question) with a third room, rooms
    assigned from the registrations, one session without a limit."""
    desk = await make_desk(clock, capacities=(None, None))
    await workshops.add_breakout_room(desk.workshop, GREEN)
    await workshops.update_workshop(desk.workshop, "room_assignment", RoomAssignment.FROM_REGISTRATIONS.value)
    rooms = {room.name: room.id for room in (await desk.plan()).breakout_rooms}
    return desk, rooms


async def registered(desk: Desk, number: int, wishes: list[int] | None) -> Registration:
    """Person number `number` registers on the public form (rooms wished for, or no answer) and confirms."""
    answers = {ROOMS_ID: wishes} if wishes is not None else {}
    await desk.register(f"Personne {number}", f"personne{number}@exemple.fr", network=f"203.0.113.{number}",
                        answers=answers)
    return await desk.confirmed(f"personne{number}@exemple.fr")


async def to_the_breakout(live: LiveSession) -> None:
    await live.start()
    while live.current_step is not None and live.current_step.kind != StepKind.BREAKOUT:
        await live.next_step(live.state.step_id)


def names_in(live: LiveSession, room_id: int) -> set[str]:
    return {person.name for person in live.state.members(room_id)}


async def test_people_go_to_the_rooms_they_wished_for_within_a_fair_share(
        db: str, clock: FakeClock, registry: LiveRegistry) -> None:
    desk, rooms = await workshop_with_three_rooms(clock)
    circulation, commerces = rooms["Circulation"], rooms["Commerces"]
    wishes: list[list[int] | None] = [
        [circulation], [circulation], [circulation], [circulation],  # four wishes for a share of three
        [circulation, commerces],  # Circulation is full for them: their second choice
        [commerces], None, None]
    people = [await registered(desk, number, wished) for number, wished in enumerate(wishes, start=1)]
    # The door opens to anyone too: someone without a registration comes in on the day.
    await Workshop.filter(id=desk.workshop.id).update(registration_mode=RegistrationMode.OPEN_DOOR)
    session = desk.sessions[0]
    clock.set(session.starts_at - timedelta(minutes=5))
    live = await registry.session((await registry.run_of(session)).id)
    plan = await desk.plan()
    for number, registration in enumerate(people, start=1):
        person, _token = await desk.registrations.enter(registration, plan, live, browser=f"b{number}",
                                                        network_address=f"203.0.113.{number}")
        await live.page_connected(person.id, f"page-{number}")
        clock.advance(seconds=1)
    passerby, _token = await live.join("Passant")
    await live.page_connected(passerby.id, "page-passant")
    with pytest.raises(NotAllowed):
        await live.choose_room(passerby.id, circulation)  # the registrations decide, not a choice on the day

    await to_the_breakout(live)
    await live.open_rooms()
    assert names_in(live, circulation) == {"Personne 1", "Personne 2", "Personne 3"}
    # Commerces: person 6's only wish, person 5's second; then person 8 (no answer) on a tie with Espaces verts.
    assert names_in(live, commerces) == {"Personne 5", "Personne 6", "Personne 8"}
    # Person 4 wished for a full room only: the emptiest with space, then those without answers.
    assert names_in(live, rooms[GREEN]) == {"Personne 4", "Personne 7", "Passant"}

    first = {room_id: names_in(live, room_id) for room_id in rooms.values()}
    await live.close_rooms()
    await live.open_rooms()  # afresh: the same wishes give the same rooms
    assert {room_id: names_in(live, room_id) for room_id in rooms.values()} == first
    restarted = LiveRegistry(clock)
    try:
        await restarted.start()
        again = await restarted.session(live.run.id)
        assert {room_id: names_in(again, room_id) for room_id in rooms.values()} == first
    finally:
        await restarted.close()


def room(room_id: int, capacity: int | None = None) -> Room:
    return Room(id=room_id, workshop_id=1, kind=RoomKind.BREAKOUT, position=room_id, name=f"Salle {room_id}",
                capacity=capacity)


def person(person_id: int, room_id: int | None = None) -> Person:
    return Person(id=person_id, name=f"P{person_id}", joined_at=datetime(2026, 12, 10, 17, 0, person_id, tzinfo=UTC),
                  room_id=room_id)


def test_a_room_of_its_own_capacity_takes_that_many_and_removed_rooms_are_no_wish() -> None:
    rooms = [room(1, capacity=1), room(2), room(3)]
    people = [person(number) for number in range(1, 6)]
    wishes = {1: [1], 2: [1, 2], 3: [99, 1], 4: [3], 5: [3]}
    placed = dict(from_wishes(people, rooms, wishes, keep_groups=False))
    # Room 1 takes one: person 1 (one wish, joined first); rooms 2 and 3 a share of two (5 people, 3 rooms).
    # Person 2 gets their second choice; person 3 (room 99 was removed) the room with space left.
    assert placed == {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}


def test_kept_groups_stay_and_wishes_place_the_others() -> None:
    rooms = [room(1), room(2)]
    people = [person(1, room_id=2), person(2, room_id=2), person(3), person(4)]
    wishes = {1: [1], 3: [2], 4: [2]}
    assert dict(from_wishes(people, rooms, wishes, keep_groups=True)) == {1: 2, 2: 2, 3: 1, 4: 1}
    assert dict(from_wishes(people, rooms, wishes, keep_groups=False)) == {1: 1, 2: 1, 3: 2, 4: 2}
