"""Who may talk to a page over its socket: only the browser that loaded it, from this site.

NiceGUI accepts sockets from any origin, and its message handlers act on whatever page a message names
(`msg['client_id']`), whichever socket sends it. The page's client id is no secret: it is in the page and
in the socket's address (`/_nicegui_ws/socket.io/?client_id=...`, hence in proxy logs). So, around
NiceGUI's own handlers:

- a socket whose Origin is another site is refused (the public address's origin, and the address the
  request was made to, are this site);
- a socket may take a page (handshake) only with the browser cookie of the request that built that page,
  and only one page;
- every later message (event, javascript_response, ack, log) is handled only for the page its socket
  took: knowing a page's id and a button's listener id presses nothing from another socket.
"""

from __future__ import annotations

import importlib
import logging
import urllib.parse
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from nicegui import Client, core
from socketio.exceptions import ConnectionRefusedError as SocketRefused  # type: ignore[import-untyped]

log = logging.getLogger(__name__)

_nicegui = importlib.import_module("nicegui.nicegui")  # NiceGUI's socket handlers (tests/ui/test_nicegui_internals.py)
PAGE_MESSAGES = {"event": "_on_event", "javascript_response": "_on_javascript_response", "ack": "_on_ack",
                 "log": "_on_log"}

_page_of_socket: dict[str, str] = {}  # socket id -> id of the page (NiceGUI client) it handshook for


def install(public_origin: str) -> None:
    """Put the checks around NiceGUI's socket handlers (again for each fresh app in tests: idempotent)."""
    sio = core.sio
    sio.eio.cors_allowed_origins = partial(origin_allowed, public_origin)
    sio.on("connect", _connect)
    sio.on("handshake", _handshake)
    sio.on("disconnect", _disconnect)
    for message, handler_name in PAGE_MESSAGES.items():
        sio.on(message, _for_its_page_only(getattr(_nicegui, handler_name)))


def origin_allowed(public_origin: str, origin: str | None, environ: Mapping[str, Any]) -> bool:
    """Whether a socket opened with this Origin header comes from a page of this site.

    Browsers always send Origin with a websocket; engine.io calls this only when there is one.
    """
    if not origin:
        return False
    if origin == public_origin:
        return True
    scope = environ.get("asgi.scope", {})
    scheme = "https" if scope.get("scheme") in {"https", "wss"} else "http"
    host = environ.get("HTTP_HOST")
    return host is not None and origin == f"{scheme}://{host}"


def _browser_id(environ: Mapping[str, Any]) -> str | None:
    """The browser id in the cookie the socket came with (Starlette's session, read by its middleware)."""
    session = environ.get("asgi.scope", {}).get("session") or {}
    browser_id = session.get("id")
    return browser_id if isinstance(browser_id, str) else None


def _may_take(sid: str, environ: Mapping[str, Any] | None, client_id: object) -> bool:
    """A socket may take a page once, and only with the browser cookie the page was built for."""
    client = Client.instances.get(client_id) if isinstance(client_id, str) else None
    if client is None or environ is None or sid in _page_of_socket:
        return False
    try:
        page_browser = _browser_id({"asgi.scope": client.request.scope})
    except RuntimeError:  # a page built without a request
        page_browser = None
    if page_browser is None or _browser_id(environ) != page_browser:
        log.info("refused a socket for page %s: not the browser that loaded it", client.id)
        return False
    return True


async def _connect(sid: str, environ: dict[str, Any], auth: object = None) -> None:
    query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
    implicit_handshake = query.get("implicit_handshake", "") == "true"
    if implicit_handshake and not _may_take(sid, environ, query.get("client_id")):
        # nicegui.js reloads the page on this message: a page of an older browser id comes back with this one
        raise SocketRefused("Implicit handshake failed")
    await _nicegui._on_connect(sid, environ, auth)  # raises if NiceGUI refuses the handshake
    if implicit_handshake:
        _page_of_socket[sid] = query["client_id"]


async def _handshake(sid: str, data: dict[str, Any]) -> bool:
    client_id = data.get("client_id") if isinstance(data, dict) else None
    if not _may_take(sid, core.sio.get_environ(sid), client_id):
        return False
    accepted: bool = await _nicegui._on_handshake(sid, data)
    if accepted and isinstance(client_id, str):
        _page_of_socket[sid] = client_id
    return accepted


def _disconnect(sid: str, *reason: object) -> None:
    _nicegui._on_disconnect(sid)
    _page_of_socket.pop(sid, None)


def _for_its_page_only(handler: Callable[[str, dict[str, Any]], None]) -> Callable[[str, Any], None]:
    def checked(sid: str, msg: Any) -> None:
        if isinstance(msg, dict) and _page_of_socket.get(sid) == msg.get("client_id"):
            handler(sid, msg)

    checked.__name__ = f"{handler.__name__}_for_its_page_only"
    return checked
