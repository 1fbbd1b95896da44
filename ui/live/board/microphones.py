"""Who can be heard: the plenary's rules (unmuting, the floor's screen), the open microphones, who speaks."""

from __future__ import annotations

from functools import partial

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from domain.live.events import Aspect
from domain.live.state import Person
from media.live import participant
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _
from ui.live.board.view import BoardView
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows


class MicrophonesPart(LivePart):
    """Built once: its switches and list then follow the run, and the speaking marks follow the voices."""

    listens_to = frozenset({Aspect.MICROPHONES, Aspect.FLOOR, Aspect.ROOMS, Aspect.PEOPLE, Aspect.PHASE, Aspect.PLAN})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        state = view.live.state
        self.speaking: set[int] = set()  # participants whose voice the server hears now
        self.speaking_marks: dict[int, Text] = {}
        with ui.card().classes("atelier-card p-4 gap-2"):
            heading(_("Microphones and screens"), 2, looks_like=3)
            self.unmuting = ui.switch(_("Participants may unmute themselves in the plenary"),
                                      value=state.unmuting_allowed, on_change=self.allow_unmuting)
            self.screens = ui.switch(_("Whoever has the floor may share their screen"),
                                     value=state.floor_may_share_screen, on_change=self.allow_screen_sharing)
            with ui.row().classes("w-full items-center justify-between"):
                Text(_("Open microphones"), "p").classes("font-semibold")
                self.mute_everyone = ui.button(_("Mute everyone"), icon="mic_off",
                                               on_click=lambda: view.act(view.live.mute_everyone())).props(
                    "outline dense")
            self.nobody = paragraph(_("Only the moderators can be heard."), muted=True)
            self.rows = KeyedRows(ui.element("ul").classes("grid gap-2 list-none p-0 m-0"))
        view.client.on_delete(view.services.live_media.media.on_speaking(self.follow_speaking))
        self.redraw()

    def redraw(self) -> None:
        view = self.view
        state = view.live.state
        self.unmuting.value = state.unmuting_allowed
        self.screens.value = state.floor_may_share_screen
        heard = sorted((p for p in state.active_people() if state.heard(p.id)), key=lambda p: p.name.lower())
        self.nobody.set_visibility(not heard)
        self.mute_everyone.set_visibility(bool(heard))
        rows = []
        for person in heard:
            room_id = state.room_of(person.id)
            where = view.room_name(room_id) if room_id is not None else _("plenary")
            rows.append((person.id, (person.name, where), partial(self.row, person, where)))
        self.rows.show(rows)

    def row(self, person: Person, where: str) -> ui.element:
        with ui.element("li").classes("atelier-card p-2 flex items-center gap-3") as row:
            ui.icon("mic").classes("text-positive").props('aria-hidden="true"')
            with ui.column().classes("gap-0 grow min-w-0"):
                Text(person.name, "span").classes("font-semibold")
                with ui.row().classes("gap-2 items-center"):
                    Text(where, "span").classes("atelier-muted text-sm")
                    mark = Text(_("speaking"), "span").classes("atelier-chip speaking-chip")
            mark.set_visibility(person.id in self.speaking)
            self.speaking_marks[person.id] = mark
            labelled(ui.button(_("Mute"), on_click=partial(self.mute, person.id)).props("flat dense"),
                     _("Mute {name}", name=person.name))
        return row

    def follow_speaking(self) -> None:
        """Mark who speaks now among the open microphones, in place: the rows and their buttons stay."""
        live = self.view.live
        voices = self.view.services.live_media.media.speaking
        speaking = {person.id for person in live.state.active_people() if participant(live, person.id) in voices}
        if speaking == self.speaking:
            return
        self.speaking = speaking
        for person_id, mark in list(self.speaking_marks.items()):
            if mark.is_deleted:
                del self.speaking_marks[person_id]
            else:
                mark.set_visibility(person_id in speaking)

    async def allow_unmuting(self, event: ValueChangeEventArguments[bool | None]) -> None:
        # The switch also changes when the board follows the run: only a change of the person's is a command.
        if bool(event.value) != self.view.live.state.unmuting_allowed:
            await self.view.act(self.view.live.allow_unmuting(bool(event.value)))

    async def allow_screen_sharing(self, event: ValueChangeEventArguments[bool | None]) -> None:
        if bool(event.value) != self.view.live.state.floor_may_share_screen:
            await self.view.act(self.view.live.allow_floor_screen_sharing(bool(event.value)))

    async def mute(self, participant_id: int) -> None:
        await self.view.act(self.view.live.mute(participant_id))
