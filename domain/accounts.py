"""Staff accounts: creation, sign-in with throttling, server-side sessions."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.clock import Clock
from domain.errors import InvalidCredentials, InvalidValue, TooManyAttempts
from domain.i18n import N_
from domain.models import SignInThrottle, StaffAccount, StaffRole, StaffSession

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
SESSION_LIFETIME = timedelta(days=7)
# Failed sign-ins allowed before each further attempt must wait, doubling each time.
FREE_FAILURES = 3
MAX_WAIT = timedelta(minutes=15)
# A quiet hour forgives past failures.
FAILURES_FORGOTTEN_AFTER = timedelta(hours=1)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()


@functools.cache
def _unknown_account_hash() -> str:
    """Verified against when the e-mail is unknown, so both cases cost the same time (made once, when first needed:
    hashing at import would slow every start of the server by a fifth of a second)."""
    return _hasher.hash(secrets.token_hex(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidValue(N_("Enter an e-mail address such as name@example.org."), field="email")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            N_("The password needs at least {count} characters."), field="password", count=MIN_PASSWORD_LENGTH
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidValue(N_("The password is too long."), field="password")
    return password


async def create_staff(email: str, display_name: str, role: StaffRole, password: str) -> StaffAccount:
    email = check_email(email)
    check_password(password)
    display_name = display_name.strip() or email.split("@")[0]
    if await StaffAccount.filter(email=email).exists():
        raise InvalidValue(N_("An account already exists for this e-mail address."), field="email")
    return await StaffAccount.create(
        email=email, display_name=display_name[:120], role=role,
        password_hash=await asyncio.to_thread(_hasher.hash, password),
    )


async def set_password(account: StaffAccount, password: str) -> None:
    account.password_hash = await asyncio.to_thread(_hasher.hash, check_password(password))
    await account.save(update_fields=["password_hash"])


def _verify(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; without an account, checked all the same against a hash of nothing."""
    try:
        return _hasher.verify(password_hash or _unknown_account_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignIn:
    account: StaffAccount
    session_token: str


async def sign_in(email: str, password: str, network_address: str, clock: Clock) -> SignIn:
    """Check the credentials, slowing down repeated failures per address and per network address."""
    now = clock.now()
    email = normalise_email(email)
    keys = [f"email:{email}", f"network:{network_address}"]
    wait = max([await _remaining_wait(key, now) for key in keys])
    if wait > 0:
        raise TooManyAttempts(
            N_("Too many failed attempts. Try again in {seconds} seconds."), retry_after_seconds=wait
        )
    account = await StaffAccount.get_or_none(email=email, active=True)
    # argon2 is slow by design: verify off the event loop so other people's pages stay responsive.
    password_ok = await asyncio.to_thread(_verify, account.password_hash if account else None, password)
    if account is None or not password_ok:
        for key in keys:
            await _record_failure(key, now)
        raise InvalidCredentials(N_("This e-mail address and password do not match an account."))
    await SignInThrottle.filter(key__in=keys).delete()
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_signed_in_at = now
    await account.save(update_fields=["password_hash", "last_signed_in_at"])
    return SignIn(account=account, session_token=await open_session(account, clock))


def _wait_after(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES + 1)), MAX_WAIT)


async def _remaining_wait(key: str, now: datetime) -> int:
    throttle = await SignInThrottle.get_or_none(key=key)
    if throttle is None:
        return 0
    elapsed = now - throttle.last_failure_at
    remaining = _wait_after(throttle.failures) - elapsed
    return max(0, int(remaining.total_seconds() + 0.999))


async def _record_failure(key: str, now: datetime) -> None:
    throttle = await SignInThrottle.get_or_none(key=key)
    if throttle is None:
        await SignInThrottle.create(key=key, failures=1, last_failure_at=now)
        return
    forgotten = now - throttle.last_failure_at > FAILURES_FORGOTTEN_AFTER
    throttle.failures = 1 if forgotten else throttle.failures + 1
    throttle.last_failure_at = now
    await throttle.save()


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


async def staff_accounts() -> list[StaffAccount]:
    return await StaffAccount.filter(active=True).order_by("display_name")
