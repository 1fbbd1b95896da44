"""Display names: normalised, welcome in every script, refused when they could mislead."""

from __future__ import annotations

import pytest

from domain import names
from domain.errors import InvalidValue

TEAM = ["Karim Benali", "Claire Martin"]


@pytest.mark.parametrize(("typed", "shown"), [
    ("Zoë", "Zoë"),
    ("Nguyễn", "Nguyễn"),
    ("Nguye\u0302\u0303n", "Nguyễn"),  # typed decomposed: stored composed (NFC is part of NFKC)
    ("李小龍", "李小龍"),
    ("O’Brien", "O’Brien"),
    ("Jean-Pierre d'Arc", "Jean-Pierre d'Arc"),
    ("  Amina \t  Diallo\u00a0 ", "Amina Diallo"),  # every space, collapsed and trimmed
    ("Ｓａｍｉ", "Sami"),  # full-width letters, folded
    ("علی\u200cرضا", "علی\u200cرضا"),  # Persian needs its zero-width non-joiner between letters
    ("Karim", "Karim"),  # a staff member's first name alone is a common name
])
def test_names_of_every_script_are_accepted_and_normalised(typed: str, shown: str) -> None:
    assert names.participant_name(typed, TEAM) == shown


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\u200d", "\ufeff", "\u2060 \u200b"])
def test_a_name_empty_once_invisible_characters_are_gone_is_refused(typed: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        names.participant_name(typed, TEAM)
    assert refused.value.field == "name"


@pytest.mark.parametrize("typed", [
    "\u202eAnna",  # right-to-left override
    "Ann\u202ba",  # left-to-right embedding
    "\u2066Anna\u2069",  # isolates
    "Anna\u200f",  # right-to-left mark
    "An\u0007na",  # bell
    "An\u001bna",  # escape
    "Anna\u00ad",  # soft hyphen (a format character)
    "Ann\ue000a",  # private use
])
def test_bidi_control_and_format_characters_are_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match="invisible or text-direction"):
        names.participant_name(typed, TEAM)


def test_a_name_too_long_or_smeared_with_marks_is_refused() -> None:
    with pytest.raises(InvalidValue, match="At most"):
        names.participant_name("A" * (names.MAX_NAME + 1), TEAM)
    assert names.participant_name("A" * names.MAX_NAME, TEAM)
    with pytest.raises(InvalidValue, match="accents"):
        names.participant_name("Z" + "\u0336" * 12 + "oé", TEAM)


@pytest.mark.parametrize("typed", ["Karim Benali", "karim benali", "KARIM  BENALI", "Kárim Bénali", "Karim.Benali",
                                   "Kar\u200dim Benali", "ｃｌａｉｒｅ ｍａｒｔｉｎ"])
def test_a_staff_members_name_is_refused_whatever_its_case_accents_or_spacing(typed: str) -> None:
    with pytest.raises(InvalidValue, match="moderation team has this name"):
        names.participant_name(typed, TEAM)


@pytest.mark.parametrize("typed", ["Moderator", "Modérateur", "Modératrice", "Animateur", "Animatrice",
                                   "Organiser", "Organisateur", "Organisatrice", "Admin", "Atelier", "MODÉRATION",
                                   "Amina (animatrice)", "Léa - Organisatrice", "Équipe d’animation",
                                   "Ｍｏｄｅｒａｔｏｒ", "Modérateur·rice"])
def test_role_words_are_refused_in_both_languages(typed: str) -> None:
    with pytest.raises(InvalidValue, match="moderation team is shown with a role"):
        names.participant_name(typed, TEAM)


def test_names_are_the_same_whatever_their_case_accents_and_spacing() -> None:
    assert names.same_name("Zoë Dupont", "zoe  DUPONT")
    assert not names.same_name("Zoë", "Zoé Dupont")
