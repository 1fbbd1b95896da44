"""Commands that prepare workshops: drafts saved field by field, agenda, rooms, team, publishing.

Drafts are lenient: a value is refused only when it cannot be stored at all (too
long, not a number, a taken address). Whether the workshop is ready is the job
of `planning.review`, which the wizard shows beside each field.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Coroutine
from datetime import date, datetime, time
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from slugify import slugify
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from domain import activities, planning, seats, timekeeping
from domain.clock import Clock
from domain.errors import InvalidValue, NotFound
from domain.i18n import LANGUAGES, N_
from domain.models import (
    Aim,
    Audience,
    Interactivity,
    Registration,
    RegistrationMode,
    Room,
    RoomAssignment,
    RoomKind,
    StaffAccount,
    Step,
    StepKind,
    TeamMember,
    TeamRole,
    Workshop,
    WorkshopSession,
)
from domain.planning import Issue, Severity, WorkshopPlan
from domain.step_templates import TEMPLATES

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$")
RESERVED_SLUGS = frozenset({"new", "nouveau", "staff", "outbox", "admin", "api", "static"})
SUGGESTED_AGENDA = ("welcome", "presentation", "plenary_discussion", "breakout_discussion", "conclusion")
PLENARY_NAMES = {"fr": "Plénière", "en": "Plenary"}
BREAKOUT_NAMES = {"fr": "Salle {number}", "en": "Room {number}"}
MAX_TEXT = 10_000
WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
ARRIVAL_QUESTIONS = {"fr": "Qu’est-ce qui vous amène à cet atelier ?", "en": "What brings you to this workshop?"}
RULES_OF_CONDUCT = {
    "fr": "- La première fois que vous prenez la parole, dites votre prénom et ce qui vous amène.\n"
          "- Coupez votre micro quand vous ne parlez pas.\n"
          "- Levez la main virtuelle pour demander la parole.\n"
          "- Écoutez avec respect : chaque avis compte, et personne ne monopolise la parole.",
    "en": "- The first time you speak, say your first name and what brings you here.\n"
          "- Mute your microphone when you are not speaking.\n"
          "- Raise your virtual hand to ask for the floor.\n"
          "- Listen with respect: every view counts, and nobody keeps the floor to themselves.",
}
MAX_PEOPLE = 10_000
MAX_DAYS_KEPT = 3 * 365
MAX_HOURS_BEFORE = 14 * 24
log = logging.getLogger(__name__)


class NotReady(Exception):
    """Publishing was refused; `issues` are the blocking ones."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} blocking issue(s)")
        self.issues = issues


# ---------------------------------------------------------------- edits announced

PlanListener = Callable[[int], Awaitable[None]]


