"""What a run announces, to whom, and how: after the commit, outside the lock, in order, in batches.

Also: the plan the session runs, edited live in the wizard.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from domain import workshops
from domain.live.announcing import Announcer, Change
from domain.live.events import EVERYONE, Audience, HandRaised, ParticipantPlaced, PlanChanged
from domain.models import RunPhase, Step
from tests.domain.conftest import Setup, make_workshop


async def test_a_hand_reaches_its_owner_and_those_whose_place_it_moves(setup: Setup) -> None:
    live = setup.live
    amina, bruno, chloe = await setup.people("Amina", "Bruno", "Chloé")
    await live.start()
    await live.announcements.settled()
    setup.changes.clear()
    for person in (amina, bruno, chloe):
        await live.raise_hand(person)
    await live.announcements.settled()
    raised = [change.audience for change in setup.changes]
    assert raised == [Audience(participants=frozenset({person})) for person in (amina, bruno, chloe)]
    setup.changes.clear()
    setup.clock.advance(seconds=1)  # a hand changes at most once a second (domain/live/hands.py)
    await live.lower_hand(amina)  # Bruno and Chloé move up: they are told their new place
    await live.announcements.settled()
    assert setup.changes[-1].audience == Audience(participants=frozenset({amina, bruno, chloe}))
    setup.changes.clear()
    await live.next_step(live.state.step_id)  # a step is for everyone
    await live.announcements.settled()
    assert setup.changes[-1].audience == EVERYONE


async def test_in_least_spoken_order_a_new_hand_tells_those_it_passes(setup: Setup) -> None:
    live = setup.live
    amina, bruno, chloe = await setup.people("Amina", "Bruno", "Chloé")
    await live.start()
    await live.give_floor(amina)
    await live.take_floor_back()
    await live.order_hands(least_spoken_first=True)
    await live.raise_hand(amina)
    await live.raise_hand(bruno)  # has not spoken: goes before Amina, who is told
    await live.announcements.settled()
    assert setup.changes[-1].audience.participants == {amina, bruno}
    assert live.state.queue_position(bruno) == 1 and live.state.queue_position(chloe) is None


async def test_an_arrival_in_the_plenary_reaches_nobody_else_and_in_a_room_that_room(setup: Setup) -> None:
    live = setup.live
    await setup.people("Amina", "Bruno")
    await live.announcements.settled()
    setup.changes.clear()
    [chloe] = await setup.people("Chloé")
    await live.announcements.settled()
    assert all(not change.audience.everyone and change.audience.participants <= {chloe}
               for change in setup.changes)
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    setup.changes.clear()
    [david] = await setup.people("David")  # a late joiner is placed in a room: that room hears of them
    await live.announcements.settled()
    placed = next(event for change in setup.changes for event in change.events if isinstance(event, ParticipantPlaced))
    assert live.state.room_of(david) == placed.room_id
    assert placed.room_id in setup.changes[-1].audience.rooms


async def test_a_listener_that_fails_does_not_fail_the_command_nor_deafen_the_others(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    def failing(batch: Sequence[Change]) -> None:
        raise RuntimeError("a page in trouble")

    setup.live.announcements.subscribe(failing)
    setup.listen(setup.live)  # subscribed after the failing one
    await setup.live.open_doors()  # committed, and says so
    assert setup.live.state.phase == RunPhase.OPEN
    assert any(type(event).__name__ == "DoorsOpened" for event in await setup.heard())
    assert "a listener of run" in caplog.text


async def test_the_announcer_gives_a_burst_to_each_listener_at_once_and_in_order() -> None:
    announcer = Announcer("test")
    batches: list[list[int]] = []
    announcer.subscribe(lambda batch: batches.append([change.events[0].participant_id for change in batch]))
    at = datetime(2026, 11, 25, tzinfo=UTC)
    for person in range(1, 6):  # five commands committed within one turn of the event loop
        announcer.announce(Change((HandRaised(at=at, participant_id=person),), EVERYONE))
    await announcer.settled()
    assert batches == [[1, 2, 3, 4, 5]]
    announcer.announce(Change((HandRaised(at=at, participant_id=6),), EVERYONE))
    await announcer.settled()
    assert batches[-1] == [6]
    await announcer.close()


async def test_commands_return_before_the_pages_hear(setup: Setup) -> None:
    """The lock is released and the command answered before any listener runs."""
    heard_while_locked: list[bool] = []
    setup.live.announcements.subscribe(lambda batch: heard_while_locked.append(setup.live._lock.locked()))
    await setup.live.open_doors()
    assert heard_while_locked == []  # nobody heard yet: announcing comes after
    await setup.live.announcements.settled()
    assert heard_while_locked == [False]


# ------------------------------------------------------------------ the plan, edited live

async def test_a_room_added_during_the_session_is_part_of_it_at_once(setup: Setup) -> None:
    live = setup.live
    await setup.people("Amina", "Bruno", "Chloé")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    room = await workshops.add_breakout_room(setup.workshop, "Salle des familles")  # the wizard's edit
    assert room.id in {r.id for r in live.plan.breakout_rooms}
    assert isinstance((await setup.heard())[-1], PlanChanged) and setup.changes[-1].audience == EVERYONE
    [chloe] = [p.id for p in live.state.active_people() if p.name == "Chloé"]
    await live.move(chloe, room.id)
    assert live.state.room_of(chloe) == room.id


async def test_a_room_removed_while_open_sends_its_people_to_the_others(setup: Setup) -> None:
    live = setup.live
    people = await setup.people("Amina", "Bruno", "Chloé", "David")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    first, second = live.plan.breakout_rooms
    await workshops.delete_room(first)
    assert all(live.state.room_of(person) == second.id for person in people)
    assert all(live.state.heard(person) for person in people)
    await workshops.delete_room(second)  # no room left: everyone is back in the plenary
    assert not live.state.rooms_open


async def test_steps_edited_removed_or_added_live_change_what_runs_next(setup: Setup) -> None:
    live = setup.live
    await live.start()
    welcome = live.current_step
    await workshops.update_step(welcome, "title", "Bienvenue à toutes et tous")
    assert live.current_step.title == "Bienvenue à toutes et tous"
    added = await workshops.add_step(setup.workshop)
    assert live.steps[-1].id == added.id
    await workshops.delete_step(await Step.get(id=welcome.id))  # the running step leaves the agenda...
    assert live.current_step.title == "Bienvenue à toutes et tous" and live.current_step_removed
    assert live.previous_step_before is None and live.next_step_after.id == live.steps[0].id
    await live.next_step(welcome.id)  # ...and runs until the moderators move on
    assert live.step_index == 0 and not live.current_step_removed


async def test_edits_of_one_workshop_leave_the_other_runs_alone(setup: Setup) -> None:
    other_workshop, _session = await make_workshop()
    await workshops.update_workshop(other_workshop, "title", "Autre atelier")
    assert not any(isinstance(event, PlanChanged) for event in await setup.heard())
    assert setup.live.plan.workshop.title == "Budget participatif"
