"""Polls on the stage, on the board and in the wizard (domain/activities/polls.py).

Every poll at the running step shows on the stage in one place, above the step's activity, whether it was
prepared as the step's activity or made live by a moderator from the board: everyone's page for a poll of
everyone, a room's pages for a poll of that room. Until a poll opens that place is one hidden element (hundreds
of pages change step together); a poll's card is built when it opens, and then only changes what it shows: its
counts when they move, its state when it closes. The results are a bar chart with the counts listed beside it
as text. A secret poll shows only how many voted until it closes, on the board too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nicegui import ui

from domain.activities import Settings
from domain.activities.polls import (
    KIND,
    MAX_CHOICES,
    Poll,
    PollSettings,
    cast_ballot,
    close_poll,
    open_poll,
    open_step_poll,
    polls_of,
)
from domain.live.events import Aspect
from domain.models import RunPhase, Step
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import _, ngettext
from ui.live.activities.registry import ActivityComponents, register
from ui.live.board.view import BoardView
from ui.live.parts import LivePart
from ui.live.stage.view import StageView

if TYPE_CHECKING:  # the wizard imports the activities: only the type from it here
    from ui.pages.wizard.activity import ActivityEditor

CHART_HEIGHT_PER_CHOICE = 2.4  # rem


def votes_text(count: int) -> str:
    return ngettext("{count} vote", "{count} votes", count).format(count=count)


def voters_text(count: int) -> str:
    return ngettext("{count} person voted", "{count} people voted", count).format(count=count)


class Results:
    """A poll's counts: a bar chart, and beside it the same as a list people and screen readers can read.
    Made once; each change only sets the numbers."""

    def __init__(self, poll: Poll, counts: Sequence[int]) -> None:
        self.shown: tuple[int, ...] | None = None
        with ui.element("div").classes("grid gap-3 md:grid-cols-[1fr_16rem] items-start w-full") as self.area:
            self.chart = labelled(ui.echart(self.options(poll, counts)),
                                  _("Bar chart of the results, listed beside it."))
            self.chart.classes("w-full min-w-0").style(
                f"height: {4 + CHART_HEIGHT_PER_CHOICE * len(poll.choices)}rem")
            self.chart.props('role="img"')
            with ui.element("ul").classes("grid gap-1 atelier-text") as self.list:
                self.lines = [Text("", "li") for _choice in poll.choices]
        self.update(poll, counts)

    @staticmethod
    def options(poll: Poll, counts: Sequence[int]) -> dict[str, Any]:
        return {
            "animation": False,
            "grid": {"left": 8, "right": 24, "top": 8, "bottom": 24, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": list(poll.choices),
                      "axisLabel": {"width": 160, "overflow": "truncate", "color": "#1f2937"}},
            "series": [{"type": "bar", "data": list(counts), "itemStyle": {"color": "#1e4fa3"},
                        "label": {"show": True, "position": "right", "color": "#1f2937"}}],
            "tooltip": {"show": False},
        }

    def update(self, poll: Poll, shown_counts: Sequence[int]) -> None:
        counts = tuple(shown_counts)
        if counts == self.shown:
            return
        self.shown = counts
        self.chart.options["series"][0]["data"] = list(counts)
        self.chart.update()
        for line, choice, count in zip(self.lines, poll.choices, counts, strict=True):
            line.text = _("{choice}: {votes}", choice=choice, votes=votes_text(count))


class PollCard:
    """One poll, for a participant (the ballot), a moderator watching the stage, or the board (`board`)."""

    def __init__(self, poll: Poll, *, voter: int | None, board: BoardView | None = None,
                 stage: StageView | None = None) -> None:
        self.poll_id, self.voter, self.board, self.stage = poll.id, voter, board, stage
        self.drawn: tuple[Any, ...] | None = None
        self.results: Results | None = None
        with ui.card().classes("atelier-card w-full p-4 gap-3") as self.card:
            self.card.props(f'data-poll="{poll.id}"')
            with ui.row().classes("w-full items-start justify-between gap-2 no-wrap"):
                heading(poll.question, 2, looks_like=3).classes("min-w-0 break-words")
                self.state = Text("", "span").classes("atelier-chip shrink-0")
            self.how = paragraph(self.how_text(poll), muted=True)
            self.ballot = ui.element("div").classes("grid gap-2 w-full")
            if voter is not None:
                with self.ballot:
                    self.build_ballot(poll)
            self.status = Text("", "p").classes("atelier-text").props('aria-live="polite"')
            self.results_area = ui.element("div").classes("w-full")
            if board is not None:
                self.close_button = ui.button(_("Close the poll"), icon="lock",
                                              on_click=self.close).props("outline")
        self.update(poll)

    @staticmethod
    def how_text(poll: Poll) -> str:
        parts = [_("Several answers allowed.") if poll.multiple else _("One answer.")]
        if poll.secret:
            parts.append(_("Secret: nobody, the moderators included, can see who voted what."))
        if poll.results_live:
            parts.append(_("Results shown as votes come in."))
        elif not poll.secret:
            parts.append(_("Results shown when the poll closes."))
        return " ".join(parts)

    def build_ballot(self, poll: Poll) -> None:
        with ui.element("fieldset").classes("grid gap-1"):
            Text(_("Your answer"), "legend").classes("atelier-text font-semibold")
            if poll.multiple:
                self.boxes = [ui.checkbox(choice) for choice in poll.choices]
            else:
                self.radio = ui.radio({index: choice for index, choice in enumerate(poll.choices)})
        self.vote_button = ui.button(_("Send my vote"), icon="how_to_vote", on_click=self.vote).classes(
            "justify-self-start")

    def chosen(self, poll: Poll) -> list[int]:
        if poll.multiple:
            return [index for index, box in enumerate(self.boxes) if box.value]
        value = self.radio.value
        return [value] if isinstance(value, int) else []

    async def vote(self) -> None:
        stage = self.stage
        assert stage is not None and self.voter is not None
        poll = polls_of(stage.live.state).polls[self.poll_id]
        choices = self.chosen(poll)
        if not choices:
            ui.notify(_("Choose an answer."), type="warning")
            return
        await stage.act(cast_ballot(stage.live, self.voter, self.poll_id, choices))

    async def close(self) -> None:
        board = self.board
        assert board is not None
        await board.act(close_poll(board.live, self.poll_id), _("The poll is closed."))

    def status_text(self, poll: Poll) -> str:
        if self.voter is not None:
            ballot = poll.ballots.get(self.voter)
            if ballot is not None:
                mine = ", ".join(poll.choices[index] for index in ballot)
                return _("Your vote: {answer}. You may change it while the poll is open.", answer=mine) \
                    if poll.open else _("Your vote: {answer}.", answer=mine)
            if self.voter in poll.voters:
                return _("Your vote is counted. It is secret, so it cannot be changed.")
            return "" if poll.open else _("The poll closed before you voted.")
        return voters_text(poll.voter_count)

    def update(self, poll: Poll) -> None:
        """Show the poll as it is now; nothing is sent when nothing this card shows changed."""
        ballot = poll.ballots.get(self.voter) if self.voter is not None else None
        voted = self.voter in poll.voters if self.voter is not None else None
        signature = (poll.open, poll.results_shown, poll.voter_count if self.voter is None else None, ballot, voted)
        if signature != self.drawn:
            self.drawn = signature
            self.state.text = _("Open") if poll.open else _("Closed")
            self.state.classes(replace="atelier-chip shrink-0 " + ("published" if poll.open else "archived"))
            self.status.text = self.status_text(poll)
            self.ballot.set_visibility(poll.open and not (poll.secret and bool(voted)))
            if self.board is not None:
                self.close_button.set_visibility(poll.open)
        if poll.results_shown:
            # The board follows every ballot; the stages a live poll's counts as last sent to them.
            counts = poll.counts if self.board is not None else poll.counts_on_stage
            if self.results is None:
                with self.results_area:
                    self.results = Results(poll, counts)
            else:
                self.results.update(poll, counts)


class PollsPart(LivePart):
    """The polls at the running step that this page's people vote in: one hidden element until one opens."""

    listens_to = frozenset({Aspect.ACTIVITIES, Aspect.STEP, Aspect.PHASE, Aspect.ROOMS})

    def __init__(self, *, place: Any, voter: int | None, board: BoardView | None = None,
                 stage: StageView | None = None) -> None:
        self.place, self.voter, self.board, self.stage = place, voter, board, stage
        self.live = (board or stage).live  # type: ignore[union-attr]
        self.area = ui.element("section").classes("grid gap-3 w-full")
        labelled(self.area, _("Polls"))
        self.area.set_visibility(False)
        self.cards: dict[int, PollCard] = {}
        self.redraw()

    def visible(self) -> list[Poll]:
        live = self.live
        if live.state.phase != RunPhase.RUNNING:
            return []
        room = self.place()
        return [poll for poll in polls_of(live.state).at_step(live.state.step_id)
                if self.board is not None or poll.room_id is None or poll.room_id == room]

    def redraw(self) -> None:
        polls = self.visible()
        ids = {poll.id for poll in polls}
        for poll_id in [poll_id for poll_id in self.cards if poll_id not in ids]:
            self.cards.pop(poll_id).card.delete()
        for poll in polls:
            card = self.cards.get(poll.id)
            if card is None:
                with self.area:
                    card = self.cards[poll.id] = PollCard(poll, voter=self.voter, board=self.board,
                                                          stage=self.stage)
                card.card.move(target_index=0)  # the newest first
            else:
                card.update(poll)
        if bool(polls) != self.area.visible:
            self.area.set_visibility(bool(polls))


