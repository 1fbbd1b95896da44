"""Questions with up-votes on the stage (ask, up-vote, see the list) and on the board (mark answered, hide).

One row per question (`KeyedRows`): a vote redraws that question's row and moves it into place; the others stay.
The sorted list of a place is computed once per revision of the run for all the pages that show it.
"""

from __future__ import annotations

from functools import partial

from nicegui import Client, ui

from domain.activities import Settings, questions
from domain.activities.questions import MAX_QUESTION, Question, questions_at
from domain.live.events import Aspect
from domain.live.session import LiveSession
from domain.models import Step, StepKind
from ui.components import Text, heading, labelled, paragraph
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, ngettext
from ui.live.activities.registry import ActivityComponents, register
from ui.live.board.view import BoardView
from ui.live.parts import LivePart, once_per_revision
from ui.live.rows import KeyedRows
from ui.live.stage.view import StageView

ROW = "flex flex-wrap sm:flex-nowrap items-center gap-x-3 gap-y-1 rounded-lg border border-gray-200 px-3 py-2"
ANSWERED_ROW = " bg-gray-100 atelier-muted"


def listed(live: LiveSession, step_id: int, room_id: int | None, *, with_hidden: bool = False) -> list[Question]:
    """The questions of a place as the pages list them, sorted once for every page that shows them."""
    return once_per_revision(  # type: ignore[no-any-return]
        live, f"questions:{step_id}:{room_id}:{with_hidden}",
        lambda: questions_at(live.state, step_id, room_id, with_hidden=with_hidden))


def votes_text(count: int) -> str:
    return ngettext("{count} vote", "{count} votes", count)


def settle_focus(client: Client, part: LivePart, *candidates: str) -> None:
    """After one's own click: the row redrawn now (the event's redraw, later, then finds nothing to change) and the
    focus back on the button pressed, which the redraw replaced, so that the keyboard keeps its place."""
    with client:
        part.redraw()
    move_focus(client, *candidates)


class QuestionsStage(LivePart):
    """What a participant sees: a field to ask, and the questions of where they are, most up-voted first."""

    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: StageView, step: Step) -> None:
        self.view, self.step = view, step
        self.room_id = view.my_room_id
        self.me = view.person.id if view.person is not None else None
        with labelled(ui.element("section"), _("Questions")).classes("atelier-card w-full p-4 grid gap-3"):
            heading(_("Questions"), 2, looks_like=3)
            if self.me is not None:
                paragraph(_("Ask a short question, and up-vote the ones you want answered: the moderators see the "
                            "most wanted first."), muted=True)
                with ui.element("div").classes("flex flex-wrap items-start gap-2"):
                    self.field = ui.input(_("Your question")).props(
                        f'outlined maxlength={MAX_QUESTION} counter enterkeyhint="send"').classes(
                        "flex-1 min-w-[16rem]")
                    self.field.props["hint"] = _("At most {count} characters.", count=MAX_QUESTION)
                    self.field.on("keydown.enter", self.ask)
                    ui.button(_("Ask"), icon="send", on_click=self.ask).props("unelevated").classes("mt-1")
            self.nothing = paragraph(_("No question yet."), muted=True)
            self.rows = KeyedRows(ui.element("ol").classes("grid gap-2 list-none p-0 m-0"))
        self.redraw()

    def redraw(self) -> None:
        found = listed(self.view.live, self.step.id, self.room_id)
        self.nothing.set_visibility(not found)
        me = self.me
        self.rows.show((question.id, (question.text, question.votes, question.answered, me in question.voters),
                        partial(self.row, question, me in question.voters)) for question in found)

    def row(self, question: Question, voted: bool) -> ui.element:
        mine = question.author_id == self.me
        with ui.element("li").classes(ROW + (ANSWERED_ROW if question.answered else "")) as row:
            with ui.element("div").classes("flex-1 min-w-0 grid gap-0"):
                Text(question.text, "p").classes("break-words")
                marks = [_("Answered")] if question.answered else []
                if mine:
                    marks.append(_("Your question"))
                if marks:
                    Text(" · ".join(marks), "span").classes("text-sm atelier-muted font-medium")
            Text(votes_text(question.votes), "span").classes("text-sm font-semibold whitespace-nowrap")
            if self.me is not None and not mine and not question.answered:
                button = ui.button(_("Up-vote"), icon="thumb_up" if voted else "thumb_up_off_alt",
                                   on_click=partial(self.vote, question.id, not voted))
                button.props("unelevated" if voted else "outline").props["aria-pressed"] = str(voted).lower()
                labelled(button, _("Up-vote: {question}", question=question.text))
                focus_key(button, "question", question.id, "vote")
        return row

    async def ask(self) -> None:
        view, me = self.view, self.me
        assert me is not None
        text = str(self.field.value or "")
        if await view.act(view.live.act(partial(questions.ask, participant_id=me, text=text))):
            self.field.value = ""

    async def vote(self, question_id: int, up: bool) -> None:
        view, me = self.view, self.me
        assert me is not None
        await view.act(view.live.act(partial(questions.up_vote, participant_id=me, question_id=question_id, up=up)))
        settle_focus(view.client, self, key("question", question_id, "vote"))


