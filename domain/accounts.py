"""Staff accounts: creation, sign-in, server-side sessions, and what organisers and the account holders
themselves can change (disable, enable, reset a password, end sessions, change a role, change one's password).

Every change made to an account is written to the staff audit (`StaffAuditEntry`). Commands made by an organiser
check, at the time they run, that the organiser's account is still an active organiser's.
Password rules live in domain/passwords.py, sign-in throttling in domain/throttling.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from domain import passwords, throttling
from domain.clock import Clock, SystemClock
from domain.errors import AccountDisabled, InvalidCredentials, InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.models import StaffAccount, StaffAction, StaffAuditEntry, StaffRole, StaffSession

SESSION_LIFETIME = timedelta(days=7)
AUDIT_SHOWN = 50

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidValue(N_("Enter an e-mail address such as name@example.org."), field="email")
    return email


def own_words_of(account: StaffAccount, site_address: str = "") -> list[str]:
    """The account's own words, which its password must not be made of (see `passwords.own_words`)."""
    return passwords.own_words(account.email, account.display_name, site_address)


async def create_staff(
    email: str, display_name: str, role: StaffRole, password: str, *, by: StaffAccount | None = None,
    clock: Clock | None = None, site_address: str = "", enforce_password_policy: bool = True,
) -> StaffAccount:
    """Create an account. `by` is the organiser creating it (none from the command line or the demo).

    `enforce_password_policy=False` is for the demo's documented accounts only: their shared password
    contains "atelier", which the rules refuse, and the demo must never run on a public server.
    """
    email = check_email(email)
    display_name = display_name.strip()[:120] or email.split("@")[0]
    if enforce_password_policy:
        passwords.check_password(password, passwords.own_words(email, display_name, site_address))
    if by is not None:
        await _acting_organiser(by)
    if await StaffAccount.filter(email=email).exists():
        raise InvalidValue(N_("An account already exists for this e-mail address."), field="email")
    account = await StaffAccount.create(
        email=email, display_name=display_name, role=role,
        password_hash=await asyncio.to_thread(passwords.hash_password, password),
    )
    await _record(by, StaffAction.CREATED, account, clock or SystemClock(), detail=role.value)
    return account


# ------------------------------------------------------------------ signing in and sessions


@dataclass(frozen=True)
class SignIn:
    account: StaffAccount
    session_token: str


async def sign_in(email: str, password: str, network_address: str, clock: Clock) -> SignIn:
    """Check the credentials, each attempt counted first (domain/throttling.py), and open a session."""
    email = normalise_email(email)
    attempt = await throttling.claim_attempt(email, network_address, clock.now())
    account = await StaffAccount.get_or_none(email=email)
    # argon2 is slow by design: verify off the event loop so other people's pages stay responsive.
    password_ok = await asyncio.to_thread(passwords.verify, account.password_hash if account else None, password)
    if account is None or not password_ok:
        raise InvalidCredentials(N_("This e-mail address and password do not match an account."))
    if not account.active:  # told only to whoever knows the password
        raise AccountDisabled(N_("This account has been disabled. Ask an organiser of your municipality."))
    await attempt.succeeded()
    update_fields = ["last_signed_in_at"]
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = await asyncio.to_thread(passwords.hash_password, password)
        update_fields.append("password_hash")
    account.last_signed_in_at = clock.now()
    await account.save(update_fields=update_fields)
    return SignIn(account=account, session_token=await open_session(account, clock))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(account: StaffAccount, clock: Clock) -> str:
    token = secrets.token_urlsafe(32)
    await StaffSession.create(
        token_hash=_token_hash(token), account=account, expires_at=clock.now() + SESSION_LIFETIME
    )
    return token


async def account_for_session(token: str | None, clock: Clock) -> StaffAccount | None:
    if not token:
        return None
    session = await StaffSession.get_or_none(token_hash=_token_hash(token)).select_related("account")
    if session is None:
        return None
    if session.expires_at <= clock.now() or not session.account.active:
        await session.delete()
        return None
    return session.account


async def close_session(token: str | None) -> None:
    if token:
        await StaffSession.filter(token_hash=_token_hash(token)).delete()


async def open_session_counts(clock: Clock) -> dict[int, int]:
    """How many unexpired sessions each account has (accounts without any are left out)."""
    return dict(Counter(await StaffSession.filter(expires_at__gt=clock.now()).values_list("account_id", flat=True)))


# ------------------------------------------------------------------ listing


async def staff_accounts() -> list[StaffAccount]:
    """The active accounts, for choosing a workshop's team."""
    return await StaffAccount.filter(active=True).order_by("display_name")


async def every_staff_account() -> list[StaffAccount]:
    """Every account, active ones first, for the organisers' staff page."""
    return await StaffAccount.all().order_by("-active", "display_name")


async def audit_trail(limit: int = AUDIT_SHOWN) -> list[StaffAuditEntry]:
    """The latest changes to staff accounts, newest first."""
    return await StaffAuditEntry.all().select_related("actor", "target").limit(limit)


# ------------------------------------------------------------------ what organisers do to accounts


async def disable_account(by: StaffAccount, account_id: int, clock: Clock) -> StaffAccount:
    """Disable an account and end its sessions: it can no longer sign in. Never oneself nor the last organiser."""
    async with in_transaction():
        organisers = await _lock_organisers()
        organiser = await _acting_organiser(by)
        account = await _account(account_id)
        if account.id == organiser.id:
            raise NotAllowed(N_("You cannot disable your own account. Ask another organiser."))
        _keep_an_organiser(organisers, besides=account)
        account.active = False
        await account.save(update_fields=["active"])
        await StaffSession.filter(account_id=account.id).delete()
        await _record(organiser, StaffAction.DISABLED, account, clock)
    return account


