"""One Janus server's API over its WebSocket: a session, handles on the VideoRoom plugin, transactions.

Janus answers a request either at once ("success", "error") or with an "ack" followed by an "event"
carrying the same transaction; events without a pending transaction (someone talking, a publisher
gone, a renegotiation) go to the handle's listener. The session is kept alive with a keepalive
every 25 s (Janus drops a session after 60 s of silence). When the socket drops, the session and
its handles are gone with it: pending requests fail, `on_lost` is called, and the next request
connects anew. A server configured with an `api_secret` (its `general` section) answers only requests
that carry it: pass it as `api_secret`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

PLUGIN = "janus.plugin.videoroom"
KEEPALIVE_SECONDS = 25.0
REQUEST_TIMEOUT = 20.0  # seconds for Janus to answer one request: it then counts as lost
ACKED = frozenset({"keepalive", "trickle"})  # requests whose "ack" is the whole answer

Json = dict[str, Any]
EventListener = Callable[[Json, Json | None], None]  # (the plugin's data, or Janus's own message; jsep)


class JanusError(Exception):
    """Janus refused a request, or could not be reached."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class JanusConnection:
    """A WebSocket to one Janus server and the Janus session on it."""

    def __init__(self, url: str, on_lost: Callable[[], None] | None = None, api_secret: str | None = None) -> None:
        self.url = url
        self._api_secret = api_secret
        self._on_lost = on_lost or (lambda: None)
        self._http: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._session_id: int | None = None
        self._pending: dict[str, asyncio.Future[Json]] = {}
        self._listeners: dict[int, EventListener] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._connecting = asyncio.Lock()
        self._transactions = itertools.count(1)
        self._pending_kinds: dict[str, str] = {}
        self.generation = 0  # rises with each new session: handles of an older one are gone
        self.closed = False

    @property
    def connected(self) -> bool:
        return self._session_id is not None

    # ------------------------------------------------------------ connecting

    async def connect(self) -> None:
        """Open the socket and a session, unless they are open already."""
        async with self._connecting:
            if self._session_id is not None:
                return
            if self.closed:
                raise JanusError(f"{self.url}: closed")
            if self._http is None:
                self._http = aiohttp.ClientSession()
            try:
                self._socket = await self._http.ws_connect(self.url, protocols=("janus-protocol",),
                                                           timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                                           max_msg_size=0)
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                raise JanusError(f"{self.url}: cannot connect ({error})") from error
            self._tasks = [asyncio.get_running_loop().create_task(self._read(self._socket), name="janus reader")]
            reply = await self._send({"janus": "create"})
            self._session_id = int(reply["data"]["id"])
            self.generation += 1
            self._tasks.append(asyncio.get_running_loop().create_task(self._keep_alive(), name="janus keepalive"))
            log.info("connected to Janus at %s (session %s)", self.url, self._session_id)

    async def close(self) -> None:
        self.closed = True
        await self._drop(tell=False)
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _drop(self, *, tell: bool) -> None:
        was = self._session_id is not None
        self._session_id = None
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        self._tasks = []
        if self._socket is not None:
            socket, self._socket = self._socket, None
            with contextlib.suppress(Exception):
                await socket.close()
        for waiting in self._pending.values():
            if not waiting.done():
                waiting.set_exception(JanusError(f"{self.url}: connection lost"))
        self._pending.clear()
        self._pending_kinds.clear()
        self._listeners.clear()
        if was and tell:
            log.warning("lost Janus at %s", self.url)
            self._on_lost()

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            try:
                await self._send({"janus": "keepalive", "session_id": self._session_id})
            except JanusError:
                return  # the reader notices the loss

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for message in socket:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                self._dispatch(message.json())
        except Exception:  # a broken socket or message: the session is lost either way
            log.exception("reading from Janus at %s", self.url)
        if self._socket is socket:
            await self._drop(tell=True)

    def _dispatch(self, message: Json) -> None:
        kind, transaction = message.get("janus"), message.get("transaction")
        if transaction in self._pending:
            # An "ack" answers a keepalive or a trickle; a plugin's asynchronous answer comes as a later event.
            if kind != "ack" or self._pending_kinds.get(transaction) in ACKED:
                self._resolve(message)
            return
        sender = message.get("sender")
        listener = self._listeners.get(int(sender)) if sender is not None else None
        if listener is None:
            return
        data = message.get("plugindata", {}).get("data") if kind == "event" else message
        try:
            listener(data or {}, message.get("jsep"))
        except Exception:
            log.exception("a Janus event listener failed")

    def _resolve(self, message: Json) -> None:
        transaction = message["transaction"]
        waiting = self._pending.pop(transaction, None)
        self._pending_kinds.pop(transaction, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(message)

    async def _send(self, request: Json) -> Json:
        if self._socket is None:
            raise JanusError(f"{self.url}: not connected")
        transaction = f"t{next(self._transactions)}"
        request["transaction"] = transaction
        if self._api_secret is not None:
            request["apisecret"] = self._api_secret
        waiting = self._pending[transaction] = asyncio.get_running_loop().create_future()
        self._pending_kinds[transaction] = request["janus"]
        try:
            await self._socket.send_json(request)
            reply = await asyncio.wait_for(waiting, REQUEST_TIMEOUT)
        except (TimeoutError, ConnectionError, aiohttp.ClientError) as error:
            self._pending.pop(transaction, None)
            self._pending_kinds.pop(transaction, None)
            raise JanusError(f"{self.url}: no answer to {request['janus']} ({error!r})") from error
        if reply.get("janus") == "error":
            error_info = reply.get("error", {})
            raise JanusError(f"{self.url}: {error_info.get('reason')}", error_info.get("code"))
        answer: Json = reply
        return answer

    # ------------------------------------------------------------ handles

    async def attach(self, listener: EventListener | None = None) -> int:
        """A new handle on the VideoRoom plugin; `listener` hears its events."""
        await self.connect()
        reply = await self._send({"janus": "attach", "plugin": PLUGIN, "session_id": self._session_id})
        handle = int(reply["data"]["id"])
        if listener is not None:
            self._listeners[handle] = listener
        return handle

    def listen(self, handle: int, listener: EventListener) -> None:
        """`listener` hears this handle's events from now on."""
        self._listeners[handle] = listener

    async def detach(self, handle: int) -> None:
        self._listeners.pop(handle, None)
        if self._session_id is None:
            return
        with contextlib.suppress(JanusError):
            await self._send({"janus": "detach", "session_id": self._session_id, "handle_id": handle})

    async def message(self, handle: int, body: Json, jsep: Json | None = None) -> tuple[Json, Json | None]:
        """A request to the plugin: its answer's data and session description (raises the plugin's errors)."""
        await self.connect()
        request: Json = {"janus": "message", "session_id": self._session_id, "handle_id": handle, "body": body}
        if jsep is not None:
            request["jsep"] = jsep
        reply = await self._send(request)
        data: Json = reply.get("plugindata", {}).get("data", {})
        if "error_code" in data or "error" in data:
            raise JanusError(f"{self.url}: {body.get('request')}: {data.get('error')}", data.get("error_code"))
        return data, reply.get("jsep")

    async def trickle_done(self, handle: int) -> None:
        """The browser's candidates were all in its description: no more will come."""
        with contextlib.suppress(JanusError):
            await self._send({"janus": "trickle", "session_id": self._session_id, "handle_id": handle,
                              "candidate": {"completed": True}})