class PlanEdits:
    """Tells who follows workshops (the live sessions) that one was edited, once the edit is saved.

    Edits may come at any time, even while the workshop runs live: the seed's "edit the steps at
    any time". Each listener is awaited in turn, and one that fails is logged without undoing the edit.
    """

    def __init__(self) -> None:
        self._listeners: list[PlanListener] = []

    def subscribe(self, listener: PlanListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def announce(self, workshop_id: int) -> None:
        for listener in list(self._listeners):
            try:
                await listener(workshop_id)
            except Exception:
                log.exception("following the edit of workshop %s failed", workshop_id)


plan_edits = PlanEdits()
Subject = TypeVar("Subject", Workshop, WorkshopSession, Step, Room, TeamMember)
Options = ParamSpec("Options")
Result = TypeVar("Result")


def _edits_plan(
    edit: Callable[Concatenate[Subject, Options], Coroutine[Any, Any, Result]],
) -> Callable[Concatenate[Subject, Options], Coroutine[Any, Any, Result]]:
    """Announce the edit of the workshop that `edit`'s first argument belongs to, once it is saved."""

    async def edit_and_announce(subject: Subject, /, *args: Options.args, **kwargs: Options.kwargs) -> Result:
        result = await edit(subject, *args, **kwargs)
        await plan_edits.announce(subject.id if isinstance(subject, Workshop) else subject.workshop_id)
        return result

    functools.update_wrapper(edit_and_announce, edit)
    return edit_and_announce


# ---------------------------------------------------------------- field checks

def _text(limit: int) -> Callable[[str, Any], str]:
    """Text of at most `limit` characters. Longer text is refused, never cut: the message says how long it is, so
    that the page can leave it in the field, beside the message, while the last valid value stays stored."""
    def check(field: str, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if len(text) > limit:
            raise InvalidValue(N_("At most {count} characters: this text has {length}."), field=field,
                               count=limit, length=len(text))
        return text
    return check


def check_text(model: str, field: str, value: Any) -> str:
    """`value` as `field` of a workshop, step or room would store it, or InvalidValue: for forms that check before
    anything is stored (the new workshop's title)."""
    checks = {"workshop": WORKSHOP_FIELDS, "step": STEP_FIELDS, "room": ROOM_FIELDS}[model]
    return cast(str, checks[field](field, value))


def _whole_number(low: int, high: int, *, optional: bool = False) -> Callable[[str, Any], int | None]:
    def check(field: str, value: Any) -> int | None:
        if value is None or value == "":
            if optional:
                return None
            raise InvalidValue(N_("Enter a number."), field=field)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidValue(N_("Enter a number."), field=field) from None
        if not number.is_integer():
            raise InvalidValue(N_("Enter a whole number."), field=field)
        if not low <= number <= high:
            raise InvalidValue(N_("Enter a number between {low} and {high}."), field=field, low=low, high=high)
        return int(number)
    return check


def _choice(enum: type) -> Callable[[str, Any], Any]:
    def check(field: str, value: Any) -> Any:
        try:
            return enum(value)
        except ValueError:
            raise InvalidValue(N_("Choose one of the options."), field=field) from None
    return check


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Choose one of the options."), field=field)
    return value


def _web_address(field: str, value: Any) -> str:
    text = _text(500)(field, value)
    if text and not WEB_ADDRESS.match(text):
        raise InvalidValue(N_("Enter a web address starting with https:// or http://."), field=field)
    return text


def _one_line(limit: int) -> Callable[[str, Any], str]:
    """Text on one line (an e-mail subject): line breaks become spaces, so none can reach a mail header."""
    def check(field: str, value: Any) -> str:
        return _text(limit)(field, " ".join(str(value or "").split()))
    return check


def _required(check: Callable[[str, Any], str], message: str, *, minimum: int = 1,
              **params: object) -> Callable[[str, Any], str]:
    """A text the plan cannot do without (a title, a name): refused when shorter than `minimum` characters, with
    the review's own words, so that the last valid one stays stored while the field is being rewritten."""
    def check_required(field: str, value: Any) -> str:
        text = check(field, value)
        if len(text) < minimum:
            raise InvalidValue(message, field=field, **params)
        return text
    return check_required


def _language(field: str, value: Any) -> str:
    if value not in LANGUAGES:
        raise InvalidValue(N_("Choose one of the options."), field=field)
    return str(value)


WORKSHOP_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "title": _required(_text(120), N_("Give the workshop a title of at least {count} characters."),
                       minimum=planning.MIN_TITLE_LENGTH, count=planning.MIN_TITLE_LENGTH),
    "description": _required(_text(MAX_TEXT),
                             N_("Describe the workshop for the public: what it is about and why take part.")),
    "objectives": _text(MAX_TEXT),
    "success_factors": _text(MAX_TEXT),
    "interactivity": _choice(Interactivity),
    "audience": _choice(Audience),
    "audience_details": _text(MAX_TEXT),
    "aim": _choice(Aim),
    "language": _language,
    "ask_email": _flag,
    "arrival_question": _text(300),
    "rules_of_conduct": _text(MAX_TEXT),
    "thank_you_message": _text(MAX_TEXT),
    "next_dates": _text(MAX_TEXT),
    "feedback_url": _web_address,
    "duration_minutes": _whole_number(planning.MIN_DURATION_MINUTES, planning.MAX_DURATION_MINUTES),
    "expected_participants": _whole_number(1, MAX_PEOPLE, optional=True),
    "room_assignment": _choice(RoomAssignment),
    "registration_mode": _choice(RegistrationMode),
    "personal_data_kept_days": _whole_number(7, MAX_DAYS_KEPT),
    "practical_information_hours_before": _whole_number(1, MAX_HOURS_BEFORE, optional=True),
    "reminder_message": _text(2000),
    "invitation_subject": _one_line(200),
    "invitation_body": _text(MAX_TEXT),
}
# Lists edited by domain/participation.py, copied with the rest when a workshop is duplicated.
WORKSHOP_LISTS = ("registration_questions", "reminder_hours_before", "feedback_questions")

STEP_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "title": _required(_text(120), N_("Give this step a title.")),
    "objective": _text(300),
    "kind": _choice(StepKind),
    "minutes": _whole_number(planning.MIN_STEP_MINUTES, planning.MAX_STEP_MINUTES),
    "context_info": _text(MAX_TEXT),
    "expected_of_participants": _text(MAX_TEXT),
    "moderator_script": _text(2 * MAX_TEXT),
    "activity": lambda field, value: value,  # checked against the step's kind in update_step
}

