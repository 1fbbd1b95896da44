"""The floor: who has it and for how long, and the raised hands in the order the moderators chose."""

from __future__ import annotations

from functools import partial

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from domain.live.events import Aspect
from domain.live.state import Person
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _, ngettext
from ui.live.board.view import BoardView, clock_minutes
from ui.live.countdown import Timer
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows


class FloorPart(LivePart):
    """The holder's card is drawn again when the floor changes hands; the queue row by row, so that a burst of
    raised hands adds rows instead of drawing the whole list again."""

    listens_to = frozenset({Aspect.HANDS, Aspect.FLOOR, Aspect.PHASE})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        live = view.live
        self.holder = ui.card().classes("atelier-card p-4 gap-2")
        self.holder_shown: object = ()
        with ui.row().classes("w-full items-center justify-between"):
            heading(_("Raised hands"), 2, looks_like=3)
            # One order for every board and for the places the participants are told: it is the run's.
            self.order = ui.switch(_("Those who spoke least first"), value=live.state.least_spoken_first,
                                   on_change=self.reorder)
        self.nobody = paragraph(_("No hand is raised."), muted=True)
        self.queue = KeyedRows(ui.element("ol").classes("grid gap-2 list-none p-0 m-0"))
        self.lower_all = ui.button(_("Lower all hands"), on_click=lambda: view.act(live.lower_all_hands())).props(
            "flat dense").classes("self-start")
        self.redraw()

    async def reorder(self, event: ValueChangeEventArguments[bool | None]) -> None:
        # The switch also changes when the board follows the run: only a change of the person's is a command.
        if bool(event.value) != self.view.live.state.least_spoken_first:
            await self.view.act(self.view.live.order_hands(least_spoken_first=bool(event.value)))

    def redraw(self) -> None:
        state = self.view.live.state
        self.order.value = state.least_spoken_first
        self.draw_holder()
        queue = state.hand_queue()
        self.nobody.set_visibility(not queue)
        self.lower_all.set_visibility(bool(queue))
        rows = []
        for number, person in enumerate(queue, start=1):
            shown = (number, person.name, self.spoken_label(person))
            rows.append((person.id, shown, partial(self.row, person.id, *shown)))
        self.queue.show(rows)

    def draw_holder(self) -> None:
        view = self.view
        state = view.live.state
        holder = state.people.get(state.floor_holder) if state.floor_holder is not None else None
        shown = (holder.name, state.floor_since) if holder is not None else None
        if shown == self.holder_shown:
            return
        self.holder_shown = shown
        self.holder.clear()
        with self.holder:
            if holder is None:
                Text(_("Nobody has the floor: the moderators speak."), "p")
            else:
                with ui.row().classes("w-full items-center justify-between"):
                    Text(_("{name} has the floor", name=holder.name), "p").classes("font-semibold")
                    Timer(view.services.clock).show_elapsed_since(state.floor_since)
                ui.button(_("Take the floor back"), icon="mic_off",
                          on_click=lambda: view.act(view.live.take_floor_back())).props("outline dense")

    def row(self, participant_id: int, number: int, name: str, spoken: str) -> ui.element:
        with ui.element("li").classes("atelier-card p-3 flex items-center gap-3") as row:
            Text(f"{number}.", "span").classes("font-bold")
            with ui.column().classes("gap-0 grow"):
                Text(name, "span").classes("font-semibold")
                Text(spoken, "span").classes("atelier-muted text-sm")
            ui.button(_("Give the floor"), icon="record_voice_over",
                      on_click=partial(self.give_floor, participant_id)).props("unelevated dense")
            labelled(ui.button(icon="do_not_touch", on_click=partial(self.lower_hand, participant_id))
                     .props("flat dense round"), _("Lower the hand of {name}", name=name))
        return row

    async def give_floor(self, participant_id: int) -> None:
        await self.view.act(self.view.live.give_floor(participant_id))

    async def lower_hand(self, participant_id: int) -> None:
        await self.view.act(self.view.live.lower_hand(participant_id, by_moderator=True))

    def spoken_label(self, person: Person) -> str:
        state = self.view.live.state
        if not person.has_spoken and state.floor_holder != person.id:
            return _("Has not spoken yet")
        return ngettext("{count} turn, {time}", "{count} turns, {time}", person.turns,
                        time=clock_minutes(state.speaking_time(person, self.view.now)))