# ------------------------------------------------------------------ the step's prepared poll


class PreparedOnStage(LivePart):
    """Before the step's poll opens, a line says one is coming; the poll itself shows in the polls part."""

    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: StageView, step: Step) -> None:
        self.view, self.step_id = view, step.id
        self.note = paragraph(_("A poll comes at this step: it shows here when the moderators open it."), muted=True)
        self.redraw()

    def redraw(self) -> None:
        opened = polls_of(self.view.live.state).prepared_at(self.step_id) is not None
        if self.note.visible == opened:
            self.note.set_visibility(not opened)


class PreparedOnBoard(LivePart):
    """The step's prepared poll: what it asks, and the button that opens it."""

    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: BoardView, step: Step, settings: PollSettings) -> None:
        self.view, self.step_id = view, step.id
        with ui.card().classes("atelier-card w-full p-4 gap-2") as self.card:
            heading(_("The step's poll"), 2, looks_like=3)
            Text(settings.question or _("(no question yet)"), "p").classes("atelier-text font-semibold")
            with ui.element("ul").classes("list-disc pl-6 atelier-text"):
                for choice in settings.choices:
                    if choice.strip():
                        Text(choice, "li")
            ui.button(_("Open the poll"), icon="poll", on_click=self.open)
        self.redraw()

    def redraw(self) -> None:
        self.card.set_visibility(polls_of(self.view.live.state).prepared_at(self.step_id) is None)

    async def open(self) -> None:
        await self.view.act(open_step_poll(self.view.live), _("The poll is open."))


