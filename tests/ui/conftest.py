"""The simulated users of NiceGUI's testing plugin, each test on its own database."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from nicegui import core
from nicegui.testing.general_fixtures import get_path_to_main_file
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

from domain import accounts
from domain.models import StaffRole
from tests.conftest import PASSWORD

BROWSER_ZONE = re.compile(r"Intl\.DateTimeFormat")


@pytest.fixture
async def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
               request: pytest.FixtureRequest) -> AsyncIterator[User]:
    """NiceGUI's `user` fixture, on a fresh data directory, with a browser in Paris."""
    monkeypatch.setenv("ATELIER_TEST_DATA_DIR", str(tmp_path))
    async with user_simulation(main_file=get_path_to_main_file(request)) as simulated:
        simulated.javascript_rules[BROWSER_ZONE] = lambda _: "Europe/Paris"
        yield simulated
        errors = [record for record in caplog.get_records("call") if record.levelname == "ERROR"]
        if errors:
            pytest.fail(f"unexpected errors logged: {[record.getMessage() for record in errors]}", pytrace=False)


@pytest.fixture
def create_user(user: User) -> Callable[[], User]:
    """More simulated browsers on the same app (NiceGUI's own fixture would start the app a second time).

    Note: in the simulation, a navigation triggered by someone else's action goes to the last
    browser that acted; tests re-open pages instead of relying on it (the browser tests cover it).
    """
    def make() -> User:
        other = User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))
        other.javascript_rules[BROWSER_ZONE] = lambda _: "Europe/Paris"
        return other
    return make


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait for a state the page reaches asynchronously (a database write, a navigation).

    `condition` may be a coroutine function, to check what the database holds.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the page did not reach the expected state in time")
        await asyncio.sleep(0.05)


async def sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open("/signin")
    user.find("Adresse e-mail").type(email)
    user.find("Mot de passe").type(password)
    user.find("Se connecter").click()


@pytest.fixture
async def organiser_user(user: User) -> User:
    await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)
    await sign_in(user, "claire@ville.example")
    await user.should_see("Préparez, publiez et suivez les ateliers de votre commune.", retries=50)
    return user
