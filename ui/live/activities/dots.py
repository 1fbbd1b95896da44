"""Dot voting on the stage (place and take back one's dots), on the board (how many so far, reveal the counts,
then the ranking) and in the wizard (which earlier step's ideas, how many dots).

Before the reveal a participant's page hears only of its own dots, so a dot placed elsewhere sends nothing to
it; after the reveal every page shows its ballot sorted by dots, one row per idea (`KeyedRows`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from nicegui import ui

from domain.activities import Settings, dots
from domain.activities.dots import DotsSettings, ballot, counts, source_steps, vote_of
from domain.activities.ideas import Idea
from domain.live.events import Aspect
from domain.live.session import LiveSession
from domain.models import Step, StepKind
from ui.components import Text, confirm, heading, labelled, paragraph
from ui.focus import focus_key, key
from ui.i18n import _, ngettext
from ui.live.activities.questions import settle_focus
from ui.live.activities.registry import ActivityComponents, register
from ui.live.board.view import BoardView
from ui.live.parts import LivePart
from ui.live.rows import KeyedRows
from ui.live.stage.view import StageView

if TYPE_CHECKING:
    from ui.pages.wizard.activity import ActivityEditor

ROW = "flex flex-wrap sm:flex-nowrap items-center gap-x-3 gap-y-1 rounded-lg border border-gray-200 px-3 py-2"
LIST = "grid gap-2 list-none p-0 m-0"


def source_of(live: LiveSession, step: Step, settings: Settings) -> Step | None:
    assert isinstance(settings, DotsSettings)
    return next((each for each in source_steps(live.plan, step.id) if each.id == settings.source_step_id), None)


def dots_text(count: int) -> str:
    return ngettext("{count} dot", "{count} dots", count)


def idea_text(live: LiveSession, idea: Idea, with_room: bool) -> None:
    """The idea as its author wrote it (as text), with its room when the ballot has several rooms' ideas."""
    with ui.element("div").classes("flex-1 min-w-0 grid gap-0"):
        Text(idea.text, "p").classes("break-words")
        room = live.room(idea.room_id) if with_room and idea.room_id is not None else None
        if room is not None:
            Text(room.name, "span").classes("text-sm atelier-muted")


def result_row(live: LiveSession, idea: Idea, count: int, most: int, with_room: bool) -> ui.element:
    """An idea with its dots, and a bar as long as its share of the most dotted idea's."""
    with ui.element("li").classes(ROW) as row:
        idea_text(live, idea, with_room)
        with ui.element("div").classes("flex items-center gap-2 w-40 shrink-0"):
            with ui.element("div").classes("h-3 flex-1 rounded bg-gray-200").props('aria-hidden="true"'):
                ui.element("div").classes("h-3 rounded bg-primary").style(
                    f"width: {round(100 * count / most) if most else 0}%")
            Text(dots_text(count), "span").classes("text-sm font-semibold whitespace-nowrap")
    return row


def several_rooms(found: list[Idea]) -> bool:
    return len({idea.room_id for idea in found}) > 1


