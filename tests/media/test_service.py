"""The media service routes real aiortc peers as the live session places people: stage, floor, rooms."""

from __future__ import annotations

import time
from functools import partial

import aioice.ice
import pytest

from media.forwarding import PublishedTrack, Slot
from media.routing import Gathering, route
from media.service import VIDEO_SLOTS, MediaService, fill_slots
from tests.media.synthetic import NarrowLink, Viewer, camera, camera_and_microphone, microphone
from tests.waiting import until

pytestmark = pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True),
                                reason="no network address for ICE on this machine")

SHADES = {"karim": 40, "amina": 110, "bruno": 170, "chloe": 230}


def shade_count(viewer: Viewer, shade: int) -> int:
    return sum(1 for _, seen in viewer.shades if seen == shade)


async def test_pages_see_the_stage_then_their_room_then_the_stage_again() -> None:
    media = MediaService()
    cameras = [await camera(shade, partial(media.publish, who)) for who, shade in SHADES.items()]
    viewers = {who: Viewer() for who in SHADES}
    for who, viewer in viewers.items():
        await media.accept(f"page of {who}", await viewer.answer(await media.watch(f"page of {who}", who)))

    plenary = Gathering(rooms=dict.fromkeys(SHADES), moderators=frozenset({"karim"}), floor="bruno")
    media.route("run", route(plenary))
    amina, bruno = viewers["amina"], viewers["bruno"]
    # Each picture on screen for a while (a stream's first pictures may still be settling)...
    await until(lambda: all(shade_count(amina, shade) > 10 for shade in (40, 170)) and shade_count(bruno, 40) > 10)
    marks = {who: len(viewer.shades) for who, viewer in viewers.items()}
    # ... then the next 30 pictures of each page, whatever time they take to come.
    await until(lambda: {40, 170} <= set(amina.shades_after(marks["amina"]))
                and all(len(viewer.shades) >= marks[who] + 30 for who, viewer in viewers.items()))
    assert set(amina.shades_after(marks["amina"])) == {40, 170}  # the moderator and whoever has the floor
    assert set(bruno.shades_after(marks["bruno"])) == {40}  # never oneself
    assert media.shown("page of amina")[0][:2] == ["karim", "bruno"]

    rooms = Gathering(rooms={"karim": None, "amina": "nature", "bruno": "nature", "chloe": "market"},
                      moderators=frozenset({"karim"}))
    media.route("run", route(rooms))
    # Amina's last 30 pictures are all Bruno's: the moderator's, in the plenary, no longer reach her room.
    # (How soon a switch shows is measured by benchmarks/media_workshop.py.)
    await until(lambda: amina.latest_shades(30) == {170})
    assert media.shown("page of chloe")[0] == [None] * VIDEO_SLOTS  # alone in her room

    back = len(amina.shades)
    media.route("run", route(plenary))
    await until(lambda: {40, 170} <= set(amina.shades_after(back)))

    for viewer in viewers.values():
        await viewer.close()
    await media.close()
    for browser in cameras:
        await browser.close()


async def test_a_reloaded_page_keeps_the_camera_its_new_connection_publishes() -> None:
    media = MediaService()
    first = await camera(80, partial(media.publish, "amina", page="first tab"))
    second = await camera(80, partial(media.publish, "amina", page="reloaded tab"))  # the reload publishes again
    await media.unpublish("amina", "first tab")  # the old page goes away afterwards
    viewer = Viewer()
    await media.accept("page of bruno", await viewer.answer(await media.watch("page of bruno", "bruno")))
    media.route("run", route(Gathering(rooms={"amina": None, "bruno": None}, moderators=frozenset({"amina"}))))
    assert media.shown("page of bruno")[0][0] == "amina"
    await until(lambda: viewer.shades)
    await media.unpublish("amina", "reloaded tab")
    assert media.shown("page of bruno")[0][0] is None
    await viewer.close()
    await media.close()
    for browser in (first, second):
        await browser.close()


def test_with_more_voices_than_slots_those_speaking_are_heard() -> None:
    slots = [Slot("audio") for _ in range(2)]
    amina, bruno, chloe = (PublishedTrack("audio", lambda: None) for _ in range(3))
    fill_slots(slots, [amina, bruno, chloe], preferred=set())
    assert [slot.source for slot in slots] == [amina, bruno]
    fill_slots(slots, [amina, bruno, chloe], preferred={chloe})  # Chloé starts speaking
    assert chloe in {slot.source for slot in slots}
    assert slots[0].source is amina or slots[1].source is bruno  # one of the others kept its slot
    fill_slots(slots, [amina, bruno, chloe], preferred=set())  # silence again: nobody is moved for nothing
    assert chloe in {slot.source for slot in slots}
    for slot in slots:
        slot.stop()


async def test_voices_are_heard_in_their_room_and_in_no_other() -> None:
    media = MediaService()
    amina, amina_voice = await microphone(partial(media.publish, "amina"))
    bruno, _silent = await microphone(partial(media.publish, "bruno"))
    amina_voice.loud = True
    listeners = {"chloe": Viewer(), "david": Viewer()}
    for who, listener in listeners.items():
        await media.accept(f"page of {who}", await listener.answer(await media.watch(f"page of {who}", who)))
    rooms = {"amina": "nature", "chloe": "nature", "bruno": "market", "david": "market"}
    routed = time.monotonic()
    media.route("run", route(Gathering(rooms=rooms)))
    await until(lambda: listeners["chloe"].loudest_since(routed) > 8_000)  # Amina's tone
    await until(lambda: len([at for at, _ in listeners["david"].peaks if at > routed]) > 50)
    assert listeners["david"].loudest_since(routed) < 1_000  # Bruno's silence, never Amina's voice
    for listener in listeners.values():
        await listener.close()
    await media.close()
    for browser in (amina, bruno):
        await browser.close()


async def test_a_page_whose_link_is_too_narrow_gets_sound_only_rather_than_frozen_video() -> None:
    media = MediaService()
    amina, amina_voice = await camera_and_microphone(partial(media.publish, "amina"))
    amina_voice.loud = True
    bruno, chloe = Viewer(), Viewer()
    told: list[str] = []
    for who, viewer in (("bruno", bruno), ("chloe", chloe)):
        media.on_page_change(f"page of {who}", who, partial(told.append, who))
        await media.accept(f"page of {who}", await viewer.answer(await media.watch(f"page of {who}", who)))
    link = NarrowLink(bruno.connection, bitrate=150_000)  # Bruno's link carries sound, not Amina's picture
    media.route("run", route(Gathering(rooms={"amina": "nature", "bruno": "nature", "chloe": "nature"})))
    assert media.shown("page of bruno") == (["amina"] + [None] * (VIDEO_SLOTS - 1), ["amina"] + [None] * 7)
    # Most of Amina's picture is lost on the way to Bruno: his receiver reports say so, and he gets her voice only.
    await until(lambda: media.shown("page of bruno")[0][0] is None, message=lambda: f"{link.dropped} dropped")
    assert media.reduced("page of bruno") and told.count("bruno") >= 2  # his page is told, it may say why
    assert media.shown("page of bruno")[1][0] == "amina"
    reduced = time.monotonic()
    await until(lambda: bruno.loudest_since(reduced) > 8_000)  # her voice still reaches him
    assert media.shown("page of chloe")[0][0] == "amina" and not media.reduced("page of chloe")
    await until(lambda: chloe.latest_shades(10) is not None)  # Chloé's link is fine: she still sees Amina
    for viewer in (bruno, chloe):
        await viewer.close()
    await media.close()
    await amina.close()