ROOM_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "name": _required(_text(80), N_("Give this room a name.")),
    "topic": _text(300),
    "capacity": _whole_number(2, MAX_PEOPLE, optional=True),
}


def _apply(record: Any, checks: dict[str, Callable[[str, Any], Any]], field: str, value: Any) -> Any:
    if field not in checks:
        raise ValueError(f"{type(record).__name__}.{field} is not editable")
    checked = checks[field](field, value)
    setattr(record, field, checked)
    return checked


# ---------------------------------------------------------------- loading

async def load_plan(slug: str) -> WorkshopPlan:
    workshop = await Workshop.get_or_none(slug=slug)
    if workshop is None:
        raise NotFound(N_("There is no workshop at this address."))
    return await _plan_of(workshop)


async def load_plan_by_id(workshop_id: int) -> WorkshopPlan:
    return await _plan_of(await Workshop.get(id=workshop_id))


async def _plan_of(workshop: Workshop) -> WorkshopPlan:
    return (await _plans_of(Workshop.filter(id=workshop.id)))[0]


async def _plans_of(query: QuerySet[Workshop]) -> list[WorkshopPlan]:
    """Plans for every workshop of the query, in five queries whatever their number.

    A cancelled session is no longer part of the plan: its record stays for the registrations it had.
    """
    loaded = await query.prefetch_related("sessions", "steps", "rooms", "team__account")
    return [
        WorkshopPlan(
            workshop=workshop,
            sessions=sorted((session for session in workshop.sessions if session.cancelled_at is None),
                            key=lambda session: (session.starts_at, session.id)),
            steps=sorted(workshop.steps, key=lambda step: (step.position, step.id)),
            rooms=sorted(workshop.rooms, key=lambda room: (room.position, room.id)),
            team=sorted(workshop.team, key=lambda member: member.id),
        )
        for workshop in loaded
    ]


async def published_plan(slug: str) -> WorkshopPlan | None:
    plans = await _plans_of(Workshop.filter(slug=slug, published_at__isnull=False, archived_at__isnull=True))
    return plans[0] if plans else None


async def list_plans(*, archived: bool = False) -> list[WorkshopPlan]:
    return await _plans_of(Workshop.filter(archived_at__isnull=not archived).order_by("-updated_at"))


async def plans_for_moderator(account: StaffAccount) -> list[WorkshopPlan]:
    return await _plans_of(Workshop.filter(team__account=account, archived_at__isnull=True).distinct())


async def upcoming_public_plans(now: datetime) -> list[WorkshopPlan]:
    """Published workshops with a session to come, soonest first."""
    plans = await _plans_of(Workshop.filter(published_at__isnull=False, archived_at__isnull=True))
    upcoming = [(session, plan) for plan in plans if (session := plan.next_session(now)) is not None]
    return [plan for _, plan in sorted(upcoming, key=lambda pair: pair[0].starts_at)]


# ---------------------------------------------------------------- creating

async def unique_slug(text: str, *, exclude_id: int | None = None) -> str:
    base = slugify(text, max_length=50, word_boundary=True) or "atelier"
    if len(base) < 3 or base in RESERVED_SLUGS:
        base = f"atelier-{base}".strip("-")
    candidate, number = base, 2
    while await Workshop.filter(slug=candidate).exclude(id=exclude_id or 0).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


