"""How often something may happen per key (a network address, a page), on the clock the domain is given.

A sliding window: at most `limit` uses in any `period`. It is kept in memory: a restart forgets
it, which only lets a pressing visitor start afresh once.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.clock import Clock


@dataclass(frozen=True)
class Rule:
    limit: int
    period: timedelta


class RateLimit:
    """At most `rule.limit` uses per `rule.period` for each key, for every rule at once."""

    def __init__(self, clock: Clock, *rules: Rule) -> None:
        self.clock = clock
        self.rules: Sequence[Rule] = rules
        self._uses: dict[Hashable, deque[datetime]] = {}
        self._longest = max((rule.period for rule in rules), default=timedelta(0))
        self._next_sweep: datetime | None = None

    def wait(self, key: Hashable) -> timedelta:
        """How long `key` must wait before its next use (zero: it may go now)."""
        now = self.clock.now()
        uses = self._recent(key, now)
        waits = [uses[-rule.limit] + rule.period - now for rule in self.rules
                 if len([at for at in uses if at > now - rule.period]) >= rule.limit]
        return max(waits, default=timedelta(0))

    def try_use(self, key: Hashable) -> timedelta:
        """Count one use of `key` if it may go now; otherwise count nothing and say how long to wait."""
        wait = self.wait(key)
        if wait <= timedelta(0):
            self._uses.setdefault(key, deque()).append(self.clock.now())
        return wait

    def _recent(self, key: Hashable, now: datetime) -> deque[datetime]:
        self._sweep(now)
        uses = self._uses.get(key, deque())
        while uses and uses[0] <= now - self._longest:
            uses.popleft()
        return uses

    def _sweep(self, now: datetime) -> None:
        """Forget the keys with no recent use, once per longest period: the table does not grow for ever."""
        if self._next_sweep is not None and now < self._next_sweep:
            return
        self._next_sweep = now + self._longest
        for key in [key for key, uses in self._uses.items() if not uses or uses[-1] <= now - self._longest]:
            del self._uses[key]


def network_key(address: str) -> str | None:
    """Whom a network address stands for: an IPv4 address, or an IPv6 one's /64 (one household or office);
    None for the machine itself, which stands for nobody in particular.

    An IPv6 client usually has a whole /64 to pick addresses from, so counting single addresses would
    count nothing. Requests from the machine itself are load tests, or come through a reverse proxy that
    does not pass on the client's address (then every visitor would share one allowance): not counted.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if parsed.is_loopback:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