class DotsStage(LivePart):
    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: StageView, step: Step, settings: Settings) -> None:
        assert isinstance(settings, DotsSettings)
        self.view, self.step, self.allowed = view, step, settings.dots
        self.room_id = view.my_room_id
        self.me = view.person.id if view.person is not None else None
        self.source = source_of(view.live, step, settings)
        with labelled(ui.element("section"), _("Dot voting")).classes("atelier-card w-full p-4 grid gap-3"):
            heading(_("Dot voting"), 2, looks_like=3)
            if self.source is None:
                paragraph(_("No ideas to vote on: the organiser has not chosen an earlier step with an ideas board."),
                          muted=True)
                return
            self.intro = paragraph("", muted=True)
            self.left = Text("", "p").props('role="status"').classes("font-semibold")
            self.nothing = paragraph(_("There is no idea to vote on here."), muted=True)
            self.rows = KeyedRows(ui.element("ol").classes(LIST))
        self.redraw()

    def redraw(self) -> None:
        if self.source is None:
            return
        live, source = self.view.live, self.source
        state = live.state
        found = ballot(state, source, self.room_id)
        vote = vote_of(state, self.step.id, source.id)
        self.nothing.set_visibility(not found)
        with_room = several_rooms(found)
        if vote.revealed:
            self.intro.text = _("The counts are revealed: the ideas of “{step}” by number of dots.",
                                step=source.title)
            self.left.set_visibility(False)
            total = counts(state, source.id)
            ranked = sorted(found, key=lambda idea: -total.get(idea.id, 0))
            most = max((total.get(idea.id, 0) for idea in found), default=0)
            self.rows.show((idea.id, ("result", idea.text, total.get(idea.id, 0), most, with_room),
                            partial(result_row, live, idea, total.get(idea.id, 0), most, with_room))
                           for idea in ranked)
            return
        self.intro.text = ngettext(
            "Place your {count} dot on the idea of “{step}” you favour. The counts stay hidden until the moderators "
            "reveal them.",
            "Place your {count} dots on the ideas of “{step}” you favour, several on one if you wish; you may take "
            "them back while the vote is open. The counts stay hidden until the moderators reveal them.",
            self.allowed, step=source.title)
        mine = vote.of(self.me) if self.me is not None else None
        left = self.allowed - (mine.total() if mine is not None else 0)
        self.left.set_visibility(mine is not None)
        self.left.text = ngettext("You have {count} dot left.", "You have {count} dots left.", left) if left else _(
            "You have placed all your dots.")
        self.rows.show((idea.id, ("ballot", idea.text, mine[idea.id] if mine is not None else None, left > 0,
                                  with_room),
                        partial(self.ballot_row, idea, mine[idea.id] if mine is not None else None, left > 0,
                                with_room))
                       for idea in found)

    def ballot_row(self, idea: Idea, mine: int | None, may_place: bool, with_room: bool) -> ui.element:
        with ui.element("li").classes(ROW) as row:
            idea_text(self.view.live, idea, with_room)
            if mine is None:
                return row  # a moderator visiting: nothing to place
            with ui.element("span").classes("flex gap-1").props('aria-hidden="true"'):
                for _number in range(mine):
                    ui.element("span").classes("inline-block w-4 h-4 rounded-full bg-primary")
            Text(_("Your dots: {count}", count=mine), "span").classes("text-sm font-semibold whitespace-nowrap")
            with ui.row().classes("gap-1 items-center no-wrap"):
                place = ui.button(_("Place a dot"), icon="add_circle",
                                  on_click=partial(self.place, idea.id, True)).props("outline dense no-caps")
                labelled(place, _("Place a dot: {idea}", idea=idea.text)).set_enabled(may_place)
                focus_key(place, "dots", idea.id, "place")
                take = ui.button(_("Take back"), icon="remove_circle_outline",
                                 on_click=partial(self.place, idea.id, False)).props("flat dense no-caps")
                labelled(take, _("Take a dot back: {idea}", idea=idea.text)).set_visibility(mine > 0)
                focus_key(take, "dots", idea.id, "take")
        return row

    async def place(self, idea_id: int, placed: bool) -> None:
        view, me = self.view, self.me
        assert me is not None
        await view.act(view.live.act(partial(dots.place, participant_id=me, idea_id=idea_id, placed=placed)))
        # Back on the button pressed, or on the other one when it is no longer of use (no dot left, none to take).
        assert self.source is not None
        mine = vote_of(view.live.state, self.step.id, self.source.id).of(me)
        still_of_use = mine.total() < self.allowed if placed else mine[idea_id] > 0
        pressed, other = ("place", "take") if placed else ("take", "place")
        settle_focus(view.client, self, key("dots", idea_id, pressed if still_of_use else other))