async def create_workshop(
    *,
    title: str,
    created_by: StaffAccount | None,
    language: str = "fr",
    time_zone: str = "Europe/Paris",
    suggested_agenda: bool = True,
) -> Workshop:
    title = WORKSHOP_FIELDS["title"]("title", title)
    language = _language("language", language)
    if not timekeeping.is_known_zone(time_zone):
        time_zone = "Europe/Paris"
    async with in_transaction():
        workshop = await Workshop.create(
            slug=await unique_slug(title), title=title, language=language, time_zone=time_zone,
            created_by=created_by, arrival_question=ARRIVAL_QUESTIONS[language],
            rules_of_conduct=RULES_OF_CONDUCT[language],
        )
        await Room.create(workshop=workshop, kind=RoomKind.PLENARY, position=0, name=PLENARY_NAMES[language])
        if suggested_agenda:
            for key in SUGGESTED_AGENDA:
                await add_step(workshop, template=key)
    return workshop


async def duplicate_workshop(source: Workshop, *, title: str, created_by: StaffAccount | None) -> Workshop:
    """A new draft with the same purpose, agenda, rooms and team; dates are left to set."""
    plan = await _plan_of(source)
    copied = {name: getattr(source, name) for name in (*WORKSHOP_FIELDS, *WORKSHOP_LISTS) if name != "title"}
    async with in_transaction():
        workshop = await Workshop.create(
            **copied, title=title[:120], slug=await unique_slug(title), time_zone=source.time_zone,
            created_by=created_by,
        )
        for step in plan.steps:
            await Step.create(workshop=workshop, position=step.position,
                              **{name: getattr(step, name) for name in STEP_FIELDS})
        for room in plan.rooms:
            await Room.create(workshop=workshop, kind=room.kind, position=room.position,
                              **{name: getattr(room, name) for name in ROOM_FIELDS})
        for member in plan.team:
            await TeamMember.create(workshop=workshop, account_id=member.account_id, role=member.role)
    return workshop


# ---------------------------------------------------------------- purpose, when

@_edits_plan
async def update_workshop(workshop: Workshop, field: str, value: Any, *, clock: Clock | None = None) -> Any:
    """Save one field. A new length of the sessions changes when they end: the people with a place in a session
    still to come are told (domain/seats.py), which needs `clock`."""
    if field not in WORKSHOP_FIELDS:
        raise ValueError(f"Workshop.{field} is not editable")
    checked = WORKSHOP_FIELDS[field](field, value)
    new_length = field == "duration_minutes" and checked != workshop.duration_minutes
    if new_length and clock is None:
        raise ValueError("changing the sessions' length tells the people registered: give the clock")
    setattr(workshop, field, checked)
    if not new_length:
        await workshop.save(update_fields=[field, "updated_at"])
        return checked
    assert clock is not None
    async with in_transaction() as connection:
        await workshop.save(update_fields=[field, "updated_at"], using_db=connection)
        for session in await WorkshopSession.filter(workshop=workshop, cancelled_at__isnull=True,
                                                    starts_at__gt=clock.now()).using_db(connection):
            await seats.session_moved(session, clock=clock, connection=connection)
    return checked


@_edits_plan
async def set_time_zone(workshop: Workshop, zone_name: str, *, clock: Clock) -> None:
    """Change the zone, keeping each session at the same local wall-clock time.

    The sessions then start at another instant: the people registered are told (domain/seats.py).
    """
    timekeeping.zone(zone_name)
    async with in_transaction() as connection:
        for session in await WorkshopSession.filter(workshop=workshop, cancelled_at__isnull=True).using_db(
                connection):
            local = timekeeping.to_local(session.starts_at, workshop.time_zone)
            starts_at = timekeeping.to_utc(local.date(), local.time(), zone_name)
            if starts_at != session.starts_at:
                session.starts_at = starts_at
                await session.save(update_fields=["starts_at"], using_db=connection)
                await seats.session_moved(session, clock=clock, connection=connection)
        workshop.time_zone = zone_name
        await workshop.save(update_fields=["time_zone", "updated_at"], using_db=connection)


