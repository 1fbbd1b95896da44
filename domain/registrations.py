"""Registrations: the public form, the personal link, a place in a session, changing, cancelling, coming in.

Every command writes its change and the e-mails it causes (domain/outbox.py) in one transaction, with the
sessions concerned locked (domain/seats.py): a change is never without its message, nor a message without its
change, and two people taking the last place at once are put in order by the database.

The public form takes no place: it writes an UNCONFIRMED registration and sends CONFIRM_ADDRESS, whose link (the
personal page) proves the address is theirs; only then is a place taken, or a place on the waiting list. The form's
answer is the same whether the address was new or known, so that nobody learns who registered: the owner of a known
address gets a message instead. Bots are slowed by a hidden field people leave empty, and by limits per address
and per network (`PublicFormLimits`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import names, seats
from domain.addresses import check_address
from domain.clock import Clock
from domain.errors import DomainError, InvalidValue, NotAllowed, TooManyAttempts
from domain.i18n import N_
from domain.limits import RateLimit, Rule, network_key
from domain.live.session import LiveSession
from domain.live.state import Person
from domain.models import (
    MessageKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, token_hash
from domain.planning import WorkshopPlan
from domain.questions import QuestionKind, asked_on_the_form
from domain.seats import CancelReason

log = logging.getLogger(__name__)

MAX_TEXT_ANSWER = 1_000
# From when a person with a place may enter the lobby from their personal page, until the session's end.
ENTRY_OPENS_BEFORE = timedelta(minutes=30)
# Statuses without a place, from which a personal page registers in one click.
WITHOUT_PLACE = (RegistrationStatus.INVITED, RegistrationStatus.UNCONFIRMED, RegistrationStatus.CANCELLED)


@dataclass(frozen=True)
class PublicFormLimits:
    """How many registrations the public form takes per e-mail address and per network, across workshops.

    Per address, what goes beyond is answered as usual and sends nothing: the owner of the address is not flooded,
    and the answer tells nobody that the address was used. Per network (an IPv4 address, an IPv6 /64), the visitor
    is told to wait: a family or a library may register a few people, a script hundreds.
    """

    per_address: Sequence[Rule] = (Rule(3, timedelta(hours=1)), Rule(6, timedelta(days=1)))
    per_network: Sequence[Rule] = (Rule(10, timedelta(minutes=10)), Rule(60, timedelta(days=1)))


@dataclass(frozen=True)
class PublicForm:
    """What a visitor typed in the public registration form."""

    session_id: int | None
    name: str
    email: str
    answers: Mapping[str, Any] = field(default_factory=dict)  # question id -> text, a choice, or room ids
    consent: bool = False
    trap: str = ""  # the hidden field: people never see it, bots fill it in


@dataclass(frozen=True)
class CheckedForm:
    session: WorkshopSession
    name: str
    email: str
    answers: dict[str, Any]


class InvalidForm(DomainError):
    """Some fields of a form are refused: `problems` has one message per field, to show beside it."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        super().__init__(N_("Some answers need another look: see the messages beside them."))
        self.problems = problems

    def about(self, field_name: str) -> InvalidValue | None:
        return next((problem for problem in self.problems if problem.field == field_name), None)


# ---------------------------------------------------------------- reading

def open_sessions(plan: WorkshopPlan, now: datetime) -> list[WorkshopSession]:
    """The sessions one may still register for: not cancelled, not over."""
    return [session for session in plan.sessions if plan.session_end(session) > now]


def may_enter(plan: WorkshopPlan, session: WorkshopSession, now: datetime) -> bool:
    """Whether the way in from the personal page is open: from 30 minutes before the start to the end."""
    return session.starts_at - ENTRY_OPENS_BEFORE <= now < plan.session_end(session)


def takes_public_registrations(plan: WorkshopPlan) -> bool:
    workshop = plan.workshop
    return (workshop.registration_mode == RegistrationMode.PUBLIC_FORM and workshop.published_at is not None
            and workshop.archived_at is None)


