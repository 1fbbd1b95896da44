"""Keyboard focus after a redraw: on the thing just made or moved, or on the next control after a deletion.

A refreshed list is made of new elements: the element that had the focus is gone, and the browser
falls back to the top of the page, where a keyboard or screen reader user loses their place.
Elements that may take the focus after a redraw get a key that stays the same from one drawing to
the next (`focus_key`); once the new elements are on the page, `move_focus` gives the focus to
the first of the keys found there (into its first field when the key marks a card or a field).
"""

from __future__ import annotations

import json

from nicegui import Client

from ui.components import AnyElement


def key(*parts: str | int) -> str:
    """A stable key such as `step-12-title`: made of names and ids only, never of user text."""
    return "-".join(str(part) for part in parts)


def focus_key(element: AnyElement, *parts: str | int) -> AnyElement:
    """Mark an element as a place the focus may be moved to after a redraw."""
    element.props["data-focus"] = key(*parts)
    return element


def move_focus(client: Client, *candidates: str) -> None:
    """Focus the first of these keys present on the page, best first.

    Called after an awaited redraw: NiceGUI sends the new elements before this call, and the page
    applies them before it runs it. The page's client is given, since the element whose handler
    calls this may have gone with the redraw.
    """
    client.run_javascript(f"atelierFocus({json.dumps(list(candidates))})")
