"""`/w/{slug}/moderate`: the moderator board (ui/live/board/), for the real run and for a rehearsal."""

from __future__ import annotations

from fastapi import Response
from nicegui import ui

from ui.live.board.page import board_page
from ui.live.context import LIVE_RECONNECT_SECONDS, LIVE_RESPONSE_SECONDS
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/w/{slug}/moderate", reconnect_timeout=LIVE_RECONNECT_SECONDS, response_timeout=LIVE_RESPONSE_SECONDS)
    async def board(slug: str) -> Response | None:
        return await board_page(services, slug, None)

    @ui.page("/w/{slug}/rehearsal/{code}/moderate", reconnect_timeout=LIVE_RECONNECT_SECONDS,
             response_timeout=LIVE_RESPONSE_SECONDS)
    async def rehearsal_board(slug: str, code: str) -> Response | None:
        return await board_page(services, slug, code)
