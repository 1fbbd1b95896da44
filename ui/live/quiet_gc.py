"""Full garbage collections at quiet moments, not in the middle of a live fan-out.

With a few hundred pages connected the server holds millions of objects, and Python's own
schedule starts a full collection (up to a second on the benchmark machine) right when many
objects are being made: while a step change is sent to every page. Atelier turns off the
automatic full collections and runs them itself, once live events have stopped for a moment
(or after a long busy stretch), so that nobody waits for them. Young objects are still
collected by Python as usual.
"""

from __future__ import annotations

import gc
import logging
import time

from nicegui import app

QUIET_FOR = 3.0  # seconds without live events before a collection may run
WORTH_IT = 10  # middle-generation collections since the last full one, Python's own default threshold
AT_LEAST_EVERY = 300.0  # seconds: collect even if the server never goes quiet
CHECK_EVERY = 2.0  # seconds between checks
NEVER = 1_000_000_000  # a full-collection threshold that is never reached

log = logging.getLogger(__name__)
_last_activity = time.monotonic()
_last_collection = time.monotonic()


def note_activity() -> None:
    """Called for every live event: a collection now would delay what is being sent."""
    global _last_activity
    _last_activity = time.monotonic()


def start() -> None:
    """Take over full collections: for the real server only (tests keep Python's defaults)."""
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the process: never scan it again
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    app.timer(CHECK_EVERY, collect_if_quiet)


def collect_if_quiet() -> None:
    global _last_collection
    now = time.monotonic()
    quiet = now - _last_activity >= QUIET_FOR
    overdue = now - _last_collection >= AT_LEAST_EVERY
    if gc.get_count()[2] < WORTH_IT or not (quiet or overdue):
        return  # little has reached the old generation since the last time, or live events are under way
    began = time.perf_counter()
    found = gc.collect()
    _last_collection = time.monotonic()
    log.debug("full garbage collection: %d objects in %.0f ms", found, (time.perf_counter() - began) * 1000)