def stage_component(view: StageView, step: Step, settings: Settings) -> LivePart:
    return PreparedOnStage(view, step)


def board_component(view: BoardView, step: Step, settings: Settings) -> LivePart:
    assert isinstance(settings, PollSettings)
    return PreparedOnBoard(view, step, settings)


# ------------------------------------------------------------------ a poll made live from the board


def choices_from(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class NewPollForm:
    """A moderator's poll at the running step, for everyone or one open room."""

    def __init__(self, view: BoardView) -> None:
        self.view = view
        with ui.expansion(_("New poll"), icon="add").classes("w-full atelier-card") as self.expansion, \
                ui.element("div").classes("grid gap-3 p-2"):
            self.question = ui.input(_("Question")).props("outlined maxlength=300").classes("w-full")
            self.choices = ui.textarea(_("Choices, one per line (2 to 10)")).props(
                "outlined autogrow").classes("w-full")
            self.multiple = ui.checkbox(_("Several answers allowed"))
            self.secret = ui.checkbox(_("Secret: nobody can see who voted what"))
            self.live_results = ui.checkbox(_("Show the results as votes come in"))
            self.live_results.bind_enabled_from(self.secret, "value", backward=lambda secret: not secret)
            self.audience = ui.select({0: _("Everyone")}, value=0, label=_("Who votes")).props(
                "outlined").classes("w-full sm:w-72")
            self.audience.on("focus", self.offer_rooms)
            ui.button(_("Open this poll"), icon="poll", on_click=self.open).classes("justify-self-start")

    def offer_rooms(self) -> None:
        live = self.view.live
        rooms = {room.id: room.name for room in live.plan.breakout_rooms} if live.state.rooms_open else {}
        self.audience.set_options({0: _("Everyone")} | rooms,
                                  value=self.audience.value if self.audience.value in rooms else 0)

    async def open(self) -> None:
        live = self.view.live
        choices = choices_from(self.choices.value or "")
        if len(choices) > MAX_CHOICES:
            ui.notify(_("A poll has from 2 to 10 choices."), type="warning")
            return
        room = self.audience.value or None
        opened = await self.view.actions.run(open_poll(
            live, question=self.question.value or "", choices=choices, multiple=bool(self.multiple.value),
            secret=bool(self.secret.value), results_live=bool(self.live_results.value) and not self.secret.value,
            room_id=room), _("The poll is open."))
        if opened:
            self.question.value = ""
            self.choices.value = ""
            for box in (self.multiple, self.secret, self.live_results):
                box.value = False
            self.expansion.close()


def board_polls(view: BoardView) -> PollsPart:
    """On the board's activity tab: a new poll, then every poll at the running step with its tally."""
    heading(_("Polls"), 2, looks_like=3)
    NewPollForm(view)
    return PollsPart(place=lambda: None, voter=None, board=view)


def stage_polls(view: StageView) -> PollsPart:
    return PollsPart(place=lambda: view.my_room_id, voter=view.person.id if view.person is not None else None,
                     stage=view)


# ------------------------------------------------------------------ the wizard


def editor(editor: ActivityEditor) -> None:
    settings = editor.settings
    assert isinstance(settings, PollSettings)
    question = ui.input(_("Question"), value=settings.question).props(
        "outlined debounce=300 maxlength=300").classes("w-full")
    editor.field(question, "question")
    choices = ui.textarea(_("Choices, one per line (2 to 10)"),
                          value="\n".join(choice for choice in settings.choices if choice)).props(
        "outlined debounce=300 autogrow").classes("w-full")

    async def save_choices(text: str) -> None:
        lines = choices_from(text or "")
        await editor.save(choices=tuple(lines + [""] * max(0, 2 - len(lines))))

    editor.field(choices, "choices", save=save_choices,
                 shown=lambda stored: "\n".join(choice for choice in stored or () if choice))
    editor.field(ui.switch(_("Several answers allowed"), value=settings.multiple), "multiple")
    secret = editor.field(ui.switch(_("Secret: nobody can see who voted what"), value=settings.secret), "secret")
    live_results = editor.field(ui.switch(_("Show the results as votes come in"), value=settings.results_live),
                                "results_live")
    live_results.bind_enabled_from(secret, "value", backward=lambda value: not value)
    paragraph(_("A secret poll shows only how many voted until it closes, to moderators too."), muted=True)


register(ActivityComponents(KIND, stage=stage_component, board=board_component, editor=editor))
