"""Preparing workshops against a real SQLite database."""

from __future__ import annotations

from datetime import date, time

import pytest

from domain import workshops
from domain.clock import FakeClock
from domain.errors import InvalidValue
from domain.models import (
    Room,
    RoomKind,
    StaffAccount,
    Step,
    StepKind,
    TeamMember,
    TeamRole,
    Workshop,
    WorkshopSession,
)


async def ready_workshop(organiser: StaffAccount, moderator: StaffAccount) -> Workshop:
    workshop = await workshops.create_workshop(title="Budget participatif 2027", created_by=organiser)
    await workshops.update_workshop(workshop, "description", "Choisissons ensemble les projets financés.")
    await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    await workshops.add_breakout_room(workshop)
    await workshops.add_team_member(workshop, moderator.id, TeamRole.LEAD_MODERATOR)
    return workshop


async def step_titles(workshop: Workshop) -> list[str]:
    return [step.title for step in await Step.filter(workshop=workshop).order_by("position")]


async def test_a_new_draft_gets_an_address_a_plenary_and_a_suggested_agenda(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Réaménagement de la place du Marché", created_by=organiser,
                                               time_zone="America/Montreal")
    assert workshop.slug == "reamenagement-de-la-place-du-marche"
    assert workshop.time_zone == "America/Montreal"
    assert await Room.filter(workshop=workshop, kind=RoomKind.PLENARY).count() == 1
    assert await step_titles(workshop) == ["Accueil", "Présentation du projet", "Questions et échanges en plénière",
                                           "Discussion en sous-groupes", "Conclusion"]


async def test_addresses_stay_unique_and_avoid_reserved_words(organiser: StaffAccount) -> None:
    first = await workshops.create_workshop(title="Budget", created_by=organiser, suggested_agenda=False)
    second = await workshops.create_workshop(title="Budget", created_by=organiser, suggested_agenda=False)
    reserved = await workshops.create_workshop(title="New", created_by=organiser, suggested_agenda=False)
    assert (first.slug, second.slug) == ("budget", "budget-2")
    assert reserved.slug == "atelier-new"


async def test_a_draft_needs_a_working_title(organiser: StaffAccount) -> None:
    with pytest.raises(InvalidValue) as refused:
        await workshops.create_workshop(title=" a ", created_by=organiser)
    assert refused.value.field == "title"


async def test_english_workshops_get_english_templates(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Library opening hours", created_by=organiser, language="en")
    assert (await step_titles(workshop))[0] == "Welcome"
    assert (await Room.get(workshop=workshop)).name == "Plenary"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "x" * 121, "At most {count} characters: this text has {length}."),
    ("duration_minutes", "soixante", "Enter a number."),
    ("duration_minutes", 12.5, "Enter a whole number."),
    ("duration_minutes", 0, "Enter a number between {low} and {high}."),
    ("audience", "aliens", "Choose one of the options."),
    ("language", "de", "Choose one of the options."),
])
async def test_values_that_cannot_be_stored_are_refused(organiser: StaffAccount, field: str, value: object,
                                                        message: str) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    with pytest.raises(InvalidValue) as refused:
        await workshops.update_workshop(workshop, field, value)
    assert (refused.value.field, refused.value.message) == (field, message)