@_edits_plan
async def add_session(workshop: Workshop, local_date: date, local_time: time) -> WorkshopSession:
    starts_at = timekeeping.to_utc(local_date, local_time, workshop.time_zone)
    session = await WorkshopSession.create(workshop=workshop, starts_at=starts_at)
    await workshop.save(update_fields=["updated_at"])
    return session


@_edits_plan
async def move_session(session: WorkshopSession, workshop: Workshop, local_date: date, local_time: time, *,
                       clock: Clock) -> None:
    """Move the session to another date or time; the people with a place are told, with the change."""
    starts_at = timekeeping.to_utc(local_date, local_time, workshop.time_zone)
    if starts_at == session.starts_at:
        return
    async with in_transaction() as connection:
        session.starts_at = starts_at
        await session.save(update_fields=["starts_at"], using_db=connection)
        await seats.session_moved(session, clock=clock, connection=connection)


@_edits_plan
async def set_session_capacity(session: WorkshopSession, value: Any, *, clock: Clock) -> None:
    """Set how many people the session takes; places a raise frees go at once to the first people waiting."""
    capacity = _whole_number(1, MAX_PEOPLE, optional=True)("capacity", value)
    async with in_transaction() as connection:
        locked = await seats.lock_sessions([session.id], connection)
        if session.id not in locked:
            return
        session.capacity = locked[session.id].capacity = capacity
        await session.save(update_fields=["capacity"], using_db=connection)
        await seats.fill_from_waiting_list(locked[session.id], clock=clock, connection=connection)


@_edits_plan
async def delete_session(session: WorkshopSession, *, clock: Clock) -> None:
    """Remove a session. One that people registered for is cancelled instead: they are told, and its record stays
    for their registrations and the messages about it."""
    async with in_transaction() as connection:
        locked = await seats.lock_sessions([session.id], connection)
        if session.id not in locked:
            return
        if not await Registration.filter(session_id=session.id).using_db(connection).exists():
            await session.delete(using_db=connection)
            return
        session.cancelled_at = clock.now()
        await session.save(update_fields=["cancelled_at"], using_db=connection)
        await seats.session_cancelled(session, clock=clock, connection=connection)


# ---------------------------------------------------------------- agenda

@_edits_plan
async def add_step(workshop: Workshop, template: str | None = None) -> Step:
    position = await Step.filter(workshop=workshop).count()
    if template is None:
        step = await Step.create(workshop=workshop, position=position)
    else:
        model = TEMPLATES[template]
        text = model.text(workshop.language)
        step = await Step.create(
            workshop=workshop, position=position, kind=model.kind, minutes=model.minutes,
            title=text.title, objective=text.objective, context_info=text.context_info,
            expected_of_participants=text.expected_of_participants, moderator_script=text.moderator_script,
        )
    await workshop.save(update_fields=["updated_at"])
    return step


@_edits_plan
async def update_step(step: Step, field: str, value: Any) -> Any:
    if field == "activity":
        value = activities.checked_activity(value, step.kind)
    elif field == "kind" and step.activity is not None:
        # An activity that does not suit the new kind goes (a room summary in a plenary step).
        try:
            activities.checked_activity(step.activity, _choice(StepKind)(field, value))
        except InvalidValue:
            step.activity = None
            await step.save(update_fields=["activity"])
    checked = _apply(step, STEP_FIELDS, field, value)
    await step.save(update_fields=[field])
    return checked


async def _ordered_ids(model: type[Step] | type[Room], workshop_id: int,
                       connection: BaseDBAsyncClient | None = None) -> list[int]:
    ids = await model.filter(workshop_id=workshop_id).using_db(connection).order_by("position", "id").values_list(
        "id", flat=True)
    return cast(list[int], ids)  # Tortoise types values_list as tuples, even flat ones


async def _renumber(model: type[Step] | type[Room], workshop_id: int, ordered_ids: list[int],
                    connection: BaseDBAsyncClient | None = None) -> None:
    """Positions 0, 1, 2... in this order; only the records whose position changes are written."""
    positions = dict(cast(list[tuple[int, int]], await model.filter(workshop_id=workshop_id).using_db(
        connection).values_list("id", "position")))
    for position, record_id in enumerate(ordered_ids):
        if positions.get(record_id) != position:
            await model.filter(id=record_id, workshop_id=workshop_id).using_db(connection).update(position=position)


