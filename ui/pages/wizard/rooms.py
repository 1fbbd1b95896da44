"""Part 4, rooms: the plenary, the breakout rooms, and how participants are spread among them.

A large workshop may have hundreds of breakout rooms (3,000 expected people, 500 rooms): the part shows them
`PAGE_SIZE` at a time, with the way to the others, so that opening it and every save stay quick whatever their
number. Creating more than `HANDFUL` rooms at once is asked first; many are removed at once by ticking them, or by
keeping only the first ones.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from nicegui import ui

from domain import planning, workshops
from domain.models import Room, RoomAssignment
from ui.components import Text, confirm, heading, labelled, paragraph
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, ngettext
from ui.pages.wizard.shell import Wizard, room_value, workshop_value

ADD_ROOM = key("add-room")
REMOVE_SELECTED = key("remove-selected-rooms")
PAGE_SIZE = 20  # rooms drawn at a time
HANDFUL = 10  # more rooms than this made in one click are asked about first


@dataclass
class RoomsView:
    """What this organiser's page shows of the breakout rooms: which page of them, and the rooms ticked."""

    page: int = 0
    selected: set[int] = field(default_factory=set)
    boxes: list[RoomBox] = field(default_factory=list)  # the boxes of the rooms shown
    remove_selected: ui.button | None = None

    def ticked(self, room_ids: set[int], value: bool) -> None:
        """Tick or untick rooms; the boxes shown and the removal button follow."""
        self.selected = self.selected | room_ids if value else self.selected - room_ids
        for box in self.boxes:
            if box.room_id in room_ids and box.value != value:
                box.value = value
        if self.remove_selected is not None:
            self.remove_selected.text = ngettext("Remove the {count} selected room",
                                                 "Remove the {count} selected rooms", len(self.selected))
            self.remove_selected.set_enabled(bool(self.selected))

    def pages(self, count: int) -> int:
        return max(1, -(-count // PAGE_SIZE))

    def show(self, rooms: list[Room], room_id: int | None) -> None:
        """Go to the page holding this room (if it is still there), and keep the page within the rooms' number."""
        ids = [room.id for room in rooms]
        if room_id in ids:
            self.page = ids.index(room_id) // PAGE_SIZE
        self.page = min(self.page, self.pages(len(ids)) - 1)
        self.selected &= set(ids)


# Each page's view of its rooms, kept while the part is drawn again (another organiser's change, a page of rooms).
VIEWS: WeakKeyDictionary[Wizard, RoomsView] = WeakKeyDictionary()


async def render(wizard: Wizard) -> None:
    paragraph(_("Everyone starts in the plenary. Breakout rooms of 5 to 8 people let everyone speak; "
                "the countdown of the step shows in every room."), muted=True)
    plenary = wizard.plan.plenary_room
    view = VIEWS.setdefault(wizard, RoomsView())
    view.show(wizard.plan.breakout_rooms, None)
    with ui.column().classes("w-full gap-5 mt-4"):
        if plenary is not None:
            name = ui.input(_("Name of the plenary room"), value=plenary.name).props(
                "outlined debounce=300").classes("w-full max-w-md")
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
            rooms = wizard.plan.breakout_rooms
            with ui.column().classes("w-full gap-3"):
                if not rooms:
                    paragraph(_("No breakout room yet."), muted=True)
                else:
                    many_rooms_tools(wizard, view, rooms, restructure)
                    page_links(wizard, view, len(rooms))
                    first = view.page * PAGE_SIZE
                    with ui.element("ul").classes("w-full grid gap-3 list-none p-0 m-0"):
                        for number, room in enumerate(rooms[first:first + PAGE_SIZE], start=first + 1):
                            with ui.element("li"):
                                room_card(wizard, view, room, number, restructure, selectable=len(rooms) > 1)
                    page_links(wizard, view, len(rooms), landmark=False)
            focus_key(ui.button(_("Add a breakout room"), icon="add", on_click=lambda: restructure(
                workshops.add_breakout_room(wizard.plan.workshop))).props("outline"), ADD_ROOM)

        async def restructure(command: Awaitable[Any], *focus: int) -> None:
            """Run a command that adds or removes rooms and redraw them; the focus goes to the rooms `focus`
            names, or else to the first room the command made, or else to the add button (the page of rooms
            shown follows it)."""
            wanted: list[int] = list(focus)

            async def run() -> Any:
                made = await command
                new_rooms = made if isinstance(made, list) else [made] if isinstance(made, Room) else []
                wanted.extend(room.id for room in new_rooms[:1])
                return made

            async def redraw() -> None:
                present = {room.id for room in wizard.plan.breakout_rooms}
                view.show(wizard.plan.breakout_rooms, next((i for i in wanted if i in present), None))
                await room_list.refresh()

            await wizard.restructure(run(), redraw, lambda _made: [*(key("room", i) for i in wanted), ADD_ROOM])

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
                missing = suggestion.suggested - len(wizard.plan.breakout_rooms)
                if missing > 0:
                    ui.button(ngettext("Create {count} room", "Create {count} rooms", missing),
                              on_click=lambda: create_suggested(missing)).props("outline dense")

        async def create_suggested(count: int) -> None:
            """A handful of rooms at once is made at once; more is asked first, saying how many."""
            def create() -> Awaitable[None]:
                return restructure(workshops.add_suggested_rooms(wizard.plan.workshop, at_most=count))

            if count <= HANDFUL:
                await create()
                return
            people = wizard.plan.workshop.expected_participants or 0
            confirm(ngettext("Create {count} breakout room?", "Create {count} breakout rooms?", count),
                    _("That is one room for every 5 to 8 of the {people} participants expected. You can remove "
                      "many at once later: tick them, or keep only the first ones.", people=people),
                    ngettext("Create {count} room", "Create {count} rooms", count), create, danger=False)

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


def page_links(wizard: Wizard, view: RoomsView, count: int, *, landmark: bool = True) -> None:
    """Which rooms are shown, and the way to the others (only when they are more than a page). Above the list a
    navigation landmark; the same again below it, without (landmarks of one kind need names of their own).

    Another page is drawn as the whole part is drawn again (`Wizard.redraw_part`), so that text kept by the browser
    for a room's field is put back when that room is shown again; the focus goes to the page's first room."""
    if count <= PAGE_SIZE:
        return
    pages = view.pages(count)

    async def go(page: int) -> None:
        view.page = min(max(page, 0), pages - 1)
        await wizard.redraw_part()
        shown = wizard.plan.breakout_rooms[view.page * PAGE_SIZE:][:1]
        move_focus(wizard.client, *(key("room", room.id) for room in shown))

    with (labelled(ui.element("nav"), _("Pages of breakout rooms")) if landmark else ui.element("div")).classes(
            "w-full"), ui.row().classes("w-full items-center gap-3"):
        previous = ui.button(_("Previous rooms"), icon="chevron_left",
                             on_click=lambda: go(view.page - 1)).props("flat dense")
        first = view.page * PAGE_SIZE + 1
        Text(_("Rooms {first} to {last} of {count}", first=first, last=min(first + PAGE_SIZE - 1, count),
               count=count), "span").classes("tabular-nums")
        following = ui.button(_("Next rooms"), icon="chevron_right",
                              on_click=lambda: go(view.page + 1)).props("flat dense icon-right=chevron_right")
        following.props(remove="icon")
        if view.page == 0:
            previous.disable()
        if view.page >= pages - 1:
            following.disable()
        if pages > 2 and landmark:
            jump = ui.select({page: str(page + 1) for page in range(pages)}, value=view.page,
                             label=_("Page")).props("outlined dense options-dense").classes("w-28")
            jump.on_value_change(lambda event: go(int(event.value)))


def many_rooms_tools(wizard: Wizard, view: RoomsView, rooms: list[Room],
                     restructure: Callable[..., Awaitable[None]]) -> None:
    """Removing many rooms at once: those ticked, or all but the first ones (a single room has its own button)."""
    view.boxes = []
    view.remove_selected = None
    if len(rooms) < 2:
        return
    with ui.row().classes("w-full items-center gap-3"):
        def remove() -> None:
            chosen = [room.id for room in wizard.plan.breakout_rooms if room.id in view.selected]
            if not chosen:
                return
            after = first_left_after(wizard.plan.breakout_rooms, set(chosen))
            confirm(ngettext("Remove {count} breakout room?", "Remove {count} breakout rooms?", len(chosen)),
                    _("Their names, capacities and topics go with them."), _("Remove"),
                    lambda: restructure(workshops.delete_rooms(wizard.plan.workshop, chosen), *after))

        view.remove_selected = focus_key(ui.button(icon="delete_sweep", on_click=remove).props("outline dense"),
                                         REMOVE_SELECTED)
        view.ticked(set(), True)  # its text and state

        def shown() -> set[int]:
            return {room.id for room in rooms[view.page * PAGE_SIZE:(view.page + 1) * PAGE_SIZE]}

        ui.button(_("Tick the rooms shown"), on_click=lambda: view.ticked(shown(), True)).props("flat dense")
        ui.button(_("Untick the rooms shown"), on_click=lambda: view.ticked(shown(), False)).props("flat dense")

    if len(rooms) > HANDFUL:
        with ui.row().classes("w-full items-center gap-3"):
            keep = ui.number(_("Rooms to keep"), value=len(rooms), min=0, max=len(rooms), step=1).props(
                "outlined dense").classes("w-40")

            def keep_first() -> None:
                try:
                    count = max(int(keep.value), 0)
                except (TypeError, ValueError):
                    keep.error = _("Enter a number.")
                    return
                keep.error = None
                extra = [room.id for room in wizard.plan.breakout_rooms[count:]]
                if not extra:
                    return
                last_kept = [room.id for room in wizard.plan.breakout_rooms[:count][-1:]]
                confirm(ngettext("Remove {count} breakout room?", "Remove {count} breakout rooms?", len(extra)),
                        _("The first {keep} rooms stay; the others go, with their names, capacities and topics.",
                          keep=count), _("Remove"),
                        lambda: restructure(workshops.delete_rooms(wizard.plan.workshop, extra), *last_kept))

            ui.button(_("Keep only these first rooms"), on_click=keep_first).props("outline dense")


class RoomBox(ui.checkbox):
    """The box that ticks one room, for removing several at once."""

    def __init__(self, room_id: int, value: bool) -> None:
        super().__init__("", value=value)
        self.room_id = room_id


def first_left_after(rooms: list[Room], removed: set[int]) -> list[int]:
    """Where the focus goes after a removal: the first room left after the first removed, or the one before."""
    ids = [room.id for room in rooms]
    start = min(ids.index(i) for i in removed)
    after = [i for i in ids[start:] if i not in removed][:1]
    before = [i for i in ids[:start] if i not in removed][-1:]
    return after + before


def room_card(wizard: Wizard, view: RoomsView, room: Room, number: int,
              restructure: Callable[..., Awaitable[None]], *, selectable: bool) -> None:
    def saver(name: str) -> Callable[[Any], Awaitable[Any]]:
        return lambda value: workshops.update_room(room, name, value)

    def bind(element: Any, name: str) -> None:
        wizard.field(element, saver(name), read=room_value(room.id, name), subject=f"room:{room.id}", name=name)

    def remove() -> None:
        """Ask first; once removed, the focus goes to the next room, or the one before."""
        name = next((r.name for r in wizard.plan.breakout_rooms if r.id == room.id), room.name) or str(number)
        confirm(_("Remove the room “{name}”?", name=name), _("Its name, capacity and topic go with it."),
                _("Remove"), lambda: restructure(workshops.delete_room(room),
                                                 *first_left_after(wizard.plan.breakout_rooms, {room.id})))

    with ui.card().classes("atelier-card w-full p-4 gap-3"):
        with ui.row().classes("w-full items-center justify-between"):
            with ui.row().classes("items-center gap-2"):
                box = RoomBox(room.id, room.id in view.selected) if selectable else None
                if box is not None:
                    box.on_value_change(lambda event: view.ticked({room.id}, bool(event.value)))
                    view.boxes.append(box)
                heading(_("Breakout room {number}", number=number), 4)
            remove_button = ui.button(icon="delete", on_click=remove).props("flat round")
        with ui.row().classes("w-full gap-4 items-start"):
            name = focus_key(ui.input(_("Name"), value=room.name).props("outlined debounce=300").classes(
                "grow min-w-[12rem]"), "room", room.id)
            bind(name, "name")

            def named() -> None:
                """The buttons' names follow the room's name as saved (not a refused, empty one)."""
                saved = next((r.name for r in wizard.plan.rooms if r.id == room.id), room.name) or number
                labelled(remove_button, _("Remove the room “{name}”", name=saved))
                if box is not None:
                    labelled(box, _("Select the room “{name}”", name=saved))

            named()
            wizard.on_change(named, owner=remove_button)
            capacity = ui.number(_("Capacity (optional)"), value=room.capacity).props(
                "outlined").classes("w-44")
            bind(capacity, "capacity")
        topic = ui.input(_("Topic"), value=room.topic).props("outlined debounce=300").classes("w-full")
        topic.props["hint"] = _("What this room works on, shown to participants when they choose.")
        bind(topic, "topic")
        wizard.advice("name", room.id)
        wizard.advice("capacity", room.id)

