"""Messages from the moderators on the stage: shown as they come, recent ones on arrival, dismissible."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from nicegui import ui

from domain.live.events import LiveEvent, MessageBroadcast
from domain.live.state import Notice, NoticeAudience
from ui.components import Text, labelled
from ui.i18n import _
from ui.live.parts import LivePart
from ui.live.stage.view import StageView

RECENT_NOTICE = timedelta(minutes=10)
DISMISSED_KEY = "dismissed_notices"


class NoticesPart(LivePart):
    def __init__(self, view: StageView) -> None:
        self.view = view
        self.container = labelled(ui.element("div").classes("grid gap-2 w-full"), _("Messages from the moderators"))
        self.container.props('role="region" aria-live="assertive"')

    def show_recent(self) -> None:
        view = self.view
        now = view.services.clock.now()
        dismissed = set(view.storage.get(DISMISSED_KEY, {}).get(str(view.found.run.id), []))
        for notice in view.live.state.notices:
            if now - notice.at < RECENT_NOTICE and notice.id not in dismissed:
                self.show(notice)

    def hear(self, events: Sequence[LiveEvent]) -> None:
        notices = {notice.id: notice for notice in self.view.live.state.notices}
        for event in events:
            if isinstance(event, MessageBroadcast) and event.notice_id in notices:
                self.show(notices[event.notice_id])

    def show(self, notice: Notice) -> None:
        view = self.view
        if notice.audience == NoticeAudience.ROOMS and view.my_room_id is None and view.observer is None:
            return
        with self.container, ui.row().classes("notice w-full items-center justify-between no-wrap") as card:
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.icon("campaign").props('aria-hidden="true"').classes("text-xl")
                Text(notice.text, "p").classes("atelier-text")

            def dismiss() -> None:
                card.delete()
                run = str(view.found.run.id)
                by_run = dict(view.storage.get(DISMISSED_KEY, {}))
                by_run[run] = [*by_run.get(run, []), notice.id]
                view.storage[DISMISSED_KEY] = by_run

            labelled(ui.button(icon="close", on_click=dismiss).props("flat round dense"), _("Dismiss this message"))
