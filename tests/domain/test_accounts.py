"""Staff accounts against a real SQLite database: argon2, password rules, throttling, sessions, lifecycle, audit."""

from __future__ import annotations

import pytest

from domain import accounts, demo, passwords, throttling
from domain.clock import FakeClock
from domain.errors import InvalidCredentials, InvalidValue, NotAllowed, TooManyAttempts
from domain.models import SignInThrottle, StaffAccount, StaffAction, StaffAuditEntry, StaffRole, StaffSession
from tests.conftest import PASSWORD

NETWORK = "192.0.2.10"
PAIR = throttling.PER_ACCOUNT_AND_ADDRESS
ADDRESS = throttling.PER_ADDRESS


async def test_passwords_are_stored_as_argon2id_hashes(organiser: StaffAccount) -> None:
    assert organiser.password_hash.startswith("$argon2id$")
    assert PASSWORD not in organiser.password_hash
    assert organiser.email == "claire@ville.example"


@pytest.mark.parametrize(("email", "password", "field"), [
    ("not-an-address", PASSWORD, "email"),
    ("someone@example.org", "short", "password"),
    ("someone@example.org", "aaaaaaaaaaaa", "password"),
])
async def test_bad_account_details_are_refused_per_field(db: str, email: str, password: str, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        await accounts.create_staff(email, "", StaffRole.MODERATOR, password)
    assert refused.value.field == field


async def test_an_address_has_one_account_whatever_its_case(organiser: StaffAccount) -> None:
    with pytest.raises(InvalidValue):
        await accounts.create_staff(" Claire@Ville.EXAMPLE ", "Claire", StaffRole.MODERATOR, PASSWORD)


# ---------------------------------------------------------------- password rules


@pytest.mark.parametrize(("password", "reason"), [
    ("short", passwords.TOO_SHORT),
    ("x" * (passwords.MAX_LENGTH + 1), passwords.TOO_LONG),
    ("motdepasse123", passwords.COMMON),
    ("1234567890", passwords.COMMON),
    ("azertyuiop", passwords.COMMON),
    ("aaaaaaaaaa", passwords.REPEATS),
    ("abcdefghijkl", passwords.REPEATS),
    ("claire.martin@mairie-lyon.fr", passwords.OWN_DATA),
    ("claire.martin2026", passwords.OWN_DATA),
    ("Martin Claire 1985", passwords.OWN_DATA),
    ("atelier-martin-42", passwords.OWN_DATA),
    ("participation lyon 2026", passwords.OWN_DATA),  # the site's host name
])
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    words = passwords.own_words("claire.martin@mairie-lyon.fr", "Claire Martin", "https://participation.lyon.fr")
    with pytest.raises(InvalidValue) as refused:
        passwords.check_password(password, words)
    assert refused.value.message == reason
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", [PASSWORD, "le chat dort sur le toit", "soleil-jardin-velo",
                                      "x" * 40 + " correct horse battery"])
def test_passphrases_are_accepted(password: str) -> None:
    words = passwords.own_words("claire.martin@mairie-lyon.fr", "Claire Martin", "https://participation.lyon.fr")
    assert passwords.check_password(password, words) == password


def test_generated_passwords_follow_the_rules_and_differ() -> None:
    generated = {passwords.generate_password() for _ in range(20)}
    assert len(generated) == 20
    for password in generated:
        assert passwords.check_password(password) == password
        assert len(password) == 23


async def test_the_demo_password_breaks_the_rules_so_only_the_demo_creates_accounts_with_it(db: str) -> None:
    with pytest.raises(InvalidValue):
        await accounts.create_staff("someone@ville.example", "Someone", StaffRole.MODERATOR, demo.DEMO_PASSWORD)
    organiser, moderator = await demo.ensure_demo_accounts()
    assert passwords.verify(organiser.password_hash, demo.DEMO_PASSWORD)


# ---------------------------------------------------------------- signing in and sessions


async def test_sign_in_opens_a_server_side_session_that_expires(organiser: StaffAccount, clock: FakeClock) -> None:
    signed = await accounts.sign_in("CLAIRE@ville.example", PASSWORD, NETWORK, clock)
    assert signed.account.id == organiser.id
    session = await StaffSession.get(account=organiser)
    assert session.token_hash != signed.session_token  # only the hash is stored
    assert (await accounts.account_for_session(signed.session_token, clock)).id == organiser.id
    assert (await StaffAccount.get(id=organiser.id)).last_signed_in_at == clock.now()
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


async def test_open_sessions_are_counted_per_account(organiser: StaffAccount, moderator: StaffAccount,
                                                     clock: FakeClock) -> None:
    for _ in range(2):
        await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    await accounts.sign_in(moderator.email, PASSWORD, NETWORK, clock)
    assert await accounts.open_session_counts(clock) == {organiser.id: 2, moderator.id: 1}