class QuestionsBoard(LivePart):
    """What the moderators see: every place's questions, with who asked, to mark answered or hide."""

    listens_to = frozenset({Aspect.ACTIVITIES})

    def __init__(self, view: BoardView, step: Step) -> None:
        self.view, self.step = view, step
        places: list[int | None] = [None]
        if step.kind == StepKind.BREAKOUT:
            places += [room.id for room in view.live.plan.breakout_rooms]
        self.places: dict[int | None, tuple[ui.element, ui.element, KeyedRows]] = {}
        with ui.element("div").classes("grid gap-3"):
            paragraph(_("Participants ask and up-vote questions; the most wanted come first. Mark one answered "
                        "once it has been: it goes below the others."), muted=True)
            for room_id in places:
                with ui.element("section").classes("grid gap-2") as section:
                    if step.kind == StepKind.BREAKOUT:
                        heading(view.room_name(room_id) if room_id is not None else _("Plenary"), 2, looks_like=3)
                    nothing = paragraph(_("No question yet."), muted=True)
                    rows = KeyedRows(ui.element("ol").classes("grid gap-2 list-none p-0 m-0"))
                self.places[room_id] = (section, nothing, rows)
        self.redraw()

    def redraw(self) -> None:
        state = self.view.live.state
        for room_id, (section, nothing, rows) in self.places.items():
            found = listed(self.view.live, self.step.id, room_id, with_hidden=True)
            # Hidden ones last: participants no longer see them.
            found = sorted(found, key=lambda question: question.hidden)
            nothing.set_visibility(not found)
            if room_id is None and self.step.kind == StepKind.BREAKOUT:
                section.set_visibility(bool(found))  # the plenary's, in a breakout step: only before rooms open
            author = {question.id: state.people[question.author_id].name if question.author_id in state.people
                      else "?" for question in found}
            rows.show((question.id, (question.text, question.votes, question.answered, question.hidden,
                                     author[question.id]),
                       partial(self.row, question, author[question.id])) for question in found)

    def row(self, question: Question, author: str) -> ui.element:
        greyed = question.answered or question.hidden
        with ui.element("li").classes(ROW + (ANSWERED_ROW if greyed else "")) as row:
            with ui.element("div").classes("flex-1 min-w-0 grid gap-0"):
                Text(question.text, "p").classes("break-words")
                marks = [_("Asked by {name}", name=author)]
                if question.answered:
                    marks.append(_("Answered"))
                if question.hidden:
                    marks.append(_("Hidden from participants"))
                Text(" · ".join(marks), "span").classes("text-sm atelier-muted")
            Text(votes_text(question.votes), "span").classes("text-sm font-semibold whitespace-nowrap")
            with ui.row().classes("gap-1 items-center no-wrap"):
                # Toggle buttons: the same name, pressed or not (a name that changed would hide what it does).
                for label, icon, pressed, act in (
                        (_("Answered"), "check", question.answered, partial(self.mark, question.id)),
                        (_("Hide"), "visibility_off", question.hidden, partial(self.hide, question.id))):
                    button = ui.button(label, icon=icon, on_click=partial(act, not pressed)).props(
                        ("unelevated" if pressed else "outline") + " dense no-caps")
                    button.props["aria-pressed"] = str(pressed).lower()
                    labelled(button, _("{action}: {question}", action=label, question=question.text))
                    focus_key(button, "question", question.id, icon)
        return row

    async def mark(self, question_id: int, answered: bool) -> None:
        view = self.view
        await view.act(view.live.act(partial(questions.mark_answered, question_id=question_id, answered=answered)))
        settle_focus(view.client, self, key("question", question_id, "check"))

    async def hide(self, question_id: int, hidden: bool) -> None:
        view = self.view
        await view.act(view.live.act(partial(questions.hide, question_id=question_id, hidden=hidden)))
        settle_focus(view.client, self, key("question", question_id, "visibility_off"))


def stage(view: StageView, step: Step, settings: Settings) -> LivePart:
    return QuestionsStage(view, step)


def board(view: BoardView, step: Step, settings: Settings) -> LivePart:
    return QuestionsBoard(view, step)


register(ActivityComponents(questions.KIND, stage=stage, board=board))
