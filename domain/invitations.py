"""Inviting people to a workshop: who can be invited, what the invitation says, and sending it.

`review` checks a list read by `invitee_lists` against the database before anything is sent: invalid
addresses and people listed twice come back with their reason, people already invited or registered apart
(an invited one may get the invitation again, never a second registration). `send` then invites each one in
a transaction of their own: a `Registration` (status INVITED, an unguessable `public_id`, the hash of its
personal link's token) and the INVITATION message in the outbox commit together or not at all, so one refusal
stops nobody else and no e-mail ever leaves without its registration.

The invitation is in the workshop's language. Its text is the organiser's (`Workshop.invitation_subject` and
`invitation_body`), or where they left it empty, the one suggested from the wizard: what the workshop is for,
why this person is invited, how they can contribute and what their contribution will be used for. The message's
facts keep the text as it was sent (what the organiser read in the preview, suggested or not); `letter` lays out
what the invitee reads around it (greeting, sessions, the computer it takes, the personal link).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_date, format_time, get_timezone, get_timezone_name
from tortoise.exceptions import BaseORMException, IntegrityError
from tortoise.transactions import in_transaction

from domain import outbox
from domain.addresses import check_address
from domain.clock import Clock
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_, supported, translate
from domain.invitee_lists import InviteeList, LineProblem, listed_name
from domain.models import (
    Aim,
    Audience,
    Interactivity,
    MessageKind,
    Registration,
    RegistrationStatus,
    StepKind,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, token_hash
from domain.planning import WorkshopPlan
from domain.workshops import WORKSHOP_FIELDS

log = logging.getLogger(__name__)
PUBLIC_ID_BYTES = 16  # 32 hexadecimal characters: Registration.public_id

WHY_INVITED = {
    Audience.GENERAL_PUBLIC: N_("The workshop is open to everyone the subject concerns: your experience and your "
                                "ideas count as much as anyone's."),
    Audience.SPECIALISED: N_("We are inviting you because of what you know about the subject, or because it "
                             "concerns you directly."),
}
HOW_TO_CONTRIBUTE = {
    (Interactivity.DELIBERATION, True): N_("For {duration}, you will discuss the subject in depth with the other "
                                           "participants, all together and in small groups, with a moderation "
                                           "team guiding the discussion."),
    (Interactivity.DELIBERATION, False): N_("For {duration}, you will discuss the subject in depth with the other "
                                            "participants, with a moderation team guiding the discussion."),
    (Interactivity.COLLECTING_IDEAS, True): N_("For {duration}, you will bring your ideas and suggestions, all "
                                               "together and in small groups, with a moderation team guiding the "
                                               "discussion."),
    (Interactivity.COLLECTING_IDEAS, False): N_("For {duration}, you will bring your ideas and suggestions, with a "
                                                "moderation team guiding the discussion."),
}
AIMS = {
    Aim.EXCHANGING_VIEWS: N_("The aim is to hear every point of view."),
    Aim.REACHING_CONSENSUS: N_("The aim is to reach, together, a position everyone can share."),
}
HOW_IT_IS_USED = {
    Aim.EXCHANGING_VIEWS: N_("Everything said is written up in the workshop's report, which the team uses to prepare "
                             "its decisions, and you will be told what comes next."),
    Aim.REACHING_CONSENSUS: N_("The group will look for proposals that everyone can support. They are written up in "
                               "the workshop's report and handed to those who decide, and you will be told what comes "
                               "next."),
}
DURATIONS = (N_("{hours} h {minutes:02d}"), N_("{hours} h"), N_("{minutes} min"))


# ---------------------------------------------------------------- who can be invited

@dataclass(frozen=True)
class Invitee:
    line: int
    address: str  # canonical (domain/addresses.py)
    name: str


@dataclass(frozen=True)
class AlreadyThere:
    """Someone on the list who already has a registration for this workshop."""

    invitee: Invitee
    registration_id: int
    status: RegistrationStatus

    @property
    def may_be_invited_again(self) -> bool:
        return self.status == RegistrationStatus.INVITED


@dataclass
class InviteeReview:
    ready: list[Invitee] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)  # by line: unreadable, invalid, listed twice
    already: list[AlreadyThere] = field(default_factory=list)


def _check_addresses(listed: InviteeList, result: InviteeReview) -> dict[str, Invitee]:
    """Each valid address once, by the first line that gives it; the others become problems of `result`."""
    first_seen: dict[str, Invitee] = {}
    for entry in listed.entries:
        try:
            address = check_address(entry.address)
        except InvalidValue as problem:
            result.problems.append(LineProblem(entry.line, entry.text, problem.message, problem.params))
            continue
        if address in first_seen:
            result.problems.append(LineProblem(entry.line, entry.text, N_("Listed twice: already on line {line}."),
                                               {"line": first_seen[address].line}))
            continue
        first_seen[address] = Invitee(entry.line, address, entry.name)
    return first_seen


async def review(workshop: Workshop, listed: InviteeList) -> InviteeReview:
    """Who on the list can be invited, and why the others cannot: nothing is sent here.

    Checking thousands of addresses takes a second or so: it runs beside the event loop, which keeps serving
    live workshops meanwhile.
    """
    result = InviteeReview(problems=list(listed.problems))
    first_seen = await asyncio.to_thread(_check_addresses, listed, result)
    registered = {
        email: (registration_id, status)
        for email, registration_id, status in await Registration.filter(workshop_id=workshop.id).values_list(
            "email", "id", "status")
    }
    for address, invitee in first_seen.items():
        if address in registered:
            registration_id, status = registered[address]
            result.already.append(AlreadyThere(invitee, registration_id, RegistrationStatus(status)))
        else:
            result.ready.append(invitee)
    result.problems.sort(key=lambda problem: problem.line)
    return result


# ---------------------------------------------------------------- what the invitation says

@dataclass(frozen=True)
class InvitationText:
    subject: str
    body: str


def _duration(minutes: int, language: str) -> str:
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return translate(DURATIONS[0], language, hours=hours, minutes=rest)
    if hours:
        return translate(DURATIONS[1], language, hours=hours)
    return translate(DURATIONS[2], language, minutes=rest)


def suggested_text(plan: WorkshopPlan) -> InvitationText:
    """The invitation the wizard's answers make, in the workshop's language (the guide's four points)."""
    workshop = plan.workshop
    language = supported(workshop.language)

    def say(message: str, **params: object) -> str:
        return translate(message, language, **params)

    breakout = any(step.kind == StepKind.BREAKOUT for step in plan.steps)
    paragraphs = [say(N_("We are holding an online workshop, “{title}”, and we would like you to take part."),
                      title=workshop.title)]
    if workshop.description.strip():
        paragraphs.append(workshop.description.strip())
    why = say(WHY_INVITED[workshop.audience])
    if workshop.audience_details.strip():
        why += "\n" + say(N_("Who we especially want to hear: {who}"), who=workshop.audience_details.strip())
    paragraphs.append(why)
    paragraphs.append(" ".join([
        say(HOW_TO_CONTRIBUTE[(workshop.interactivity, breakout)],
            duration=_duration(workshop.duration_minutes, language)),
        say(AIMS[workshop.aim]),
    ]))
    paragraphs.append(say(HOW_IT_IS_USED[workshop.aim]))
    if workshop.next_dates.strip():
        paragraphs.append(say(N_("What happens next, and what your contributions will be used for:")) + "\n"
                          + workshop.next_dates.strip())
    return InvitationText(subject=say(N_("Invitation: {title}"), title=workshop.title),
                          body="\n\n".join(paragraphs))


def text_to_send(plan: WorkshopPlan) -> InvitationText:
    """The organiser's subject and body, each replaced by the suggested one where they left it empty."""
    suggested = suggested_text(plan)
    return InvitationText(subject=plan.workshop.invitation_subject.strip() or suggested.subject,
                          body=plan.workshop.invitation_body.strip() or suggested.body)


async def edit_text(plan: WorkshopPlan, part: str, value: str) -> str:
    """Save the invitation's `subject` or `body` as edited; the suggested text itself is kept as "no edit",
    so that it keeps following the wizard's answers."""
    name = {"subject": "invitation_subject", "body": "invitation_body"}[part]
    checked: str = WORKSHOP_FIELDS[name](name, value)
    suggested = getattr(suggested_text(plan), part)
    stored = "" if " ".join(checked.split()) == " ".join(suggested.split()) else checked
    setattr(plan.workshop, name, stored)
    await plan.workshop.save(update_fields=[name, "updated_at"])
    return checked


async def use_suggested_text(workshop: Workshop) -> None:
    workshop.invitation_subject = ""
    workshop.invitation_body = ""
    await workshop.save(update_fields=["invitation_subject", "invitation_body", "updated_at"])


@dataclass(frozen=True)
class Letter:
    """What an invitee reads, in order, around the text as sent: the same parts, in the same words, as mail/'s
    invitation template, so that the wizard's preview shows what the e-mail will say."""

    subject: str
    heading: str
    greeting: str
    body: str
    sessions_heading: str
    sessions: list[str]
    needs_heading: str
    needs: str
    action: str
    link: str
    link_note: str
    reason: str


def upcoming_sessions(plan: WorkshopPlan, now: datetime) -> list[WorkshopSession]:
    return [session for session in plan.sessions
            if session.cancelled_at is None and session.starts_at > now]


def session_line(plan: WorkshopPlan, session: WorkshopSession, language: str) -> str:
    """'Jeudi 10 décembre 2026, 18:30–20:00, heure normale d’Europe centrale (Europe/Paris)'."""
    zone_name = plan.workshop.time_zone
    zone = get_timezone(zone_name)
    starts = session.starts_at.astimezone(zone)
    ends = (session.starts_at + timedelta(minutes=plan.workshop.duration_minutes)).astimezone(zone)
    day = format_date(starts, "EEEE d MMMM y", locale=language)
    spoken_zone = get_timezone_name(starts, width="long", locale=language)
    return translate(N_("{date}, {start}–{end}, {zone}"), language, date=day[:1].upper() + day[1:],
                     start=format_time(starts, "HH:mm", locale=language),
                     end=format_time(ends, "HH:mm", locale=language), zone=f"{spoken_zone} ({zone_name})")


def letter(plan: WorkshopPlan, text: InvitationText, *, name: str, link: str, now: datetime) -> Letter:
    """The invitation as one person receives it, from the text as sent and the sessions as they are now."""
    language = supported(plan.workshop.language)
    title = plan.workshop.title

    def say(message: str, **params: object) -> str:
        return translate(message, language, **params)

    return Letter(
        subject=text.subject,
        heading=say(N_("You are invited: {title}"), title=title),
        greeting=say(N_("Hello {name},"), name=name) if name else say(N_("Hello,")),
        body=text.body,
        sessions_heading=say(N_("When")),
        sessions=[session_line(plan, session, language) for session in upcoming_sessions(plan, now)],
        needs_heading=say(N_("What you need")),
        needs=say(N_("You will need a computer (phones and tablets are not supported yet) with a camera, a "
                     "microphone and a stable internet connection.")),
        action=say(N_("Register for {title}"), title=title),
        link=link,
        link_note=say(N_("This link is yours alone: it registers you in one click, without an account. Please do not "
                         "pass it on.")),
        reason=say(N_("You receive this invitation because the organisers of {title} invited you. If you do not "
                      "wish to take part, simply ignore it."), title=title),
    )


# ---------------------------------------------------------------- sending

@dataclass(frozen=True)
class Outcome:
    """What became of one invitee: their registration, or why it could not be made (`problem`, for `translate`)."""

    invitee: Invitee
    registration_id: int | None = None
    problem: str | None = None

    @property
    def sent(self) -> bool:
        return self.problem is None


def check_can_invite(plan: WorkshopPlan, now: datetime) -> None:
    workshop = plan.workshop
    if workshop.archived_at is not None:
        raise NotAllowed(N_("This workshop is archived: restore it to invite people."))
    if workshop.published_at is None:
        raise NotAllowed(N_("Publish the workshop first: the invitation leads to it."))
    if not upcoming_sessions(plan, now):
        raise NotAllowed(N_("Every session of this workshop is over or cancelled: add one to come first."))


async def send(plan: WorkshopPlan, invitees: Iterable[Invitee], *, links: PersonalLinks,
               clock: Clock) -> AsyncIterator[Outcome]:
    """Invite each person in turn, one transaction each, and tell what became of them as it goes."""
    check_can_invite(plan, clock.now())
    text = text_to_send(plan)
    for invitee in invitees:
        yield await _invite(plan.workshop, invitee, text, links, clock)


async def _invite(workshop: Workshop, invitee: Invitee, text: InvitationText, links: PersonalLinks,
                  clock: Clock) -> Outcome:
    public_id = secrets.token_hex(PUBLIC_ID_BYTES)
    name = listed_name(invitee.name)  # as read from a list already; once more for invitees made otherwise
    try:
        async with in_transaction() as connection:
            registration = await Registration.create(
                public_id=public_id, workshop_id=workshop.id, email=invitee.address, display_name=name,
                language=workshop.language, status=RegistrationStatus.INVITED,
                token_hash=token_hash(links.token(public_id, 1)), token_version=1, invited_at=clock.now(),
                using_db=connection,
            )
            await outbox.post(MessageKind.INVITATION, to_address=invitee.address, to_name=name,
                              language=workshop.language, clock=clock, registration=registration,
                              facts={"subject": text.subject, "body": text.body}, using=connection)
    except BaseORMException as refusal:
        if isinstance(refusal, IntegrityError) and await Registration.exists(workshop_id=workshop.id,
                                                                             email=invitee.address):
            return Outcome(invitee, problem=N_("Invited or registered in the meantime: check the list again."))
        log.warning("inviting someone to workshop %s was not saved: %s", workshop.id, refusal)
        return Outcome(invitee, problem=N_("The database refused to save it: try again later."))
    return Outcome(invitee, registration_id=registration.id)


async def send_again(plan: WorkshopPlan, registration_id: int, *, clock: Clock) -> Registration:
    """The invitation once more, to someone invited who has not answered: a new message, the same registration."""
    check_can_invite(plan, clock.now())
    text = text_to_send(plan)
    async with in_transaction() as connection:
        registration = await Registration.select_for_update().using_db(connection).get_or_none(
            id=registration_id, workshop_id=plan.workshop.id)
        if registration is None:
            raise NotFound(N_("This person's registration no longer exists."))
        if registration.status != RegistrationStatus.INVITED:
            raise NotAllowed(N_("This person has answered already: no need to invite them again."))
        registration.invited_at = clock.now()
        await registration.save(update_fields=["invited_at"], using_db=connection)
        await outbox.post(MessageKind.INVITATION, to_address=registration.email, to_name=registration.display_name,
                          language=registration.language, clock=clock, registration=registration,
                          facts={"subject": text.subject, "body": text.body}, using=connection)
    return registration
