"""Tortoise records of the workshop world. Every instant is stored in UTC.

Never put a semicolon in a model's docstring: Tortoise stores it as the table's comment
and splits migration SQL on semicolons.

Changing a model means a new migration: `tortoise makemigrations` (docs/development.md).

Tortoise gives each instance a `<relation>_id` attribute per foreign key: the bare `..._id: int`
annotations below only declare them for the type checker (they make no field and no column).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

APP_LABEL = "atelier"


class StaffRole(StrEnum):
    ORGANISER = "organiser"
    MODERATOR = "moderator"


class Interactivity(StrEnum):
    DELIBERATION = "deliberation"
    COLLECTING_IDEAS = "collecting_ideas"


class Audience(StrEnum):
    GENERAL_PUBLIC = "general_public"
    SPECIALISED = "specialised"


class Aim(StrEnum):
    EXCHANGING_VIEWS = "exchanging_views"
    REACHING_CONSENSUS = "reaching_consensus"


class StepKind(StrEnum):
    PLENARY = "plenary"
    BREAKOUT = "breakout"


class RoomKind(StrEnum):
    PLENARY = "plenary"
    BREAKOUT = "breakout"


class RoomAssignment(StrEnum):
    PARTICIPANTS_CHOOSE = "participants_choose"
    RANDOM_BALANCED = "random_balanced"
    BY_ORGANISER = "by_organiser"


class TeamRole(StrEnum):
    LEAD_MODERATOR = "lead_moderator"
    CO_MODERATOR = "co_moderator"


class RunPhase(StrEnum):
    """Where a live run stands: staff only, doors open, under way, over."""

    BACKSTAGE = "backstage"
    OPEN = "open"
    RUNNING = "running"
    ENDED = "ended"


class StaffAccount(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=120)
    role = fields.CharEnumField(StaffRole, max_length=20)
    password_hash = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    # Set when an organiser resets the password: the next pages ask the account to choose its own.
    must_change_password = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_signed_in_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_account"


class StaffSession(Model):
    """A signed-in browser. Only a hash of its token is kept, so a leaked database opens nothing."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    account: fields.ForeignKeyRelation[StaffAccount] = fields.ForeignKeyField(
        f"{APP_LABEL}.StaffAccount", related_name="sessions", on_delete=fields.CASCADE
    )
    account_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "staff_session"


class SignInThrottle(Model):
    """Recent failed sign-ins (attempts under way included) for one e-mail and network address, or one address."""

    key = fields.CharField(max_length=300, primary_key=True)
    failures = fields.IntField(default=0)
    last_failure_at = fields.DatetimeField()

    class Meta:
        table = "sign_in_throttle"


class StaffAction(StrEnum):
    CREATED = "created"
    DISABLED = "disabled"
    ENABLED = "enabled"
    PASSWORD_RESET = "password_reset"
    SESSIONS_ENDED = "sessions_ended"
    ROLE_CHANGED = "role_changed"
    PASSWORD_CHANGED = "password_changed"  # by the account itself
    OTHER_SESSIONS_ENDED = "other_sessions_ended"  # by the account itself


