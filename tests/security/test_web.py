"""The web layer from outside: headers, cookies, sessions, sockets and redirects, as an attacker would try them.

Simulated browsers (NiceGUI's `user`) where the pages are enough; a real `atelier demo` (over HTTP, over
HTTPS with a self-signed certificate, behind an HTTPS proxy) with httpx and python-socketio clients where
cookies, origins and sockets matter, and Chromium for framing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from nicegui.testing.user import User
from playwright.sync_api import sync_playwright

from domain import accounts, demo
from domain.clock import FakeClock, SystemClock
from domain.models import StaffAccount, StaffSession
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.security.browsers import Browser, Server, running_demo, sign_in
from tests.ui.conftest import see
from tests.ui.conftest import sign_in as sign_in_simulated
from tests.waiting import until
from ui.auth import SignInTickets, local_path
from ui.web_security import BROWSER_COOKIE, STAFF_COOKIE

FRAMING_REFUSED = {"X-Frame-Options": "DENY"}
REQUIRED_POLICY = ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
                   "default-src 'self'")


def assert_security_headers(response: httpx.Response, *, https: bool = False) -> None:
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    policy = response.headers.get("content-security-policy", "")
    for directive in REQUIRED_POLICY:
        assert directive in policy, f"{where}: {directive} missing from {policy!r}"
    assert response.headers.get("x-frame-options") == "DENY", where
    assert response.headers.get("x-content-type-options") == "nosniff", where
    assert response.headers.get("referrer-policy") == "same-origin", where
    permissions = response.headers.get("permissions-policy", "")
    for feature in ("camera=(self)", "microphone=(self)", "display-capture=(self)"):
        assert feature in permissions, where
    if https:
        assert response.headers.get("strict-transport-security", "").startswith("max-age="), where
    else:
        assert "strict-transport-security" not in response.headers, where


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """The Set-Cookie headers of an answer, by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def browser_id(cookie_value: str) -> str:
    """The id inside Starlette's signed session cookie (base64 JSON, a timestamp, a signature)."""
    payload = cookie_value.split(".", 1)[0]
    return str(json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["id"])


# ------------------------------------------------------------------ headers


async def test_pages_static_files_health_and_errors_carry_the_security_headers(user: User) -> None:
    for path in ("/", "/signin", "/organise", "/static/atelier.css", "/static/favicon.svg", "/healthz",
                 "/no/such/page", "/language/en?next=/"):
        assert_security_headers(await user.http_client.get(path))
    nicegui_script = await user.http_client.get("/")
    script_path = next(part.split('"')[0] for part in nicegui_script.text.split('src="')[1:]
                       if "/_nicegui/" in part.split('"')[0])
    assert_security_headers(await user.http_client.get(script_path))  # NiceGUI's own static files


async def test_another_site_cannot_frame_a_staff_page(organiser_user: User) -> None:
    response = await organiser_user.http_client.get("/organise")
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


# ------------------------------------------------------------------ redirects after sign-in

LEAVING_THE_SITE = [
    "//evil.example", "///evil.example", "////evil.example", "//evil.example/organise",
    "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "\\/evil.example", "/\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\t\t/evil.example", "/\r\n/evil.example",
    "/%09/evil.example", "/%0a/evil.example", "/%0D/evil.example", "/%2509/evil.example", "/%00/evil.example",
    "/%5cevil.example", "/%5C%5Cevil.example", "/%2f/evil.example", "/%2F%2Fevil.example", "/%252F/evil.example",
    "https://evil.example", "http:evil.example", "https:/evil.example", "HTTPS://evil.example",
    "javascript:alert(1)", "data:text/html,hello", "evil.example", "\t//evil.example", " //evil.example",
    "/\x00/evil.example", "/\x7f/evil.example", "/\u2028/evil.example", "/\u200b/evil.example",
    "/\u202e/evil.example", "/\u3000/evil.example", "/\ufeff/evil.example", "%2F%2Fevil.example", "", None,
]
ON_THE_SITE = {
    "/": "/",
    "/organise": "/organise",
    "/organise/new": "/organise/new",
    "/w/demo/lobby?from=mail&x=1": "/w/demo/lobby?from=mail&x=1",
    "/organise/demo/agenda#step-2": "/organise/demo/agenda#step-2",
    "/w/plan-vélo": "/w/plan-v%C3%A9lo",
    "/w/plan-v%C3%A9lo": "/w/plan-v%C3%A9lo",
    '/w/"quoted"<tag>': "/w/%22quoted%22%3Ctag%3E",
}


