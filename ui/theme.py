"""Colours and the stylesheet: Quasar's defaults fail WCAG contrast, these pass AA on white."""

from __future__ import annotations

from pathlib import Path

from nicegui import app, ui

STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static"

COLOURS = {
    "primary": "#1e4fa3",
    "secondary": "#4b5563",
    "accent": "#9d174d",
    "positive": "#15803d",
    "negative": "#b91c1c",
    "info": "#0369a1",
    "warning": "#b45309",
}


def install() -> None:
    """Once at start-up: serve the stylesheet and link it from every page; buttons in sentence case.

    Quasar's loading bar, which flashes on every request and has no accessible name, stays off.
    Every page also gets `reconnect.js`, which makes it try its lost connection again every second
    at most (NiceGUI keeps socket.io's up to five), so that it is back soon after a restart;
    `unstarted_page.js`, written into the page, which loads again a page whose scripts a restart cut off;
    `focus.js`, which puts the keyboard focus back in place after a redraw (`ui.focus`); and `fields.js`, which
    measures again the text areas drawn hidden, so that they open as tall as their text.
    """
    app.config.quasar_config["loadingBar"]["skipHijack"] = True
    app.add_static_files(STATIC_URL, STATIC_DIR)
    ui.button.default_props("no-caps")
    # What people type is shown in its own direction (Arabic, Hebrew right to left), the labels in the page's.
    # Text areas grow with their text (ui/static/fields.js measures those drawn hidden, in a closed step).
    ui.input.default_props('dir="auto"')
    ui.textarea.default_props('dir="auto" autogrow')
    ui.link.default_props('dir="auto"')
    ui.add_head_html(f'<link rel="stylesheet" href="{STATIC_URL}/atelier.css">', shared=True)
    ui.add_head_html(f"<script>{(STATIC_DIR / 'unstarted_page.js').read_text()}</script>", shared=True)
    # In the body, after NiceGUI's deferred socket.io.min.js and before its page script opens the socket.
    ui.add_body_html(f'<script defer src="{STATIC_URL}/reconnect.js"></script>', shared=True)
    ui.add_body_html(f'<script defer src="{STATIC_URL}/focus.js"></script>', shared=True)
    ui.add_body_html(f'<script defer src="{STATIC_URL}/fields.js"></script>', shared=True)


def apply() -> None:
    """On each page: Quasar colours are set per client."""
    ui.colors(**COLOURS)
