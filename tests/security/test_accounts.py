"""Staff accounts as an attacker, a careless colleague or a shared town-hall address would try them.

Real SQLite database, real argon2; the pages through NiceGUI's simulated user. Nothing of Atelier is mocked: the
one spy counts argon2's own verifications.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import argon2
import pytest
from nicegui.testing.user import User

from domain import accounts, passwords, throttling
from domain.clock import FakeClock, SystemClock
from domain.errors import AccountDisabled, InvalidCredentials, InvalidValue, NotAllowed, TooManyAttempts
from domain.models import SignInThrottle, StaffAccount, StaffRole, StaffSession
from tests.conftest import PASSWORD
from tests.ui.conftest import app_clock, see, sign_in, user  # noqa: F401 - the simulated user's fixtures

ATTACKER = "203.0.113.66"
OWN_ADDRESS = "198.51.100.20"
TOWN_HALL = "192.0.2.1"  # one address for everyone behind the town hall's router
NEW_PASSWORD = "plume orange sous la pluie"


@pytest.fixture
def argon2_verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password argon2 is asked to verify, in order (argon2's own verify still does the work)."""
    verified: list[str] = []
    original = argon2.PasswordHasher.verify

    def counting(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        verified.append(str(password))
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    yield verified


async def keep_failing(email: str, address: str, clock: FakeClock, times: int) -> int:
    """Fail `times` times, each time as soon as allowed (waiting on the fake clock); returns how often it waited."""
    waits = 0
    for _ in range(times):
        try:
            await accounts.sign_in(email, "a wrong guess", address, clock)
        except TooManyAttempts as refused:
            waits += 1
            clock.advance(seconds=refused.retry_after_seconds)
            with pytest.raises(InvalidCredentials):
                await accounts.sign_in(email, "a wrong guess", address, clock)
        except InvalidCredentials:
            pass
    return waits


async def signed_in_sessions(account: StaffAccount, clock: FakeClock, count: int) -> list[str]:
    return [(await accounts.sign_in(account.email, PASSWORD, f"198.51.100.{n}", clock)).session_token
            for n in range(count)]


async def test_a_disabled_account_cannot_sign_in_and_its_open_sessions_end(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    sessions = await signed_in_sessions(moderator, clock, 3)
    await accounts.disable_account(organiser, moderator.id, clock)
    for token in sessions:
        assert await accounts.account_for_session(token, clock) is None
    assert not await StaffSession.filter(account_id=moderator.id).exists()
    with pytest.raises(AccountDisabled):
        await accounts.sign_in(moderator.email, PASSWORD, OWN_ADDRESS, clock)
    with pytest.raises(InvalidCredentials):  # a wrong password learns nothing about the account's state
        await accounts.sign_in(moderator.email, "not the password", OWN_ADDRESS, clock)
    assert not await StaffSession.filter(account_id=moderator.id).exists()


async def test_a_password_reset_ends_the_sessions_and_forces_a_change(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    sessions = await signed_in_sessions(moderator, clock, 2)
    generated = await accounts.reset_password(organiser, moderator.id, clock)
    for token in sessions:
        assert await accounts.account_for_session(token, clock) is None
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(moderator.email, PASSWORD, OWN_ADDRESS, clock)
    signed = await accounts.sign_in(moderator.email, generated, OWN_ADDRESS, clock)
    assert signed.account.must_change_password
    await accounts.change_own_password(signed.account, generated, NEW_PASSWORD, keep_session=signed.session_token,
                                       network_address=OWN_ADDRESS, clock=clock)
    assert not (await StaffAccount.get(id=moderator.id)).must_change_password


async def test_a_reset_account_is_sent_to_choose_its_password_before_any_page(user: User) -> None:  # noqa: F811
    organiser = await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)
    moderator = await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    generated = await accounts.reset_password(organiser, moderator.id, SystemClock())
    await sign_in(user, moderator.email, generated)
    await see(user, "Un·e organisateur·rice a réinitialisé votre mot de passe.")
    for path in ("/moderate", "/organise", "/organise/staff"):
        response = await user.http_client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/account?next=")


async def test_changing_ones_password_requires_the_current_one_and_ends_the_other_sessions(
        organiser: StaffAccount, clock: FakeClock) -> None:
    here, *elsewhere = await signed_in_sessions(organiser, clock, 3)
    with pytest.raises(InvalidValue) as wrong:
        await accounts.change_own_password(organiser, "not the password", NEW_PASSWORD, keep_session=here,
                                           network_address=OWN_ADDRESS, clock=clock)
    assert wrong.value.field == "current"
    for token in (here, *elsewhere):  # a refused change ends nothing
        assert await accounts.account_for_session(token, clock) is not None
    await accounts.change_own_password(organiser, PASSWORD, NEW_PASSWORD, keep_session=here,
                                       network_address=OWN_ADDRESS, clock=clock)
    assert await accounts.account_for_session(here, clock) is not None
    for token in elsewhere:
        assert await accounts.account_for_session(token, clock) is None
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(organiser.email, PASSWORD, OWN_ADDRESS, clock)


async def test_guessing_the_current_password_from_a_stolen_session_is_throttled(organiser: StaffAccount,
                                                                                clock: FakeClock) -> None:
    here = (await accounts.sign_in(organiser.email, PASSWORD, ATTACKER, clock)).session_token
    for guess in range(throttling.PER_ACCOUNT_AND_ADDRESS.free_failures):
        with pytest.raises(InvalidValue):
            await accounts.change_own_password(organiser, f"guess number {guess}", NEW_PASSWORD, keep_session=here,
                                               network_address=ATTACKER, clock=clock)
    with pytest.raises(TooManyAttempts):
        await accounts.change_own_password(organiser, PASSWORD, NEW_PASSWORD, keep_session=here,
                                           network_address=ATTACKER, clock=clock)


@pytest.mark.parametrize(("password", "reason"), [
    ("1234567890", passwords.COMMON),
    ("motdepasse2024", passwords.COMMON),
    ("azertyuiop", passwords.COMMON),
    ("aaaaaaaaaa", passwords.REPEATS),
    ("abcdefghijklmnop", passwords.REPEATS),
    ("karim@ville.example", passwords.OWN_DATA),
    ("karimkarimkarim", passwords.OWN_DATA),
    ("Karim.Benali.2026", passwords.OWN_DATA),
    ("atelier-atelier", passwords.OWN_DATA),
])
async def test_common_own_data_and_repeated_passwords_are_refused_with_a_message(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock, password: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as on_creation:
        await accounts.create_staff(f"x{moderator.email}", moderator.display_name, StaffRole.MODERATOR,
                                    password.replace("karim@", "xkarim@"))
    with pytest.raises(InvalidValue) as on_reset:
        await accounts.reset_password(organiser, moderator.id, clock, password=password)
    here = (await accounts.sign_in(moderator.email, PASSWORD, OWN_ADDRESS, clock)).session_token
    with pytest.raises(InvalidValue) as on_change:
        await accounts.change_own_password(moderator, PASSWORD, password, keep_session=here,
                                           network_address=OWN_ADDRESS, clock=clock)
    for refused in (on_creation, on_reset, on_change):
        assert refused.value.message == reason
        assert refused.value.field == "password"
        assert "passphrase of three or four unrelated words" in reason  # says what to do instead


async def test_an_attackers_failures_from_one_address_do_not_stop_the_right_password_from_another(
        organiser: StaffAccount, clock: FakeClock) -> None:
    assert await keep_failing(organiser.email, ATTACKER, clock, 20) > 0  # as fast as allowed, for 26 minutes
    with pytest.raises(TooManyAttempts):  # still held back from their own address
        await accounts.sign_in(organiser.email, PASSWORD, ATTACKER, clock)
    signed = await accounts.sign_in(organiser.email, PASSWORD, OWN_ADDRESS, clock)  # Claire, at once
    assert signed.account.id == organiser.id


async def test_a_shared_address_is_not_locked_by_one_persons_failures(db: str, clock: FakeClock) -> None:
    colleagues = [await accounts.create_staff(f"agent{n}@ville.example", f"Agent {n}", StaffRole.MODERATOR,
                                              PASSWORD) for n in range(6)]
    forgetful = colleagues[0]
    await keep_failing(forgetful.email, TOWN_HALL, clock, 20)  # one person keeps mistyping, waiting when told
    with pytest.raises(TooManyAttempts):
        await accounts.sign_in(forgetful.email, PASSWORD, TOWN_HALL, clock)
    for colleague in colleagues[1:]:  # everyone else behind the same address signs in at once
        await accounts.sign_in(colleague.email, PASSWORD, TOWN_HALL, clock)


async def test_twelve_simultaneous_wrong_attempts_verify_at_most_the_allowance(
        organiser: StaffAccount, clock: FakeClock, argon2_verifications: list[str]) -> None:
    results = await asyncio.gather(*(accounts.sign_in(organiser.email, f"guess {n}", ATTACKER, clock)
                                     for n in range(12)), return_exceptions=True)
    allowance = throttling.PER_ACCOUNT_AND_ADDRESS.free_failures
    assert sum(isinstance(result, InvalidCredentials) for result in results) == allowance
    assert sum(isinstance(result, TooManyAttempts) for result in results) == 12 - allowance
    assert len(argon2_verifications) == allowance
    pair = await SignInThrottle.get(key=throttling.pair_key(organiser.email, ATTACKER))
    assert pair.failures == allowance


async def test_attempts_under_way_count_as_failures_until_they_succeed(organiser: StaffAccount,
                                                                       clock: FakeClock) -> None:
    claimed = [await throttling.claim_attempt(organiser.email, ATTACKER, clock.now())
               for _ in range(throttling.PER_ACCOUNT_AND_ADDRESS.free_failures)]
    with pytest.raises(TooManyAttempts):  # five attempts still being verified: the sixth waits
        await accounts.sign_in(organiser.email, PASSWORD, ATTACKER, clock)
    await claimed[0].succeeded()  # one of them was right: the pair is forgiven
    await accounts.sign_in(organiser.email, PASSWORD, ATTACKER, clock)


async def test_an_organiser_cannot_disable_themselves_nor_the_last_organiser(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    with pytest.raises(NotAllowed):
        await accounts.disable_account(organiser, organiser.id, clock)
    with pytest.raises(NotAllowed):
        await accounts.change_role(organiser, organiser.id, StaffRole.MODERATOR, clock)
    second = await accounts.create_staff("lea@ville.example", "Léa Dubois", StaffRole.ORGANISER, PASSWORD)
    # Two organisers disabling each other at the same moment: one of them stays.
    results = await asyncio.gather(accounts.disable_account(organiser, second.id, clock),
                                   accounts.disable_account(second, organiser.id, clock), return_exceptions=True)
    assert sorted(type(result).__name__ for result in results) == ["NotAllowed", "StaffAccount"]
    assert await StaffAccount.filter(role=StaffRole.ORGANISER, active=True).count() == 1


async def test_only_an_active_organiser_can_change_accounts(organiser: StaffAccount, moderator: StaffAccount,
                                                            clock: FakeClock) -> None:
    second = await accounts.create_staff("lea@ville.example", "Léa Dubois", StaffRole.ORGANISER, PASSWORD)
    commands = [
        lambda actor: accounts.disable_account(actor, organiser.id, clock),
        lambda actor: accounts.enable_account(actor, organiser.id, clock),
        lambda actor: accounts.reset_password(actor, organiser.id, clock),
        lambda actor: accounts.end_sessions(actor, organiser.id, clock),
        lambda actor: accounts.change_role(actor, organiser.id, StaffRole.MODERATOR, clock),
        lambda actor: accounts.create_staff("new@ville.example", "New", StaffRole.ORGANISER, PASSWORD, by=actor),
    ]
    for command in commands:
        with pytest.raises(NotAllowed):
            await command(moderator)
    await accounts.disable_account(organiser, second.id, clock)
    for command in commands:  # an organiser whose page is still open after being disabled
        with pytest.raises(NotAllowed):
            await command(second)


async def test_a_moderator_cannot_open_the_staff_page(user: User) -> None:  # noqa: F811
    moderator = await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    await sign_in(user, moderator.email)
    await see(user, "Mes missions")
    for path in ("/organise/staff", "/organise"):
        response = await user.http_client.get(path)
        assert response.status_code == 403, path
    assert (await user.http_client.get("/account")).status_code == 200  # their own account page is theirs
