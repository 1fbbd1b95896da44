"""The live engine under faults: failed writes, a failing run's time-keeping, races, damaged histories.

Faults are real: the database itself refuses writes (an SQLite trigger), stored rows are damaged
by hand. Nothing of Atelier's own is replaced.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from tortoise import Tortoise

from domain.errors import HistoryUnreadable, NotSaved
from domain.live.events import RoomsClosed
from domain.live.registry import LiveRegistry
from domain.live.state import Member, MemberKind
from domain.models import LiveRun, Participant, RunEvent, RunPhase
from domain.timekeeper import TimeKeeper
from tests.domain.conftest import Setup, make_workshop


async def refuse_writes(kind: str, run_id: int | None = None) -> None:
    """Make the database refuse to store events of this kind (of this run only, if given)."""
    condition = f"NEW.kind = '{kind}'" + (f" AND NEW.run_id = {run_id}" if run_id is not None else "")
    await Tortoise.get_connection("sqlite").execute_script(
        f"CREATE TRIGGER refuse_{kind} BEFORE INSERT ON run_event WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, 'disk full'); END")


async def accept_writes(kind: str) -> None:
    await Tortoise.get_connection("sqlite").execute_script(f"DROP TRIGGER refuse_{kind}")


async def stored_kinds(run_id: int) -> list[str]:
    return list(await RunEvent.filter(run_id=run_id).order_by("sequence").values_list("kind", flat=True))


async def test_a_write_that_fails_mid_command_changes_nothing_and_the_next_command_works(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    live = setup.live
    await setup.people("Amina")
    await refuse_writes("StepStarted")  # "start" stores two events: the second one fails
    with pytest.raises(NotSaved, match="nothing changed"):
        await live.start()
    assert live.state.phase == RunPhase.BACKSTAGE and live.state.step_id is None  # memory as before
    assert (await LiveRun.get(id=live.run.id)).phase == RunPhase.BACKSTAGE  # and the database too
    assert "WorkshopStarted" not in await stored_kinds(live.run.id)
    assert "a write failed" in caplog.text
    await accept_writes("StepStarted")

    await live.start()  # the next command works, numbered right after what is stored
    await live.extend(5)
    sequences = list(await RunEvent.filter(run_id=live.run.id).order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    restored = await setup.restart()  # and after a restart too
    assert restored.state.phase == RunPhase.RUNNING and restored.state.countdown == live.state.countdown
    await restored.next_step(restored.state.step_id)
    assert restored.step_index == 1


async def test_a_join_that_cannot_be_stored_leaves_no_participant_behind(setup: Setup) -> None:
    await refuse_writes("ParticipantJoined")
    with pytest.raises(NotSaved):
        await setup.live.join("Amina", arrival_answer="Je passe par là.")
    assert await Participant.filter(run_id=setup.live.run.id).count() == 0  # the row and its events go together
    assert setup.live.state.people == {}
    await accept_writes("ParticipantJoined")
    person, token = await setup.live.join("Amina")
    assert setup.live.person_for_token(token) is person


async def open_rooms_with_people(setup: Setup) -> None:
    live = setup.live
    await setup.people("Amina", "Bruno")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()


async def test_one_run_failing_its_time_keeping_does_not_stop_the_others(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    _other_workshop, other_session = await make_workshop()
    other = await setup.registry.session((await setup.registry.run_of(other_session)).id)
    for live in (setup.live, other):
        await setup.people("Amina", "Bruno", live=live)
        await live.start()
        await live.next_step(live.state.step_id)
        await live.open_rooms()
    await refuse_writes("RoomsClosed", run_id=setup.live.run.id)  # this run cannot close its rooms
    setup.clock.advance(minutes=30)
    keeper = TimeKeeper()
    keeper.add("live runs", setup.registry.keep_time)
    with caplog.at_level(logging.ERROR):
        await keeper.tick()
    assert not other.state.rooms_open  # the other run kept time
    assert setup.live.state.rooms_open
    assert f"time-keeping of run {setup.live.run.id} failed" in caplog.text
    await accept_writes("RoomsClosed")
    await keeper.tick()  # and the failing one catches up at the next tick
    assert not setup.live.state.rooms_open


async def test_a_failing_duty_does_not_stop_the_time_keeper(caplog: pytest.LogCaptureFixture) -> None:
    ticks: list[str] = []

    async def failing() -> None:
        ticks.append("failing")
        raise RuntimeError("broken")

    async def working() -> None:
        ticks.append("working")

    keeper = TimeKeeper(interval=0.01)
    keeper.add("failing", failing)
    keeper.add("working", working)
    keeper.start()
    while ticks.count("working") < 3:  # it keeps ticking though one duty fails every time
        await asyncio.sleep(0.01)
    await keeper.stop()  # cancelled and awaited: nothing of it runs any more
    assert not keeper.running
    assert "time-keeping duty 'failing' failed" in caplog.text


async def test_extending_the_countdown_as_it_ends_keeps_the_rooms_open(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    await open_rooms_with_people(setup)
    clock.set(live.state.countdown.ends_at)  # time is up this very moment
    # The moderator's "+5 min" takes the lock first; the time-keeper, seeing time up, waits for it.
    await asyncio.gather(live.extend(5), live.on_time())
    assert live.state.rooms_open  # decided under the lock against the extended countdown
    assert live.state.countdown.remaining(clock.now()) == timedelta(minutes=5)
    assert not any(isinstance(event, RoomsClosed) for event in await setup.heard())


async def test_two_first_visitors_at_the_same_moment_make_one_real_run(setup: Setup) -> None:
    _workshop, session = await make_workshop()
    other_registry = LiveRegistry(setup.clock)  # another page handler, as if in another worker
    runs = await asyncio.gather(setup.registry.run_of(session), other_registry.run_of(session),
                                setup.registry.run_of(session))
    assert len({run.id for run in runs}) == 1
    assert await LiveRun.filter(session_id=session.id, rehearsal=False).count() == 1
    rehearsal = await setup.registry.run_of(session, rehearsal=True)  # rehearsals are apart
    assert rehearsal.id != runs[0].id and rehearsal.real_session_id is None


async def test_a_run_whose_history_cannot_be_read_is_reported_and_the_others_start(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    await setup.people("Amina")
    await setup.live.open_doors()
    _workshop, other_session = await make_workshop()
    healthy = await setup.registry.session((await setup.registry.run_of(other_session)).id)
    await healthy.open_doors()
    await RunEvent.filter(run_id=setup.live.run.id, kind="DoorsOpened").update(kind="DoorsOpenedTwice")

    registry = LiveRegistry(setup.clock)
    setup.others.append(registry)
    assert await registry.start() == 1  # the healthy run came back; the server starts
    assert (await registry.session(healthy.run.id)).state.phase == RunPhase.OPEN
    with pytest.raises(HistoryUnreadable) as refused:
        await registry.session(setup.live.run.id)
    assert "DoorsOpenedTwice" in refused.value.params["reason"]
    assert "unknown event kind" in (registry.unreadable(setup.live.run.id) or "")
    assert f"run {setup.live.run.id}" in caplog.text and "cannot be read" in caplog.text


async def test_a_history_with_damaged_data_is_unreadable_too(setup: Setup) -> None:
    [amina] = await setup.people("Amina")
    await setup.live.open_doors()
    await setup.live.raise_hand(amina)
    await RunEvent.filter(run_id=setup.live.run.id, kind="HandRaised").update(data={"participant_id": "nobody"})
    registry = LiveRegistry(setup.clock)
    setup.others.append(registry)
    assert await registry.start() == 0
    assert "HandRaised" in (registry.unreadable(setup.live.run.id) or "")


async def test_choices_of_cameras_and_microphones_survive_a_restart(setup: Setup) -> None:
    live = setup.live
    [amina] = await setup.people("Amina")
    await live.open_doors()
    await live.set_camera(Member(MemberKind.PARTICIPANT, amina), on=False)
    await live.set_sound_only(Member(MemberKind.STAFF, 7), on=True)
    await live.set_staff_microphone(7, on=False)
    restored = (await setup.restart()).state
    assert restored.cameras_off == {Member(MemberKind.PARTICIPANT, amina)}
    assert restored.sound_only == {Member(MemberKind.STAFF, 7)}
    assert restored.staff_muted == {7}
