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
    FROM_REGISTRATIONS = "from_registrations"  # the rooms people wished for when they registered


class RegistrationMode(StrEnum):
    """How people get a seat: anyone with the link walks in, a public form, or a personal invitation only."""

    OPEN_DOOR = "open_door"
    PUBLIC_FORM = "public_form"
    INVITATION_ONLY = "invitation_only"


class RegistrationStatus(StrEnum):
    """Where one person's registration stands for a workshop.

    INVITED: an invitation went out, they have not answered. UNCONFIRMED: registered on the public form, the
    address not yet confirmed (no seat taken). CONFIRMED: a seat in their session. WAITING: on the session's
    waiting list. CANCELLED: they (or the organiser) cancelled.
    """

    INVITED = "invited"
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class MessageKind(StrEnum):
    """Every e-mail Atelier sends: mail/ has one template per kind."""

    INVITATION = "invitation"
    CONFIRM_ADDRESS = "confirm_address"
    REGISTERED = "registered"
    WAITING_LIST = "waiting_list"
    PROMOTED = "promoted"
    SESSION_CHANGED = "session_changed"
    CANCELLED = "cancelled"
    PRACTICAL_INFORMATION = "practical_information"
    REMINDER = "reminder"
    THANK_YOU = "thank_you"
    SORRY_WE_MISSED_YOU = "sorry_we_missed_you"


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # given up after the last retry, or refused for good by the server


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


def default_reminder_hours() -> list[int]:
    """A day before and an hour before, as the guide advises."""
    return [24, 1]


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
    # Getting people there (issue 10): registration, invitation, reminders, feedback.
    registration_mode = fields.CharEnumField(RegistrationMode, max_length=20, default=RegistrationMode.OPEN_DOOR,
                                             db_default=RegistrationMode.OPEN_DOOR.value)
    # [{"id": "q1", "text": "...", "kind": "text" | "choice" | "rooms", "choices": ["...", ...]}, ...]
    registration_questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list, db_default="[]")
    personal_data_kept_days = fields.IntField(default=180, db_default=180)
    invitation_subject = fields.CharField(max_length=200, default="", db_default="")
    invitation_body = fields.TextField(default="", db_default="")  # empty: the template's own text
    practical_information_hours_before = fields.IntField(null=True, default=48)
    reminder_hours_before: fields.JSONField[list[int]] = fields.JSONField(default=default_reminder_hours,
                                                                         db_default="[24, 1]")
    reminder_message = fields.TextField(default="", db_default="")
    feedback_questions: fields.JSONField[list[str]] = fields.JSONField(default=list, db_default="[]")
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
    cancelled_at = fields.DatetimeField(null=True)

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
    # What participants do at this step beside listening (domain/activities): {"kind": ..., its settings}, or None.
    activity: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True, default=None)

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
    # Who came in from their registration's personal page: their attendance counts against it.
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        f"{APP_LABEL}.Registration", related_name="participations", null=True, on_delete=fields.SET_NULL
    )
    registration_id: int | None
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


class PollTally(Model):
    """The counts of a secret poll (domain/activities/polls.py), updated in place with each ballot.

    A secret ballot is stored as an event saying who voted, with no answer, and its answer only adds to
    these counts, in the same transaction: no row ties a voter to what they chose, nor tells the order of
    the answers. No time is kept here for the same reason.
    """

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[LiveRun] = fields.ForeignKeyField(
        f"{APP_LABEL}.LiveRun", related_name="poll_tallies", on_delete=fields.CASCADE
    )
    run_id: int
    poll = fields.IntField()
    counts: fields.JSONField[list[int]] = fields.JSONField(default=list)

    class Meta:
        table = "poll_tally"
        unique_together = (("run", "poll"),)


class Registration(Model):
    """One person's place in a workshop, from their invitation or the public form to their attendance.

    Their personal link's token is derived from a server secret and `public_id` (domain/registrations.py), so
    later e-mails can carry it again, and only its hash is stored here.
    """

    id = fields.IntField(primary_key=True)
    public_id = fields.CharField(max_length=32, unique=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="registrations", on_delete=fields.CASCADE
    )
    workshop_id: int
    session: fields.ForeignKeyNullableRelation[WorkshopSession] = fields.ForeignKeyField(
        f"{APP_LABEL}.WorkshopSession", related_name="registrations", null=True, on_delete=fields.SET_NULL
    )
    session_id: int | None
    email = fields.CharField(max_length=254)
    display_name = fields.CharField(max_length=80, default="")
    language = fields.CharField(max_length=5, default="fr")
    status = fields.CharEnumField(RegistrationStatus, max_length=20)
    token_hash = fields.CharField(max_length=64, unique=True)
    token_version = fields.IntField(default=1)  # raised to replace a leaked personal link
    answers: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)  # question id -> answer
    calendar_sequence = fields.IntField(default=0)  # the .ics SEQUENCE: raised at each change of date or session
    # Turned on by the reminders' one-click unsubscribe (List-Unsubscribe): no more reminders for this workshop.
    reminders_off = fields.BooleanField(default=False, db_default=False)
    invited_at = fields.DatetimeField(null=True)
    registered_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    waiting_since = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    participations: fields.ReverseRelation[Participant]

    class Meta:
        table = "registration"
        unique_together = (("workshop", "email"),)


class FeedbackAnswer(Model):
    """One person's answer to a workshop's feedback survey: at most one per registration or participant."""

    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="feedback", on_delete=fields.CASCADE
    )
    workshop_id: int
    session: fields.ForeignKeyNullableRelation[WorkshopSession] = fields.ForeignKeyField(
        f"{APP_LABEL}.WorkshopSession", related_name="feedback", null=True, on_delete=fields.SET_NULL
    )
    session_id: int | None
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        f"{APP_LABEL}.Registration", related_name="feedback", null=True, unique=True, on_delete=fields.SET_NULL
    )
    registration_id: int | None
    participant: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        f"{APP_LABEL}.Participant", related_name="feedback", null=True, unique=True, on_delete=fields.SET_NULL
    )
    participant_id: int | None
    satisfaction = fields.IntField()  # 1 (not at all satisfied) to 5 (very satisfied)
    on_stage = fields.BooleanField(default=False, db_default=False)  # at the closing step, else the personal page
    # [{"question": <the question as it was asked>, "answer": <their text>}, ...], in the survey's order then
    answers: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback_answer"


class OutboxMessage(Model):
    """An e-mail to send, written in the same transaction as the change that causes it.

    `facts` holds what the message is about (ids, the .ics method and sequence, the organiser's text); mail/
    renders the message from them and from the records they name, both to send it and to show it on the outbox
    page. `key` makes the Message-ID, the same at every attempt. `once_key`, when set, is unique: a reminder
    written twice for the same person and moment is refused by the database.
    """

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(MessageKind, max_length=30)
    to_address = fields.CharField(max_length=254)
    to_name = fields.CharField(max_length=80, default="")
    language = fields.CharField(max_length=5, default="fr")
    facts: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    workshop: fields.ForeignKeyNullableRelation[Workshop] = fields.ForeignKeyField(
        f"{APP_LABEL}.Workshop", related_name="outbox", null=True, on_delete=fields.SET_NULL
    )
    workshop_id: int | None
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        f"{APP_LABEL}.Registration", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    registration_id: int | None
    once_key = fields.CharField(max_length=200, null=True, unique=True)
    status = fields.CharEnumField(MessageStatus, max_length=10, default=MessageStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_message"
        ordering = ["id"]