async def _put_back(record: Step | Room, position: int) -> None:
    """Save a step or room made again and move it to `position` among its workshop's, in one transaction."""
    async with in_transaction():
        await record.save()
        others = [record_id for record_id in await _ordered_ids(type(record), record.workshop_id)
                  if record_id != record.id]
        ids = [*others[:max(position, 0)], record.id, *others[max(position, 0):]]
        await _renumber(type(record), record.workshop_id, ids)


@_edits_plan
async def move_step(step: Step, offset: int) -> None:
    """Move a step up (negative offset) or down the agenda."""
    async with in_transaction():
        ids = await _ordered_ids(Step, step.workshop_id)
        index = ids.index(step.id)
        target = min(max(index + offset, 0), len(ids) - 1)
        ids.insert(target, ids.pop(index))
        await _renumber(Step, step.workshop_id, ids)


@_edits_plan
async def duplicate_step(step: Step) -> Step:
    async with in_transaction():
        await Step.filter(workshop_id=step.workshop_id, position__gt=step.position).update(
            position=F("position") + 1)
        copy = await Step.create(workshop_id=step.workshop_id, position=step.position + 1,
                                 **{name: getattr(step, name) for name in STEP_FIELDS})
    return copy


@_edits_plan
async def delete_step(step: Step) -> None:
    async with in_transaction():
        await step.delete()
        ids = await _ordered_ids(Step, step.workshop_id)
        await _renumber(Step, step.workshop_id, ids)


@_edits_plan
async def restore_step(workshop: Workshop, saved: dict[str, Any], position: int) -> Step:
    """Put back a step someone deleted, at its place, with what it held (`saved`: its fields, some changed by an
    organiser who was typing in it when it went). Every field is checked as when edited."""
    step = Step(workshop=workshop, position=position)
    for name in ("kind", *(name for name in STEP_FIELDS if name not in ("kind", "activity"))):
        if name in saved:
            _apply(step, STEP_FIELDS, name, saved[name])
    if saved.get("activity") is not None:
        step.activity = activities.checked_activity(saved["activity"], step.kind)
    await _put_back(step, position)
    return step


# ---------------------------------------------------------------- rooms

@_edits_plan
async def add_breakout_room(workshop: Workshop, name: str | None = None) -> Room:
    count = await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).count()
    position = await Room.filter(workshop=workshop).count()
    label = name or BREAKOUT_NAMES[workshop.language].format(number=count + 1)
    return await Room.create(workshop=workshop, kind=RoomKind.BREAKOUT, position=position, name=label)


@_edits_plan
async def add_breakout_rooms(workshop: Workshop, count: int) -> list[Room]:
    """`count` breakout rooms after the others, named in turn, in one transaction and one announced edit."""
    if not 0 <= count <= MAX_PEOPLE:
        raise InvalidValue(N_("Enter a number between {low} and {high}."), field="rooms", low=0, high=MAX_PEOPLE)
    async with in_transaction() as connection:
        existing = await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).using_db(connection).count()
        position = await Room.filter(workshop=workshop).using_db(connection).count()
        return [await Room.create(workshop=workshop, kind=RoomKind.BREAKOUT, position=position + number,
                                  name=BREAKOUT_NAMES[workshop.language].format(number=existing + number + 1),
                                  using_db=connection)
                for number in range(count)]


def rooms_to_suggest(workshop: Workshop, breakout_rooms: int) -> int:
    """How many breakout rooms to add to reach the number suggested for the expected participants."""
    suggestion = planning.breakout_room_suggestion(workshop.expected_participants or 0)
    if suggestion is None:
        raise InvalidValue(
            N_("Say how many participants you expect (at least 10) to get a suggestion."),
            field="expected_participants",
        )
    return max(0, suggestion.suggested - breakout_rooms)


async def add_suggested_rooms(workshop: Workshop, *, at_most: int | None = None) -> list[Room]:
    """Top the breakout rooms up to the suggested number for the expected participants, adding no more than
    `at_most` (the number the organiser was asked about: the suggestion may have grown since)."""
    existing = await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).count()
    missing = rooms_to_suggest(workshop, existing)
    return await add_breakout_rooms(workshop, missing if at_most is None else min(missing, at_most))


