"""The report-out on the stage (every room's card side by side, or one room's big on the stage with the others
small) and on the board (the same cards, each with the button that puts it on the stage), and its settings."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from nicegui import ui

from domain.activities import Settings, report_out
from domain.live.events import Aspect
from domain.models import Step
from ui.components import Text, heading, paragraph
from ui.i18n import _, ngettext
from ui.live.activities.registry import ActivityComponents, register
from ui.live.board.view import BoardView
from ui.live.parts import LivePart, once_per_revision
from ui.live.rows import KeyedRows
from ui.live.stage.view import StageView

if TYPE_CHECKING:
    from ui.pages.wizard.activity import ActivityEditor


def room_cards(view: StageView | BoardView, step: Step, settings: report_out.ReportOutSettings) \
        -> list[report_out.RoomCard]:
    """The cards as the run is now, computed once per change of the run for all its pages."""
    live = view.live
    return once_per_revision(  # type: ignore[no-any-return]
        live, f"report-out:{step.id}:{settings.source_step_id}:{settings.ideas_step_id}",
        lambda: report_out.cards(live.state, live.plan, step, settings))


def draw_card(card: report_out.RoomCard, *, big: bool, small: bool,
              on_stage_button: tuple[str, Any] | None = None) -> ui.element:
    """One room's card: its name, its summary, its top ideas; bigger when on the stage, smaller beside it."""
    css = "report-card grid gap-2 content-start rounded-xl border bg-white p-4 min-w-0"
    if big:
        css += " col-span-full border-2 border-[#1e4fa3] p-6 text-lg"
    elif small:
        css += " text-sm opacity-90"
    with ui.element("article").classes(css) as article:
        with ui.row().classes("items-center justify-between gap-2 w-full"):
            heading(card.room_name, 3, looks_like=3).style("font-size: 1.6rem" if big else "")
            if big:
                Text(_("On stage"), "span").classes("atelier-chip")
        if card.summary:
            paragraph(card.summary).classes("whitespace-pre-wrap break-words" + (" line-clamp-4" if small else ""))
        else:
            paragraph(_("This room wrote no summary."), muted=True)
        if card.ideas:
            Text(_("Top ideas"), "p").classes("font-semibold")
            with ui.element("ol").classes("list-decimal pl-6 grid gap-1"):
                for idea in card.ideas:
                    with ui.element("li").classes("break-words"):
                        Text(idea.text, "span")
                        if idea.pinned:
                            Text(_("pinned"), "span").classes("atelier-chip ml-2 text-xs")
                        if idea.dots is not None:
                            Text(ngettext("{count} dot", "{count} dots", idea.dots), "span") \
                                .classes("atelier-muted ml-2 text-sm")
            if card.more_ideas:
                Text(ngettext("and {count} more idea", "and {count} more ideas", card.more_ideas), "p") \
                    .classes("atelier-muted text-sm")
        if on_stage_button is not None:
            label, action = on_stage_button
            ui.button(label, on_click=action, icon="cast").props("outline").classes("justify-self-start")
    return article


class ReportOutStagePart(LivePart):
    """Every room side by side; the room the moderators put on the stage big, the others small below it."""

    listens_to = frozenset({Aspect.ACTIVITIES, Aspect.PLAN})

    def __init__(self, view: StageView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, report_out.ReportOutSettings)
        self.view, self.step, self.settings = view, step, settings
        with ui.element("section").classes("grid gap-3 w-full").props('aria-labelledby="report-out-heading"'):
            heading(_("What the rooms bring back"), 2, looks_like=2).props('id="report-out-heading"')
            self.note = paragraph("", muted=True)
            self.cards = KeyedRows(ui.element("div").classes("grid gap-3 sm:grid-cols-2 xl:grid-cols-3"))
        self.redraw()

    def redraw(self) -> None:
        cards = room_cards(self.view, self.step, self.settings)
        shown = report_out.on_stage(self.view.live.state, self.step.id)
        spotlight = next((card for card in cards if card.room_id == shown), None)
        if spotlight is not None:
            self.note.text = _("The moderators put {room} on the stage.", room=spotlight.room_name)
        else:
            self.note.text = _("Each room's summary and top ideas.") if cards else \
                _("This workshop has no breakout room.")
        ordered = ([spotlight] if spotlight is not None else []) + [card for card in cards if card is not spotlight]
        self.cards.show(
            (card.room_id, (card, card is spotlight, spotlight is not None),
             partial(draw_card, card, big=card is spotlight, small=spotlight is not None and card is not spotlight))
            for card in ordered)


