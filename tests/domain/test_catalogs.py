"""Every text shown to people exists in French and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from domain import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for directory in ("domain", "ui", "mail"):  # Python, and mail's Jinja2 templates (as babel.cfg says)
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, method_map=[("**.py", "python"), ("templates/**.jinja", "jinja2")], keywords=KEYWORDS
        ):
            found.add(tuple(message) if isinstance(message, (tuple, list)) else message)
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map=[("atelier.py", "python")], keywords=KEYWORDS
    ):
        found.add(tuple(message) if isinstance(message, (tuple, list)) else message)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def french_catalog():
    with i18n.catalog_path("fr").open("rb") as po_file:
        return read_po(po_file, locale="fr")


def test_every_message_in_the_code_has_a_french_translation() -> None:
    catalog = french_catalog()
    missing = []
    for message in extracted_messages():
        entry = catalog.get(message)
        translations = entry.string if entry else None
        if not translations or (isinstance(translations, tuple) and not all(translations)) or entry.fuzzy:
            missing.append(message)
    assert not missing, f"untranslated (run `make messages`, then translate): {sorted(map(str, missing))}"


def test_the_catalog_holds_no_message_the_code_no_longer_uses() -> None:
    used = extracted_messages()
    stale = [message.id for message in french_catalog() if message.id and message.id not in used]
    assert not stale, f"stale entries (run `make messages`): {stale}"


def test_translations_keep_the_placeholders_of_the_original() -> None:
    for message in french_catalog():
        if not message.id:
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(originals[-1])
        for translation in translations:
            assert placeholders(translation) == expected, f"{message.id!r}: {translation!r}"


def test_a_workshops_title_after_a_preposition_is_in_quotation_marks() -> None:
    """French contracts "à" and "de" with an article: "à Les berges de la Vienne" is wrong, "aux berges" depends on
    the title; "à « Les berges de la Vienne »" is right whatever the title."""
    bare = re.compile(r"\b(à|de|pour|sur) \{title\}")
    for message in french_catalog():
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for translation in translations:
            if translation and not translation.startswith("Copie de"):  # a new workshop's title, not a sentence
                assert not bare.search(translation), f"{message.id!r}: {translation!r}"


def test_translation_and_plural_in_both_languages() -> None:
    assert i18n.translate("Workshops", "fr") == "Ateliers"
    assert i18n.translate("Workshops", "en") == "Workshops"
    assert i18n.translate("Session {number}", "fr", number=2) == "Session 2"
    assert i18n.translate_plural("{count} step", "{count} steps", 1, "fr") == "1 étape"
    assert i18n.translate_plural("{count} step", "{count} steps", 3, "en") == "3 steps"
    assert i18n.translate("Workshops", "de") == "Ateliers"  # unknown languages fall back to French


def test_browser_languages_are_matched_to_ours() -> None:
    assert i18n.negotiate("en-US,en;q=0.9") == "en"
    assert i18n.negotiate("fr-CA") == "fr"
    assert i18n.negotiate("de-DE,de;q=0.9,en;q=0.5") == "en"
    assert i18n.negotiate("en;q=0.2, fr;q=0.8") == "fr"
    assert i18n.negotiate(None) == "fr"
