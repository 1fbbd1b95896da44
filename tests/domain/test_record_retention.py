"""Personal data of live runs erased when its days are over, or on request; what people did stays, anonymised."""

from __future__ import annotations

from datetime import timedelta

from domain import database, retention
from domain.clock import FakeClock
from domain.live.erasure import ParticipantErased, stand_in
from domain.live.registry import LiveRegistry
from domain.models import FeedbackAnswer, Participant
from domain.record.loading import session_record
from tests.domain.conftest import Setup, make_workshop
from tests.record_session import NAMES, run_script


async def test_the_server_erases_participants_personal_data_once_its_days_are_over(setup: Setup) -> None:
    script = await run_script(setup.live, setup.clock, setup.workshop)
    setup.workshop.personal_data_kept_days = 30
    await setup.workshop.save()
    ends = setup.session.starts_at + timedelta(minutes=setup.workshop.duration_minutes)
    kept = timedelta(days=30)
    assert await retention.erase_expired_participants(ends + kept - timedelta(minutes=1), setup.registry) == {}
    assert await Participant.filter(display_name="Amina").count() == 1

    setup.clock.set(ends + kept)
    assert await retention.erase_expired_participants(setup.clock.now(), setup.registry) == {
        setup.workshop.id: len(NAMES)}
    rows = await Participant.filter(run_id=setup.live.run.id).values("display_name", "email", "arrival_answer",
                                                                     "browser_hash")
    assert rows == [{"display_name": "", "email": None, "arrival_answer": "", "browser_hash": None}] * len(NAMES)
    # The run held in memory shows the stand-ins at once; after a restart the history reads the same.
    amina = script.ids["Amina"]
    assert setup.live.state.people[amina].name == stand_in(amina)
    again = await setup.restart()
    assert {person.name for person in again.state.people.values()} == {stand_in(i) for i in script.ids.values()}
    # What people did stays: turns, rooms, feedback.
    record = await session_record(setup.live.run, setup.clock, language="en", with_personal=True)
    assert [row["name"] for row in record.table("attendance").dicts()] == [""] * len(NAMES)
    assert [row["participant"] for row in record.table("speaking_turns").dicts()] == [
        stand_in(amina), stand_in(script.ids[NAMES[2]])]
    assert len(record.table("rooms").rows) == len(NAMES)
    assert await FeedbackAnswer.filter(session_id=setup.session.id).count() == 2
    assert await retention.erase_expired_participants(setup.clock.now(), setup.registry) == {}  # nothing twice


async def test_one_participant_erased_on_request_while_the_session_runs(setup: Setup) -> None:
    amina, bob = await setup.people("Amina", "Bob")
    await setup.live.answer_arrival_question(amina, "Ma rue")
    await setup.live.open_doors()
    await setup.live.start()
    await setup.live.give_floor(amina)
    await retention.erase_participant(amina, setup.registry)
    people = setup.live.state.people
    assert (people[amina].name, people[amina].arrival_answer) == (stand_in(amina), "")
    assert people[bob].name == "Bob" and people[amina].turns == 1
    assert any(isinstance(event, ParticipantErased) for event in await setup.heard())
    row = await Participant.get(id=amina)
    assert (row.display_name, row.arrival_answer) == ("", "")
    await setup.live.take_floor_back()  # she goes on taking part, under her stand-in
    record = await session_record(setup.live.run, setup.clock, language="en", with_personal=True)
    assert [row["name"] for row in record.table("attendance").dicts()] == ["", "Bob"]


async def test_erasing_from_a_run_that_is_over_and_not_in_memory_leaves_it_so(setup: Setup) -> None:
    amina, bob = await setup.people("Amina", "Bob")
    await setup.live.open_doors()
    await setup.live.end()
    later = LiveRegistry(setup.clock)  # after a restart: ended runs are not brought back
    setup.others.append(later)
    await retention.erase_participant(bob, later)
    assert later.in_memory(setup.live.run.id) is None
    assert await Participant.filter(id=bob, display_name="").exists()
    assert (await later.session(setup.live.run.id)).state.people[bob].name == stand_in(bob)
    assert (await later.session(setup.live.run.id)).state.people[amina].name == "Amina"


async def test_retention_and_the_record_on_postgresql(postgres_url: str, clock: FakeClock) -> None:
    await database.open_database(postgres_url)
    registry = LiveRegistry(clock)
    try:
        workshop, session = await make_workshop()
        live = await registry.session((await registry.run_of(session)).id)
        script = await run_script(live, clock, workshop)
        record = await session_record(live.run, clock, language="fr", with_personal=True)
        assert {row["name"] for row in record.table("attendance").dicts()} == set(NAMES)
        ends = session.starts_at + timedelta(minutes=workshop.duration_minutes)
        later = ends + timedelta(days=workshop.personal_data_kept_days)
        assert await retention.erase_expired_participants(later, registry) == {workshop.id: len(NAMES)}
        assert live.state.people[script.ids["Amina"]].name == stand_in(script.ids["Amina"])
        record = await session_record(live.run, clock, language="fr", with_personal=True)
        assert {row["name"] for row in record.table("attendance").dicts()} == {""}
    finally:
        await registry.close()
        await database.close_database()