async def enable_account(by: StaffAccount, account_id: int, clock: Clock) -> StaffAccount:
    organiser = await _acting_organiser(by)
    account = await _account(account_id)
    account.active = True
    await account.save(update_fields=["active"])
    await _record(organiser, StaffAction.ENABLED, account, clock)
    return account


async def reset_password(by: StaffAccount, account_id: int, clock: Clock, password: str | None = None,
                         site_address: str = "") -> str:
    """Give a colleague a new password (the organiser's, or a generated one when `password` is None) and
    return it; their sessions end, and they must choose their own password when they next sign in."""
    organiser = await _acting_organiser(by)
    account = await _account(account_id)
    if account.id == organiser.id:
        raise NotAllowed(N_("To change your own password, use the \u201cMy account\u201d page."))
    if password is None:
        password = passwords.generate_password()
    else:
        passwords.check_password(password, own_words_of(account, site_address))
    account.password_hash = await asyncio.to_thread(passwords.hash_password, password)
    account.must_change_password = True
    await account.save(update_fields=["password_hash", "must_change_password"])
    await StaffSession.filter(account_id=account.id).delete()
    await _record(organiser, StaffAction.PASSWORD_RESET, account, clock)
    return password


async def end_sessions(by: StaffAccount, account_id: int, clock: Clock) -> int:
    """Sign an account out everywhere; returns how many sessions ended."""
    organiser = await _acting_organiser(by)
    account = await _account(account_id)
    ended = await StaffSession.filter(account_id=account.id).delete()
    await _record(organiser, StaffAction.SESSIONS_ENDED, account, clock)
    return ended


async def change_role(by: StaffAccount, account_id: int, role: StaffRole, clock: Clock) -> StaffAccount:
    async with in_transaction():
        organisers = await _lock_organisers()
        organiser = await _acting_organiser(by)
        account = await _account(account_id)
        if account.role == role:
            return account
        if account.id == organiser.id:
            raise NotAllowed(N_("You cannot change your own role. Ask another organiser."))
        _keep_an_organiser(organisers, besides=account)
        account.role = role
        await account.save(update_fields=["role"])
        await _record(organiser, StaffAction.ROLE_CHANGED, account, clock, detail=role.value)
    return account


# ------------------------------------------------------------------ what account holders do for themselves


async def change_own_password(account: StaffAccount, current: str, new: str, *, keep_session: str | None,
                              network_address: str, clock: Clock, site_address: str = "") -> None:
    """Change one's password, knowing the current one (attempts throttled as sign-ins are); every other
    session of the account ends, `keep_session` (the browser's own) stays open."""
    account = await _account(account.id)
    passwords.check_password(new, own_words_of(account, site_address))
    attempt = await throttling.claim_attempt(account.email, network_address, clock.now())
    if not await asyncio.to_thread(passwords.verify, account.password_hash, current):
        raise InvalidValue(N_("This is not your current password."), field="current")
    await attempt.succeeded()
    if await asyncio.to_thread(passwords.verify, account.password_hash, new):
        raise InvalidValue(N_("Choose a password different from the current one."), field="password")
    account.password_hash = await asyncio.to_thread(passwords.hash_password, new)
    account.must_change_password = False
    await account.save(update_fields=["password_hash", "must_change_password"])
    await _end_other_sessions(account, keep_session)
    await _record(account, StaffAction.PASSWORD_CHANGED, account, clock)


async def end_other_sessions(account: StaffAccount, keep_session: str | None, clock: Clock) -> int:
    """Sign out of every browser but this one; returns how many sessions ended."""
    ended = await _end_other_sessions(account, keep_session)
    await _record(account, StaffAction.OTHER_SESSIONS_ENDED, account, clock)
    return ended


async def _end_other_sessions(account: StaffAccount, keep_session: str | None) -> int:
    others = StaffSession.filter(account_id=account.id)
    if keep_session:
        others = others.exclude(token_hash=_token_hash(keep_session))
    return await others.delete()


# ------------------------------------------------------------------ checks and records


async def _acting_organiser(by: StaffAccount) -> StaffAccount:
    """The organiser's account as it is now: disabled or made a moderator since their page opened, they may not."""
    organiser = await StaffAccount.get_or_none(id=by.id, active=True, role=StaffRole.ORGANISER)
    if organiser is None:
        raise NotAllowed(N_("Only an organiser can manage staff accounts."))
    return organiser


async def _account(account_id: int) -> StaffAccount:
    account = await StaffAccount.get_or_none(id=account_id)
    if account is None:
        raise NotFound(N_("This account no longer exists."))
    return account


async def _lock_organisers() -> list[int]:
    """The active organisers' ids, their rows locked until the transaction ends (PostgreSQL: SQLite runs one
    transaction at a time), so that two organisers disabling each other at once cannot both succeed: the second
    waits, then finds it is no longer an organiser."""
    locked = await StaffAccount.filter(role=StaffRole.ORGANISER, active=True).select_for_update()
    return [account.id for account in locked]


def _keep_an_organiser(organisers: list[int], besides: StaffAccount) -> None:
    if besides.id in organisers and not set(organisers) - {besides.id}:
        raise NotAllowed(N_("This is the last active organiser: make someone else an organiser first."))


async def _record(actor: StaffAccount | None, action: StaffAction, target: StaffAccount, clock: Clock,
                  detail: str = "") -> None:
    await StaffAuditEntry.create(at=clock.now(), actor=actor, target=target, action=action, detail=detail)
