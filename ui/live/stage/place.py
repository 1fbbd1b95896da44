"""Where the page is and who is on its stage: the plenary or a room, the countdown, who has the floor."""

from __future__ import annotations

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase
from ui.components import Text
from ui.i18n import _
from ui.live.countdown import Timer
from ui.live.parts import Drawn, LivePart
from ui.live.stage.view import StageView


class PlacePart(LivePart):
    """Texts change in place; tiles are drawn again only when the people shown change."""

    listens_to = frozenset({Aspect.PHASE, Aspect.FLOOR, Aspect.ROOMS, Aspect.PEOPLE, Aspect.PLAN, Aspect.COUNTDOWN})

    def __init__(self, view: StageView) -> None:
        self.view = view
        self.drawn = Drawn()
        with ui.row().classes("w-full items-end justify-between gap-3"):
            self.location = Text("", "h2").classes("atelier-section")
            with ui.column().classes("items-end gap-0") as self.time_left:
                Text(_("Time left for this step"), "span").classes("atelier-muted text-sm")
                self.timer = Timer(view.services.clock).classes("big")

    def build_stage_area(self) -> None:
        """The note, the room's reminder and the name tiles, above the videos (built where the page wants them)."""
        self.note = Text("", "p")
        self.reminder = Text(_("Everyone returns to the plenary when the countdown reaches zero."),
                             "p").classes("muted-note text-sm")
        self.tiles = ui.element("div").classes("grid gap-3 grid-cols-2 md:grid-cols-3")

    def redraw(self) -> None:
        view, live = self.view, self.view.live
        state = live.state
        self.timer.show_countdown(state.countdown)
        room_id = view.my_room_id
        floor = state.people.get(state.floor_holder) if state.floor_holder is not None else None
        members = tuple(p.name for p in state.members(room_id)) if room_id is not None else ()
        team = tuple(member.account.display_name for member in live.plan.team)
        room = view.room(room_id)
        plenary = live.plan.plenary_room
        signature = (state.phase, room_id, room.name if room else None, room.topic if room else None,
                     plenary.name if plenary else None, floor.name if floor else None, members, team, view.with_video)
        if not self.drawn.changed("stage", signature):
            return
        self.time_left.set_visibility(state.phase != RunPhase.ENDED)
        note, classes, reminder = "", "", False
        tiles: tuple[tuple[str, bool, bool], ...] = ()  # name, speaking, of the team
        if state.phase == RunPhase.ENDED:
            self.location.text = _("The workshop has ended")
            note = _("Thank you! The moderators have closed the workshop.")
        elif room is not None:
            self.location.text = _("Room: {name}", name=room.name)
            note, classes, reminder = room.topic, "muted-note", True
            tiles = tuple((name, False, False) for name in members)
        else:
            self.location.text = plenary.name if plenary else _("Plenary")
            if floor is not None:
                note = _("{name} has the floor.", name=floor.name)
            elif state.phase == RunPhase.OPEN:
                note = _("The workshop starts soon.")
            else:
                note = _("The moderators have the floor.")
            classes = "text-lg font-semibold"
            tiles = tuple((name, False, True) for name in team) + (((floor.name, True, False),) if floor else ())
        self.note.text = note
        self.note.classes(replace=classes)
        self.note.set_visibility(bool(note))
        self.reminder.set_visibility(reminder)
        tiles = tuple(tile for tile in tiles if tile[0] not in view.with_video)  # their video shows them
        if self.drawn.changed("tiles", tiles):
            self.tiles.clear()
            with self.tiles:
                for name, speaking, of_team in tiles:
                    with ui.element("div").classes("tile speaking" if speaking else "tile"):
                        Text(name, "span")
                        if of_team:  # a participant cannot show this mark, whatever name they give
                            Text(_("Moderator"), "span").classes("staff-badge")
        self.tiles.set_visibility(bool(tiles))
