"""`/w/{slug}/live`: the participant's stage (ui/live/stage/), for the real run and for a rehearsal."""

from __future__ import annotations

from fastapi import Response
from nicegui import ui

from ui.live.context import LIVE_RECONNECT_SECONDS, LIVE_RESPONSE_SECONDS
from ui.live.stage.page import stage_page
from ui.services import Services


def register(services: Services) -> None:
    @ui.page("/w/{slug}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS, response_timeout=LIVE_RESPONSE_SECONDS)
    async def stage(slug: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, None, room)

    @ui.page("/w/{slug}/rehearsal/{code}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS,
             response_timeout=LIVE_RESPONSE_SECONDS)
    async def rehearsal_stage(slug: str, code: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, code, room)
