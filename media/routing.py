"""Who sees and hears whom, from where everyone is: pure rules, no connection involved.

On the plenary stage everyone sees the moderators and whoever has the floor, and hears those of
them whose microphone is allowed; in a breakout room everyone sees and hears everyone else in the
room, smaller. What a publisher is asked to send follows from it: stage size if anyone sees them on
the stage, thumbnail size if only in a room, nothing while nobody looks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Someone = Hashable  # a participant or a staff member, as the caller names them


class Profile(StrEnum):
    """What a publisher's browser is asked to send."""

    STAGE = "stage"  # 640x360 at 15 fps, up to 400 kbit/s
    THUMBNAIL = "thumbnail"  # 320x180 at 10 fps, about 150 kbit/s
    AUDIO_ONLY = "audio_only"
    PAUSED = "paused"


@dataclass(frozen=True)
class Gathering:
    """Where everyone is, as the live session knows it."""

    rooms: Mapping[Someone, Hashable | None]  # each person's breakout room; None: the plenary
    moderators: frozenset[Someone] = frozenset()
    floor: Someone | None = None  # the participant given the floor on the plenary stage
    may_speak: frozenset[Someone] = frozenset()  # participants allowed to unmute in the plenary
    cameras_off: frozenset[Someone] = frozenset()
    audio_only: frozenset[Someone] = frozenset()  # who chose audio only for a weak connection


@dataclass(frozen=True)
class View:
    """What one person's page receives."""

    videos: tuple[Someone, ...] = ()
    sounds: tuple[Someone, ...] = ()
    large: bool = True  # the plenary stage; False: a breakout room's thumbnails


@dataclass(frozen=True)
class Routing:
    views: dict[Someone, View] = field(default_factory=dict)
    profiles: dict[Someone, Profile] = field(default_factory=dict)


def route(gathering: Gathering) -> Routing:
    rooms = gathering.rooms
    on_stage = [m for m in sorted(gathering.moderators, key=str) if rooms.get(m) is None]
    if gathering.floor is not None and rooms.get(gathering.floor) is None and gathering.floor not in on_stage:
        on_stage.append(gathering.floor)
    heard_on_stage = [p for p in on_stage
                      if p in gathering.moderators or p == gathering.floor or p in gathering.may_speak]
    views: dict[Someone, View] = {}
    by_room: dict[Hashable, list[Someone]] = {}
    for person, room in sorted(rooms.items(), key=lambda item: str(item[0])):
        if room is not None:
            by_room.setdefault(room, []).append(person)
    for person, room in rooms.items():
        if room is None:
            videos = [p for p in on_stage if p != person and p not in gathering.cameras_off]
            sounds = [p for p in heard_on_stage if p != person]
            views[person] = View(tuple(videos), tuple(sounds), large=True)
        else:
            others = [p for p in by_room[room] if p != person]
            views[person] = View(tuple(p for p in others if p not in gathering.cameras_off), tuple(others),
                                 large=False)
    seen_large = {p for view in views.values() if view.large for p in view.videos}
    seen_small = {p for view in views.values() if not view.large for p in view.videos}
    heard = {p for view in views.values() for p in view.sounds}
    return Routing(views, {person: _profile(person, seen_large, seen_small, heard, gathering) for person in rooms})


def _profile(person: Someone, seen_large: set[Someone], seen_small: set[Someone], heard: set[Someone],
             gathering: Gathering) -> Profile:
    if person in gathering.audio_only or person in gathering.cameras_off or not (
            person in seen_large or person in seen_small):
        return Profile.AUDIO_ONLY if person in heard else Profile.PAUSED
    return Profile.STAGE if person in seen_large else Profile.THUMBNAIL
