"""Planning rules: agenda against duration, room suggestions, review, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import planning
from domain.clock import FakeClock
from domain.models import Room, RoomKind, Step, StepKind, TeamMember, TeamRole, Workshop, WorkshopSession
from domain.planning import AgendaFit, Part, Severity, Status, WorkshopPlan

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def plan_with(*, duration: int = 90, steps: list[tuple[int, StepKind]] = (), **workshop_fields: object) -> WorkshopPlan:
    """An unsaved plan: the rules are pure and need no database."""
    workshop = Workshop(id=1, slug="x", title="Budget participatif", description="Venez.", objectives="Six idées",
                        success_factors="30 personnes", time_zone="Europe/Paris", duration_minutes=duration,
                        **workshop_fields)
    plan_steps = [Step(id=index + 1, position=index, title=f"Étape {index}", objective="Un objectif",
                       moderator_script="Dire bonjour", minutes=minutes, kind=kind)
                  for index, (minutes, kind) in enumerate(steps)]
    return WorkshopPlan(
        workshop=workshop,
        sessions=[WorkshopSession(id=1, starts_at=NOW + timedelta(days=10))],
        steps=plan_steps,
        rooms=[Room(id=1, kind=RoomKind.PLENARY, position=0, name="Plénière")],
        team=[TeamMember(id=1, role=TeamRole.LEAD_MODERATOR)],
    )


def messages(plan: WorkshopPlan, severity: Severity) -> list[str]:
    return [issue.message for issue in planning.review(plan, NOW) if issue.severity == severity]


def test_buffer_is_a_tenth_of_the_session_and_at_least_five_minutes() -> None:
    assert planning.recommended_buffer(90) == 9
    assert planning.recommended_buffer(30) == 5
    assert planning.recommended_buffer(120) == 12


def test_agenda_fit_comfortable_tight_and_over() -> None:
    assert planning.agenda_balance(plan_with(steps=[(80, StepKind.PLENARY)])).fit == AgendaFit.COMFORTABLE
    assert planning.agenda_balance(plan_with(steps=[(85, StepKind.PLENARY)])).fit == AgendaFit.TIGHT
    over = planning.agenda_balance(plan_with(steps=[(60, StepKind.PLENARY), (40, StepKind.PLENARY)]))
    assert (over.fit, over.buffer) == (AgendaFit.OVER, -10)


def test_breakout_rooms_suggested_for_five_to_eight_people_each() -> None:
    assert planning.breakout_room_suggestion(8) is None
    suggestion = planning.breakout_room_suggestion(24)
    assert (suggestion.fewest, suggestion.most, suggestion.suggested) == (3, 4, 4)
    forty = planning.breakout_room_suggestion(40)
    assert (forty.fewest, forty.most) == (5, 8)


def test_step_offsets_accumulate_minutes() -> None:
    plan = plan_with(steps=[(10, StepKind.PLENARY), (25, StepKind.BREAKOUT), (5, StepKind.PLENARY)])
    assert planning.step_start_offsets(plan.steps) == [0, 10, 35]


def test_a_blank_draft_lists_what_blocks_publishing() -> None:
    workshop = Workshop(id=1, slug="x", title="", time_zone="Europe/Paris", duration_minutes=90)
    plan = WorkshopPlan(workshop=workshop, sessions=[], steps=[], rooms=[], team=[])
    blocking = {(issue.part, issue.field) for issue in planning.review(plan, NOW) if issue.severity == Severity.ERROR}
    assert blocking == {(Part.PURPOSE, "title"), (Part.PURPOSE, "description"), (Part.WHEN, "sessions"),
                        (Part.AGENDA, "steps")}


def test_a_session_past_ninety_minutes_suggests_several_sessions() -> None:
    plan = plan_with(duration=120, steps=[(100, StepKind.PLENARY)])
    assert any("several sessions" in message for message in messages(plan, Severity.WARNING))
    assert not messages(plan, Severity.ERROR)


def test_durations_outside_the_allowed_range_block_publishing() -> None:
    assert "A session lasts between {low} and {high} minutes." in messages(plan_with(duration=5), Severity.ERROR)
    too_long_step = plan_with(steps=[(300, StepKind.PLENARY)], duration=480)
    assert "A step lasts between {low} and {high} minutes." in messages(too_long_step, Severity.ERROR)


def test_an_agenda_longer_than_the_session_blocks_and_a_tight_one_warns() -> None:
    over = plan_with(steps=[(95, StepKind.PLENARY)])
    assert "The agenda is {minutes} minutes longer than the session." in messages(over, Severity.ERROR)
    tight = plan_with(steps=[(88, StepKind.PLENARY)])
    assert any(message.startswith("Keep about") for message in messages(tight, Severity.WARNING))


def test_a_breakout_step_needs_breakout_rooms() -> None:
    plan = plan_with(steps=[(20, StepKind.PLENARY), (30, StepKind.BREAKOUT)])
    assert "The agenda has a breakout step: add at least one breakout room." in messages(plan, Severity.ERROR)
    plan.rooms.append(Room(id=2, kind=RoomKind.BREAKOUT, position=1, name="Salle 1"))
    assert not messages(plan, Severity.ERROR)


def test_room_count_is_checked_against_expected_participants() -> None:
    plan = plan_with(steps=[(30, StepKind.BREAKOUT)], expected_participants=30)
    plan.rooms.append(Room(id=2, kind=RoomKind.BREAKOUT, position=1, name="Salle 1"))
    warnings = [issue for issue in planning.review(plan, NOW) if issue.field == "rooms"]
    assert warnings and warnings[0].params == {"people": 30, "fewest": 4, "most": 6}


def test_without_a_lead_moderator_the_team_part_warns() -> None:
    plan = plan_with(steps=[(30, StepKind.PLENARY)])
    plan.team = []
    assert "Choose who will lead the moderation." in messages(plan, Severity.WARNING)


def test_status_follows_publication_and_the_clock() -> None:
    clock = FakeClock(NOW)
    plan = plan_with(steps=[(30, StepKind.PLENARY)])
    assert planning.status(plan, clock.now()) == Status.DRAFT
    plan.workshop.published_at = NOW
    assert planning.status(plan, clock.now()) == Status.PUBLISHED
    clock.set(plan.sessions[0].starts_at + timedelta(minutes=10))
    assert planning.status(plan, clock.now()) == Status.RUNNING
    clock.advance(hours=2)
    assert planning.status(plan, clock.now()) == Status.FINISHED
    assert plan.next_session(clock.now()) is None


def test_a_draft_whose_sessions_are_all_over_cannot_be_published() -> None:
    plan = plan_with(steps=[(30, StepKind.PLENARY)])
    later = plan.sessions[0].starts_at + timedelta(days=1)
    blocking = [issue for issue in planning.review(plan, later) if issue.severity == Severity.ERROR]
    assert [(issue.part, issue.field) for issue in blocking] == [(Part.WHEN, "sessions")]
    assert "before publishing" in blocking[0].message
    during = plan.sessions[0].starts_at + timedelta(minutes=10)  # a session under way is not over
    assert not [issue for issue in planning.review(plan, during) if issue.severity == Severity.ERROR]
    plan.workshop.published_at = NOW  # once published, sessions going by is the workshop finishing
    assert not [issue for issue in planning.review(plan, later) if issue.severity == Severity.ERROR]
