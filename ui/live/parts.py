"""A live page as parts by capability: each part draws itself, names what it shows, and redraws alone.

The stage and the board are made of parts (the floor, the rooms, the messages...), one file each,
so that a new live activity is a new part. A part declares the aspects of the run it shows; when
a batch of events comes, each part whose aspects changed redraws once, and every part may also
look at the events themselves (a message to show, a notice to give).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from domain.live.events import Aspect, LiveEvent
from domain.live.session import LiveSession


class LivePart:
    listens_to: ClassVar[frozenset[Aspect]] = frozenset()

    def redraw(self) -> None:
        """Show the run as it is now; called once per batch of events touching `listens_to`."""

    def hear(self, events: Sequence[LiveEvent]) -> None:
        """Look at the events themselves, for what a redraw cannot tell (a new message, a notice)."""


def deliver(parts: Sequence[LivePart], events: Sequence[LiveEvent]) -> None:
    aspects = frozenset().union(*(event.aspects for event in events))
    for part in parts:
        part.hear(events)
        if part.listens_to & aspects:
            part.redraw()


_derived: WeakKeyDictionary[LiveSession, dict[str, tuple[int, Any]]] = WeakKeyDictionary()


def once_per_revision(live: LiveSession, name: str, compute: Callable[[], Any]) -> Any:
    """What every page of a run derives alike from its state, computed by the first page that needs it."""
    cache = _derived.setdefault(live, {})
    cached = cache.get(name)
    if cached is None or cached[0] != live.revision:
        cached = cache[name] = (live.revision, compute())
    return cached[1]


class Drawn:
    """What a part last put on screen, to send nothing when a redraw would show the same."""

    def __init__(self) -> None:
        self._shown: dict[str, object] = {}

    def changed(self, part: str, signature: object) -> bool:
        if part in self._shown and self._shown[part] == signature:
            return False
        self._shown[part] = signature
        return True
