"""The speaking balance: everyone's turns and time with the floor, those who have not spoken shown first."""

from __future__ import annotations

from functools import partial

from nicegui import ui

from domain.live.events import Aspect
from ui.components import Text, heading, paragraph
from ui.i18n import _
from ui.live.board.view import BoardView, clock_minutes
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows


class BalancePart(LivePart):
    listens_to = frozenset({Aspect.FLOOR, Aspect.PEOPLE})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        heading(_("Speaking balance"), 2, looks_like=3)
        self.nobody = paragraph(_("Nobody has joined yet."), muted=True)
        with ui.element("table").classes("w-full text-sm") as self.table:
            with ui.element("thead"), ui.element("tr"):
                for title in (_("Participant"), _("Turns"), _("Time with the floor")):
                    Text(title, "th").classes("text-left font-semibold")
            self.rows = KeyedRows(ui.element("tbody"))
        self.redraw()

    def redraw(self) -> None:
        state, now = self.view.live.state, self.view.now
        people = sorted(state.active_people(), key=lambda p: (state.speaking_time(p, now), p.name))
        self.nobody.set_visibility(not people)
        self.table.set_visibility(bool(people))
        not_yet = " · " + _("not yet")
        rows = []
        for person in people:
            time_with_floor = clock_minutes(state.speaking_time(person, now))
            if state.floor_holder == person.id:  # the stopwatch above counts this turn: no stale figure here
                time_with_floor = _("{time} + speaking now", time=clock_minutes(person.spoken))
            cells = (person.name + ("" if person.has_spoken else not_yet), person.has_spoken, str(person.turns),
                     time_with_floor)
            rows.append((person.id, cells, partial(self.row, *cells)))
        self.rows.show(rows)

    @staticmethod
    def row(name: str, has_spoken: bool, turns: str, time_with_floor: str) -> ui.element:
        with ui.element("tr") as row:
            Text(name, "td").classes("" if has_spoken else "font-semibold text-warning")
            Text(turns, "td")
            Text(time_with_floor, "td")
        return row
