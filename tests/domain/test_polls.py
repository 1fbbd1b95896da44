"""Polls (domain/activities/polls.py) on a real SQLite database: several voters at once, changing a vote, voting
after closing or from another room, what a secret poll stores, and a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from domain import workshops
from domain.activities import polls
from domain.activities.polls import Poll, cast_ballot, close_poll, open_poll, open_step_poll, polls_of
from domain.errors import InvalidValue, NotAllowed
from domain.live.events import Aspect
from domain.live.session import LiveSession
from domain.models import PollTally, RunEvent, Step
from tests.domain.conftest import Setup

PREPARED = {"kind": "poll", "question": "Quel parc aménager en premier ?",
            "choices": ["Parc des Berges", "Square Voltaire", "Jardin du Moulin"],
            "multiple": False, "secret": False, "results_live": False}


async def prepare(setup: Setup, **changes: Any) -> Step:
    step = setup.live.steps[0]
    await workshops.update_step(step, "activity", {**PREPARED, **changes})
    return step


def the_poll(live: LiveSession, poll_id: int = 1) -> Poll:
    return polls_of(live.state).polls[poll_id]


async def test_a_prepared_poll_opens_counts_everyone_voting_at_once_and_closes(setup: Setup) -> None:
    live = setup.live
    await prepare(setup)
    ids = await setup.people(*(f"Personne {n}" for n in range(12)))
    with pytest.raises(NotAllowed):
        await open_step_poll(live)  # the workshop has not started
    await live.start()
    await open_step_poll(live)
    with pytest.raises(NotAllowed, match="already"):
        await open_step_poll(live)
    await asyncio.gather(*(cast_ballot(live, pid, 1, [n % 3]) for n, pid in enumerate(ids)))
    poll = the_poll(live)
    assert (poll.counts, poll.voter_count, poll.results_shown) == ([4, 4, 4], 12, False)
    await close_poll(live, 1)
    assert poll.results_shown and not poll.open
    with pytest.raises(NotAllowed, match="closed"):
        await cast_ballot(live, ids[0], 1, [0])
    with pytest.raises(NotAllowed, match="closed already"):
        await close_poll(live, 1)
    assert poll.counts == [4, 4, 4]
    heard = await setup.heard()
    assert any(Aspect.ACTIVITIES in event.aspects for event in heard)


async def test_an_open_ballot_can_change_while_the_poll_is_open_and_counts_once(setup: Setup) -> None:
    live = setup.live
    await prepare(setup, multiple=True)
    amina, bob = await setup.people("Amina", "Bob")
    await live.start()
    await open_step_poll(live)
    await cast_ballot(live, amina, 1, [0, 2])
    await cast_ballot(live, amina, 1, [0, 2])  # the same again: nothing new
    await cast_ballot(live, bob, 1, [2])
    await cast_ballot(live, amina, 1, [1])  # changed her mind
    assert (the_poll(live).counts, the_poll(live).voter_count) == ([0, 1, 1], 2)
    assert await RunEvent.filter(run_id=live.run.id, kind="BallotCast").count() == 3
    for wrong in ([], [3], [-1]):
        with pytest.raises(InvalidValue):
            await cast_ballot(live, bob, 1, wrong)


async def test_single_choice_refuses_two_answers(setup: Setup) -> None:
    live = setup.live
    await prepare(setup)
    (amina,) = await setup.people("Amina")
    await live.start()
    await open_step_poll(live)
    with pytest.raises(InvalidValue, match="one answer"):
        await cast_ballot(live, amina, 1, [0, 1])


async def test_a_poll_is_checked_before_it_opens(setup: Setup) -> None:
    live = setup.live
    await prepare(setup, question="  ", choices=["Oui", ""])
    await live.start()
    with pytest.raises(InvalidValue, match="question"):
        await open_step_poll(live)
    with pytest.raises(InvalidValue, match="2 to 10"):
        await open_poll(live, question="Oui ?", choices=["Oui", " "])
    with pytest.raises(InvalidValue, match="same"):
        await open_poll(live, question="Oui ?", choices=["Oui", "oui ", "Oui"])
    with pytest.raises(InvalidValue):
        await workshops.update_step(live.steps[0], "activity", {**PREPARED, "choices": ["x"] * 11})


async def test_a_live_poll_at_a_step_without_one_and_votes_only_at_its_step(setup: Setup) -> None:
    live = setup.live
    (amina,) = await setup.people("Amina")
    await live.start()
    await open_poll(live, question="On fait une pause ?", choices=["Oui", "Non"], results_live=True)
    poll = the_poll(live)
    assert not poll.prepared and poll.results_shown  # live results: shown while open
    await cast_ballot(live, amina, 1, [0])
    await live.next_step(live.state.step_id)
    with pytest.raises(NotAllowed, match="not at this step"):
        await cast_ballot(live, amina, 1, [1])
    assert polls_of(live.state).at_step(live.state.step_id) == []


async def test_a_room_poll_refuses_who_is_in_another_room(setup: Setup) -> None:
    live = setup.live
    ids = await setup.people("Amina", "Bob", "Chloé", "David")
    await live.start()
    first, second = live.plan.breakout_rooms
    with pytest.raises(NotAllowed, match="room is not open"):
        await open_poll(live, question="Rapporteur·e ?", choices=["Amina", "Bob"], room_id=first.id)
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    await open_poll(live, question="Rapporteur·e ?", choices=["Amina", "Bob"], room_id=first.id)
    inside = [pid for pid in ids if live.state.room_of(pid) == first.id]
    outside = [pid for pid in ids if live.state.room_of(pid) == second.id]
    await cast_ballot(live, inside[0], 1, [1])
    with pytest.raises(NotAllowed, match="another room"):
        await cast_ballot(live, outside[0], 1, [1])
    assert the_poll(live).counts == [0, 1]
    changes = [change for change in setup.changes if any(isinstance(e, polls.PollOpened) for e in change.events)]
    await live.announcements.settled()
    assert changes[-1].audience.rooms == {first.id} and not changes[-1].audience.everyone


async def test_a_secret_poll_stores_no_link_from_voter_to_answer(setup: Setup, tmp_path: Path) -> None:
    live = setup.live
    await prepare(setup, secret=True, results_live=True)
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.start()
    await open_step_poll(live)
    poll = the_poll(live)
    assert not poll.results_live  # a secret poll never shows its counts while open
    await cast_ballot(live, amina, 1, [0])
    await cast_ballot(live, bob, 1, [1])
    with pytest.raises(NotAllowed, match="secret"):
        await cast_ballot(live, bob, 1, [2])
    await cast_ballot(live, chloe, 1, [1])
    assert (poll.counts, poll.voter_count, poll.results_shown) == ([1, 2, 0], 3, False)
    await close_poll(live, 1)
    assert poll.results_shown

    # The rows: who voted, without answers; the counts, without voters, times or order.
    ballots = await RunEvent.filter(run_id=live.run.id, kind="SecretBallotCast").order_by("sequence")
    assert [event.data["participant_id"] for event in ballots] == [amina, bob, chloe]
    assert all(set(event.data) == {"step_id", "room_id", "poll_id", "participant_id"} for event in ballots)
    for event in await RunEvent.filter(run_id=live.run.id):
        assert "choices" not in event.data or event.kind == "PollOpened"
    tallies = await PollTally.filter(run_id=live.run.id).values()
    assert [(tally["poll"], tally["counts"]) for tally in tallies] == [(1, [1, 2, 0])]
    # The file: the counts as they were after one and two ballots are gone, from the journal as from the pages.
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("atelier.sqlite3*"))
    assert b"[1,2,0]" in stored
    assert b"[1,0,0]" not in stored and b"[1,1,0]" not in stored
    wal = tmp_path / "atelier.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    secure = await RunEvent._meta.db.execute_query_dict("PRAGMA secure_delete")
    assert list(secure[0].values()) == [1]


async def test_polls_come_back_after_a_restart_with_their_secret_counts(setup: Setup) -> None:
    live = setup.live
    await prepare(setup, secret=True)
    amina, bob = await setup.people("Amina", "Bob")
    await live.start()
    await open_step_poll(live)
    await cast_ballot(live, amina, 1, [2])
    await open_poll(live, question="Et ensuite ?", choices=["Oui", "Non"], multiple=True)
    await cast_ballot(live, bob, 2, [0, 1])
    await close_poll(live, 2)

    again = await setup.restart()
    secret, open_one = the_poll(again, 1), the_poll(again, 2)
    assert (secret.open, secret.voters, secret.counts) == (True, {amina}, [0, 0, 1])
    assert (open_one.open, open_one.ballots, open_one.counts) == (False, {bob: (0, 1)}, [1, 1])
    with pytest.raises(NotAllowed, match="secret"):
        await cast_ballot(again, amina, 1, [0])  # still one ballot each after the restart
    await cast_ballot(again, bob, 1, [0])
    assert secret.counts == [1, 0, 1]


async def test_a_live_polls_ballots_reach_the_stages_at_most_once_a_tick(setup: Setup) -> None:
    """With results shown as votes come in, a ballot reaches its voter's pages (and the boards) at once; the
    other stages get the counts from the time-keeping's next tick, all the ballots since in one event."""
    live = setup.live
    await prepare(setup, results_live=True)
    ids = await setup.people("Amina", "Bob", "Chloé")
    await live.start()
    await open_step_poll(live)
    await setup.heard()
    setup.changes.clear()
    await asyncio.gather(*(cast_ballot(live, pid, 1, [0]) for pid in ids))
    await setup.heard()
    ballots = [change for change in setup.changes if isinstance(change.events[0], polls.BallotCast)]
    assert [change.audience.participants for change in ballots] == [frozenset({pid}) for pid in ids]
    assert not any(change.audience.everyone for change in setup.changes)
    assert the_poll(live).counts_on_stage == [0, 0, 0]
    setup.changes.clear()
    await live.on_time()
    await live.on_time()  # nothing moved since: nothing sent
    shown = [event for event in await setup.heard() if isinstance(event, polls.LiveCountsShown)]
    assert [(event.counts, change.audience.everyone) for change in setup.changes for event in change.events] \
        == [((3, 0, 0), True)]
    assert len(shown) == 1 and the_poll(live).counts_on_stage == [3, 0, 0]
    assert not await RunEvent.filter(run_id=live.run.id, kind="LiveCountsShown").exists()
