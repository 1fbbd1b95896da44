"""Part 4, rooms: the plenary, the breakout rooms, and how participants are spread among them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from domain import planning, workshops
from domain.models import Room, RoomAssignment
from ui.components import Text, confirm, heading, labelled, paragraph
from ui.focus import focus_key, key
from ui.i18n import _, ngettext
from ui.pages.wizard.shell import Wizard, room_value, workshop_value

ADD_ROOM = key("add-room")


async def render(wizard: Wizard) -> None:
    paragraph(_("Everyone starts in the plenary. Breakout rooms of 5 to 8 people let everyone speak; "
                "the countdown of the step shows in every room."), muted=True)
    plenary = wizard.plan.plenary_room
    with ui.column().classes("w-full gap-5 mt-4"):
        if plenary is not None:
            name = ui.input(_("Name of the plenary room"), value=plenary.name).props(
                "outlined debounce=300 maxlength=80").classes("w-full max-w-md")
            wizard.field(name, lambda value: workshops.update_room(plenary, "name", value),
                         read=room_value(plenary.id, "name"), subject=f"room:{plenary.id}", name="name")
            wizard.advice("name", plenary.id)

        heading(_("Breakout rooms"), 3)
        expected = ui.number(_("Participants expected per session"),
                             value=wizard.plan.workshop.expected_participants).props("outlined").classes(
            "w-full max-w-xs")
        expected.props["hint"] = _("Used to suggest how many breakout rooms to open.")
        wizard.field(expected, lambda value: workshops.update_workshop(
            wizard.plan.workshop, "expected_participants", value), read=workshop_value("expected_participants"),
            name="expected_participants")
        suggestion_row = ui.row().classes("items-center gap-3")

        @ui.refreshable
        async def room_list() -> None:
            with ui.column().classes("w-full gap-3"):
                for number, room in enumerate(wizard.plan.breakout_rooms, start=1):
                    room_card(wizard, room, number, restructure)
                if not wizard.plan.breakout_rooms:
                    paragraph(_("No breakout room yet."), muted=True)
            focus_key(ui.button(_("Add a breakout room"), icon="add", on_click=lambda: restructure(
                workshops.add_breakout_room(wizard.plan.workshop))).props("outline"), ADD_ROOM)

        async def restructure(command: Awaitable[Any], *focus: str) -> None:
            """Run a command that adds or removes rooms and redraw them; the focus goes to the `focus` keys,
            or else to the first room the command made, or else to the add button."""
            def focus_after(made: object) -> list[str]:
                new_rooms = made if isinstance(made, list) else [made] if isinstance(made, Room) else []
                return [*focus, *(key("room", room.id) for room in new_rooms[:1]), ADD_ROOM]

            await wizard.restructure(command, room_list.refresh, focus_after)

        def show_suggestion() -> None:
            suggestion_row.clear()
            count = wizard.plan.workshop.expected_participants or 0
            suggestion = planning.breakout_room_suggestion(count)
            with suggestion_row:
                if suggestion is None:
                    Text(_("With fewer than 10 participants, one group is usually enough."), "span").classes(
                        "atelier-muted text-sm")
                    return
                Text(_("Suggestion for {people} participants: {fewest} to {most} breakout rooms.",
                       people=count, fewest=suggestion.fewest, most=suggestion.most), "span")
                if len(wizard.plan.breakout_rooms) < suggestion.suggested:
                    missing = suggestion.suggested - len(wizard.plan.breakout_rooms)
                    ui.button(ngettext("Create {count} room", "Create {count} rooms", missing),
                              on_click=lambda: restructure(workshops.add_suggested_rooms(wizard.plan.workshop))
                              ).props("outline dense")

        show_suggestion()
        wizard.on_change(show_suggestion, owner=suggestion_row)
        wizard.advice("rooms")

        with ui.element("fieldset").classes("w-full border rounded-lg px-4 pb-3 pt-1 border-gray-300"):
            legend = _("How participants are assigned to rooms")
            Text(legend, "legend").classes("px-1 font-medium")
            mode = ui.radio({
                RoomAssignment.PARTICIPANTS_CHOOSE.value: _("They choose a room, within its capacity"),
                RoomAssignment.RANDOM_BALANCED.value: _("At random, in rooms of balanced size"),
                RoomAssignment.BY_ORGANISER.value: _("By the organiser, before the workshop"),
                RoomAssignment.FROM_REGISTRATIONS.value: _("From the registrations: the rooms each person wished "
                                                           "for, within a fair share of places"),
            }, value=wizard.plan.workshop.room_assignment.value)
            mode.props["aria-label"] = legend
            wizard.field(mode, lambda value: workshops.update_workshop(wizard.plan.workshop, "room_assignment", value),
                         read=workshop_value("room_assignment"), name="room_assignment")
        wizard.advice("room_assignment")

        await room_list()


def room_card(wizard: Wizard, room: Room, number: int,
              restructure: Callable[..., Awaitable[None]]) -> None:
    def saver(name: str) -> Callable[[Any], Awaitable[Any]]:
        return lambda value: workshops.update_room(room, name, value)

    def bind(element: Any, name: str) -> None:
        wizard.field(element, saver(name), read=room_value(room.id, name), subject=f"room:{room.id}", name=name)

    def remove() -> None:
        """Ask first; once removed, the focus goes to the next room, or the one before."""
        ids = [r.id for r in wizard.plan.breakout_rooms]
        place = ids.index(room.id) if room.id in ids else 0
        name = next((r.name for r in wizard.plan.breakout_rooms if r.id == room.id), room.name) or str(number)
        confirm(_("Remove the room “{name}”?", name=name), _("Its name, capacity and topic go with it."),
                _("Remove"), lambda: restructure(workshops.delete_room(room),
                                                 *(key("room", i) for i in ids[place + 1:][:1] + ids[:place][-1:])))

    with ui.card().classes("atelier-card w-full p-4 gap-3"):
        with ui.row().classes("w-full items-center justify-between"):
            heading(_("Breakout room {number}", number=number), 4)
            remove_button = ui.button(icon="delete", on_click=remove).props("flat round")
        with ui.row().classes("w-full gap-4 items-start"):
            name = focus_key(ui.input(_("Name"), value=room.name).props("outlined debounce=300 maxlength=80").classes(
                "grow min-w-[12rem]"), "room", room.id)
            bind(name, "name")

            def name_remove_button() -> None:
                """The button's name follows the room's name as saved (not a refused, empty one)."""
                saved = next((r.name for r in wizard.plan.rooms if r.id == room.id), room.name)
                labelled(remove_button, _("Remove the room “{name}”", name=saved or number))

            name_remove_button()
            wizard.on_change(name_remove_button, owner=remove_button)
            capacity = ui.number(_("Capacity (optional)"), value=room.capacity).props(
                "outlined").classes("w-44")
            bind(capacity, "capacity")
        topic = ui.input(_("Topic"), value=room.topic).props("outlined debounce=300 maxlength=300").classes("w-full")
        topic.props["hint"] = _("What this room works on, shown to participants when they choose.")
        bind(topic, "topic")
        wizard.advice("name", room.id)
        wizard.advice("capacity", room.id)
