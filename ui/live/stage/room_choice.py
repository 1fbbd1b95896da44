"""Before a breakout step, where participants choose their room: each room with its places taken."""

from __future__ import annotations

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RoomAssignment, RunPhase, StepKind
from ui.components import heading
from ui.i18n import _, ngettext
from ui.live.parts import LivePart, once_per_revision
from ui.live.stage.view import StageView


class RoomChoicePart(LivePart):
    listens_to = frozenset({Aspect.STEP, Aspect.ROOMS, Aspect.PHASE, Aspect.PEOPLE, Aspect.PLAN})

    def __init__(self, view: StageView) -> None:
        self.view = view
        self.container = ui.element("div").classes("w-full")
        self.choice: ui.radio | None = None
        self.layout: object = None  # what the radio was built for: rooms, choosing or not, one's own room
        self.counts: tuple[int, ...] = ()
        self.redraw()

    def choosing(self) -> bool:
        live = self.view.live
        state, plan = live.state, live.plan
        if self.view.person is None or plan.workshop.room_assignment != RoomAssignment.PARTICIPANTS_CHOOSE:
            return False
        if not plan.breakout_rooms or state.rooms_open or state.phase == RunPhase.ENDED:
            return False
        index = live.step_index
        upcoming = live.steps[index:] if index is not None else live.steps
        return any(step.kind == StepKind.BREAKOUT for step in upcoming)

    def redraw(self) -> None:
        live = self.view.live
        choosing = self.choosing()
        rooms = tuple((room.id, room.name, room.topic, room.capacity) for room in live.plan.breakout_rooms)
        counts = once_per_revision(live, "room counts", lambda: tuple(
            len(live.state.members(room_id)) for room_id, *_rest in rooms)) if choosing else ()
        mine = live.state.people[self.view.person.id].room_id if self.view.person is not None else None
        layout = (choosing, rooms, mine)
        if layout == self.layout:
            if self.choice is not None and counts != self.counts:  # someone else chose: new counts only
                self.counts = counts
                self.choice.set_options(self.options(counts))
            return
        self.layout, self.counts = layout, counts
        self.container.clear()
        self.choice = None
        if not choosing:
            return
        with self.container, ui.card().classes("atelier-card p-4 gap-2"):
            heading(_("Choose your breakout room"), 3)
            known = any(room_id == mine for room_id, *_rest in rooms)
            choice = self.choice = ui.radio(self.options(counts), value=mine if known else None)
            choice.props["aria-label"] = _("Choose your breakout room")

            async def choose() -> None:
                assert self.view.person is not None
                await self.view.act(live.choose_room(self.view.person.id, choice.value))

            choice.on_value_change(choose)

    def options(self, counts: tuple[int, ...]) -> dict[int, str]:
        options = {}
        for room, taken in zip(self.view.live.plan.breakout_rooms, counts, strict=True):
            places = ngettext("{count} of {capacity} place taken", "{count} of {capacity} places taken", taken,
                              capacity=room.capacity) \
                if room.capacity else ngettext("{count} person", "{count} people", taken)
            options[room.id] = f"{room.name} · {room.topic} ({places})" if room.topic else f"{room.name} ({places})"
        return options
