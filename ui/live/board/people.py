"""Everyone in the session: connected or not, where they are, their hand, their answer; removing someone."""

from __future__ import annotations

from functools import partial

from nicegui import ui

from domain.live.events import Aspect
from domain.live.session import Presence
from domain.live.state import Person
from ui.components import Text, confirm, labelled, paragraph
from ui.i18n import _
from ui.live.board.view import BoardView
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows


class PeoplePart(LivePart):
    listens_to = frozenset({Aspect.PEOPLE, Aspect.HANDS, Aspect.ROOMS, Aspect.ANSWERS, Aspect.FLOOR, Aspect.PLAN})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.nobody = paragraph(_("Nobody has joined yet. Participants join from the public page of the workshop."),
                                muted=True)
        self.rows = KeyedRows(ui.element("ul").classes("grid gap-2 list-none p-0 m-0"))
        self.presence_labels = {Presence.ONLINE: _("online"), Presence.RECONNECTING: _("reconnecting"),
                                Presence.GONE: _("gone")}
        self.redraw()

    def redraw(self) -> None:
        view = self.view
        live = view.live
        state = live.state
        people = sorted(state.active_people(), key=lambda p: p.name.lower())
        self.nobody.set_visibility(not people)
        rows = []
        for person in people:
            presence = live.presence(person.id)
            details = [self.presence_labels[presence]]
            room_id = state.room_of(person.id)
            if room_id is not None:
                details.append(view.room_name(room_id))
            if person.hand_raised_at is not None:
                details.append(_("hand raised"))
            if state.floor_holder == person.id:
                details.append(_("has the floor"))
            shown = (person.name, " · ".join(details), presence.value, person.arrival_answer)
            rows.append((person.id, shown, partial(self.row, person, *shown)))
        self.rows.show(rows)

    def row(self, person: Person, name: str, details: str, presence: str, answer: str) -> ui.element:
        with ui.element("li").classes("atelier-card p-3 flex items-center gap-3") as row:
            with ui.column().classes("gap-0 grow min-w-0"):
                Text(name, "span").classes("font-semibold")
                Text(details, "span").classes(f"text-sm presence-{presence}")
                if answer:
                    Text(answer, "span").classes("atelier-muted text-sm atelier-text")
            labelled(ui.button(icon="person_remove", on_click=partial(self.confirm_remove, person))
                     .props("flat dense round"), _("Remove {name} from the session", name=name))
        return row

    def confirm_remove(self, person: Person) -> None:
        view = self.view
        confirm(_("Remove {name} from the session?", name=person.name),
                _("They leave the workshop at once and cannot come back with the same link."), _("Remove"),
                lambda: view.act(view.live.remove(person.id), _("{name} was removed.", name=person.name)))