class StaffAuditEntry(Model):
    """Who did what to which staff account, and when. No actor: the command line or the demo."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField()
    actor: fields.ForeignKeyNullableRelation[StaffAccount] = fields.ForeignKeyField(
        f"{APP_LABEL}.StaffAccount", related_name="staff_actions_done", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    target: fields.ForeignKeyRelation[StaffAccount] = fields.ForeignKeyField(
        f"{APP_LABEL}.StaffAccount", related_name="staff_actions_received", on_delete=fields.CASCADE
    )
    target_id: int
    action = fields.CharEnumField(StaffAction, max_length=30)
    detail = fields.CharField(max_length=40, default="")  # the new role, for a role change

    class Meta:
        table = "staff_audit"
        ordering = ["-at", "-id"]


class Workshop(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=60, unique=True)
    # Purpose
    title = fields.CharField(max_length=120, default="")
    description = fields.TextField(default="")
    objectives = fields.TextField(default="")
    success_factors = fields.TextField(default="")
    interactivity = fields.CharEnumField(Interactivity, max_length=30, default=Interactivity.DELIBERATION)
    audience = fields.CharEnumField(Audience, max_length=30, default=Audience.GENERAL_PUBLIC)
    audience_details = fields.TextField(default="")
    aim = fields.CharEnumField(Aim, max_length=30, default=Aim.EXCHANGING_VIEWS)
    language = fields.CharField(max_length=5, default="fr")
    # When
    time_zone = fields.CharField(max_length=64, default="Europe/Paris")
    duration_minutes = fields.IntField(default=90)
    # Welcome and closing
    ask_email = fields.BooleanField(default=False)
    arrival_question = fields.CharField(max_length=300, default="")
    rules_of_conduct = fields.TextField(default="")
    thank_you_message = fields.TextField(default="")
    next_dates = fields.TextField(default="")
    feedback_url = fields.CharField(max_length=500, default="")
    # Rooms
    expected_participants = fields.IntField(null=True)
    room_assignment = fields.CharEnumField(
        RoomAssignment, max_length=30, default=RoomAssignment.PARTICIPANTS_CHOOSE
    )
    # Life cycle
    published_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[StaffAccount] = fields.ForeignKeyField(
        f"{APP_LABEL}.StaffAccount", related_name="created_workshops", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    sessions: fields.ReverseRelation[WorkshopSession]
    steps: fields.ReverseRelation[Step]
    rooms: fields.ReverseRelation[Room]
    team: fields.ReverseRelation[TeamMember]

    class Meta:
        table = "workshop"


class WorkshopSession(Model):
    """One live occurrence of a workshop: same agenda, its own date and capacity."""

    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="sessions", on_delete=fields.CASCADE
    )
    workshop_id: int
    starts_at = fields.DatetimeField()
    capacity = fields.IntField(null=True)

    class Meta:
        table = "workshop_session"
        ordering = ["starts_at", "id"]


class Step(Model):
    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="steps", on_delete=fields.CASCADE
    )
    workshop_id: int
    position = fields.IntField()
    title = fields.CharField(max_length=120, default="")
    objective = fields.CharField(max_length=300, default="")
    kind = fields.CharEnumField(StepKind, max_length=20, default=StepKind.PLENARY)
    minutes = fields.IntField(default=10)
    context_info = fields.TextField(default="")
    expected_of_participants = fields.TextField(default="")
    moderator_script = fields.TextField(default="")

    class Meta:
        table = "step"
        ordering = ["position", "id"]


class Room(Model):
    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="rooms", on_delete=fields.CASCADE
    )
    workshop_id: int
    kind = fields.CharEnumField(RoomKind, max_length=20)
    position = fields.IntField()
    name = fields.CharField(max_length=80, default="")
    topic = fields.CharField(max_length=300, default="")
    capacity = fields.IntField(null=True)

    class Meta:
        table = "room"
        ordering = ["position", "id"]


class TeamMember(Model):
    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="team", on_delete=fields.CASCADE
    )
    workshop_id: int
    account: fields.ForeignKeyRelation[StaffAccount] = fields.ForeignKeyField(
        f"{APP_LABEL}.StaffAccount", related_name="assignments", on_delete=fields.CASCADE
    )
    account_id: int
    role = fields.CharEnumField(TeamRole, max_length=20, default=TeamRole.CO_MODERATOR)

    class Meta:
        table = "team_member"
        unique_together = (("workshop", "account"),)


class LiveRun(Model):
    """One live running of a session: the real one, or a rehearsal that counts for nothing.

    Its history is the ordered `RunEvent` log, and `phase` repeats the log's latest phase so that
    the runs still under way can be found with a query at start-up. `real_session_id` is the
    session's id on its real run and empty on rehearsals: unique, so a session has one real run
    even when two first visitors arrive at the same moment.
    """

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[WorkshopSession] = fields.ForeignKeyField(
        f"{APP_LABEL}.WorkshopSession", related_name="runs", on_delete=fields.CASCADE
    )
    session_id: int
    rehearsal = fields.BooleanField(default=False)
    real_session_id = fields.IntField(null=True, unique=True)
    join_code = fields.CharField(max_length=64, unique=True)
    phase = fields.CharEnumField(RunPhase, max_length=20, default=RunPhase.BACKSTAGE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "live_run"


class Participant(Model):
    """Someone who joined a run. Their browser holds the token, and only its hash is stored.

    Their personal data (name, e-mail, answer to the welcome question) lives here only: the run's
    events refer to them by id, so erasing this row's data erases it from the history too.
    """

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[LiveRun] = fields.ForeignKeyField(
        f"{APP_LABEL}.LiveRun", related_name="participants", on_delete=fields.CASCADE
    )
    run_id: int
    display_name = fields.CharField(max_length=80)
    email = fields.CharField(max_length=254, null=True)
    arrival_answer = fields.TextField(default="", db_default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    # A hash of the browser they joined from: removed from the session, they cannot join again from it.
    browser_hash = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "participant"


class RunEvent(Model):
    """One thing that happened in a run, in order: replaying them rebuilds the live state.

    `kind` and `version` say how to read `data` (domain/live/events.py reads older versions too).
    """

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[LiveRun] = fields.ForeignKeyField(
        f"{APP_LABEL}.LiveRun", related_name="events", on_delete=fields.CASCADE
    )
    run_id: int
    sequence = fields.IntField()
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=40)
    version = fields.IntField(default=1, db_default=1)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "run_event"
        unique_together = (("run", "sequence"),)
        ordering = ["sequence"]
