"""A real `atelier demo` server, and browsers that speak to it as nicegui.js does (httpx + python-socketio).

Used to attack the socket endpoint from outside: another origin, another browser's cookie, a known client id.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import socketio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.postgres import free_port
from tests.waiting import GUARD, until

ROOT = Path(__file__).resolve().parents[2]
SOCKET_PATH = "/_nicegui_ws/socket.io"
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Accept-Language": "fr-FR,fr;q=0.9",
    "Accept": "text/html,application/xhtml+xml",
}


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running_demo(folder: Path, *options: str, tls: bool = False) -> Iterator[Server]:
    """`atelier demo` on a free port (over HTTPS with a self-signed certificate if `tls`), stopped afterwards."""
    port = free_port()
    scheme = "https" if tls else "http"
    if tls:
        certificate, key = self_signed_certificate(folder)
        options = (*options, "--tls-certificate", str(certificate), "--tls-key", str(key))
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("ATELIER_", "PYTEST_", "NICEGUI_"))}
    log = folder / "server.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "atelier", "demo", "--port", str(port), "--data-dir", str(folder / "data"),
             *options], cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"{scheme}://127.0.0.1:{port}", folder / "data", process, log)
    try:
        deadline = time.monotonic() + GUARD
        while not _healthy(server):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"atelier demo did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=GUARD)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _healthy(server: Server) -> bool:
    try:
        return httpx.get(f"{server.url}/healthz", verify=False, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "certificate.pem", folder / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return certificate_path, key_path


class Browser:
    """One person's browser: its own cookie jar."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = httpx.AsyncClient(base_url=server.url, headers=BROWSER_HEADERS, verify=False,
                                      follow_redirects=True, timeout=GUARD)
        self.tab_id = str(uuid.uuid4())
        self.pages: list[Page] = []

    async def load(self, path: str, *, cookies: str | None = None) -> Page:
        """GET a page as nicegui.js's browser would; `cookies` replaces the jar's (a proxy's Secure cookies)."""
        response = await self.http.get(path, headers={"Cookie": cookies} if cookies is not None else None)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        client_id, elements = CLIENT_ID.search(response.text), ELEMENTS.search(response.text)
        assert client_id and elements, f"GET {path}: not a NiceGUI page"
        page = Page(self, client_id.group(1), json.loads(unescape(elements.group(1))))
        self.pages.append(page)
        return page

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.http.cookies.jar)

    async def close(self) -> None:
        for page in self.pages:
            await page.close()
        await self.http.aclose()


def unescape(raw: str) -> str:
    """What nicegui.js parseElements() undoes before JSON.parse."""
    return (raw.replace("&#36;", "$").replace("&#96;", "`").replace("&gt;", ">")
            .replace("&lt;", "<").replace("&amp;", "&"))


class Page:
    """A loaded page, and the socket that speaks for it (NiceGUI's protocol, as nicegui.js speaks it)."""

    def __init__(self, browser: Browser, client_id: str, elements: dict[str, Any]) -> None:
        self.browser = browser
        self.client_id = client_id
        self.elements = elements
        self.messages: list[tuple[str, Any]] = []
        self.sio = socketio.AsyncClient(reconnection=False, ssl_verify=False)
        self.sio.on("*", lambda event, data=None: self.messages.append((event, data)))
        self.refusals: list[Any] = []  # why the server refused the socket (nicegui.js reloads on some)
        self.sio.on("connect_error", self.refusals.append)

    async def connect(self, *, client_id: str | None = None, origin: str | None = None,
                      cookies: str | None = None) -> None:
        """Open this page's socket with an implicit handshake, as nicegui.js does, or claim `client_id` instead."""
        query = f"client_id={client_id or self.client_id}&next_message_id=0&implicit_handshake=true" \
                f"&document_id={uuid.uuid4()}&tab_id={self.browser.tab_id}"
        headers = {"Cookie": self.browser.cookie_header() if cookies is None else cookies}
        if origin is not None:
            headers["Origin"] = origin
        await self.sio.connect(f"{self.browser.server.url}/?{query}", headers=headers, transports=["websocket"],
                               socketio_path=SOCKET_PATH, wait_timeout=GUARD)

    def find(self, tag: str, **props: Any) -> str:
        found = [element_id for element_id, element in self.elements.items()
                 if element.get("tag") == tag
                 and all(element.get("props", {}).get(name) == value for name, value in props.items())]
        assert len(found) == 1, f"{len(found)} {tag} with {props}"
        return found[0]

    def listener(self, element_id: str, event_type: str) -> dict[str, Any]:
        return next(ev for ev in self.elements[element_id]["events"] if ev["type"] == event_type)

    async def emit_event(self, element_id: str, event_type: str, *args: Any, client_id: str | None = None,
                         listener_of: Page | None = None) -> None:
        """An element's event, as nicegui.js emits it; `client_id` and `listener_of` forge another page's."""
        listener = (listener_of or self).listener(element_id, event_type)
        await self.sio.emit("event", {"id": int(element_id), "client_id": client_id or self.client_id,
                                      "listener_id": listener["listener_id"], "args": [json.dumps(a) for a in args]})

    async def type_into(self, element_id: str, text: str, **forgery: Any) -> None:
        events = self.elements[element_id]["events"]
        await self.emit_event(element_id, next(ev["type"] for ev in events if ev["type"].startswith("update:")),
                              text, **forgery)

    async def click(self, element_id: str, **forgery: Any) -> None:
        await self.emit_event(element_id, "click", **forgery)

    def sees(self, text: str) -> bool:
        return text in json.dumps([data for _, data in self.messages], ensure_ascii=False)

    async def navigation(self) -> str:
        """The address the server sent this page to."""
        await until(lambda: any(event == "open" for event, _ in self.messages),
                    message="the page was sent nowhere")
        return str(next(data["path"] for event, data in self.messages if event == "open"))

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        if self.sio.eio.http is not None:  # left open by a refused connection
            await self.sio.eio.http.close()


async def sign_in(browser: Browser, email: str, password: str) -> httpx.Response:
    """Sign in through the sign-in page's socket, then follow where the page is sent (which sets the cookie).

    Returns the last answer, the signed-in landing page (`.history` holds /signin/complete's).
    """
    page = await browser.load("/signin")
    await page.connect()
    await page.type_into(page.find("nicegui-input", autocomplete="username"), email)
    await page.type_into(page.find("nicegui-input", autocomplete="current-password"), password)
    await page.click(sign_in_button(page))
    target = await page.navigation()
    await page.close()
    return await browser.http.get(target)


def sign_in_button(page: Page) -> str:
    return next(element_id for element_id, element in page.elements.items()
                if element.get("tag") == "q-btn" and any(ev["type"] == "click" for ev in element.get("events", [])))
