"""`GET /healthz` for load balancers and monitoring: 200 when Atelier and its database answer."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from nicegui import app

from domain import database
from ui.services import Services


def register(services: Services) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        try:
            await database.ping()
        except Exception as problem:  # any driver error means "not healthy", with its reason
            return JSONResponse(
                {"status": "unavailable", "database": database.describe(problem), "version": services.version},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "version": services.version})
