"""`python -m tests.e2e.clocked_atelier START demo [options]`: `atelier demo` whose clock stands at START (an ISO 8601
instant) and moves only when the test says so, with `POST /_tests/clock?to=INSTANT`.

For browser tests that need a date: a session three days ahead, then the day itself, without waiting for it. The
route exists in this launcher only, never in Atelier.
"""

from __future__ import annotations

import sys
import urllib.request
from datetime import datetime
from urllib.parse import quote

from fastapi import HTTPException
from nicegui import app

import atelier
from domain.clock import FakeClock

CLOCK_PATH = "/_tests/clock"


def move_clock(server_url: str, instant: datetime) -> None:
    """From the test: set the server's clock to `instant` (timezone-aware)."""
    request = urllib.request.Request(f"{server_url}{CLOCK_PATH}?to={quote(instant.isoformat())}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status


def main(argv: list[str]) -> int:
    start, *arguments = argv
    clock = FakeClock(datetime.fromisoformat(start))

    def set_clock(to: str) -> dict[str, str]:
        instant = datetime.fromisoformat(to)
        if instant.tzinfo is None:
            raise HTTPException(status_code=400, detail="an instant with its offset, such as 2031-01-09T17:00:00+00:00")
        clock.set(instant)
        return {"now": clock.now().isoformat()}

    app.add_api_route(CLOCK_PATH, set_clock, methods=["POST"])
    parsed = atelier.parse_arguments(arguments)
    return atelier.serve(atelier.settings_from(parsed), with_demo=parsed.command == "demo", clock=clock)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
