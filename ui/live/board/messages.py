"""Sending a message to everyone, or to the breakout rooms only; a refusal shows beside the text."""

from __future__ import annotations

from nicegui import ui

from domain.live.state import NoticeAudience
from ui.components import heading
from ui.i18n import _
from ui.live.board.view import BoardView
from ui.live.parts import LivePart


class MessagesPart(LivePart):
    def __init__(self, view: BoardView) -> None:
        self.view = view
        with ui.card().classes("atelier-card p-4 gap-3"):
            heading(_("Send a message"), 2, looks_like=3)
            self.text = ui.textarea(_("Message")).props("outlined autogrow maxlength=500").classes("w-full")
            self.audience = ui.radio({NoticeAudience.EVERYONE.value: _("To everyone"),
                                      NoticeAudience.ROOMS.value: _("To the breakout rooms only")},
                                     value=NoticeAudience.EVERYONE.value).props("inline")
            self.audience.props["aria-label"] = _("Who receives it")
            ui.button(_("Send"), icon="send", on_click=self.send).props("unelevated").classes("self-start")

    async def send(self) -> None:
        text = self.text
        if await self.view.actions.run(self.view.live.broadcast(text.value or "", NoticeAudience(self.audience.value)),
                                       _("Message sent."), beside=text):
            text.value = ""
