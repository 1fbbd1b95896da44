"""The pace of a participant's own hand: at most one change a second, the last wish winning.

Someone clicking "raise my hand" in a loop (40 clicks in a few seconds) must not send 40 changes
to the moderators and to everyone whose place in the queue moves. The first change of a quiet
moment is made at once, so a hand goes up as soon as it is raised; what the person asks within
the second after it is only noted, and when the second is over the run makes the last wish if it
differs from the hand as it is. Raised, lowered and raised again in quick succession is one event;
lowered and raised back within the second is none.

Kept in the domain (not in the page) so that every page of the person, and a page that does not
play by the rules, share the same pace; the time is the run's clock, checked by the time-keeper.
"""

from __future__ import annotations

from datetime import datetime, timedelta

HAND_PACE = timedelta(seconds=1)


class HandPace:
    def __init__(self, every: timedelta = HAND_PACE) -> None:
        self.every = every
        self._changed_at: dict[int, datetime] = {}  # participant -> when they last changed their hand
        self._wishes: dict[int, bool] = {}  # participant -> raised or not, asked within the pace

    def may_change_now(self, participant_id: int, now: datetime) -> bool:
        last = self._changed_at.get(participant_id)
        return participant_id not in self._wishes and (last is None or now - last >= self.every)

    def changed(self, participant_id: int, now: datetime) -> None:
        self._changed_at[participant_id] = now
        self._wishes.pop(participant_id, None)

    def wish(self, participant_id: int, raised: bool) -> None:
        self._wishes[participant_id] = raised

    def wished(self, participant_id: int) -> bool | None:
        """What the person last asked for and is not made yet (None: nothing waits)."""
        return self._wishes.get(participant_id)

    def forget(self, participant_id: int | None = None) -> None:
        """A moderator's decision, a departure, the end: a wish made before it no longer counts (None: everyone's)."""
        if participant_id is None:
            self._wishes.clear()
        else:
            self._wishes.pop(participant_id, None)

    def any_due(self, now: datetime) -> bool:
        return any(self._due(participant_id, now) for participant_id in self._wishes)

    def take_due(self, now: datetime) -> dict[int, bool]:
        """The wishes whose second is over, taken out of the waiting ones."""
        due = {participant_id: raised for participant_id, raised in self._wishes.items()
               if self._due(participant_id, now)}
        for participant_id in due:
            del self._wishes[participant_id]
        return due

    def _due(self, participant_id: int, now: datetime) -> bool:
        last = self._changed_at.get(participant_id)
        return last is None or now - last >= self.every