@pytest.mark.parametrize("target", LEAVING_THE_SITE)
def test_a_target_a_browser_would_take_to_another_site_is_refused(target: str | None) -> None:
    assert local_path(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(("target", "followed"), ON_THE_SITE.items())
def test_paths_of_this_site_are_followed_quoted(target: str, followed: str) -> None:
    assert local_path(target, "/fallback") == followed


async def test_after_sign_in_next_never_leads_to_another_site(organiser_user: User) -> None:
    for target in [t for t in LEAVING_THE_SITE if t]:
        response = await organiser_user.http_client.get("/signin", params={"next": target})
        assert response.status_code == 303 and response.headers["location"] == "/organise", repr(target)
        response = await organiser_user.http_client.get("/language/fr", params={"next": target})
        assert response.headers["location"] == "/", repr(target)


async def test_signing_in_with_a_next_path_ends_there(user: User) -> None:
    await accounts.create_staff("claire@ville.example", "Claire", accounts.StaffRole.ORGANISER, PASSWORD)
    await user.open("/signin?next=%09%2F%2Fevil.example")
    user.find("Adresse e-mail").type("claire@ville.example")
    user.find("Mot de passe").type(PASSWORD)
    user.find("Se connecter").click()
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")
    assert user.client.request.url.path == "/organise"


# ------------------------------------------------------------------ sign-in tickets and sessions


async def test_a_sign_in_ticket_opens_its_session_once_and_only_in_its_own_browser(
        organiser: StaffAccount, clock: FakeClock) -> None:
    tickets = SignInTickets()
    token = await accounts.open_session(organiser, clock)
    key = await tickets.issue(token, "browser-a", "/organise", clock.now())
    redeemed = await tickets.redeem(key, "browser-a", clock.now())
    assert redeemed is not None and redeemed.session_token == token and redeemed.destination == "/organise"
    assert await tickets.redeem(key, "browser-a", clock.now()) is None  # once only

    carried = await tickets.issue(token, "browser-a", "/organise", clock.now())
    assert await tickets.redeem(carried, "browser-b", clock.now()) is None
    assert await accounts.account_for_session(token, clock) is None  # a ticket carried elsewhere is spent
    assert await tickets.redeem(carried, "browser-a", clock.now()) is None


async def test_an_uncollected_sign_in_ticket_expires_with_its_session(organiser: StaffAccount,
                                                                    clock: FakeClock) -> None:
    tickets = SignInTickets()
    token = await accounts.open_session(organiser, clock)
    key = await tickets.issue(token, "browser-a", "/organise", clock.now())
    clock.advance(seconds=61)
    assert await tickets.redeem(key, "browser-a", clock.now()) is None
    assert await accounts.account_for_session(token, clock) is None


async def test_signing_out_ends_the_server_session_and_clears_the_cookie(user: User) -> None:
    await accounts.create_staff("claire@ville.example", "Claire", accounts.StaffRole.ORGANISER, PASSWORD)
    await sign_in_simulated(user, "claire@ville.example")
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")
    token = user.http_client.cookies[STAFF_COOKIE]
    assert await StaffSession.filter(token_hash=hashlib.sha256(token.encode()).hexdigest()).exists()
    response = await user.http_client.post("/signout")
    assert response.status_code == 303
    cleared = set_cookies(response)[STAFF_COOKIE]
    assert 'atelier-staff=""' in cleared and "Max-Age=0" in cleared
    assert not await StaffSession.filter(token_hash=hashlib.sha256(token.encode()).hexdigest()).exists()
    replayed = httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test",
                                 cookies={STAFF_COOKIE: token})
    assert (await replayed.get("/organise")).status_code == 303  # the old cookie opens nothing any more


async def test_a_link_or_image_from_another_site_cannot_sign_anyone_out(user: User) -> None:
    await accounts.create_staff("claire@ville.example", "Claire", accounts.StaffRole.ORGANISER, PASSWORD)
    await sign_in_simulated(user, "claire@ville.example")
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")
    token = user.http_client.cookies[STAFF_COOKIE]
    assert (await user.http_client.get("/signout")).status_code == 200  # a page with the form, nothing more
    assert await accounts.account_for_session(token, SystemClock()) is not None
    # A form on another site may POST, but the staff cookie (SameSite=lax, asserted below) does not go with it.


