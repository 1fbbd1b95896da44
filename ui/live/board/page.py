"""The moderator board, made for half a screen beside the stage, assembled from its parts.

Always in sight: the phase, the current step, its countdown and the step controls. Below, in tabs:
the script, the floor (hands, microphones and speaking balance), the people, the rooms, messages.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from nicegui import context, ui

from domain.activities import StepActivity
from domain.live.events import Aspect, LiveEvent, RunReset
from domain.live.session import Presence
from domain.models import StaffAccount
from ui.components import Text, heading, paragraph
from ui.frame import page_frame
from ui.i18n import _, ngettext
from ui.live.actions import PageActions
from ui.live.activities import ActivityHost
from ui.live.activities.polls import board_polls
from ui.live.board.balance import BalancePart
from ui.live.board.commands import CommandsPart
from ui.live.board.floor import FloorPart
from ui.live.board.messages import MessagesPart
from ui.live.board.microphones import MicrophonesPart
from ui.live.board.people import PeoplePart
from ui.live.board.rooms import RoomsPart
from ui.live.board.script import ScriptPart
from ui.live.board.view import BoardView
from ui.live.bridge import follow_run
from ui.live.context import LiveContext, StaffRights, moderator_context, shut_out_notice
from ui.live.parts import LivePart, deliver
from ui.services import Services

# The board hears every change of the run: during a burst (300 hands in 5 s) it redraws at most this often,
# the first change of a quiet moment at once.
BOARD_REDRAWS_EVERY = 0.25


async def board_page(services: Services, slug: str, code: str | None) -> Response | None:
    guarded = await moderator_context(services, slug, code)
    if isinstance(guarded, Response):
        return guarded
    staff, found = guarded
    with page_frame(services, _("Moderation · {title}", title=found.plan.workshop.title), staff=staff):
        Board(services, found, staff)
    return None


class TabBadges(LivePart):
    """The counts on the tabs: raised hands, people online, calls from the rooms."""

    listens_to = frozenset({Aspect.HANDS, Aspect.PEOPLE, Aspect.ROOMS})

    def __init__(self, view: BoardView, floor: ui.tab, people: ui.tab, rooms: ui.tab) -> None:
        self.view, self.floor, self.people, self.rooms = view, floor, people, rooms
        self.redraw()

    def redraw(self) -> None:
        live = self.view.live
        state = live.state
        hands = len(state.hand_queue())
        self.floor.props["label"] = _("Floor ({count})", count=hands) if hands else _("Floor")
        present = sum(1 for p in state.active_people() if live.presence(p.id) == Presence.ONLINE)
        self.people.props["label"] = _("People ({count})", count=present)
        calls = len(state.calls)
        self.rooms.props["label"] = ngettext("Rooms ({count} call)", "Rooms ({count} calls)", calls) \
            if calls else _("Rooms")


class Board:
    def __init__(self, services: Services, found: LiveContext, staff: StaffAccount) -> None:
        rights = StaffRights(services, staff, found.live)
        actions = PageActions(context.client, services.clock, rights.refusal, on_shut_out=self.shut_out)
        self.view = view = BoardView(services, found, staff, context.client, actions)
        with ui.element("div").classes("board w-full grid gap-3") as self.area:
            with ui.row().classes("w-full items-center justify-between gap-2"):
                with ui.column().classes("gap-0 min-w-0"):
                    heading(found.plan.workshop.title)
                    if found.run.rehearsal:
                        Text(_("Rehearsal: nothing here counts."), "span").classes("atelier-chip archived self-start")
                ui.link(_("Open the stage"), found.path("live"), new_tab=True).classes("atelier-link")
            commands = CommandsPart(view)
            with ui.tabs().classes("w-full").props("align=left dense no-caps") as tabs:
                script_tab = ui.tab("script", _("Script"), icon="description")
                floor_tab = ui.tab("floor", _("Floor"), icon="record_voice_over")
                people_tab = ui.tab("people", _("People"), icon="groups")
                rooms_tab = ui.tab("rooms", _("Rooms"), icon="meeting_room")
                activity_tab = ui.tab("activity", _("Activity"), icon="how_to_vote")
                ui.tab("message", _("Message"), icon="campaign")
            # Not animated: a sliding panel clips the focus rings of its controls while it moves, and a board
            # kept in a background tab (beside the stage) may leave it half-way, since browsers pause animation
            # frames there.
            with ui.tab_panels(tabs, value=script_tab, animated=False).classes("w-full bg-transparent"):
                with ui.tab_panel("script").classes("p-0"):
                    script = ScriptPart(view)
                with ui.tab_panel("floor").classes("p-0 grid gap-3"):
                    floor = FloorPart(view)
                    microphones = MicrophonesPart(view)
                    with ui.element("div").classes("grid gap-2"):
                        balance = BalancePart(view)
                with ui.tab_panel("people").classes("p-0"), ui.element("div").classes("grid gap-3"):
                    people = PeoplePart(view)
                with ui.tab_panel("rooms").classes("p-0"), ui.element("div").classes("grid gap-3"):
                    rooms = RoomsPart(view)
                with ui.tab_panel("activity").classes("p-0"):
                    activity = self.activity_panel(view, activity_tab)
                    polls = board_polls(view)  # polls made live, at any step
                with ui.tab_panel("message").classes("p-0"):
                    messages = MessagesPart(view)
        badges = TabBadges(view, floor_tab, people_tab, rooms_tab)
        self.parts: Sequence[LivePart] = (commands, script, floor, microphones, balance, people, rooms, activity,
                                          polls, messages, badges)
        follow_run(found.live, self.on_events, hears_everything=True, at_most_every=BOARD_REDRAWS_EVERY,
                   allowed=rights.in_team, on_shut_out=lambda: actions.shut(rights.no_longer_in_team()))

    @staticmethod
    def activity_panel(view: BoardView, tab: ui.tab) -> ActivityHost[BoardView]:
        """The current step's activity, run from here; the tab is named after it."""
        nothing = paragraph(_("The current step has no activity."), muted=True)
        host: ActivityHost[BoardView] = ActivityHost(view, view.live, lambda: None,
                                                     lambda components: components.board)

        def name_the_tab(activity: StepActivity | None) -> None:
            tab.props["label"] = _("Activity: {name}", name=_(activity.type.label)) if activity else _("Activity")
            nothing.set_visibility(activity is None)

        host.changed = name_the_tab
        found = host.current()
        name_the_tab(found[1] if found is not None else None)
        return host

    def shut_out(self, reason: str) -> None:
        """The moderator may no longer run this workshop: the board's controls go, and it says why."""
        self.parts = ()
        self.area.clear()
        with self.area:
            shut_out_notice(reason, _("Back to my assignments"), "/moderate")

    def on_events(self, events: list[LiveEvent]) -> None:
        if any(isinstance(event, RunReset) for event in events):
            ui.navigate.to(f"/w/{self.view.found.slug}/moderate")
            return
        deliver(self.parts, events)
