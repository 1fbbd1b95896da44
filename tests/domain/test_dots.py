"""Dot voting on a real run: ballots in rooms and in the plenary, several people at once, refusals, hidden counts
until revealed, merges, replay."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import pytest

from domain import workshops
from domain.activities import dots, ideas
from domain.activities.dots import DotPlaced, ballot, counts, revealed, source_steps
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.live.session import LiveSession
from domain.models import Step
from tests.domain.conftest import Setup


async def set_activity(setup: Setup, position: int, activity: dict[str, Any] | None) -> int:
    step = await Step.get(id=setup.live.steps[position].id)
    await workshops.update_step(step, "activity", activity)
    return step.id


async def post(live: LiveSession, participant_id: int, text: str) -> int:
    await live.act(partial(ideas.post, participant_id=participant_id, text=text))
    return ideas.ideas_state(live.state).last_id


async def place(live: LiveSession, participant_id: int, idea_id: int, placed: bool = True) -> None:
    await live.act(partial(dots.place, participant_id=participant_id, idea_id=idea_id, placed=placed))


async def reveal(live: LiveSession) -> None:
    await live.act(dots.reveal)


async def to_step(live: LiveSession, position: int) -> None:
    await live.jump_to(live.steps[position].id, live.state.step_id)


async def rooms_with_ideas(setup: Setup) -> tuple[int, list[int], dict[int, list[int]], dict[int, int]]:
    """Four people in two rooms at the breakout step, each posting an idea: the source step's id, the people,
    each room's people and each person's idea."""
    live = setup.live
    source = await set_activity(setup, 1, {"kind": ideas.KIND})
    people = await setup.people("Amina", "Bob", "Chloé", "David")
    await live.start()
    await to_step(live, 1)
    await live.open_rooms()
    rooms: dict[int, list[int]] = {room.id: [] for room in live.plan.breakout_rooms}
    for person in people:
        rooms[live.state.room_of(person)].append(person)  # type: ignore[index]
    idea_of = {person: await post(live, person, f"Idée de {live.state.people[person].name}") for person in people}
    return source, people, rooms, idea_of


async def test_in_rooms_people_dot_their_rooms_ideas_and_nobody_sees_counts_until_revealed(setup: Setup) -> None:
    live = setup.live
    await workshops.add_step(setup.workshop, template="breakout_discussion")  # a second breakout, to vote
    source, people, rooms, idea_of = await rooms_with_ideas(setup)
    voting = await set_activity(setup, 3, {"kind": dots.KIND, "source_step_id": source, "dots": 2})
    await to_step(live, 3)
    await live.open_rooms(keep_groups=True)
    (first, (a, b)), (second, (c, d)) = rooms.items()
    assert [idea.id for idea in ballot(live.state, live.steps[1], first)] == sorted([idea_of[a], idea_of[b]])
    await live.announcements.settled()
    setup.changes.clear()
    # Everyone votes at once: A puts both dots on B's idea, the others one each.
    await asyncio.gather(place(live, a, idea_of[b]), place(live, a, idea_of[b]), place(live, b, idea_of[a]),
                         place(live, c, idea_of[d]), place(live, d, idea_of[d]))
    with pytest.raises(NotAllowed, match="all your dots"):
        await place(live, a, idea_of[a])
    with pytest.raises(NotAllowed, match="another room"):
        await place(live, b, idea_of[c])
    with pytest.raises(NotFound):
        await place(live, b, 999)
    with pytest.raises(NotAllowed, match="no dot on this idea"):
        await place(live, b, idea_of[b], placed=False)
    await place(live, a, idea_of[b], placed=False)  # one taken back...
    await place(live, a, idea_of[a])  # ...and put on her own idea: allowed
    assert counts(live.state, source) == {idea_of[b]: 1, idea_of[a]: 2, idea_of[d]: 2}
    assert not revealed(live.state, source)
    vote = dots.vote_of(live.state, voting, source)
    assert (vote.placed, vote.voters, vote.placed_by(a)) == (5, 4, 2)
    # Nobody but the voter hears of a dot: the counts are not sent to the others' pages.
    await live.announcements.settled()
    for change in setup.changes:
        event = change.events[0]
        assert isinstance(event, DotPlaced)
        assert change.audience.participants == {event.participant_id} and not change.audience.rooms
        assert not change.audience.everyone
    await asyncio.gather(reveal(live), reveal(live))  # two moderators: one reveal
    assert revealed(live.state, source)
    revealed_events = [e for e in await setup.heard() if isinstance(e, dots.DotsRevealed)]
    assert len(revealed_events) == 1
    with pytest.raises(NotAllowed, match="revealed"):
        await place(live, c, idea_of[c])
    ranked = dots.ranked(live.state, ballot(live.state, live.steps[1], first), source)
    assert [(idea.id, number) for idea, number in ranked] == [(idea_of[a], 2), (idea_of[b], 1)]
    # A restart brings back every dot, and the reveal.
    again = await setup.restart()
    assert dots.dots_state(again.state) == dots.dots_state(live.state)
    assert counts(again.state, source) == counts(live.state, source) and revealed(again.state, source)


async def test_in_the_plenary_everyone_dots_every_rooms_ideas_merged_ones_counting_together(setup: Setup) -> None:
    live = setup.live
    source, people, rooms, idea_of = await rooms_with_ideas(setup)
    await set_activity(setup, 2, {"kind": dots.KIND, "source_step_id": source})
    await to_step(live, 2)  # the plenary: rooms closed
    a, b, c, d = people
    assert len(ballot(live.state, live.steps[1], None)) == 4
    for person in people:
        await place(live, person, idea_of[c])  # everyone, whatever their room was
    await place(live, a, idea_of[d])
    await place(live, b, idea_of[d])
    await place(live, b, idea_of[a])
    assert counts(live.state, source) == {idea_of[c]: 4, idea_of[d]: 2, idea_of[a]: 1}
    # The moderators merge the other idea of C's room into C's, and hide one of the other room: counts follow.
    other = next(person for person in next(room for room in rooms.values() if c in room) if person != c)
    hidden = next(room for room in rooms.values() if c not in room)[0]
    await live.act(partial(ideas.merge, idea_id=idea_of[other], into_id=idea_of[c]))
    await live.act(partial(ideas.hide, idea_id=idea_of[hidden], hidden=True))
    by_person = {c: 4, d: 2, a: 1}
    by_person[c] += by_person.pop(other, 0)
    by_person.pop(hidden, None)
    assert counts(live.state, source) == {idea_of[person]: number for person, number in by_person.items()}
    with pytest.raises(NotFound):
        await place(live, c, idea_of[other])  # merged: no longer on the ballot


async def test_the_settings_and_the_source_step_are_checked(setup: Setup) -> None:
    live = setup.live
    for wrong in (0, 11):
        with pytest.raises(InvalidValue):
            await set_activity(setup, 2, {"kind": dots.KIND, "dots": wrong})
    assert source_steps(live.plan, live.steps[2].id) == []  # no ideas board before it yet
    source = await set_activity(setup, 1, {"kind": ideas.KIND})
    later = await set_activity(setup, 2, {"kind": ideas.KIND})
    assert [step.id for step in source_steps(live.plan, live.steps[2].id)] == [source]
    voting = await set_activity(setup, 0, {"kind": dots.KIND, "source_step_id": later})  # after it: no use
    assert source_steps(live.plan, voting) == []
    amina, = await setup.people("Amina")
    with pytest.raises(NotAllowed, match="not open"):
        await place(live, amina, 1)  # before the start
    await live.start()
    with pytest.raises(NotAllowed, match="No ideas to vote on"):
        await place(live, amina, 1)
    with pytest.raises(NotAllowed, match="No ideas to vote on"):
        await reveal(live)
    await set_activity(setup, 0, {"kind": dots.KIND})  # no source chosen
    with pytest.raises(NotAllowed, match="No ideas to vote on"):
        await place(live, amina, 1)
    await to_step(live, 1)
    with pytest.raises(NotAllowed, match="not open"):
        await reveal(live)  # the ideas step carries no dot voting
