"""Whether a registered person still wants reminders: turned off in one click from a reminder (List-Unsubscribe),
or from the page that link opens, and back on there.

Only reminders stop: what changes their seat (a new date, a cancellation, a freed seat) still reaches them. A
reminder already queued is not sent once they turned reminders off (mail/composing.py checks before sending).
"""

from __future__ import annotations

from domain.models import Registration


async def set_reminders(registration: Registration, *, wanted: bool) -> None:
    registration.reminders_off = not wanted
    await registration.save(update_fields=["reminders_off"])
