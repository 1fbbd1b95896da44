"""A participant's own controls: raise and lower their hand (with their place in the queue), call a moderator."""

from __future__ import annotations

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase
from ui.components import Text
from ui.i18n import _
from ui.live.parts import Drawn, LivePart
from ui.live.stage.view import StageView


class HandPart(LivePart):
    listens_to = frozenset({Aspect.HANDS, Aspect.FLOOR, Aspect.ROOMS, Aspect.PHASE, Aspect.PEOPLE})

    def __init__(self, view: StageView) -> None:
        self.view = view
        self.drawn = Drawn()
        with ui.row().classes("items-center gap-3"):
            if view.person is not None:
                self.hand = ui.button(on_click=self.toggle_hand).props("unelevated")
                self.place = Text("", "span").props('role="status"').classes("font-medium")
                self.call = ui.button(_("Call a moderator"), icon="support_agent",
                                      on_click=self.call_moderator).props("outline color=white")
            self.floor_note = Text("", "p").props('role="status"').classes("font-semibold floor-note")
        self.redraw()

    def redraw(self) -> None:
        view = self.view
        if view.person is None:
            return
        state = view.live.state
        me = state.people[view.person.id]
        raised = view.live.hand_wanted(me.id)  # a change asked within the second shows at once (HandPace)
        has_floor = state.floor_holder == me.id
        position = state.queue_position(me.id) if raised else None
        room_id = view.my_room_id
        called = room_id is not None and room_id in state.calls
        if not self.drawn.changed("controls", (raised, has_floor, state.phase, me.removed, position, room_id,
                                               called)):
            return  # someone else's change: nothing to send to this page
        self.hand.text = _("Lower my hand") if raised else _("Raise my hand")
        self.hand.props["icon"] = "do_not_touch" if raised else "back_hand"
        self.hand.props["aria-pressed"] = "true" if raised else "false"
        self.hand.set_enabled(state.under_way and not has_floor and not me.removed)
        self.hand.set_visibility(state.phase != RunPhase.ENDED)
        self.place.text = _("You are number {position} in the queue.", position=position) if position else ""
        self.call.set_visibility(room_id is not None)
        self.call.text = _("A moderator is on the way") if called else _("Call a moderator")
        self.call.set_enabled(not called)
        self.floor_note.text = _("You have the floor: you can speak.") if has_floor else ""

    async def toggle_hand(self) -> None:
        view = self.view
        assert view.person is not None
        live, person_id = view.live, view.person.id
        await view.act(live.lower_hand(person_id) if live.hand_wanted(person_id) else live.raise_hand(person_id))
        with view.client:
            self.redraw()  # a change made later by the run (see HandPace) sends no event to show it now

    async def call_moderator(self) -> None:
        assert self.view.person is not None
        await self.view.act(self.view.live.call_moderator(self.view.person.id))