def check_answers(plan: WorkshopPlan, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[InvalidValue]]:
    """The answers kept (question id -> text, choice, or list of room ids), and a problem per refused answer."""
    kept: dict[str, Any] = {}
    problems = []
    room_ids = {room.id for room in plan.breakout_rooms}
    for question in asked_on_the_form(plan):
        answer = answers.get(question.id)
        if answer is None or answer == "" or answer == []:
            continue
        if question.kind == QuestionKind.TEXT:
            text = str(answer).strip()
            if len(text) > MAX_TEXT_ANSWER:
                problems.append(InvalidValue(N_("At most {count} characters."), field=question.field,
                                             count=MAX_TEXT_ANSWER))
            elif text:
                kept[question.id] = text
        elif question.kind == QuestionKind.CHOICE:
            if answer not in question.choices:
                problems.append(InvalidValue(N_("Choose one of the options."), field=question.field))
            else:
                kept[question.id] = answer
        else:
            chosen = answer if isinstance(answer, list | tuple) else [answer]
            if not all(isinstance(room_id, int) and room_id in room_ids for room_id in chosen):
                problems.append(InvalidValue(N_("Choose among the rooms listed."), field=question.field))
            else:
                kept[question.id] = sorted(set(chosen))
    return kept, problems


async def places(plan: WorkshopPlan, now: datetime) -> dict[int, int | None]:
    """Free places in each open session (None: no limit), as the form and the personal page show them."""
    sessions = open_sessions(plan, now)
    taken = await seats.places_taken(session.id for session in sessions)
    return {session.id: seats.places_left(session, taken[session.id]) for session in sessions}


# ---------------------------------------------------------------- commands

