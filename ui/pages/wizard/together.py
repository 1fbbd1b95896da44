"""Organisers preparing one workshop at once: who else has it open, and each saved change reaching the others.

Atelier runs as one program, so the wizard pages open on a workshop are known here, in memory. The domain
announces every saved edit of a plan (`workshops.plan_edits`), whoever made it; the page that made it is the one
whose event handler is running (NiceGUI runs each handler within its page's slot), so the others can say who
changed what. Saves of one workshop's fields go one at a time (`lock`), so that a page compares what is stored
with what it last saw and saves in one step, without another save between the two.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from nicegui import Client
from nicegui.slot import Slot

from domain.models import StaffAccount
from domain.planning import Part


class PreparationPage(Protocol):
    """A wizard page, as the others see it."""

    staff: StaffAccount
    part: Part
    client: Client

    @property
    def workshop_id(self) -> int: ...

    def others_changed(self) -> None:
        """Who else prepares the workshop changed: redraw the line that says so."""

    def follow_edit(self, by: str | None) -> None:
        """Someone else saved a change (`by`, or None when not from a wizard page): show it."""


@dataclass(frozen=True)
class Deleted:
    """A step or room someone deleted, as it was: enough to put it back with the text another was typing."""

    by: str
    fields: dict[str, Any]
    position: int


@dataclass
class Workshop:
    pages: list[PreparationPage] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    deleted: dict[str, Deleted] = field(default_factory=dict)


class Preparers:
    def __init__(self) -> None:
        self._all: defaultdict[int, Workshop] = defaultdict(Workshop)
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def _workshops(self) -> defaultdict[int, Workshop]:
        """The pages of this run of the program (tests start several, one event loop each), the gone ones left."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._all, self._loop = defaultdict(Workshop), loop
        for workshop in self._all.values():
            workshop.pages = [page for page in workshop.pages if not page.client.is_deleted]
        return self._all

    def join(self, page: PreparationPage) -> None:
        self._workshops[page.workshop_id].pages.append(page)
        self._tell_others(page)

    def leave(self, page: PreparationPage) -> None:
        pages = self._workshops[page.workshop_id].pages
        if page in pages:
            pages.remove(page)
            self._tell_others(page)

    def moved(self, page: PreparationPage) -> None:
        """The page now shows another part (it is the same page after a reload elsewhere)."""
        self._tell_others(page)

    def others(self, page: PreparationPage) -> list[PreparationPage]:
        return [other for other in self._workshops[page.workshop_id].pages if other is not page]

    def lock(self, workshop_id: int) -> asyncio.Lock:
        return self._workshops[workshop_id].lock

    def remember_deleted(self, workshop_id: int, key: str, deleted: Deleted) -> None:
        self._workshops[workshop_id].deleted[key] = deleted

    def deleted(self, workshop_id: int, key: str) -> Deleted | None:
        return self._workshops[workshop_id].deleted.get(key)

    async def edited(self, workshop_id: int) -> None:
        """`workshops.plan_edits` listener: every other page of the workshop follows the saved change."""
        pages = self._workshops[workshop_id].pages if workshop_id in self._workshops else []
        origin = _page_of(_running_client(), pages)
        by = origin.staff.display_name if origin is not None else None
        for page in list(pages):
            if page is not origin:
                page.follow_edit(by)

    def _tell_others(self, page: PreparationPage) -> None:
        for other in self.others(page):
            other.others_changed()


def _running_client() -> Client | None:
    """The page whose event handler runs now, if any (a background task has none)."""
    stack = Slot.get_stack()
    if not stack:
        Slot.prune_stack()  # get_stack made an empty one for this task
    for slot in reversed(stack):
        try:
            return slot.parent.client
        except RuntimeError:
            continue  # the handler's element went with the change (a confirmation dialog's button)
    return None


def _page_of(client: Client | None, pages: list[PreparationPage]) -> PreparationPage | None:
    return next((page for page in pages if client is not None and page.client is client), None)


preparers = Preparers()
