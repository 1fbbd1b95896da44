"""The step countdown and the speaking stopwatch, ticking in the browser only."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui
from nicegui.events import GenericEventArguments

from domain.clock import Clock
from domain.live.state import Countdown as CountdownState
from ui.i18n import _


def epoch_ms(instant: datetime) -> int:
    return round(instant.timestamp() * 1000)


class Timer(ui.element, component="countdown.js"):
    """Shows a countdown (`show_countdown`) or a stopwatch (`show_elapsed_since`).

    The server only sends a change; the browser computes every second itself from the
    instants and the clock offset measured when the page connects.
    """

    def __init__(self, clock: Clock, *, elapsed_label: str | None = None) -> None:
        """`elapsed_label` names what a stopwatch counts, for screen readers ("Speaking for" by default)."""
        super().__init__()
        self._clock = clock
        self._props["labels"] = {
            "running": _("Time left"), "warning": _("Less than a minute left"), "overtime": _("Over time by"),
            "idle": _("No countdown"), "elapsed": elapsed_label or _("Speaking for"), "paused": _("(paused)"),
            "warning_now": _("One minute left."), "overtime_now": _("Time is up."),
        }
        self.on("sync", self._answer_sync)

    def _answer_sync(self, event: GenericEventArguments) -> None:
        self.run_method("synced", event.args["sent"], epoch_ms(self._clock.now()))

    def show_countdown(self, countdown: CountdownState | None) -> None:
        ends_at = countdown.ends_at if countdown else None
        paused = countdown.paused_remaining if countdown else None
        self._set(**{"ends-at": epoch_ms(ends_at) if ends_at else None,
                     "paused-ms": round(paused.total_seconds() * 1000) if paused is not None else None,
                     "since": None})

    def show_elapsed_since(self, since: datetime | None) -> None:
        self._set(**{"ends-at": None, "paused-ms": None, "since": epoch_ms(since) if since else None})

    def _set(self, **values: int | None) -> None:
        if all(self._props.get(name) == value for name, value in values.items()):
            return  # nothing changed: send nothing
        for name, value in values.items():
            self._props[name] = value  # props are observed: the change goes to the browser
