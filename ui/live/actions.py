"""The one way a live page runs a command, and the one way it asks before a serious one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import Client, ui

from domain.errors import DomainError
from ui.components import Text, labelled, paragraph, translated
from ui.i18n import _


async def run_command(client: Client, command: Awaitable[Any], done: str | None = None) -> bool:
    """Run a domain command for the person at this page; a refusal is told to them, not raised.

    Refusals are normal in a live session (another moderator was quicker, the rooms closed
    meanwhile, a write could not be saved): the page says why, in its own client, and goes on.
    """
    try:
        await command
    except DomainError as problem:
        with client:
            ui.notify(translated(problem), type="warning")
        return False
    if done:
        with client:
            ui.notify(done)
    return True


def confirm(question: str, consequence: str, action: str, on_confirm: Callable[[], Awaitable[Any]]) -> None:
    """Ask before an action that cannot be undone: the question, what follows, Cancel or the action."""
    with labelled(ui.dialog(), question) as dialog, ui.card().classes("p-6 gap-4"):
        Text(question, "p").classes("font-semibold")
        paragraph(consequence, muted=True)
        with ui.row().classes("justify-end w-full gap-2"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")

            async def go() -> None:
                dialog.close()
                await on_confirm()

            ui.button(action, on_click=go).props("unelevated color=negative")
    dialog.open()
