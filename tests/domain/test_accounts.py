"""Staff accounts against a real SQLite database: argon2, throttling, sessions."""

from __future__ import annotations

import pytest

from domain import accounts
from domain.clock import FakeClock
from domain.errors import InvalidCredentials, InvalidValue, TooManyAttempts
from domain.models import SignInThrottle, StaffAccount, StaffRole, StaffSession
from tests.conftest import PASSWORD

NETWORK = "192.0.2.10"


async def test_passwords_are_stored_as_argon2id_hashes(organiser: StaffAccount) -> None:
    assert organiser.password_hash.startswith("$argon2id$")
    assert PASSWORD not in organiser.password_hash
    assert organiser.email == "claire@ville.example"


@pytest.mark.parametrize(("email", "password", "field"), [
    ("not-an-address", PASSWORD, "email"),
    ("someone@example.org", "short", "password"),
])
async def test_bad_account_details_are_refused_per_field(db: str, email: str, password: str, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        await accounts.create_staff(email, "", StaffRole.MODERATOR, password)
    assert refused.value.field == field


async def test_an_address_has_one_account_whatever_its_case(organiser: StaffAccount) -> None:
    with pytest.raises(InvalidValue):
        await accounts.create_staff(" Claire@Ville.EXAMPLE ", "Claire", StaffRole.MODERATOR, PASSWORD)


async def test_sign_in_opens_a_server_side_session_that_expires(organiser: StaffAccount, clock: FakeClock) -> None:
    signed = await accounts.sign_in("CLAIRE@ville.example", PASSWORD, NETWORK, clock)
    assert signed.account.id == organiser.id
    session = await StaffSession.get(account=organiser)
    assert session.token_hash != signed.session_token  # only the hash is stored
    assert (await accounts.account_for_session(signed.session_token, clock)).id == organiser.id
    clock.advance(days=8)
    assert await accounts.account_for_session(signed.session_token, clock) is None
    assert not await StaffSession.exists()


async def test_signing_out_closes_the_session(organiser: StaffAccount, clock: FakeClock) -> None:
    signed = await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    await accounts.close_session(signed.session_token)
    assert await accounts.account_for_session(signed.session_token, clock) is None


async def test_wrong_password_and_unknown_address_get_the_same_answer(organiser: StaffAccount,
                                                                      clock: FakeClock) -> None:
    with pytest.raises(InvalidCredentials) as wrong_password:
        await accounts.sign_in(organiser.email, "wrong password", NETWORK, clock)
    with pytest.raises(InvalidCredentials) as unknown:
        await accounts.sign_in("nobody@ville.example", PASSWORD, "198.51.100.7", clock)
    assert wrong_password.value.message == unknown.value.message


async def test_repeated_failures_are_slowed_down_then_forgiven_by_success(organiser: StaffAccount,
                                                                          clock: FakeClock) -> None:
    for _ in range(accounts.FREE_FAILURES):
        with pytest.raises(InvalidCredentials):
            await accounts.sign_in(organiser.email, "guess", NETWORK, clock)
    with pytest.raises(TooManyAttempts) as refused:
        await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)  # even the right password waits
    assert refused.value.retry_after_seconds == 2
    clock.advance(seconds=2)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(organiser.email, "guess", NETWORK, clock)
    with pytest.raises(TooManyAttempts) as longer:
        await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    assert longer.value.retry_after_seconds == 4  # each further failure doubles the wait
    clock.advance(seconds=4)
    await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    assert not await SignInThrottle.exists()


async def test_one_network_address_trying_many_accounts_is_slowed_down(db: str, clock: FakeClock) -> None:
    for number in range(accounts.FREE_FAILURES):
        with pytest.raises(InvalidCredentials):
            await accounts.sign_in(f"guess{number}@ville.example", "guess", NETWORK, clock)
    with pytest.raises(TooManyAttempts):
        await accounts.sign_in("another@ville.example", "guess", NETWORK, clock)


async def test_an_hour_of_quiet_forgets_old_failures(organiser: StaffAccount, clock: FakeClock) -> None:
    for _ in range(accounts.FREE_FAILURES):
        with pytest.raises(InvalidCredentials):
            await accounts.sign_in(organiser.email, "guess", NETWORK, clock)
    clock.advance(hours=2)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(organiser.email, "guess", NETWORK, clock)
    assert (await SignInThrottle.get(key=f"email:{organiser.email}")).failures == 1
