"""The breakout rooms: who is in each, calls for a moderator, visiting; placing and moving people."""

from __future__ import annotations

from functools import partial

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from domain.live.events import Aspect
from domain.live.state import Person
from domain.models import Room, RoomAssignment
from ui.components import Text, heading, named_select, paragraph
from ui.i18n import _
from ui.live.board.view import BoardView
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows


def assignment_text(mode: RoomAssignment) -> str:
    """How people are put in rooms when they open, as the workshop was prepared."""
    return {
        RoomAssignment.PARTICIPANTS_CHOOSE: _("Rooms: each participant chooses one before the rooms open."),
        RoomAssignment.RANDOM_BALANCED: _("Rooms: drawn at random, in groups of balanced size."),
        RoomAssignment.BY_ORGANISER: _("Rooms: as the organiser or a moderator placed people."),
        RoomAssignment.FROM_REGISTRATIONS: _("Rooms: from the registrations. Each person goes to a room they "
                                             "wished for while it has places (its capacity, or a fair share); "
                                             "the others fill the emptiest rooms."),
    }[mode]


class RoomsPart(LivePart):
    """Rooms added or removed during the session show at once; so does anyone who is in no room."""

    listens_to = frozenset({Aspect.ROOMS, Aspect.PEOPLE, Aspect.STEP, Aspect.PHASE, Aspect.PLAN})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.note = Text("", "p").classes("atelier-muted atelier-text")
        self.mode = Text("", "p").classes("atelier-muted atelier-text")
        self.cards = KeyedRows(ui.element("div").classes("grid gap-3"))
        self.members: dict[int, tuple[ui.element, KeyedRows]] = {}
        self.unplaced_heading = heading(_("Not placed yet"), 2, looks_like=3)
        self.unplaced_note = paragraph("", muted=True)
        self.unplaced = KeyedRows(ui.element("div").classes("grid gap-3"))
        self.redraw()

    def redraw(self) -> None:
        live = self.view.live
        state, rooms = live.state, live.plan.breakout_rooms
        if not rooms:
            self.note.text = _("This workshop has no breakout room.")
        elif state.rooms_open:
            self.note.text = _("The rooms are open.")
        else:
            self.note.text = _("Everyone is in the plenary. Rooms open during a breakout step; participants shown "
                               "here go to the room they chose or were given.")
        self.mode.text = assignment_text(live.plan.workshop.room_assignment) if rooms else ""
        self.mode.set_visibility(bool(rooms))
        options = {room.id: room.name for room in rooms}
        cards = []
        for room in rooms:
            call = state.calls.get(room.id)
            caller = None
            if call is not None:
                person = state.people.get(call.participant_id)
                caller = person.name if person else "?"
            shown = (room.name, room.topic, state.rooms_open, caller)
            cards.append((room.id, shown, partial(self.card, room, state.rooms_open, caller)))
        self.cards.show(cards)
        choices = tuple(options.items())
        for room in rooms:
            members = state.members(room.id)
            nobody, rows = self.members[room.id]
            nobody.set_visibility(not members)
            rows.show((person.id, (person.name, choices),
                       partial(self.member_row, person, room.id, options, _("Move to")))
                      for person in members)
        unplaced = [p for p in state.active_people() if p.room_id not in options] if rooms else []
        self.unplaced_heading.set_visibility(bool(unplaced))
        self.unplaced_note.set_visibility(bool(unplaced))
        self.unplaced_note.text = _("They join a room as soon as they are placed.") if state.rooms_open else _(
            "They are placed to balance the rooms when the rooms open.")
        self.unplaced.show((person.id, (person.name, choices),
                            partial(self.member_row, person, None, options, _("Place in")))
                           for person in unplaced)

    def card(self, room: Room, rooms_open: bool, caller: str | None) -> ui.element:
        highlight = " border-2 border-amber-500" if caller is not None else ""
        with ui.card().classes("atelier-card w-full p-4 gap-2" + highlight) as card:
            with ui.row().classes("w-full items-center justify-between"):
                heading(room.name, 2, looks_like=3)
                if rooms_open:
                    ui.button(_("Visit"), icon="login", on_click=partial(self.visit, room.id)).props("outline dense")
            if caller is not None:
                Text(_("{name} is calling a moderator.", name=caller), "p").props('role="alert"').classes(
                    "font-semibold text-warning")
            if room.topic:
                Text(room.topic, "p").classes("atelier-muted text-sm")
            nobody = paragraph(_("Nobody in this room."), muted=True)
            self.members[room.id] = (nobody, KeyedRows(ui.element("div").classes("grid gap-2 w-full")))
        return card

    def member_row(self, person: Person, room_id: int | None, options: dict[int, str], label: str) -> ui.element:
        with ui.row().classes("w-full items-center justify-between gap-2") as row:
            Text(person.name, "span")
            # Named as the staff page names its buttons: the visible label first, then whose it is.
            mover = named_select(ui.select(options, value=room_id, label=label),
                                 _("{action} – {name}", action=label, name=person.name)).props(
                "dense outlined").classes("w-44")
            mover.on_value_change(partial(self.move, person.id))
        return row

    async def visit(self, room_id: int) -> None:
        """Open the room's stage in a new tab; a call from that room is answered by going."""
        view = self.view
        await view.act(view.live.answer_call(room_id))
        ui.navigate.to(f"{view.found.path('live')}?room={room_id}", new_tab=True)

    async def move(self, participant_id: int, event: ValueChangeEventArguments[int | None]) -> None:
        if event.value is not None and event.value != self.view.live.state.people[participant_id].room_id:
            await self.view.act(self.view.live.move(participant_id, event.value))
