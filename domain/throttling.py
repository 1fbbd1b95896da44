"""Slowing down password guessing without letting a guesser lock anyone out.

Attempts are counted under two keys, each in a `SignInThrottle` row:

- the pair of an e-mail address and a network address: 5 failures are free; after the 5th, the next attempt for
  that pair must wait 2 s after the last one, then 4, 8, 16 s... doubling with each failure up to 5 minutes (after
  the 13th failure and every one after it). Someone guessing Claire's password from their own address gets at most
  23 guesses in the first hour and 12 an hour after that, while Claire, from any other address, signs in at once;
- the network address alone, for everyone behind it (a town hall's shared address): 50 failures are free, then
  1 s, 2, 4... up to 1 minute between attempts. One person failing on their own account is held back by their
  pair long before the address is (23 failures in an hour at most), so their colleagues are not.

A delay is measured from the key's last failure; an hour without failure forgets the key's failures. A
successful sign-in forgets its pair's failures and takes back its own attempt from the address's count.

Concurrency: an attempt is claimed before its password is verified (argon2 takes a fifth of a second), by a
compare-and-set on the key's count, so it counts as a failure while it is under way and only a success takes it
back. Twelve simultaneous guesses for one pair verify 5 passwords; the 7 others are told to wait. This works
across processes too, since the database decides which claim wins.

Spreading guesses over many addresses is not slowed by either key; the password rules (domain/passwords.py:
about 10^10 guesses or more) and argon2 are what make that hopeless.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.errors import TooManyAttempts
from domain.i18n import N_
from domain.models import SignInThrottle

FORGOTTEN_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Allowance:
    free_failures: int
    first_wait: timedelta
    longest_wait: timedelta

    def wait_after(self, failures: int) -> timedelta:
        """How long after the last failure the next attempt must wait, given the failures counted so far."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 32)  # 2**32 s is already far beyond the longest wait
        return min(self.first_wait * (1 << doublings), self.longest_wait)


PER_ACCOUNT_AND_ADDRESS = Allowance(free_failures=5, first_wait=timedelta(seconds=2),
                                    longest_wait=timedelta(minutes=5))
PER_ADDRESS = Allowance(free_failures=50, first_wait=timedelta(seconds=1), longest_wait=timedelta(minutes=1))


def pair_key(email: str, network_address: str) -> str:
    # The e-mail is hashed: it keeps the key short (an e-mail may have 254 characters) and out of plain sight.
    return f"pair:{hashlib.sha256(email.encode()).hexdigest()[:32]}@{network_address}"


def address_key(network_address: str) -> str:
    return f"address:{network_address}"


@dataclass(frozen=True)
class Attempt:
    """A claimed attempt: a failure until `succeeded` is called."""

    pair: str
    address: str

    async def succeeded(self) -> None:
        await SignInThrottle.filter(key=self.pair).delete()
        await _take_back(self.address)


async def claim_attempt(email: str, network_address: str, now: datetime) -> Attempt:
    """Count an attempt for this e-mail from this address, or raise TooManyAttempts saying how long to wait."""
    await SignInThrottle.filter(last_failure_at__lt=now - FORGOTTEN_AFTER).delete()
    attempt = Attempt(pair_key(email, network_address), address_key(network_address))
    wait = await _claim(attempt.address, PER_ADDRESS, now)
    if wait == 0:
        wait = await _claim(attempt.pair, PER_ACCOUNT_AND_ADDRESS, now)
        if wait:
            await _take_back(attempt.address)
    if wait:
        raise too_many_attempts(wait)
    return attempt


def too_many_attempts(seconds: int) -> TooManyAttempts:
    if seconds <= 1:
        return TooManyAttempts(N_("Too many failed attempts. Try again in a second."), retry_after_seconds=seconds)
    if seconds < 120:
        return TooManyAttempts(N_("Too many failed attempts. Try again in {seconds} seconds."),
                               retry_after_seconds=seconds)
    return TooManyAttempts(N_("Too many failed attempts. Try again in {minutes} minutes."),
                           retry_after_seconds=seconds, minutes=math.ceil(seconds / 60))


async def _claim(key: str, allowance: Allowance, now: datetime) -> int:
    """Add one failure to `key` and return 0, or return the whole seconds still to wait (nothing counted)."""
    while True:
        row = await SignInThrottle.get_or_none(key=key)
        if row is None:
            try:
                await SignInThrottle.create(key=key, failures=1, last_failure_at=now)
                return 0
            except IntegrityError:
                continue  # another attempt created it first: count after it
        since_last = now - row.last_failure_at
        failures = 0 if since_last > FORGOTTEN_AFTER else row.failures
        remaining = allowance.wait_after(failures) - since_last
        if remaining > timedelta(0):
            return math.ceil(remaining.total_seconds())
        # Compare-and-set: only one of several attempts that read the same count gets to add to it.
        if await SignInThrottle.filter(key=key, failures=row.failures).update(failures=failures + 1,
                                                                              last_failure_at=now):
            return 0


async def _take_back(key: str) -> None:
    await SignInThrottle.filter(key=key, failures__gt=0).update(failures=F("failures") - 1)