@_edits_plan
async def update_room(room: Room, field: str, value: Any) -> Any:
    checked = _apply(room, ROOM_FIELDS, field, value)
    await room.save(update_fields=[field])
    return checked


@_edits_plan
async def delete_room(room: Room) -> None:
    if room.kind == RoomKind.PLENARY:
        raise InvalidValue(N_("The plenary room cannot be removed."), field="rooms")
    async with in_transaction():
        await room.delete()
        ids = await _ordered_ids(Room, room.workshop_id)
        await _renumber(Room, room.workshop_id, ids)


@_edits_plan
async def delete_rooms(workshop: Workshop, room_ids: Collection[int]) -> int:
    """Remove these breakout rooms of the workshop at once: one transaction, one announced edit. Rooms already
    gone (removed by another organiser) are left out; the plenary is refused. Returns how many were removed."""
    wanted = set(room_ids)
    async with in_transaction() as connection:
        rooms = await Room.filter(workshop=workshop, id__in=wanted).using_db(connection)
        if any(room.kind == RoomKind.PLENARY for room in rooms):
            raise InvalidValue(N_("The plenary room cannot be removed."), field="rooms")
        if not rooms:
            return 0
        await Room.filter(workshop=workshop, id__in=[room.id for room in rooms]).using_db(connection).delete()
        ids = await _ordered_ids(Room, workshop.id, connection)
        await _renumber(Room, workshop.id, ids, connection)
    return len(rooms)


@_edits_plan
async def restore_room(workshop: Workshop, saved: dict[str, Any], position: int) -> Room:
    """Put back a breakout room someone deleted, at its place, with what it held (`saved`, as for a step)."""
    room = Room(workshop=workshop, kind=RoomKind.BREAKOUT, position=position)
    for name in ROOM_FIELDS:
        if name in saved:
            _apply(room, ROOM_FIELDS, name, saved[name])
    await _put_back(room, position)
    return room


# ---------------------------------------------------------------- team

@_edits_plan
async def add_team_member(workshop: Workshop, account_id: int, role: TeamRole) -> TeamMember:
    account = await StaffAccount.get_or_none(id=account_id, active=True)
    if account is None:
        raise InvalidValue(N_("Choose a staff account from the list."), field="team")
    if await TeamMember.filter(workshop=workshop, account=account).exists():
        raise InvalidValue(N_("This person is already in the team."), field="team")
    return await TeamMember.create(workshop=workshop, account=account, role=role)


@_edits_plan
async def set_team_role(member: TeamMember, role: TeamRole) -> None:
    member.role = TeamRole(role)
    await member.save(update_fields=["role"])


@_edits_plan
async def remove_team_member(member: TeamMember) -> None:
    await member.delete()


# ---------------------------------------------------------------- address and life cycle

@_edits_plan
async def set_slug(workshop: Workshop, slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug) or "--" in slug:
        raise InvalidValue(
            N_("Use 3 to 60 lowercase letters, digits and hyphens, starting and ending with a letter or digit."),
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise InvalidValue(N_("This address is reserved. Choose another one."), field="slug")
    if await Workshop.filter(slug=slug).exclude(id=workshop.id).exists():
        raise InvalidValue(N_("Another workshop already uses this address."), field="slug")
    workshop.slug = slug
    await workshop.save(update_fields=["slug", "updated_at"])
    return slug


async def publish(workshop: Workshop, clock: Clock) -> None:
    plan = await _plan_of(workshop)
    blocking = [issue for issue in planning.review(plan, clock.now()) if issue.severity == Severity.ERROR]
    if blocking:
        raise NotReady(blocking)
    workshop.published_at = clock.now()
    await workshop.save(update_fields=["published_at", "updated_at"])


async def unpublish(workshop: Workshop) -> None:
    workshop.published_at = None
    await workshop.save(update_fields=["published_at", "updated_at"])


async def archive(workshop: Workshop, clock: Clock) -> None:
    workshop.archived_at = clock.now()
    await workshop.save(update_fields=["archived_at", "updated_at"])


async def unarchive(workshop: Workshop) -> None:
    workshop.archived_at = None
    await workshop.save(update_fields=["archived_at", "updated_at"])
