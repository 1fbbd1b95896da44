"""The names participants give themselves: normalised, and refused when they could mislead.

A name is shown to everyone on the stage, so it must be what it looks like: no invisible or
control characters, no text-direction tricks (a right-to-left override turns "Ana" into
anything), not empty once the invisible characters are gone, and not the name or the role of
the moderation team: a participant must not pass as staff. Letters of every script, accents,
apostrophes and hyphens are welcome.

Comparisons use a *key*: compatibility-normalised (NFKC folds full-width and styled letters into
plain ones), accents removed, case folded, invisible characters dropped, so "MODÉRATRICE",
"moderatrice" and "ｍｏｄｅｒａｔｒｉｃｅ" are the same word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from domain.errors import InvalidValue
from domain.i18n import N_

MAX_NAME = 80
# Marks on one letter beyond this are a "zalgo" smear over the neighbouring lines (Vietnamese needs two).
MAX_MARKS_PER_LETTER = 3
# Joiners that scripts need between letters (Persian, Indic scripts, emoji sequences): allowed, yet ignored in keys.
JOINERS = frozenset({"\u200c", "\u200d"})
# Bidirectional embeddings, overrides and isolates; the marks U+200E/U+200F are format characters, refused too.
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Words only the team's titles use, as keys (see `key`), in English and French, singular and plural.
ROLE_WORDS = frozenset({
    "moderator", "moderators", "moderation", "moderateur", "moderateurs", "moderatrice", "moderatrices",
    "animateur", "animateurs", "animatrice", "animatrices", "animation",
    "organiser", "organisers", "organizer", "organizers", "organisateur", "organisateurs", "organisatrice",
    "organisatrices",
    "admin", "admins", "administrator", "administrators", "administrateur", "administrateurs",
    "administratrice", "administratrices",
    "facilitator", "facilitators", "facilitateur", "facilitateurs", "facilitatrice", "facilitatrices",
    "host", "hote", "staff", "atelier",
})
_WORD_SEPARATORS = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """The form names are compared in: no accents, no case, no invisible characters, single spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    kept = "".join(char for char in decomposed
                    if unicodedata.category(char) not in ("Mn", "Me", "Cf", "Cc"))
    return " ".join(kept.casefold().split())


def _compact(text: str) -> str:
    """The key with only its letters and digits: "Karim.Benali" and "Karim Benali" are one name."""
    return "".join(char for char in key(text) if char.isalnum())


def _words(text: str) -> set[str]:
    return {word for word in _WORD_SEPARATORS.split(key(text)) if word}


def _refused_character(char: str) -> bool:
    """Control, format (bidi, zero-width), private-use, unassigned or surrogate characters; joiners excepted."""
    if char in JOINERS:
        return False
    return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn", "Cs")


def _too_many_marks(name: str) -> bool:
    marks = 0
    for char in name:
        marks = marks + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if marks > MAX_MARKS_PER_LETTER:
            return True
    return False


def display_name(raw: str) -> str:
    """The name as it will be shown (NFKC, single spaces, trimmed), or `InvalidValue` on the field "name"."""
    name = unicodedata.normalize("NFKC", raw)
    if any(_refused_character(char) for char in name if not char.isspace()):
        raise InvalidValue(N_("Type your name again without invisible or text-direction characters."),
                           field="name")
    name = " ".join(name.split())  # every kind of space and line break, as one space
    if not "".join(char for char in name if char not in JOINERS).strip():
        raise InvalidValue(N_("Tell the others how to call you."), field="name")
    if len(name) > MAX_NAME:
        raise InvalidValue(N_("At most {count} characters."), field="name", count=MAX_NAME)
    if _too_many_marks(name):
        raise InvalidValue(N_("This name has too many accents on one letter."), field="name")
    return name


def participant_name(raw: str, team_names: Iterable[str]) -> str:
    """A participant's name: a valid display name that is neither a role nor the name of someone in the team."""
    name = display_name(raw)
    if _words(name) & ROLE_WORDS:
        raise InvalidValue(N_("Only the moderation team is shown with a role: give your own name."), field="name")
    compact = _compact(name)
    if any(compact == _compact(member) for member in team_names if _compact(member)):
        raise InvalidValue(N_("Someone in the moderation team has this name: add an initial or your family name."),
                           field="name")
    return name


def same_name(first: str, second: str) -> bool:
    """Whether two names are the same once case, accents, spacing and punctuation are set aside."""
    return _compact(first) == _compact(second)
