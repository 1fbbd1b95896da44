"""Staff passwords: what is strong enough, how strong ones are made, and their argon2 hashes.

A password is refused when it is shorter than MIN_LENGTH, longer than MAX_LENGTH, or when zxcvbn (Dropbox's
estimator: dictionaries of common passwords, names and words, keyboard rows, repeats, sequences, dates) scores it
below MIN_SCORE, given the account's own words (e-mail, its parts, the display name, "atelier", the site's host
name). Score 4 means about 10^10 guesses or more: "motdepasse2024" scores 3 and is refused, "trois petits chats"
scores 4. zxcvbn does not see a name joined to another by a dot or a dash as a name, so the password is also
judged with the account's own words taken out: what remains must be strong on its own. The message says why, and
what to do instead: a passphrase of a few unrelated words.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from domain.errors import InvalidValue
from domain.i18n import N_

if TYPE_CHECKING:
    from zxcvbn.matching import _Match

MIN_LENGTH = 10
MAX_LENGTH = 1024
MIN_SCORE = 4  # zxcvbn: about 10^10 guesses or more; a passphrase of three ordinary words gets there
# zxcvbn refuses longer input (its matching grows fast with length); a longer password is judged on its start.
JUDGED_LENGTH = 72
SITE_WORD = "atelier"
SHORTEST_OWN_WORD = 3  # shorter pieces of a name ("de", "le") are not worth taking out

TOO_SHORT = N_("The password needs at least {count} characters. A passphrase of three or four words "
               "is long enough and easy to remember.")
TOO_LONG = N_("The password is too long.")
OWN_DATA = N_("This password is made from the account's name, e-mail address or the site's name: someone who "
              "knows the account could guess it. Choose a passphrase of three or four unrelated words instead.")
REPEATS = N_("Repeated or sequential characters (aaaa, 1234, azerty) are easy to guess. Choose a passphrase of "
             "three or four unrelated words instead.")
COMMON = N_("This password is too common or too easy to guess. Choose a passphrase of three or four unrelated "
            "words instead.")

_PATTERNS_OF_REPEATS = {"repeat", "sequence", "spatial"}
# No 0/O, 1/l/I: a generated password is read out or copied by hand.
_GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GENERATED_GROUPS = 4
_GENERATED_GROUP_LENGTH = 5  # 20 characters of 31: about 99 bits

_hasher = PasswordHasher()


def own_words(email: str, display_name: str, site_address: str = "") -> list[str]:
    """The words someone who knows the account would try first: its e-mail and parts of it, its name's words,
    "atelier", and the labels of the site's host name (`https://participation.ville.example` gives
    "participation" and "ville")."""
    local, _, mail_domain = email.lower().partition("@")
    name = display_name.lower().strip()
    words = [email.lower(), local, mail_domain, name, SITE_WORD]
    words += _pieces(local) + _pieces(name) + _host_labels(mail_domain)
    host = urlsplit(site_address).hostname or ""
    if host and not re.fullmatch(r"[\d.:]+", host):  # an IP address names nothing
        words += [host, *_host_labels(host)]
    return list(dict.fromkeys(word for word in words if len(word) >= SHORTEST_OWN_WORD))


def _pieces(text: str) -> list[str]:
    return [piece for piece in re.split(r"[\W_]+", text) if piece]


def _host_labels(host: str) -> list[str]:
    labels = host.split(".")[:-1]  # the top-level domain says nothing about the account
    return [piece for label in labels if label != "www" for piece in (label, *_pieces(label))]


def check_password(password: str, words: Sequence[str] = (SITE_WORD,)) -> str:
    """The password if it is strong enough for an account known by `words` (see `own_words`), else InvalidValue."""
    if len(password) < MIN_LENGTH:
        raise InvalidValue(TOO_SHORT, field="password", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidValue(TOO_LONG, field="password")
    judged = password[:JUDGED_LENGTH]
    # zxcvbn keeps the own words in a module-level dictionary during the call: call it on one thread only.
    result = zxcvbn(judged, user_inputs=words)
    if result["score"] < MIN_SCORE:
        raise InvalidValue(_reason(result["sequence"]), field="password")
    remainder = _without(judged, words)
    if remainder != judged and zxcvbn(remainder)["score"] < MIN_SCORE:
        raise InvalidValue(OWN_DATA, field="password")
    return password


def _reason(sequence: list[_Match]) -> str:
    matches = _with_repeated_parts(sequence)
    if any(match.get("dictionary_name") == "user_inputs" for match in matches):
        return OWN_DATA
    if any(match.get("dictionary_name") == "passwords" for match in matches):
        return COMMON
    if any(match["pattern"] in _PATTERNS_OF_REPEATS for match in matches):
        return REPEATS
    return COMMON


def _with_repeated_parts(matches: list[_Match]) -> list[_Match]:
    """The matches and, for a repeat ("karimkarim"), what is repeated."""
    found = []
    for match in matches:
        found.append(match)
        found += _with_repeated_parts(match.get("base_matches", []))
    return found


def _without(password: str, words: Iterable[str]) -> str:
    """The password with every own word taken out, longest first, whatever their case."""
    remainder = password
    for word in sorted(words, key=len, reverse=True):
        remainder = re.sub(re.escape(word), "", remainder, flags=re.IGNORECASE)
    return remainder


def generate_password() -> str:
    """A strong password to give someone once, such as `k7mtr-x3pqa-9wcnh-e4vzd`."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(_GENERATED_GROUP_LENGTH))
            for _ in range(_GENERATED_GROUPS)
        )
        if zxcvbn(password)["score"] >= MIN_SCORE:  # practically always: a draw like "aaaaa" is drawn again
            return password


def hash_password(password: str) -> str:
    """An argon2id hash (slow by design: call it off the event loop)."""
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _unknown_account_hash() -> str:
    """Verified against when the e-mail is unknown, so both cases cost the same time (made once, when first needed:
    hashing at import would slow every start of the server by a fifth of a second)."""
    return _hasher.hash(secrets.token_hex(16))


def verify(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; without an account, checked all the same against a hash of nothing."""
    try:
        return _hasher.verify(password_hash or _unknown_account_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
