"""The messages' text and HTML, from one Jinja2 template per kind of message (mail/templates/<kind>.jinja).

Each kind's template is written once and rendered twice: into `layout.html.jinja` with the building blocks of
`parts.html.jinja` (autoescaped: people's text can never become markup), and into `layout.text.jinja` with those
of `parts.text.jinja`. It sets `subject` at its top. Text is translated by `_()` in the templates, from the
project's gettext catalogs (`make messages` extracts it), in the message's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from domain.i18n import LANGUAGES, supported, translate
from domain.models import MessageKind

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def blocks(text: str) -> list[str]:
    """People's text cut into paragraphs at blank lines; the line breaks inside a paragraph are kept."""
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
            if block.strip()]


def one_line(text: str) -> str:
    """Any run of spaces, tabs, line breaks or other control characters as one space: fit for a header."""
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text).strip()


def _tidy_text(text: str) -> str:
    """No spaces at the ends of lines, at most one blank line in a row, one line break at the end."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _environment(language: str, form: str) -> Environment:
    """One environment per language and form: `_`, `layout` and `parts` are its globals, so the building blocks are
    imported once and kept (an import `with context` would run them again at every message)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=form == "html",
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              auto_reload=False)
    environment.filters["blocks"] = blocks
    environment.globals.update({"language": language, "layout": f"layout.{form}.jinja",
                                "parts": f"parts.{form}.jinja", "_": partial(_translate, language)})
    return environment


class Templates:
    """Renders a kind of message in a language, from the values its template reads (see mail/composing.py)."""

    def __init__(self) -> None:
        self._environments = {(language, form): _environment(language, form)
                              for language in LANGUAGES for form in ("html", "text")}

    def render(self, kind: MessageKind, language: str, values: Mapping[str, Any]) -> Rendered:
        language = supported(language)
        html = self._template(language, "html", kind.value).make_module(dict(values))
        text = self._template(language, "text", kind.value).make_module(dict(values))
        subject = getattr(text, "subject")  # noqa: B009 - set by each kind's template at its top
        return Rendered(subject=one_line(str(subject)), text=_tidy_text(str(text)), html=str(html))

    def _template(self, language: str, form: str, name: str) -> Template:
        return self._environments[language, form].get_template(f"{name}.jinja")


def _translate(language: str, text: str, **params: object) -> str:
    return translate(text, language, **params)