class ReportOutBoardPart(LivePart):
    """The same cards for the moderators, each with the button that puts it on the stage or takes it back."""

    listens_to = frozenset({Aspect.ACTIVITIES, Aspect.PLAN})

    def __init__(self, view: BoardView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, report_out.ReportOutSettings)
        self.view, self.step, self.settings = view, step, settings
        heading(_("Report-out of the rooms"), 2, looks_like=3)
        live = view.live
        source = report_out.source_of(live.plan, step, settings)
        ideas_step = report_out.ideas_source_of(live.plan, step, settings)
        paragraph(_("Summaries of “{step}”.", step=source.title) if source is not None else
                  _("No earlier breakout step has a room summary: the cards show the top ideas alone."), muted=True)
        if ideas_step is not None:
            paragraph(_("Top ideas from “{step}”: pinned first, then the most dots once a dot vote is revealed, "
                        "then the first posted.", step=ideas_step.title), muted=True)
        self.status = Text("", "p").props('role="status"').classes("font-semibold")
        self.cards = KeyedRows(ui.element("div").classes("grid gap-3"))
        self.redraw()

    def redraw(self) -> None:
        cards = room_cards(self.view, self.step, self.settings)
        shown = report_out.on_stage(self.view.live.state, self.step.id)
        names = {card.room_id: card.room_name for card in cards}
        self.status.text = _("On the stage: {room}.", room=names[shown]) if shown in names else \
            _("The stage shows every room alike.")

        def button(card: report_out.RoomCard) -> tuple[str, Any]:
            if card.room_id == shown:
                return _("Take {room} off the stage", room=card.room_name), partial(self.show, None)
            return _("Put {room} on the stage", room=card.room_name), partial(self.show, card.room_id)

        self.cards.show((card.room_id, (card, card.room_id == shown),
                         partial(draw_card, card, big=False, small=False, on_stage_button=button(card)))
                        for card in cards)

    async def show(self, room_id: int | None) -> None:
        await self.view.act(self.view.live.act(partial(report_out.show_room, room_id=room_id)))


def report_out_editor(editor: ActivityEditor) -> None:
    step, wizard = editor.step, editor.wizard
    settings = editor.settings
    assert isinstance(settings, report_out.ReportOutSettings)

    def options(found: list[Step], nearest: str) -> dict[Any, str]:
        return {"": nearest} | {earlier.id: earlier.title or _("Step {number}", number=earlier.position + 1)
                                for earlier in found}

    def summary_options() -> dict[Any, str]:
        return options(report_out.summary_steps(wizard.plan, step), _("The nearest breakout step before"))

    def ideas_options() -> dict[Any, str]:
        return options(report_out.ideas_steps(wizard.plan, step), _("The nearest ideas board before"))

    source = ui.select(summary_options(), value=settings.source_step_id or "",
                       label=_("Room summaries from")).props("outlined").classes("w-full sm:w-96")
    source.props["hint"] = _("A breakout step before this one whose rooms write a summary.")
    ideas_source = ui.select(ideas_options(), value=settings.ideas_step_id or "",
                             label=_("Top ideas from")).props("outlined").classes("w-full sm:w-96")
    ideas_source.props["hint"] = _("A step before this one with an ideas board: each room's top three ideas.")
    editor.field(source, "source_step_id", save=lambda value: editor.save(source_step_id=value or None),
                 shown=lambda stored: stored or "")
    editor.field(ideas_source, "ideas_step_id", save=lambda value: editor.save(ideas_step_id=value or None),
                 shown=lambda stored: stored or "")

    def follow_the_agenda() -> None:
        for select, found in ((source, summary_options()), (ideas_source, ideas_options())):
            current = select.value if select.value in found else ""
            select.set_options(found, value=current)

    wizard.on_change(follow_the_agenda, owner=source)


register(ActivityComponents(report_out.KIND, stage=ReportOutStagePart, board=ReportOutBoardPart,
                            editor=report_out_editor))