class Registrations:
    """The registration commands, with what they need beyond the database: the personal links' secret, the
    clock, and the public form's limits (kept in memory: a restart forgets them)."""

    def __init__(self, links: PersonalLinks, clock: Clock, limits: PublicFormLimits | None = None) -> None:
        limits = limits or PublicFormLimits()
        self.links = links
        self.clock = clock
        self._per_address = RateLimit(clock, *limits.per_address)
        self._per_network = RateLimit(clock, *limits.per_network)

    # ------------------------------------------------------------ the public form

    def check_public_form(self, plan: WorkshopPlan, form: PublicForm) -> CheckedForm:
        """The form's values as they will be kept, or `InvalidForm` with a message for each refused field."""
        problems: list[InvalidValue] = []
        sessions = open_sessions(plan, self.clock.now())
        session = next((s for s in sessions if s.id == form.session_id), None)
        if session is None and form.session_id is None and len(sessions) == 1:
            session = sessions[0]
        if session is None:
            problems.append(InvalidValue(N_("Choose a session."), field="session"))
        name = email = ""
        try:
            name = names.participant_name(form.name, [member.account.display_name for member in plan.team])
        except InvalidValue as problem:
            problems.append(problem)
        try:
            email = check_address(form.email)
        except InvalidValue as problem:
            problems.append(problem)
        answers, refused = check_answers(plan, form.answers)
        problems.extend(refused)
        if not form.consent:
            problems.append(InvalidValue(N_("Tick this box to register: it says what is kept about you, and for "
                                            "how long."), field="consent"))
        if problems:
            raise InvalidForm(problems)
        assert session is not None
        return CheckedForm(session, name, email, answers)

    async def register(self, plan: WorkshopPlan, form: PublicForm, *, language: str,
                       network_address: str | None) -> None:
        """Register from the public form: an address to confirm, nothing more until its link is followed.

        The same answer whatever the database holds: a known address gets a message of its own (the link to its
        page, or its place again), never a change made by whoever typed it. Refused: a workshop that takes no
        public registration (`NotAllowed`), bad fields (`InvalidForm`), too many from one network
        (`TooManyAttempts`).
        """
        if form.trap.strip():
            log.info("a registration with the hidden field filled in was ignored (workshop %s)", plan.workshop.id)
            return
        if not takes_public_registrations(plan):
            raise NotAllowed(N_("This workshop does not take registrations on its page."))
        checked = self.check_public_form(plan, form)
        network = network_key(network_address) if network_address is not None else None
        if network is not None:
            wait = self._per_network.try_use(network)
            if wait > timedelta(0):
                raise TooManyAttempts(N_("Many registrations came from your network just now: try again in "
                                         "{minutes} minutes."), retry_after_seconds=int(wait.total_seconds() + 0.999),
                                      minutes=int(wait.total_seconds() // 60) + 1)
        if self._per_address.try_use(checked.email) > timedelta(0):
            log.info("registration for an address past its limit: nothing sent (workshop %s)", plan.workshop.id)
            return
        try:
            await self._write_public(plan, checked, language)
        except IntegrityError:  # the same address registered at the same instant: now it is a known one
            await self._write_public(plan, checked, language)

    async def _write_public(self, plan: WorkshopPlan, form: CheckedForm, language: str) -> None:
        now = self.clock.now()
        async with in_transaction() as connection:
            known = await (Registration.filter(workshop_id=plan.workshop.id, email=form.email)
                           .select_for_update().using_db(connection).first())
            if known is None:
                public_id = secrets.token_hex(16)
                registration = await Registration.create(
                    public_id=public_id, token_hash=token_hash(self.links.token(public_id, 1)),
                    workshop_id=plan.workshop.id, session_id=form.session.id, email=form.email,
                    display_name=form.name, language=language, status=RegistrationStatus.UNCONFIRMED,
                    answers=form.answers, registered_at=now, using_db=connection)
                await seats.tell(registration, MessageKind.CONFIRM_ADDRESS, clock=self.clock, connection=connection)
            else:
                await self._registered_again(known, form, language, connection)

    async def _registered_again(self, known: Registration, form: CheckedForm, language: str,
                                connection: BaseDBAsyncClient) -> None:
        """A known address on the public form: its owner hears of it; what the form says is kept only while nothing
        was confirmed (nobody can change someone else's registration by typing their address)."""
        if known.status == RegistrationStatus.CONFIRMED:
            assert known.session_id is not None
            await seats.tell_calendar(known, MessageKind.REGISTERED, known.session_id, clock=self.clock,
                                      connection=connection)
        elif known.status == RegistrationStatus.WAITING:
            await seats.tell(known, MessageKind.WAITING_LIST, clock=self.clock, connection=connection,
                             session_id=known.session_id)
        else:
            if known.status in (RegistrationStatus.UNCONFIRMED, RegistrationStatus.CANCELLED):
                known.status, known.session_id = RegistrationStatus.UNCONFIRMED, form.session.id
                known.display_name, known.answers, known.language = form.name, form.answers, language
                known.registered_at, known.cancelled_at = self.clock.now(), None
                await known.save(update_fields=["status", "session_id", "display_name", "answers", "language",
                                                "registered_at", "cancelled_at"], using_db=connection)
            await seats.tell(known, MessageKind.CONFIRM_ADDRESS, clock=self.clock, connection=connection)

    # ------------------------------------------------------------ from the personal page

    @asynccontextmanager
    async def _locked(self, registration: Registration,
                      *other_sessions: int) -> AsyncIterator[tuple[BaseDBAsyncClient, Registration,
                                                                  dict[int, WorkshopSession]]]:
        """A transaction with the registration's session (and `other_sessions`) locked, then the registration,
        read afresh. Sessions are locked before registrations, as every command does; should the registration
        have moved to another session meanwhile, its new one is locked instead."""
        session_id = registration.session_id
        while True:
            async with in_transaction() as connection:
                locked = await seats.lock_sessions([session_id, *other_sessions], connection)
                current = await Registration.filter(id=registration.id).select_for_update().using_db(connection).get()
                if current.session_id == session_id:
                    yield connection, current, locked
                    break
            session_id = current.session_id
        for name in ("status", "session_id", "display_name", "answers", "calendar_sequence", "confirmed_at",
                     "registered_at", "waiting_since", "cancelled_at"):
            setattr(registration, name, getattr(current, name))  # the caller's copy says what was done

    async def confirm_address(self, registration: Registration) -> None:
        """Their personal link was followed, so the address is theirs. An unconfirmed registration whose session is
        still open takes its place (or a place on the waiting list); without one, they choose on their page."""
        if registration.status != RegistrationStatus.UNCONFIRMED and registration.confirmed_at is not None:
            return
        async with self._locked(registration) as (connection, current, locked):
            if current.confirmed_at is None:
                current.confirmed_at = self.clock.now()
                await current.save(update_fields=["confirmed_at"], using_db=connection)
            if current.status != RegistrationStatus.UNCONFIRMED or current.session_id not in locked:
                return
            if await self._open(locked[current.session_id], connection):
                await seats.seat(current, locked[current.session_id], clock=self.clock, connection=connection)

    async def _open(self, session: WorkshopSession, connection: BaseDBAsyncClient) -> bool:
        """Whether one may still take a place in this session: not cancelled, not over."""
        if session.cancelled_at is not None:
            return False
        workshop = await Workshop.filter(id=session.workshop_id).using_db(connection).get()
        return session.starts_at + timedelta(minutes=workshop.duration_minutes) > self.clock.now()

    async def take_part(self, registration: Registration, plan: WorkshopPlan, *, session_id: int | None,
                        answers: Mapping[str, Any] | None = None, name: str | None = None) -> None:
        """Register in one click from the personal page: an invitation accepted, a session chosen again, a
        registration cancelled taken up again. A place in the session, or one on its waiting list.

        `name` is needed when the registration has none (an invitation sent to an address alone).
        """
        if registration.status not in WITHOUT_PLACE:
            raise NotAllowed(N_("You are already registered."))
        problems: list[InvalidValue] = []
        sessions = open_sessions(plan, self.clock.now())
        session = next((s for s in sessions if s.id == session_id), sessions[0] if len(sessions) == 1 else None)
        if session is None:
            problems.append(InvalidValue(N_("Choose a session."), field="session"))
        chosen_name = registration.display_name
        if name is not None or not chosen_name:
            try:
                chosen_name = names.participant_name(name or "", [m.account.display_name for m in plan.team])
            except InvalidValue as problem:
                problems.append(problem)
        kept, refused = check_answers(plan, answers or {})
        problems.extend(refused)
        if problems:
            raise InvalidForm(problems)
        assert session is not None
        async with self._locked(registration, session.id) as (connection, current, locked):
            if current.status not in WITHOUT_PLACE:
                return  # taken from another tab in the meantime
            if session.id not in locked or not await self._open(locked[session.id], connection):
                raise NotAllowed(N_("This session is no longer open: choose another one."))
            now = self.clock.now()
            current.display_name = chosen_name
            current.answers = {**current.answers, **kept} if answers is None else kept
            current.registered_at = current.registered_at or now
            current.confirmed_at = current.confirmed_at or now
            current.cancelled_at = None
            await current.save(update_fields=["display_name", "answers", "registered_at", "confirmed_at",
                                              "cancelled_at"], using_db=connection)
            await seats.seat(current, locked[session.id], clock=self.clock, connection=connection)

    async def change_session(self, registration: Registration, plan: WorkshopPlan, session_id: int) -> None:
        """Move to another session: a place there if one is free (SESSION_CHANGED, or REGISTERED for someone who
        was waiting), else its waiting list (their former place cancelled). The place left goes to the first
        person waiting for it."""
        if registration.status not in seats.IN_SESSION:
            raise NotAllowed(N_("Register first, then you can change session."))
        if session_id == registration.session_id:
            raise InvalidValue(N_("You are already registered for this session."), field="session")
        if all(session.id != session_id for session in open_sessions(plan, self.clock.now())):
            raise InvalidValue(N_("This session is no longer open: choose another one."), field="session")
        async with self._locked(registration, session_id) as (connection, current, locked):
            if current.status not in seats.IN_SESSION or current.session_id == session_id:
                return
            if session_id not in locked or not await self._open(locked[session_id], connection):
                raise InvalidValue(N_("This session is no longer open: choose another one."), field="session")
            left = locked.get(current.session_id) if current.session_id is not None else None
            had_place = current.status == RegistrationStatus.CONFIRMED
            target = locked[session_id]
            await seats.fill_from_waiting_list(target, clock=self.clock, connection=connection)
            free = seats.places_left(target, (await seats.places_taken([target.id], connection))[target.id])
            current.session_id = target.id
            if free is None or free > 0:
                current.status, current.waiting_since = RegistrationStatus.CONFIRMED, None
                await current.save(update_fields=["session_id", "status", "waiting_since"], using_db=connection)
                await seats.tell_calendar(current, MessageKind.SESSION_CHANGED if had_place
                                          else MessageKind.REGISTERED, target.id, clock=self.clock,
                                          connection=connection)
            else:
                current.status, current.waiting_since = RegistrationStatus.WAITING, self.clock.now()
                await current.save(update_fields=["session_id", "status", "waiting_since"], using_db=connection)
                if had_place and left is not None:
                    await seats.tell_calendar(current, MessageKind.CANCELLED, left.id, clock=self.clock,
                                              connection=connection, why=CancelReason.BY_PERSON.value)
                await seats.tell(current, MessageKind.WAITING_LIST, clock=self.clock, connection=connection,
                                 session_id=target.id)
            if had_place and left is not None:
                await seats.fill_from_waiting_list(left, clock=self.clock, connection=connection)

    async def cancel(self, registration: Registration, why: CancelReason = CancelReason.BY_PERSON) -> None:
        """Cancel: a place, a place in line, or an invitation declined. Whoever had a place or waited is told
        (CANCELLED); a place left goes to the first person waiting for it."""
        if registration.status == RegistrationStatus.CANCELLED:
            raise NotAllowed(N_("This registration is already cancelled."))
        async with self._locked(registration) as (connection, current, locked):
            if current.status == RegistrationStatus.CANCELLED:
                return
            had_place = current.status == RegistrationStatus.CONFIRMED
            told = current.status in seats.IN_SESSION and current.session_id is not None
            current.status, current.cancelled_at, current.waiting_since = (RegistrationStatus.CANCELLED,
                                                                           self.clock.now(), None)
            await current.save(update_fields=["status", "cancelled_at", "waiting_since"], using_db=connection)
            if told:
                assert current.session_id is not None
                await seats.tell_calendar(current, MessageKind.CANCELLED, current.session_id, clock=self.clock,
                                          connection=connection, why=why.value)
            if had_place and current.session_id in locked:
                await seats.fill_from_waiting_list(locked[current.session_id], clock=self.clock,
                                                   connection=connection)

    # ------------------------------------------------------------ coming in

    async def enter(self, registration: Registration, plan: WorkshopPlan, live: LiveSession, *,
                    browser: str | None, network_address: str | None,
                    name: str | None = None) -> tuple[Person, str]:
        """Join the live run of their session from the personal page, under the registration's name, their
        attendance recorded against the registration. `name` replaces a name the live run refuses."""
        session = next((s for s in plan.sessions if s.id == registration.session_id), None)
        if registration.status != RegistrationStatus.CONFIRMED or session is None:
            raise NotAllowed(N_("Only people with a place in this session can enter it."))
        if live.run.rehearsal or live.run.session_id != session.id:
            raise NotAllowed(N_("This is not the session you registered for."))
        if not may_enter(plan, session, self.clock.now()):
            raise NotAllowed(N_("The way in opens 30 minutes before the start."))
        return await live.join(name or registration.display_name, email=registration.email,
                               registration_id=registration.id, browser=browser, network_address=network_address)