async def test_required_fields_keep_their_last_valid_value(organiser: StaffAccount, clock: FakeClock) -> None:
    """Emptied (or, for a title, cut below three characters), a field the plan cannot do without is refused with
    the review's words, and what was stored stays: nothing invalid is saved while the organiser rewrites it."""
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    await workshops.update_workshop(workshop, "description", "Choisissons ensemble.")
    plan = await workshops.load_plan_by_id(workshop.id)
    step, plenary = plan.steps[0], plan.rooms[0]
    breakout = await workshops.add_breakout_room(workshop)
    title_message = "Give the workshop a title of at least {count} characters."
    refusals = [
        (lambda: workshops.update_workshop(workshop, "title", ""), "title", title_message),
        (lambda: workshops.update_workshop(workshop, "title", "  Bu  "), "title", title_message),
        (lambda: workshops.update_workshop(workshop, "description", " \n "), "description",
         "Describe the workshop for the public: what it is about and why take part."),
        (lambda: workshops.update_workshop(workshop, "duration_minutes", "", clock=clock), "duration_minutes",
         "Enter a number."),
        (lambda: workshops.update_step(step, "title", "   "), "title", "Give this step a title."),
        (lambda: workshops.update_step(step, "minutes", None), "minutes", "Enter a number."),
        (lambda: workshops.update_room(plenary, "name", ""), "name", "Give this room a name."),
        (lambda: workshops.update_room(breakout, "name", " "), "name", "Give this room a name."),
    ]
    for command, field, message in refusals:
        with pytest.raises(InvalidValue) as refused:
            await command()
        assert (refused.value.field, refused.value.message) == (field, message)
    kept = await workshops.load_plan_by_id(workshop.id)
    assert (kept.workshop.title, kept.workshop.description, kept.workshop.duration_minutes) == (
        "Budget", "Choisissons ensemble.", 90)
    assert (kept.steps[0].title, kept.steps[0].minutes) == (step.title, step.minutes) and step.title
    assert [room.name for room in kept.rooms] == ["Plénière", "Salle 1"]
    assert (workshop.title, step.title, plenary.name) == ("Budget", kept.steps[0].title, "Plénière")  # in memory too
    await workshops.update_workshop(workshop, "title", "Bud")  # valid again: saved
    assert (await Workshop.get(id=workshop.id)).title == "Bud"


