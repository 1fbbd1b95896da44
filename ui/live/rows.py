"""Lists of people on the board, one row per key, each redrawn only when what it shows has changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from nicegui import ui


class KeyedRows:
    """The rows of a list, one per key, each redrawn only when what it shows has changed.

    The board lists everyone (people, speaking balance, rooms). Redrawing a whole list for
    each arrival cost hundreds of elements per event with 300 participants, and stalled the
    server while a room filled up; now an arrival adds one row and moves it into place.
    """

    def __init__(self, container: ui.element) -> None:
        self.container = container
        self._rows: dict[Hashable, tuple[Hashable, ui.element]] = {}

    def show(self, rows: Iterable[tuple[Hashable, Hashable, Callable[[], ui.element]]]) -> None:
        """Show these rows in this order: (key, what the row shows, a function drawing it and returning it)."""
        order: list[ui.element] = []
        for key, signature, draw in rows:
            drawn = self._rows.get(key)
            if drawn is None or drawn[0] != signature:
                if drawn is not None:
                    drawn[1].delete()
                with self.container:
                    drawn = self._rows[key] = (signature, draw())
            order.append(drawn[1])
        if len(order) != len(self._rows):
            shown = {id(element) for element in order}
            for key in [key for key, (_, element) in self._rows.items() if id(element) not in shown]:
                self._rows.pop(key)[1].delete()
        children = self.container.default_slot.children
        for index, element in enumerate(order):
            if children[index] is not element:
                element.move(target_index=index)