# ---------------------------------------------------------------- throttling figures


async def fail(email: str, network: str, clock: FakeClock) -> None:
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(email, "not the password", network, clock)


async def test_failures_from_one_address_wait_two_seconds_then_twice_as_long_each_time(
        organiser: StaffAccount, clock: FakeClock) -> None:
    for _ in range(PAIR.free_failures):
        await fail(organiser.email, NETWORK, clock)
    with pytest.raises(TooManyAttempts) as refused:
        await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)  # even the right password waits here
    assert refused.value.retry_after_seconds == 2
    clock.advance(seconds=2)
    await fail(organiser.email, NETWORK, clock)
    with pytest.raises(TooManyAttempts) as longer:
        await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    assert longer.value.retry_after_seconds == 4
    clock.advance(seconds=4)
    await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    assert await SignInThrottle.filter(key=throttling.pair_key(organiser.email, NETWORK)).count() == 0
    assert (await SignInThrottle.get(key=throttling.address_key(NETWORK))).failures == PAIR.free_failures + 1


async def test_the_wait_stops_growing_at_five_minutes(db: str, clock: FakeClock) -> None:
    # The throttle alone (claimed attempts count as failures until they succeed): no argon2 needed.
    waits = []
    for _ in range(16):
        try:
            await throttling.claim_attempt("claire@ville.example", NETWORK, clock.now())
        except TooManyAttempts as refused:
            waits.append(refused.retry_after_seconds)
            clock.advance(seconds=refused.retry_after_seconds)
            await throttling.claim_attempt("claire@ville.example", NETWORK, clock.now())
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]


async def test_one_address_trying_many_accounts_is_slowed_down_after_its_allowance(db: str,
                                                                                   clock: FakeClock) -> None:
    for number in range(ADDRESS.free_failures):
        await throttling.claim_attempt(f"guess{number}@ville.example", NETWORK, clock.now())
    with pytest.raises(TooManyAttempts) as refused:
        await accounts.sign_in("another@ville.example", "guess", NETWORK, clock)
    assert refused.value.retry_after_seconds == 1
    clock.advance(seconds=1)
    await fail("another@ville.example", NETWORK, clock)  # a delay, not a lock
    assert [ADDRESS.wait_after(failures).total_seconds() for failures in range(50, 58)] == [
        1, 2, 4, 8, 16, 32, 60, 60]


async def test_an_hour_of_quiet_forgets_old_failures(organiser: StaffAccount, clock: FakeClock) -> None:
    for _ in range(PAIR.free_failures):
        await fail(organiser.email, NETWORK, clock)
    clock.advance(hours=1, seconds=1)
    await fail(organiser.email, NETWORK, clock)
    assert (await SignInThrottle.get(key=throttling.pair_key(organiser.email, NETWORK))).failures == 1
    assert await SignInThrottle.all().count() == 2  # the pair and the address: nothing older is kept


def test_a_long_wait_is_told_in_minutes() -> None:
    refused = throttling.too_many_attempts(256)
    assert refused.message == "Too many failed attempts. Try again in {minutes} minutes."
    assert refused.params["minutes"] == 5


# ---------------------------------------------------------------- what organisers do