class DotsBoard(LivePart):
    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: BoardView, step: Step, settings: Settings) -> None:
        self.view, self.step = view, step
        live = view.live
        self.source = source = source_of(live, step, settings)
        self.places: dict[int | None, tuple[ui.element, KeyedRows]] = {}
        with ui.element("div").classes("grid gap-3"):
            if source is None:
                paragraph(_("No ideas to vote on: the organiser has not chosen an earlier step with an ideas board."),
                          muted=True)
                return
            assert isinstance(settings, DotsSettings)
            paragraph(ngettext("Each participant places {count} dot on the ideas of “{step}”.",
                               "Each participant places {count} dots on the ideas of “{step}”.", settings.dots,
                               step=source.title), muted=True)
            self.status = Text("", "p").props('role="status"').classes("font-semibold")
            self.reveal_button = ui.button(_("Reveal the counts"), icon="visibility", on_click=self.ask_to_reveal) \
                .props("unelevated").classes("justify-self-start")
            rooms: list[int | None] = [None]
            if step.kind == StepKind.BREAKOUT and source.kind == StepKind.BREAKOUT:
                rooms = [room.id for room in live.plan.breakout_rooms]
            for room_id in rooms:
                with ui.element("section").classes("grid gap-2") as section:
                    if room_id is not None:
                        heading(view.room_name(room_id), 2, looks_like=3)
                    rows = KeyedRows(ui.element("ol").classes(LIST))
                self.places[room_id] = (section, rows)
        self.redraw()

    def redraw(self) -> None:
        if self.source is None:
            return
        live, source = self.view.live, self.source
        vote = vote_of(live.state, self.step.id, source.id)
        if vote.revealed:
            self.status.text = _("The counts are revealed: the vote is closed. {placed}, by {voters}.",
                                 placed=dots_text(vote.placed),
                                 voters=ngettext("{count} person", "{count} people", vote.voters))
        else:
            self.status.text = ngettext("{count} dot placed so far.", "{count} dots placed so far.", vote.placed)
        self.reveal_button.set_visibility(not vote.revealed)
        total = counts(live.state, source.id) if vote.revealed else {}
        for room_id, (section, rows) in self.places.items():
            found = ballot(live.state, source, room_id) if vote.revealed else []
            section.set_visibility(bool(found))
            with_room = several_rooms(found)
            most = max((total.get(idea.id, 0) for idea in found), default=0)
            rows.show((idea.id, (idea.text, total.get(idea.id, 0), most, with_room),
                       partial(result_row, live, idea, total.get(idea.id, 0), most, with_room))
                      for idea in sorted(found, key=lambda idea: -total.get(idea.id, 0)))

    def ask_to_reveal(self) -> None:
        view = self.view
        confirm(_("Reveal the counts to everyone?"),
                _("Every page then shows the ideas sorted by dots, and the vote closes."),
                _("Reveal the counts"), lambda: view.act(view.live.act(dots.reveal)))


def editor(editor: ActivityEditor) -> None:
    """Which earlier step's ideas are voted on, and how many dots each person has."""
    settings = editor.settings
    assert isinstance(settings, DotsSettings)

    def options() -> dict[int, str]:
        plan = editor.wizard.plan
        number = {step.id: position for position, step in enumerate(plan.steps, start=1)}
        return {step.id: _("Step {number}: {title}", number=number[step.id], title=step.title or _("Untitled"))
                for step in source_steps(plan, editor.step.id)}

    choices = options()
    source = ui.select(choices, value=settings.source_step_id if settings.source_step_id in choices else None,
                       label=_("Ideas to vote on")).props("outlined").classes("w-full sm:w-96")
    source.props["hint"] = _("The ideas posted at an earlier step that has an ideas board.")
    editor.field(source, "source_step_id")
    none_yet = paragraph(_("No step before this one has an ideas board yet: choose the ideas board for an earlier "
                           "step first."), muted=True)
    number = ui.number(_("Dots per person"), value=settings.dots, step=1, precision=0) \
        .props("outlined").classes("w-full sm:w-48")
    number.props["hint"] = _("From 1 to {count}.", count=dots.MAX_DOTS)
    editor.field(number, "dots")

    def follow_the_agenda() -> None:
        """Steps moved, or given or relieved of an ideas board: the choices follow."""
        fresh = options()
        source.set_options(fresh, value=source.value if source.value in fresh else None)
        none_yet.set_visibility(not fresh)

    none_yet.set_visibility(not choices)
    editor.wizard.on_change(follow_the_agenda, owner=source)


def stage(view: StageView, step: Step, settings: Settings) -> LivePart:
    return DotsStage(view, step, settings)


def board(view: BoardView, step: Step, settings: Settings) -> LivePart:
    return DotsBoard(view, step, settings)


register(ActivityComponents(dots.KIND, stage=stage, board=board, editor=editor))

