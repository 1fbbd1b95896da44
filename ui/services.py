"""What the pages need from the composition root, handed over once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.live.registry import LiveRegistry
from media.live import LiveMedia
from ui.web_security import WebSecurity


@dataclass(frozen=True)
class Services:
    clock: Clock
    version: str
    public_url: str  # e.g. https://atelier.example.org, for links shown to people
    live: LiveRegistry
    live_media: LiveMedia  # the runs' cameras and microphones, and the media service under it
    web: WebSecurity  # HTTPS or not: cookie names and flags, security headers, the sockets' allowed origin