async def test_fields_are_saved_one_by_one(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    await workshops.update_workshop(workshop, "objectives", "  Six projets classés  ")
    await workshops.update_workshop(workshop, "expected_participants", "")
    stored = await Workshop.get(id=workshop.id)
    assert stored.objectives == "Six projets classés"
    assert stored.expected_participants is None


async def test_changing_the_zone_keeps_the_wall_clock_time_of_sessions(organiser: StaffAccount,
                                                                       clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser, time_zone="Europe/Paris")
    await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    await workshops.set_time_zone(workshop, "America/Martinique", clock=clock)
    session = await WorkshopSession.get(workshop=workshop)
    assert session.starts_at.isoformat() == "2026-12-10T22:30:00+00:00"  # 18:30 in Martinique, UTC-4
    with pytest.raises(InvalidValue):
        await workshops.set_time_zone(workshop, "Nowhere/Special", clock=clock)


async def test_a_session_cannot_start_in_the_spring_gap(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    with pytest.raises(InvalidValue) as refused:
        await workshops.add_session(workshop, date(2026, 3, 29), time(2, 15))
    assert refused.value.field == "start_time"
    assert not await WorkshopSession.exists()


async def test_session_capacity_must_be_a_number_of_people(organiser: StaffAccount, clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    session = await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    with pytest.raises(InvalidValue):
        await workshops.set_session_capacity(session, 0, clock=clock)
    await workshops.set_session_capacity(session, 40, clock=clock)
    assert (await WorkshopSession.get(id=session.id)).capacity == 40


async def test_steps_are_added_moved_duplicated_and_deleted_in_order(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser, suggested_agenda=False)
    welcome = await workshops.add_step(workshop, template="welcome")
    vote = await workshops.add_step(workshop, template="vote")
    blank = await workshops.add_step(workshop)
    await workshops.update_step(blank, "title", "Pause")
    assert await step_titles(workshop) == ["Accueil", "Vote sur les priorités", "Pause"]
    await workshops.move_step(blank, -1)
    assert await step_titles(workshop) == ["Accueil", "Pause", "Vote sur les priorités"]
    await workshops.move_step(welcome, -1)  # already first: stays
    await workshops.duplicate_step(await Step.get(id=welcome.id))
    assert await step_titles(workshop) == ["Accueil", "Accueil", "Pause", "Vote sur les priorités"]
    await workshops.delete_step(vote)
    positions = [step.position for step in await Step.filter(workshop=workshop).order_by("position")]
    assert positions == [0, 1, 2]
    with pytest.raises(InvalidValue):
        await workshops.update_step(blank, "kind", "keynote")
    await workshops.update_step(blank, "kind", StepKind.BREAKOUT.value)
    assert (await Step.get(id=blank.id)).kind == StepKind.BREAKOUT


async def test_suggested_rooms_follow_expected_participants(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    with pytest.raises(InvalidValue):
        await workshops.add_suggested_rooms(workshop)
    await workshops.update_workshop(workshop, "expected_participants", 30)
    await workshops.add_breakout_room(workshop)
    created = await workshops.add_suggested_rooms(workshop)
    names = [room.name for room in await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).order_by("position")]
    assert len(created) == 4 and names == ["Salle 1", "Salle 2", "Salle 3", "Salle 4", "Salle 5"]
    with pytest.raises(InvalidValue):
        await workshops.delete_room(await Room.get(workshop=workshop, kind=RoomKind.PLENARY))


async def test_the_team_is_made_of_staff_accounts_once_each(organiser: StaffAccount, moderator: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser)
    member = await workshops.add_team_member(workshop, moderator.id, TeamRole.CO_MODERATOR)
    with pytest.raises(InvalidValue):
        await workshops.add_team_member(workshop, moderator.id, TeamRole.LEAD_MODERATOR)
    with pytest.raises(InvalidValue):
        await workshops.add_team_member(workshop, 9999, TeamRole.LEAD_MODERATOR)
    await workshops.set_team_role(member, TeamRole.LEAD_MODERATOR)
    assert (await TeamMember.get(id=member.id)).role == TeamRole.LEAD_MODERATOR
    assert [plan.workshop.id for plan in await workshops.plans_for_moderator(moderator)] == [workshop.id]


@pytest.mark.parametrize(("slug", "message"), [
    ("A B", "Use 3 to 60 lowercase letters, digits and hyphens, starting and ending with a letter or digit."),
    ("-budget", "Use 3 to 60 lowercase letters, digits and hyphens, starting and ending with a letter or digit."),
    ("new", "This address is reserved. Choose another one."),
    ("taken", "Another workshop already uses this address."),
])
async def test_public_addresses_are_checked(organiser: StaffAccount, slug: str, message: str) -> None:
    await workshops.create_workshop(title="Taken", created_by=organiser, suggested_agenda=False)
    workshop = await workshops.create_workshop(title="Budget", created_by=organiser, suggested_agenda=False)
    with pytest.raises(InvalidValue) as refused:
        await workshops.set_slug(workshop, slug)
    assert refused.value.message == message
    assert await workshops.set_slug(workshop, " Budget-2027 ") == "budget-2027"


async def test_publishing_is_refused_until_nothing_blocks(organiser: StaffAccount, moderator: StaffAccount,
                                                          clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget participatif 2027", created_by=organiser)
    with pytest.raises(workshops.NotReady) as refused:
        await workshops.publish(workshop, clock)
    assert {issue.field for issue in refused.value.issues} == {"description", "sessions", "rooms"}
    assert await workshops.published_plan(workshop.slug) is None

    workshop = await ready_workshop(organiser, moderator)
    await workshops.publish(workshop, clock)
    assert (await workshops.published_plan(workshop.slug)).workshop.id == workshop.id
    assert [plan.workshop.id for plan in await workshops.upcoming_public_plans(clock.now())] == [workshop.id]
    await workshops.archive(workshop, clock)
    assert await workshops.published_plan(workshop.slug) is None
    assert [plan.workshop.id for plan in await workshops.list_plans(archived=True)] == [workshop.id]
    await workshops.unarchive(workshop)
    await workshops.unpublish(workshop)
    assert await workshops.published_plan(workshop.slug) is None


async def test_duplicating_copies_the_preparation_but_not_the_dates(organiser: StaffAccount,
                                                                    moderator: StaffAccount) -> None:
    source = await ready_workshop(organiser, moderator)
    copy = await workshops.duplicate_workshop(source, title="Copie de Budget participatif 2027", created_by=organiser)
    plan = await workshops.load_plan(copy.slug)
    assert copy.slug == "copie-de-budget-participatif-2027"
    assert plan.workshop.description == source.description and plan.workshop.published_at is None
    assert [s.title for s in plan.steps] == await step_titles(source)
    assert len(plan.breakout_rooms) == 1 and len(plan.team) == 1
    assert plan.sessions == []


async def test_a_workshop_whose_sessions_are_all_over_is_not_published(organiser: StaffAccount,
                                                                       moderator: StaffAccount,
                                                                       clock: FakeClock) -> None:
    workshop = await ready_workshop(organiser, moderator)  # its session: 10 December 2026, 18:30 in Paris
    session = await WorkshopSession.get(workshop=workshop)
    clock.set(session.starts_at.replace(day=11))
    with pytest.raises(workshops.NotReady) as refused:
        await workshops.publish(workshop, clock)
    assert [(issue.field, issue.message) for issue in refused.value.issues] == [
        ("sessions", "Every session is over: add a session to come, or move one to a later date, before publishing.")]
    assert await workshops.published_plan(workshop.slug) is None
    await workshops.move_session(session, workshop, date(2026, 12, 17), time(18, 30), clock=clock)
    await workshops.publish(workshop, clock)
    assert (await workshops.published_plan(workshop.slug)) is not None


async def test_many_rooms_are_made_and_removed_at_once_in_one_announced_edit(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Grande concertation", created_by=organiser)
    await workshops.update_workshop(workshop, "expected_participants", 3075)
    heard: list[int] = []

    async def listener(workshop_id: int) -> None:
        heard.append(workshop_id)

    stop = workshops.plan_edits.subscribe(listener)
    try:
        asked = await workshops.add_suggested_rooms(workshop, at_most=12)  # the organiser was asked about 12
        assert len(asked) == 12 and heard == [workshop.id]
        suggested = workshops.rooms_to_suggest(workshop, 12)
        rest = await workshops.add_suggested_rooms(workshop)
        assert len(rest) == suggested and heard == [workshop.id] * 2
        plan = await workshops.load_plan_by_id(workshop.id)
        assert [room.name for room in plan.breakout_rooms[:2]] == ["Salle 1", "Salle 2"]
        assert len(plan.breakout_rooms) == 12 + suggested

        ticked = [room.id for room in plan.breakout_rooms[1:4]] + [plan.breakout_rooms[-1].id]
        assert await workshops.delete_rooms(workshop, [*ticked, 999_999]) == 4  # one that is gone already
        assert heard == [workshop.id] * 3
        plan = await workshops.load_plan_by_id(workshop.id)
        assert [room.name for room in plan.breakout_rooms[:3]] == ["Salle 1", "Salle 5", "Salle 6"]
        assert [room.position for room in plan.rooms] == list(range(len(plan.rooms)))

        with pytest.raises(InvalidValue):  # the plenary stays, and nothing else goes with it
            await workshops.delete_rooms(workshop, [plan.plenary_room.id, plan.breakout_rooms[0].id])
        assert len((await workshops.load_plan_by_id(workshop.id)).breakout_rooms) == len(plan.breakout_rooms)
        assert await workshops.delete_rooms(workshop, []) == 0
    finally:
        stop()


async def test_a_deleted_step_is_put_back_at_its_place_with_the_text_typed_in_it(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Remettre une étape", created_by=organiser)
    plan = await workshops.load_plan_by_id(workshop.id)
    gone = plan.steps[1]
    held = {name: getattr(gone, name) for name in workshops.STEP_FIELDS}
    await workshops.delete_step(gone)

    restored = await workshops.restore_step(workshop, {**held, "moderator_script": "Montrer la carte."}, gone.position)

    plan = await workshops.load_plan_by_id(workshop.id)
    assert [step.id for step in plan.steps].index(restored.id) == 1
    assert (restored.title, restored.minutes, restored.kind) == (gone.title, gone.minutes, gone.kind)
    assert restored.moderator_script == "Montrer la carte."
    with pytest.raises(InvalidValue):  # text too long for the step is refused, nothing is made
        await workshops.restore_step(workshop, {**held, "title": "x" * 500}, 0)
    assert len((await workshops.load_plan_by_id(workshop.id)).steps) == len(plan.steps)


async def test_a_removed_room_is_put_back_at_its_place(organiser: StaffAccount) -> None:
    workshop = await workshops.create_workshop(title="Remettre une salle", created_by=organiser)
    first = await workshops.add_breakout_room(workshop, "Mobilités")
    await workshops.add_breakout_room(workshop, "Commerces")
    await workshops.delete_room(first)

    restored = await workshops.restore_room(workshop, {"name": "Mobilités", "topic": "Vélos et bus"}, first.position)

    plan = await workshops.load_plan_by_id(workshop.id)
    assert [room.name for room in plan.breakout_rooms] == ["Mobilités", "Commerces"]
    assert restored.topic == "Vélos et bus"
