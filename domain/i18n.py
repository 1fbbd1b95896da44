"""Translation catalogs shared by every layer that speaks to people (pages, mail).

Messages are written in English in the code and looked up in gettext catalogs
(`domain/locales/<language>/LC_MESSAGES/messages.po`). The .po files are read
with Babel at start-up, so no compiled .mo file is ever committed or built.
Placeholders use `str.format` names: `translate("{count} steps", "fr", count=3)`.
"""

from __future__ import annotations

import gettext
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LOCALES_DIR = Path(__file__).parent / "locales"
CATALOG_DOMAIN = "messages"


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction; it is translated where it is shown."""
    return text


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    path = catalog_path(language)
    if not path.exists():  # English is the source language: it needs no catalog
        return gettext.NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(text: str, language: str, /, **params: object) -> str:
    translated = translations(supported(language)).gettext(text)
    return translated.format(**params) if params else translated


def translate_plural(singular: str, plural: str, count: int, language: str, /, **params: object) -> str:
    translated = translations(supported(language)).ngettext(singular, plural, count)
    return translated.format(count=count, **params)


def supported(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=1024)
def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an HTTP Accept-Language header (asked at every translated text)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    preferred = []
    for part in accept_language.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag:
            preferred.append((weight, tag.replace("-", "_")))
    ordered = [tag for _, tag in sorted(preferred, key=lambda item: -item[0])]
    best = Locale.negotiate(ordered, list(LANGUAGES))
    return best.language if best else DEFAULT_LANGUAGE


def language_name(language: str) -> str:
    """The language's own name for itself ("français", "English")."""
    try:
        name = Locale.parse(language).get_display_name(language)
    except (UnknownLocaleError, ValueError):
        return language
    return name.capitalize() if name else language
