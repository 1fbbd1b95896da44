"""What the pages need from the composition root, handed over once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.live.registry import LiveRegistry
from domain.personal_links import PersonalLinks
from domain.registrations import Registrations
from mail.sender import MailSender
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
    mail: MailSender  # the outbox's sender (whether a mail server is set, whether it answers) and its composer
    personal_links: PersonalLinks  # each registration's personal link (its secret lives in the data directory)
    registrations: Registrations  # the registration commands, with the public form's limits
