"""Who sees and hears whom, from where everyone is: pure rules, no connection involved.

On the plenary stage everyone sees the moderators and whoever has the floor, and hears them and
the participants whose microphone the moderators let open; in a breakout room everyone sees and
hears everyone else in the room, smaller. A shared screen is shown large to everyone where its
sharer is. What a publisher is asked to send follows from it: stage size if anyone sees them on
the stage, thumbnail size if only in a room, nothing while nobody looks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeGuard

Someone = Hashable  # a participant or a staff member, as the caller names them


def screen_of(who: Someone) -> Someone:
    """The source of the screen someone shares: published apart from their camera."""
    return ("screen", who)


def is_screen(source: Someone) -> TypeGuard[tuple[str, Someone]]:
    return isinstance(source, tuple) and len(source) == 2 and source[0] == "screen"


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
    may_speak: frozenset[Someone] = frozenset()  # heard by the whole plenary without being on the stage
    muted: frozenset[Someone] = frozenset()  # heard by nobody, wherever they are
    cameras_off: frozenset[Someone] = frozenset()
    audio_only: frozenset[Someone] = frozenset()  # who chose audio only for a weak connection: no video either way
    screens: Mapping[Someone, Someone] = field(default_factory=dict)  # who shares a screen -> that screen's source


@dataclass(frozen=True)
class View:
    """What one person's page receives."""

    videos: tuple[Someone, ...] = ()
    sounds: tuple[Someone, ...] = ()
    large: bool = True  # the plenary stage; False: a breakout room's thumbnails
    screen: Someone | None = None  # a shared screen, shown above the videos


@dataclass(frozen=True)
class Routing:
    views: dict[Someone, View] = field(default_factory=dict)
    profiles: dict[Someone, Profile] = field(default_factory=dict)
    # Where each one is (their breakout room; None: the plenary), shared screens with their sharer: a backend
    # that carries each room on its own server (media.janus) publishes them there.
    places: dict[Someone, Hashable | None] = field(default_factory=dict)


def route(gathering: Gathering) -> Routing:
    rooms = gathering.rooms
    on_stage = [m for m in sorted(gathering.moderators, key=str) if rooms.get(m) is None]
    if gathering.floor is not None and rooms.get(gathering.floor) is None and gathering.floor not in on_stage:
        on_stage.append(gathering.floor)
    open_microphones = [p for p in sorted(gathering.may_speak, key=str) if p in rooms and rooms[p] is None]
    heard_on_stage = [p for p in dict.fromkeys(on_stage + open_microphones) if p not in gathering.muted]
    hidden = gathering.cameras_off | gathering.audio_only
    by_room: dict[Hashable, list[Someone]] = {}
    for person, room in sorted(rooms.items(), key=lambda item: str(item[0])):
        if room is not None:
            by_room.setdefault(room, []).append(person)
    screens_by_place = {rooms[sharer]: screen for sharer, screen in gathering.screens.items() if sharer in rooms}
    views: dict[Someone, View] = {}
    for person, room in rooms.items():
        seen, heard = (on_stage, heard_on_stage) if room is None else (by_room[room], [
            p for p in by_room[room] if p not in gathering.muted])
        screen = screens_by_place.get(room)
        if person in gathering.audio_only:
            seen, screen = [], None
        if gathering.screens.get(person) == screen:
            screen = None  # one's own screen is not sent back
        views[person] = View(tuple(p for p in seen if p != person and p not in hidden),
                             tuple(p for p in heard if p != person), large=room is None, screen=screen)
    seen_large = {p for view in views.values() if view.large for p in view.videos}
    seen_small = {p for view in views.values() if not view.large for p in view.videos}
    heard_anywhere = {p for view in views.values() for p in view.sounds}
    profiles = {person: _profile(person, seen_large, seen_small, heard_anywhere, gathering) for person in rooms}
    screens_seen = {view.screen for view in views.values()}
    profiles.update({screen: Profile.STAGE if screen in screens_seen else Profile.PAUSED
                     for screen in gathering.screens.values()})
    places: dict[Someone, Hashable | None] = dict(rooms)
    places.update({screen: rooms[sharer] for sharer, screen in gathering.screens.items() if sharer in rooms})
    return Routing(views, profiles, places)


def _profile(person: Someone, seen_large: set[Someone], seen_small: set[Someone], heard: set[Someone],
             gathering: Gathering) -> Profile:
    if person in gathering.audio_only or person in gathering.cameras_off or not (
            person in seen_large or person in seen_small):
        return Profile.AUDIO_ONLY if person in heard else Profile.PAUSED
    return Profile.STAGE if person in seen_large else Profile.THUMBNAIL