async def test_a_replayed_or_forged_ticket_signs_no_one_in(user: User) -> None:
    await accounts.create_staff("claire@ville.example", "Claire", accounts.StaffRole.ORGANISER, PASSWORD)
    await sign_in_simulated(user, "claire@ville.example")
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")
    completion = next(path for path in user.back_history if path.startswith("/signin/complete?ticket="))
    stranger = httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test")
    for path in (completion, "/signin/complete?ticket=made-up", "/signin/complete"):
        response = await stranger.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/signin", path
        assert STAFF_COOKIE not in set_cookies(response)


# ------------------------------------------------------------------ a real server: fixation, storage, sockets

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_demo(tmp_path_factory.mktemp("web-security")) as running:
        yield running


@pytest.fixture
async def browsers(server: Server) -> AsyncIterator[list[Browser]]:
    """Make browsers with `browsers.append(Browser(server))`: all are closed after the test."""
    opened: list[Browser] = []
    yield opened
    for browser in opened:
        await browser.close()


def cookie(browser: Browser, name: str) -> Any:
    return next((c for c in browser.http.cookies.jar if c.name == name), None)


async def test_a_planted_browser_id_is_replaced_at_sign_in_and_opens_nothing(server: Server,
                                                                           browsers: list[Browser]) -> None:
    attacker, victim = Browser(server), Browser(server)
    browsers.extend([attacker, victim])
    await attacker.http.get("/signin")
    planted = cookie(attacker, BROWSER_COOKIE)
    victim.http.cookies.jar.set_cookie(planted)  # e.g. from a sibling site of the domain, or a shared computer

    landing = await sign_in(victim, demo.ORGANISER.email, demo.DEMO_PASSWORD)
    assert landing.url.path == "/organise"
    assert browser_id(cookie(victim, BROWSER_COOKIE).value) != browser_id(planted.value)
    assert cookie(victim, STAFF_COOKIE) is not None

    response = await attacker.http.get("/organise")
    assert response.url.path == "/signin", "the planted browser id opened the organiser's pages"


async def test_no_staff_token_is_kept_in_the_browser_storage_files(server: Server, browsers: list[Browser]) -> None:
    browser = Browser(server)
    browsers.append(browser)
    await browser.http.get("/language/en?next=/")  # something this browser's storage keeps, across sign-in too
    await sign_in(browser, demo.ORGANISER.email, demo.DEMO_PASSWORD)
    token = cookie(browser, STAFF_COOKIE).value
    storage = server.data_dir / "browser-storage"
    renewed = storage / f"storage-user-{browser_id(cookie(browser, BROWSER_COOKIE).value)}.json"
    await until(lambda: renewed.exists() and '"language"' in renewed.read_text(),
                message="the renewed browser's storage was never written")
    # Nothing in the data directory (browser storage, database and its journal, secrets) holds the token itself.
    for stored in (path for path in server.data_dir.rglob("*") if path.is_file()):
        assert token.encode() not in stored.read_bytes(), f"the staff session token is in {stored.name}"


async def test_a_foreign_origin_socket_is_refused(server: Server, browsers: list[Browser]) -> None:
    browser = Browser(server)
    browsers.append(browser)
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null", server.url + ".evil.example"):
        page = await browser.load("/signin")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await page.connect(origin=origin)
    port = server.url.rsplit(":", 1)[1]
    for origin in (server.url, f"http://localhost:{port}"):  # the address used, and the public address
        page = await browser.load("/signin")
        await page.connect(origin=origin)
        await page.close()


async def test_a_socket_without_the_page_browser_cookie_cannot_take_the_page(server: Server,
                                                                          browsers: list[Browser]) -> None:
    owner, stranger = Browser(server), Browser(server)
    browsers.extend([owner, stranger])
    page = await owner.load("/signin")  # its client id travels in the socket's address: proxy logs have it
    other = await stranger.load("/signin")
    for cookies in (None, ""):  # its own browser's cookie, then none at all
        with pytest.raises(socketio.exceptions.ConnectionError):
            await other.connect(client_id=page.client_id, origin=server.url, cookies=cookies)
    # nicegui.js reloads a page on this answer: a page of the owner's built for an older browser id comes back
    assert other.refusals == [{"message": "Implicit handshake failed"}] * 2
    await page.connect(origin=server.url)  # the owner's own socket still takes it
    await page.close()


