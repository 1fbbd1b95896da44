"""The live runtime against a real SQLite database: every command, its invalid uses, the clock, a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain import workshops
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.live.events import Aspect, RoomsClosed
from domain.live.session import Presence
from domain.live.state import NoticeAudience
from domain.models import LiveRun, RoomAssignment, RunEvent, RunPhase, StepKind, WorkshopSession
from tests.domain.conftest import Setup


async def test_the_workshop_runs_from_backstage_to_the_end(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    assert live.state.phase == RunPhase.BACKSTAGE
    await live.open_doors()
    with pytest.raises(NotAllowed):
        await live.open_doors()
    await live.start()
    assert (live.state.phase, live.step_index, live.current_step.title) == (RunPhase.RUNNING, 0, "Accueil")
    first, breakout, last = (step.id for step in live.steps)
    assert live.state.countdown.remaining(clock.now()) == timedelta(minutes=10)
    clock.advance(minutes=12)
    await live.next_step(first)
    assert live.current_step.kind == StepKind.BREAKOUT
    await live.next_step(breakout)
    with pytest.raises(NotAllowed, match="last step"):
        await live.next_step(last)
    await live.previous_step(last)
    await live.jump_to(first, breakout)
    with pytest.raises(NotAllowed):
        await live.jump_to(7777, first)
    await live.end()
    assert live.state.phase == RunPhase.ENDED and live.state.countdown is None
    with pytest.raises(NotAllowed):
        await live.end()
    assert (await LiveRun.get(id=live.run.id)).phase == RunPhase.ENDED
    visits = [(visit.step_id, visit.duration(clock.now())) for visit in live.state.visits]
    assert visits[0] == (first, timedelta(minutes=12))  # planned 10, actually 12
    assert [step_id for step_id, _ in visits] == [first, breakout, last, breakout, first]
    assert live.state.time_on_step(first, clock.now()) == timedelta(minutes=12)


async def test_two_moderators_moving_on_together_move_one_step(setup: Setup) -> None:
    await setup.live.start()
    first = setup.live.state.step_id
    results = await asyncio.gather(setup.live.next_step(first), setup.live.next_step(first),
                                   return_exceptions=True)
    assert setup.live.step_index == 1
    assert sum(isinstance(result, NotAllowed) for result in results) == 1


async def test_the_countdown_pauses_resumes_and_extends_on_a_fake_clock(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    with pytest.raises(NotAllowed):
        await live.pause()  # nothing runs yet
    await live.start()
    clock.advance(minutes=3)
    await live.pause()
    with pytest.raises(NotAllowed):
        await live.pause()
    clock.advance(minutes=30)  # paused: no time passes for the step
    assert live.state.countdown.remaining(clock.now()) == timedelta(minutes=7)
    await live.extend(5)
    await live.resume()
    with pytest.raises(NotAllowed):
        await live.resume()
    clock.advance(minutes=2)
    assert live.state.countdown.remaining(clock.now()) == timedelta(minutes=10)
    await live.extend(1)
    clock.advance(minutes=15)
    assert live.state.countdown.remaining(clock.now()) == timedelta(minutes=-4)  # overtime
    with pytest.raises(InvalidValue):
        await live.extend(0)
    countdown_events = [e for e in await setup.heard() if Aspect.COUNTDOWN in e.aspects]
    assert len(countdown_events) == 5  # start, pause, +5, resume, +1: nothing per second


async def test_joining_needs_a_name_and_the_email_when_asked(setup: Setup) -> None:
    with pytest.raises(InvalidValue):
        await setup.live.join("   ")
    person, token = await setup.live.join("  Amina   Diallo ", arrival_answer="Mes enfants jouent sur la place.")
    assert person.name == "Amina Diallo" and person.arrival_answer == "Mes enfants jouent sur la place."
    assert setup.live.person_for_token(token).id == person.id
    assert setup.live.person_for_token("forged") is None
    setup.live.plan.workshop.ask_email = True
    with pytest.raises(InvalidValue) as refused:
        await setup.live.join("Bob")
    assert refused.value.field == "email"
    await setup.live.end()
    with pytest.raises(NotAllowed):
        await setup.live.join("Late", email="late@ville.example")


async def test_presence_follows_the_pages(setup: Setup) -> None:
    live = setup.live
    person, _ = await live.join("Amina")
    assert live.presence(person.id) == Presence.GONE and not person.present
    await live.page_connected(person.id, "tab-1")
    assert live.presence(person.id) == Presence.ONLINE and person.present
    await live.page_disconnected(person.id, "tab-1")
    assert live.presence(person.id) == Presence.RECONNECTING
    await live.page_connected(person.id, "tab-2")  # reloaded: a new page
    await live.page_closed(person.id, "tab-1")
    assert live.presence(person.id) == Presence.ONLINE
    await live.page_closed(person.id, "tab-2")
    assert live.presence(person.id) == Presence.GONE and not person.present


async def test_hands_queue_in_order_and_can_favour_those_who_spoke_least(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    with pytest.raises(NotAllowed):
        await live.raise_hand(amina)  # doors still closed
    await live.start()
    await live.give_floor(bob)  # Bob speaks first, for two minutes
    clock.advance(minutes=2)
    await live.take_floor_back()
    with pytest.raises(NotAllowed):
        await live.take_floor_back()
    for person in (bob, amina, chloe):
        await live.raise_hand(person)
        clock.advance(seconds=5)
    with pytest.raises(NotAllowed, match="already raised"):
        await live.raise_hand(amina)
    assert [p.name for p in live.state.hand_queue()] == ["Bob", "Amina", "Chloé"]
    assert live.state.queue_position(chloe) == 3
    await live.order_hands(least_spoken_first=True)  # for the moderators and the places people are told alike
    assert [p.name for p in live.state.hand_queue()] == ["Amina", "Chloé", "Bob"]
    assert live.state.queue_position(chloe) == 2
    await live.order_hands(least_spoken_first=False)
    await live.give_floor(amina)
    assert live.state.floor_holder == amina and live.state.queue_position(amina) is None
    with pytest.raises(NotAllowed):
        await live.raise_hand(amina)  # she has the floor
    clock.advance(seconds=45)
    await live.give_floor(chloe)  # ends Amina's turn
    await live.lower_hand(bob, by_moderator=True)
    with pytest.raises(NotAllowed):
        await live.lower_hand(bob)
    people = live.state.people
    assert (people[amina].turns, people[amina].spoken) == (1, timedelta(seconds=45))
    assert (people[bob].turns, people[bob].spoken) == (1, timedelta(minutes=2))
    clock.advance(seconds=30)
    assert live.state.speaking_time(people[chloe], clock.now()) == timedelta(seconds=30)
    await live.raise_hand(bob)
    await live.lower_all_hands()
    assert live.state.hand_queue() == []


async def test_microphones_are_closed_in_the_plenary_unless_the_floor_or_the_moderators_open_them(
        setup: Setup) -> None:
    live = setup.live
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.start()
    state = live.state
    assert not any(state.heard(p) for p in (amina, bob, chloe))
    with pytest.raises(NotAllowed, match="raise your hand"):
        await live.set_microphone(amina, on=True)
    await live.give_floor(amina)  # given the floor, her microphone goes live
    assert state.heard(amina) and not state.heard(bob)
    await live.mute(amina)
    assert not state.heard(amina)
    with pytest.raises(NotAllowed, match="already off"):
        await live.mute(amina)
    await live.set_microphone(amina, on=True)  # with the floor she may open it again
    assert state.heard(amina)
    await live.take_floor_back()
    assert not state.heard(amina)

    await live.allow_unmuting(True)  # allowed, not opened: nobody is live by surprise
    assert not any(state.heard(p) for p in (amina, bob, chloe))
    [david] = await setup.people("David")  # nor someone arriving meanwhile
    assert not state.heard(david)
    await live.set_microphone(bob, on=True)
    await live.set_microphone(chloe, on=True)
    assert state.heard(bob) and state.heard(chloe)
    await live.give_floor(chloe)
    await live.take_floor_back()  # her turn over, her microphone closes with it
    assert state.heard(bob) and not state.heard(chloe)
    await live.mute_everyone()
    assert not state.heard(bob)
    await live.set_microphone(bob, on=True)
    await live.allow_unmuting(False)  # the plenary's microphones close, and stay closed
    assert not state.heard(bob)
    with pytest.raises(NotAllowed):
        await live.set_microphone(bob, on=True)
    await live.allow_unmuting(True)
    assert not state.heard(bob)

    await live.next_step(live.state.step_id)
    await live.open_rooms()  # a breakout room is a conversation: microphones start open
    assert all(state.heard(p) for p in (amina, bob, chloe, david))
    [emma] = await setup.people("Emma")  # arriving while the rooms are open, she joins a room's conversation
    assert state.room_of(emma) is not None and state.heard(emma)
    await live.mute(bob)
    await live.set_microphone(bob, on=True)  # in a room, one may always speak again
    await live.allow_unmuting(False)  # a plenary matter: the rooms go on talking
    assert all(state.heard(p) for p in (amina, bob, chloe, david, emma))
    await live.close_rooms()
    assert not any(state.heard(p) for p in (amina, bob, chloe, david, emma))

    await live.allow_floor_screen_sharing(True)
    await live.give_floor(amina)
    restored = (await setup.restart()).state
    assert restored.open_microphones == state.open_microphones == {amina}
    assert restored.floor_may_share_screen and not restored.unmuting_allowed
    microphone_events = [type(e).__name__ for e in await setup.heard() if Aspect.MICROPHONES in e.aspects]
    assert microphone_events.count("MicrophoneMuted") == 2 and microphone_events.count("UnmutingAllowed") == 4


async def test_breakout_rooms_open_only_in_a_breakout_step_with_people(setup: Setup) -> None:
    live = setup.live
    await live.start()
    with pytest.raises(NotAllowed, match="breakout step"):
        await live.open_rooms()
    await live.next_step(live.state.step_id)
    with pytest.raises(NotAllowed, match="Nobody"):
        await live.open_rooms()
    ids = await setup.people("Amina", "Bob", "Chloé", "David", "Emma")
    await live.open_rooms()
    with pytest.raises(NotAllowed):
        await live.open_rooms()
    sizes = sorted(len(live.state.members(room.id)) for room in live.plan.breakout_rooms)
    assert sizes == [2, 3]  # balanced
    assert all(live.state.room_of(pid) is not None for pid in ids)
    await live.close_rooms()
    assert all(live.state.room_of(pid) is None for pid in ids)
    groups = {pid: live.state.people[pid].room_id for pid in ids}
    await live.open_rooms(keep_groups=True)
    assert {pid: live.state.people[pid].room_id for pid in ids} == groups


async def test_participants_choose_a_room_within_its_capacity(setup: Setup) -> None:
    live = setup.live
    first, second = live.plan.breakout_rooms
    await workshops.update_room(first, "capacity", 2)
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.choose_room(amina, first.id)
    await live.choose_room(bob, first.id)
    with pytest.raises(NotAllowed, match="full"):
        await live.choose_room(chloe, first.id)
    with pytest.raises(NotFound):
        await live.choose_room(chloe, 999)
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    assert {p.name for p in live.state.members(first.id)} == {"Amina", "Bob"}
    assert [p.name for p in live.state.members(second.id)] == ["Chloé"]
    with pytest.raises(NotAllowed, match="rooms are open"):
        await live.choose_room(chloe, first.id)
    await live.move(chloe, first.id)  # a moderator may move anyone at any time
    assert len(live.state.members(first.id)) == 3


async def test_random_assignment_ignores_choices_and_organiser_mode_keeps_placements(setup: Setup) -> None:
    live = setup.live
    await workshops.update_workshop(live.plan.workshop, "room_assignment", RoomAssignment.BY_ORGANISER.value)
    first, _second = live.plan.breakout_rooms
    ids = await setup.people("Amina", "Bob", "Chloé", "David")
    with pytest.raises(NotAllowed):
        await live.choose_room(ids[0], first.id)
    for pid in ids[:2]:
        await live.move(pid, first.id)
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    assert {p.id for p in live.state.members(first.id)} == set(ids[:2])


async def test_rooms_close_when_their_countdown_ends_and_when_the_step_changes(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    await setup.people("Amina", "Bob")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    clock.advance(minutes=24)
    await setup.registry.keep_time()
    assert live.state.rooms_open  # one minute left: the warning shows in every room
    await live.pause()
    clock.advance(minutes=5)
    await setup.registry.keep_time()
    assert live.state.rooms_open  # paused: time stands still
    await live.resume()
    clock.advance(minutes=1)
    await setup.registry.keep_time()
    assert not live.state.rooms_open
    last_heard = (await setup.heard())[-1]
    assert isinstance(last_heard, RoomsClosed) and last_heard.reason == "time_up"
    await live.open_rooms(keep_groups=True)
    await live.next_step(live.state.step_id)
    assert not live.state.rooms_open


async def test_calling_the_moderator_works_from_a_room(setup: Setup) -> None:
    live = setup.live
    amina, _bob = await setup.people("Amina", "Bob")
    await live.start()
    with pytest.raises(NotAllowed):
        await live.call_moderator(amina)  # in the plenary: just raise a hand
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    await live.call_moderator(amina)
    room_id = live.state.room_of(amina)
    assert live.state.calls[room_id].participant_id == amina
    await live.answer_call(room_id)
    assert live.state.calls == {}


async def test_broadcasts_and_removal(setup: Setup) -> None:
    live = setup.live
    amina, bob = await setup.people("Amina", "Bob")
    with pytest.raises(NotAllowed):
        await live.broadcast("Bonjour")  # not open yet
    await live.open_doors()
    with pytest.raises(InvalidValue):
        await live.broadcast("   ")
    with pytest.raises(NotAllowed):
        await live.broadcast("Plus que 5 minutes", NoticeAudience.ROOMS)  # no room open
    await live.broadcast("Nous commençons dans 2 minutes.")
    assert [n.text for n in live.state.notices] == ["Nous commençons dans 2 minutes."]
    await live.raise_hand(bob)
    await live.remove(bob)
    assert live.state.people[bob].removed and live.state.hand_queue() == []
    with pytest.raises(NotFound):
        await live.raise_hand(bob)
    assert [p.name for p in live.state.active_people()] == ["Amina"]


async def test_a_restart_restores_step_countdown_hands_rooms_and_speaking_times(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.answer_arrival_question(amina, "Je fais mon marché ici.")
    await live.start()
    await live.give_floor(amina)
    clock.advance(minutes=1)
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    await live.pause()
    await live.raise_hand(chloe)
    await live.broadcast("Pensez à désigner un·e rapporteur·e.", NoticeAudience.ROOMS)

    restored = await setup.restart()
    before, after = live.state, restored.state
    assert (after.phase, restored.step_index, after.rooms_open) == (RunPhase.RUNNING, 1, True)
    assert after.countdown == before.countdown and after.countdown.paused
    assert [p.id for p in after.hand_queue()] == [chloe]
    assert {pid: after.people[pid].room_id for pid in (amina, bob, chloe)} == \
        {pid: before.people[pid].room_id for pid in (amina, bob, chloe)}
    assert after.people[amina].spoken == timedelta(minutes=1) and after.people[amina].arrival_answer
    assert after.notices == before.notices
    # The restored session goes on writing after the stored events.
    await restored.resume()
    sequences = await RunEvent.filter(run_id=live.run.id).order_by("sequence").values_list("sequence", flat=True)
    assert sequences == list(range(1, len(sequences) + 1))


async def test_a_rehearsal_counts_for_nothing_and_can_be_reset(setup: Setup) -> None:
    session = await WorkshopSession.get(id=setup.live.run.session_id)  # type: ignore[attr-defined]
    rehearsal_run = await setup.registry.run_of(session, rehearsal=True)
    assert rehearsal_run.id != setup.live.run.id and rehearsal_run.rehearsal
    rehearsal = await setup.registry.session(rehearsal_run.id)
    setup.listen(rehearsal)
    await rehearsal.join("Collègue")
    await rehearsal.start()
    assert (await setup.registry.rehearsal_by_code(rehearsal_run.join_code)).id == rehearsal_run.id
    assert await setup.registry.rehearsal_by_code(setup.live.run.join_code) is None  # the real run is not one
    fresh = await setup.registry.reset_rehearsal(session)
    assert fresh.id != rehearsal_run.id and type(setup.changes[-1].events[-1]).__name__ == "RunReset"
    assert not await LiveRun.filter(id=rehearsal_run.id).exists()
    assert setup.live.state.phase == RunPhase.BACKSTAGE  # the real run never moved
