"""`/w/{slug}/live`: the participant's stage (ui/live/stage/), for the real run and for a rehearsal."""

from __future__ import annotations

from fastapi import Response
from nicegui import ui

from ui.live.stage.page import stage_page
from ui.services import Services

# How long a page may lose its connection and come back as it was (then it is rebuilt from the state).
LIVE_RECONNECT_SECONDS = 30.0
# When the doors open, every waiting room loads the stage at once: with hundreds of people the last pages take
# several seconds to build, and NiceGUI's default (3 s) would answer them with an error page instead.
STAGE_RESPONSE_SECONDS = 30.0


def register(services: Services) -> None:
    @ui.page("/w/{slug}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS, response_timeout=STAGE_RESPONSE_SECONDS)
    async def stage(slug: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, None, room)

    @ui.page("/w/{slug}/rehearsal/{code}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS,
             response_timeout=STAGE_RESPONSE_SECONDS)
    async def rehearsal_stage(slug: str, code: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, code, room)
