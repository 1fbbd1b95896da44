"""The ideas board on the stage (post, see the others' arrive, edit or delete one's own), on the moderator board
(every room's ideas; hide, pin, tag, merge, post for the team) and in the wizard (the length limit).

One row per idea (KeyedRows): an idea posted sends that one row to the pages of its room, nothing else.
Idea texts are always shown as text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from nicegui import ui

from domain.activities import Settings, ideas
from domain.activities.ideas import Idea, IdeasSettings
from domain.live.events import LiveEvent
from domain.live.state import LiveState
from domain.models import Step, StepKind
from ui.components import Text, confirm, heading, labelled, modal, named_select, paragraph
from ui.i18n import _, ngettext
from ui.live.activities.registry import ActivityComponents, register
from ui.live.parts import LivePart, once_per_revision
from ui.live.rows import KeyedRows

if TYPE_CHECKING:
    from ui.live.board.view import BoardView
    from ui.live.stage.view import StageView
    from ui.pages.wizard.activity import ActivityEditor

Place = tuple[int, int | None]


def concerns(events: Sequence[LiveEvent], step_id: int) -> bool:
    """Whether these events changed an idea of this step."""
    return any(isinstance(event, ideas.IDEA_EVENTS) and event.step_id == step_id for event in events)


def merged_by_target(state: LiveState, step_id: int, room_id: int | None) -> dict[int, list[Idea]]:
    """The ideas merged into each idea of a place, in one pass."""
    found: dict[int, list[Idea]] = {}
    for each in ideas.ideas_state(state).places.get((step_id, room_id), {}).values():
        if each.merged_into is not None:
            found.setdefault(each.merged_into, []).append(each)
    return found


def tags_line(idea: Idea) -> None:
    if idea.tags:
        with labelled(ui.element("ul"), _("Tags")).classes("flex flex-wrap gap-1 list-none p-0 m-0"):
            for each in idea.tags:
                Text(each, "li").classes("atelier-chip draft")


def merged_lines(merged: Sequence[Idea]) -> None:
    if merged:
        Text(ngettext("Merged with {count} similar idea:", "Merged with {count} similar ideas:", len(merged)),
             "p").classes("atelier-muted text-sm m-0")
        with ui.element("ul").classes("list-disc pl-6 m-0 text-sm"):
            for each in merged:
                Text(each.text, "li").classes("atelier-text")


def text_field(label: str, settings: IdeasSettings, value: str = "") -> ui.textarea:
    """A text area for an idea: the limit enforced by the browser too, and a visible counter."""
    area = ui.textarea(label, value=value).props(f"outlined autogrow counter maxlength={settings.max_length}")
    area.props["hint"] = _("At most {count} characters.", count=settings.max_length)
    area.on_value_change(lambda: setattr(area, "error", None) if area.error else None)  # a refusal goes on typing
    return area.classes("w-full")


# ------------------------------------------------------------------ the stage


class IdeasStagePart(LivePart):
    """The ideas of the room this page is in (the plenary's outside a breakout); posting for a participant."""

    def __init__(self, view: StageView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, IdeasSettings)
        self.view, self.step, self.settings = view, step, settings
        self.room_id = view.my_room_id
        me = view.person
        with labelled(ui.element("section"), _("Ideas board")).classes("atelier-card w-full p-4 grid gap-3"):
            heading(_("Ideas board"), 2, looks_like=3)
            if me is not None:
                paragraph(_("Share your ideas, one at a time: everyone in your room sees them arrive."), muted=True) \
                    if self.room_id is not None else \
                    paragraph(_("Share your ideas, one at a time: everyone sees them arrive."), muted=True)
                with ui.element("div").classes("grid gap-2"):
                    self.text = text_field(_("Your idea"), settings)
                    ui.button(_("Post my idea"), icon="send", on_click=self.post).props("unelevated") \
                        .classes("justify-self-start")
            self.count = Text("", "p").props('role="status"').classes("atelier-muted text-sm m-0")
            self.rows = KeyedRows(labelled(ui.element("ul"), _("Ideas")).classes("grid gap-2 list-none p-0 m-0"))
            self.dialogs = ui.element("div")  # not in a row: a row redrawn while its dialog is open would take it
        self.redraw()

    def hear(self, events: Sequence[LiveEvent]) -> None:
        if concerns(events, self.step.id):
            self.redraw()

    def redraw(self) -> None:
        live, step_id, room_id = self.view.live, self.step.id, self.room_id
        shown, merged = once_per_revision(live, f"ideas:{step_id}:{room_id}", lambda: (
            ideas.ideas_at(live.state, step_id, room_id), merged_by_target(live.state, step_id, room_id)))
        self.count.text = ngettext("{count} idea so far.", "{count} ideas so far.", len(shown)) if shown else _(
            "No idea yet: be the first!") if self.view.person is not None else _("No idea yet.")
        me = self.view.person.id if self.view.person is not None else None
        self.rows.show((each.id, (each, tuple(merged.get(each.id, ())), each.author_id == me),
                        functools.partial(self.row, each, merged.get(each.id, []), each.author_id == me))
                       for each in shown)

    def row(self, idea: Idea, merged: Sequence[Idea], mine: bool) -> ui.element:
        with ui.element("li").classes("idea grid gap-1 p-3 rounded-lg border border-gray-200 bg-white") as row:
            with ui.row().classes("items-center gap-2"):
                if idea.pinned:
                    ui.icon("push_pin").props('aria-hidden="true"').classes("text-primary")
                    Text(_("Pinned"), "span").classes("atelier-chip published")
                if idea.author_id is None:
                    Text(_("From the moderators"), "span").classes("atelier-chip plenary")
                elif mine:
                    Text(_("Your idea"), "span").classes("atelier-chip running")
                if idea.edited:
                    Text(_("edited"), "span").classes("atelier-muted text-xs")
            Text(idea.text, "p").classes("atelier-text m-0")
            tags_line(idea)
            merged_lines(merged)
            if mine:
                with ui.row().classes("gap-2"):
                    labelled(ui.button(_("Edit"), icon="edit", on_click=functools.partial(self.edit, idea)),
                             _("Edit my idea {number}", number=idea.id)).props("flat dense no-caps")
                    labelled(ui.button(_("Delete"), icon="delete", on_click=functools.partial(self.delete, idea)),
                             _("Delete my idea {number}", number=idea.id)).props("flat dense no-caps color=negative")
        return row

    async def post(self) -> None:
        view, person = self.view, self.view.person
        assert person is not None
        if await view.actions.run(view.live.act(functools.partial(
                ideas.post, participant_id=person.id, text=self.text.value or "")), beside=self.text):
            with view.client:
                self.text.value = ""

    def edit(self, idea: Idea) -> None:
        view, person = self.view, self.view.person
        assert person is not None
        self.dialogs.clear()
        with self.dialogs, labelled(ui.dialog(), _("Edit my idea")) as dialog, \
                ui.card().classes("p-6 gap-4 w-full max-w-lg"):
            heading(_("Edit my idea"), 2, looks_like=3)
            area = text_field(_("Your idea"), self.settings, idea.text)

            async def save() -> None:
                if await view.actions.run(view.live.act(functools.partial(
                        ideas.edit, participant_id=person.id, idea_id=idea.id, text=area.value or "")), beside=area):
                    dialog.close()

            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).props("unelevated")
        modal(dialog).open()

    def delete(self, idea: Idea) -> None:
        view, person = self.view, self.view.person
        assert person is not None
        self.dialogs.clear()
        with self.dialogs:
            confirm(_("Delete this idea?"), _("It disappears from the board for everyone."), _("Delete"),
                    lambda: view.act(view.live.act(functools.partial(ideas.delete, participant_id=person.id,
                                                                     idea_id=idea.id))))


