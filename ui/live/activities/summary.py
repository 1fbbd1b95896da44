"""The room summary on the stage (the room's text, who holds the pen, taking and asking for it) and on the board
(every room's summary as it is written)."""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from domain.activities import Settings, summary
from domain.live.events import Aspect
from domain.models import Step
from ui.components import Text, heading, paragraph
from ui.i18n import _
from ui.live.activities.registry import ActivityComponents, register
from ui.live.board.view import BoardView
from ui.live.parts import Drawn, LivePart
from ui.live.rows import KeyedRows
from ui.live.stage.view import StageView

if TYPE_CHECKING:
    from ui.pages.wizard.activity import ActivityEditor

SAVE_AFTER_PAUSE = 0.8  # seconds: the text is saved once its writer paused this long,
SAVE_AT_LEAST_EVERY = 3.0  # and at least this often while they keep typing
TIME_CHECK_SECONDS = 5  # how often a page waiting for a quiet holder looks whether the pen became free


def holder_name(view: StageView | BoardView, found: summary.RoomSummary) -> str:
    person = view.live.state.people.get(found.holder) if found.holder is not None else None
    return person.name if person is not None else ""


class SummaryStagePart(LivePart):
    """The room's text: editable by whoever holds the pen, updated live for everyone else in the room."""

    listens_to = frozenset({Aspect.ACTIVITIES, Aspect.PEOPLE, Aspect.ROOMS})

    def __init__(self, view: StageView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, summary.SummarySettings)
        self.view, self.step_id, self.settings = view, step.id, settings
        self.room_id = view.my_room_id
        self.drawn = Drawn()
        self.me = view.person.id if view.person is not None else None
        with ui.element("section").classes("summary-card grid gap-3 w-full rounded-xl border p-4") as section:
            section.props('aria-labelledby="summary-heading"')
            room = view.room(self.room_id)
            heading(_("Summary of {room}", room=room.name) if room is not None else _("Room summary"), 2,
                    looks_like=3).props('id="summary-heading"')
            if self.room_id is None:
                paragraph(_("Each breakout room writes its summary in its room."), muted=True)
                self.built = False
                return
            self.built = True
            paragraph(_("One person writes at a time: take the pen to write, ask for it while someone writes. "
                        "The text is saved as it is typed and the whole room sees it."), muted=True)
            self.status = Text("", "p").props('role="status"').classes("font-semibold")
            with ui.row().classes("items-center gap-2"):
                self.take = ui.button(on_click=self.take_pen, icon="edit").props("unelevated")
                self.ask = ui.button(_("Ask to write"), on_click=self.ask_pen, icon="front_hand").props("outline")
                self.release = ui.button(_("Done writing"), on_click=self.release_pen, icon="check") \
                    .props("outline")
            with ui.row().classes("items-center gap-2") as self.asked_row:
                self.asked = Text("", "p").props('role="status"')
                self.give = ui.button(on_click=self.give_pen, icon="redo").props("outline")
            self.text = ui.textarea(_("Summary of the room"), on_change=self.typed) \
                .props(f"outlined autogrow counter maxlength={settings.max_length}") \
                .classes("w-full")
            self.text.props["hint"] = _("At most {count} characters.", count=settings.max_length)
            self.shown_text = ""
            self.timer = ui.timer(TIME_CHECK_SECONDS, self.redraw, active=False)
            # The box follows each keystroke on the server (one writer per room); saving waits for a pause, so
            # that "Done writing" or handing the pen over saves exactly what was typed.
            self.unsaved_since: float | None = None
            self.last_typed = 0.0
            self.saver = ui.timer(SAVE_AFTER_PAUSE / 2, self.save_if_due, active=False)
        self.redraw()

    def current(self) -> summary.RoomSummary:
        assert self.room_id is not None
        return summary.summary_of(self.view.live.state, self.step_id, self.room_id)

    def redraw(self) -> None:
        if not self.built:
            return
        live, me = self.view.live, self.me
        found = self.current()
        now = live.clock.now()
        here = summary.holder_is_here(live.state, found)
        mine = found.holder is not None and found.holder == me
        free = me is not None and summary.may_take(live.state, found, me, now)
        asked = found.asked_by
        signature = (found.holder, here, mine, free, asked, found.revision)
        if not self.drawn.changed("pen", signature):
            return
        name = holder_name(self.view, found)
        if mine:
            self.status.text = _("You are writing: your text is saved as you type.")
        elif found.holder is None:
            self.status.text = _("Nobody is writing.")
        elif not here:
            self.status.text = _("{name} was writing and has left: the pen is free.", name=name)
        elif free:
            self.status.text = _("{name} is writing but has changed nothing for a while: you may take over.",
                                 name=name)
        else:
            self.status.text = _("{name} is writing.", name=name)
        participant = me is not None
        self.take.text = _("Write") if found.holder is None or not here else _("Take over")
        self.take.set_visibility(participant and not mine and free)
        self.ask.set_visibility(participant and not mine and not free and found.holder is not None)
        self.ask.set_enabled(asked != me)
        self.ask.text = _("You asked for the pen") if asked == me else _("Ask to write")
        self.release.set_visibility(mine)
        asker = live.state.people.get(asked) if asked is not None else None
        self.asked_row.set_visibility(mine and asker is not None)
        if mine and asker is not None:
            self.asked.text = _("{name} asks to write.", name=asker.name)
            self.give.text = _("Hand the pen to {name}", name=asker.name)
        self.text.props["readonly"] = not mine
        self.text.props["aria-readonly"] = "true" if not mine else "false"
        if not mine or self.shown_text != found.text and self.text.value == self.shown_text:
            # Others see each save; the writer's own box is theirs (what they type is newer than what came back).
            self.set_text(found.text)
        self.text.update()
        # Someone else writes: the pen may become free by the mere passing of time (a quiet holder).
        self.timer.active = participant and not mine and found.holder is not None and here and not free

    def set_text(self, text: str) -> None:
        self.shown_text = text
        if self.text.value != text:
            self.text.set_value(text)

    def typed(self, event: ValueChangeEventArguments[Any]) -> None:
        text = event.value or ""
        if self.me is None or self.current().holder != self.me or text == self.shown_text:
            return
        now = time.monotonic()
        self.last_typed = now
        if self.unsaved_since is None:
            self.unsaved_since = now
        self.saver.active = True

    async def save_if_due(self) -> None:
        now = time.monotonic()
        if self.unsaved_since is None or (now - self.last_typed < SAVE_AFTER_PAUSE
                                          and now - self.unsaved_since < SAVE_AT_LEAST_EVERY):
            return
        await self.save()

    async def save(self) -> None:
        """Save what the box holds now, if it changed and the pen is still here."""
        self.unsaved_since, self.saver.active = None, False
        text = self.text.value or ""
        found = self.current()
        if self.me is None or found.holder != self.me or text == found.text:
            return
        self.shown_text = text
        await self.run(summary.write, text=text)

    async def run(self, command: Any, **values: Any) -> None:
        assert self.me is not None
        await self.view.act(self.view.live.act(partial(command, participant_id=self.me, **values)))
        with self.view.client:
            self.redraw()

    async def take_pen(self) -> None:
        await self.run(summary.take_pen)
        if self.current().holder == self.me:
            self.set_text(self.current().text)
            self.text.run_method("focus")

    async def ask_pen(self) -> None:
        await self.run(summary.ask_pen)

    async def release_pen(self) -> None:
        await self.save()  # what was typed in the last instant first
        await self.run(summary.release_pen)

    async def give_pen(self) -> None:
        asked = self.current().asked_by
        if asked is not None:
            await self.save()
            await self.run(summary.give_pen, to=asked)


