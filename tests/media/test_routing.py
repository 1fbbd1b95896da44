"""Who sees and hears whom on the plenary stage and in breakout rooms, and what each one is asked to send."""

from __future__ import annotations

from media.routing import Gathering, Profile, View, route


def test_the_plenary_sees_the_moderators_and_whoever_has_the_floor() -> None:
    gathering = Gathering(rooms={"karim": None, "amina": None, "bruno": None, "chloe": None},
                          moderators=frozenset({"karim"}), floor="bruno")
    routing = route(gathering)
    assert routing.views["amina"] == View(videos=("karim", "bruno"), sounds=("karim", "bruno"), large=True)
    assert routing.views["bruno"] == View(videos=("karim",), sounds=("karim",), large=True)  # never oneself
    assert routing.views["karim"].videos == ("bruno",)
    assert routing.profiles == {"karim": Profile.STAGE, "bruno": Profile.STAGE, "amina": Profile.PAUSED,
                                "chloe": Profile.PAUSED}


def test_participants_without_the_floor_are_heard_only_when_allowed() -> None:
    gathering = Gathering(rooms={"karim": None, "amina": None, "bruno": None}, moderators=frozenset({"karim"}))
    assert route(gathering).views["amina"].sounds == ("karim",)
    allowed = Gathering(rooms=gathering.rooms, moderators=gathering.moderators, floor="bruno",
                        may_speak=frozenset({"amina"}))
    routing = route(allowed)
    assert routing.views["karim"] == View(videos=("bruno",), sounds=("bruno", "amina"), large=True)  # heard, not seen
    assert routing.profiles["amina"] == Profile.AUDIO_ONLY
    muted = route(Gathering(rooms=gathering.rooms, moderators=gathering.moderators, floor="bruno",
                            may_speak=frozenset({"amina"}), muted=frozenset({"amina", "bruno"})))
    assert muted.views["karim"] == View(videos=("bruno",), sounds=(), large=True)
    assert muted.profiles["bruno"] == Profile.STAGE and muted.profiles["amina"] == Profile.PAUSED


def test_a_breakout_room_sees_and_hears_everyone_in_it_and_nobody_else() -> None:
    gathering = Gathering(rooms={"karim": None, "amina": "nature", "bruno": "nature", "chloe": "market",
                                 "david": "market"}, moderators=frozenset({"karim"}))
    routing = route(gathering)
    assert routing.views["amina"] == View(videos=("bruno",), sounds=("bruno",), large=False)
    assert routing.views["chloe"] == View(videos=("david",), sounds=("david",), large=False)
    assert routing.profiles["amina"] == Profile.THUMBNAIL
    assert routing.profiles["karim"] == Profile.PAUSED  # alone in the plenary, nobody looks


def test_a_moderator_visiting_a_room_is_seen_there_and_no_longer_on_the_stage() -> None:
    gathering = Gathering(rooms={"karim": "nature", "amina": "nature", "bruno": None},
                          moderators=frozenset({"karim"}))
    routing = route(gathering)
    assert "karim" in routing.views["amina"].videos
    assert routing.views["bruno"].videos == ()


def test_cameras_off_and_audio_only_send_sound_alone() -> None:
    gathering = Gathering(rooms={"karim": None, "amina": None, "bruno": None}, moderators=frozenset({"karim"}),
                          floor="amina", cameras_off=frozenset({"amina"}), audio_only=frozenset({"karim"}))
    routing = route(gathering)
    assert routing.views["bruno"] == View(videos=(), sounds=("karim", "amina"), large=True)
    assert routing.views["karim"] == View(videos=(), sounds=("amina",), large=True)  # receives no video either
    assert routing.profiles["amina"] == Profile.AUDIO_ONLY
    assert routing.profiles["karim"] == Profile.AUDIO_ONLY


def test_a_shared_screen_is_shown_large_where_its_sharer_is() -> None:
    gathering = Gathering(rooms={"karim": None, "amina": None, "david": None, "bruno": "nature", "chloe": "nature"},
                          moderators=frozenset({"karim"}), screens={"karim": "karim-screen", "bruno": "bruno-screen"},
                          audio_only=frozenset({"amina"}))
    routing = route(gathering)
    assert routing.views["karim"].screen is None  # one's own screen is not sent back
    assert routing.views["amina"].screen is None  # audio only: no screen either
    assert routing.views["david"].screen == "karim-screen" and routing.views["chloe"].screen == "bruno-screen"
    assert routing.profiles["karim-screen"] == Profile.STAGE == routing.profiles["bruno-screen"]
    alone = route(Gathering(rooms={"karim": None}, moderators=frozenset({"karim"}),
                            screens={"karim": "karim-screen"}))
    assert alone.profiles["karim-screen"] == Profile.PAUSED
