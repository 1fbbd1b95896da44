"""The lobby's device check in Chromium: its synthetic camera and microphone, refused permission, no camera,
and a page that is not a secure context.

A visitor's lobby (before joining) shows the check, so these tests only read the shared demo workshop.
The texts are looked up in the French catalog the server reads (`fr`), so the tests follow its translations.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from domain.i18n import translate
from tests.e2e.conftest import CHROMIUM_ARGS, Contexts, Server, check_accessibility, close_contexts

pytestmark = pytest.mark.e2e

LOBBY = "/w/demo/lobby"
FAKE_UI = "--use-fake-ui-for-media-stream"


def fr(text: str) -> str:
    return translate(text, "fr")


START = fr("Check my camera and microphone")
SELF_VIEW = fr("Your camera's picture, shown as in a mirror")


def saved_devices(page: Page) -> dict[str, str]:
    return json.loads(page.evaluate("localStorage.getItem('atelier.devices')") or "{}")


def choices(select: Locator) -> list[str]:
    return [text.strip() for text in select.locator("option").all_inner_texts()]


def meter(page: Page) -> Locator:
    return page.get_by_role("meter", name=fr("Microphone level"))


def wait_for_sound(page: Page) -> None:
    """The level meter moves: Chromium's synthetic microphone (beeps, or the tests' tone) sounds every second or so."""
    page.wait_for_function("(meter) => Number(meter.getAttribute('aria-valuenow')) > 0",
                           arg=meter(page).element_handle())


def start_check(page: Page) -> None:
    page.goto(LOBBY)
    page.get_by_role("button", name=START).click()


@pytest.fixture
def own_browser(playwright: Playwright, base_url: str, request: pytest.FixtureRequest, tmp_path: Path,
                server: Server) -> Iterator[Callable[..., Contexts]]:
    """Launch a Chromium of its own with other switches than the shared one; contexts open through `Contexts`."""
    launched: list[tuple[Browser, Contexts]] = []

    def launch(*extra: str, without: tuple[str, ...] = ()) -> Contexts:
        args = [arg for arg in CHROMIUM_ARGS if arg not in without] + list(extra)
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        launched.append((browser, Contexts(browser, base_url)))
        return launched[-1][1]

    yield launch
    for browser, opened in launched:
        close_contexts(opened, request, tmp_path, server)
        browser.close()


def test_the_check_shows_the_camera_the_microphone_level_and_remembers_the_choice(
        page: Page, contexts: Contexts) -> None:
    page.goto(LOBBY)
    video = page.get_by_label(SELF_VIEW)
    expect(page.get_by_role("button", name=START)).to_be_visible()
    expect(meter(page)).to_have_count(0)
    assert video.evaluate("(video) => video.srcObject") is None, "the camera was asked for before any click"

    page.get_by_role("button", name=START).click()
    expect(video).to_be_visible()
    page.wait_for_function("(video) => video.videoWidth > 0", arg=video.element_handle())
    playing_at = video.evaluate("(video) => video.currentTime")
    page.wait_for_function("([video, at]) => video.currentTime > at", arg=[video.element_handle(), playing_at])

    camera = page.get_by_role("combobox", name=fr("Camera"), exact=True)
    microphone = page.get_by_role("combobox", name=fr("Microphone"), exact=True)
    speakers = page.get_by_role("combobox", name=fr("Speakers or headphones"), exact=True)
    expect(camera).to_be_focused()  # the button just clicked has gone: focus goes on to the first choice
    assert choices(camera) == ["fake_device_0"]
    assert {"Fake Audio Input 1", "Fake Audio Input 2"} <= set(choices(microphone))
    assert "Fake Audio Output 1" in choices(speakers)
    wait_for_sound(page)
    assert saved_devices(page) == {"videoDeviceId": camera.input_value(), "audioDeviceId": microphone.input_value(),
                                   "audioOutputId": speakers.input_value()}

    microphone.select_option(label="Fake Audio Input 2")
    speakers.select_option(label="Fake Audio Output 1")
    chosen = {"videoDeviceId": camera.input_value(), "audioDeviceId": microphone.input_value(),
              "audioOutputId": speakers.input_value()}
    page.wait_for_function("(chosen) => localStorage.getItem('atelier.devices') === JSON.stringify(chosen)",
                           arg=chosen)
    # The check has opened the microphone just chosen (and stopped the one before, its meter starting again
    # from 0 in the same step): the component's own track says which.
    page.wait_for_function("([check, id]) => getElement(check).tracks.audio?.getSettings().deviceId === id",
                           arg=[page.locator(".device-check").element_handle(), chosen["audioDeviceId"]])
    wait_for_sound(page)  # the meter listens to the microphone just chosen

    page.get_by_role("button", name=fr("Play a test sound")).click()
    sound = page.locator("audio")
    page.wait_for_function("(audio) => !audio.paused && audio.currentTime > 0", arg=sound.element_handle())
    assert sound.evaluate("(audio) => audio.sinkId") == chosen["audioOutputId"]

    page.get_by_role("button", name=fr("Stop the check")).click()
    expect(page.get_by_role("button", name=START)).to_be_focused()
    expect(meter(page)).to_have_count(0)
    assert video.evaluate("(video) => video.srcObject") is None

    page.reload()  # the next check starts with the devices chosen last time
    page.get_by_role("button", name=START).click()
    expect(microphone).to_have_value(chosen["audioDeviceId"])
    expect(speakers).to_have_value(chosen["audioOutputId"])
    assert not contexts.page_errors, f"JavaScript errors: {contexts.page_errors}"


def test_the_lobby_with_the_check_running_is_accessible(page: Page) -> None:
    start_check(page)
    wait_for_sound(page)
    check_accessibility(page, f"{LOBBY} (device check running)")


def test_a_refused_permission_says_how_to_allow_it_and_try_again(own_browser: Callable[..., Contexts]) -> None:
    # Without the switch that accepts every request, Chromium refuses instead of asking.
    refusing = own_browser("--deny-permission-prompts", without=(FAKE_UI,))
    context = refusing.new()
    page = context.new_page()
    start_check(page)
    expect(page.get_by_role("alert")).to_have_text(fr(
        "Your browser refused the camera and the microphone: click the camera icon or the padlock in the address "
        "bar, allow them, then try again."))
    expect(meter(page)).to_have_count(0)

    context.grant_permissions(["camera", "microphone"])  # what the person does in the address bar
    page.get_by_role("button", name=fr("Try again")).click()
    expect(page.get_by_role("alert")).to_have_count(0)
    wait_for_sound(page)


def test_without_a_camera_the_microphone_is_still_checked(own_browser: Callable[..., Contexts]) -> None:
    no_camera = own_browser("--use-fake-device-for-media-stream=device-count=0",
                            without=("--use-fake-device-for-media-stream",))
    page = no_camera.new_page()
    start_check(page)
    expect(page.get_by_role("alert")).to_have_text(fr("No camera was found: plug one in, then try again."))
    wait_for_sound(page)
    expect(page.get_by_role("combobox", name=fr("Camera"), exact=True)).to_have_count(0)
    expect(page.get_by_label(SELF_VIEW)).to_be_hidden()
    expect(page.get_by_role("button", name=fr("Try again"))).to_be_visible()


def test_a_page_that_is_not_secure_says_to_use_https(own_browser: Callable[..., Contexts], server: Server) -> None:
    # Any host name other than localhost over plain HTTP is not a secure context.
    port = server.url.rsplit(":", 1)[1]
    elsewhere = own_browser("--host-resolver-rules=MAP atelier.test 127.0.0.1")
    page = elsewhere.new_page()
    page.goto(f"http://atelier.test:{port}{LOBBY}")
    expect(page.get_by_role("alert")).to_have_text(fr(
        "Camera and microphone need a secure page: open Atelier over HTTPS (or on localhost)."))
    expect(page.get_by_role("button", name=START)).to_have_count(0)