async def test_disabling_ends_the_sessions_and_enabling_lets_the_account_back(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    session = (await accounts.sign_in(moderator.email, PASSWORD, NETWORK, clock)).session_token
    await accounts.disable_account(organiser, moderator.id, clock)
    assert not await StaffSession.filter(account_id=moderator.id).exists()
    assert await accounts.account_for_session(session, clock) is None
    assert moderator.id not in [account.id for account in await accounts.staff_accounts()]
    assert [a.id for a in await accounts.every_staff_account()] == [organiser.id, moderator.id]
    await accounts.enable_account(organiser, moderator.id, clock)
    await accounts.sign_in(moderator.email, PASSWORD, NETWORK, clock)


async def test_a_reset_password_is_generated_or_chosen_and_must_be_changed(
        organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    generated = await accounts.reset_password(organiser, moderator.id, clock)
    assert (await accounts.sign_in(moderator.email, generated, NETWORK, clock)).account.must_change_password
    with pytest.raises(InvalidValue) as weak:
        await accounts.reset_password(organiser, moderator.id, clock, password="karim.benali1")
    assert weak.value.message == passwords.OWN_DATA
    chosen = "plume orange sous la pluie"
    assert await accounts.reset_password(organiser, moderator.id, clock, password=chosen) == chosen
    await accounts.sign_in(moderator.email, chosen, NETWORK, clock)


async def test_a_role_change_keeps_an_organiser(organiser: StaffAccount, moderator: StaffAccount,
                                                clock: FakeClock) -> None:
    await accounts.change_role(organiser, moderator.id, StaffRole.ORGANISER, clock)
    promoted = await StaffAccount.get(id=moderator.id)
    await accounts.change_role(promoted, organiser.id, StaffRole.MODERATOR, clock)
    with pytest.raises(NotAllowed):  # the last organiser, and oneself
        await accounts.change_role(promoted, promoted.id, StaffRole.MODERATOR, clock)
    with pytest.raises(NotAllowed):  # a moderator now
        await accounts.change_role(organiser, promoted.id, StaffRole.MODERATOR, clock)


async def test_ending_someones_sessions(organiser: StaffAccount, moderator: StaffAccount, clock: FakeClock) -> None:
    for _ in range(3):
        await accounts.sign_in(moderator.email, PASSWORD, NETWORK, clock)
    assert await accounts.end_sessions(organiser, moderator.id, clock) == 3
    assert not await StaffSession.filter(account_id=moderator.id).exists()


async def test_every_change_is_in_the_audit_with_who_did_it(organiser: StaffAccount, moderator: StaffAccount,
                                                             clock: FakeClock) -> None:
    await accounts.create_staff("lea@ville.example", "Léa", StaffRole.MODERATOR, PASSWORD, by=organiser,
                                clock=clock)
    clock.advance(minutes=1)
    await accounts.disable_account(organiser, moderator.id, clock)
    clock.advance(minutes=1)
    await accounts.enable_account(organiser, moderator.id, clock)
    clock.advance(minutes=1)
    await accounts.reset_password(organiser, moderator.id, clock)
    clock.advance(minutes=1)
    await accounts.end_sessions(organiser, moderator.id, clock)
    clock.advance(minutes=1)
    await accounts.change_role(organiser, moderator.id, StaffRole.ORGANISER, clock)
    trail = [entry for entry in await accounts.audit_trail() if entry.actor]
    assert [(entry.action, entry.actor.display_name, entry.target.display_name, entry.detail)
            for entry in trail] == [
        (StaffAction.ROLE_CHANGED, "Claire Martin", "Karim Benali", "organiser"),
        (StaffAction.SESSIONS_ENDED, "Claire Martin", "Karim Benali", ""),
        (StaffAction.PASSWORD_RESET, "Claire Martin", "Karim Benali", ""),
        (StaffAction.ENABLED, "Claire Martin", "Karim Benali", ""),
        (StaffAction.DISABLED, "Claire Martin", "Karim Benali", ""),
        (StaffAction.CREATED, "Claire Martin", "Léa", "moderator"),
    ]
    assert trail[0].at == clock.now()
    # The fixtures' accounts were made as on the command line: no one's action.
    assert await StaffAuditEntry.filter(actor=None, action=StaffAction.CREATED).count() == 2


# ---------------------------------------------------------------- what account holders do


async def test_changing_ones_password_checks_the_rules_and_the_current_one(organiser: StaffAccount,
                                                                           clock: FakeClock) -> None:
    here = await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)
    with pytest.raises(InvalidValue) as same:
        await accounts.change_own_password(organiser, PASSWORD, PASSWORD, keep_session=here.session_token,
                                           network_address=NETWORK, clock=clock)
    assert same.value.field == "password"
    with pytest.raises(InvalidValue) as weak:
        await accounts.change_own_password(organiser, PASSWORD, "claire2026!", keep_session=here.session_token,
                                           network_address=NETWORK, clock=clock)
    assert weak.value.field == "password"
    await accounts.change_own_password(organiser, PASSWORD, "plume orange sous la pluie",
                                       keep_session=here.session_token, network_address=NETWORK, clock=clock)
    await accounts.sign_in(organiser.email, "plume orange sous la pluie", NETWORK, clock)
    changed = await StaffAuditEntry.get(action=StaffAction.PASSWORD_CHANGED).select_related("actor", "target")
    assert changed.actor.id == changed.target.id == organiser.id and changed.at == clock.now()


async def test_signing_out_of_the_other_sessions_keeps_this_one(organiser: StaffAccount, clock: FakeClock) -> None:
    here = (await accounts.sign_in(organiser.email, PASSWORD, NETWORK, clock)).session_token
    elsewhere = (await accounts.sign_in(organiser.email, PASSWORD, "198.51.100.7", clock)).session_token
    assert await accounts.end_other_sessions(organiser, here, clock) == 1
    assert await accounts.account_for_session(here, clock) is not None
    assert await accounts.account_for_session(elsewhere, clock) is None