class SummaryBoardPart(LivePart):
    """Every room's summary as it is written, with who holds the pen."""

    listens_to = frozenset({Aspect.ACTIVITIES, Aspect.PEOPLE, Aspect.PLAN, Aspect.ROOMS})

    def __init__(self, view: BoardView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, summary.SummarySettings)
        self.view, self.step_id, self.settings = view, step.id, settings
        heading(_("Room summaries"), 2, looks_like=3)
        paragraph(_("Each room writes its summary here, one writer at a time; you see it as it is typed."),
                  muted=True)
        self.rooms = KeyedRows(ui.element("div").classes("grid gap-3"))
        self.redraw()

    def redraw(self) -> None:
        live = self.view.live
        rows = []
        for room in live.plan.breakout_rooms:
            found = summary.summary_of(live.state, self.step_id, room.id)
            here = summary.holder_is_here(live.state, found)
            name = holder_name(self.view, found) if here else ""
            rows.append((room.id, (room.name, found.text, name),
                         partial(self.draw_room, room.name, found.text, name)))
        self.rooms.show(rows)

    def draw_room(self, room: str, text: str, writer: str) -> ui.element:
        with ui.element("article").classes("grid gap-1 rounded-lg border p-3 bg-white") as card:
            heading(room, 3, looks_like=3)
            status = _("{name} is writing.", name=writer) if writer else _("Nobody is writing.")
            Text(status, "p").classes("atelier-muted text-sm")
            if text:
                paragraph(text).classes("whitespace-pre-wrap break-words")
            else:
                paragraph(_("Nothing written yet."), muted=True)
            Text(_("{count} of {limit} characters", count=len(text), limit=self.settings.max_length), "p") \
                .classes("atelier-muted text-sm")
        return card


def summary_editor(editor: ActivityEditor) -> None:
    settings = editor.settings
    assert isinstance(settings, summary.SummarySettings)
    length = ui.number(_("Longest summary, in characters"), value=settings.max_length, step=100, precision=0) \
        .props("outlined debounce=500") \
        .classes("w-full sm:w-72")
    length.props["hint"] = _("Between {low} and {high}.", low=summary.SHORTEST, high=summary.LONGEST)
    editor.field(length, "max_length")


register(ActivityComponents(summary.KIND, stage=SummaryStagePart, board=SummaryBoardPart, editor=summary_editor))