# ------------------------------------------------------------------ the moderator board


class RoomIdeas:
    """One room's ideas on the board (or the plenary's): a heading with the count, the shown ideas, the hidden."""

    def __init__(self, title: str) -> None:
        with ui.element("section").classes("atelier-card w-full p-4 grid gap-2") as self.section:
            self.heading = heading(title, 3)
            self.title = title
            self.rows = KeyedRows(labelled(ui.element("ul"), title).classes("grid gap-2 list-none p-0 m-0"))
            self.hidden_heading = Text(_("Hidden from participants"), "h4").classes("atelier-subsection text-sm")
            self.hidden = KeyedRows(ui.element("ul").classes("grid gap-2 list-none p-0 m-0"))
        labelled(self.section, title)


class IdeasBoardPart(LivePart):
    """Every room's ideas, grouped by room with a count each; the moderators' controls on every idea."""

    def __init__(self, view: BoardView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, IdeasSettings)
        self.view, self.step, self.settings = view, step, settings
        breakout = step.kind == StepKind.BREAKOUT
        with ui.element("div").classes("grid gap-3 w-full"):
            self.total = Text("", "p").props('role="status"').classes("font-semibold m-0")
            with ui.card().classes("atelier-card w-full p-4 gap-2"):
                heading(_("Post for the team"), 2, looks_like=3)
                self.text = text_field(_("Idea"), settings)
                places: dict[int, str] = {0: _("Plenary")} if not breakout else {}
                places |= {room.id: room.name for room in view.live.plan.breakout_rooms} if breakout else {}
                with ui.row().classes("items-center gap-2"):
                    self.place = ui.select(places, value=next(iter(places), None), label=_("Where")) \
                        .props("outlined dense").classes("w-56")
                    self.place.set_visibility(breakout)
                    ui.button(_("Post"), icon="send", on_click=self.post).props("unelevated")
            self.groups_area = ui.element("div").classes("grid gap-3 w-full")
            self.dialogs = ui.element("div")  # not in a row: a row redrawn while its dialog is open would take it
        self.groups: dict[int | None, RoomIdeas] = {}
        self.redraw()

    def hear(self, events: Sequence[LiveEvent]) -> None:
        if concerns(events, self.step.id):
            self.redraw()

    def group(self, room_id: int | None) -> RoomIdeas:
        found = self.groups.get(room_id)
        if found is None:
            title = self.view.room_name(room_id) or _("Room {number}", number=room_id) if room_id is not None \
                else _("Plenary")
            with self.groups_area:
                found = self.groups[room_id] = RoomIdeas(title)
        return found

    def redraw(self) -> None:
        live, step_id = self.view.live, self.step.id
        state = live.state
        board = ideas.ideas_state(state)
        rooms: list[int | None] = [None] + [room.id for room in live.plan.breakout_rooms] \
            if self.step.kind == StepKind.BREAKOUT else [None]
        rooms += sorted(room for (step, room) in board.places if step == step_id and room not in rooms
                        and room is not None)  # a room removed from the plan meanwhile
        total = 0
        for room_id in rooms:
            place = board.places.get((step_id, room_id), {})
            if room_id is None and not place and self.step.kind == StepKind.BREAKOUT:
                if None in self.groups:
                    self.groups[None].section.set_visibility(False)
                continue
            group = self.group(room_id)
            group.section.set_visibility(True)
            shown = ideas.ideas_at(state, step_id, room_id)
            hidden = ideas.hidden_at(state, step_id, room_id)
            merged = merged_by_target(state, step_id, room_id)
            total += len(shown)
            group.heading.text = _("{room}: {count}", room=group.title, count=ngettext(
                "{count} idea", "{count} ideas", len(shown)))
            names = {each.id: self.author(each) for each in (*shown, *hidden)}
            group.rows.show((each.id, (each, names[each.id], tuple(merged.get(each.id, ()))),
                             functools.partial(self.row, each, names[each.id], merged.get(each.id, [])))
                            for each in shown)
            group.hidden_heading.set_visibility(bool(hidden))
            group.hidden.show((each.id, (each, names[each.id]), functools.partial(self.hidden_row, each,
                                                                                 names[each.id]))
                              for each in hidden)
        self.total.text = ngettext("{count} idea shown at this step.", "{count} ideas shown at this step.", total)

    def author(self, idea: Idea) -> str:
        if idea.author_id is None:
            return _("The moderators")
        person = self.view.live.state.people.get(idea.author_id)
        return person.name if person is not None else "?"

    def row(self, idea: Idea, author: str, merged: Sequence[Idea]) -> ui.element:
        with ui.element("li").classes("idea grid gap-1 p-3 rounded-lg border border-gray-200 bg-white") as row:
            with ui.row().classes("items-center gap-2"):
                Text(_("No. {number}", number=idea.id), "span").classes("font-semibold text-sm")
                Text(author, "span").classes("atelier-muted text-sm")
                if idea.pinned:
                    Text(_("Pinned"), "span").classes("atelier-chip published")
            Text(idea.text, "p").classes("atelier-text m-0")
            tags_line(idea)
            merged_lines(merged)
            with ui.row().classes("gap-1 items-center"):
                pin = ui.button(_("Unpin") if idea.pinned else _("Pin"), icon="push_pin",
                                on_click=functools.partial(self.command, ideas.pin, idea_id=idea.id,
                                                           pinned=not idea.pinned))
                labelled(pin, _("Unpin idea {number}", number=idea.id) if idea.pinned
                         else _("Pin idea {number}", number=idea.id)).props("flat dense no-caps")
                labelled(ui.button(_("Hide"), icon="visibility_off",
                                   on_click=functools.partial(self.command, ideas.hide, idea_id=idea.id,
                                                              hidden=True)),
                         _("Hide idea {number}", number=idea.id)).props("flat dense no-caps")
                labelled(ui.button(_("Tags"), icon="sell", on_click=functools.partial(self.tag, idea)),
                         _("Tags of idea {number}", number=idea.id)).props("flat dense no-caps")
                labelled(ui.button(_("Merge"), icon="merge", on_click=functools.partial(self.merge, idea)),
                         _("Merge idea {number}", number=idea.id)).props("flat dense no-caps")
        return row

    def hidden_row(self, idea: Idea, author: str) -> ui.element:
        with ui.element("li").classes("idea grid gap-1 p-3 rounded-lg border border-dashed border-gray-300") as row:
            with ui.row().classes("items-center gap-2"):
                Text(_("No. {number}", number=idea.id), "span").classes("font-semibold text-sm")
                Text(author, "span").classes("atelier-muted text-sm")
            Text(idea.text, "p").classes("atelier-text atelier-muted m-0")
            labelled(ui.button(_("Show again"), icon="visibility",
                               on_click=functools.partial(self.command, ideas.hide, idea_id=idea.id, hidden=False)),
                     _("Show again idea {number}", number=idea.id)).props("flat dense no-caps") \
                .classes("justify-self-start")
        return row

    async def command(self, command: Callable[..., list[LiveEvent]], **arguments: object) -> None:
        await self.view.act(self.view.live.act(functools.partial(command, **arguments)))

    def merge(self, idea: Idea) -> None:
        """Choose the idea to merge this one into, among those shown in its room now (read when asked: a row
        does not change when other ideas come)."""
        view = self.view
        others = {each.id: _("No. {number}: {text}", number=each.id, text=shorten(each.text))
                  for each in ideas.ideas_at(view.live.state, idea.step_id, idea.room_id) if each.id != idea.id}
        title = _("Merge idea {number}", number=idea.id)
        self.dialogs.clear()
        with self.dialogs, labelled(ui.dialog(), title) as dialog, ui.card().classes("p-6 gap-4 w-full max-w-lg"):
            heading(title, 2, looks_like=3)
            Text(idea.text, "p").classes("atelier-text atelier-muted")
            if not others:
                paragraph(_("No other idea in this room to merge it into."), muted=True)
            target = named_select(ui.select(others, label=_("Merge into")),
                                  _("Merge into – idea {number}", number=idea.id)).props("outlined").classes("w-full")
            target.set_visibility(bool(others))

            async def save() -> None:
                if target.value is None:
                    target.error = _("Choose one of the options.")
                    return
                if await view.actions.run(view.live.act(functools.partial(ideas.merge, idea_id=idea.id,
                                                                          into_id=target.value))):
                    dialog.close()

            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Merge"), on_click=save).props("unelevated").set_visibility(bool(others))
        modal(dialog).open()

    def tag(self, idea: Idea) -> None:
        view = self.view
        title = _("Tags of idea {number}", number=idea.id)
        self.dialogs.clear()
        with self.dialogs, labelled(ui.dialog(), title) as dialog, ui.card().classes("p-6 gap-4 w-full max-w-lg"):
            heading(title, 2, looks_like=3)
            Text(idea.text, "p").classes("atelier-text atelier-muted")
            field = ui.input(_("Tags, separated by commas"), value=", ".join(idea.tags)).props("outlined") \
                .classes("w-full")

            async def save() -> None:
                if await view.actions.run(view.live.act(functools.partial(
                        ideas.tag, idea_id=idea.id, tags=(field.value or "").split(","))), beside=field):
                    dialog.close()

            field.on("keydown.enter", save)
            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).props("unelevated")
        modal(dialog).open()

    async def post(self) -> None:
        view = self.view
        room_id = self.place.value or None
        if await view.actions.run(view.live.act(functools.partial(
                ideas.post_as_team, text=self.text.value or "", room_id=room_id)), beside=self.text):
            with view.client:
                self.text.value = ""


def shorten(text: str, length: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length - 1] + "…"


# ------------------------------------------------------------------ the wizard


def editor(editor: ActivityEditor) -> None:
    settings = editor.settings
    assert isinstance(settings, IdeasSettings)
    length = ui.number(_("Characters per idea at most"), value=settings.max_length, step=10,
                       precision=0).props("outlined").classes("w-full sm:w-96")
    length.props["hint"] = _("Between 50 and 1000: short ideas are easier to read and sort.")
    editor.field(length, "max_length")


register(ActivityComponents(ideas.KIND, stage=IdeasStagePart, board=IdeasBoardPart, editor=editor))
