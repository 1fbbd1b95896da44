"""The translation function for pages: `_("Text {name}", name=...)` in the reader's language.

The language is the one chosen with the switch in the header, kept in the browser's
server-side storage, or else the best match for the browser's Accept-Language.
"""

from __future__ import annotations

from nicegui import app, context
from nicegui.language import Language

from domain.i18n import LANGUAGES, negotiate, supported, translate, translate_plural

LANGUAGE_KEY = "language"
# Quasar's language packs, which also set <html lang>.
QUASAR_LANGUAGES: dict[str, Language] = {"fr": "fr", "en": "en-GB"}


def current_language() -> str:
    """The language of the page being built or updated.

    It is settled once per page, when the page is built, and kept with the page's client: an
    update caused by someone else's action must not read that person's browser storage.
    """
    client = context.client
    language = client.storage.get(LANGUAGE_KEY)
    if language is None:
        chosen = app.storage.user.get(LANGUAGE_KEY)
        request = client.request
        language = chosen if chosen in LANGUAGES else negotiate(
            request.headers.get("accept-language") if request else None)
        client.storage[LANGUAGE_KEY] = language
    return language


def choose_language(language: str) -> None:
    app.storage.user[LANGUAGE_KEY] = supported(language)


def _(text: str, /, **params: object) -> str:
    return translate(text, current_language(), **params)


def ngettext(singular: str, plural: str, count: int, /, **params: object) -> str:
    return translate_plural(singular, plural, count, current_language(), **params)
