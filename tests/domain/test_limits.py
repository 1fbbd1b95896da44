"""Rate limits on a fake clock: a sliding window per key, and who a network address stands for."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FakeClock
from domain.limits import RateLimit, Rule, network_key


def test_a_key_may_use_its_allowance_then_waits_until_the_oldest_use_leaves_the_window(clock: FakeClock) -> None:
    limit = RateLimit(clock, Rule(3, timedelta(minutes=1)))
    assert [limit.try_use("a") for _ in range(3)] == [timedelta(0)] * 3
    clock.advance(seconds=20)
    assert limit.try_use("a") == timedelta(seconds=40)  # refused, and not counted
    assert limit.try_use("b") == timedelta(0)  # another key has its own allowance
    clock.advance(seconds=40)
    assert limit.try_use("a") == timedelta(0)


def test_every_rule_holds_at_once(clock: FakeClock) -> None:
    limit = RateLimit(clock, Rule(2, timedelta(minutes=1)), Rule(3, timedelta(hours=1)))
    for _ in range(2):
        assert limit.try_use("a") == timedelta(0)
    clock.advance(minutes=1)
    assert limit.try_use("a") == timedelta(0)
    clock.advance(minutes=1)
    assert limit.try_use("a") == timedelta(minutes=58)  # the hour's third use is spent


def test_keys_unused_for_the_longest_period_are_forgotten(clock: FakeClock) -> None:
    limit = RateLimit(clock, Rule(1, timedelta(seconds=10)))
    for number in range(100):
        limit.try_use(number)
    clock.advance(seconds=11)
    limit.try_use("new")
    assert len(limit._uses) == 1  # the table does not grow for ever


def test_an_ipv6_address_counts_as_its_slash_64_a_mapped_ipv4_as_itself_and_loopback_not_at_all() -> None:
    assert network_key("2001:db8:1:2::1") == network_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network_key("2001:db8:1:3::1") != network_key("2001:db8:1:2::1")
    assert network_key("::ffff:203.0.113.9") == network_key("203.0.113.9") == "203.0.113.9"
    assert network_key("testclient") == "testclient"
    assert network_key("127.0.0.1") is None and network_key("::1") is None  # the machine itself: not counted
