"""`GET /language/{code}?next=/path`: remember the reader's language and go back where they were."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import app

from ui.auth import local_path
from ui.i18n import choose_language
from ui.services import Services


def register(services: Services) -> None:
    @app.get("/language/{code}", include_in_schema=False)
    def switch_language(code: str, next: str = "/") -> RedirectResponse:
        choose_language(code)
        return RedirectResponse(local_path(next), status_code=303)
