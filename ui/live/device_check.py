"""The lobby's device check: camera, microphone and speakers tried in the browser, before the workshop."""

from __future__ import annotations

from nicegui import ui

from ui.i18n import _

# The browser's localStorage key for the chosen devices: {"videoDeviceId", "audioDeviceId", "audioOutputId"}.
# The stage starts the camera and microphone with them.
DEVICES_KEY = "atelier.devices"


class DeviceCheck(ui.element, component="device_check.js"):
    """Shows the person their own picture, their microphone's level and plays a test sound.

    It asks for the camera only when the person clicks, and lets go of it when closed or removed.
    Nothing is sent to the server.
    """

    def __init__(self) -> None:
        super().__init__()
        self._props["storageKey"] = DEVICES_KEY
        self._props["labels"] = {
            "start": _("Check my camera and microphone"),
            "retry": _("Try again"),
            "stop": _("Stop the check"),
            "asking": _("Your browser asks whether Atelier may use your camera and microphone: choose “Allow”."),
            "selfView": _("Your camera's picture, shown as in a mirror"),
            "camera": _("Camera"),
            "microphone": _("Microphone"),
            "speakers": _("Speakers or headphones"),
            "level": _("Microphone level"),
            "levelHint": _("Speak: the bar moves when your microphone hears you."),
            "testSound": _("Play a test sound"),
            "soundHint": _("You should hear a short chime. If not, turn the volume up or choose other speakers."),
            "insecure": _("Camera and microphone need a secure page: open Atelier over HTTPS (or on localhost)."),
            "refused": _("Your browser refused the camera and the microphone: click the camera icon or the "
                         "padlock in the address bar, allow them, then try again."),
            "cameraMissing": _("No camera was found: plug one in, then try again."),
            "microphoneMissing": _("No microphone was found: plug one in (a headset will do), then try again."),
            "cameraBusy": _("Your camera could not start: another program (a video call, perhaps) may be using it. "
                            "Close that program, then try again."),
            "microphoneBusy": _("Your microphone could not start: another program may be using it. Close that "
                                "program, then try again."),
        }
