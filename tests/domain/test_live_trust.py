"""Who may join a run and how fast people may act in it: removals that hold, capacity, limits, the pace of hands."""

from __future__ import annotations

import pytest

from domain import accounts, workshops
from domain.errors import InvalidValue, NotAllowed, NotFound, SessionFull, TooManyAttempts
from domain.live.events import HandLowered, HandRaised
from domain.live.state import Member, MemberKind
from domain.models import RunEvent, StaffRole, TeamRole
from tests.conftest import PASSWORD
from tests.domain.conftest import Setup


async def hand_events(setup: Setup) -> list[str]:
    return [kind for kind in await RunEvent.filter(run_id=setup.live.run.id).order_by("sequence")
            .values_list("kind", flat=True) if kind in ("HandRaised", "HandLowered")]


async def test_a_removed_participant_cannot_join_again_from_their_browser_nor_by_their_name(setup: Setup) -> None:
    live = setup.live
    amina, _token = await live.join("Amina", browser="browser-1")
    await live.remove(amina.id)
    with pytest.raises(NotAllowed, match="removed you"):
        await live.join("Someone Else", browser="browser-1")
    with pytest.raises(InvalidValue, match="this name was removed") as refused:
        await live.join("  AMÍNA ", browser="browser-2")  # another browser, the same name
    assert refused.value.field == "name"
    assert (await live.join("Bruno", browser="browser-2"))[0].name == "Bruno"
    restarted = await setup.restart()  # the bar holds after a restart: the browser's hash is stored
    with pytest.raises(NotAllowed, match="removed you"):
        await restarted.join("Chloé", browser="browser-1")


async def test_a_full_session_refuses_the_next_person_and_a_removal_frees_a_place(setup: Setup) -> None:
    live = setup.live
    await workshops.set_session_capacity(setup.session, 2, clock=setup.clock)  # announced: the run takes the new plan
    assert live.capacity == 2 and not live.full
    amina, _ = await live.join("Amina")
    await live.join("Bruno")
    assert live.full
    with pytest.raises(SessionFull) as refused:
        await live.join("Chloé")
    assert refused.value.params == {"count": 2}
    await live.remove(amina.id)
    await live.join("Chloé")
    rehearsal = await setup.registry.session((await setup.registry.run_of(setup.session, rehearsal=True)).id)
    for name in ("One", "Two", "Three"):  # a rehearsal has no capacity: colleagues try things in it
        await rehearsal.join(name)


async def test_joins_from_one_network_address_are_limited_on_the_clock(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    assert setup.registry.joins is not None
    for number in range(20):
        await live.join(f"Person {number}", network_address="203.0.113.9")
    with pytest.raises(TooManyAttempts) as refused:
        await live.join("Person 21", network_address="203.0.113.9")
    assert refused.value.params == {"seconds": 60}
    await live.join("A neighbour", network_address="198.51.100.7")  # another address has its own allowance
    clock.advance(minutes=1)
    await live.join("Person 21", network_address="203.0.113.9")


async def test_a_participant_cannot_take_a_team_members_name(setup: Setup) -> None:
    moderator = await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    await workshops.add_team_member(setup.workshop, moderator.id, TeamRole.LEAD_MODERATOR)
    with pytest.raises(InvalidValue, match="moderation team has this name"):
        await setup.live.join("karim  BÉNALI")
    with pytest.raises(InvalidValue, match="with a role"):
        await setup.live.join("Modératrice")


async def test_forty_quick_hand_clicks_make_a_few_events_and_reach_the_others_a_few_times(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    amina, bruno = await setup.people("Amina", "Bruno")
    await live.start()
    await live.raise_hand(bruno)  # Bruno waits in the queue: Amina's hand moves his place when it goes before
    await live.announcements.settled()
    setup.changes.clear()
    await live.order_hands(least_spoken_first=True)
    await live.give_floor(bruno)  # he has spoken: Amina's hand goes before his in this order...
    await live.take_floor_back()
    await live.raise_hand(bruno)  # ...and he is back in the queue
    await live.announcements.settled()
    setup.changes.clear()
    before = len(await hand_events(setup))
    for click in range(40):  # ten clicks a second for four seconds; the time-keeper ticks every second
        if live.hand_wanted(amina):
            await live.lower_hand(amina)
        else:
            await live.raise_hand(amina)
        clock.advance(seconds=0.1)
        if click % 10 == 9:
            await live.on_time()
    clock.advance(seconds=1)
    await live.on_time()
    await live.announcements.settled()
    stored = (await hand_events(setup))[before:]
    assert 1 <= len(stored) <= 5
    to_bruno = [change for change in setup.changes if change.audience.includes(bruno, None)]
    assert len(to_bruno) <= 5  # not 40
    assert live.state.people[amina].hand_raised_at is None  # an even number of clicks: down, as she left it


async def test_raised_then_lowered_within_the_second_reaches_nobody_else(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    amina, bruno = await setup.people("Amina", "Bruno")
    await live.start()
    await live.raise_hand(bruno)
    await live.raise_hand(amina)  # at once: the first change of a quiet moment
    await live.announcements.settled()
    setup.changes.clear()
    clock.advance(seconds=1.5)
    await live.lower_hand(amina)  # at once again: her second was over
    await live.raise_hand(amina)  # within the second: only noted...
    assert live.hand_wanted(amina) and live.state.people[amina].hand_raised_at is None
    await live.lower_hand(amina)  # ...and taken back
    clock.advance(seconds=1)
    await live.on_time()
    await live.announcements.settled()
    assert [type(event) for change in setup.changes for event in change.events] == [HandLowered]
    assert live.state.people[amina].hand_raised_at is None


async def test_a_wish_made_before_a_moderators_decision_no_longer_counts(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    amina, = await setup.people("Amina")
    await live.start()
    await live.raise_hand(amina)
    await live.lower_hand(amina)
    await live.raise_hand(amina)  # wished within the second: up, as it is
    await live.lower_hand(amina, by_moderator=True)  # the moderator lowers it: her earlier wish is forgotten
    clock.advance(seconds=2)
    await live.on_time()
    assert live.state.people[amina].hand_raised_at is None
    await live.raise_hand(amina)
    assert isinstance((await setup.heard())[-1], HandRaised)


async def test_a_removed_participant_changes_nothing_any_more(setup: Setup) -> None:
    live = setup.live
    amina, = await setup.people("Amina")
    await live.start()
    await live.remove(amina)
    for command in (live.raise_hand(amina), live.set_camera(Member(MemberKind.PARTICIPANT, amina), on=False),
                    live.set_sound_only(Member(MemberKind.PARTICIPANT, amina), on=True),
                    live.set_microphone(amina, on=True), live.call_moderator(amina)):
        with pytest.raises(NotFound):
            await command
    await live.page_connected(amina, "a page that ignores the order to leave")
    assert not live.state.people[amina].present