async def test_a_socket_that_knows_a_client_id_cannot_press_its_buttons(server: Server,
                                                                      browsers: list[Browser]) -> None:
    owner, attacker = Browser(server), Browser(server)
    browsers.extend([owner, attacker])
    page, own = await owner.load("/signin"), await attacker.load("/signin")
    await page.connect()
    await own.connect()
    email = page.find("nicegui-input", autocomplete="username")
    # The attacker's socket types into the owner's page, naming its client id and listener...
    await own.type_into(email, "forged@evil.example", client_id=page.client_id, listener_of=page)
    await own.click(own.find("q-btn", unelevated=True), client_id=page.client_id, listener_of=page)
    # ...then presses its own button: once its own page answers, the forged messages have been handled.
    await own.click(own.find("q-btn", unelevated=True))
    await until(lambda: own.sees("Indiquez votre adresse e-mail."), message="the attacker's own page never answered")
    assert not page.sees("Indiquez"), "a forged click reached the owner's page"
    await page.click(page.find("q-btn", unelevated=True))
    await until(lambda: page.sees("Indiquez votre mot de passe."))
    assert page.sees("Indiquez votre adresse e-mail."), "a forged keystroke filled the owner's e-mail field"
    await page.close()
    await own.close()


# ------------------------------------------------------------------ HTTPS: served here, or by a proxy in front


async def test_under_tls_cookies_are_secure_host_only_and_hsts_is_sent(tmp_path: Path) -> None:
    with running_demo(tmp_path, tls=True) as served:
        browser = Browser(served)
        try:
            page = await browser.http.get("/signin")
            assert_security_headers(page, https=True)
            browser_cookie = set_cookies(page)["__Host-" + BROWSER_COOKIE]
            for flag in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
                assert flag.lower() in browser_cookie.lower(), browser_cookie
            assert "domain" not in browser_cookie.lower()
            landing = await sign_in(browser, demo.ORGANISER.email, demo.DEMO_PASSWORD)
            assert landing.url.path == "/organise"
            staff_cookie = set_cookies(landing.history[0])["__Host-" + STAFF_COOKIE]
            for flag in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
                assert flag.lower() in staff_cookie.lower(), staff_cookie
            assert_security_headers(landing, https=True)
            assert_security_headers(await browser.http.get("/healthz"), https=True)
        finally:
            await browser.close()


async def test_behind_an_https_proxy_cookies_are_secure_and_the_public_origin_may_open_sockets(
        tmp_path: Path) -> None:
    public = "https://atelier.example.org"
    with running_demo(tmp_path, "--public-url", public) as served:
        browser = Browser(served)
        try:
            page = await browser.http.get("/signin")
            assert_security_headers(page, https=True)
            assert "secure" in set_cookies(page)["__Host-" + BROWSER_COOKIE].lower()
            assert "wss://atelier.example.org" in page.headers["content-security-policy"]
            # A browser sends the Secure cookie to the HTTPS proxy; httpx, talking HTTP to Atelier, is given it.
            jar = f"__Host-{BROWSER_COOKIE}={browser.http.cookies['__Host-' + BROWSER_COOKIE]}"
            loaded = await browser.load("/signin", cookies=jar)
            await loaded.connect(origin=public, cookies=jar)
            await loaded.close()
            loaded = await browser.load("/signin", cookies=jar)
            with pytest.raises(socketio.exceptions.ConnectionError):
                await loaded.connect(origin="https://atelier.example.org.evil.example", cookies=jar)
        finally:
            await browser.close()


# ------------------------------------------------------------------ framing, in a real browser


class _FramingSite(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        body = f'<!doctype html><title>Another site</title><iframe src="{self.target}"></iframe>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_of_another_origin_cannot_frame_atelier(server: Server) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    _FramingSite.target = f"{server.url}/organise"
    other_site = ThreadingHTTPServer(("127.0.0.1", 0), _FramingSite)
    threading.Thread(target=other_site.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                with page.expect_console_message(lambda message: "frame-ancestors 'none'" in message.text):
                    page.goto(f"http://localhost:{other_site.server_address[1]}/")
                (frame,) = page.frames[1:]
                frame.wait_for_url("chrome-error://chromewebdata/")  # the refusal replaces Atelier's page
            finally:
                browser.close()
    finally:
        other_site.shutdown()
