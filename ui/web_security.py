"""What every HTTP answer tells the browser about safety: the security headers, and how cookies are set.

The pages are NiceGUI's: Vue compiles their templates in the browser and NiceGUI runs the code the server
sends with `eval`, and the page and Quasar write inline scripts and styles. The Content-Security-Policy
therefore allows 'unsafe-eval' and 'unsafe-inline' for scripts and styles, and otherwise only this site:
nothing can be loaded from elsewhere, no plug-in, no <base> or form sending anywhere else, and no other
site may frame a page (clickjacking). Cameras, microphones and screens are for this site only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A year: browsers keep to HTTPS for this site in the meantime. Not includeSubDomains: the municipality's
# other sites are none of Atelier's business.
HSTS_SECONDS = 365 * 24 * 3600
# Under HTTPS, cookie names with this prefix are only accepted with Secure, on path /, and without a Domain:
# no other site of the domain (or a man in the middle on plain HTTP) can plant one.
SECURE_COOKIE_PREFIX = "__Host-"
BROWSER_COOKIE = "atelier-browser"  # NiceGUI's per-browser session (its browser id), signed
STAFF_COOKIE = "atelier-staff"  # a staff member's session token, HttpOnly


@dataclass(frozen=True)
class WebSecurity:
    """How Atelier is reached: its public address, and whether browsers reach it over HTTPS."""

    public_url: str
    secure: bool  # TLS served here, or by a proxy in front (a public URL in https)

    @classmethod
    def for_site(cls, public_url: str, *, serves_tls: bool) -> WebSecurity:
        return cls(public_url=public_url.rstrip("/"), secure=serves_tls or public_url.startswith("https://"))

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    def cookie_name(self, name: str) -> str:
        return SECURE_COOKIE_PREFIX + name if self.secure else name

    @property
    def browser_cookie_options(self) -> dict[str, object]:
        """Starlette's SessionMiddleware options, given to NiceGUI's `ui.run(session_middleware_kwargs=)`."""
        return {"session_cookie": self.cookie_name(BROWSER_COOKIE), "same_site": "lax", "https_only": self.secure}

    @property
    def content_security_policy(self) -> str:
        sockets = self.public_origin.replace("http", "ws", 1)  # 'self' covers the socket in recent browsers only
        directives = {
            # Measured in Chromium on every page (the stage with cameras, a shared screen and full screen,
            # the lobby's device check and test sound): nothing else is needed, no data: nor blob: either.
            "default-src": "'self'",
            "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src": "'self' 'unsafe-inline'",
            "connect-src": f"'self' {sockets}",
            "frame-src": "'none'",
            "frame-ancestors": "'none'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
        }
        return "; ".join(f"{name} {sources}" for name, sources in directives.items())

    @property
    def headers(self) -> dict[str, str]:
        headers = {
            "Content-Security-Policy": self.content_security_policy,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            # Participants' links carry their invitation: never send an address to another site.
            "Referrer-Policy": "same-origin",
            "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), "
                                  "autoplay=(self), geolocation=(), payment=(), usb=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if self.secure:
            headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
        return headers


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP answer: pages, static files, errors, /healthz."""

    def __init__(self, app: ASGIApp, security: WebSecurity) -> None:
        self.app = app
        self.headers = security.headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
